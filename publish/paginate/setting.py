"""Setting an article's parts as lines: from model blocks to flow rows.

In: an `Article`, the `Layout`, the fonts (`runs`, `metrics`) and the composer (`publish.cjk`:
`compose`, `Style`). Out: the title block (one row spanning all columns) and the body as `Row`s of
`SetLine`/`SetImage` payloads, with the break rules of the print edition written into
`Row.breakable`:

- no orphan or widow: a column never ends after a paragraph's first line nor before its last
  (孤行; clreq §"adjustments of orphans and widows"), so paragraphs of 2–3 lines never split;
- a heading stays with the next `keep_heading_with` lines (and never ends a column);
- a figure with its caption is one row (never split); signatures are kept together.
Every line knows its block index and the character offset where it starts (for `PageStart`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.cjk.style import GlyphRun
from publish.layout.spec import ElementStyle, Layout, figure_size, figure_spans
from publish.model import (
    Article,
    Emphasis,
    Figure,
    Heading,
    ListItem,
    Note,
    Paragraph,
    Salutation,
    Signature,
    Text,
)
from publish.paginate.flow import Row

BYLINE_MARK = "●"
BYLINE_GAP = "\u3000"  # between unit and name (the printed issue has a wide gap there)


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


@dataclass(frozen=True)
class SetImage:
    path: Path
    width: float
    height: float
    block: int
    slot: float
    slots: float
    measure: float


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


def line_text(line) -> str:
    """The characters of a composed line (any composer's `Line`: only `glyphs` is relied on)."""
    g = line.glyphs
    if type(g) is GlyphRun:
        return "".join(g.chars)
    return "".join(x.char for x in g)


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

    def metrics(self, style: ElementStyle):
        key = (style.role, style.size)
        m = self._metrics.get(key)
        if m is None:
            m = self.fonts.metrics({style.role: style.size, "emphasis": style.size})
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
            if not r.text:
                continue
            role = "emphasis" if isinstance(r, Emphasis) else style.role
            out.extend(self.fonts.runs(r.text, role))
        return out

    def compose(self, element: str, inlines, measure: float, align: str | None = None,
                indent_em: float | None = None) -> list:
        if self._ready:
            lines = self._ready.pop((element, tuple(inlines), measure, align, indent_em), None)
            if lines is not None:
                return lines
        return self._compose(element, inlines, measure, align, indent_em)

    def precompose(self, articles) -> None:
        """Compose the body text of `articles` ahead; `compose` then hands out those lines.

        Articles composed by an earlier build in the same context come from the cache
        (`publish.paginate.composed`); the others are composed on two cores where possible
        (`publish.paginate.parallel`) and then kept in the cache."""
        from publish.cjk.style import Line
        from publish.paginate import composed
        from publish.paginate.parallel import compose_all

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
        context = composed.context_key(self, [k[0] for keys in per_article for k in keys])
        ready: dict[tuple, list] = {}
        todo: list[list[tuple]] = []
        for keys in per_article:
            hit = composed.load(context, keys) if context is not None and keys else None
            if hit is None:
                todo.append(keys)
            else:
                ready.update(zip(keys, hit, strict=True))
        jobs = [(k, sum(len(r.text) for r in k[1])) for keys in todo for k in keys]
        if jobs:
            ready.update(compose_all(jobs, lambda key: self._compose(*key), line_type=Line, run_type=GlyphRun))
        if context is not None:
            for keys in filter(None, todo):
                for k in keys:
                    if k not in ready:  # not composed ahead (one core, a small issue, a failed child)
                        ready[k] = self._compose(*k)
                composed.store(context, keys, [ready[k] for k in keys])
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

    def slots(self, style: ElementStyle) -> float:
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
            block_rows = self._block_rows(bi, block)
            if not block_rows:
                continue
            if isinstance(block, Heading):
                st = L.style("heading1" if block.level <= 1 else "heading2")
                if st.space_before and rows:
                    rows.append(Row(height=max(1, round(st.space_before)), breakable=True, space=True))
            for k, row in enumerate(block_rows):
                breakable = row.breakable if k else True
                if keep_next > 0:
                    breakable = False
                    keep_next -= 1
                if rows and rows[-1].space and k == 0:
                    breakable = False  # the space belongs to the heading after it
                rows.append(Row(row.height, breakable, False, row.payload, row.span))
            if isinstance(block, Heading):
                keep_next = L.keep_heading_with
        return rows

    def _lines_to_rows(self, lines: list, element: str, kind: str, bi: int, offset: int, measure: float,
                       *, keep_together: bool = False) -> tuple[list[Row], int]:
        st = self.layout.style(element)
        h = self.slots(st)
        n = len(lines)
        rows: list[Row] = []
        for k, ln in enumerate(lines):
            # A column may end after line k-1 only if ≥ 2 lines stay on each side (no 孤行).
            breakable = not keep_together and k >= 2 and n - k >= 2
            rows.append(Row(h, breakable, False, (SetLine(ln, st, kind, bi, offset, 0.0, h, measure),)))
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
        raise TypeError(f"cannot set block {type(block).__name__}")

    def _figure_row(self, bi: int, fig: Figure) -> Row:
        from publish.layout.prepress import image_pixels

        L = self.layout
        try:
            px_w, px_h = image_pixels(fig.image)
        except Exception:  # missing/unreadable images are reported by check_prepress before a build
            px_w, px_h = 4, 3
        w, h, slots = figure_size(L, px_w, px_h)
        span = figure_spans(L, px_w, px_h)
        measure = L.block_width if span else L.measure
        items: list = [SetImage(Path(fig.image), w, h, bi, 0.0, slots, measure)]
        y = float(slots)
        offset = 0
        st = L.style("caption")
        for ln in self.compose("caption", fig.caption, measure):
            items.append(SetLine(ln, st, "caption", bi, offset, y, self.slots(st), measure))
            offset += len(line_text(ln))
            y += self.slots(st)
        # A spanning figure is followed by a blank line before the columns resume.
        return Row(height=math.ceil(y) + (1 if span else 0), breakable=True, payload=tuple(items), span=span)
