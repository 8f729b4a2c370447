"""What compiling the hot modules (mypyc, or Cython) would buy a new issue's build: measured, not shipped.

In: the modules to compile (default `MODULES`: the line composer, pagination's setter, the PDF's line
operators and the CFF walker — the pure-Python loops of a new issue's build), `--compiler mypyc|cython`,
`--runs`. Out (stdout):
1. the compile's wall time;
2. whether the compiled copy's four files of both examples are byte-identical to the pure copy's
   (cold and warm cache, forked and `PUBLISH_JOBS=1`, and a new issue);
3. medians of `--runs` alternating new-issue builds (`bench/build.py`'s `new_issue`: the sample built
   first into a fresh cache, then the changed copy of the largest example): the CPU (user+sys) of the
   whole process tree and the wall time in the default forked mode, and the CPU of each stage in one
   process (`PUBLISH_JOBS=1`, `time.process_time` between the build's progress reports);
4. per module, in one process: pagination, `line_operators` over every line, and `subset_cff` of
   every character of the example from Noto Serif CJK walked from nothing.

How: `publish/` is copied twice into a temporary folder (pure, compiled); the modules are compiled in
place in the second copy (their extensions beside the .py), and the builds run `python -m publish`
with PYTHONPATH set to one copy or the other. Nothing in the worktree is touched and nothing compiled
is left behind. Two annotations do not hold at run time under mypyc, which checks them (`ADJUST`);
they are changed in both copies only, so both run the same source.

Needs: mypyc (it comes with mypy, a dev dependency), a C compiler and the Python headers (gcc and
python3-dev on Debian); `--compiler cython` needs Cython importable (not a dependency of the project).
The result and the decision (not shipped: it buys 5–6 % of a new issue's CPU) are in
docs/benchmarks.md, "Compiling the hot modules".

Run: `.venv/bin/python bench/compiled.py [--runs 5] [--compiler mypyc] [MODULE.py ...]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
import build as bench_build  # noqa: E402  (bench/build.py: new_issue, largest_example)

MODULES = [
    "publish/cjk/breaker.py", "publish/cjk/glue.py", "publish/cjk/justify.py", "publish/cjk/compose.py",
    "publish/paginate/setting.py", "publish/pdf/text.py", "publish/fonts/cffsubset.py",
]
# Annotations that mypyc's run-time checks refuse, with the same meaning spelled so they hold: the CFF
# walker's last number is an int or (16.16 fixed) a float; the setter's kept lines come from the
# cache as lists. Applied to both copies; a replacement that no longer matches is reported.
ADJUST = {
    "publish/fonts/cffsubset.py": [("        last_val: float = 0\n", "        last_val: int | float = 0\n"),
                                   ("        last_val = 0\n", "        last_val: int | float = 0\n")],
    "publish/paginate/setting.py": [("self._kept: dict[str, tuple] = {}", "self._kept: dict[str, Any] = {}")],
}
MYPYC_SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify
setup(name="compiled", ext_modules=mypycify(sys.argv[1:], opt_level="3", debug_level="0"),
      script_args=["build_ext", "--inplace"])
"""
CYTHON_SETUP = """
import sys
from setuptools import setup
from Cython.Build import cythonize
# annotation_typing off: a `float` annotation would become a C double (1 → 1.0), not the same program
setup(name="compiled", ext_modules=cythonize(sys.argv[1:], quiet=True, compiler_directives={
      "language_level": 3, "annotation_typing": False}), script_args=["build_ext", "--inplace"])
"""
STAGES = """
import json, sys, time
t = time.process_time()
from publish.build import build
times = {"imports": time.process_time() - t}
mark = [time.process_time(), "read"]
def progress(stage, done, total):
    if stage != mark[1]:
        now = time.process_time()
        times[mark[1]] = times.get(mark[1], 0.0) + now - mark[0]
        mark[:] = [now, stage]
build(sys.argv[1], sys.argv[2], pdf=True, epub=True, screen=True, progress=progress)
times[mark[1]] = times.get(mark[1], 0.0) + time.process_time() - mark[0]
times["total"] = time.process_time()
print(json.dumps(times), flush=True)
"""
MODULE_TIMES = """
import json, os, shutil, statistics, sys, tempfile, time
from pathlib import Path
issue_dir, font, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
base = Path(tempfile.mkdtemp(prefix="compiled-mod"))
os.environ["PUBLISH_CACHE_DIR"] = str(base / "c")
from fontTools.ttLib import TTCollection, TTFont
from publish.build import prepare
from publish.fonts.cffsubset import subset_cff
from publish.paginate import paginate
from publish.pdf import writer
spent = [0.0]
plain = writer.line_operators
def timed(*args):
    t = time.process_time()
    try:
        return plain(*args)
    finally:
        spent[0] += time.process_time() - t
writer.line_operators = timed  # the writer's own name for it: the compiled function itself is unchanged
prepared = prepare(issue_dir)
tt = TTCollection(font)[0] if font.suffix == ".ttc" else TTFont(font)
cmap, order = tt.getBestCmap(), {n: i for i, n in enumerate(tt.getGlyphOrder())}
text = "".join(p.read_text(encoding="utf-8") for p in sorted((issue_dir / "articles").glob("*.md")))
glyphs = {ord(c): order[cmap[ord(c)]] for c in sorted(set(text)) if ord(c) in cmap}
rows = []
for i in range(runs + 1):  # the first round warms the process (font tables, imports)
    os.environ["PUBLISH_CACHE_DIR"] = str(base / f"c{i}")
    t = time.process_time()
    document = paginate(prepared.issue, prepared.layout, prepared.fonts)
    pag = time.process_time() - t
    spent[0] = 0.0
    writer.render_pdf(document, prepared.fonts)
    t = time.process_time()
    subset_cff(font, 0, glyphs)  # a fresh cache: every glyph walked
    cff = time.process_time() - t
    if i:
        rows.append({"paginate": pag, "line_operators": spent[0], "subset_cff": cff})
print(json.dumps({k: statistics.median(r[k] for r in rows) for k in rows[0]} | {"glyphs": len(glyphs)}))
shutil.rmtree(base)
"""


