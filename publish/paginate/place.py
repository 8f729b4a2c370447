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

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.layout.spec import Layout
from publish.paginate import flow
from publish.paginate.collect import ArticleRows
from publish.paginate.flow import Row

SPAN = -1  # "column" of a row that spans all columns (a title block)
NOTE_RULE_GAP = 0.6  # grid lines above the first note: the short rule sits in this space


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
    # The notes at the foot of the page: `foot` grid lines reserved under the columns (the short
    # rule and the note lines), `notes` the lines as (article slug, line, slot from the foot's
    # top), `noted` the (slug, number) of the notes set here; `overflow`: lines of a note that did
    # not fit, continued at the foot of the next page.
    foot: int = 0
    notes: list[tuple[str, Any, float]] = field(default_factory=list)
    noted: set[tuple[str, int]] = field(default_factory=set)
    overflow: list[tuple[str, Any]] = field(default_factory=list)

    def capacity(self, lines: int) -> int:
        """Grid lines of the page above its notes."""
        return lines - self.foot

    insert: Path | None = None  # a full-page picture ([[inserts]]): the page holds nothing else


@dataclass(frozen=True)
class Cursor:
    """Where the next row of the flow may go: on `page`, from grid line `slot` down."""

    page: PageDraft
    slot: int


def place(articles: Iterable[ArticleRows], layout: Layout,
          progress: Callable[[int], None] | None = None, *, first_folio: int = 1,
          inserts_after: Mapping[str, Sequence[Path]] | None = None) -> list[PageDraft]:
    """The body pages with every article placed, in order; `progress(n)` after each article.
    `first_folio`: the folio of the first body page (for `section_start = "right-page"`);
    `inserts_after`: full-page pictures to follow an article (slug → pictures), each on a page of
    its own after the article's last page (the next article opens on a new page after them)."""
    drafts: list[PageDraft] = []
    for done, a in enumerate(articles, 1):
        try:
            _place_article(a, layout, drafts, first_folio)
        finally:
            _NOTES_DONE.pop(id(a), None)
        for picture in (inserts_after or {}).get(a.article.slug, ()):
            drafts[-1].top = layout.lines
            drafts.append(PageDraft(a.section, top=layout.lines, insert=picture))
        if progress is not None:
            progress(done)
    while drafts and drafts[-1].overflow:  # the last note continues on pages of its own
        _new_page(drafts, drafts[-1].section, layout.lines - 1)
    return drafts


def _new_page(drafts: list[PageDraft], section: str, room: int = 1 << 30) -> PageDraft:
    carried = drafts[-1].overflow if drafts else []
    page = PageDraft(section)
    drafts.append(page)
    if carried:  # a note continued from the previous page opens this page's foot
        _foot_add(page, carried, room)
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


# ── notes at the foot of the page ──────────────────────────────────────────────────────────────
def _foot_lines(page: PageDraft, lines: list[tuple[str, Any]]) -> float:
    """Grid lines the foot takes with `lines` added (from nothing: the rule's gap first)."""
    used = sum(item.slots for _slug, item, _y in page.notes)
    return (NOTE_RULE_GAP if page.notes or lines else 0.0) + used + sum(item.slots for _s, item in lines)


def _foot_add(page: PageDraft, lines: list[tuple[str, Any]], room: int) -> None:
    """Add note lines to the foot while it stays within `room` grid lines; the rest overflows."""
    y = sum(item.slots for _slug, item, _y in page.notes)
    for n, (slug, item) in enumerate(lines):
        if math.ceil(NOTE_RULE_GAP + y + item.slots - 1e-6) > room and page.notes:
            page.overflow.extend(lines[n:])
            break
        page.notes.append((slug, item, y))
        y += item.slots
    page.foot = math.ceil(NOTE_RULE_GAP + y - 1e-6) if page.notes else 0


def _referenced(rows: list[Row], placements: list[tuple[int, int, int]]) -> list[int]:
    """The note numbers referenced on the lines of the placed rows, in reading order."""
    out: list[int] = []
    for _col, first, end in placements:
        for r in rows[first:end]:
            for it in r.payload or ():
                numbers = getattr(it, "notes", ())
                if numbers and not getattr(it, "repeat", False):
                    out.extend(numbers)
    return out


def _new_notes(page: PageDraft, a: ArticleRows, numbers: list[int]) -> list[tuple[str, Any]]:
    slug = a.article.slug
    lines = dict(a.notes)
    out: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for n in numbers:
        if (slug, n) in page.noted or n in seen or n not in lines or (slug, n) in _set_before(a):
            continue
        seen.add(n)
        out.extend((slug, item) for item in lines[n])
    return out


def _set_before(a: ArticleRows) -> set[tuple[str, int]]:
    return _NOTES_DONE.setdefault(id(a), set())


