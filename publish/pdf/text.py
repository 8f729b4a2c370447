"""Glyph placements → PDF text operators: one text object per line, every glyph where pagination put it.

In: a `TextLine` (glyphs with x positions from the composer, compressed or stretched), the ReportLab
document the fonts register with, and a function giving the ReportLab font for a face key.
Out: a string of content-stream operators `BT … ET` that shows the line's characters *in order* as
real text (so the PDF is searchable and the text layer reads back exactly), each glyph at its x.

Why TJ arrays and not one `Tm` per glyph: a single `[(a) -120 (b) …] TJ` keeps the characters of a
line in one string for extractors and is a third of the size. The numbers between glyphs are the
difference between where the pen lands after a glyph (its width in the font's /W array) and where
the composer placed the next glyph, in thousandths of the font size (PDF 32000-1 §9.4.3, TJ). The pen
position is tracked with the rounded numbers actually written, so rounding never accumulates along
a line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from publish.columns import columns
from publish.errors import BuildError, Problem
from publish.paginate.pages import TextLine

# Adjustments smaller than this (thousandths of an em) are not written: 0.0005 em is far below what
# any device can print, and leaving them out keeps plain runs as plain strings.
_EPSILON = 0.0005


def num(value: float) -> str:
    """A PDF number with at most 3 decimals and no trailing zeros (deterministic, compact)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# `num` of the numbers every line's head repeats — its x (a column's left edge), its y (a grid
# line) and its font size: an issue's ~3,900 lines have ~330 distinct ones, so each is formatted
# once (a dict lookup instead of formatting and two strips: ~1 ms a build). Equal floats give equal
# text, so the memo changes no byte. Emptied when it grows past `_HEAD_NUMS_MAX` (a long-lived
# process drawing many issues keeps no more than that).
_head_nums: dict[float, str] = {}
_HEAD_NUMS_MAX = 4096


def head_num(value: float) -> str:
    """`num(value)`, remembered (for values that repeat: a line's position and size)."""
    text = _head_nums.get(value)
    if text is None:
        if len(_head_nums) >= _HEAD_NUMS_MAX:
            _head_nums.clear()
        text = _head_nums[value] = num(value)
    return text


class _Encoded:
    """One glyph (or the part of it in one font subset) as the PDF needs it."""

    __slots__ = ("font", "string", "width")

    def __init__(self, font: str, string: str, width: float) -> None:
        self.font = font  # internal font resource name, e.g. "/F1+0"
        # The glyph's bytes, already escaped for a PDF literal string. Escaped pieces concatenate
        # safely: ReportLab's escapePDF writes every octal escape with three digits.
        self.string = string
        self.width = width  # advance in text space units of 1/1000 em


class GlyphEncoder:
    """Encodes glyphs for one ReportLab document, the way ReportLab's own text object does
    (textobject._formatText), so any font that works with `canvas.drawString` works here: TrueType
    subsets (dynamic fonts) and multi-byte CID fonts (ReportLab's UnicodeCIDFont protocol, used for
    CID-keyed CFF). Results are cached per (face, character) — a magazine issue sets some 70,000
    glyphs from about 2,000 distinct ones — and the cache lives exactly as long as the document,
    because encoding is also how a font learns which characters its subset must contain."""

    def __init__(
        self, doc: Any, font_for_face: Callable[[str], Any], escape: Callable[[bytes | str], str]
    ) -> None:
        self.doc = doc
        self.font_for_face = font_for_face
        self.escape = escape
        self._cache: dict[tuple[str, str], tuple[_Encoded, ...]] = {}
        # per face: char → (font, string, width) of the glyphs encoded as one part (nearly all),
        # so the per-glyph hot loop is one lookup by character, without a key tuple or attributes
        self._single: dict[str, dict[str, tuple[str, str, float]]] = {}

    def encode(self, face: str, char: str) -> tuple[_Encoded, ...]:
        key = (face, char)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._encode(char, self.font_for_face(face))
            if len(hit) == 1:
                self.single(face)[char] = (hit[0].font, hit[0].string, hit[0].width)
        return hit

    def single(self, face: str) -> dict[str, tuple[str, str, float]]:
        """The one-part encodings of `face` found so far (filled by `encode`)."""
        table = self._single.get(face)
        if table is None:
            table = self._single[face] = {}
        return table

    def _encode(self, char: str, font: Any) -> tuple[_Encoded, ...]:
        doc = self.doc
        width = font.stringWidth(char, 1000.0)
        if getattr(font, "_dynamicFont", 0):
            parts = font.splitString(char, doc)
            # A glyph is one character; should a sequence span subsets, its width goes on the first part.
            return tuple(
                _Encoded(
                    font.getSubsetInternalName(subset, doc), self.escape(chunk), width if i == 0 else 0.0
                )
                for i, (subset, chunk) in enumerate(parts)
            )
        if getattr(font, "_multiByte", 0):
            return (_Encoded(doc.getInternalFontName(font.fontName), font.formatForPdf(char), width),)
        # A standard Type 1 font is never embedded: a print shop's preflight rejects it.
        raise BuildError(
            Problem(
                f"font {font.fontName!r} is a standard PDF font that would not be embedded",
                fix="map every font role to a TrueType or OpenType file (see `publish fonts`)",
            )
        )


