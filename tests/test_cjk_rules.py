"""The composer's rules, one hand-made paragraph each, with the correct result argued from clreq.

Metrics are the fixed-width fake: every Chinese character and mark 1 em (10 pt), Latin-1 ½ em.
Measures are given in em; indents are 0 unless the test is about the indent.
"""

import pytest

from publish.cjk import FixedMetrics, Run, Style, audit, compose

EM = 10.0
M = FixedMetrics(EM)


def setl(text: str, measure_em: float, **style) -> list:
    st = Style(**{"indent_em": 0.0, **style})
    lines = compose([Run(text, "body")], measure_em * EM, M, st)
    assert "".join(line.text for line in lines) == text
    return lines


def texts(lines) -> list[str]:
    return [line.text for line in lines]


def widths_em(line) -> list[float]:
    return [round(g.width / EM, 4) for g in line.glyphs]


def test_push_in_before_push_out():
    # 6-em measure. "一、二三四五" fills the line exactly, which would start line 2 with "，" —
    # forbidden (clreq §1.2, pause marks never start a line). 先挤进后推出 (clreq §1.1): first try
    # to pull the comma back by compressing the line's punctuation: "一、二三四五，" is 6.5 em with
    # the line-end comma already halved; compressing "、" by ½ em gives exactly 6 em. Pushing
    # "五" down instead would open four gaps by ¼ em each, so push-in must win.
    lines = setl("一、二三四五，六七八", 6)
    assert texts(lines) == ["一、二三四五，", "六七八"]
    assert widths_em(lines[0]) == [1, 0.5, 1, 1, 1, 1, 0.5]
    assert lines[0].width == pytest.approx(6 * EM, abs=1e-6)


def test_push_out_when_push_in_is_impossible():
    # "一二三四五" then "《" would end line 1 — opening marks never end a line (clreq §1.2); with
    # "六" pulled up the line is 6.5 em even with "《" trimmed, and nothing else can be reduced.
    # So "五" stays and line 1 ends at "五"; the opening mark starts line 2, trimmed.
    lines = setl("一二三四五《六七》八九。", 6)
    assert texts(lines)[0] == "一二三四五"
    assert lines[1].text.startswith("《")
    assert lines[1].glyphs[0].width == pytest.approx(0.5 * EM)


@pytest.mark.parametrize("level", ["basic", "gb", "strict"])
def test_no_line_starts_with_a_closing_or_pause_mark(level):
    text = "市委常委、市政府副市长赵巍峰，市人民检察院检察长撖莉，市中级人民法院副院长刘治中，列席会议。"
    for measure in (5, 6, 7, 8, 9, 10, 11, 12):
        for line in setl(text, measure, prohibition=level)[1:]:
            assert line.text[0] not in "、，。”）》", (measure, line.text)


def test_level_none_allows_a_comma_at_line_start():
    # at level "none" (clreq §1.1, newspapers in Taiwan and Hong Kong) the break before "，" is
    # as good as any: "一二三四五" fills 5 em exactly and "，六七八九" follows
    lines = setl("一二三四五，六七八九。", 5, prohibition="none")
    assert texts(lines)[1].startswith("，")


def test_two_em_dash_is_never_split_and_strict_keeps_it_off_line_start():
    text = "一二三四五——六七八九十一二三四。"
    for measure in range(4, 12):
        for level in ("basic", "strict"):
            lines = setl(text, measure, prohibition=level)
            for line in lines[:-1]:
                trailing = len(line.text) - len(line.text.rstrip("—"))
                assert trailing % 2 == 0, (measure, level, line.text)
            if level == "strict":
                assert not any(line.text.startswith("——") for line in lines[1:])


def test_ellipsis_is_one_unit():
    lines = setl("他停了一下……然后继续说下去，大家都安静了。", 6)
    assert all("……" in line.text or "…" not in line.text for line in lines)


def test_numbers_and_latin_words_are_not_broken():
    text = "全市生产总值增长25.5%以上，新建5G基站1200个，覆盖hello world两个词。"
    for measure in range(6, 16):
        lines = setl(text, measure)
        for token in ("25.5%", "5G", "1200", "hello", "world"):
            assert any(token in line.text for line in lines), (measure, token)


