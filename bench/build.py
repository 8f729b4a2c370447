"""Benchmark of `publish build` against Typst on the same articles, in three modes, in one run.

In: the largest example issue (by characters; `examples/*/issue.toml`, or `--issue DIR`) and, for
the "new issue" mode, the smallest (`examples/sample`, or `--seen DIR`). Out (stdout): medians of
`--runs` (≥ 5 for the issue's acceptance) fresh-process runs of `publish build` (PDF + EPUB, once
with `--no-screen` and once with the screen PDF that a build now makes by default) and of Typst
compiling the same articles converted to a Typst source (two columns, the same page, type and
grid), runs alternating between the tools; the ratios to Typst; the peak memory of the whole process
tree (the build and its forked helpers), sampled; and, per mode, where the time of one run goes
(each build stage by its progress reports, the imports, interpreter start and exit).

The three modes:
- **cold**: an empty cache (a fresh `PUBLISH_CACHE_DIR`): the first build on a machine.
- **new issue**: a fresh cache into which the sample issue is built first (untimed), so the fonts
  have been seen before; then a copy of the issue whose every article's text is changed (a few
  characters added to its first paragraph, different in every run), so no parsed-article or
  composed-paragraph cache entry matches: what every month's first build is.
- **warm**: a rebuild of unchanged sources with the cache the cold run left.
Typst keeps no cache: all its runs are the same run (its median over all of them is the reference).

The package is byte-compiled first (`python -m compileall … publish`, as `make` does): an installed
tool has its .pyc, but the editable install has none and with PYTHONDONTWRITEBYTECODE set Python
would compile every module from source in every timed run.

Run: `.venv/bin/python bench/build.py [--runs 5] [--issue DIR] [--seen DIR] [--profile]`.
Targets (issue 19): new issue ≤ 1.0×, cold ≤ 2.0×, warm ≤ 0.8× Typst; peak memory of the process
tree ≤ 120 MB.
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


def tree_memory(argv: list[str], env: dict[str, str], every: float = 0.01) -> tuple[float, float, str]:
    """(peak PSS, peak RSS) in MB of a process and all its descendants together, sampled, and who
    held the peak PSS ("build 60 + helpers 45, 12": the build process, then its helpers).

    A build forks helpers (the second half of the composing, the EPUB) that share most of their
    pages with the parent; `ru_maxrss` is the largest single process. The sum of proportional set
    sizes (PSS: shared pages divided among their sharers) is what the whole tree holds; the sum of
    RSS counts shared pages once per process (an upper bound). Sampling reads /proc (Linux only),
    so it runs apart from the timed runs.
    """
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_pss = peak_rss = 0
    held = ""
    while proc.poll() is None:
        pss = rss = 0
        each: list[int] = []
        todo = [proc.pid]
        while todo:
            pid = todo.pop()
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
                mine = 0
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            mine = int(line.split()[1])
                            pss += mine
                        elif line.startswith("Rss:"):
                            rss += int(line.split()[1])
                each.append(mine)
            except (OSError, ValueError):
                continue  # the process ended while being read
        if pss > peak_pss:
            helpers = ", ".join(f"{k / 1024:.0f}" for k in each[1:])
            held = f"build {each[0] / 1024:.0f}" + (f" + helpers {helpers}" if helpers else "") if each else ""
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(every)
    return peak_pss / 1024, peak_rss / 1024, held


# One run, timed from inside: the CLI's imports (as `publish build` makes them), then each stage
# by the build's progress reports; a stage's time includes the imports it makes. argv: issue, out,
# "screen" or "no-screen".
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
build(sys.argv[1], sys.argv[2], pdf=True, epub=True, screen=sys.argv[3] == "screen", progress=progress)
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


def breakdown(issue_dir: Path, out: Path, env: dict[str, str]) -> str:
    """Where the time of one full build (PDF + screen PDF + EPUB) goes, as one line of seconds.

    The stages are the build process's own: helpers forked to compose and to make the EPUB run
    alongside, so "epub" is only what the build still waits for once the PDFs are written.
    """
    t = time.perf_counter()
    done = subprocess.run([PY, "-c", BREAKDOWN, str(issue_dir), str(out), "screen"], env=env, check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    times = json.loads(done.stdout)
    parts = [f"start+exit {wall - sum(times.values()):.2f}"] + [f"{k} {v:.2f}" for k, v in times.items()]
    return f"{', '.join(parts)} (wall {wall:.2f})"


def importtime(issue_dir: Path, out: Path, env: dict[str, str], publish_bin: str) -> str:
    probe = subprocess.run([PY, "-X", "importtime", publish_bin, "build", str(issue_dir), "-o", str(out), "-q"],
                           env=env, check=True, capture_output=True, text=True)
    return f"all imports of a warm full build: {import_total_ms(probe.stderr) / 1000:.2f} s (-X importtime)"


def profile(issue_dir: Path, out: Path) -> None:
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    from publish.build import build

    build(issue_dir, out, pdf=True, epub=True)
    prof = cProfile.Profile()
    prof.enable()
    build(issue_dir, out, pdf=True, epub=True)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(22)


# ── a new issue: the same articles, every one's text changed ────────────────────────────────────
def new_issue(issue_dir: Path, dest: Path, run: int) -> Path:
    """A copy of `issue_dir` in `dest` whose every article has a few characters added to its first
    paragraph (`（n）`, n different for each article and each run), so that no parsed-article or
    composed-paragraph entry of an earlier build matches, with the same fonts and almost the same
    characters."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(issue_dir, dest)
    for k, md in enumerate(sorted((dest / "articles").glob("*.md"))):
        lines = md.read_text(encoding="utf-8").split("\n")
        fences = [i for i, line in enumerate(lines) if line.strip() == "+++"]
        body = fences[1] + 1 if len(fences) >= 2 and fences[0] == 0 else 0
        for i in range(body, len(lines)):
            line = lines[i].strip()
            if line[:1].isalpha() and not line[:1].isascii():  # a paragraph of text, not markup
                lines[i] = lines[i].rstrip() + f"（{run * 100 + k}）"
                break
        else:
            sys.exit(f"{md}: no paragraph to change")
        md.write_text("\n".join(lines), encoding="utf-8")
    return dest


