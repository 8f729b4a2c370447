"""Setting an article's parts as lines: from model blocks to flow rows.

In: an `Article`, the `Layout`, the fonts (`runs`, `metrics`) and the composer (`publish.cjk`:
`compose`, `Style`). Out: the title block (one row spanning all columns) and the body as `Row`s of
`SetLine`/`SetImage` payloads, with the break rules of the print edition written into
`Row.breakable`:

- no orphan or widow: a column never ends after a paragraph's first line nor before its last
  (孤行; clreq §"adjustments of orphans and widows"), so paragraphs of 2–3 lines never split;
- a heading stays with the next `keep_heading_with` lines (and never ends a column);
- a figure with its caption is one row (never split), the caption a small fixed gap under the
  picture (the rest of the row's whole grid lines below it); consecutive figures stay together;
- a table is a row per table row (cells composed in their column's width and alignment, column
  widths from the cells' min/max-content widths as browsers do, 三线表 or full rules by layout);
  its caption and header row stay with its first row; a column that begins inside the table
  repeats the header (`Row.repeat`) and a column that ends inside it closes it with the bottom
  rule (`Row.closing`); a table whose natural width exceeds the column spans the columns (its
  rows are `span` rows: `publish.paginate.collect` makes them a band);
- note references are set as small raised marks (role "…@sup", unbreakable from the character
  before them); the notes themselves are set by `note_lines` for the foot of the page.
Every line knows its block index and the character offset where it starts (for `PageStart`);
note marks and repeated table headers are not source text and are never counted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from publish.cjk.style import GlyphRun
from publish.columns import columns
from publish.layout.spec import ElementStyle, Layout, figure_size, figure_spans
from publish.model import (
    Article,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    ListItem,
    Note,
    NoteRef,
    Paragraph,
    Salutation,
    Signature,
    Table,
    Text,
    block_note_refs,
    note_mark,
)
from publish.paginate.flow import Row

BYLINE_MARK = "●"
BYLINE_GAP = "\u3000"  # between unit and name (the printed issue has a wide gap there)
# A note mark is set at this share of its text's size, raised so that its top meets the top of
# the text's em box (publish.paginate.marks): the usual look of ①②③ in Chinese books.
MARK_SCALE = 0.6
MARK = "@sup"  # the face-key suffix of a note mark's glyphs (publish.fonts.fontset.face_of)
# The gap between a picture and its caption's em box, in em of the caption size.
CAPTION_GAP_EM = 0.4
# Rules of tables (pt): the thick top and bottom rules of a 三线表 and the thin rule under the header.
TABLE_RULE_THICK = 1.0
TABLE_RULE_THIN = 0.5


@dataclass(frozen=True)
class SetLine:
    """A composed line: `line` is the composer's Line (glyph x from the frame's left edge); `slot`
    is its top within its row, `slots` its height, both in grid lines."""

    line: Any
    style: ElementStyle
    kind: str
    block: int
    offset: int
    slot: float
    slots: float
    measure: float
    dx: float = 0.0  # x of the line's frame from the row's left edge (a table cell's column)
    repeat: bool = False  # a repeated table header: drawn, but not source text at this place
    notes: tuple[int, ...] = ()  # numbers of the notes referenced on this line (their marks)


@dataclass(frozen=True)
class SetImage:
    path: Path
    width: float
    height: float
    block: int
    slot: float
    slots: float
    measure: float
    alt: str = ""  # the text alternative (the caption, or the source's alt text) for tagging


@dataclass(frozen=True)
class SetRule:
    """A rule in a row: from (x1, slot) to (x2, slot + depth), x in pt from the row's left edge,
    `slot` in grid lines from the row's top, `depth` in grid lines down; `width` pt thick."""

    x1: float
    x2: float
    slot: float
    width: float
    depth: float = 0.0


_KIND = {"salutation": "salutation", "heading1": "heading", "heading2": "heading", "note": "note"}


def text_job(block) -> tuple[str, tuple] | None:
    """(element, inline runs) of a block set as one composed paragraph; None for the others
    (signatures are set line by line, figures are pictures)."""
    if isinstance(block, Paragraph):
        return "paragraph", block.runs
    if isinstance(block, ListItem):
        return "listitem", (Text(block.label), *block.runs)
    if isinstance(block, Salutation):
        return "salutation", block.runs
    if isinstance(block, Heading):
        return ("heading1" if block.level <= 1 else "heading2"), block.runs
    if isinstance(block, Note):
        return "note", block.runs
    return None


