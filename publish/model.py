"""The issue model: one immutable tree that every later stage reads.

In: nothing (this module does no I/O). Out: the frozen dataclasses that the source readers build
(`publish.sources`) and that the composer, paginator, PDF and EPUB writers consume:

    Issue ─► Section ─► Article ─► blocks (Paragraph, Heading, Salutation, Signature, Note,
                    │                      ListItem, Figure, Table) ─► inline runs (Text, Emphasis,
                    │                      NoteRef, Link)
                    └─► notes (Footnote: the `[^label]: …` definitions, numbered per article)

Every block remembers the 1-based source line it came from, so that later stages (glyph coverage,
layout checks) can name the file and line of a problem. `PageStart` is the hand-over from the
paginator to the EPUB writer: where each printed page begins inside an article.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path


# ── inline runs ────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Text:
    """A run of plain text, exactly as written in the source (no normalisation)."""

    text: str


@dataclass(frozen=True)
class Emphasis:
    """A run of emphasised text (Markdown `*…*`); set in the layout's emphasis role."""

    text: str


@dataclass(frozen=True)
class NoteRef:
    """A reference to a note (Markdown `[^label]`): `number` is the note's 1-based number in its
    article (notes are numbered in order of first reference). The printed mark (① or 1, by layout)
    is made by each edition; it is not source text, so `text` is empty and block offsets (page
    starts) never count it."""

    label: str
    number: int

    @property
    def text(self) -> str:
        return ""


@dataclass(frozen=True)
class Link:
    """Linked text (Markdown `[text](target)`): `text` is printed like the text around it; `target`
    (as written) is a web address or another article of the issue (`publish.links.resolve`), which
    the screen PDF and the EPUB link to. The print edition shows the text alone."""

    text: str
    target: str


Inline = Text | Emphasis | NoteRef | Link


def plain(runs: tuple[Inline, ...]) -> str:
    """The characters of a sequence of runs, concatenated (note references have none)."""
    return "".join(r.text for r in runs)


# Circled numbers for note marks, the Chinese convention (①–⑳, ㉑–㉟, ㊱–㊿); beyond 50, digits.
_CIRCLED = [chr(c) for c in range(0x2460, 0x2474)] + [chr(c) for c in range(0x3251, 0x3260)] + \
    [chr(c) for c in range(0x32B1, 0x32C0)]


def note_mark(number: int, style: str = "circled") -> str:
    """The printed mark of note `number`: "circled" ①②③ (up to 50, then digits) or "arabic" 1 2 3."""
    if style == "circled" and 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    return str(number)


