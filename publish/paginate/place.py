"""Pagination, step 2 — place: articles' rows on abstract pages (column, grid line).

In: the `ArticleRows` of step 1 (`publish.paginate.collect`) and the `Layout`. Out: `PageDraft`s,
one per body page, each with its rows `Placed` at a column (or across all: `SPAN`) and a grid line,
and the articles whose title opens on it. No folios and no coordinates yet: those need the
contents' length (step 3, `publish.paginate.folios`) and the page side (step 4,
`publish.paginate.materialize`).

Where an article opens (`_opens_under`): under the previous article on the same page when the layout
lets it (`article_start`, and `section_start` for a section's first article) and its title block
plus `min_lines_after_title` lines in *every* column — or its whole first stretch of body, balanced —
fit under the break rules; a page that would otherwise end more than `fill_page_share` empty is
offered to it with only `min_lines_offered` lines a column. Else on a new page — a right-hand one
for a section with `section_start = "right-page"` (a blank page before it when needed).
The body flows column by column (`publish.paginate.flow` decides what fits under the break rules);
the last page of an article, or the text above a spanning figure, is balanced. A title never
stands alone at the foot of a page: it moves to the next page with what follows it (`_move_title`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from publish.layout.spec import Layout
from publish.paginate import flow
from publish.paginate.collect import ArticleRows
from publish.paginate.flow import Row

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


@dataclass(frozen=True)
class Cursor:
    """Where the next row of the flow may go: on `page`, from grid line `slot` down."""

    page: PageDraft
    slot: int


def place(articles: Iterable[ArticleRows], layout: Layout,
          progress: Callable[[int], None] | None = None, *, first_folio: int = 1) -> list[PageDraft]:
    """The body pages with every article placed, in order; `progress(n)` after each article.
    `first_folio`: the folio of the first body page (for `section_start = "right-page"`)."""
    drafts: list[PageDraft] = []
    for done, a in enumerate(articles, 1):
        _place_article(a, layout, drafts, first_folio)
        if progress is not None:
            progress(done)
    return drafts


def _new_page(drafts: list[PageDraft], section: str) -> PageDraft:
    page = PageDraft(section)
    drafts.append(page)
    return page


def _may_follow(a: ArticleRows, L: Layout, drafts: list[PageDraft]) -> bool:
    """Whether the layout lets `a` open under the previous article on its page."""
    if not drafts or not drafts[-1].placed or drafts[-1].top >= L.lines:
        return False
    if a.first_in_section:
        return L.section_start == "same-page"
    return L.article_start == "same-page" and drafts[-1].section == a.section


def _opens_under(a: ArticleRows, L: Layout, top: int, free: int) -> bool:
    """Whether `a` may open at grid line `top` (its title there, its body below it): its title
    block and `min_lines_after_title` lines in every column fit by the break rules, or its first
    stretch of body fits whole with its columns balanced. A page that would end with more than
    `fill_page_share` of its lines empty (`free`: the lines left under the previous article) is
    offered to it: then `min_lines_offered` lines do."""
    room = L.lines - top - a.title.height
    if room <= 0:
        return False
    rows = a.segments[0]
    if not rows:  # the body opens with a page-wide figure: it must fit under the title
        return not a.spans or a.spans[0].height <= room
    if len(a.segments) == 1 and flow.balance(rows, 0, L.columns, room) is not None:
        return True
    need = L.min_lines_after_title
    if L.fill_page_share > 0 and free > L.fill_page_share * L.lines:
        need = min(need, L.min_lines_offered)
    if room < need:
        return False
    placed = flow.fill(rows, 0, L.columns, room, force=False)
    return len(placed) == L.columns and all(flow.height(rows, f, e) >= need for _c, f, e in placed)


def _place_article(a: ArticleRows, L: Layout, drafts: list[PageDraft], first_folio: int = 1) -> None:
    title, slug = a.title, a.article.slug
    page: PageDraft | None = None
    slot = 0
    if _may_follow(a, L, drafts):
        cur = drafts[-1]
        gap = 1 if cur.top > 0 else 0  # a blank line between two articles
        if _opens_under(a, L, cur.top + gap, L.lines - cur.top):
            page, slot = cur, cur.top + gap
    if page is None:
        if drafts and a.first_in_section and L.section_start == "right-page" and (first_folio + len(drafts)) % 2 == 0:
            # left blank: the section opens on the right-hand page after it (the first section opens
            # where the body begins: its folio is the first_folio)
            _new_page(drafts, a.section)
        page = _new_page(drafts, a.section)
    page.placed.append(Placed(title, SPAN, slot, slug))
    page.openings.append(slug)
    slot += title.height
    page.top = slot

    at = Cursor(page, slot)
    for k, seg in enumerate(a.segments):
        at = _flow_segment(seg, a, L, drafts, at, first=k == 0,
                           balance=(L.balance_columns or k < len(a.spans)) and L.columns > 1)
        if k < len(a.spans):
            at = _place_span(a.spans[k], a, L, drafts, at, title_above=not seg and k == 0,
                             more=k + 1 < len(a.segments) and bool(a.segments[k + 1]))


def _place_span(span: Row, a: ArticleRows, L: Layout, drafts: list[PageDraft], at: Cursor, *,
                title_above: bool, more: bool) -> Cursor:
    """Place a spanning row under what the page holds (a new page when it does not fit).
    `title_above`: nothing of the body came before it; `more`: body text follows it."""
    page = at.page
    top = page.top
    if top + span.height > L.lines:
        moved = _move_title(page, a, L, drafts) if title_above else None
        if moved is not None:
            page, top = moved.page, moved.slot
        elif page.placed:
            page.top = L.lines
            page = _new_page(drafts, a.section)
            top = 0
    page.placed.append(Placed(span, SPAN, top, a.article.slug))
    page.top = top + span.height
    if page.top >= L.lines and more:
        return Cursor(_new_page(drafts, a.section), 0)
    return Cursor(page, page.top)


def _move_title(page: PageDraft, a: ArticleRows, L: Layout, drafts: list[PageDraft]) -> Cursor | None:
    """The title would stand alone at the foot of `page`: move it to the top of a new page (the
    page keeps the previous article) and return the place under it; None when the title is not the
    page's last row or already opens the page (then moving it gains nothing)."""
    if not (page.placed and page.placed[-1].row is a.title and page.placed[-1].slot > 0):
        return None
    page.placed.pop()
    page.openings.pop()
    page.top = L.lines
    page = _new_page(drafts, a.section)
    page.placed.append(Placed(a.title, SPAN, 0, a.article.slug))
    page.openings.append(a.article.slug)
    return Cursor(page, a.title.height)


def _flow_segment(rows: list[Row], a: ArticleRows, L: Layout, drafts: list[PageDraft], at: Cursor, *,
                  first: bool, balance: bool) -> Cursor:
    """Flow `rows` in columns from `at` on; returns where the next element may start.
    `first`: the rows directly under the article's title."""
    page, slot = at.page, at.slot
    i = 0
    first_page = first
    while i < len(rows):
        # Under a title block nothing is forced: if the body cannot start there, the title moves.
        placements = flow.fill(rows, i, L.columns, L.lines - slot, force=slot == 0)
        if not placements and first_page:
            # There the body is forced if even a fresh page cannot take its first unit by the rules.
            moved = _move_title(page, a, L, drafts)
            if moved is not None:
                page, slot = moved.page, moved.slot
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
                    page.placed.append(Placed(r, col, y, a.article.slug))
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
            page = _new_page(drafts, a.section)
            slot = 0
    return Cursor(page, page.top)
