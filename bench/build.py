"""Benchmark of `publish build` against Typst on the same articles.

In: the largest example issue (by characters; `examples/*/issue.toml`, or `--issue DIR`). Out
(stdout): for `publish build` PDF only, then PDF + EPUB, and for Typst compiling the same articles
converted to a Typst source (two columns, the same page, type and grid): the median wall time of a
cold and of a warm run, each in a fresh process, runs alternating between the two tools; the ratios
to Typst; the peak RSS of each process (`ru_maxrss`: the largest single process of the tree) and,
sampled in separate runs, the peak memory of the whole process tree with its forked helpers; and,
with `--profile`, the top of a cProfile of one warm in-process build.

Cold: a fresh process with publish's on-disk font cache emptied (Typst keeps no such cache; its
cold run is its first run). Warm: a fresh process again, caches populated — what a user waits for
when running the command a second time. Also printed: a warm build repeated inside one process.

The package is byte-compiled first (`python -m compileall … publish`, as `make` does): an installed
tool has its .pyc, but the editable install has none and with PYTHONDONTWRITEBYTECODE set Python
would compile every module from source in every timed run. Then one more warm PDF run is broken
down: interpreter start and exit, the CLI's imports, each build stage (with the imports it makes
on first use), and the time all imports of such a run take (`python -X importtime`, which adds a
little overhead of its own).

Run: `.venv/bin/python bench/build.py [--runs 3] [--issue examples/sample] [--profile]`.
Targets (issue 5): warm ≤ 1.0× Typst, cold ≤ 3× Typst, peak RSS ≤ 160 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def largest_example() -> Path:
    best, size = None, -1
    for toml in sorted((ROOT / "examples").glob("*/issue.toml")):
        n = sum(len(p.read_text(encoding="utf-8")) for p in (toml.parent / "articles").glob("*.md"))
        if n > size:
            best, size = toml.parent, n
    if best is None:
        sys.exit("no example issue under examples/")
    return best


# ── the same articles as a Typst source ─────────────────────────────────────────────────────────
def typst_string(text: str) -> str:
    return '#"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_typst(issue) -> str:
    """The issue's articles as Typst markup, on the magazine-16k page (185 × 260 mm, mirrored
    margins, two columns, 10 pt Song on 16.4 pt, headers with the folio, titles across columns)."""
    from publish.model import Figure, Heading, ListItem, Note, Signature

    out = [
        '#set page(width: 185mm, height: 260mm, margin: (inside: 16mm, outside: 13.7mm, top: 21.5mm, '
        'bottom: 18mm), columns: 2, numbering: "1",',
        f'  header: context text(font: "Noto Sans CJK SC", size: 9pt)[{typst_string(issue.magazine)} '
        '#h(1fr) #counter(page).display()])',
        "#set columns(gutter: 20pt)",
        '#set text(font: "Noto Serif CJK SC", size: 10pt, lang: "zh", region: "cn")',
        "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 6.4pt, spacing: 6.4pt)",
        f"#counter(page).update({issue.first_folio})",
    ]
    for section in issue.sections:
        for a in section.articles:
            title = "".join(typst_string(t) + " #linebreak() " for t in a.title)
            bylines = " #linebreak() ".join(typst_string("●" + b.unit + "\u3000" + b.name) for b in a.bylines)
            out.append(
                '#place(top + center, scope: "parent", float: true)[#text(font: "Noto Sans CJK SC", '
                f'weight: "bold", size: 18pt)[{title}] #text(font: "LXGW WenKai", size: 10.5pt)[{bylines}]]'
            )
            for b in a.blocks:
                if isinstance(b, Figure):
                    out.append(f"#align(center)[{typst_string(b.text)}]")
                elif isinstance(b, Heading):
                    out.append(f'#text(font: "Noto Sans CJK SC", weight: "bold")[{typst_string(b.text)}]')
                elif isinstance(b, Signature):
                    out.append("#align(right)[" + " #linebreak() ".join(typst_string(s) for s in b.lines) + "]")
                elif isinstance(b, Note):
                    out.append(f"#align(center)[{typst_string(b.text)}]")
                elif isinstance(b, ListItem):
                    out.append(typst_string(b.text))
                else:
                    out.append(typst_string(b.text))
                out.append("")
    return "\n".join(out) + "\n"


# ── child processes ─────────────────────────────────────────────────────────────────────────────
def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024


def tree_memory(argv: list[str], env: dict[str, str], every: float = 0.01) -> tuple[float, float]:
    """(peak PSS, peak RSS) in MB of a process and all its descendants together, sampled.

    A build forks helpers (the second half of the composing, the EPUB) that share most of their
    pages with the parent; `ru_maxrss` is the largest single process. The sum of proportional set
    sizes (PSS: shared pages divided among their sharers) is what the whole tree holds; the sum of
    RSS counts shared pages once per process (an upper bound). Sampling reads /proc (Linux only),
    so it runs apart from the timed runs.
    """
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss = rss = 0
        todo = [proc.pid]
        while todo:
            pid = todo.pop()
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1])
                        elif line.startswith("Rss:"):
                            rss += int(line.split()[1])
            except (OSError, ValueError):
                continue  # the process ended while being read
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(every)
    return peak_pss / 1024, peak_rss / 1024


# A warm PDF-only run, timed from inside: the CLI's imports (as `publish build` makes them), then
# each stage by the build's progress reports; a stage's time includes the imports it makes.
BREAKDOWN = """
import json, sys, time
t = time.perf_counter()
from publish.cli import main
main.commands["build"]
from publish.build import build
times = {"imports": time.perf_counter() - t}
mark = [time.perf_counter(), "read"]
def progress(stage, done, total):
    if stage != mark[1]:
        now = time.perf_counter()
        times[mark[1]] = times.get(mark[1], 0.0) + now - mark[0]
        mark[:] = [now, stage]