def test_adjacent_marks_are_compressed_to_one_and_a_half_em():
    # clreq §h-adjustment_of_adjacent_punctuation_marks: two adjacent 2-em marks → 1.5 em
    (line,) = setl("他说：“好。”然后走了。", 20)
    w = dict(zip(range(len(line.glyphs)), widths_em(line), strict=True))
    assert w[2] + w[3] == 1.5  # ：“
    assert w[5] + w[6] == 1.5  # 。”


def test_adjacent_compression_to_one_em_by_style():
    (line,) = setl("他说：“好。”然后走了。", 20, adjacent_compression=1.0)
    w = widths_em(line)
    assert w[2] + w[3] == 1.0 and w[5] + w[6] == 1.0


def test_line_end_mark_is_half_width():
    # GB/T 15834 §5.1.10: a full-width mark at line end SHALL take half width — also when the
    # line then has to be expanded rather than reduced.
    lines = setl("一二三，四五六七八九。", 4)
    assert lines[0].text == "一二三，"
    assert widths_em(lines[0])[-1] == 0.5
    assert widths_em(lines[-1])[-1] == 0.5


def test_opening_mark_at_line_start_is_trimmed_and_drawn_left_of_its_box():
    st = Style(indent_em=2.0)
    (line,) = compose([Run("“好。”他说。", "body")], 20 * EM, M, st)
    q = line.glyphs[0]
    assert q.width == pytest.approx(0.5 * EM)
    assert q.x + q.offset == pytest.approx(2 * EM)  # the set box starts at the indent
    assert q.x == pytest.approx(1.5 * EM)  # the pen is half an em left: the ink sits right
    (line,) = compose([Run("“好。”他说。", "body")], 20 * EM, M, Style(trim_opening_at_line_start=False))
    assert line.glyphs[0].width == pytest.approx(1.0 * EM)


@pytest.mark.parametrize("indent", [2.0, 1.0])
def test_first_line_carries_the_indent(indent):
    text = "巴彦淖尔市五届人大常委会现有组成人员41人，出席本次会议30人，符合法定人数。"
    lines = compose([Run(text, "body")], 10 * EM, M, Style(indent_em=indent))
    assert lines[0].indent == indent * EM and lines[0].glyphs[0].x == indent * EM
    assert lines[0].width == pytest.approx(10 * EM, abs=1e-6)
    assert all(line.indent == 0 and line.glyphs[0].x + line.glyphs[0].offset == 0 for line in lines[1:])


def test_no_orphan_on_the_last_line():
    # 11 Han + 。 at 5 em: first-fit gives 五/五/"一。" — one character and a mark, a 孤字
    # (clreq §adjustments_of_orphans_and_widows). The composer pulls a character down instead.
    lines = setl("一二三四五六七八九十一。", 5)
    assert len(lines[-1].text.rstrip("。")) >= 2
    assert all(line.width == pytest.approx(5 * EM, abs=1e-6) for line in lines[:-1])


def test_last_line_is_left_aligned_at_natural_width():
    lines = setl("一二三四五六七八九十一二三。", 6)
    last = lines[-1]
    assert last.last and last.ratio == 0
    assert last.width == pytest.approx(last.natural)
    assert last.glyphs[0].x == 0


def test_hanging_punctuation_by_switch():
    # off by default (clreq §1.6: most publications do not hang); with the switch one pause or
    # stop mark may sit past the measure, the rest of the line filling it exactly
    lines = setl("一二三四五，六七八九。", 5, hanging=True)
    assert lines[0].text == "一二三四五，" and lines[0].hung
    assert lines[0].width == pytest.approx(5 * EM)
    assert lines[0].glyphs[-1].x == pytest.approx(5 * EM)
    lines = setl("一二三四五，六七八九。", 5)
    assert not any(line.hung for line in lines)
    assert all(g.x + g.offset + g.width <= 5 * EM + 1e-6 for line in lines for g in line.glyphs)


