"""The composer's contract (docs/architecture.md, "Contracts": composer): import surface, widths, nothing lost."""

from publish.cjk import Glyph, Line, Metrics, Run, Style, compose
from publish.cjk.metrics import FixedMetrics

EM = 10.0
M = FixedMetrics(EM)


def test_contract_surface_and_basic_guarantees():
    text = "会议审议了市人大常委会执法检查组关于检查《中华人民共和国就业促进法》实施情况的报告。"
    lines = compose([Run(text[:10], "body"), Run(text[10:], "title")], 21 * EM, M, Style())
    assert all(isinstance(line, Line) for line in lines)
    assert all(isinstance(g, Glyph) for line in lines for g in line.glyphs)
    assert "".join(g.char for line in lines for g in line.glyphs) == text
    assert [g.face for g in lines[0].glyphs][:10] == ["body"] * 10
    assert lines[-1].last and not any(line.last for line in lines[:-1])
    for line in lines[:-1]:
        assert abs(line.width - 21 * EM) < 1e-6
    # the first line carries the 2-em indent, in x and in Line.indent
    assert lines[0].indent == 2 * EM and lines[0].glyphs[0].x == 2 * EM
    assert all(line.indent == 0 for line in lines[1:])


def test_fixed_metrics_satisfies_the_protocol():
    m: Metrics = FixedMetrics(12.0)
    assert m.em("body") == 12.0 and m.advance("中", "body") == 12.0 and m.advance("a", "body") == 6.0


def test_empty_paragraph_gives_no_lines():
    assert compose([Run("", "body")], 100.0, M, Style()) == []


def test_style_rejects_unknown_switch_values():
    import pytest

    for bad in ({"prohibition": "loose"}, {"punctuation": "western"}, {"align": "justified"},
                {"adjacent_compression": 0.5}, {"indent_em": -1}):
        with pytest.raises(ValueError):
            Style(**bad)


def test_a_bad_measure_is_refused():
    import pytest

    with pytest.raises(ValueError):
        compose([Run("中文", "body")], 0, M, Style())
