"""Column filling obeys the print edition's break rules: no widow or orphan lines, headings kept
with what follows, figures never split, and balanced columns are as short as the rules allow."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from publish.paginate.flow import Row, balance, fill, fit


def paragraph(n: int, tag: str = "p") -> list[Row]:
    # The rule Setter writes: a break before line k only if ≥ 2 lines stay on each side.
    return [Row(1, k == 0 or (k >= 2 and n - k >= 2), payload=(tag, k, n)) for k in range(n)]


def test_a_paragraph_that_fits_is_taken_whole():
    rows = paragraph(5)
    assert fit(rows, 0, 10, force=False) == (0, 5)


def test_no_orphan_the_first_line_never_ends_a_column():
    rows = paragraph(3, "a") + paragraph(6, "b")
    # Room for 4 lines: taking b's first line alone would orphan it; the column ends after a.
    assert fit(rows, 0, 4, force=False) == (0, 3)


def test_no_widow_the_last_line_never_opens_a_column():
    rows = paragraph(6)
    # Room for 5: a 5/1 split would leave the last line alone; 4/2 is taken instead.
    assert fit(rows, 0, 5, force=False) == (0, 4)


def test_two_and_three_line_paragraphs_are_never_split():
    for n in (2, 3):
        rows = paragraph(1, "x") + paragraph(n)
        _first, end = fit(rows, 0, n, force=False)
        assert end == 1


def test_a_heading_stays_with_the_next_two_lines():
    heading = Row(1, True, payload="h")
    body = paragraph(8)
    body[0] = Row(1, False, payload=body[0].payload)
    body[1] = Row(1, False, payload=body[1].payload)
    rows = [*paragraph(4, "a"), heading, *body]
    # 6 lines of room: a(4) + heading + 1 line would strand the heading; the column ends after a.
    assert fit(rows, 0, 6, force=False) == (0, 4)
    assert fit(rows, 0, 7, force=False) == (0, 7)


def test_space_rows_are_dropped_at_a_column_top():
    rows = [Row(1, True, space=True), *paragraph(3)]
    assert fit(rows, 0, 3, force=False) == (1, 4)


def test_an_unbreakable_block_taller_than_a_fresh_column_is_forced_not_looped():
    rows = [Row(1, True, payload=k) for k in range(1)] + [Row(1, False) for _ in range(50)]
    first, end = fit(rows, 0, 38, force=True)
    assert end - first == 38
    assert fit(rows, 0, 38, force=False) == (0, 0)


def test_a_figure_row_moves_whole_to_the_next_column():
    rows = [*paragraph(3), Row(10, True, payload="figure")]
    assert fill(rows, 0, 2, 12, force=False) == [(0, 0, 3), (1, 3, 4)]


def test_balancing_gives_equal_columns_where_the_rules_allow():
    rows = paragraph(10) + paragraph(9)
    h, placed = balance(rows, 0, 2, 38)
    assert h == 10
    assert [e - f for _c, f, e in placed] == [10, 9]


def test_balancing_respects_widows():
    rows = paragraph(7)
    h, placed = balance(rows, 0, 2, 38)
    # 4/3 is legal (no line alone), so the columns are 4 and 3 lines.
    assert (h, [e - f for _c, f, e in placed]) == (4, [4, 3])
    h, placed = balance(paragraph(3), 0, 2, 38)
    assert (h, [e - f for _c, f, e in placed]) == (3, [3])


@st.composite
def flows(draw):
    rows: list[Row] = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["p", "p", "p", "h", "fig"]))
        if kind == "p":
            rows += paragraph(draw(st.integers(1, 30)))
        elif kind == "h":
            rows.append(Row(1, True, space=True))
            rows.append(Row(1, False, payload="heading"))
            rows += [Row(1, False, payload=("p", k, 9)) if k < 2 else r for k, r in enumerate(paragraph(9))]
        else:
            rows.append(Row(draw(st.integers(2, 14)), True, payload="figure"))
    return rows


@settings(max_examples=150, deadline=None)
@given(flows(), st.integers(8, 40), st.integers(1, 3))
def test_filling_pages_never_breaks_where_the_rules_forbid_and_loses_nothing(rows, lines, columns):
    # A layout caps figures below the column height (`[figure] max_height_lines`).
    rows = [Row(min(r.height, lines), r.breakable, r.space, r.payload) for r in rows]
    i = 0
    taken: list[int] = []
    while i < len(rows):
        placed = fill(rows, i, columns, lines, force=True)
        assert placed, "a fresh page always takes something"
        for _c, first, end in placed:
            assert all(rows[k].space for k in range(i, first))
            taken.extend(range(first, end))
            # A column ends only at a legal break (or the end), since every unit here fits a column.
            assert end == len(rows) or rows[end].breakable
            assert sum(r.height for r in rows[first:end]) <= lines
            i = end
    assert [k for k in range(len(rows)) if not rows[k].space] == [k for k in taken if not rows[k].space]
