"""Justification: reduction in clreq's priority order, then expansion in its order.

clreq §procedures_for_inter-character_spacing_reduction and §procedures_for_inter-character_space_expansion.
One line is set with `set_line` (the composer's last step) at chosen measures, so the amounts can
be worked out by hand. Fixed metrics: Chinese 1 em (10 pt), Latin ½ em.
"""

import itertools

import pytest

from publish.cjk import FixedMetrics, Run, Style
from publish.cjk.glue import prepare
from publish.cjk.justify import set_line

EM = 10.0
M = FixedMetrics(EM)


def one_line(text: str, measure_em: float, style: Style | None = None, last: bool = False):
    p = prepare([Run(text, "body")], M, style or Style())
    return set_line(p, 0, len(p.text), measure_em * EM, 0.0, last, "justify")


def w(line) -> list[float]:
    return [round(g.width / EM, 4) for g in line.glyphs]


def gaps(line) -> list[float]:
    g = line.glyphs
    return [round((b.x + b.offset - (a.x + a.offset + a.width)) / EM, 4) for a, b in itertools.pairwise(g)]


# "一（二）三，四。": natural 7.5 em (。 at the end already halved); reducible: （ ½, ） ½ (brackets,
# step 4), ， ½ (commas, step 5). Brackets go first, shared equally; the comma only after them.
def test_brackets_are_reduced_before_commas():
    line = one_line("一（二）三，四。", 7.0)
    assert w(line) == [1, 0.75, 1, 0.75, 1, 1, 1, 0.5]
    line = one_line("一（二）三，四。", 6.5)
    assert w(line) == [1, 0.5, 1, 0.5, 1, 1, 1, 0.5]
    line = one_line("一（二）三，四。", 6.2)
    assert w(line) == [1, 0.5, 1, 0.5, 1, 0.7, 1, 0.5]
    assert line.width == pytest.approx(6.2 * EM)


def test_periods_are_reduced_last_and_only_if_the_style_allows():
    # "一。二，三四": ， (step 5) before 。 (step 7)
    line = one_line("一。二，三四", 5.8)
    assert w(line) == [1, 1, 1, 0.8, 1, 1]
    line = one_line("一。二，三四", 5.2)
    assert w(line) == [1, 0.7, 1, 0.5, 1, 1]
    line = one_line("一。二，三四", 5.2, Style(compress_periods=False))
    assert w(line)[1] == 1  # the period keeps its width; the line stays overfull
    assert line.width > 5.2 * EM


def test_interpuncts_before_brackets():
    # step 3 (interpuncts) before step 4 (brackets): ・ is ¼ + ½ + ¼ em in a full-width font.
    # Natural 5.5 em (the final ） halved); at 5 em the interpunct gives its ½ em, （ keeps its.
    metrics = FixedMetrics(EM)
    p = prepare([Run("甲・乙（丙）", "body")], metrics, Style())
    line = set_line(p, 0, len(p.text), 5.0 * EM, 0.0, False, "justify")
    widths = [round(g.width / EM, 4) for g in line.glyphs]
    assert widths[1] == 0.5 and widths[3] == 1 and widths[5] == 0.5  # ・ fully, （ untouched


def test_word_spaces_are_reduced_first_down_to_a_quarter_em():
    # the fake space is ½ em; reducible to ¼ em (step 2), before any mark (step 4).
    # Natural 1 + ¼ (Han–Latin) + ½ + ½ + ½ + 1 + 1 = 4.75 em; at 4.5 em only the space gives.
    line = one_line("甲a b（乙", 4.5)
    assert w(line)[2] == 0.25 and w(line)[4] == 1.0


def test_expansion_opens_han_latin_space_before_han_gaps():
    # "一二A三四": 1+1+¼+½+¼+1+1 = 5 em. +½ em: both Han–Latin spaces grow to ½ em (step 2)
    line = one_line("一二A三四", 5.5)
    assert gaps(line) == [0, 0.5, 0.5, 0]
    # +1 em: Han–Latin at ½ em, the other ½ em shared by the two Han–Han gaps (step 3)
    line = one_line("一二A三四", 6.0)
    assert gaps(line) == [0.25, 0.5, 0.5, 0.25]
    assert line.width == pytest.approx(6 * EM)


def test_expansion_never_opens_a_two_em_dash_and_brackets_hug():
    line = one_line("甲——乙（丙）丁", 10)
    g = gaps(line)
    assert g[1] == 0  # inside ——
    assert g[4] == 0 and g[5] == 0  # after （, before ）
    assert line.width == pytest.approx(10 * EM)


def test_ratio_reports_han_spacing_against_a_tenth_of_an_em():
    # four Han characters at 4.3 em: 0.3 em over 3 gaps = 0.1 em each → ratio exactly 1
    line = one_line("一二三四", 4.3)
    assert line.ratio == pytest.approx(1.0)
    assert one_line("一二三四", 4.15).ratio == pytest.approx(0.5)
    assert one_line("一，二三", 3.75).ratio == pytest.approx(-0.5)  # half the comma's space used


def test_a_last_line_is_not_stretched():
    line = one_line("一二三", 10, last=True)
    assert line.width == pytest.approx(3 * EM) and line.ratio == 0 and gaps(line) == [0, 0]
