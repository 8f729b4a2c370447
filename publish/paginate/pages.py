"""The paginated document: what pagination produces and the PDF writer draws.

In: nothing (plain frozen dataclasses, no I/O). Out: `Document` — pages of positioned items in PDF
points, with the page geometry, the running header already composed as text lines, the outline and
contents entries, and the folio map (`PageStart`s) the EPUB edition needs.

Coordinates: origin at the bottom-left corner of the *trim box*, y upwards, in points. The PDF
writer adds the bleed and the crop-mark margin around it, so pagination never thinks about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publish.columns import Columns, columns, frozen_record
from publish.model import (
    Figure,
    Heading,
    Issue,
    Link,
    ListItem,
    NoteRef,
    PageStart,
    Table,
    block_links,
    heading_depths,
)


@dataclass(frozen=True)
class PlacedGlyph:
    """One glyph: the character, its x from the line's origin (pt), its set width, its face key."""

    char: str
    x: float
    width: float
    face: str


PLACED_GLYPH_FIELDS = ("char", "x", "width", "face")


class PlacedRun(Columns):
    """The glyphs of a `TextLine` held column-wise (see `publish.columns`); indexing or iterating
    gives `PlacedGlyph`s, and it equals the tuple of them. Pagination shares the composer's columns
    instead of copying each glyph."""

    __slots__ = ("chars", "faces", "widths", "xs")
    FIELDS = ("chars", "xs", "widths", "faces")

    def __init__(self, chars: tuple[str, ...], xs: tuple[float, ...], widths: tuple[float, ...],
                 faces: tuple[str, ...]) -> None:
        self.chars, self.xs, self.widths, self.faces = chars, xs, widths, faces

    def __len__(self) -> int:  # (the base class's, without looking up the first column's name: a PDF asks ~4,000 times)
        return len(self.chars)

    def _make(self, values: tuple) -> PlacedGlyph:
        return frozen_record(PlacedGlyph, PLACED_GLYPH_FIELDS, values)


@dataclass(frozen=True)
class TextLine:
    """A line of glyphs at baseline (x, y), all at one size; `kind` says what it is (for tests and
    for tagging): body, title, subtitle, byline, heading, salutation, signature, note, caption,
    header, folio, toc; table-caption, table-header, table-cell (a table's), footnote (a note at
    the page's foot), noteref (a note's raised mark in the text)."""

    x: float
    y: float
    size: float
    glyphs: Sequence[PlacedGlyph]  # a PlacedRun from pagination; any sequence of PlacedGlyphs is accepted
    kind: str = "body"
    article: str = ""  # slug of the article the line belongs to ("" for headers, contents)
    column: int = 0
    # Index of the article block the line sets (`Article.blocks`; -1: the title block; -2: none):
    # the tagged PDF groups a paragraph's lines, across columns and pages, into one element.
    block: int = -2
    # A contents line: the slug of the article it lists (the screen PDF links it there).
    target: str = ""
    # Where in its block's text the line starts (a table cell's line: which cell it is in), whether
    # it repeats a table's header on a later column or page (not source text there), and for a
    # footnote's lines the note's number — for the tagged PDF.
    offset: int = 0
    repeat: bool = False
    note: int = 0

    @property
    def text(self) -> str:
        return "".join(columns(self.glyphs, "chars")[0])


@dataclass(frozen=True)
class Rule:
    """A straight line (e.g. under the running header), in pure black, `width` pt thick."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5


@dataclass(frozen=True)
class PlacedImage:
    """A raster image placed with its lower-left corner at (x, y) and size w × h (pt); `clip`
    (x0, y0, x1, y1), when given, is the only area it may paint (a cover panel up to the fold)."""

    path: Path
    x: float
    y: float
    w: float
    h: float
    clip: tuple[float, float, float, float] | None = None
    alt: str = ""  # the text alternative (caption or the source's alt text), for the tagged PDF
    article: str = ""  # the article and block (a Figure) it shows, for the tagged PDF's alt text
    block: int = -2


PageItem = TextLine | Rule | PlacedImage


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark: `level` 0 = section, 1 = article; it points at page index `page` at height y."""

    title: str
    level: int
    page: int
    y: float


@dataclass(frozen=True)
class TocEntry:
    """A contents entry: section title (or article title with bylines) and its first folio."""

    section: str
    article: str  # slug; "" for a section line
    title: str
    byline: str
    folio: int


@dataclass(frozen=True)
class ArticleTags:
    """What the tagged PDF needs to know of an article beyond its lines: its section (an index into
    `Document.sections`), its title, and per block the structure type (`P`, `H2`…`H6`, `LI`,
    `Figure`) and the figure's text alternative (its caption; "" for other blocks)."""

    slug: str
    section: int
    title: str
    blocks: tuple[str, ...]
    alts: tuple[str, ...]
    # per Table block: its cells as (start, end, row, column, header) offsets into the block's text
    cells: tuple[tuple[int, tuple[tuple[int, int, int, int, bool], ...]], ...] = ()
    # per ListItem block: the length of its label (`1.`, `（一）`), which its text starts with
    labels: tuple[tuple[int, int], ...] = ()
    # per block with links: (start, end, kind, value) — the link's text as offsets into the block's
    # text, where it leads (`publish.links.Target`: "uri" + address | "article" + slug) and its text;
    # `note_links` the same per note number (offsets into the note's text)
    links: tuple[tuple[int, tuple[tuple[int, int, str, str], ...]], ...] = ()
    note_links: tuple[tuple[int, tuple[tuple[int, int, str, str], ...]], ...] = ()
    # per block with note references: (offset in the block's text, note number), in text order
    refs: tuple[tuple[int, tuple[tuple[int, int], ...]], ...] = ()


