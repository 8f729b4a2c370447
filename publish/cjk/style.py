"""Style switches of the composer, the input runs and the output lines.

In: what a layout chooses (`Style`), the text (`Run`s, each with a face key). Out: `Line`s of
`Glyph`s — the composer's whole contract with the paginator (docs/architecture.md, "Contracts": composer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

from publish.cjk.classes import LEVELS
from publish.columns import Columns, columns

PUNCTUATION_STYLES = ("quanjiao", "kaiming")
ALIGNS = ("justify", "left", "center", "right")


@dataclass(frozen=True)
class Style:
    """How a paragraph is set. Defaults follow clreq's recommendations for mainland body text.

    - `prohibition`: line-start/line-end rules, clreq §prohibition_rules_for_line_start_end
      ("none", "basic", "gb", "strict").
    - `punctuation`: "quanjiao" (全角式: every mark full width, compressed where needed) or
      "kaiming" (开明式: only 。！？ full width, other marks half width); clreq §punctuation_width_adjustment.
    - `compress_periods`: may justification reduce 。！？ (last step of clreq's reduction order)?
    - `han_latin_space`: ¼ em (+¼, −⅛) between Han and Western letters/digits, clreq
      §mixed_text_composition_in_horizontal_writing_mode.
    - `indent_em`: first-line indent in em of the paragraph's first run (clreq §first_line_indents).
    - `hanging`: hang one line-end pause/stop mark outside the measure (clreq
      §hanging_punctuation_marks_at_line_end; off: "most Chinese publications do not").
    - `trim_opening_at_line_start`: an opening mark starting a line loses its leading half em.
    - `adjacent_compression`: width in em of two adjacent full-width marks (1.5, or 1.0 by style).
    - `align`: "justify" (body), or "left"/"center"/"right" (headings, signatures): lines at natural width.
    """

    prohibition: str = "strict"
    punctuation: str = "quanjiao"
    compress_periods: bool = True
    han_latin_space: bool = True
    indent_em: float = 2.0
    hanging: bool = False
    trim_opening_at_line_start: bool = True
    adjacent_compression: float = 1.5
    align: str = "justify"

    def __post_init__(self) -> None:
        if self.prohibition not in LEVELS:
            raise ValueError(f"prohibition must be one of {LEVELS}, not {self.prohibition!r}")
        if self.punctuation not in PUNCTUATION_STYLES:
            raise ValueError(f"punctuation must be one of {PUNCTUATION_STYLES}, not {self.punctuation!r}")
        if self.align not in ALIGNS:
            raise ValueError(f"align must be one of {ALIGNS}, not {self.align!r}")
        if not 1.0 <= self.adjacent_compression <= 2.0:
            raise ValueError(f"adjacent_compression must be between 1.0 and 2.0 em, not {self.adjacent_compression}")
        if self.indent_em < 0:
            raise ValueError(f"indent_em must not be negative, not {self.indent_em}")


@dataclass(frozen=True)
class Run:
    """A piece of text set in one face: `face` is a face key the metrics understand — a role's first
    face is keyed by the role's name ("body"), its fallbacks by "body~1", "body~2", …"""

    text: str
    face: str


class Glyph(NamedTuple):
    """One placed character. A NamedTuple (immutable, like the frozen dataclasses elsewhere) because
    the composer makes one per character of the issue and tuple construction is several times cheaper.

    - `x`: pen position (where the glyph is drawn) in pt from the column's left edge; the first
      line's indent is included.
    - `width`: the advance as set, in pt (a mark compressed to half width has 0.5 em; a word space
      at a line end has 0).
    - `offset`: how far right of `x` the set box starts: a mark whose leading space was removed is
      drawn `offset` to the left of its box. The set box is `[x + offset, x + offset + width]`.
    """

    char: str
    x: float
    width: float
    face: str  # face key, as in `Run.face`
    offset: float = 0.0


_new = tuple.__new__


class GlyphRun(Columns):
    """The glyphs of one composed line, held column-wise (see `publish.columns`): what the composer
    puts in `Line.glyphs`. Indexing or iterating gives `Glyph`s; it equals the tuple of them."""

    __slots__ = ("chars", "faces", "offsets", "widths", "xs")
    FIELDS = ("chars", "xs", "widths", "faces", "offsets")

    def __init__(self, chars: tuple[str, ...], xs: tuple[float, ...], widths: tuple[float, ...],
                 faces: tuple[str, ...], offsets: tuple[float, ...]) -> None:
        self.chars, self.xs, self.widths, self.faces, self.offsets = chars, xs, widths, faces, offsets

    def _make(self, values: tuple) -> Glyph:
        return _new(Glyph, values)

    def __iter__(self):
        return map(_new, repeat(Glyph, len(self.chars)),
                   zip(self.chars, self.xs, self.widths, self.faces, self.offsets, strict=True))


@dataclass(frozen=True)
class Line:
    """One composed line.

    - `natural`: width in pt at natural spacing (indent included, line-end/-start trims and
      adjacent-mark compression applied), before justification.
    - `width`: width as set, indent included: equals the measure for every non-last justified line.
    - `ratio`: adjustment ratio. Expansion: (measure − natural) / (capacity of word spaces and
      Han–Western spaces up to ½ em + 0.1 em per expandable gap), so ratio > 1 means gaps between
      Han characters are opened by more than 0.1 em. Reduction: −(natural − measure) / (all
      reducible space), in [−1, 0). 0 for lines set at natural width.
    - `last`: the paragraph's last line (set at natural width when justifying).
    - `indent`: the first-line indent in pt (0 on other lines).
    - `align`: the alignment the line was set with; `hung`: a mark hangs past the measure.
    """

    glyphs: Sequence[Glyph]  # a GlyphRun from the composer; any sequence of Glyphs is accepted
    natural: float
    width: float
    ratio: float
    last: bool
    indent: float = 0.0
    align: str = "justify"
    hung: bool = False

    @property
    def text(self) -> str:
        return "".join(columns(self.glyphs, "chars")[0])


_new_object = object.__new__


def make_line(glyphs: Sequence[Glyph], natural: float, width: float, ratio: float, last: bool, indent: float,
              align: str, hung: bool) -> Line:
    """`Line(glyphs, natural, width, ratio, last, indent, align, hung)`, made without the frozen
    dataclass's `__init__` (one `object.__setattr__` per field: ~1 µs of the composer's time per
    line, some 3,800 lines an issue): the same instance, every field set in field order
    (tests/test_paginate_records.py holds it to the dataclass's own)."""
    made = _new_object(Line)
    made.__dict__.update({"glyphs": glyphs, "natural": natural, "width": width, "ratio": ratio, "last": last,
                          "indent": indent, "align": align, "hung": hung})
    return made
