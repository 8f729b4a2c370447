"""An interpunct (间隔号 ・ ·) at a line end is set within the measure: its ink is centred in its em
box, so it keeps its quarter em on both sides there, and its em box ends at the measure (it used to
end ¼ em past it, as `传承雷锋精神·` did at a column's edge in the example issue)."""

from __future__ import annotations

import pytest

from publish.cjk import FixedMetrics, Run, Style, compose

TEXT = "开展主题党日传承雷锋精神・先锋暖城活动开展主题党日传承雷锋精神"


@pytest.mark.parametrize("align", ["justify", "left"])
def test_an_interpunct_ending_a_line_ends_at_the_measure(align):
    m = FixedMetrics(10.0)  # ・ U+30FB is full width here, as · is in the CJK fonts
    lines = compose([Run(TEXT, "body")], 130.0, m, Style(indent_em=0, align=align))
    first = lines[0]
    assert first.text.endswith("・")
    dot = first.glyphs[-1]
    assert dot.x + m.advance("・", "body") == pytest.approx(130.0)  # its em box, not past it
    assert first.width == pytest.approx(130.0)
    assert "".join(ln.text for ln in lines) == TEXT


def test_inside_a_line_an_interpunct_keeps_its_quarter_ems():
    m = FixedMetrics(10.0)
    (line,) = compose([Run("雷锋・精神", "body")], 200.0, m, Style(indent_em=0, align="left"))
    dot = line.glyphs[2]
    assert dot.x == pytest.approx(20.0) and dot.width == pytest.approx(10.0)
