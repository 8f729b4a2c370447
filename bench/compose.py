"""Benchmark: the Chinese line composer on every paragraph of the sample issue.

    .venv/bin/python bench/compose.py [--runs 7] [--measure 21] [--real-fonts] [--profile] [--no-gc]

Composes each paragraph of the seed's text layer (../shared/seed, recovered by
`tests/seedtext.py`) at a `--measure`-character measure, `--runs` times, each run with a fresh
metrics object (so per-character memo tables are rebuilt, as in one build). Prints characters per
second and the total time per run (median, min), the typography checker's counts and the
distribution of adjustment ratios. `--real-fonts` uses the body face from `publish.fonts` at 10 pt
instead of the fixed-width fake. `--profile` adds a cProfile summary of one run.

Target (issue 3): the whole seed (~73k characters) in ≤ 0.25 s. The machine is shared: a
calibration loop (pure-Python, fixed work) is timed alongside, so a slow reading can be told from
a slow composer — its typical unloaded time is printed next to it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # seedtext: the seed's paragraphs (test support)

from seedtext import seed_paragraphs  # noqa: E402

from publish.cjk import FixedMetrics, Run, Style, audit, compose  # noqa: E402
from publish.cjk.audit import ratio_summary  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_2b68d11822460efc.txt"
TARGET = 0.25
SIZE = 10.0


def calibrate() -> float:
    t = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return time.perf_counter() - t


def make_metrics(real: bool):
    if not real:
        return FixedMetrics(SIZE)
    from publish.fonts import load_fonts

    return load_fonts().metrics({"body": SIZE})


def run_once(paras: list[str], measure: float, real: bool, style: Style) -> tuple[float, float, list]:
    metrics = make_metrics(real)
    c0 = time.process_time()
    t0 = time.perf_counter()
    lines = []
    for text in paras:
        lines += compose([Run(text, "body")], measure, metrics, style)
    return time.perf_counter() - t0, time.process_time() - c0, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--measure", type=float, default=21.0, help="measure in characters (em)")
    ap.add_argument("--real-fonts", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--no-gc", action="store_true",
                    help="disable the cyclic GC while composing, to show its share (the composer's objects form no "
                         "cycles, but one tracked Glyph per character makes the collector rescan them)")
    args = ap.parse_args()
    if not SEED.is_file():
        raise SystemExit(f"the sample issue is not at {SEED}")
    paras = seed_paragraphs(SEED)
    chars = sum(map(len, paras))
    style = Style()
    measure = args.measure * SIZE
    if args.real_fonts:
        make_metrics(True)  # font discovery and face loading are the fonts stage's cost, not ours
    if args.no_gc:
        gc.disable()
    walls, cpus = [], []
    cal = []
    lines: list = []
    for _ in range(args.runs):
        cal.append(calibrate())
        lines = []  # let the previous run's lines go first: one build holds one issue's lines
        gc.collect()
        wall, cpu, lines = run_once(paras, measure, args.real_fonts, style)
        walls.append(wall)
        cpus.append(cpu)
    med = statistics.median(walls)
    print(f"seed: {len(paras)} paragraphs, {chars} characters, {len(lines)} lines at {args.measure:g} em"
          f" ({'real body face' if args.real_fonts else 'fixed-width metrics'}"
          f"{', cyclic GC disabled' if args.no_gc else ''})")
    print(f"runs: {' '.join(f'{w:.3f}' for w in walls)} s")
    print(f"total time: median {med:.3f} s, min {min(walls):.3f} s (CPU median {statistics.median(cpus):.3f} s)")
    print(f"characters/second: {chars / med:,.0f} (median), {chars / min(walls):,.0f} (best)")
    print(f"target {TARGET:.2f} s: median/target = {med / TARGET:.2f}, best/target = {min(walls) / TARGET:.2f}")
    cal_med = statistics.median(cal)
    print(f"calibration loop (1M additions): median {cal_med:.3f} s; composer = {med / cal_med:.1f} × calibration"
          " (a load-independent figure: compare it across machines and times)")
    report = audit(lines, measure, make_metrics(args.real_fonts), style)
    print(f"checker: {report}")
    print(f"adjustment ratios (non-last lines): {ratio_summary(lines)}")
    if args.profile:
        metrics_real = args.real_fonts
        prof = cProfile.Profile()
        prof.enable()
        run_once(paras, measure, metrics_real, style)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])


if __name__ == "__main__":
    main()