def copy_package(dest: Path) -> None:
    shutil.copytree(ROOT / "publish", dest / "publish", ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")  # mypy's settings, which mypyc reads
    for rel, changes in ADJUST.items():
        path = dest / rel
        text = path.read_text(encoding="utf-8")
        for old, new in changes:
            if old not in text:
                print(f"note: {rel}: {old.strip()!r} not found (the module changed): not adjusted")
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


def compile_modules(tree: Path, compiler: str, modules: list[str]) -> float:
    t = time.perf_counter()
    done = subprocess.run([PY, "-c", MYPYC_SETUP if compiler == "mypyc" else CYTHON_SETUP, *modules], cwd=tree,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{compiler} failed:\n{(done.stdout + done.stderr)[-4000:]}")
    shutil.rmtree(tree / "build", ignore_errors=True)
    return time.perf_counter() - t


def env_for(tree: Path, cache: Path, jobs: str = "") -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PUBLISH_CACHE_DIR=str(cache), SOURCE_DATE_EPOCH="1700000000")
    env.pop("PUBLISH_JOBS", None)
    if jobs:
        env["PUBLISH_JOBS"] = jobs
    return env


def run_in(tree: Path, args: list[str], env: dict[str, str]) -> str:
    """`python ARGS` on the copy `tree`: run from it, since the current folder comes before
    PYTHONPATH (`-c`, `-m`) and the worktree's own publish/ would be imported instead."""
    done = subprocess.run([PY, *args], cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{tree.name}: python {' '.join(args)[:200]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def publish_build(tree: Path, issue: Path, out: Path, env: dict[str, str]) -> None:
    run_in(tree, ["-m", "publish", "build", str(issue), "-o", str(out), "-q"], env)


def outputs(tree: Path, work: Path, examples: list[Path], largest: Path) -> dict[str, bytes]:
    """Every file of every build: both examples cold and warm, forked and one process; a new issue."""
    files: dict[str, bytes] = {}
    for ex in examples:
        for jobs in ("", "1"):
            cache = work / f"cache-{ex.name}-{jobs}"
            for mode in ("cold", "warm"):
                out = work / f"{mode}-{ex.name}-{jobs}"
                publish_build(tree, ex, out, env_for(tree, cache, jobs))
                files |= {f"{out.name}/{p.name}": p.read_bytes() for p in sorted(out.iterdir())}
    env = env_for(tree, work / "cache-new")
    publish_build(tree, examples[0], work / "seen", env)
    publish_build(tree, bench_build.new_issue(largest, work / "new-src", 1), work / "new", env)
    files |= {f"new/{p.name}": p.read_bytes() for p in sorted((work / "new").iterdir())}
    return files


def new_issue_run(tree: Path, work: Path, seen: Path, largest: Path, run: int) -> tuple[float, float, dict]:
    """(tree CPU, wall) of one forked new-issue build, and the stages of one in one process."""
    result = []
    for jobs in ("", "1"):
        shutil.rmtree(work, ignore_errors=True)
        env = env_for(tree, work / "cache", jobs)
        publish_build(tree, seen, work / "seen", env)
        source = bench_build.new_issue(largest, work / "src", run)
        if jobs:
            result.append(json.loads(run_in(tree, ["-c", STAGES, str(source), str(work / "out")], env)))
        else:
            before, t = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            publish_build(tree, source, work / "out", env)
            wall, after = time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN)
            result += [after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall]
    shutil.rmtree(work, ignore_errors=True)
    return result[0], result[1], result[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", default=MODULES)
    ap.add_argument("--compiler", choices=("mypyc", "cython"), default="mypyc")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--font", type=Path, default=Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"))
    ap.add_argument("--no-check", action="store_true", help="skip the byte-identity builds")
    args = ap.parse_args()
    largest = bench_build.largest_example().resolve()
    seen = (ROOT / "examples" / "sample").resolve()
    examples = sorted({seen, largest})
    with tempfile.TemporaryDirectory(prefix="compiled-") as tmp:
        base = Path(tmp)
        trees = {"pure": base / "pure", args.compiler: base / args.compiler}
        for tree in trees.values():
            copy_package(tree)
        took = compile_modules(trees[args.compiler], args.compiler, args.modules)
        built = sorted(p.name for p in trees[args.compiler].rglob("*.so"))
        print(f"{args.compiler}: {len(args.modules)} modules compiled in {took:.1f} s wall ({len(built)} extensions)")
        for name, tree in trees.items():  # each copy imports its own modules, compiled or not
            probe = "import importlib, sys; print(*(importlib.import_module(m).__file__ for m in sys.argv[1:]))"
            files = run_in(tree, ["-c", probe, *(m[:-3].replace("/", ".") for m in args.modules)],
                           env_for(tree, base / "unused")).split()
            want = (name == "pure", True)
            if any((f.endswith(".py"), f.startswith(str(tree))) != want for f in files):
                sys.exit(f"{name}: the copy does not import what it should: {files}")
            subprocess.run([PY, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash",
                            str(tree / "publish")], check=True)
        if not args.no_check:
            got = {name: outputs(tree, base / f"out-{name}", examples, largest) for name, tree in trees.items()}
            pure, other = got["pure"], got[args.compiler]
            same = sum(pure[k] == other.get(k) for k in pure)
            print(f"outputs: {same} of {len(pure)} files byte-identical"
                  + ("" if same == len(pure) and pure.keys() == other.keys() else "  ← DIFFERENT"))
        names = list(trees)
        runs: dict[str, list] = {n: [] for n in names}
        for r in range(args.runs):  # alternating, the order turned each run
            for name in names[r % 2:] + names[:r % 2]:
                runs[name].append(new_issue_run(trees[name], base / "bench", seen, largest, r))
        print(f"\nnew issue ({largest.name} after {seen.name}), medians of {args.runs}; load {os.getloadavg()}")
        stages = list(runs[names[0]][0][2])
        print(f"{'':8} {'tree CPU':>9} {'wall':>7}   one process (PUBLISH_JOBS=1), CPU per stage:")
        print(f"{'':26}" + "".join(f"{s[:8]:>9}" for s in stages))
        for name in names:
            cpu = statistics.median(r[0] for r in runs[name])
            wall = statistics.median(r[1] for r in runs[name])
            per = "".join(f"{statistics.median(r[2].get(s, 0.0) for r in runs[name]):9.3f}" for s in stages)
            print(f"{name:8} {cpu:8.3f}s {wall:6.3f}s  {per}")
        if args.font.exists():
            print(f"\nper module, one process, {largest.name} (medians of {args.runs}):")
            for name in names:
                last = json.loads(run_in(trees[name], ["-c", MODULE_TIMES, str(largest), str(args.font),
                                                       str(args.runs)], env_for(trees[name], base / "unused")))
                print(f"{name:8} paginate {last['paginate']:.3f} s, line_operators {last['line_operators']:.3f} s, "
                      f"subset_cff of {last['glyphs']} glyphs walked from nothing {last['subset_cff']:.3f} s")


if __name__ == "__main__":
    main()
