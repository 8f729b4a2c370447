"""Pagination: an issue set on pages.

In: an `Issue`, its `Layout`, the fonts (`runs`, `metrics`) and the composer (default `publish.cjk`).
Out: a `Document` (`publish.paginate.pages`): the contents pages, then the articles section by
section — each opening with its title block across the columns, the body flowing column by column
on the line grid, columns balanced where an article ends mid-page — with running headers and folios,
the outline (sections → articles), the contents entries and the folio of every page start.

How: articles are first placed on abstract pages (column, grid line); folios are assigned once the
contents' own length is known; only then are x/y computed (left and right pages mirror the margins).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from publish.cjk.style import GlyphRun
from publish.errors import BuildError, Problem
from publish.layout.model import Layout
from publish.model import Issue, PageStart
from publish.paginate import flow
from publish.paginate.contents import ContentsItem, set_contents
from publish.paginate.flow import Row
from publish.paginate.pages import (
    Document,
    OutlineEntry,
    Page,
    PlacedGlyph,
    PlacedImage,
    PlacedRun,
    Rule,
    TextLine,
    TocEntry,
)
from publish.paginate.setting import SetImage, SetLine, Setter, byline_text, line_text

SPAN = -1  # "column" of a row that spans all columns (a title block)


@dataclass
class Placed:
    """A row on an abstract page: in `column` (or SPAN) with its top at grid line `slot`."""

    row: Row
    column: int
    slot: int
    article: str


@dataclass
class PageDraft:
    section: str
    placed: list[Placed] = field(default_factory=list)
    top: int = 0  # first grid line free across all columns
    openings: list[str] = field(default_factory=list)  # slugs of articles whose title is here


def _composer() -> ModuleType:
    import publish.cjk as cjk

    return cjk


def paginate(issue: Issue, layout: Layout, fonts, *, composer: Any = None,
             progress: Callable[[int], None] | None = None) -> Document:
    """Set `issue` on pages; see the module docstring. `composer` must offer `compose` and `Style`
    as `publish.cjk` does (tests pass a stand-in). `progress(n)` is called after each article."""
    setter = Setter(layout, fonts, composer or _composer())
    if composer is None:
        setter.precompose(issue.articles)  # the body text, on two cores where it pays
    drafts: list[PageDraft] = []
    done = 0
    for section in issue.sections:
        first_in_section = True
        for article in section.articles:
            _place_article(article, section.title, layout, setter, drafts, new_page=first_in_section)
            first_in_section = False
            done += 1
            if progress is not None:
                progress(done)

    # The contents: its length decides the body's folios only when it cannot go before first_folio.
    items = _contents_items(issue, drafts)
    n_contents = 0
    contents_pages: list[list[TextLine]] = []
    for _ in range(4):  # converges in one or two rounds: folio text width does not change line count
        first_contents, first_body = _folios(issue.first_folio, n_contents)
        folio_of = {slug: first_body + i for slug, i in _opening_pages(drafts).items()}
        contents_pages = set_contents(issue, layout, setter, items, folio_of)
        if len(contents_pages) == n_contents:
            break
        n_contents = len(contents_pages)
    first_contents, first_body = _folios(issue.first_folio, n_contents)
    folio_of = {slug: first_body + i for slug, i in _opening_pages(drafts).items()}

    pages: list[Page] = []
    for k, lines in enumerate(contents_pages):
        folio = first_contents + k
        side = _side(folio)
        page_items: list = []
        if layout.header_on_contents:
            page_items.extend(_header(issue, layout, setter, layout.contents_title.replace("\u3000", ""), folio, side))
        page_items.extend(_shift(line, layout.block_left(side)) for line in lines)
        pages.append(Page(len(pages), folio, side, "", tuple(page_items), "contents"))

    outline: list[OutlineEntry] = []
    page_starts: list[PageStart] = []
    # Which section each article belongs to, by position: an issue may list a section name twice.
    section_of = {a.slug: n for n, s in enumerate(issue.sections) for a in s.articles}
    articles = {a.slug: a for a in issue.articles}
    last_section = -1
    for k, d in enumerate(drafts):
        folio = first_body + k
        side = _side(folio)
        body_items, title_ys = _materialize(d, layout, side)
        page_items = []
        if d.placed and (layout.header_on_article_start or not d.openings or d.placed[0].column != SPAN or
                         d.placed[0].slot > 0):
            page_items.extend(_header(issue, layout, setter, d.section, folio, side))
        page_items.extend(body_items)
        page_index = len(pages)
        for slug in d.openings:
            if section_of[slug] != last_section:
                last_section = section_of[slug]
                outline.append(OutlineEntry(issue.sections[last_section].title, 0, page_index, title_ys[slug]))
            outline.append(OutlineEntry(articles[slug].title_text, 1, page_index, title_ys[slug]))
        start = _page_start(d, folio)
        if start is not None:
            page_starts.append(start)
        pages.append(Page(page_index, folio, side, d.section, tuple(page_items), "body"))

    toc = tuple(
        TocEntry(it.section, it.slug, it.title, it.byline, folio_of[it.first_slug]) for it in items
    )
    return Document(
        trim_width=layout.trim_width,
        trim_height=layout.trim_height,
        bleed=layout.bleed,
        pages=tuple(pages),
        title=f"{issue.magazine} {issue.label}",
        author=issue.publisher or issue.magazine,
        subject=issue.label,
        keywords=", ".join(dict.fromkeys(s.title for s in issue.sections)),  # a section may recur
        language=issue.language,
        date=issue.date.isoformat(),
        outline=tuple(outline),
        toc=toc,
        page_starts=tuple(page_starts),
        output_intent=layout.output_intent,
        output_condition=layout.output_condition,
        meta={k: v for k, v in (("publisher", issue.publisher), ("issn", issue.issn)) if v},
    )


# ── placing articles on abstract pages ─────────────────────────────────────────────────────────
def _place_article(article, section: str, L: Layout, setter: Setter, drafts: list[PageDraft], *,
                   new_page: bool) -> None:
    title = setter.title_block(article)
    rows = setter.body(article)
    _check_nothing_lost(article, title, rows)
    body_h = sum(r.height for r in rows)
    need = title.height + min(L.min_lines_after_title, body_h)
    page: PageDraft | None = None
    slot = 0
    if not new_page and L.article_start == "same-page" and drafts and drafts[-1].section == section:
        cur = drafts[-1]
        gap = 1 if cur.top > 0 else 0
        if cur.top + gap + need <= L.lines:
            page, slot = cur, cur.top + gap
    if page is None:
        page = PageDraft(section)
        drafts.append(page)
    page.placed.append(Placed(title, SPAN, slot, article.slug))
    page.openings.append(article.slug)
    slot += title.height
    page.top = slot

    # Spanning figures cut the body into segments: the text before one is balanced above it, the
    # text after it flows in columns below it (so the page still reads column by column).
    segments: list[list[Row]] = [[]]
    spans: list[Row] = []
    for r in rows:
        if r.span:
            # Rows glued to the figure (a heading just before it) go into the spanning band with
            # it, above the picture, rather than being stranded at the foot of the columns.
            glued: list[Row] = []
            nxt = r
            while segments[-1] and not nxt.breakable:
                nxt = segments[-1].pop()
                glued.insert(0, nxt)
            spans.append(_stack([*glued, r]) if glued else r)
            segments.append([])
        else:
            segments[-1].append(r)

    state = {"page": page, "slot": slot}
    for k, seg in enumerate(segments):
        _flow_segment(seg, article, section, title, L, drafts, state, first=k == 0,
                      balance=(L.balance_columns or k < len(spans)) and L.columns > 1)
        if k < len(spans):
            span = spans[k]
            page = state["page"]
            at = page.top
            if at + span.height > L.lines:
                if not seg and k == 0 and page.placed and page.placed[-1].row is title and \
                        page.placed[-1].slot > 0:
                    # The title would stand alone: it goes to the next page with the figure.
                    page.placed.pop()
                    page.openings.pop()
                    page.top = L.lines
                    page = PageDraft(section)
                    drafts.append(page)
                    page.placed.append(Placed(title, SPAN, 0, article.slug))
                    page.openings.append(article.slug)
                    at = title.height
                elif page.placed:
                    page.top = L.lines
                    page = PageDraft(section)
                    drafts.append(page)
                    at = 0
            page.placed.append(Placed(span, SPAN, at, article.slug))
            page.top = at + span.height
            state["page"], state["slot"] = page, page.top
            if page.top >= L.lines and (k + 1 < len(segments) and segments[k + 1]):
                page = PageDraft(section)
                drafts.append(page)
                state["page"], state["slot"] = page, 0


def _stack(rows: list[Row]) -> Row:
    """One spanning row made of rows set one under the other (their items moved down)."""
    items: list = []
    top = 0
    for r in rows:
        for it in r.payload or ():
            items.append(dataclasses.replace(it, slot=it.slot + top))
        top += r.height
    return Row(top, rows[0].breakable, False, tuple(items), True)


def _flow_segment(rows: list[Row], article, section: str, title: Row, L: Layout, drafts: list[PageDraft],
                  state: dict, *, first: bool, balance: bool) -> None:
    """Flow `rows` in columns from `state` (page, slot) on; leaves `state` at the page and grid line
    where the next element may start. `first`: the rows directly under the article's title."""
    page: PageDraft = state["page"]
    slot: int = state["slot"]
    i = 0
    first_page = first
    while i < len(rows):
        # Under a title block nothing is forced: if the body cannot start there, the title moves.
        placements = flow.fill(rows, i, L.columns, L.lines - slot, force=slot == 0)
        if not placements and first_page:
            # A title never stands alone at a page foot: it goes to the top of the next page
            # (the page keeps the previous article), and there the body is forced if even a
            # fresh page cannot take its first unit by the rules.
            if page.placed and page.placed[-1].row is title and page.placed[-1].slot > 0:
                page.placed.pop()
                page.openings.pop()
                page.top = L.lines
                page = PageDraft(section)
                drafts.append(page)
                page.placed.append(Placed(title, SPAN, 0, article.slug))
                page.openings.append(article.slug)
                slot = title.height
                placements = flow.fill(rows, i, L.columns, L.lines - slot, force=False)
            if not placements:
                placements = flow.fill(rows, i, L.columns, L.lines - slot, force=True)
        first_page = False
        if placements:
            end = placements[-1][2]
            last_page = end >= len(rows)
            if last_page and balance:
                balanced = flow.balance(rows, i, L.columns, L.lines - slot)
                if balanced is not None:
                    placements = balanced[1]
            for col, first_row, stop in placements:
                y = slot
                for r in rows[first_row:stop]:
                    page.placed.append(Placed(r, col, y, article.slug))
                    y += r.height
            used = max(flow.height(rows, f, e) for _c, f, e in placements)
            page.top = slot + used if last_page else L.lines
            i = placements[-1][2]
        else:
            page.top = L.lines
            # Skip the space rows fit() skipped, so the next page does not start with them.
            while i < len(rows) and rows[i].space:
                i += 1
        if i < len(rows):
            page = PageDraft(section)
            drafts.append(page)
            slot = 0
    state["page"], state["slot"] = page, page.top