# Every line of an article's text is one `SetLine` in one `Row`: made without the dataclasses'
# `__init__`, which sets each field of a frozen instance through `object.__setattr__` (~1.1 and
# ~0.8 µs a line; these ~0.4 each) — the same instances, every field set in field order
# (tests/test_paginate_records.py holds them to the dataclasses' own).
_new = object.__new__


def _set_line(line: Any, style: ElementStyle, kind: str, block: int, offset: int, slots: float,
              measure: float) -> SetLine:
    """`SetLine(line, style, kind, block, offset, 0.0, slots, measure)`."""
    made = _new(SetLine)
    made.__dict__.update({"line": line, "style": style, "kind": kind, "block": block, "offset": offset,
                          "slot": 0.0, "slots": slots, "measure": measure, "dx": 0.0, "repeat": False,
                          "notes": ()})
    return made


def _line_row(height: int, breakable: bool, item: SetLine) -> Row:
    """`Row(height, breakable, False, (item,))`."""
    made = _new(Row)
    made.__dict__.update({"height": height, "breakable": breakable, "space": False, "payload": (item,),
                          "span": False, "repeat": None, "closing": None, "band": None})
    return made


def _row_copy(row: Row, breakable: bool) -> Row:
    """`Row(row.height, breakable, row.space, row.payload, row.span, row.repeat, row.closing)`: an
    article's rows as `Setter.body` hands them on, one per line (its band is not carried over)."""
    made = _new(Row)
    made.__dict__.update({"height": row.height, "breakable": breakable, "space": row.space,
                          "payload": row.payload, "span": row.span, "repeat": row.repeat,
                          "closing": row.closing, "band": None})
    return made


def line_text(line) -> str:
    """The source characters of a composed line (any composer's `Line`: only `glyphs` is relied
    on): note marks (face keys ending in `@sup`) are made by the edition, not source text."""
    chars, faces = columns(line.glyphs, "chars", "faces")
    if faces and _has_marks(faces):
        return "".join(c for c, f in zip(chars, faces, strict=True) if MARK not in f)
    return "".join(chars)


def _has_marks(faces) -> bool:
    # nearly every line is in one face: counting the first is a C-level pass by identity
    first = faces[0]
    return MARK in first or (faces.count(first) != len(faces) and any(MARK in f for f in set(faces)))


def byline_text(byline) -> str:
    if byline.unit and byline.name:
        return f"{BYLINE_MARK}{byline.unit}{BYLINE_GAP}{byline.name}"
    return f"{BYLINE_MARK}{byline.unit or byline.name}"