build(sys.argv[1], sys.argv[2], pdf=True, epub=False, progress=progress)
times[mark[1]] = times.get(mark[1], 0.0) + time.perf_counter() - mark[0]
print(json.dumps(times), flush=True)
import os
os._exit(0)  # as the executable ends (publish.cli.run)
"""


def import_total_ms(log: str) -> float:
    """All imports of a process, from its `-X importtime` log (sum of the top-level entries)."""
    total = 0
    for line in log.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            _self, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit() and not name.startswith("  "):
                total += int(cumulative)
    return total / 1000


def breakdown(issue_dir: Path, out: Path, env: dict[str, str], publish_bin: str) -> str:
    """One line: where the time of one warm PDF-only run goes."""
    t = time.perf_counter()
    done = subprocess.run([PY, "-c", BREAKDOWN, str(issue_dir), str(out)], env=env, check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    times = json.loads(done.stdout)
    probe = subprocess.run([PY, "-X", "importtime", publish_bin, "build", str(issue_dir), "-o", str(out),
                            "-q", "--no-epub"], env=env, check=True, capture_output=True, text=True)
    parts = [f"start+exit {wall - sum(times.values()):.2f}"] + [f"{k} {v:.2f}" for k, v in times.items()]
    return (f"warm PDF run, one process, s: {', '.join(parts)} (wall {wall:.2f}); "
            f"all imports {import_total_ms(probe.stderr) / 1000:.2f} (-X importtime)")


def in_process_warm(issue_dir: Path, out: Path, runs: int) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from publish.build import build

    build(issue_dir, out, pdf=True, epub=False)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        build(issue_dir, out, pdf=True, epub=False)
        times.append(time.perf_counter() - t)
    return times


def profile(issue_dir: Path, out: Path) -> None:
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    from publish.build import build

    build(issue_dir, out, pdf=True, epub=False)
    prof = cProfile.Profile()
    prof.enable()
    build(issue_dir, out, pdf=True, epub=False)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(22)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issue", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    issue_dir = (args.issue or largest_example()).resolve()
    sys.path.insert(0, str(ROOT))
    from publish.sources import load_issue

    issue = load_issue(issue_dir)
    chars = sum(len(b.text) for a in issue.articles for b in a.blocks)
    print(f"issue: {issue_dir.relative_to(ROOT) if issue_dir.is_relative_to(ROOT) else issue_dir} "
          f"({len(issue.articles)} articles, {chars} characters)")

    # What an installed tool has: bytecode for every module (see the module docstring).
    subprocess.run([PY, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", str(ROOT / "publish")],
                   check=True)
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        typ = work / "issue.typ"
        typ.write_text(to_typst(issue), encoding="utf-8")
        try:
            import typst  # noqa: F401

            have_typst = True
        except ImportError:
            have_typst = False
            print("typst (Python package) is not installed: publish timings only")
        publish_bin = str(Path(PY).with_name("publish"))
        base_env = dict(os.environ, SOURCE_DATE_EPOCH="1737331200")
        typst_cmd = [PY, "-c", f"import typst; typst.compile({str(typ)!r}, output={str(work / 't.pdf')!r})"]
        results: dict[str, dict[str, list[tuple[float, float]]]] = {}

        def record(name: str, kind: str, value: tuple[float, float]) -> None:
            results.setdefault(name, {}).setdefault(kind, []).append(value)

        for _ in range(args.runs):  # alternate: publish cold, Typst, publish warm, Typst
            for name, flags in (("publish (PDF)", ["--no-epub"]), ("publish (PDF+EPUB)", [])):
                cache = work / "cache"
                shutil.rmtree(cache, ignore_errors=True)
                env = dict(base_env, PUBLISH_CACHE_DIR=str(cache))
                cmd = [publish_bin, "build", str(issue_dir), "-o", str(work / "out"), "-q", *flags]
                record(name, "cold", run_child(cmd, env))
                if have_typst:
                    record("typst", "cold", run_child(typst_cmd, base_env))
                record(name, "warm", run_child(cmd, env))
                if have_typst:
                    record("typst", "warm", run_child(typst_cmd, base_env))

        def med(name: str, kind: str) -> tuple[float, float]:
            vals = results[name][kind]
            return statistics.median(v[0] for v in vals), max(v[1] for v in vals)

        print(f"\n{'':22}{'cold s':>9}{'warm s':>9}{'peak RSS MB':>13}")
        for name in results:
            c, rc = med(name, "cold")
            w, rw = med(name, "warm")
            print(f"{name:22}{c:9.2f}{w:9.2f}{max(rc, rw):13.0f}")
        if have_typst:
            tc, _ = med("typst", "cold")
            tw, _ = med("typst", "warm")
            print("\nratios to Typst (targets: warm ≤ 1.0×, cold ≤ 3×; peak RSS ≤ 160 MB)")
            for name in results:
                if name == "typst":
                    continue
                c, rc = med(name, "cold")
                w, rw = med(name, "warm")
                print(f"{name:22} cold {c / tc:5.2f}×   warm {w / tw:5.2f}×   RSS {max(rc, rw):.0f} MB")
        if Path("/proc/self/smaps_rollup").exists():
            print("\nmemory of the whole process tree (parent + forked helpers), peak, sampled every 10 ms:")
            for name, flags in (("publish (PDF)", ["--no-epub"]), ("publish (PDF+EPUB)", [])):
                cache = work / "cache-mem"
                shutil.rmtree(cache, ignore_errors=True)
                env = dict(base_env, PUBLISH_CACHE_DIR=str(cache))
                cmd = [publish_bin, "build", str(issue_dir), "-o", str(work / "out"), "-q", *flags]
                cold = tree_memory(cmd, env)
                warm = tree_memory(cmd, env)
                print(f"{name:22} cold PSS {cold[0]:4.0f} MB (RSS sum {cold[1]:4.0f})   "
                      f"warm PSS {warm[0]:4.0f} MB (RSS sum {warm[1]:4.0f})")
        print("\n" + breakdown(issue_dir, work / "out", dict(base_env, PUBLISH_CACHE_DIR=str(work / "cache")),
                               publish_bin))
        times = in_process_warm(issue_dir, work / "out2", args.runs)
        print(f"\nin-process repeated build (PDF): median {statistics.median(times):.2f} s")
        if args.profile:
            print("\nprofile of one warm in-process build (PDF):")
            profile(issue_dir, work / "out3")
        print(json.dumps({k: {kk: [round(x[0], 3) for x in vv] for kk, vv in v.items()} for k, v in results.items()}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
