"""The writer at the size of a real issue: the seed's ~73,000 characters, set solid on the sample
magazine's grid (21 characters × 38 lines × 2 columns) with the project's fonts, come back from the
PDF's text layer complete and in order, in a file qpdf accepts, identically on a second write.
Pagination is not involved: this checks the writer alone at scale.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pdf_support import MM, RealFonts

from publish.paginate.pages import Document, Page, PlacedGlyph, TextLine
from publish.pdf import write_pdf

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"


def seed_text() -> str:
    files = sorted(SEED.glob("000_*.txt"))
    if not files:
        pytest.skip(f"the seed issue is not at {SEED}")
    return "".join(files[0].read_text(encoding="utf-8").split())


def grid_document(fonts: RealFonts, text: str) -> Document:
    size, lead, measure = 10.5, 18.0, 21 * 10.5
    width, height = 185 * MM, 260 * MM
    pages, i = [], 0
    while i < len(text):
        items = []
        for column in range(2):
            for row in range(38):
                chunk, i = text[i : i + 21], i + 21
                if not chunk:
                    break
                advances = [fonts.advance(ch, size) for ch in chunk]
                extra = (measure - sum(advances)) / (len(chunk) - 1) if len(chunk) == 21 else 0.0
                glyphs, pen = [], 0.0
                for ch, w in zip(chunk, advances, strict=True):
                    glyphs.append(PlacedGlyph(ch, pen, w, "body"))
                    pen += w + extra
                x = 15 * MM + column * (measure + 6 * MM)
                items.append(TextLine(x, height - 30 * MM - row * lead, size, tuple(glyphs), column=column))
        pages.append(
            Page(len(pages), 3 + len(pages), "right" if len(pages) % 2 == 0 else "left", "", tuple(items))
        )
    return Document(width, height, 3 * MM, tuple(pages), title="seed", date="2025-01-20")


@pytest.mark.slow
def test_the_whole_seed_text_survives_the_writer(tmp_path: Path) -> None:
    text = seed_text()
    fonts = RealFonts()
    doc = grid_document(fonts, text)
    pdf = write_pdf(doc, fonts, tmp_path / "seed.pdf")
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    with pdfplumber.open(pdf) as plumber:
        assert len(plumber.pages) == len(doc.pages)
        got = "".join(c["text"] for page in plumber.pages for c in page.chars)
    assert got == text
    assert write_pdf(doc, fonts, tmp_path / "again.pdf").read_bytes() == pdf.read_bytes()
