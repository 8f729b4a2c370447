"""Reading a built print PDF back for the acceptance checks, and matching it to the sources.

In: a PDF written by `publish build` and the issue/layout it was built from. Out: per page its label
(the folio), its running header split at the page's centre into left and right strings, and its
other lines in the order they are drawn (the text layer's reading order), in pt from the trim box's
bottom-left corner. Nothing here knows how pagination works: it reads what a print shop would get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
FULL_EXAMPLE = ROOT / "examples" / "bayannaoer-2025-01"
SAMPLE = ROOT / "examples" / "sample"


@dataclass
class PdfLine:
    y: float  # baseline, from the trim bottom
    size: float
    chars: list[tuple[str, float, float]]  # (char, x0, x1) from the trim left

    @property
    def text(self) -> str:
        return "".join(c for c, _x0, _x1 in self.chars if not c.isspace())

    @property
    def x0(self) -> float:
        return self.chars[0][1]

    @property
    def x1(self) -> float:
        return self.chars[-1][2]


@dataclass
class PdfPage:
    index: int
    label: str
    trim: tuple[float, float, float, float]
    header_left: str
    header_right: str
    lines: list[PdfLine]

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


def read_pdf(path: Path, header_below_top: float) -> list[PdfPage]:
    """Lines whose baseline is within `header_below_top` pt of the trim top are the header."""
    labels = []
    doc = pdfium.PdfDocument(str(path))
    try:
        labels = [doc.get_page_label(i) for i in range(len(doc))]
    finally:
        doc.close()
    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for i, page in enumerate(pdf.pages):
            tx0, ty0, tx1, ty1 = page.trimbox
            # pdfplumber's trimbox is in top-down coordinates; the char matrix is PDF user space.
            media_h = float(page.mediabox[3])
            trim_bottom = media_h - ty1
            lines: list[PdfLine] = []
            for ch in page.chars:
                x0 = ch["matrix"][4] - tx0
                y = ch["matrix"][5] - trim_bottom
                x1 = x0 + ch["width"]
                last = lines[-1] if lines else None
                # One drawn line: same baseline and size, left to right, no gap wider than 1 em
                # (justification opens gaps by far less; a header's two parts or a contents
                # folio are much further apart).
                if last is not None and abs(last.y - y) < 0.01 and abs(last.size - ch["size"]) < 0.01 \
                        and last.chars[-1][1] - 0.01 <= x0 <= last.chars[-1][2] + ch["size"]:
                    last.chars.append((ch["text"], x0, x1))
                else:
                    lines.append(PdfLine(y, ch["size"], [(ch["text"], x0, x1)]))
            height = ty1 - ty0
            width = tx1 - tx0
            header = [ln for ln in lines if ln.y > height - header_below_top]
            body = [ln for ln in lines if ln.y <= height - header_below_top]
            left = "".join(ln.text for ln in sorted(header, key=lambda ln: ln.x0) if ln.x0 < width / 2)
            right = "".join(ln.text for ln in sorted(header, key=lambda ln: ln.x0) if ln.x0 >= width / 2)
            pages.append(PdfPage(i, labels[i], (tx0, ty0, tx1, ty1), left, right, body))
    return pages


def squeeze(text: str) -> str:
    """Text without whitespace (a PDF text layer has no spaces to compare)."""
    return "".join(text.split())


def is_subsequence(needle: str, hay: str) -> tuple[bool, int]:
    """Whether `needle` appears in order in `hay`; and how many of its characters were found."""
    it = iter(hay)
    found = 0
    for ch in needle:
        for h in it:
            if h == ch:
                found += 1
                break
        else:
            return False, found
    return True, found


def article_source_text(article) -> str:
    """The article's text in reading order, without picture captions and tables: a picture that
    does not fit where it is referenced floats to the next column or page, and a wide table goes
    to the top or bottom of a page, so their text may come later (`article_printed_extras`)."""
    from publish.model import Figure, Table
    from publish.paginate.setting import byline_text

    parts = ["".join(article.title), article.subtitle]
    parts += [byline_text(b) for b in article.bylines]
    parts += [b.text for b in article.blocks if not isinstance(b, Figure | Table)]
    return squeeze("".join(parts))


def article_printed_extras(article, marks: str = "circled") -> list[str]:
    """What the print edition sets apart from its text's flow: picture captions (placed where the
    picture floats), each table's caption and cells (a wide table is a band at a page's top or
    bottom), each note reference's mark, and each note (its mark and its text, at the foot of a
    page)."""
    from publish.model import Figure, Table, block_note_refs, note_mark, plain

    out = [squeeze(b.text) for b in article.blocks if isinstance(b, Figure) and b.text]
    for table in (b for b in article.blocks if isinstance(b, Table)):
        cells = [c.text for row in table.rows for c in row.cells]
        out += [squeeze(t) for t in (plain(table.caption), *cells) if squeeze(t)]
    out += [note_mark(r.number, marks) for b in article.blocks for r in block_note_refs(b)]
    out += [note_mark(n.number, marks) + squeeze(n.text) for n in article.notes]
    return out
