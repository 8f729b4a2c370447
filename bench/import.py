"""Benchmark of `publish import`: the seed issue's text layer → an issue folder.

In: the seed (`../shared/seed/000_*.txt`, 220 KB, 66 pages). Out (stdout): the time of the first
import in this process (cold: module imports included), the median of warm imports (reading,
pages, paragraphs, title blocks, sections, character account), the median of a full write of the
issue folder (Markdown, issue.toml, import-report.json, atomic rename), and their ratio to the
target of 0.5 s. Run: `.venv/bin/python bench/import.py [--runs N]`.

`--scale 1,4,16` instead times one warm import of the seed's text repeated 1, 4 and 16 times (a
long issue, or several run together) and prints seconds per MB for each: equal numbers mean the
import is linear in its input (the issue of a per-page scan of the whole text made 16× take ~40×).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 0.5  # seconds, from the issue


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", default="", help="comma-separated repeat counts, e.g. 1,4,16")
    args = parser.parse_args()
    seeds = sorted((ROOT.parent / "shared" / "seed").glob("000_*.txt"))
    if not seeds:
        sys.exit("the seed text (../shared/seed/000_*.txt) is not there")
    seed = seeds[0]
    if args.scale:
        scaling(seed, [int(k) for k in args.scale.split(",")])
        return

    start = time.perf_counter()
    from publish.importer import import_file, write_import

    result = import_file(seed)
    cold = time.perf_counter() - start

    warm = []
    for _ in range(args.runs):
        t = time.perf_counter()
        result = import_file(seed)
        warm.append(time.perf_counter() - t)
    writes = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            t = time.perf_counter()
            write_import(import_file(seed), Path(tmp) / f"issue{n}")
            writes.append(time.perf_counter() - t)
    c = result.report.counts
    print(f"input: {seed.name}, {seed.stat().st_size / 1024:.0f} KB, {c['pages']} pages, {c['articles']} articles")
    print(f"cold import (with module imports): {cold:.3f} s")
    print(f"warm import, median of {args.runs}: {statistics.median(warm):.3f} s  (ratio to target {statistics.median(warm) / TARGET:.2f})")
    print(f"import + write folder, median of {args.runs}: {statistics.median(writes):.3f} s  (ratio to target {statistics.median(writes) / TARGET:.2f})")


def scaling(seed: Path, factors: list[int]) -> None:
    from publish.importer import import_text
    from publish.importer.assemble import decode

    text = decode(seed.read_bytes(), str(seed))
    import_text(text)  # module imports and first-use caches out of the timings
    base = None
    for k in factors:
        big = text * k
        size = len(big.encode("utf-8")) / 1e6
        t = time.perf_counter()
        result = import_text(big)
        elapsed = time.perf_counter() - t
        per_mb = elapsed / size
        base = base or per_mb
        print(f"{k:>3}× seed: {size:6.2f} MB, {result.report.counts['articles']:>5} articles, {elapsed:7.2f} s, "
              f"{per_mb:.3f} s/MB (×{per_mb / base:.2f} of 1×)")


if __name__ == "__main__":
    main()
