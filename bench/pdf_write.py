"""Benchmark of the PDF writer alone: the seed's ~73,000 characters set solid on a two-column grid.

In: the seed text (`../shared/seed/000_*.txt`, whitespace removed, cut into 21-character lines,
38 lines a column, two columns a page — the sample magazine's grid) and the project's font set;
or, with `--issue DIR`, that example issue paginated once (the PDF stage of a real build).
Out (stdout): pages, glyphs, the first render in this fresh process (font subsets come from the
on-disk cache when an earlier run filled it), the median of warm renders, where a warm render's
time goes (drawing the pages — mostly `publish.pdf.text.line_operators` —, making the font
objects, formatting and compressing the file), whether ReportLab's C accelerator is in use, output
size and SHA-256 (to check that an optimisation changed no byte), peak RSS.
Run: `.venv/bin/python bench/pdf_write.py [--issue examples/bayannaoer-2025-01] [--runs 5]`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publish.fonts import load_fonts  # noqa: E402
from publish.paginate.pages import Document, Page, PlacedGlyph, TextLine  # noqa: E402
from publish.pdf import render_pdf  # noqa: E402

MM = 72 / 25.4


def seed_text() -> str:
    seed = sorted((ROOT.parent / "shared" / "seed").glob("000_*.txt"))
    if not seed:
        sys.exit("the seed text (../shared/seed/000_*.txt) is not there")
    return "".join(seed[0].read_text(encoding="utf-8").split())


def build_document(fonts, text: str) -> Document:
    size, lead = 10.5, 18.0
    metrics = fonts.metrics({"body": size})
    width, height = 185 * MM, 260 * MM
    measure = 21 * size
    pages, i = [], 0
    while i < len(text):
        items = []
        for column in range(2):
            x = 15 * MM + column * (measure + 6 * MM)
            for row in range(38):
                chunk = text[i : i + 21]
                i += 21
                if not chunk:
                    break
                advances = [metrics.advance(ch, "body") for ch in chunk]
                extra = (measure - sum(advances)) / max(1, len(chunk) - 1) if len(chunk) == 21 else 0.0
                glyphs, pen = [], 0.0
                for ch, w in zip(chunk, advances, strict=True):
                    glyphs.append(PlacedGlyph(ch, pen, w, "body"))
                    pen += w + extra
                items.append(TextLine(x, height - 30 * MM - row * lead, size, tuple(glyphs), column=column))
        folio = 3 + len(pages)
        pages.append(Page(len(pages), folio, "left" if folio % 2 == 0 else "right", "", tuple(items)))
    return Document(width, height, 3 * MM, tuple(pages), title="bench", date="2025-01-20")


def issue_document(issue_dir: Path):
    """The paginated Document and font set of an example issue, as `publish build` makes them."""
    import gc

    from publish.layout import load_layout
    from publish.paginate import paginate
    from publish.sources import load_issue

    gc.set_threshold(50_000, 20, 100)  # as publish.build does during a build
    issue = load_issue(issue_dir)
    layout = load_layout(issue.layout, issue.root)
    fonts = load_fonts(issue.root, dict(issue.fonts))
    return paginate(issue, layout, fonts), fonts


class StageClock:
    """Wall time spent inside a few functions of the writer during one render (wrappers installed
    for the breakdown only; the timed renders above run without them)."""

    def __init__(self) -> None:
        from reportlab.pdfgen.canvas import Canvas

        from publish.pdf import writer
        from publish.pdf.fontobjects import CIDSubsetFont

        self.spent: dict[str, float] = {}
        self._patches = [
            (writer._PageDrawer, "draw", "draw pages"),
            (CIDSubsetFont, "build", "font objects"),
            (Canvas, "getpdfdata", "write file"),
            (zlib, "compress", "zlib"),
        ]
        self._saved = [(owner, name, getattr(owner, name)) for owner, name, _ in self._patches]

    def __enter__(self) -> StageClock:
        for owner, name, label in self._patches:
            original = getattr(owner, name)

            def timed(*args, _original=original, _label=label, **kwargs):
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.spent[_label] = self.spent.get(_label, 0.0) + time.perf_counter() - start

            setattr(owner, name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in self._saved:
            setattr(owner, name, original)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issue", type=Path, default=None, help="an example issue folder instead of the seed grid")
    ap.add_argument("--runs", type=int, default=3, help="warm renders (median)")
    args = ap.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1737331200")
    if args.issue:
        doc, fonts = issue_document(args.issue.resolve())
    else:
        fonts = load_fonts()
        doc = build_document(fonts, seed_text())
    glyphs = sum(len(item.glyphs) for page in doc.pages for item in page.items if hasattr(item, "glyphs"))
    start = time.perf_counter()
    data = render_pdf(doc, fonts)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(args.runs):
        start = time.perf_counter()
        render_pdf(doc, fonts)
        warm.append(time.perf_counter() - start)
    breakdown = []
    for _ in range(args.runs):
        with StageClock() as clock:
            start = time.perf_counter()
            render_pdf(doc, fonts)
            clock.spent["total"] = time.perf_counter() - start
        breakdown.append(clock.spent)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from reportlab.lib import rl_accel

    print(f"pages {len(doc.pages)}  glyphs {glyphs}")
    print(
        f"render first {cold:.3f} s  warm median {statistics.median(warm):.3f} s  ({glyphs / statistics.median(warm):,.0f} glyphs/s)"
    )
    labels = ["total", "draw pages", "font objects", "write file", "zlib"]
    print(
        "warm breakdown (median ms): "
        + "  ".join(f"{label} {statistics.median(b.get(label, 0.0) for b in breakdown) * 1000:.0f}" for label in labels)
        + "  (font objects and zlib lie inside write file)"
    )
    print(f"ReportLab C accelerator (rl_accel): {'yes' if 'fp_str' in rl_accel._c_funcs else 'no'}")
    print(f"size {len(data) / 1024:.0f} KiB  sha256 {hashlib.sha256(data).hexdigest()[:16]}  peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