MODES = ("cold", "new issue", "warm")
VARIANTS = (("PDF+EPUB", ["--no-screen"]), ("PDF+EPUB+screen", []))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issue", type=Path, default=None)
    ap.add_argument("--seen", type=Path, default=ROOT / "examples" / "sample",
                    help="issue built first into the cache of the 'new issue' mode (fonts seen before)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    issue_dir = (args.issue or largest_example()).resolve()
    seen_dir = args.seen.resolve()
    sys.path.insert(0, str(ROOT))
    from publish.sources import load_issue

    issue = load_issue(issue_dir)
    chars = sum(len(b.text) for a in issue.articles for b in a.blocks)
    print(f"issue: {issue_dir.relative_to(ROOT) if issue_dir.is_relative_to(ROOT) else issue_dir} "
          f"({len(issue.articles)} articles, {chars} characters); fonts seen before from {seen_dir.name}; "
          f"{args.runs} runs; load average {os.getloadavg()[0]:.1f}")

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
        out = str(work / "out")
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        typst_runs: list[tuple[float, float]] = []

        def cmd(source: Path, flags: list[str]) -> list[str]:
            return [publish_bin, "build", str(source), "-o", out, "-q", *flags]

        def fresh_cache(name: str) -> dict[str, str]:
            cache = work / name
            shutil.rmtree(cache, ignore_errors=True)
            return dict(base_env, PUBLISH_CACHE_DIR=str(cache))

        def seen_cache(name: str) -> dict[str, str]:
            env = fresh_cache(name)
            subprocess.run([publish_bin, "build", str(seen_dir), "-o", str(work / "seen-out"), "-q"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return env

        def timed(mode: str, variant: str, argv: list[str], env: dict[str, str]) -> None:
            results.setdefault((variant, mode), []).append(run_child(argv, env))
            if have_typst:  # alternate: every publish run is followed by a Typst run
                typst_runs.append(run_child(typst_cmd, base_env))

        for run in range(args.runs):
            for variant, flags in VARIANTS:
                env = fresh_cache("cache")
                timed("cold", variant, cmd(issue_dir, flags), env)
                timed("warm", variant, cmd(issue_dir, flags), env)
                env = seen_cache("cache-new")
                source = new_issue(issue_dir, work / "new-issue", run * len(VARIANTS) + len(flags))
                timed("new issue", variant, cmd(source, flags), env)

        def med(values: list[tuple[float, float]]) -> float:
            return statistics.median(v[0] for v in values)

        typst_s = med(typst_runs) if typst_runs else float("nan")
        print(f"\nwall time, median of {args.runs} fresh processes (in parentheses: the ratio to Typst"
              + (f", whose median over its {len(typst_runs)} runs is {typst_s:.2f} s)" if have_typst else ")"))
        print(f"{'':18}" + "".join(f"{m:>18}" for m in MODES) + f"{'largest process':>17}")
        for variant, _flags in VARIANTS:
            row = f"{variant:18}"
            for mode in MODES:
                t = med(results[(variant, mode)])
                row += f"{t:9.2f} s ({t / typst_s:4.2f}×)" if have_typst else f"{t:16.2f} s"
            rss = max(v[1] for m in MODES for v in results[(variant, m)])
            print(row + f"{rss:13.0f} MB")
        if have_typst:
            print(f"{'Typst':18}{typst_s:9.2f} s (each run){max(v[1] for v in typst_runs):29.0f} MB")
            print("targets (issue 19): new issue ≤ 1.0×, cold ≤ 2.0×, warm ≤ 0.8×; tree peak ≤ 120 MB")

        if Path("/proc/self/smaps_rollup").exists():
            print("\npeak memory of the whole process tree (the build + its forked helpers), sampled every "
                  "10 ms, MB: PSS (shared pages divided among sharers) / sum of RSS")
            for variant, flags in VARIANTS:
                env = fresh_cache("cache-mem")
                cold = tree_memory(cmd(issue_dir, flags), env)
                warm = tree_memory(cmd(issue_dir, flags), env)
                env = seen_cache("cache-mem-new")
                new = tree_memory(cmd(new_issue(issue_dir, work / "new-issue", 9999), flags), env)
                print(f"{variant:18}" + "".join(f"   {m} {v[0]:4.0f} / {v[1]:4.0f}"
                                                 for m, v in zip(MODES, (cold, new, warm), strict=True)))
                print(f"{'':18}   at the peak, PSS by process: " + "; ".join(
                    f"{m} {v[2]}" for m, v in zip(MODES, (cold, new, warm), strict=True)))
            if have_typst:
                t = tree_memory(typst_cmd, base_env)
                print(f"{'Typst':18}   {t[0]:4.0f} / {t[1]:4.0f}")

        print("\nwhere the time goes, one PDF+EPUB+screen run per mode, s (stages of the build process):")
        env_warm = fresh_cache("cache-stages")
        print(f"  cold:      {breakdown(issue_dir, work / 'out', env_warm)}")
        print(f"  warm:      {breakdown(issue_dir, work / 'out', env_warm)}")
        env = seen_cache("cache-stages-new")
        print(f"  new issue: {breakdown(new_issue(issue_dir, work / 'new-issue', 9998), work / 'out', env)}")
        print("  " + importtime(issue_dir, work / "out", env_warm, publish_bin))
        if args.profile:
            print("\nprofile of one warm in-process build (PDF + screen + EPUB):")
            profile(issue_dir, work / "out3")
        print(json.dumps({f"{v}/{m}": [round(x[0], 3) for x in r] for (v, m), r in results.items()}
                         | {"typst": [round(x[0], 3) for x in typst_runs]}, ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
