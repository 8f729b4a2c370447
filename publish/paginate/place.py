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
the last page of an article is balanced. A band across the columns (a wide table, page-wide
pictures: `Row.band`) goes to the top or the bottom of the page where it is referenced, or waits for
the top of the next page while the text goes on (`_flow_body`); a column picture that does not fit
floats to the next column or page (`_float_pictures`). An article's text never ends before its
band or picture. A title never stands alone at the foot of a page: it moves to the next page with
what follows it (`_move_title`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.layout.spec import Layout
from publish.paginate import flow
from publish.paginate.collect import ArticleRows
from publish.paginate.flow import Row

SPAN = -1  # "column" of a row that spans all columns (a title block, a band)
BAND_GAP = 1  # a blank grid line between a spanning band and the columns beside it
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
    rows = list(a.rows)
    if rows and rows[0].band is not None:  # the body opens with a band: it must fit under the title
        return _band_height(rows[0].band) <= room
    if flow.balance(rows, 0, L.columns, room) is not None:  # (its bands go to a page's top or bottom)
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
    _flow_body(list(a.rows), a, L, drafts, Cursor(page, slot))


# ── spanning bands at the top or bottom of a page ──────────────────────────────────────────────
@dataclass
class _Waiting:
    """A band waiting for the top of a page: its rows, from `start` (the rest of a long table)."""

    rows: tuple[Row, ...]
    start: int = 0


@dataclass(frozen=True)
class _Part:
    """Rows [first, end) of a band set across the columns with their top at grid line `slot`
    (the blank `BAND_GAP` line is under a band at the top, above one at the bottom)."""

    rows: tuple[Row, ...]
    first: int
    end: int
    slot: int


def _band_height(rows: Sequence[Row], first: int = 0, end: int | None = None) -> int:
    """Grid lines a band's rows [first, end) take on a page, with the blank line beside them."""
    return flow.height(rows, first, len(rows) if end is None else end) + BAND_GAP


def _band_numbers(parts: Iterable[_Part]) -> list[int]:
    return [n for p in parts for n in _referenced(list(p.rows), [(0, p.first, p.end)])]


def _band_end(page: PageDraft, a: ArticleRows, L: Layout, w: _Waiting, top: int, numbers: list[int],
              force: bool) -> int:
    """Where the part of the waiting band `w` that fits the page from grid line `top` ends (with
    room kept for its notes): all of it, or a long table up to a break between its rows (its
    header repeated where it continues); `w.start` when nothing fits — unless `force` (a fresh
    page: at least one row)."""
    reserve = 0
    end = w.start
    for _ in range(8):
        room = page.capacity(L.lines) - top - reserve - BAND_GAP
        if room <= 0 and not force:
            return w.start
        first, end = flow.fit(w.rows, w.start, max(room, 0), force=force)
        if end <= first:
            return w.start
        need = _extra_foot(page, a, numbers + _referenced(list(w.rows), [(0, first, end)]), L)
        if need <= reserve:
            break
        reserve = need
    return end


def _put_part(page: PageDraft, part: _Part, slug: str) -> None:
    """Place a band's part: a table continued opens with its header again and a part that ends
    inside the table is closed by the bottom rule."""
    rows, y = part.rows, part.slot
    repeat = rows[part.first].repeat
    if repeat is not None:
        page.placed.append(Placed(repeat, SPAN, y, slug))
        y += repeat.height
    for r in rows[part.first:part.end]:
        page.placed.append(Placed(r, SPAN, y, slug))
        y += r.height
    closing = rows[part.end - 1].closing
    if closing and part.end < len(rows) and rows[part.end].repeat is not None:
        page.placed.append(Placed(Row(0, payload=closing), SPAN, y, slug))


def _anchors(rows: list[Row], placements: list[tuple[int, int, int]]) -> list[int]:
    """Indices of the band anchors among the placed rows, in reading order."""
    return [k for _c, first, end in placements for k in range(first, end) if rows[k].band is not None]


def _flow_body(rows: list[Row], a: ArticleRows, L: Layout, drafts: list[PageDraft], at: Cursor) -> Cursor:
    """Flow the body `rows` in columns from `at` on, page by page, and set each spanning band
    (an anchor row: `Row.band`) at the top or the bottom of a page; returns where the next article
    may start.

    A band goes on the page where it is referenced when it fits there with its reference still on
    the page: at the top when the page is the article's from its top and no band is there yet,
    else at the bottom (under the text when the article ends on the page: the columns above it
    balanced). Otherwise it waits for the top of the next page while the text goes on (no hole is
    left); a band that opens the body goes directly under the title. Bands keep their order, and a
    band taller than the room at a page's top (a long table) breaks between its rows, continuing
    at the top of the next page with its header repeated."""
    slug = a.article.slug
    page, slot = at.page, at.slot
    i = 0
    waiting: list[_Waiting] = []
    while i < len(rows) and rows[i].band is not None:  # the body opens with a band: under the title
        waiting.append(_Waiting(rows[i].band or ()))
        i += 1
    if waiting and slot + sum(_band_height(w.rows) for w in waiting) > page.capacity(L.lines):
        moved = _move_title(page, a, L, drafts)
        if moved is not None:
            page, slot = moved.page, moved.slot
    first_page = True
    decided: set[int] = set()  # id(Row.band) of the bands set or waiting (rows move: the band stays)
    while True:
        # ── the top of the page: bands waiting for it (on a copy until the page is decided)
        queue = [_Waiting(w.rows, w.start) for w in waiting]
        tops: list[_Part] = []
        y = slot
        while queue:
            w = queue[0]
            end = _band_end(page, a, L, w, y, _band_numbers(tops), force=y == 0)
            if end == w.start:
                break
            tops.append(_Part(w.rows, w.start, end, y))
            y += _band_height(w.rows, w.start, end)
            if end < len(w.rows):
                w.start = end
                break
            queue.pop(0)
        carried = list(tops)  # bands whose reference was on an earlier page (or opens the body)
        before = len(queue)  # bands still waiting from earlier pages
        # ── the columns under them, and the bands referenced in the columns
        bottoms: list[_Part] = []  # slot 0 until the columns' height is known
        placed_here: dict[int, _Part] = {}  # id(Row.band) → its part on this page
        area, below = y, 0
        placements: list[tuple[int, int, int]] = []
        reserve, floated = 0, False
        if i < len(rows):
            placements, reserve, floated = _columns(rows, i, page, a, L, area, below, _band_numbers(tops),
                                                    force=area == 0)
            if not placements and first_page and not tops:
                # Under a title nothing is forced: if the body cannot start there, the title moves
                # (a title never stands alone at a page's foot); on a fresh page the body is forced.
                moved = _move_title(page, a, L, drafts)
                if moved is not None:
                    page, slot = moved.page, moved.slot
                    continue
                placements, reserve, floated = _columns(rows, i, page, a, L, area, below, [], force=True)
            held: tuple[Row, ...] | None = None  # the first band referenced here that waits
            while True:
                m = next((k for k in _anchors(rows, placements) if id(rows[k].band) not in decided), None)
                if m is None:
                    break
                band = rows[m].band or ()
                decided.add(id(band))
                h = _band_height(band)
                if not queue and h > page.capacity(L.lines) - area - reserve:
                    # a long table: its first part at the foot of the page, under the text up to
                    # its reference; the rest at the top of the next page(s)
                    first = _band_foot(rows, i, m, band, page, a, L, area, below, reserve)
                    if first is not None:
                        placements, part = first
                        placed_here[id(band)] = part
                        bottoms.append(part)
                        below += _band_height(band, 0, part.end)
                        queue.append(_Waiting(band, part.end))
                        continue
                if queue or h > page.capacity(L.lines) - area:
                    queue.append(_Waiting(band))  # after the bands already waiting, or too tall here
                    held = band if held is None else held
                    continue
                at_top = slot == 0 and not tops and not bottoms
                part = _Part(band, 0, len(band), area if at_top else 0)
                numbers = _band_numbers([*tops, *bottoms, part])
                # (on a copy: a column picture floated in a trial that fails must not move)
                trial_rows = list(rows)
                trial = _columns(trial_rows, i, page, a, L, area + h if at_top else area,
                                 below if at_top else below + h, numbers, force=False)
                m = next(k for k, r in enumerate(trial_rows) if r.band is band)
                if not any(f <= m < e for _c, f, e in trial[0]):
                    queue.append(_Waiting(band))  # its reference would go on: it waits for the next page
                    held = band if held is None else held
                    continue
                placements, reserve, floated = trial
                rows[:] = trial_rows
                placed_here[id(band)] = part
                if at_top:
                    tops.append(part)
                    area += h
                else:
                    bottoms.append(part)
                    below += h
            # The article's text never ends before its band or picture (which would then stand
            # alone after it): the last unit of the text after the reference goes on with it,
            # the text before that balanced on this page.
            room = page.capacity(L.lines) - area - below - reserve
            end = placements[-1][2] if placements else i
            if held is not None and end >= len(rows):
                ref = next(k for k, r in enumerate(rows) if r.band is held)
                cut = _last_break(rows, ref + 1)
                placements = _end_at(rows, i, cut if cut > ref else ref + 1, L.columns, room) or placements
            elif 0 < len(placements) < L.columns and end < len(rows) and _is_picture(rows[end]):
                placements = _end_at(rows, i, end, L.columns, room) or placements
        last = (bool(placements) and placements[-1][2] >= len(rows)) or i >= len(rows)
        if placements and last and L.columns > 1 and (L.balance_columns or bottoms) and not floated:
            balanced = flow.balance(rows, i, L.columns, page.capacity(L.lines) - area - below - reserve)
            if balanced is not None:
                placements = balanced[1]
        # Nothing lost: a band whose anchor left the page (the columns were cut or rebalanced
        # after it was set) waits for the next page's top, as does one referenced in rows that
        # came onto the page after the bands were decided.
        on_page = [id(rows[k].band) for k in _anchors(rows, placements)]
        lost = [part for key, part in placed_here.items() if key not in on_page]
        for n, part in enumerate(lost):
            if any(p is part for p in bottoms):
                below -= _band_height(part.rows, 0, part.end)
            queue = [w for w in queue if w.rows is not part.rows]  # (a long table's rest: all of it waits)
            tops = [p for p in tops if p is not part]
            bottoms = [p for p in bottoms if p is not part]
            queue.insert(before + n, _Waiting(part.rows))
        placed_here = {key: part for key, part in placed_here.items() if key in on_page}
        for k in _anchors(rows, placements):
            if id(rows[k].band) not in decided:
                decided.add(id(rows[k].band))
                queue.append(_Waiting(rows[k].band or ()))
        used = max((flow.height(rows, f, e) for _c, f, e in placements), default=0)
        # the bottom bands: under the text where the article ends, else at the foot of the columns
        y = area + used if last else page.capacity(L.lines) - reserve - below
        for n, part in enumerate(bottoms):
            bottoms[n] = dataclasses.replace(part, slot=y + BAND_GAP)
            y += _band_height(part.rows, part.first, part.end)
        bottom_of = {id(p.rows): p for p in bottoms}
        placed_here = {k: bottom_of.get(id(p.rows), p) for k, p in placed_here.items()}

        # ── commit, in reading order: the bands waiting from earlier pages, then the columns with
        # each band referenced in them where its anchor is
        mark = len(page.placed)
        for part in carried:
            _put_part(page, part, slug)
        for col, first_row, stop in placements:
            yy = area
            repeat = rows[first_row].repeat
            if repeat is not None:  # a table continued: its header again
                page.placed.append(Placed(repeat, col, yy, slug))
                yy += repeat.height
            for r in rows[first_row:stop]:
                if r.band is not None:
                    if id(r.band) in placed_here:
                        _put_part(page, placed_here[id(r.band)], slug)
                    continue
                page.placed.append(Placed(r, col, yy, slug))
                yy += r.height
            closing = rows[stop - 1].closing
            if closing and stop < len(rows) and rows[stop].repeat is not None:
                # the column ends inside a table: its part gets the bottom rule
                page.placed.append(Placed(Row(0, payload=closing), col, yy, slug))
        numbers = [n for p in page.placed[mark:] for n in _referenced([p.row], [(0, 0, 1)])]
        _commit_notes(page, a, numbers, L)
        waiting = queue
        if placements:
            i = placements[-1][2]
        else:
            while i < len(rows) and rows[i].space:  # skip the space rows fill() skipped
                i += 1
        first_page = False
        if i < len(rows) or waiting:
            page.top = L.lines
            page = _new_page(drafts, a.section)
            slot = 0
            continue
        page.top = max(y, area + used)
        return Cursor(page, page.top)


def _band_foot(rows: list[Row], i: int, m: int, band: tuple[Row, ...], page: PageDraft, a: ArticleRows,
               L: Layout, area: int, below: int, reserve: int,
               ) -> tuple[list[tuple[int, int, int]], _Part] | None:
    """A long table's first part at the foot of the page: the columns as high as the text up to
    its reference `rows[m]` needs (balanced), filled, and under them the table's rows that fit the
    rest, up to a break between rows. (placements, the part), or None when no row fits."""
    capacity = page.capacity(L.lines) - area - below - reserve
    text = flow.balance(rows[:m + 1], i, L.columns, capacity)
    if text is None or not any(r.breakable for r in band[1:]):
        return None
    height = max(text[0], 1)
    first, end = flow.fit(band, 0, capacity - height - BAND_GAP, force=False)
    if end <= first or end >= len(band):
        return None
    placements = flow.fill(rows, i, L.columns, height, force=False)
    if not any(f <= m < e for _c, f, e in placements):
        return None
    return placements, _Part(band, 0, end, 0)


def _end_at(rows: list[Row], i: int, cut: int, columns: int, capacity: int) -> list[tuple[int, int, int]] | None:
    """Placements of rows[i:cut] — `cut` moved back to a legal break — balanced in the columns
    (or filled when they do not balance); None when no legal break is left after row `i`."""
    while i < cut < len(rows) and not rows[cut].breakable:
        cut -= 1
    if cut <= i:
        return None
    balanced = flow.balance(rows[:cut], i, columns, capacity)
    if balanced is not None:
        return balanced[1]
    return flow.fill(rows[:cut], i, columns, capacity, force=False) or None


def _columns(rows: list[Row], i: int, page: PageDraft, a: ArticleRows, L: Layout, top: int, bottom: int,
             numbers: list[int], *, force: bool) -> tuple[list[tuple[int, int, int]], int, bool]:
    """flow.fill from row `i` in the columns between grid line `top` and `bottom` lines above the
    page's notes, with room kept for the notes the placed rows (and the page's bands: `numbers`)
    reference — recomputed until the rows that fit reference no more notes than room is kept for
    (a note too long for the foot continues on the next page). A column picture that does not fit
    floats to the next column (`_float_pictures`). Returns (placements, the room kept, whether a
    picture floated: then the columns are not rebalanced)."""
    reserve = 0
    floated = False
    placements: list[tuple[int, int, int]] = []
    for _ in range(8):
        capacity = page.capacity(L.lines) - top - bottom - reserve
        placements = flow.fill(rows, i, L.columns, capacity, force=force) if capacity > 0 else []
        need = _extra_foot(page, a, numbers + _referenced(rows, placements), L)
        if need > reserve:
            reserve = need
            continue
        if not _float_pictures(rows, placements, capacity, L.columns):
            break
        floated = True
    return placements, reserve, floated


def _float_pictures(rows: list[Row], placements: list[tuple[int, int, int]], capacity: int,
                    columns: int) -> bool:
    """A column that ends before a picture that did not fit leaves a hole: the picture floats to
    the top of the next column and the text after it fills the hole (moved before it in `rows`,
    up to a legal break, so the no-widow rules still hold). A picture taller than this page's
    columns (bands take part of the page) floats to the next page, the text after it filling
    the columns left. True when `rows` changed."""
    for col, first, end in placements:
        if end >= len(rows) or not _is_picture(rows[end]):
            continue
        if col < columns - 1 and flow.height(rows, end, end + 1) > capacity:
            return _float_to_next_page(rows, placements[0][1], end, capacity, columns)
        hole = capacity - flow.height(rows, first, end)
        take = 0
        used = 0
        k = end + 1
        while k < len(rows) and not _is_picture(rows[k]) and rows[k].repeat is None:
            used += rows[k].height
            if used > hole:
                break
            k += 1
            # (the picture never follows the article's last line onto the next page alone: the
            # text after it goes with it)
            if (k == len(rows) and col < columns - 1) or (k < len(rows) and rows[k].breakable):
                take = k - (end + 1)
        if take:
            picture = rows.pop(end)
            rows.insert(end + take, Row(picture.height, True, False, picture.payload, picture.span))
            rows[end] = dataclasses.replace(rows[end], breakable=True)
            return True
    return False


def _float_to_next_page(rows: list[Row], start: int, at: int, capacity: int, columns: int) -> bool:
    """Move the picture `rows[at]` after the text that fills the page's columns without it (to a
    legal break that is not inside a table). True when it moved."""
    picture = rows[at]
    rest = rows[:at] + rows[at + 1:]
    if at < len(rest):  # the text after the picture follows the text before it
        rest[at] = dataclasses.replace(rest[at], breakable=picture.breakable and rest[at].breakable)
    placed = flow.fill(rest, start, columns, capacity, force=False)
    stop = placed[-1][2] if placed else at
    if stop == len(rest):  # all the text fits: its last unit goes on with the picture (the
        stop = _last_break(rest, at + 1)  # article never ends before its picture)
    if stop <= at or stop >= len(rest) or rest[stop].repeat is not None:
        return False
    rest.insert(stop, dataclasses.replace(picture, breakable=True))
    rows[:] = rest
    return True


def _last_break(rows: list[Row], lo: int) -> int:
    """The last legal column break from row `lo` on before the end of `rows` (`lo` - 1 if none)."""
    return max((b for b in range(lo, len(rows)) if rows[b].breakable), default=lo - 1)


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
