"""Signatures: the inner pages made a multiple of the layout's `[makeup] page_multiple`.

In: the inner pages as set (contents, body), the issue (its `fillers/` folder, its masthead), the
layout and a `Setter`. Out: the pages with filler pages after the last body page — white pages,
ruled notes pages (笔记) or the issue's house advertisements (the pictures in `fillers/`, in name
order, repeated if there are fewer than needed) — and the masthead page last when the layout puts it
there; plus how many filler pages were added (the build summary reports it).

Why: a saddle-stitched issue is sheets folded in four pages; perfect binding takes signatures of
4, 8 or 16. Filler pages take folios like any page but carry no running header.
"""

from __future__ import annotations

from pathlib import Path

from publish.layout.spec import Layout
from publish.paginate.cover import full_page_picture, masthead_lines, masthead_on_last_page
from publish.paginate.pages import Page, PlacedGlyph, Rule, TextLine

FILLER_FOLDER = "fillers"
FILLER_SUFFIXES = (".png", ".jpg", ".jpeg", ".pdf")
NOTES_TITLE = "笔　记"


def filler_pictures(issue) -> list[Path]:
    """The issue's house advertisements: pictures in its `fillers/` folder, in name order."""
    if issue.root is None:
        return []
    folder = Path(issue.root) / FILLER_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in FILLER_SUFFIXES)


def fill_pages(pages: list[Page], issue, L: Layout, setter, side_of) -> tuple[list[Page], int, str]:
    """`pages` with filler pages and the masthead page appended (see the module docstring), the
    number of filler pages and their kind ("ads", "notes" or "blank": "ads" without pictures in
    `fillers/` are blank). `side_of(folio)` gives a folio's page side."""
    masthead = masthead_on_last_page(issue, L)
    total = len(pages) + (1 if masthead else 0)
    n_fill = -total % L.page_multiple
    out = list(pages)
    last = pages[-1].folio if pages and pages[-1].folio is not None else 0
    pictures = filler_pictures(issue) if L.filler == "ads" else []
    for k in range(n_fill):
        folio = last + 1 + k
        side = side_of(folio)
        if pictures:
            items: tuple = (full_page_picture(pictures[k % len(pictures)], L),)
            kind = "insert"
        elif L.filler == "notes":
            items = tuple(_notes(L, setter, side))
            kind = "notes"
        else:
            items, kind = (), "blank"
        out.append(Page(len(out), folio, side, "", items, kind))
    if masthead:
        folio = last + 1 + n_fill
        side = side_of(folio)
        out.append(Page(len(out), folio, side, "", tuple(masthead_lines(issue, L, setter, L.block_left(side))),
                        "masthead"))
    kind = "ads" if pictures else "notes" if L.filler == "notes" else "blank"
    return out, n_fill, kind


def _notes(L: Layout, setter, side: str) -> list:
    """A notes page: its title, then a ruled line every other grid line down the text block."""
    st = L.style("contents_title")
    left = L.block_left(side)
    items: list = []
    for ln in setter.text_lines("contents_title", NOTES_TITLE, L.block_width, align="center", indent_em=0.0):
        base = L.block_top - (st.leading - st.size) / 2 - 0.88 * st.size
        glyphs = tuple(PlacedGlyph(g.char, g.x, g.width, g.face) for g in ln.glyphs)
        items.append(TextLine(left, base, st.size, glyphs, "notes", "", 0))
    first = -int(-st.leading // L.leading) + 1
    for slot in range(first + 1, L.lines + 1, 2):
        y = L.slot_top(slot)
        items.append(Rule(left, y, left + L.block_width, y, 0.3))
    return items