# (slug, number) of the notes already set on an earlier page, per article being placed: a second
# reference to a note does not set it again.
_NOTES_DONE: dict[int, set[tuple[str, int]]] = {}


def _place_article(a: ArticleRows, L: Layout, drafts: list[PageDraft], first_folio: int = 1) -> None:
    title, slug = a.title, a.article.slug
    page: PageDraft | None = None
    slot = 0
    if _may_follow(a, L, drafts):
        cur = drafts[-1]
        gap = 1 if cur.top > 0 else 0  # a blank line between two articles
        # (the notes at the page's foot take their lines from the room under it)
        if _opens_under(a, L, cur.top + gap + cur.foot, cur.capacity(L.lines) - cur.top):
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
    deferred: list[Row] = []  # a spanning row waiting for the top of the next page
    carried: list[Row] = []  # text before a picture that floats on: it flows on with the text after it
    first = True
    for k, seg in enumerate(a.segments):
        if carried:
            seg, carried = carried + seg, []
        if k < len(a.spans) and not deferred and _floats_on(seg, a.spans[k], at, L) and \
                k + 1 < len(a.segments) and a.segments[k + 1]:
            # The picture will not fit under this text on this page: rather than balancing the text
            # above a picture that is not there, the text goes on and the picture floats to the
            # top of the next page.
            deferred.append(a.spans[k])
            carried = seg
            continue
        at = _flow_segment(seg, a, L, drafts, at, first=first,
                           balance=(L.balance_columns or k < len(a.spans)) and L.columns > 1, deferred=deferred)
        first = False
        for span in deferred:  # the text after it ended on the same page: it goes after it
            at = _place_span(span, a, L, drafts, at, title_above=False, more=False)
        deferred.clear()
        if k < len(a.spans):
            span = a.spans[k]
            more = k + 1 < len(a.segments) and bool(a.segments[k + 1])
            page = at.page
            room = page.capacity(L.lines) - page.top
            if more and page.top + span.height > page.capacity(L.lines) and room >= 2 and (seg or k > 0) \
                    and _only_pictures(span):
                # It does not fit under the text: the text after it fills this page, and it
                # floats to the top of the next one (no hole left where it was referenced).
                deferred.append(span)
                continue
            at = _place_span(span, a, L, drafts, at, title_above=not seg and k == 0, more=more)


def _place_span(span: Row, a: ArticleRows, L: Layout, drafts: list[PageDraft], at: Cursor, *,
                title_above: bool, more: bool) -> Cursor:
    """Place a spanning row under what the page holds (a new page when it does not fit).
    `title_above`: nothing of the body came before it; `more`: body text follows it."""
    page = at.page
    top = page.top
    if top + span.height > page.capacity(L.lines):
        moved = _move_title(page, a, L, drafts) if title_above else None
        if moved is not None:
            page, top = moved.page, moved.slot
        elif page.placed:
            page.top = L.lines
            page = _new_page(drafts, a.section)
            top = 0
    page.placed.append(Placed(span, SPAN, top, a.article.slug))
    page.top = top + span.height
    _commit_notes(page, a, _referenced([span], [(0, 0, 1)]), L)
    if page.top >= page.capacity(L.lines) and more:
        return Cursor(_new_page(drafts, a.section), 0)
    return Cursor(page, page.top)


def _float_pictures(rows: list[Row], placements: list[tuple[int, int, int]], capacity: int) -> bool:
    """A column that ends before a picture that did not fit leaves a hole: the picture floats to
    the top of the next column and the text after it fills the hole (moved before it in `rows`,
    up to a legal break, so the no-widow rules still hold). True when `rows` changed."""
    for _col, first, end in placements:
        if end >= len(rows) or not _is_picture(rows[end]):
            continue
        hole = capacity - flow.height(rows, first, end)
        take = 0
        used = 0
        k = end + 1
        while k < len(rows) and not _is_picture(rows[k]) and rows[k].repeat is None:
            used += rows[k].height
            if used > hole:
                break
            k += 1
            if k == len(rows) or rows[k].breakable:
                take = k - (end + 1)
        if take:
            picture = rows.pop(end)
            rows.insert(end + take, Row(picture.height, True, False, picture.payload, picture.span))
            moved = rows[end]
            rows[end] = Row(moved.height, True, moved.space, moved.payload, moved.span, moved.repeat, moved.closing)
            return True
    return False


