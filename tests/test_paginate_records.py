"""Pagination makes its most numerous records — each line's `SetLine` and `Row`, each placed
line's `TextLine` — and the composer each composed `Line` without the frozen dataclasses'
`__init__`: those records are the very ones the dataclasses make (equal, hashing and printing the
same, every field set, in field order), so a field added to a dataclass and not to its fast maker
fails here."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from publish.paginate.flow import Row
from publish.paginate.materialize import _text_line
from publish.paginate.pages import PlacedRun, TextLine
from publish.paginate.setting import SetLine, _line_row, _row_copy, _set_line


def _same(made, expected) -> None:
    assert type(made) is type(expected)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert list(made.__dict__) == [f.name for f in dataclasses.fields(expected)]
    assert made.__dict__ == expected.__dict__


numbers = st.floats(-1e4, 1e4, allow_nan=False)


@given(st.text(max_size=5), st.sampled_from(["body", "heading", "note"]), st.integers(-2, 99),
       st.integers(0, 9999), numbers, numbers, st.integers(1, 9), st.booleans())
def test_a_set_line_and_its_row_are_the_dataclasses_own(line, kind, block, offset, slots, measure, height,
                                                        breakable):
    item = _set_line(line, "style", kind, block, offset, slots, measure)
    expected = SetLine(line, "style", kind, block, offset, 0.0, slots, measure)
    _same(item, expected)
    _same(_line_row(height, breakable, item), Row(height, breakable, False, (expected,)))


class _Line:
    def __init__(self, text: str) -> None:
        self.glyphs = PlacedRun(tuple(text), tuple(float(k) for k in range(len(text))),
                                (10.5,) * len(text), ("body",) * len(text))


@given(st.text(min_size=1, max_size=6), numbers, numbers, st.sampled_from([9.0, 10.5]),
       st.sampled_from(["body", "footnote", "noteref"]), st.text(max_size=3), st.integers(0, 3),
       st.integers(-2, 50), st.integers(0, 500), st.booleans(), st.integers(0, 9))
def test_a_placed_line_is_the_dataclass_own(text, x, y, size, kind, article, column, block, offset, repeat, note):
    line = _Line(text)
    made = _text_line(line, x, y, size, kind, article, column, block, offset, repeat, note=note)
    _same(made, TextLine(x, y, size, line.glyphs, kind, article, column, block, "", offset, repeat, note))
    assert dataclasses.replace(made, x=x + 1) == TextLine(x + 1, y, size, line.glyphs, kind, article, column,
                                                          block, "", offset, repeat, note)


@given(numbers, numbers, numbers, st.booleans(), numbers, st.sampled_from(["justify", "left", "center"]),
       st.booleans())
def test_a_composed_line_is_the_dataclass_own(natural, width, ratio, last, indent, align, hung):
    from publish.cjk.style import GlyphRun, Line, make_line

    glyphs = GlyphRun(("人", "。"), (0.0, 10.5), (10.5, 5.25), ("body", "body"), (0.0, 0.0))
    _same(make_line(glyphs, natural, width, ratio, last, indent, align, hung),
          Line(glyphs, natural, width, ratio, last, indent, align, hung))


@given(st.integers(0, 9), st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_an_articles_row_handed_on_is_the_dataclass_own(height, breakable, space, span, repeats, banded):
    header = Row(1, False, False, ("header",))
    row = Row(height, not breakable, space, ("payload",), span, header if repeats else None, ("rule",) if span else None,
              (header,) if banded else None)
    _same(_row_copy(row, breakable),
          Row(row.height, breakable, row.space, row.payload, row.span, row.repeat, row.closing))