def _check_nothing_lost(article, title: Row, rows: list[Row]) -> None:
    """Every source character must be set: a composer that dropped or added one is a build error
    naming the article, never a silently different print edition."""
    want = "".join(article.title) + article.subtitle + "".join(byline_text(b) for b in article.bylines)
    want += "".join(b.text for b in article.blocks)
    got = "".join(line_text(it.line) for r in (title, *rows) for it in (r.payload or ()) if isinstance(it, SetLine))
    if got != want:
        k = next((n for n, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
        raise BuildError(Problem(
            f"article {article.slug!r}: the set text differs from the source at character {k} "
            f"({want[k:k + 10]!r} set as {got[k:k + 10]!r})",
            article.source, None, "report this as a bug in the composer",
        ))


def _opening_pages(drafts: list[PageDraft]) -> dict[str, int]:
    return {slug: k for k, d in enumerate(drafts) for slug in d.openings}


def _folios(first_folio: int, n_contents: int) -> tuple[int, int]:
    """(first contents folio, first body folio). The contents take the folios just before
    `first_folio` (the folio of the first body page); when there are not enough (first_folio 1),
    they take `first_folio` onwards and the body follows them."""
    if first_folio - n_contents >= 1:
        return first_folio - n_contents, first_folio
    return first_folio, first_folio + n_contents


def _side(folio: int) -> str:
    return "right" if folio % 2 else "left"


def _contents_items(issue: Issue, drafts: list[PageDraft]) -> list[ContentsItem]:
    items: list[ContentsItem] = []
    for s in issue.sections:
        if not s.articles:
            continue
        items.append(ContentsItem(s.title, "", s.title, "", s.articles[0].slug))
        for a in s.articles:
            by = "　".join(byline_text(b) for b in a.bylines)
            items.append(ContentsItem(s.title, a.slug, a.title_text, by, a.slug, a.bylines))
    return items


# ── from abstract positions to coordinates ─────────────────────────────────────────────────────
def _materialize(d: PageDraft, L: Layout, side: str) -> tuple[list, dict[str, float]]:
    """The page's items in reading order (each row's items, rows in placement order) and the
    y of each opening title."""
    out: list = []
    title_ys: dict[str, float] = {}
    for p in d.placed:
        x0 = L.block_left(side) if p.column == SPAN else L.column_x(p.column, side)
        if p.column == SPAN:
            title_ys[p.article] = L.slot_top(p.slot)
        for item in p.row.payload or ():
            if isinstance(item, SetImage):
                top = L.slot_top(p.slot + item.slot)
                x = x0 + (item.measure - item.width) / 2
                out.append(PlacedImage(item.path, x, top - item.height, item.width, item.height))
            elif isinstance(item, SetLine):
                size = item.style.size
                y = L.baseline(p.slot + item.slot, size, item.slots)
                col = max(p.column, 0)
                out.append(_text_line(item.line, x0, y, size, item.kind, p.article, col))
    return out, title_ys


_new = object.__new__


def _text_line(line, x: float, y: float, size: float, kind: str, article: str, column: int) -> TextLine:
    g = line.glyphs
    if type(g) is GlyphRun:
        # the composer's columns are shared, not copied: no object per glyph (publish.columns)
        return TextLine(x, y, size, PlacedRun(g.chars, g.xs, g.widths, g.roles), kind, article, column)
    glyphs = []
    append = glyphs.append
    for gl in g:
        pg = _new(PlacedGlyph)  # as PlacedGlyph(char, x, width, face), without the slow frozen __init__
        pg.__dict__.update(char=gl.char, x=gl.x, width=gl.width, face=gl.role)
        append(pg)
    return TextLine(x, y, size, tuple(glyphs), kind, article, column)


def _shift(line: TextLine, dx: float) -> TextLine:
    return TextLine(line.x + dx, line.y, line.size, line.glyphs, line.kind, line.article, line.column)


def _page_start(d: PageDraft, folio: int) -> PageStart | None:
    for p in d.placed:
        for item in p.row.payload or ():
            if isinstance(item, SetLine | SetImage):
                offset = item.offset if isinstance(item, SetLine) else 0
                return PageStart(folio, p.article, item.block, offset if item.block >= 0 else 0)
    return None


# ── running headers ────────────────────────────────────────────────────────────────────────────
def _header(issue: Issue, L: Layout, setter: Setter, section: str, folio: int, side: str) -> list:
    fmt = L.header_right if side == "right" else L.header_left
    values = {"section": section, "magazine": issue.magazine, "folio": str(folio), "label": issue.label}
    y = L.trim_height - L.header_baseline
    left = L.block_left(side)
    right = left + L.block_width
    # On a right (odd) page the inner edge is the left one; on a left page, the right one.
    inner_left = side == "right"
    out: list = []
    for which in ("inner", "outer"):
        template = getattr(fmt, which)
        if not template:
            continue
        text = template.format(**values)
        element = "folio" if "{folio}" in template else "header"
        line = _single_line(setter, element, text, L.block_width)
        if line is None:
            continue
        extent = max((g.x + g.width for g in line.glyphs), default=0.0)
        at_left = (which == "inner") == inner_left
        x = left if at_left else right - extent
        out.append(_text_line(line, x, y, L.style(element).size, element, "", 0))
    if out and L.header_rule > 0:
        out.append(Rule(left, y - L.header_rule_gap, right, y - L.header_rule_gap, L.header_rule))
    return out


def _single_line(setter: Setter, element: str, text: str, width: float):
    """One header line. Set on a measure far wider than the page so that even an over-long section
    name stays on one line (and visibly overruns, rather than losing characters)."""
    lines = setter.text_lines(element, text, width * 10, align="left")
    return lines[0] if lines else None