def test_kaiming_sets_only_full_stops_full_width():
    # 开明式 (clreq §punctuation_width_adjustment): 。！？ full width, the other marks half
    (line,) = setl("一，二。三", 10, punctuation="kaiming")
    assert widths_em(line) == [1, 0.5, 1, 1, 1]


def test_han_latin_spacing_switch():
    (line,) = setl("共41人", 10)
    gl = line.glyphs
    assert gl[1].x - (gl[0].x + gl[0].width) == pytest.approx(0.25 * EM)  # clreq §1.7: ¼ em
    (line,) = setl("共41人", 10, han_latin_space=False)
    gl = line.glyphs
    assert gl[1].x - (gl[0].x + gl[0].width) == pytest.approx(0)


@pytest.mark.parametrize(("align", "x0"), [("left", 0.0), ("center", 4.0), ("right", 8.0)])
def test_alignment_for_headings_and_signatures(align, x0):
    (line,) = setl("标题", 10, align=align)
    assert line.glyphs[0].x == pytest.approx(x0 * EM) and line.width == pytest.approx(2 * EM)


def test_ragged_lines_are_not_stretched():
    lines = setl("巴彦淖尔市人大常委会办公室二〇二五年一月二十日", 8, align="left")
    assert len(lines) > 1
    assert all(line.width <= 8 * EM + 1e-6 and line.ratio <= 0 for line in lines)


def test_nbsp_is_a_space_that_never_breaks():
    text = "一二三四五\u00a0六七八九十一二三。"
    for measure in range(4, 10):
        lines = setl(text, measure)
        assert not any(line.text.endswith("\u00a0") or line.text.startswith("\u00a0") for line in lines)


def test_ascii_punctuation_from_the_seed_follows_the_rules():
    text = "一二三四五,六七八九十;一二三四五:六七八(九十)一二三四五六七八九十。"
    for measure in range(5, 12):
        for line in setl(text, measure)[1:]:
            assert line.text[0] not in ",;:)", (measure, line.text)
        for line in setl(text, measure)[:-1]:
            assert not line.text.endswith("("), (measure, line.text)


def test_a_word_space_at_a_line_end_is_kept_with_zero_width():
    lines = setl("一二三 四五六七八九", 4)
    assert lines[0].text == "一二三 " and lines[0].glyphs[-1].width == 0


def test_mixed_roles_are_kept_per_glyph():
    metrics = FixedMetrics(10.0, {"latin": 10.0})
    lines = compose([Run("数据", "body"), Run("ABC", "latin"), Run("显示", "body")], 100, metrics, Style())
    assert [g.face for g in lines[0].glyphs] == ["body"] * 2 + ["latin"] * 3 + ["body"] * 2


def test_impossible_paragraphs_still_lose_nothing():
    # a measure narrower than one unbreakable unit: the composer relaxes rather than fails
    text = "甲“《（“《（好）》”）》”。"
    lines = setl(text, 2)
    assert "".join(texts(lines)) == text


def test_checker_agrees_on_a_real_paragraph():
    text = ("会议审议了市人大常委会执法检查组关于检查《中华人民共和国就业促进法》《内蒙古自治区就业促进条例》"
            "实施情况的报告；关于2024年市本级及巴彦淖尔经济技术开发区预算调整方案（草案）的报告。")
    st = Style()
    lines = compose([Run(text, "body")], 21 * EM, M, st)
    assert audit(lines, 21 * EM, M, st).ok


def test_a_hung_mark_stays_attached_when_the_line_is_spaced_out():
    # 7 em measure, 2 em indent: "一二三四，" fills 4 em + a hung comma; the line must be spaced,
    # and the space goes between the Han characters, not between "四" and its comma
    lines = compose([Run("一二三四，五六七八九十一二三四五六。", "body")], 7 * EM, M, Style(hanging=True))
    for line in lines[:-1]:
        if line.hung:
            a, b = line.glyphs[-2], line.glyphs[-1]
            assert b.x + b.offset == pytest.approx(a.x + a.offset + a.width)
            assert a.x + a.offset + a.width == pytest.approx(7 * EM)