class Setter:
    """Composes text in a layout's element styles; caches metrics per (role, size)."""

    def __init__(self, layout: Layout, fonts, composer) -> None:
        self.layout = layout
        self.fonts = fonts
        self.composer = composer
        self._metrics: dict[tuple[str, float], Any] = {}
        self._styles: dict[str, Any] = {}
        self._ready: dict[tuple, list] = {}  # lines composed ahead (precompose), by compose's arguments
        # A long-lived process (publish watch, `publish.paginate.warm`) keeps every composition
        # between paginations here, by compose's arguments (the layout, fonts and composer are this
        # Setter's, which a warm state never changes); `used` collects the keys asked for since
        # `warm` last swept the memo. None: nothing is remembered (a build).
        self.memo: dict[tuple, list] | None = None
        self.used: set[tuple] = set()
        # Everything else composed in this build (titles, bylines, headers, folios, contents, …), by
        # compose's arguments: a running header or a contents entry set twice is composed once.
        self._memo: dict[tuple, list] = {}
        # The same from the cache (`publish.paginate.composed.load_lines`), by `composed.line_key`,
        # as stored columns; and the context they were looked up in (None: no cache).
        self._kept: dict[str, tuple] = {}
        self._context: str | None = None
        self._signatures: dict[tuple, str] = {}
        # Cache writes left for the caller to make when it has time (`paginate(deferred=)`); None:
        # made at once.
        self.deferred: list[Callable[[], None]] | None = None

    def _write(self, write: Callable[[], None]) -> None:
        if self.deferred is None:
            write()
        else:
            self.deferred.append(write)

    def metrics(self, style: ElementStyle):
        key = (style.role, style.size)
        m = self._metrics.get(key)
        if m is None:
            small = style.size * MARK_SCALE
            m = self.fonts.metrics({style.role: style.size, "emphasis": style.size,
                                    style.role + MARK: small, "emphasis" + MARK: small})
            self._metrics[key] = m
        return m

    def composer_style(self, element: str, align: str | None = None, indent_em: float | None = None):
        key = f"{element}/{align}/{indent_em}"
        s = self._styles.get(key)
        if s is None:
            kw = self.layout.typography_for(element)
            if align is not None:
                kw["align"] = align
            if indent_em is not None:
                kw["indent_em"] = indent_em
            s = self.composer.Style(**kw)
            self._styles[key] = s
        return s

    def runs(self, inlines, style: ElementStyle) -> list:
        out: list = []
        for r in inlines:
            if isinstance(r, NoteRef):
                mark = note_mark(r.number, getattr(self.layout, "note_marks", "circled"))
                out.extend(type(run)(run.text, run.face + MARK) for run in self.fonts.runs(mark, style.role))
                continue
            if not r.text:
                continue
            role = "emphasis" if isinstance(r, Emphasis) else style.role
            out.extend(self.fonts.runs(r.text, role))
        return out

    def compose(self, element: str, inlines, measure: float, align: str | None = None,
                indent_em: float | None = None) -> list:
        key = (element, tuple(inlines), measure, align, indent_em)
        memo = self.memo
        if memo is not None:
            self.used.add(key)
            lines = memo.get(key)
            if lines is None:
                lines = memo[key] = self._compose(element, inlines, measure, align, indent_em)
            return list(lines)  # the caller's own list, as below
        if self._ready:
            lines = self._ready.pop(key, None)
            if lines is not None:
                return lines
        # a build: the other lines once each, from the last build's where it set them
        lines = self._memo.get(key)
        if lines is None:
            if self._kept:
                cols = self._kept.get(self._kept_key(key))
                if cols is not None:
                    from publish.paginate import composed

                    lines = composed.lines_from(cols)
            if lines is None:
                lines = self._compose(element, inlines, measure, align, indent_em)
            self._memo[key] = lines
        return list(lines)  # the caller's own list; the lines themselves are frozen

    def _kept_key(self, key: tuple) -> str:
        """`key` (compose's arguments) with the element's style and typography, as a string: the
        cache's context holds the fonts and the code, not the styles of every element."""
        element, _inlines, _measure, align, indent_em = key
        style = (element, align, indent_em)
        signature = self._signatures.get(style)
        if signature is None:
            signature = self._signatures[style] = repr(
                (self.layout.style(element), self.composer_style(element, align, indent_em)))
        return repr(key) + "\0" + signature

    def load_composed(self, name: str) -> None:
        """Look up the other lines an earlier build of the issue called `name` composed (titles,
        bylines, headers, contents, …: `publish.paginate.composed.load_lines`); call after
        `precompose`, which finds the cache's context."""
        if self._context is not None:
            from publish.paginate import composed

            self._kept = composed.load_lines(self._context, name)

    def keep_composed(self, name: str) -> None:
        """Keep this build's other composed lines in the cache for the next build of the issue
        called `name`, when any were composed anew (not all found by `load_composed`)."""
        if self._context is None or not self._memo:
            return
        entries = {self._kept_key(key): lines for key, lines in self._memo.items()}
        if entries.keys() <= self._kept.keys():
            return
        from publish.paginate import composed

        context = self._context
        self._write(lambda: composed.store_lines(context, name, entries))

    def precompose(self, articles) -> None:
        """Compose the body text of `articles` ahead; `compose` then hands out those lines.

        Articles composed by an earlier build in the same context come from the cache
        (`publish.paginate.composed`); the others are composed on two cores where possible
        (`publish.paginate.parallel`) and then kept in the cache."""
        from publish.cjk.style import make_line
        from publish.paginate import composed
        from publish.paginate.parallel import compose_groups

        m = self.layout.measure
        per_article: list[list[tuple]] = []
        for article in articles:
            keys = []
            for block in article.blocks:
                job = text_job(block)
                if job is not None:
                    element, inlines = job
                    keys.append((element, inlines, m, None, None))
            per_article.append(keys)
        memo = self.memo
        if memo is not None:
            # Kept: only the articles with a paragraph not composed yet (an edited one) go on, and
            # of those only the new paragraphs are composed; the article is stored whole.
            # (every body paragraph of the issue counts as used: an unchanged article's rows are
            # kept whole and do not ask for them again)
            self.used.update(k for keys in per_article for k in keys)
            per_article = [keys for keys in per_article if any(k not in memo for k in keys)]
            if not per_article:
                return
        context = composed.context_key(self, [k[0] for keys in per_article for k in keys])
        self._context = context
        ready: dict[tuple, list] = {}
        todo: list[list[tuple]] = []
        for keys in per_article:
            hit = composed.load(context, keys) if context is not None and keys else None
            if hit is None:
                todo.append(keys)
            else:
                ready.update(zip(keys, hit, strict=True))
        if memo is not None:
            ready.update((k, memo[k]) for keys in todo for k in keys if k in memo)
        todo = [keys for keys in todo if keys]
        # One group per article: a helper composing whole articles keeps their cache entries itself.
        # (A build's group is the article's every job, even one whose lines another article's entry
        # gave: that rare paragraph is composed again, and the entry stays the article's.)
        groups = [(jobs, sum(len(r.text) for k in jobs for r in k[1]))
                  for jobs in (keys if memo is None else [k for k in keys if k not in ready] for keys in todo)]
        kept: set[int] = set()
        if any(jobs for jobs, _ in groups):
            keep = None
            if context is not None and memo is None:
                def keep(index: int, data: bytes, context: str = context) -> None:
                    composed.store_payload(context, todo[index], data)
            made, kept = compose_groups(groups, lambda key: self._compose(*key), line_type=make_line, run_type=GlyphRun,
                                        keep=keep)
            ready.update(made)
        if context is not None:
            for index, keys in enumerate(todo):
                for k in keys:
                    if k not in ready:  # not composed ahead (one core, a small issue, a failed child)
                        ready[k] = self._compose(*k)
                if index not in kept:
                    self._write(partial(composed.store, context, keys, [ready[k] for k in keys]))
        if memo is not None:
            memo.update(ready)
        else:
            self._ready = ready

    def _compose(self, element: str, inlines, measure: float, align: str | None,
                 indent_em: float | None) -> list:
        style = self.layout.style(element)
        runs = self.runs(inlines, style)
        if not runs:
            return []
        return self.composer.compose(runs, measure, self.metrics(style),
                                     self.composer_style(element, align, indent_em))

    def text_lines(self, element: str, text: str, measure: float, align: str | None = None,
                   indent_em: float | None = None) -> list:
        return self.compose(element, (Text(text),), measure, align, indent_em)

    def byline_lines(self, element: str, byline, measure: float, align: str | None = None,
                     indent_em: float | None = None) -> list:
        """`●unit　name` on one line when it fits; otherwise the unit and the name on lines of their
        own, so a person's name is never broken across lines."""
        lines = self.text_lines(element, byline_text(byline), measure, align, indent_em)
        if len(lines) <= 1 or not (byline.unit and byline.name):
            return lines
        return (self.text_lines(element, f"{BYLINE_MARK}{byline.unit}{BYLINE_GAP}", measure, align, indent_em)
                + self.text_lines(element, byline.name, measure, align, indent_em))

    def slots(self, style: ElementStyle) -> int:
        """Grid lines one line of `style` takes (whole lines, so text after it stays on the grid)."""
        return max(1, math.ceil(style.leading / self.layout.leading - 1e-6))

    # ── the title block ─────────────────────────────────────────────────────────────────────
    def title_block(self, article: Article) -> Row:
        """Title lines, subtitle, bylines: one row spanning the columns, a whole number of lines."""
        L = self.layout
        width = L.block_width
        items: list[SetLine] = []
        y = 0.0
        offset = 0

        def add(element: str, text, kind: str, *, first: bool, last: bool) -> None:
            # An element's space before and after go around its group (the title's lines, the
            # bylines), not around each line: stacked bylines sit at the byline leading.
            nonlocal y, offset
            st = L.style(element)
            lines = self.text_lines(element, text, width) if isinstance(text, str) else \
                self.byline_lines(element, text, width)
            if first:
                y += st.space_before
            step = st.leading / L.leading  # title lines may sit off the grid; the block is rounded up
            for ln in lines:
                items.append(SetLine(ln, st, kind, -1, offset, y, step, width))
                offset += len(line_text(ln))
                y += step
            if last:
                y += st.space_after

        n = len(article.title)
        for k, t in enumerate(article.title):
            add("title", t, "title", first=k == 0, last=k == n - 1)
        if article.subtitle:
            add("subtitle", article.subtitle, "subtitle", first=True, last=True)
        n = len(article.bylines)
        for k, b in enumerate(article.bylines):
            add("byline", b, "byline", first=k == 0, last=k == n - 1)
        return Row(height=max(1, math.ceil(y - 1e-6)), breakable=True, payload=tuple(items))

    # ── the body ───────────────────────────────────────────────────────────────────────────
    def body(self, article: Article) -> list[Row]:
        L = self.layout
        rows: list[Row] = []
        keep_next = 0  # rows after a heading that must stay with it
        for bi, block in enumerate(article.blocks):
            block_rows = self._with_notes(block, self._block_rows(bi, block))
            if not block_rows:
                continue
            # consecutive pictures form a group: kept together in one column
            group = isinstance(block, Figure) and bi > 0 and isinstance(article.blocks[bi - 1], Figure) \
                and bool(rows) and rows[-1].span == block_rows[0].span
            if isinstance(block, Heading):
                st = L.style("heading1" if block.level <= 1 else "heading2")
                if st.space_before and rows:
                    rows.append(Row(height=max(1, round(st.space_before)), breakable=True, space=True))
            for k, row in enumerate(block_rows):
                breakable = row.breakable if k else not group
                if keep_next > 0:
                    breakable = False
                    keep_next -= 1
                if rows and rows[-1].space and k == 0:
                    breakable = False  # the space belongs to the heading after it
                rows.append(_row_copy(row, breakable))
            if isinstance(block, Heading):
                keep_next = L.keep_heading_with
        return rows

    def _with_notes(self, block, rows: list[Row]) -> list[Row]:
        """The rows with each line's referenced note numbers filled in (`SetLine.notes`): the
        block's references in order, one per group of mark glyphs on the lines."""
        refs = [r.number for r in block_note_refs(block)]
        if not refs:
            return rows
        style = getattr(self.layout, "note_marks", "circled")
        out: list[Row] = []
        k = 0
        for row in rows:
            items = []
            for it in row.payload or ():
                if isinstance(it, SetLine) and not it.repeat:
                    numbers: list[int] = []
                    for group in _mark_groups(it.line):  # adjacent marks ①② make one group
                        while group and k < len(refs) and group.startswith(note_mark(refs[k], style)):
                            group = group[len(note_mark(refs[k], style)):]
                            numbers.append(refs[k])
                            k += 1
                    if numbers:
                        it = dataclasses.replace(it, notes=tuple(numbers))
                items.append(it)
            repeat = row.repeat
            out.append(dataclasses.replace(row, payload=tuple(items), repeat=repeat))
        return out

    def _lines_to_rows(self, lines: list, element: str, kind: str, bi: int, offset: int, measure: float,
                       *, keep_together: bool = False) -> tuple[list[Row], int]:
        st = self.layout.style(element)
        h = self.slots(st)
        n = len(lines)
        rows: list[Row] = []
        for k, ln in enumerate(lines):
            # A column may end after line k-1 only if ≥ 2 lines stay on each side (no 孤行).
            breakable = not keep_together and k >= 2 and n - k >= 2
            rows.append(_line_row(h, breakable, _set_line(ln, st, kind, bi, offset, h, measure)))
            offset += len(line_text(ln))
        return rows, offset

    def _block_rows(self, bi: int, block) -> list[Row]:
        m = self.layout.measure
        job = text_job(block)
        if job is not None:
            element, inlines = job
            kind = _KIND.get(element, "body")
            return self._lines_to_rows(self.compose(element, inlines, m), element, kind, bi, 0, m,
                                       keep_together=isinstance(block, Heading))[0]
        if isinstance(block, Signature):
            rows: list[Row] = []
            offset = 0
            for text in block.lines:
                r, offset = self._lines_to_rows(self.text_lines("signature", text, m), "signature", "signature",
                                                bi, offset, m, keep_together=True)
                rows.extend(r)
            # A signature (organisation, date) is read as one unit: keep its lines in one column.
            return [Row(r.height, k == 0, False, r.payload) for k, r in enumerate(rows)]
        if isinstance(block, Figure):
            return [self._figure_row(bi, block)]
        if isinstance(block, Table):
            return self._table_rows(bi, block)
        raise TypeError(f"cannot set block {type(block).__name__}")

    def _figure_row(self, bi: int, fig: Figure) -> Row:
        from publish.layout.prepress import image_pixels

        L = self.layout
        try:
            px_w, px_h = image_pixels(fig.image)
        except Exception:  # missing/unreadable images are reported by check_prepress before a build
            px_w, px_h = 4, 3
        w, h, slots = figure_size(L, px_w, px_h, fig.wide)
        span = figure_spans(L, px_w, px_h, fig.wide)
        measure = L.block_width if span else L.measure
        items: list = [SetImage(Path(fig.image), w, h, bi, 0.0, slots, measure, fig.alt_text)]
        offset = 0
        st = L.style("caption")
        step = st.leading / L.leading
        # The caption's em box starts CAPTION_GAP_EM under the picture: its line box (centred on
        # the em box, `baseline`) starts half the leading's excess higher.
        y = (h + CAPTION_GAP_EM * st.size - (st.leading - st.size) / 2) / L.leading
        for ln in self.compose("caption", fig.caption, measure):
            items.append(SetLine(ln, st, "caption", bi, offset, y, step, measure))
            offset += len(line_text(ln))
            y += step
        if not fig.caption:
            y = h / L.leading
        # The rest of the row's whole grid lines stays below the caption, above the next block (a
        # spanning figure is set apart from the columns by a blank line: `place.BAND_GAP`).
        return Row(height=max(1, math.ceil(y - 1e-6)), breakable=True,
                   payload=tuple(items), span=span)

    # ── tables ─────────────────────────────────────────────────────────────────────────────
    def _table_rows(self, bi: int, table: Table) -> list[Row]:
        """A table as rows (see the module docstring)."""
        L = self.layout
        cell_st, head_st = L.style("table"), L.style("table_header")
        pad = 0.5 * cell_st.size  # each side of a cell: one em between columns
        n = table.columns
        aligns = [table.alignment(k) for k in range(n)]

        def element(row) -> str:
            return "table_header" if row.header else "table"

        # min-content: the widest piece the composer will not break (numbers, bracketed pairs);
        # max-content: the cell on one line (CSS 2.1 §17.5.2.2, automatic table layout)
        mins, maxs = [0.0] * n, [0.0] * n
        for row in table.rows:
            for k, cell in enumerate(row.cells[:n]):
                if not cell.text:
                    continue
                el = element(row)
                size = L.style(el).size
                wide = self.compose(el, cell.runs, 1e5, "left", 0.0)
                narrow = self.compose(el, cell.runs, 2 * size, "left", 0.0)
                maxs[k] = max(maxs[k], max((ln.natural for ln in wide), default=0.0))
                mins[k] = max(mins[k], max((ln.natural for ln in narrow), default=0.0))
        pads = n * 2 * pad
        span = L.columns > 1 and sum(maxs) + pads > L.measure + 1e-6
        full = (L.block_width if span else L.measure) - pads
        widths = _column_widths(mins, maxs, full)
        xs: list[float] = []
        x = 0.0
        for w in widths:
            xs.append(x + pad)
            x += w + 2 * pad
        total = x

        rows: list[Row] = []
        offset = 0
        cap_st = L.style("table_caption")
        cap_rows: list[Row] = []
        for ln in self.compose("table_caption", table.caption, total, "center", 0.0) if table.caption else []:
            h = self.slots(cap_st)
            cap_rows.append(Row(h, False, False, (SetLine(ln, cap_st, "table-caption", bi, offset, 0.0, h, total),)))
            offset += len(line_text(ln))
        three = getattr(L, "table_rules", "three-line") != "full"

        def rules_around(height: int, *, top: float, bottom: float) -> list:
            out: list = []
            if top:
                out.append(SetRule(0.0, total, 0.0, top))
            if bottom:
                out.append(SetRule(0.0, total, float(height), bottom))
            if not three:  # full rules: a vertical rule at each cell edge
                for k in range(n + 1):
                    vx = 0.0 if k == 0 else (total if k == n else xs[k] - pad)
                    out.append(SetRule(vx, vx, 0.0, TABLE_RULE_THIN, float(height)))
            return out

        def cells(row, start: int) -> tuple[list, int, int]:
            el = element(row)
            st = head_st if row.header else cell_st
            h = self.slots(st)
            items: list = []
            lines_max = 1
            pos = start
            for k, cell in enumerate(row.cells[:n]):
                align = st.align if row.header else aligns[k]
                lines = self.compose(el, cell.runs, widths[k], align, 0.0) if cell.runs else []
                lines_max = max(lines_max, len(lines))
                for i, ln in enumerate(lines):
                    items.append(SetLine(ln, st, "table-header" if row.header else "table-cell", bi, pos,
                                         float(i * h), h, widths[k], xs[k]))
                    pos += len(line_text(ln))
            return items, lines_max * h, pos

        header = [r for r in table.rows if r.header]
        body = [r for r in table.rows if not r.header]
        head_row: Row | None = None
        repeat: Row | None = None
        if header:
            items, h, offset = cells(header[0], offset)
            thin = TABLE_RULE_THIN
            items += rules_around(h, top=TABLE_RULE_THICK, bottom=thin)
            head_row = Row(h, False, False, tuple(items))
            repeat = Row(h, False, False, tuple(
                SetLine(it.line, it.style, it.kind, it.block, it.offset, it.slot, it.slots, it.measure, it.dx, True)
                if isinstance(it, SetLine) else it for it in items))
        closing = (SetRule(0.0, total, 0.0, TABLE_RULE_THICK),)
        for index, row in enumerate(body):
            items, h, offset = cells(row, offset)
            last = index == len(body) - 1
            top = TABLE_RULE_THICK if head_row is None and index == 0 else 0.0
            bottom = TABLE_RULE_THICK if last else (0.0 if three else TABLE_RULE_THIN)
            items += rules_around(h, top=top, bottom=bottom)
            rows.append(Row(h, index > 0, False, tuple(items), False, repeat, None if last else closing))
        head = [*cap_rows, *([head_row] if head_row else [])]
        if rows:
            first = rows[0]
            rows[0] = Row(first.height, False, False, first.payload, False, None, first.closing)
        rows = head + rows
        if not rows:
            return []
        rows[0] = Row(rows[0].height, True, False, rows[0].payload, False, None, rows[0].closing)
        if span:  # across the columns: a band set at the top or bottom of a page (`place`)
            return [dataclasses.replace(r, span=True) for r in rows]
        return [*rows, Row(1, True, True)]

    # ── notes ──────────────────────────────────────────────────────────────────────────────
    def note_lines(self, note: Footnote, measure: float) -> list[SetLine]:
        """A note as lines of the note size for the foot of the page, led by its mark (① or 1)
        and a space; `slot` counts from the note's top in grid lines."""
        L = self.layout
        st = L.style("footnote")
        mark = note_mark(note.number, getattr(L, "note_marks", "circled"))
        runs = (Text(mark + "\u2002"), *note.runs)
        lines = self.compose("footnote", runs, measure, None, 0.0)
        step = st.leading / L.leading * 0.8  # notes are set closer than the body grid
        out: list[SetLine] = []
        y = 0.0
        offset = 0  # into mark + en space + the note's text (the tagged PDF finds its links by it)
        for ln in lines:
            # `notes`: the note this line belongs to (its own mark leads the first line)
            out.append(SetLine(ln, st, "footnote", -1, offset, y, step, measure, notes=(note.number,)))
            offset += len(line_text(ln))
            y += step
        return out


