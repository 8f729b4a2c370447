"""Note marks in the composer: a run whose face key ends in `@sup` (`publish.paginate.setting`) is
a note's mark, set at its own (small) size, never separated from the character before it, with no
Han–Western space around it, and a paragraph opening with one is still indented in the text's em."""

from __future__ import annotations

import pytest

from publish.cjk import FixedMetrics, Run, Style, compose

M = FixedMetrics(10.0, {"body@sup": 6.0})


def test_a_line_never_starts_with_a_note_mark():
    text = "高标准农田建设情况调研报告"  # 13 em of text; the measure holds 12.6 em
    for cut in range(1, len(text)):
        runs = [Run(text[:cut], "body"), Run("①", "body@sup"), Run(text[cut:], "body")]
        lines = compose(runs, 126.0, M, Style(indent_em=0))
        for line in lines[1:]:
            assert line.glyphs[0].face != "body@sup", (cut, [ln.text for ln in lines])


def test_a_mark_is_set_at_its_own_size_and_without_han_latin_space():
    runs = [Run("调研", "body"), Run("1", "body@sup"), Run("。", "body")]
    (line,) = compose(runs, 200.0, M, Style(indent_em=0, align="left"))
    mark = line.glyphs[2]
    assert mark.x == pytest.approx(20.0)  # right after 研, no ¼ em before a digit
    assert mark.width == pytest.approx(3.0)  # a digit is ½ em of the mark's 6 pt


def test_a_paragraph_opening_with_a_mark_is_indented_two_ems_of_its_text():
    runs = [Run("①", "body@sup"), Run("正文从这里开始", "body")]
    (line,) = compose(runs, 200.0, M, Style(indent_em=2.0, align="left"))
    assert line.indent == pytest.approx(20.0)
