"""The contents (目录) pages.

In: the issue, the layout, a `Setter`, the contents items (sections and articles with bylines) and
the folio each article opens on. Out: the lines of each contents page (x relative to the text
block's left edge; the caller shifts them for left/right pages): the contents title, then per
section its name and per article its title with the folio at the right edge and the byline below.
An article's title, byline and folio are never split across pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from publish.layout.spec import Layout
from publish.paginate.pages import PlacedGlyph, TextLine


@dataclass(frozen=True)
class ContentsItem:
    section: str
    slug: str  # "" for a section line
    title: str
    byline: str
    first_slug: str  # the article whose folio this entry shows
    bylines: tuple = ()  # the article's Byline objects (set one per line in the contents)


def set_contents(issue, L: Layout, setter, items: list[ContentsItem], folio_of: dict[str, int]) -> list[list[TextLine]]:
    cols = L.contents_columns
    gutter = L.gutter if cols > 1 else 0.0
    width = (L.block_width - (cols - 1) * gutter) / cols
    top = L.block_top
    bottom = L.block_top - L.lines * L.leading
    pages: list[list[TextLine]] = []
    cur: list[TextLine] = []
    col = 0
    col_top = top  # where columns start on this page (below the contents title on the first)
    y = top

    def lines_of(element: str, text: str, measure: float, kind: str):
        # In the contents an element's indent applies to all its lines (a block indent), so a
        # long title's second line aligns under its first.
        st = L.style(element)
        shift = st.indent_em * st.size
        return [(st, ln, kind, shift) for ln in setter.text_lines(element, text, measure - shift, indent_em=0.0)]

    def next_column() -> None:
        nonlocal cur, col, y, col_top
        col += 1
        if col >= cols:
            pages.append(cur)
            cur = []
            col = 0
            col_top = top
        y = col_top

    def place(group: list, folio_text: str | None, *, span: bool = False, target: str = "") -> None:
        nonlocal y, col_top
        if not group:
            return
        before = group[0][0].space_before * L.leading if y < col_top else 0.0
        need = before + sum(st.leading for st, _ln, _k, _x in group)
        if y - need < bottom and (cur or col):
            next_column()
            before = 0.0
        y -= before
        x0 = 0.0 if span else col * (width + gutter)
        entry = L.style("contents_entry")
        last_title = max((k for k, (st, _ln, _kind, _x) in enumerate(group) if st is entry), default=-1)
        for n, (st, ln, kind, shift) in enumerate(group):
            base = y - (st.leading - st.size) / 2 - 0.88 * st.size
            glyphs = tuple(PlacedGlyph(g.char, g.x, g.width, g.face) for g in ln.glyphs)
            cur.append(TextLine(x0 + shift, base, st.size, glyphs, kind, "", col, target=target))
            if folio_text is not None and n == last_title:
                fl = setter.text_lines("contents_entry", folio_text, width, align="left")
                if fl:
                    f = fl[0]
                    ext = max(g.x + g.width for g in f.glyphs)
                    fg = tuple(PlacedGlyph(g.char, g.x, g.width, g.face) for g in f.glyphs)
                    cur.append(TextLine(x0 + width - ext, base, st.size, fg, "toc", "", col, target=target))
            y -= st.leading
        if span:
            col_top = y

    place(lines_of("contents_title", L.contents_title, L.block_width, "toc"), None, span=True)
    folio_room = 3 * L.style("contents_entry").size  # room at the right for the folio
    pending: list = []  # a section's name, kept with its first entry (never alone at a column foot)
    for it in items:
        folio_text = L.contents_folio_format.format(folio=folio_of.get(it.first_slug, 0))
        if not it.slug:
            if pending:
                place(pending, None)
            pending = lines_of("contents_section", it.title, width, "toc")
            continue
        # (a section's name goes with its first entry, and links to it too)
        group = pending + lines_of("contents_entry", it.title, width - folio_room, "toc")
        pending = []
        st = L.style("contents_byline")
        shift = st.indent_em * st.size
        for b in it.bylines:
            group += [(st, ln, "toc", shift)
                      for ln in setter.byline_lines("contents_byline", b, width - folio_room - shift, indent_em=0.0)]
        place(group, folio_text, target=it.slug)
    if pending:
        place(pending, None)
    if cur:
        pages.append(cur)
    return pages