def _floats_on(seg: list[Row], span: Row, at: Cursor, L: Layout) -> bool:
    """Whether a page-wide picture `span` after the text `seg` will not fit on the page where the
    text ends, though the text does (then the picture floats to the next page's top)."""
    if not _only_pictures(span) or not seg:
        return False
    capacity = at.page.capacity(L.lines)
    balanced = flow.balance(seg, 0, L.columns, capacity - at.slot) if L.columns > 1 else None
    if balanced is not None:
        used = balanced[0]
    else:
        placed = flow.fill(seg, 0, L.columns, capacity - at.slot, force=False)
        if not placed or placed[-1][2] < len(seg):
            return False
        used = max(flow.height(seg, f, e) for _c, f, e in placed)
    left = capacity - at.slot - used
    return span.height > left >= 2


def _only_pictures(row: Row) -> bool:
    """A row of pictures and their captions only (no heading glued to it): it may float."""
    items = row.payload or ()
    return any(type(it).__name__ == "SetImage" for it in items) and \
        all(type(it).__name__ == "SetImage" or getattr(it, "kind", "") == "caption" for it in items)


def _is_picture(row: Row) -> bool:
    return not row.span and any(type(it).__name__ == "SetImage" for it in row.payload or ())


def _extra_foot(page: PageDraft, a: ArticleRows, numbers: list[int], L: Layout) -> int:
    """Grid lines more than the page's foot already takes that the notes `numbers` need (at most
    up to half the page: a longer note continues on the next page)."""
    lines = _new_notes(page, a, numbers)
    if not lines:
        return 0
    need = math.ceil(_foot_lines(page, lines) - 1e-6)
    return max(0, min(need, L.lines // 2) - page.foot)


def _commit_notes(page: PageDraft, a: ArticleRows, numbers: list[int], L: Layout) -> None:
    lines = _new_notes(page, a, numbers)
    if not lines:
        return
    done = _set_before(a)
    for n in numbers:
        page.noted.add((a.article.slug, n))
        done.add((a.article.slug, n))
    _foot_add(page, lines, max(page.foot, L.lines // 2))


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
                  first: bool, balance: bool, deferred: list[Row] | None = None) -> Cursor:
    """Flow `rows` in columns from `at` on; returns where the next element may start.
    `first`: the rows directly under the article's title. `deferred`: spanning rows (a floated
    picture) to set at the top of the next page this flow begins, taken out of the list there."""
    page, slot = at.page, at.slot
    i = 0
    first_page = first
    reserve = 0
    floated = False  # a picture floated on this page: its columns are not rebalanced

    def fill(force: bool) -> list[tuple[int, int, int]]:
        """flow.fill above the page's notes, with room kept for the notes the placed rows
        reference (recomputed until the rows that fit reference no more notes than room is kept
        for; a note too long for the foot continues on the next page)."""
        nonlocal reserve, floated
        reserve = 0
        placements: list[tuple[int, int, int]] = []
        for _ in range(8):
            capacity = page.capacity(L.lines) - slot - reserve
            placements = flow.fill(rows, i, L.columns, capacity, force=force)
            need = _extra_foot(page, a, _referenced(rows, placements), L)
            if need > reserve:
                reserve = need
                continue
            if not _float_pictures(rows, placements, capacity):
                break
            floated = True
        return placements

    while i < len(rows):
        # Under a title block nothing is forced: if the body cannot start there, the title moves.
        placements = fill(force=slot == 0)
        if not placements and first_page:
            # There the body is forced if even a fresh page cannot take its first unit by the rules.
            moved = _move_title(page, a, L, drafts)
            if moved is not None:
                page, slot = moved.page, moved.slot
                placements = fill(force=False)
            if not placements:
                placements = fill(force=True)
        first_page = False
        if placements:
            end = placements[-1][2]
            last_page = end >= len(rows)
            if last_page and balance and not floated:
                balanced = flow.balance(rows, i, L.columns, page.capacity(L.lines) - slot - reserve)
                if balanced is not None:
                    placements = balanced[1]
            for col, first_row, stop in placements:
                y = slot
                repeat = rows[first_row].repeat
                if repeat is not None:  # a table continued: its header again
                    page.placed.append(Placed(repeat, col, y, a.article.slug))
                    y += repeat.height
                for r in rows[first_row:stop]:
                    page.placed.append(Placed(r, col, y, a.article.slug))
                    y += r.height
                closing = rows[stop - 1].closing
                if closing and stop < len(rows) and rows[stop].repeat is not None:
                    # the column ends inside a table: its part gets the bottom rule
                    page.placed.append(Placed(Row(0, payload=closing), col, y, a.article.slug))
            _commit_notes(page, a, _referenced(rows, placements), L)
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
            floated = False
            while deferred:  # a floated picture opens the page
                span = deferred.pop(0)
                page.placed.append(Placed(span, SPAN, slot, a.article.slug))
                slot += span.height
                page.top = slot
                _commit_notes(page, a, _referenced([span], [(0, 0, 1)]), L)
    return Cursor(page, page.top)