def _one_font_line(encoder: GlyphEncoder, face: str, chars: Sequence[str], xs: Sequence[float], x0: float,
                   scale: float) -> tuple[str, str] | None:
    """(font, its `TJ`/`Tj` operator) of a line of one face whose glyphs are each encoded as one
    part, all in the first glyph's font (a subset); else None, and `line_operators`' general loop
    writes the line. The same operator, to the byte, as the general loop makes: the same pen
    arithmetic in the same order. Why a loop of its own: ~12 % less time for the lines it takes —
    nearly all (a C-level pass over the columns with `map`/`accumulate` was measured slower).
    Glyphs met for the first time are encoded first, in the order the general loop encodes them
    (which decides their codes in a subset), so that it takes the first lines of a PDF too."""
    get = encoder.single(face).get
    ones = list(map(get, chars))
    if None in ones:
        encode = encoder.encode
        for char, one in zip(chars, ones, strict=True):
            if one is None:
                encode(face, char)
        ones = list(map(get, chars))
        if None in ones:
            return None  # a glyph in several parts
    font = ones[0][0]  # type: ignore[index]  # (no None)
    array: list[str] = []
    pending: list[str] = []
    append_pending = pending.append
    pen = 0.0
    eps, neg = _EPSILON, -_EPSILON
    for (f, string, width), x in zip(ones, xs, strict=False):  # type: ignore[misc]  # (ones is made from the chars)
        gap = (x - x0) * scale - pen
        if f is font and neg < gap < eps:
            append_pending(string)
            pen += width
            continue
        if f != font:
            return None
        if gap >= eps or gap <= neg:
            written = num(-gap)
            if written != "0":
                if pending:
                    array.append("(" + "".join(pending) + ")")
                    pending.clear()
                array.append(written)
                pen -= float(written)
        append_pending(string)
        pen += width
    array.append("(" + "".join(pending) + ")")
    return font, "[" + " ".join(array) + "] TJ" if len(array) > 1 else array[0] + " Tj"


def line_operators(line: TextLine, encoder: GlyphEncoder) -> str:
    """The `BT … ET` text object drawing `line` (coordinates as given: the caller sets the CTM)."""
    glyphs = line.glyphs
    if not glyphs:
        return ""
    size = line.size
    if size <= 0:
        raise BuildError(
            Problem(f"text line {line.text[:20]!r} has font size {size} pt", fix="check the layout's sizes")
        )
    chars, xs, faces = columns(glyphs, "chars", "xs", "faces")  # pagination's: read directly
    x0 = xs[0]
    head = f"1 0 0 1 {head_num(line.x + x0)} {head_num(line.y)} Tm"
    size_text = head_num(size)
    face = faces[0]
    if faces.count(face) == len(faces):  # nearly every line: one face, one font (a shorter loop)
        one_font = _one_font_line(encoder, face, chars, xs, x0, 1000.0 / size)
        if one_font is not None:
            font, shown = one_font
            return "\n".join(("BT", head, f"{font} {size_text} Tf", shown, "ET"))
    out: list[str] = ["BT", head]
    array: list[str] = []  # the current TJ array's elements
    pending: list[str] = []  # escaped glyph strings waiting to become one PDF string
    append_pending = pending.append
    current_font = ""
    pen = 0.0  # pen position in 1/1000 em from the line's first glyph, as the viewer computes it
    scale = 1000.0 / size
    encode = encoder.encode
    table_face = None
    table: dict[str, tuple[str, str, float]] = {}

    for char, x, face in zip(chars, xs, faces, strict=True):
        if face != table_face:
            table = encoder.single(face)
            table_face = face
        one = table.get(char)
        if one is None:
            parts = [(part.font, part.string, part.width) for part in encode(face, char)]
        else:
            font, string, width = one
            gap = (x - x0) * scale - pen
            if font == current_font and -_EPSILON < gap < _EPSILON:
                # the common case: same font, the pen already where the glyph goes
                append_pending(string)
                pen += width
                continue
            parts = [one]
        target = (x - x0) * scale
        for font, string, width in parts:
            if font != current_font:
                if pending:
                    array.append("(" + "".join(pending) + ")")
                    pending.clear()
                if array:
                    out.append("[" + " ".join(array) + "] TJ" if len(array) > 1 else array[0] + " Tj")
                    array.clear()
                out.append(f"{font} {size_text} Tf")
                current_font = font
            gap = target - pen
            if gap >= _EPSILON or gap <= -_EPSILON:
                written = num(-gap)
                if written != "0":
                    if pending:
                        array.append("(" + "".join(pending) + ")")
                        pending.clear()
                    array.append(written)
                    pen -= float(written)
            append_pending(string)
            pen += width
            target = pen  # later parts of the same glyph follow on directly
    if pending:
        array.append("(" + "".join(pending) + ")")
    if array:
        out.append("[" + " ".join(array) + "] TJ" if len(array) > 1 else array[0] + " Tj")
    out.append("ET")
    return "\n".join(out)