def article_tags(issue: Issue) -> tuple[tuple[str, ...], tuple[ArticleTags, ...]]:
    """The issue's section titles and the `ArticleTags` of its articles, in print order."""
    # (imported here: the composer's package and the links are not needed to read a Document)
    from publish.cjk.title_join import join_title

    out: list[ArticleTags] = []
    slugs = [a.slug for a in issue.articles]
    for n, section in enumerate(issue.sections):
        for a in section.articles:
            depths = heading_depths(a)
            types = []
            cells: list[tuple[int, tuple[tuple[int, int, int, int, bool], ...]]] = []
            labels: list[tuple[int, int]] = []
            for i, b in enumerate(a.blocks):
                if isinstance(b, Heading):
                    types.append(f"H{depths[i]}")
                elif isinstance(b, ListItem):
                    types.append("LI")
                    labels.append((i, len(b.label)))
                elif isinstance(b, Figure):
                    types.append("Figure")
                elif isinstance(b, Table):
                    types.append("Table")
                    cells.append((i, _table_cells(b)))
                else:
                    types.append("P")
            alts = tuple(_figure_alt(b) if isinstance(b, Figure) else "" for b in a.blocks)
            links = tuple((i, found) for i, b in enumerate(a.blocks) if (found := _links(block_links(b), slugs)))
            note_links = tuple((note.number, found) for note in a.notes
                               if (found := _links(block_links(note), slugs)))  # type: ignore[arg-type]
            refs = tuple((i, at) for i, b in enumerate(a.blocks) if (at := _ref_offsets(b)))
            out.append(ArticleTags(a.slug, n, join_title(a.title), tuple(types), alts, tuple(cells),
                                   tuple(labels), links, note_links, refs))
    return tuple(s.title for s in issue.sections), tuple(out)


def _links(found: tuple[tuple[int, int, Link], ...], slugs: list[str]) -> tuple[tuple[int, int, str, str], ...]:
    """Resolved links; one whose target is unusable (the sources' checks refuse it) stays text."""
    from publish.links import LinkError, resolve

    out = []
    for start, end, link in found:
        try:
            target = resolve(link.target, slugs)
        except LinkError:
            continue
        out.append((start, end, target.kind, target.value))
    return tuple(out)


def _ref_offsets(block) -> tuple[tuple[int, int], ...]:
    """(offset in the block's text, note number) of each note reference in a block, in text order
    (a table's: caption, then the cells row by row, as its text)."""
    if isinstance(block, Table):
        groups = [block.caption, *(cell.runs for row in block.rows for cell in row.cells)]
    elif isinstance(block, Figure):
        groups = [block.caption]
    else:
        groups = [getattr(block, "runs", ())]
    pos = len(block.label) if isinstance(block, ListItem) else 0
    out: list[tuple[int, int]] = []
    for runs in groups:
        for r in runs:
            if isinstance(r, NoteRef):
                out.append((pos, r.number))
            pos += len(r.text)
    return tuple(out)


def _figure_alt(figure: Figure) -> str:
    return figure.alt_text.strip() or "插图"


def _table_cells(table: Table) -> tuple[tuple[int, int, int, int, bool], ...]:
    """Each cell's [start, end) in the table's text (caption first, then the cells row by row, as
    pagination counts line offsets), with its row, column and whether it is a header cell."""
    out = []
    pos = len(table.text) - sum(len(r.text) for r in table.rows)  # the caption's length
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            out.append((pos, pos + len(cell.text), r, c, row.header))
            pos += len(cell.text)
    return tuple(out)


@dataclass(frozen=True)
class Page:
    """One page: its folio (None for unnumbered pages), side, section, and the items on it."""

    index: int
    folio: int | None
    side: str  # "left" (even folio) or "right" (odd folio)
    section: str
    items: tuple[PageItem, ...]
    # "contents", "body"; "blank", "notes", "insert" (a full-page picture), "masthead"; "cover"
    kind: str = "body"


@dataclass(frozen=True)
class Document:
    """A paginated issue, ready to draw."""

    trim_width: float
    trim_height: float
    bleed: float
    pages: tuple[Page, ...]
    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: str = ""
    language: str = "zh-CN"
    date: str = ""  # ISO date of the issue
    outline: tuple[OutlineEntry, ...] = ()
    toc: tuple[TocEntry, ...] = ()
    page_starts: tuple[PageStart, ...] = ()
    # Print settings passed through from the layout.
    output_intent: str = ""  # path of a CMYK ICC profile, or "" for the default (Ghostscript's)
    output_condition: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    fillers: int = 0  # pages added to reach the layout's page multiple (publish.paginate.signatures)
    filler: str = ""  # what they are: "ads", "notes" or "blank"
    # For the tagged PDF: the section titles and, per article, its structure (`article_tags`).
    sections: tuple[str, ...] = ()
    articles: tuple[ArticleTags, ...] = ()
