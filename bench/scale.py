"""Scaling benchmark: the example issue 1×, 2×, 4× and 8× as long — is the time and memory per page
constant (or falling)?

In: the largest example issue (`examples/*/issue.toml`, or `--issue DIR`); the sample issue
(`--seen DIR`) built first into each size's cache so the fonts have been seen. Out (stdout), per
size: articles, pages of the print PDF, the wall time of a **new-issue** build (fonts seen before,
every paragraph new) and of a **warm** rebuild (unchanged sources, the same cache) — medians of
`--runs` fresh `publish build` processes (PDF + screen PDF + EPUB, the default build) — each also
per page; the peak memory of the whole process tree (the build and its forked helpers: PSS, sampled
every 10 ms) and per page; and where one new-issue build's time goes, stage by stage, per page.

How an issue is made N× as long: every article of every section is followed by N-1 copies of itself
(`articles/NAME-x2.md` …), each with `（k）` (k its copy number) added to its title and to every
paragraph, so no copy composes like another — nothing is reused from the composed-paragraph or
parsed-article cache between copies or between sizes (each size starts from its own fresh cache).

Run: `.venv/bin/python bench/scale.py [--runs 3] [--sizes 1,2,4,8] [--issue DIR] [--profile N]`
(`--profile N`: a cProfile of one in-process new-issue build of size N, `PUBLISH_JOBS=1`, the
functions with the most time of their own — what grows).
Acceptance (issue 19): time and memory per page constant or falling from 1× to 8×.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(HERE))
import build as bench_build  # noqa: E402  (bench/build.py: child processes, memory sampling)

_ARTICLE = re.compile(r'^(\s*)"(articles/[^"]+)\.md"(,?)\s*$')


def _marked(text: str, mark: str) -> str:
    """An article file with `mark` added to its title's last line and to every text paragraph."""
    lines = text.split("\n")
    fences = [i for i, line in enumerate(lines) if line.strip() == "+++"]
    body = fences[1] + 1 if len(fences) >= 2 and fences[0] == 0 else 0
    for i in range(body):
        if lines[i].startswith("title = "):
            lines[i] = re.sub(r'"(\s*\]?\s*)$', mark + r'"\1', lines[i].rstrip())
    changed = 0
    for i in range(body, len(lines)):
        line = lines[i].strip()
        if line[:1].isalpha() and not line[:1].isascii():  # a paragraph of text, not markup
            lines[i] = lines[i].rstrip() + mark
            changed += 1
    if not changed:
        sys.exit("an article without a text paragraph: cannot make a changed copy")
    return "\n".join(lines)


