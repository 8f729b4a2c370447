"""The layout spec: a page design read from `layouts/NAME.toml`, in points.

In: nothing (plain frozen dataclasses; `publish.layout.load` builds them). Out: `Layout`, with the
derived geometry pagination needs — column x positions on left/right pages, the baseline of each
line slot of the grid — so that pagination never converts units itself.

Coordinates follow `publish.paginate.pages`: pt from the trim box's bottom-left corner, y upwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4

# The composer's Style fields a layout may set (docs/architecture.md, "Contracts": composer).
STYLE_KEYS = (
    "prohibition",
    "punctuation",
    "compress_periods",
    "han_latin_space",
    "indent_em",
    "hanging",
    "trim_opening_at_line_start",
    "adjacent_compression",
)

# Elements every layout styles; pagination looks them up by these names.
ELEMENTS = (
    "title",
    "subtitle",
    "byline",
    "heading1",
    "heading2",
    "paragraph",
    "listitem",
    "salutation",
    "signature",
    "note",
    "caption",
    "header",
    "folio",
    "contents_title",
    "contents_section",
    "contents_entry",
    "contents_byline",
)

# Elements set in the body size: a style that gives no `size` (or `leading`) takes [body]'s. The
# first four are the body text itself; `publish check` warns when one of them is given another size.
FOLLOWS_BODY = ("paragraph", "listitem", "salutation", "signature", "heading1", "heading2", "note")
BODY_TEXT = ("paragraph", "listitem", "salutation", "signature")


# [flow] section_start: where a section's first article opens — under the previous article when it
# fits (like any article), on a new page, or on a new right-hand (odd) page.
SECTION_STARTS = ("same-page", "new-page", "right-page")

# [makeup] filler: what fills the inner pages up to a multiple of `page_multiple` — white pages,
# ruled notes pages (笔记), or the house advertisements (pictures in its `fillers/` folder).
FILLERS = ("blank", "notes", "ads")
# [makeup] masthead: where the masthead (版权页) goes — on the inside front cover (封二, in the
# cover file), on the last inner page, or nowhere.
MASTHEAD_PLACES = ("inside-front", "last-page", "none")
# Elements a layout may style; when it does not, they are derived from another element's style
# (element it copies, size factor, align, indent): tables in a smaller body size with their header
# row and caption in the heading face, notes in the body face at the note size.
OPTIONAL_ELEMENTS: dict[str, tuple[str, float, str, float]] = {
    "table": ("paragraph", 0.9, "left", 0.0),
    "table_header": ("heading1", 0.9, "center", 0.0),
    "table_caption": ("heading1", 0.9, "center", 0.0),
    "footnote": ("paragraph", 0.8, "justify", 0.0),
}
TABLE_RULES = ("three-line", "full")  # 三线表 (top, under the header, bottom) or every cell ruled
NOTE_MARKS = ("circled", "arabic")  # ①②③ or 1 2 3


@dataclass(frozen=True)
class ElementStyle:
    """How one element is set: font role, size and leading (pt), alignment, first-line indent
    (em), and space before/after in grid lines."""

    role: str
    size: float
    leading: float
    align: str = "justify"
    indent_em: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0


@dataclass(frozen=True)
class HeaderFormat:
    """The running header of one page side: the text at the inner and outer edges. Placeholders:
    `{section}`, `{magazine}`, `{folio}`, `{label}`."""

    inner: str
    outer: str


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    trim_width: float
    trim_height: float
    bleed: float
    margin_inner: float
    margin_outer: float
    margin_top: float
    margin_bottom: float
    columns: int
    chars: int
    lines: int
    gutter: float
    body_size: float
    leading: float
    typography: tuple[tuple[str, object], ...]
    article_start: str  # "new-page" | "same-page"
    min_lines_after_title: int
    balance_columns: bool
    keep_heading_with: int
    header_on_article_start: bool
    header_on_contents: bool
    header_baseline: float  # pt below the top trim edge
    header_rule: float
    header_rule_gap: float
    header_right: HeaderFormat
    header_left: HeaderFormat
    contents_title: str
    contents_folio_format: str
    contents_columns: int
    figure_max_lines: int
    figure_span_aspect: float
    styles: dict[str, ElementStyle] = field(default_factory=dict)
    output_intent: str = ""
    output_condition: str = ""
    section_start: str = "new-page"  # one of SECTION_STARTS
    # A page that would end with more than this share of its lines empty is offered to the next
    # article, which may then open there with `min_lines_offered` lines (0: no offer).
    fill_page_share: float = 0.0
    min_lines_offered: int = 3
    page_multiple: int = 1  # the inner pages (contents and body) are filled up to a multiple of this
    filler: str = "blank"  # one of FILLERS
    masthead: str = "last-page"  # one of MASTHEAD_PLACES
    table_rules: str = "three-line"  # [table] rules: TABLE_RULES
    note_marks: str = "circled"  # [notes] marks: NOTE_MARKS

    # ── derived geometry ────────────────────────────────────────────────────────────────────
    @property
    def measure(self) -> float:
        """Width of one column: `chars` ems of body type."""
        return self.chars * self.body_size

    @property
    def block_width(self) -> float:
        """Width of the text block: the columns and the gutters between them."""
        return self.columns * self.measure + (self.columns - 1) * self.gutter

    @property
    def text_width(self) -> float:
        return self.trim_width - self.margin_inner - self.margin_outer

    def block_left(self, side: str) -> float:
        """x of the text block's left edge on a `side` ("left" = even folio, "right" = odd) page.
        The inner margin is at the spine: left of a right page, right of a left page."""
        left_margin = self.margin_inner if side == "right" else self.margin_outer
        return left_margin + (self.text_width - self.block_width) / 2

    def column_x(self, column: int, side: str) -> float:
        return self.block_left(side) + column * (self.measure + self.gutter)

    @property
    def block_top(self) -> float:
        """y of the top edge of the first line slot."""
        return self.trim_height - self.margin_top

    def slot_top(self, slot: float) -> float:
        return self.block_top - slot * self.leading

    def baseline(self, slot: float, size: float, height_slots: float = 1.0) -> float:
        """Baseline of type of `size` centred vertically in `height_slots` slots from `slot`.
        The ideographic em box is centred; its baseline sits 0.88 em below its top (the CJK
        fonts' ascender, as in Noto CJK and Source Han)."""
        top = self.slot_top(slot)
        box = height_slots * self.leading
        return top - (box - size) / 2 - 0.88 * size

    def style(self, element: str) -> ElementStyle:
        return self.styles[element]

    def typography_for(self, element: str) -> dict[str, object]:
        """The composer Style keyword arguments for an element: the layout's typography switches
        with the element's alignment and indent."""
        st = self.styles[element]
        kw = dict(self.typography)
        kw["align"] = st.align
        kw["indent_em"] = st.indent_em
        return kw


def figure_spans(layout: Layout, px_width: int, px_height: int, wide: bool = False) -> bool:
    """Whether a figure is set across all columns: a layout with several columns spans a picture
    marked `{.wide}` (`wide`), and with `[figure] span_aspect` those at least that many times
    wider than tall."""
    if layout.columns <= 1:
        return False
    return wide or (layout.figure_span_aspect > 0 and px_width >= layout.figure_span_aspect * max(px_height, 1))


def figure_size(layout: Layout, px_width: int, px_height: int, wide: bool = False) -> tuple[float, float, int]:
    """Where a figure of `px_width` × `px_height` pixels goes: (width pt, height pt, grid lines).

    A figure takes the column's width (the text block's width when it spans, see `figure_spans`),
    unless that would make it taller than the layout's `[figure] max_height_lines`, in which case it
    is scaled down to that height. Its height is rounded up to whole grid lines so the body text
    after it stays on the grid.
    """
    width = layout.block_width if figure_spans(layout, px_width, px_height, wide) else layout.measure
    height = width * px_height / max(px_width, 1)
    max_h = layout.figure_max_lines * layout.leading - layout.leading * 0.5
    if height > max_h:
        width *= max_h / height
        height = max_h
    slots = max(1, -int(-(height + layout.leading * 0.5) // layout.leading))
    return width, height, slots
