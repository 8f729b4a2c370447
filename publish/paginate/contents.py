"""The contents (目录) pages.

In: the issue, the layout, a `Setter`, the contents items (sections and articles with bylines) and
the folio each article opens on. Out: the lines of each contents page (x relative to the text
block's left edge; the caller shifts them for left/right pages): the contents title, then per
section its name and per article its title with the folio at the right edge and the byline below.
An article's title, byline and folio are never split across pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from publish.layout.model import Layout
from publish.paginate.pages import PlacedGlyph, TextLine


@dataclass(frozen=True)
class ContentsItem:
    section: str
    slug: str  # "" for a section line
    title: str
    byline: str
    first_slug: str  # the article whose folio this entry shows


def set_contents(issue, L: Layout, setter, items: list[ContentsItem], folio_of: dict[str, int]) -> list[list[TextLine]]:
    width = L.block_width
    top = L.block_top
    bottom = L.block_top - L.lines * L.leading
    pages: list[list[TextLine]] = []
    cur: list[TextLine] = []
    y = top

    def lines_of(element: str, text: str, measure: float, kind: str, align: str | None = None):
        st = L.style(element)
        out = []
        for ln in setter.text_lines(element, text, measure, align=align):
            out.append((st, ln, kind))
        return out

    def place(group: list, folio_text: str | None) -> None:
        nonlocal cur, y
        need = sum(st.leading for st, _ln, _k in group) + (group[0][0].space_before * L.leading if group else 0)
        if cur and y - need < bottom:
            pages.append(cur)
            cur = []
            y = top
        if group and cur:
            y -= group[0][0].space_before * L.leading
        for n, (st, ln, kind) in enumerate(group):
            base = y - (st.leading - st.size) / 2 - 0.88 * st.size
            glyphs = tuple(PlacedGlyph(g.char, g.x, g.width, g.role) for g in ln.glyphs)
            cur.append(TextLine(0.0, base, st.size, glyphs, kind, ""))
            if folio_text is not None and n == _last_title_line(group):
                fl = setter.text_lines("contents_entry", folio_text, width, align="left")
                if fl:
                    f = fl[0]
                    ext = max(g.x + g.width for g in f.glyphs)
                    fg = tuple(PlacedGlyph(g.char, g.x, g.width, g.role) for g in f.glyphs)
                    cur.append(TextLine(width - ext, base, st.size, fg, "toc", ""))
            y -= st.leading

    place(lines_of("contents_title", L.contents_title, width, "toc"), None)
    folio_room = 4 * L.style("contents_entry").size  # room at the right for the folio
    for it in items:
        folio_text = L.contents_folio_format.format(folio=folio_of.get(it.first_slug, 0))
        if not it.slug:
            place(lines_of("contents_section", it.title, width, "toc"), None)
            continue
        group = lines_of("contents_entry", it.title, width - folio_room, "toc")
        if it.byline:
            group += lines_of("contents_byline", it.byline, width - folio_room, "toc")
        place(group, folio_text)
    if cur:
        pages.append(cur)
    return pages


def _last_title_line(group: list) -> int:
    n = 0
    for k, (_st, _ln, _kind) in enumerate(group):
        if _st is group[0][0]:
            n = k
    return n
