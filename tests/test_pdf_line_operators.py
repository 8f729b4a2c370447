"""The text operators of a line (`publish.pdf.text.line_operators`): a line whose glyphs are all
known to the encoder, in one face and one font, is written by a shorter loop of its own
(`_one_font_line`). It must write exactly what the general loop writes — the TJ numbers come from
the pen arithmetic, so any difference in order or rounding would change the PDF's bytes."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from publish.paginate.pages import PlacedRun, TextLine
from publish.pdf import text
from publish.pdf.text import GlyphEncoder, _Encoded, line_operators

# Glyph advances in 1/1000 em, as a font's /W array would give them.
WIDTHS = {"z": 0.0, "人": 1000.0, "，": 1000.0, "a": 500.0, "b": 556.0, "。": 1000.0, "i": 278.0}


class Encoder(GlyphEncoder):
    """One font per face, or — `split` — two fonts (subsets) in one face, as a TrueType face's
    256-glyph subsets are: then a line's glyphs may change font within one face (and "i" is in
    two parts, two subsets)."""

    def __init__(self, split: bool = False) -> None:
        super().__init__(None, lambda face: face, str)
        self.split = split
        self.order: list[tuple[str, str]] = []  # (face, character) as first encoded

    def _encode(self, char: str, font):
        self.order.append((font, char))
        # one name object per font, as a ReportLab document's internal font names are
        name = sys.intern(f"/F{font}" + ("+1" if self.split and char in "ab" else ""))
        if self.split and char == "i":  # a glyph in two parts (two subsets): drawn by the general loop
            return (_Encoded(name, "<00>", WIDTHS[char]), _Encoded(sys.intern(name + "+2"), "<01>", 0.0))
        return (_Encoded(name, f"<{ord(char):04X}>", WIDTHS[char]),)


# A glyph's x: where the pen lands after the glyph before (set by the composer at natural
# spacing), or moved from there by a little (below, at and above the 0.0005 em that is left
# unwritten, amounts that round to 0 in the PDF, and real spaces).
NUDGES = st.sampled_from([0.0, 0.0, 0.0, 1e-7, -1e-7, 4.9e-6, 5e-6, 5.1e-6, -5e-6, 1.4e-5, 0.003, -0.02, 0.5])


@st.composite
def lines(draw):
    size = draw(st.sampled_from([9.0, 10.5, 11.0, 16.0]))
    chars = draw(st.lists(st.sampled_from(sorted(WIDTHS)), min_size=1, max_size=30))
    x = draw(st.sampled_from([0.0, 12.5, 113.385]))
    xs = []
    for ch in chars:
        xs.append(x)
        x += WIDTHS[ch] * size / 1000.0 + draw(NUDGES) * size
    faces = ["body"] * len(chars)
    if draw(st.booleans()) and len(chars) > 1:  # now and then a second face for some glyphs
        k = draw(st.integers(1, len(chars) - 1))
        faces[k:] = ["body~1"] * (len(chars) - k)
    run = PlacedRun(tuple(chars), tuple(xs), tuple(WIDTHS[c] * size / 1000 for c in chars), tuple(faces))
    return TextLine(draw(st.sampled_from([0.0, 56.7])), 700.25, size, run)


def _general(line, encoder):
    """What the general loop alone writes (the shorter loop switched off)."""
    real = text._one_font_line
    text._one_font_line = lambda *args: None
    try:
        return line_operators(line, encoder)
    finally:
        text._one_font_line = real


@settings(max_examples=400, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=4), st.booleans())
def test_lines_are_written_and_their_glyphs_encoded_as_the_general_loop_does(some, split):
    reference, encoder = Encoder(split), Encoder(split)
    taken = []
    real = text._one_font_line

    def spy(*args):
        taken.append(real(*args))
        return taken[-1]

    for line in some:
        expected = _general(line, reference)
        taken.clear()
        text._one_font_line = spy
        try:
            got = line_operators(line, encoder)
        finally:
            text._one_font_line = real
        assert got == expected
        # the glyphs met for the first time were encoded in the same order (a subset numbers its
        # glyphs in that order)
        assert encoder.order == reference.order
        chars = set(line.glyphs.chars)
        one_face = len(set(line.glyphs.faces)) == 1
        one_font = one_face and not (split and ((chars & set("ab") and chars - set("ab")) or "i" in chars))
        # the shorter loop took exactly the one-font lines of one face (and gave up on the others)
        assert bool(taken) == one_face
        if taken:
            assert (taken[0] is not None) == one_font


def test_the_shorter_loop_writes_the_gaps_the_composer_left():
    encoder = Encoder()
    run = PlacedRun(("人", "，", "人", "a"), (0.0, 10.0, 25.0, 35.0), (10.0, 10.0, 10.0, 5.0), ("body",) * 4)
    line = TextLine(0.0, 0.0, 10.0, run)
    assert line_operators(line, encoder) == _general(line, Encoder())
    assert line_operators(line, encoder).split("\n") == [
        "BT", "1 0 0 1 0 0 Tm", "/Fbody 10 Tf", "[(<4EBA><FF0C>) -500 (<4EBA><0061>)] TJ", "ET"]


def test_a_glyph_exactly_half_a_thousandth_of_an_em_away_is_moved_by_both_loops():
    # 0.0005 em is the first amount that is written; a zero-width glyph first and a 1000 pt size
    # (text space = x) make the gap exactly that number, on either side
    for x in (0.0005, -0.0005):
        encoder = Encoder()
        run = PlacedRun(("z", "人"), (0.0, x), (0.0, 1000.0), ("body", "body"))
        line = TextLine(0.0, 0.0, 1000.0, run)
        general = _general(line, Encoder())
        assert "[(<007A>) " in general  # the gap is written (as ±0.001, rounded to 3 decimals)
        assert line_operators(line, encoder) == general


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
                | st.sampled_from([0.0, -0.0, 0.0004, -0.0004, 0.0005, -0.0005, 12.3455, 1e-9]),
                min_size=1, max_size=60))
def test_a_remembered_head_number_is_the_number_num_writes(values):
    # a line's x, y and size are formatted once each (`head_num`) and remembered: the very text
    # `num` writes, whatever value came first (0.0 and -0.0 are one key and write "0" both)
    for v in [*values, *reversed(values)]:
        assert text.head_num(v) == text.num(v)


def test_the_remembered_head_numbers_stay_bounded(monkeypatch):
    monkeypatch.setattr(text, "_HEAD_NUMS_MAX", 8)
    monkeypatch.setattr(text, "_head_nums", {})
    for k in range(100):
        assert text.head_num(k + 0.5) == text.num(k + 0.5)
        assert len(text._head_nums) <= 8