def scaled_issue(issue_dir: Path, dest: Path, factor: int) -> Path:
    """A copy of `issue_dir` in `dest` in which every article is followed by `factor - 1` changed
    copies of itself, in its section."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(issue_dir, dest)
    toml = dest / "issue.toml"
    out = []
    for line in toml.read_text(encoding="utf-8").split("\n"):
        m = _ARTICLE.match(line)
        out.append(line)
        if not m or factor == 1:
            continue
        indent, name, _comma = m.groups()
        if not out[-1].rstrip().endswith(","):
            out[-1] = out[-1].rstrip() + ","
        source = (dest / (name + ".md")).read_text(encoding="utf-8")
        for k in range(2, factor + 1):
            (dest / f"{name}-x{k}.md").write_text(_marked(source, f"（{k}）"), encoding="utf-8")
            out.append(f'{indent}"{name}-x{k}.md",')
    toml.write_text("\n".join(out), encoding="utf-8")
    return dest


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process and the helpers it forked and reaped (user +
    system time: what the work costs, whatever else the machine is doing)."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def pdf_pages(path: Path) -> int:
    """Pages of a PDF written by ReportLab (no object streams: every page object is plain text)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", path.read_bytes()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issue", type=Path, default=None)
    ap.add_argument("--seen", type=Path, default=ROOT / "examples" / "sample")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="1,2,4,8")
    ap.add_argument("--profile", type=int, default=0, help="profile one new-issue build of this size")
    args = ap.parse_args()
    issue_dir = (args.issue or bench_build.largest_example()).resolve()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"issue: {issue_dir.name} × {sizes}; fonts seen before from {args.seen.name}; {args.runs} runs; "
          f"load average {os.getloadavg()[0]:.1f}")
    subprocess.run([PY, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", str(ROOT / "publish")],
                   check=True)
    publish_bin = str(Path(PY).with_name("publish"))
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    base_env = dict(os.environ, SOURCE_DATE_EPOCH="1737331200")
    try:
        if args.profile:
            _profile(scaled_issue(issue_dir, work / "issue", args.profile), args.seen.resolve(), work)
            return
        rows = []
        raw: dict[str, list[float]] = {}
        for factor in sizes:
            source = scaled_issue(issue_dir, work / f"issue-{factor}", factor)
            articles = len(list((source / "articles").glob("*.md")))
            out = work / f"out-{factor}"

            def seen_cache(name: str) -> dict[str, str]:
                cache = work / name
                shutil.rmtree(cache, ignore_errors=True)
                env = dict(base_env, PUBLISH_CACHE_DIR=str(cache))
                subprocess.run([publish_bin, "build", str(args.seen), "-o", str(work / "seen-out"), "-q"],
                               env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                return env

            argv = [publish_bin, "build", str(source), "-o", str(out), "-q"]
            new: list[tuple[float, float]] = []
            warm: list[tuple[float, float]] = []
            for _ in range(args.runs):
                env = seen_cache(f"cache-{factor}")
                new.append(run_child(argv, env))
                warm.append(run_child(argv, env))
            pages = pdf_pages(next(p for p in out.glob("*.pdf") if not p.stem.endswith(("-screen", "-cover"))))
            env = seen_cache(f"cache-{factor}-mem")
            mem_new = bench_build.tree_memory(argv, env)[0]
            mem_warm = bench_build.tree_memory(argv, env)[0]
            env = seen_cache(f"cache-{factor}-stages")
            stages = _stages(source, work / "out-stages", env)
            raw[f"{factor}x/new"], raw[f"{factor}x/warm"] = [list(x) for x in new], [list(x) for x in warm]

            def med(runs: list[tuple[float, float]], k: int) -> float:
                return statistics.median(r[k] for r in runs)

            rows.append((factor, articles, pages, (med(new, 0), med(new, 1)), (med(warm, 0), med(warm, 1)),
                         mem_new, mem_warm, stages))
            print(f"  {factor}×: {articles} articles, {pages} pages, new issue {med(new, 0):.2f} s "
                  f"(CPU {med(new, 1):.2f} s), warm {med(warm, 0):.2f} s (CPU {med(warm, 1):.2f} s), "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)

        print(f"\nper size: medians of {args.runs} fresh processes (PDF + screen PDF + EPUB): wall time, CPU "
              "time of the process tree (user + system), peak memory of the tree (PSS)")
        print(f"{'':20}│{'new issue':^38}│{'warm':^38}")
        head = f"{'wall':>7}{'ms/pg':>7}{'CPU':>7}{'ms/pg':>7}{'MB':>5}{'KB/pg':>6}"
        print(f"{'size':>5}{'articles':>9}{'pages':>6} │{head}│{head}")
        for factor, articles, pages, new_t, warm_t, mem_new, mem_warm, _ in rows:
            cells = ""
            for (wall, cpu), mem in ((new_t, mem_new), (warm_t, mem_warm)):
                cells += (f"│{wall:>6.2f}s{wall / pages * 1000:>7.1f}{cpu:>6.2f}s{cpu / pages * 1000:>7.1f}"
                          f"{mem:>5.0f}{mem / pages * 1024:>6.0f}")
            print(f"{factor:>4}×{articles:>9}{pages:>6} {cells}")
        print("\nwhere one new-issue build's time goes, ms per page (stages of the build process):")
        names = list(dict.fromkeys(k for row in rows for k in row[7]))
        print(f"{'size':>5}" + "".join(f"{n:>11}" for n in names))
        for factor, _a, pages, *_rest, stages in rows:
            print(f"{factor:>4}×" + "".join(f"{stages.get(n, 0.0) / pages * 1000:>11.1f}" for n in names))
        print(json.dumps(raw))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stages(source: Path, out: Path, env: dict[str, str]) -> dict[str, float]:
    """Seconds per stage of one build (bench/build.py's in-process timing), plus start and exit."""
    t = time.perf_counter()
    done = subprocess.run([PY, "-c", bench_build.BREAKDOWN, str(source), str(out), "screen"], env=env,
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    times = json.loads(done.stdout)
    return {"start+exit": wall - sum(times.values()), **times}


def _profile(source: Path, seen: Path, work: Path) -> None:
    import cProfile
    import pstats

    os.environ.update(PUBLISH_JOBS="1", PUBLISH_CACHE_DIR=str(work / "cache-profile"))
    sys.path.insert(0, str(ROOT))
    from publish.build import build

    build(seen, work / "seen-out", pdf=True, epub=True)
    prof = cProfile.Profile()
    prof.enable()
    build(source, work / "out-profile", pdf=True, epub=True)
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
