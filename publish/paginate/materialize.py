"""Pagination, step 4 — materialize: abstract pages to coordinates, headers, outline, `Document`.

In: the `Issue`, the `Layout`, the `Setter`, the body `PageDraft`s (step 2,
`publish.paginate.place`) and the `Folios` (step 3, `publish.paginate.folios`). Out: the
`Document` (`publish.paginate.pages`): the contents pages, then the body pages, each item at its
x/y in points (left and right pages mirror the margins), with running headers and folios, the
outline (sections → articles), the contents entries and the folio of every page start.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from publish.cjk.title_join import join_title
from publish.columns import columns
from publish.layout.spec import Layout
from publish.model import Issue, PageStart
from publish.paginate.cover import full_page_picture
from publish.paginate.folios import Folios, side
from publish.paginate.marks import split_marks
from publish.paginate.pages import (
    Document,
    OutlineEntry,
    Page,
    PlacedImage,
    PlacedRun,
    Rule,
    TextLine,
    TocEntry,
    article_tags,
)
from publish.paginate.place import NOTE_RULE_GAP, SPAN, PageDraft
from publish.paginate.setting import MARK_SCALE, TABLE_RULE_THIN, SetImage, SetLine, SetRule, Setter
from publish.paginate.signatures import fill_pages

if TYPE_CHECKING:
    from publish.paginate.warm import Warm


def materialize(issue: Issue, layout: Layout, setter: Setter, drafts: list[PageDraft], folios: Folios,
                warm: Warm | None = None) -> Document:
    """The `Document`; `warm`: a body page whose rows sit where they sat in the previous
    pagination keeps its items (the same tuple), made again otherwise (`publish.paginate.warm`)."""
    pages: list[Page] = []
    for k, lines in enumerate(folios.contents_pages):
        folio = folios.first_contents + k
        page_side = side(folio)

        def contents_items(lines: list = lines, folio: int = folio, page_side: str = page_side) -> tuple:
            page_items: list = []
            if layout.header_on_contents:
                page_items.extend(_header(issue, layout, setter, layout.contents_title.replace("\u3000", ""), folio,
                                          page_side))
            page_items.extend(_shift(line, layout.block_left(page_side)) for line in lines)
            return tuple(page_items)

        if warm is None:
            items = contents_items()
        else:
            items = warm.contents_page(lines, (folio, page_side, issue.magazine, issue.label), contents_items)
        pages.append(Page(len(pages), folio, page_side, "", items, "contents"))

    outline: list[OutlineEntry] = []
    page_starts: list[PageStart] = []
    # Which section each article belongs to, by position: an issue may list a section name twice.
    section_of = {a.slug: n for n, s in enumerate(issue.sections) for a in s.articles}
    articles = {a.slug: a for a in issue.articles}
    last_section = -1
    for k, d in enumerate(drafts):
        folio = folios.first_body + k
        page_side = side(folio)
        if d.insert is not None:  # a full-page picture: counted in the folios, no running header
            pages.append(Page(len(pages), folio, page_side, d.section, (full_page_picture(d.insert, layout),),
                              "insert"))
            continue
        header = bool(d.placed) and (layout.header_on_article_start or not d.openings or
                                     d.placed[0].column != SPAN or d.placed[0].slot > 0)

        def make(d: PageDraft = d, folio: int = folio, page_side: str = page_side,
                 header: bool = header) -> tuple[tuple, dict[str, float]]:
            body_items, title_ys = _body_items(d, layout, page_side)
            page_items = []
            if header:
                page_items.extend(_header(issue, layout, setter, d.section, folio, page_side))
            page_items.extend(body_items)
            return tuple(page_items), title_ys

        if warm is None:
            items, title_ys = make()
        else:
            items, title_ys = warm.body_page(d, (page_side, folio, d.section, header, issue.magazine, issue.label),
                                             make)
        page_index = len(pages)
        for slug in d.openings:
            if section_of[slug] != last_section:
                last_section = section_of[slug]
                outline.append(OutlineEntry(issue.sections[last_section].title, 0, page_index, title_ys[slug]))
            outline.append(OutlineEntry(join_title(articles[slug].title), 1, page_index, title_ys[slug]))
        start = _page_start(d, folio)
        if start is not None:
            page_starts.append(start)
        pages.append(Page(page_index, folio, page_side, d.section, items, "body"))

    # Filler pages up to the layout's page multiple, and the masthead page when it goes last.
    pages, n_fill, fill_kind = fill_pages(pages, issue, layout, setter, side)

    toc = tuple(
        TocEntry(it.section, it.slug, it.title, it.byline, folios.folio_of[it.first_slug]) for it in folios.items
    )
    sections, tags = article_tags(issue)
    return Document(
        trim_width=layout.trim_width,
        trim_height=layout.trim_height,
        bleed=layout.bleed,
        pages=tuple(pages) if warm is None else warm.settle(tuple(pages)),
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
        fillers=n_fill,
        filler=fill_kind,
        sections=sections,
        articles=tags,
    )


def _body_items(d: PageDraft, L: Layout, side: str) -> tuple[list, dict[str, float]]:
    """The page's items in reading order (each row's items, rows in placement order) and the
    y of each opening title."""
    out: list = []
    title_ys: dict[str, float] = {}
    lefts: dict[int, float] = {}  # column → its left edge on this page (the layout's, worked out once)
    for p in d.placed:
        x0 = lefts.get(p.column)
        if x0 is None:
            x0 = lefts[p.column] = L.block_left(side) if p.column == SPAN else L.column_x(p.column, side)
        if p.column == SPAN:
            title_ys.setdefault(p.article, L.slot_top(p.slot))  # the title: its first spanning row
        for item in p.row.payload or ():
            if isinstance(item, SetImage):
                top = L.slot_top(p.slot + item.slot)
                x = x0 + (item.measure - item.width) / 2
                out.append(PlacedImage(item.path, x, top - item.height, item.width, item.height, alt=item.alt,
                                       article=p.article, block=item.block))
            elif isinstance(item, SetLine):
                size = item.style.size
                y = L.baseline(p.slot + item.slot, size, item.slots)
                col = max(p.column, 0)
                line = _text_line(item.line, x0 + item.dx, y, size, item.kind, p.article, col, item.block,
                                  item.offset, item.repeat)
                out.extend(split_marks(line, MARK_SCALE))
            elif isinstance(item, SetRule):
                y1 = L.slot_top(p.slot + item.slot)
                y2 = L.slot_top(p.slot + item.slot + item.depth)
                out.append(Rule(x0 + item.x1, y1, x0 + item.x2, y2, item.width))
    out.extend(_foot_items(d, L, side))
    return out, title_ys


def _foot_items(d: PageDraft, L: Layout, side: str) -> list:
    """The notes at the foot of the page: a short rule (a quarter of the text block), then each
    note's lines in the note size (clreq: notes at the page's foot, set off by a short rule)."""
    if not d.notes:
        return []
    left = L.block_left(side)
    top = L.lines - d.foot  # the foot's first grid line
    rule_y = L.slot_top(top + NOTE_RULE_GAP / 2)
    out: list = [Rule(left, rule_y, left + L.block_width / 4, rule_y, TABLE_RULE_THIN)]
    for slug, item, y in d.notes:
        size = item.style.size
        baseline = L.baseline(top + NOTE_RULE_GAP + y, size, item.slots)
        out.append(_text_line(item.line, left + item.dx, baseline, size, item.kind, slug, 0, -1, item.offset,
                              note=item.notes[0] if item.notes else 0))
    return out


def _text_line(line, x: float, y: float, size: float, kind: str, article: str, column: int,
               block: int = -2, offset: int = 0, repeat: bool = False, *, note: int = 0) -> TextLine:
    # the composer's columns are shared, not copied: no object per glyph (publish.columns)
    chars, xs, widths, faces = columns(line.glyphs, "chars", "xs", "widths", "faces")
    run = PlacedRun(tuple(chars), tuple(xs), tuple(widths), tuple(faces))
    # `TextLine(x, y, size, run, kind, article, column, block, "", offset, repeat, note)`, made
    # without the frozen dataclass's `__init__` (one object.__setattr__ a field: ~1 µs a line of
    # the issue, this ~0.4) — the same instance, its fields in field order
    # (tests/test_paginate_records.py)
    made = _new(TextLine)
    made.__dict__.update({"x": x, "y": y, "size": size, "glyphs": run, "kind": kind, "article": article,
                          "column": column, "block": block, "target": "", "offset": offset,
                          "repeat": repeat, "note": note})
    return made


_new = object.__new__


def _shift(line: TextLine, dx: float) -> TextLine:
    return dataclasses.replace(line, x=line.x + dx)


def _page_start(d: PageDraft, folio: int) -> PageStart | None:
    """Where the page begins in the text's flow: its first line of flow text — not a picture, a
    caption or a band across the columns (a wide table, a page-wide picture), which are set where
    they fit rather than where the text reaches — else its first item at all."""
    def start(flow_only: bool) -> PageStart | None:
        for p in d.placed:
            for item in p.row.payload or ():
                if not isinstance(item, SetLine | SetImage) or getattr(item, "repeat", False):
                    continue
                if flow_only and (isinstance(item, SetImage) or item.kind == "caption" or
                                  (p.column == SPAN and item.block >= 0)):
                    continue
                offset = item.offset if isinstance(item, SetLine) else 0
                return PageStart(folio, p.article, item.block, offset if item.block >= 0 else 0)
        return None

    return start(True) or start(False)


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
