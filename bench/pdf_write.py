"""Benchmark of the PDF writer alone: the seed's ~73,000 characters set solid on a two-column grid.

In: the seed text (`../shared/seed/000_*.txt`, whitespace removed, cut into 21-character lines,
38 lines a column, two columns a page — the sample magazine's grid) and the project's font set.
Out (stdout): pages, glyphs, the first render in a fresh process (cold: font subsetting included),
the median of warm renders, output size, peak RSS. Run: `.venv/bin/python bench/pdf_write.py`.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
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


def main() -> None:
    fonts = load_fonts()
    doc = build_document(fonts, seed_text())
    glyphs = sum(len(item.glyphs) for page in doc.pages for item in page.items)
    start = time.perf_counter()
    data = render_pdf(doc, fonts)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        render_pdf(doc, fonts)
        warm.append(time.perf_counter() - start)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pages {len(doc.pages)}  glyphs {glyphs}")
    print(
        f"render cold {cold:.3f} s  warm median {statistics.median(warm):.3f} s  ({glyphs / statistics.median(warm):,.0f} glyphs/s)"
    )
    print(f"size {len(data) / 1024:.0f} KiB  peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
