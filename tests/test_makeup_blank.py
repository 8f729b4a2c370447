"""The blank-share measure (tests/blank_support.py) counts what a reader of the PDF would see:
grid lines of a body column with nothing on them; pages without a running header are not body pages."""

from __future__ import annotations

from pathlib import Path

from blank_support import measure_blank
from pdf_support import UKaiFonts, set_line

from publish.layout import load_layout
from publish.paginate.pages import Document, Page
from publish.pdf import write_pdf

LAYOUT = load_layout("magazine-16k")


def _page(index: int, folio: int, filled: dict[int, range], fonts, *, header: bool = True,
          title_at: int | None = None) -> Page:
    L = LAYOUT
    side = "right" if folio % 2 else "left"
    items = []
    if header:
        items.append(set_line(f"巴彦淖尔人大 /{folio}", L.block_left(side), L.trim_height - L.header_baseline,
                              9, fonts, kind="header"))
    if title_at is not None:  # an 18 pt title across the block, two grid lines high
        items.append(set_line("标题", L.block_left(side) + L.block_width / 2 - 18, L.baseline(title_at, 18, 2),
                              18, fonts, kind="title"))
    for col, slots in filled.items():
        for s in slots:
            items.append(set_line("正文" * 10, L.column_x(col, side), L.baseline(s, 10), 10, fonts,
                                  column=col))
    return Page(index, folio, side, "", tuple(items))


def test_counts_empty_grid_lines_per_column_of_body_pages_only(tmp_path: Path) -> None:
    fonts = UKaiFonts()
    L = LAYOUT
    pages = (
        _page(0, 2, {0: range(38), 1: range(38)}, fonts, header=False),  # a contents-like page: skipped
        _page(1, 3, {0: range(10), 1: range(38)}, fonts),  # column 0: 28 empty
        _page(2, 4, {0: range(2, 30), 1: range(2, 20)}, fonts, title_at=0),  # title uses lines 0-1 of both
        _page(3, 5, {}, fonts, header=False),  # a blank filler page: skipped
    )
    doc = Document(L.trim_width, L.trim_height, L.bleed, pages)
    pdf = tmp_path / "t.pdf"
    write_pdf(doc, fonts, pdf)
    report = measure_blank(pdf, L)
    assert report.pages == 4 and report.body_pages == 2
    # empty: below the column's last line; bare: every line with nothing (page 3's title gap too)
    assert [(c.page, c.column, c.empty, c.bare) for c in report.columns] == [
        (2, 0, 28, 28), (2, 1, 0, 0), (3, 0, 8, 8), (3, 1, 18, 18)]
    assert report.share == (28 + 8 + 18) / (4 * 38)
    assert [(c.page, c.column) for c in report.half_empty] == [(2, 0)]


def test_white_inside_a_column_is_bare_but_not_empty(tmp_path: Path) -> None:
    fonts = UKaiFonts()
    L = LAYOUT
    # lines 0-9 and 20-37 in column 0: ten bare lines in between, nothing empty at the foot
    page = _page(0, 3, {0: [*range(10), *range(20, 38)], 1: range(38)}, fonts)
    pdf = tmp_path / "t.pdf"
    write_pdf(Document(L.trim_width, L.trim_height, L.bleed, (page,)), fonts, pdf)
    report = measure_blank(pdf, L)
    assert [(c.empty, c.bare) for c in report.columns] == [(0, 10), (0, 0)]
    assert report.share == 0 and report.bare_share == 10 / 76
