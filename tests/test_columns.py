"""Column-wise glyph stores behave exactly like tuples of glyph records (publish.columns)."""

from __future__ import annotations

from publish.cjk import Glyph, Run, Style, compose
from publish.cjk.metrics import FixedMetrics
from publish.cjk.style import GlyphRun, Line
from publish.paginate.pages import PlacedGlyph, PlacedRun, TextLine

RUN = GlyphRun(("人", "，", "a"), (0.0, 10.0, 15.0), (10.0, 5.0, 5.0), ("body", "body", "body~1"), (0.0, 0.0, 0.0))
AS_TUPLE = (
    Glyph("人", 0.0, 10.0, "body", 0.0),
    Glyph("，", 10.0, 5.0, "body", 0.0),
    Glyph("a", 15.0, 5.0, "body~1", 0.0),
)


def test_a_glyph_run_reads_as_the_tuple_of_its_glyphs():
    assert len(RUN) == 3
    assert RUN[1] == AS_TUPLE[1] and RUN[-1].face == "body~1"
    assert tuple(RUN) == AS_TUPLE
    assert RUN[1:] == AS_TUPLE[1:]
    assert list(reversed(RUN)) == list(reversed(AS_TUPLE))
    assert AS_TUPLE[0] in RUN


def test_a_glyph_run_equals_and_hashes_like_the_tuple():
    assert RUN == AS_TUPLE and AS_TUPLE == RUN
    assert hash(RUN) == hash(AS_TUPLE)
    assert RUN != AS_TUPLE[:2]
    assert Line(RUN, 20.0, 20.0, 0.0, True) == Line(AS_TUPLE, 20.0, 20.0, 0.0, True)
    assert Line(RUN, 20.0, 20.0, 0.0, True).text == "人，a"


def test_the_composer_returns_glyph_runs_whose_characters_are_the_input():
    text = "人大常委会审议通过了《条例》，自2025年1月1日起施行。" * 3
    lines = compose([Run(text, "body")], 120.0, FixedMetrics(10.0), Style())
    assert all(isinstance(ln.glyphs, GlyphRun) for ln in lines)
    assert "".join(ln.text for ln in lines) == text
    assert "".join(g.char for ln in lines for g in ln.glyphs) == text
    for ln in lines:
        assert [g.x for g in ln.glyphs] == list(ln.glyphs.xs)


def test_a_placed_run_reads_as_placed_glyphs_and_draws_like_them():
    from publish.pdf.text import GlyphEncoder, _Encoded, line_operators

    placed = PlacedRun(RUN.chars, RUN.xs, RUN.widths, RUN.faces)
    as_tuple = tuple(PlacedGlyph(g.char, g.x, g.width, g.face) for g in AS_TUPLE)
    assert placed == as_tuple and hash(placed) == hash(as_tuple)
    assert TextLine(1.0, 2.0, 10.0, placed).text == "人，a"

    class Encoder(GlyphEncoder):  # one font per face; every glyph 1000 units wide except "a" (500)
        def __init__(self) -> None:
            super().__init__(None, lambda face: face, str)

        def _encode(self, char: str, font):
            return (_Encoded("/F" + font[-1], char, 500.0 if char == "a" else 1000.0),)

    a = line_operators(TextLine(1.0, 2.0, 10.0, placed), Encoder())
    b = line_operators(TextLine(1.0, 2.0, 10.0, as_tuple), Encoder())
    assert a == b
    # "，" sits where the pen lands after 人; "a" (another face) is set 500 units back, since the
    # encoder's "，" is a full em wide but the composer placed "a" after a half-width mark
    assert a.split("\n") == ["BT", "1 0 0 1 1 2 Tm", "/Fy 10 Tf", "(人，) Tj", "/F1 10 Tf", "[500 (a)] TJ", "ET"]