def _mark_groups(line) -> list[str]:
    """The note marks on a composed line, as the texts of runs of glyphs whose face key ends in
    @sup (adjacent marks form one run)."""
    pairs = zip(*columns(line.glyphs, "chars", "faces"), strict=True)
    groups: list[str] = []
    inside = False
    for c, r in pairs:
        mark = MARK in r
        if mark:
            if inside:
                groups[-1] += c
            else:
                groups.append(c)
        inside = mark
    return groups


def _column_widths(mins: list[float], maxs: list[float], full: float) -> list[float]:
    """Column content widths for an available width `full` (CSS automatic table layout): every
    column its max-content width, the rest shared in proportion; when that is too wide, each
    column gets its min-content width plus a share of the rest in proportion to (max − min); when
    even the min-content widths do not fit, they are scaled down (the cells then break anywhere)."""
    lo, hi = sum(mins), sum(maxs)
    n = len(maxs)
    if n == 0:
        return []
    if hi <= full:
        extra = full - hi
        if hi <= 0:
            return [full / n] * n
        return [m + extra * m / hi for m in maxs]
    if lo <= full:
        room = full - lo
        spread = hi - lo
        return [a + (b - a) * room / spread for a, b in zip(mins, maxs, strict=True)]
    return [a * full / lo for a in mins] if lo > 0 else [full / n] * n
