"""How empty the body columns of a built PDF are, read back from the PDF itself.

In: a print PDF and the `Layout` it was set with (for the text block's columns and line grid).
Out: `BlankReport` — per body column of every body page, its height left empty: the text area
below the column's lowest line or picture (`empty`, in grid lines; the column's text-area height
minus the height it uses), and, stricter, the grid lines with nothing on them at all (`bare`: the
white inside title blocks and between articles counted too); the share of the body text area
left empty (`share`, `bare_share`) and the columns more than half empty.

How, per page: the TrimBox gives the trim origin; the layout gives the text block (top, lines ×
leading) and the columns' x ranges on left and right pages (the side is the one whose columns hold
the page's body glyphs). A grid line of a column is *used* when a glyph or an image overlaps at least
a quarter of its height inside the column's x range; the column's used height runs from the top
of the text area to its lowest used line. Text larger than the body type (titles,
subtitles, bylines) belongs to a title block set across the columns: it uses the line in every
column. A *body page* is a page with a running header (text above the text block) and something in
its text block: contents pages, blank filler pages and full-page inserts carry no header.

Used by the blank-share tests and by `bench/blank.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

OVERLAP = 0.25  # share of a grid line's height an item must cover for the line to count as used


@dataclass(frozen=True)
class ColumnBlank:
    page: int  # 1-based page number in the PDF
    column: int
    empty: int  # grid lines below the column's lowest used line
    lines: int
    bare: int = 0  # grid lines with nothing on them (≥ empty)


@dataclass(frozen=True)
class BlankReport:
    columns: tuple[ColumnBlank, ...] = field(default=())
    pages: int = 0  # pages in the PDF
    body_pages: int = 0

    @property
    def share(self) -> float:
        """The empty share of the body columns' text area, 0..1."""
        total = sum(c.lines for c in self.columns)
        return sum(c.empty for c in self.columns) / total if total else 0.0

    @property
    def bare_share(self) -> float:
        """The share of the body columns' grid lines with nothing on them, 0..1."""
        total = sum(c.lines for c in self.columns)
        return sum(c.bare for c in self.columns) / total if total else 0.0

    @property
    def half_empty(self) -> tuple[ColumnBlank, ...]:
        return tuple(c for c in self.columns if c.empty * 2 > c.lines)

    def summary(self) -> str:
        pages = sorted({c.page for c in self.half_empty})
        return (f"{self.pages} pages, {self.body_pages} body pages, {len(self.columns)} columns: "
                f"{self.share * 100:.1f} % empty, {len(self.half_empty)} columns more than half empty"
                + (f" (pages {', '.join(map(str, pages))})" if pages else "")
                + f"; {self.bare_share * 100:.1f} % of grid lines bare (white in title blocks and between "
                "articles too)")


def measure_blank(pdf_path: Path | str, layout) -> BlankReport:
    import pdfplumber

    L = layout
    out: list[ColumnBlank] = []
    body_pages = 0
    with pdfplumber.open(str(pdf_path)) as pdf:
        n_pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, 1):
            trim = page.trimbox if getattr(page, "trimbox", None) else page.mediabox
            ox, oy_top = float(trim[0]), float(trim[1])  # pdfplumber boxes: x0, top (from the page top)
            # y measured from the trim's top edge, downwards
            block_top = L.margin_top
            block_bottom = block_top + L.lines * L.leading
            chars = [(c["x0"] - ox, c["x1"] - ox, c["top"] - oy_top, c["bottom"] - oy_top, c["size"])
                     for c in page.chars if c["text"].strip()]
            images = [(i["x0"] - ox, i["x1"] - ox, i["top"] - oy_top, i["bottom"] - oy_top)
                      for i in page.images]
            header = any(b <= block_top for _x0, _x1, _t, b, _s in chars)
            inside = [c for c in chars if c[3] > block_top and c[2] < block_bottom]
            pics = [i for i in images if i[3] > block_top and i[2] < block_bottom]
            if not header or not (inside or pics):
                continue
            body_pages += 1
            side = _side(L, inside)
            cols = [(L.column_x(k, side), L.column_x(k, side) + L.measure) for k in range(L.columns)]
            used = [[False] * L.lines for _ in cols]
            for x0, x1, top, bottom, size in inside:
                spanning = size > L.body_size + 0.05
                for k, (c0, c1) in enumerate(cols):
                    if spanning or (x1 > c0 + 0.5 and x0 < c1 - 0.5):
                        _mark(used[k], top - block_top, bottom - block_top, L.leading)
            for x0, x1, top, bottom in pics:
                for k, (c0, c1) in enumerate(cols):
                    if x1 > c0 + 0.5 and x0 < c1 - 0.5:
                        _mark(used[k], top - block_top, bottom - block_top, L.leading)
            for k, u in enumerate(used):
                lowest = max((s for s, x in enumerate(u) if x), default=-1)
                out.append(ColumnBlank(number, k, L.lines - 1 - lowest, L.lines, u.count(False)))
    return BlankReport(tuple(out), n_pages, body_pages)


def _mark(slots: list[bool], top: float, bottom: float, leading: float) -> None:
    first = max(0, int(top // leading))
    last = min(len(slots) - 1, int(bottom // leading))
    for s in range(first, last + 1):
        overlap = min(bottom, (s + 1) * leading) - max(top, s * leading)
        if overlap >= OVERLAP * leading:
            slots[s] = True


def _side(L, chars) -> str:
    """The page side whose columns hold most of the page's glyphs."""
    def hits(side: str) -> int:
        cols = [(L.column_x(k, side), L.column_x(k, side) + L.measure) for k in range(L.columns)]
        return sum(1 for x0, x1, *_ in chars if any(c0 - 0.5 <= x0 and x1 <= c1 + 0.5 for c0, c1 in cols))
    return "left" if hits("left") > hits("right") else "right"