# ── blocks ─────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: indented first line, justified."""

    runs: tuple[Inline, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class Heading:
    """An in-article heading; level 1 is `一、…` (Markdown `##`), level 2 is `（一）…` (`###`)."""

    level: int
    runs: tuple[Inline, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class Salutation:
    """The opening address of a speech (`各位代表：`), set without indent."""

    runs: tuple[Inline, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class Signature:
    """Right-aligned closing lines of a notice: organisation, date. One string per printed line."""

    lines: tuple[str, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class Note:
    """A centred editorial note such as `（讨论稿）` or an adoption note `（……会议通过）`."""

    runs: tuple[Inline, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class ListItem:
    """A numbered item; `label` is printed as written (`1.`, `（一）`, `第一条`), `runs` follow it."""

    label: str
    runs: tuple[Inline, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return self.label + plain(self.runs)


@dataclass(frozen=True)
class Figure:
    """An image (JPEG, PNG, TIFF or WebP; path relative to the issue folder resolved to absolute)
    with a caption printed under it. `alt` is the text alternative when it differs from the caption
    (`![](path "alt")`); `wide` asks for the picture across all columns (`{.wide}`). Consecutive
    figures form a group (kept together in print)."""

    image: Path
    caption: tuple[Inline, ...] = ()
    line: int = 0
    alt: str = ""
    wide: bool = False

    @property
    def text(self) -> str:
        return plain(self.caption)

    @property
    def alt_text(self) -> str:
        """What a reader who cannot see the picture is given: `alt`, else the caption."""
        return self.alt or self.text


@dataclass(frozen=True)
class TableCell:
    """One cell: inline runs (emphasis and note references allowed)."""

    runs: tuple[Inline, ...]

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class TableRow:
    """One row of cells; `header` for the table's header row (GFM: the row above `|---|`)."""

    cells: tuple[TableCell, ...]
    header: bool = False
    line: int = 0

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.cells)


@dataclass(frozen=True)
class Table:
    """A table (GFM pipe table) with its caption (`表1 …`, the line before it), set above it.

    `align` has one entry per column: "left", "center", "right" or "" (not given: numbers are set
    right, text left). Every row has exactly `len(align)` cells (the source checks ragged rows).
    `text` is the caption, then the cells row by row: the order both editions set them in."""

    rows: tuple[TableRow, ...]
    align: tuple[str, ...]
    caption: tuple[Inline, ...] = ()
    line: int = 0

    @property
    def header(self) -> tuple[TableRow, ...]:
        return tuple(r for r in self.rows if r.header)

    @property
    def columns(self) -> int:
        return len(self.align)

    def numeric(self, column: int) -> bool:
        """Whether a column holds numbers (every non-empty body cell is one): set right-aligned."""
        cells = [r.cells[column].text.strip() for r in self.body if column < len(r.cells)]
        cells = [c for c in cells if c and c not in _NOT_GIVEN]
        return bool(cells) and all(_NUMBER.match(c) for c in cells)

    def alignment(self, column: int) -> str:
        """The column's alignment: as the source's alignment row says, else right for numbers
        (so that units and decimals line up) and left for text."""
        given = self.align[column] if column < len(self.align) else ""
        if given:
            return given
        return "right" if self.numeric(column) else "left"

    @property
    def body(self) -> tuple[TableRow, ...]:
        return tuple(r for r in self.rows if not r.header)

    @property
    def text(self) -> str:
        return plain(self.caption) + "".join(r.text for r in self.rows)


# A number as statistical tables print them: 12  12.5  -3  +4.1%  1,234  １２  12.5万 (a unit of
# one or two characters after it); "—", "-" and "…" stand for no value.
_NUMBER = re.compile(r"^[-+−±]?[0-9０-９][0-9０-９,，.．]*[%‰％]?[万亿千百个元户人亩倍]{0,2}$")
_NOT_GIVEN = {"—", "-", "－", "…", "——", "/", "／"}


Block = Paragraph | Heading | Salutation | Signature | Note | ListItem | Figure | Table


@dataclass(frozen=True)
class Footnote:
    """A note's definition (`[^label]: text`): printed at the foot of the column or page where it
    is referenced (print), or as a footnote aside (EPUB). `number` as in `NoteRef`."""

    label: str
    number: int
    runs: tuple[Inline, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return plain(self.runs)


def note_refs(runs: tuple[Inline, ...]) -> tuple[NoteRef, ...]:
    return tuple(r for r in runs if isinstance(r, NoteRef))


def block_links(block: Block) -> tuple[tuple[int, int, Link], ...]:
    """The links in a block as (start, end, link): where the link's text lies in the block's
    `.text` (a table's text: caption, then the cells row by row)."""
    if isinstance(block, Table):
        groups = [block.caption, *(cell.runs for row in block.rows for cell in row.cells)]
    elif isinstance(block, Figure):
        groups = [block.caption]
    else:
        groups = [getattr(block, "runs", ())]
    out: list[tuple[int, int, Link]] = []
    pos = 0
    if isinstance(block, ListItem):
        pos = len(block.label)  # the item's text starts with its label
    for runs in groups:
        for r in runs:
            if isinstance(r, Link):
                out.append((pos, pos + len(r.text), r))
            pos += len(r.text)
    return tuple(out)


def block_note_refs(block: Block) -> tuple[NoteRef, ...]:
    """The note references in a block, in reading order (a table's: caption, then row by row)."""
    if isinstance(block, Table):
        out = note_refs(block.caption)
        for row in block.rows:
            for cell in row.cells:
                out += note_refs(cell.runs)
        return out
    if isinstance(block, Figure):
        return note_refs(block.caption)
    runs = getattr(block, "runs", ())
    return note_refs(runs)


# ── articles, sections, issue ──────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Byline:
    """One byline entry as printed after `●`: the unit (may be empty) and the name(s)."""

    unit: str = ""
    name: str = ""

    @property
    def text(self) -> str:
        return f"{self.unit} {self.name}".strip()


@dataclass(frozen=True)
class Article:
    """One article: its title block and its body blocks, in order."""

    slug: str
    title: tuple[str, ...]
    blocks: tuple[Block, ...]
    subtitle: str = ""
    bylines: tuple[Byline, ...] = ()
    kind: str = ""
    source: Path | None = None
    notes: tuple[Footnote, ...] = ()  # in number order

    @property
    def title_text(self) -> str:
        """The title as one string (printed lines joined without separator)."""
        return "".join(self.title)


@dataclass(frozen=True)
class Section:
    """A section (栏目) with its articles in print order."""

    title: str
    articles: tuple[Article, ...]


# ── the print edition's own pages (issue.toml [covers], [masthead], [[inserts]]) ─────────────────
@dataclass(frozen=True)
class Covers:
    """The four cover pages, each a picture or a one-page PDF covering the page and its bleed:
    封一 `front`, 封二 `inside_front`, 封三 `inside_back`, 封四 `back` (None: left white), the
    optional `spine` picture and the spine's width (mm; 0 for saddle stitch)."""

    front: Path | None = None
    inside_front: Path | None = None
    inside_back: Path | None = None
    back: Path | None = None
    spine: Path | None = None
    spine_mm: float = 0.0


@dataclass(frozen=True)
class Masthead:
    """The masthead (版权页): labelled entries in print order, e.g. ("主办", "巴彦淖尔市人大常委会")."""

    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Insert:
    """A full-page picture (an advertisement, a photo page) in the inner pages: at folio `folio`,
    or directly after the article `after` (a slug). It takes a folio but carries no header."""

    picture: Path
    folio: int | None = None
    after: str = ""
    line: int | None = None  # its [[inserts]] table's line in issue.toml, for messages


@dataclass(frozen=True)
class Issue:
    """A whole issue: magazine metadata, issue metadata and the ordered sections."""

    magazine: str
    label: str
    date: _dt.date
    sections: tuple[Section, ...]
    language: str = "zh-CN"
    first_folio: int = 1
    layout: str = "magazine-16k"
    publisher: str = ""
    issn: str = ""
    root: Path | None = None
    # Role → ordered font candidates, overriding fonts/default.toml (issue.toml `[fonts]`).
    fonts: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    # `[fonts] strict = true`: a role set from a font other than the one asked for is an error.
    strict_fonts: bool = False
    # `[proof] ignore = [...]`: proofreading codes (publish.proof.codes) not reported for this issue.
    proof_ignore: tuple[str, ...] = ()
    covers: Covers | None = None
    masthead: Masthead | None = None
    inserts: tuple[Insert, ...] = ()
    # The magazine's name in output file names (issue.toml `[magazine] slug`, e.g. "bayannaoer-renda").
    magazine_slug: str = ""

    @property
    def articles(self) -> tuple[Article, ...]:
        """All articles in print order."""
        return tuple(a for s in self.sections for a in s.articles)

    @property
    def slug(self) -> str:
        """The output files' name, unique per issue: the magazine's slug, then the label's ASCII
        letters and digits (`2025年第1期` → `2025-1`) or, when it has none, the date.

        The magazine part is `magazine_slug`, else the title's ASCII letters and digits, else
        `issue`: `bayannaoer-renda-2025-1`, `issue-2025-01-20`.

        >>> import datetime
        >>> Issue("巴彦淖尔人大", "2025年第1期", datetime.date(2025, 1, 20), (), magazine_slug="bayannaoer-renda").slug
        'bayannaoer-renda-2025-1'
        >>> Issue("巴彦淖尔人大", "增刊", datetime.date(2025, 1, 20), ()).slug
        'issue-2025-01-20'
        """
        magazine = self.magazine_slug or _ascii_words(self.magazine) or "issue"
        return f"{magazine}-{_ascii_words(self.label) or self.date.isoformat()}"


def _ascii_words(text: str) -> str:
    """The runs of ASCII letters and digits in `text`, lowercased, joined by `-`."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


# ── hand-over from pagination to the EPUB edition ──────────────────────────────────────────────
@dataclass(frozen=True)
class PageStart:
    """Where printed page `folio` begins inside article `article` (a slug).

    `block` indexes `Article.blocks`; -1 means the page begins with the article's title block.
    `offset` is the character offset into that block's `.text` where the page's first line starts.
    """

    folio: int
    article: str
    block: int
    offset: int

    @property
    def label(self) -> str:
        return str(self.folio)


def heading_depths(article: Article) -> dict[int, int]:
    """Block index → outline depth (2…6) of each of the article's headings, the title being 1.

    Both editions use it so that no document skips a heading level (WCAG 2.1 technique G141;
    PDF/UA-1 §7.4.2 for numbered headings): the source levels used are ranked (an article whose
    only headings are `（一）` puts them at depth 2), and a heading never goes more than one level
    below the one before it. Without a title the first heading is at depth 1.
    """
    headings = [(i, b.level) for i, b in enumerate(article.blocks) if isinstance(b, Heading)]
    rank = {level: n for n, level in enumerate(sorted({lv for _, lv in headings}))}
    top = 1 if article.title else 0
    out: dict[int, int] = {}
    previous = top
    for i, level in headings:
        depth = min(top + 1 + rank[level], previous + 1, 6)
        out[i] = depth
        previous = depth
    return out

