"""The typography checker finds each fault it reports — on lines made by hand to contain it."""

from publish.cjk import FixedMetrics, Glyph, Line, Run, Style, audit, compose
from publish.cjk.audit import ratio_summary

EM = 10.0
M = FixedMetrics(EM)
MEASURE = 5 * EM


def line(chars: str, widths: list[float] | None = None, *, last=False, gaps=None, width=None, x0=0.0) -> Line:
    """A line of glyphs laid edge to edge (plus optional gaps), widths in em."""
    widths = widths or [1.0] * len(chars)
    gaps = gaps or [0.0] * len(chars)
    x = x0
    glyphs = []
    for ch, w, g in zip(chars, widths, gaps, strict=True):
        x += g * EM
        glyphs.append(Glyph(ch, x, w * EM, "body"))
        x += w * EM
    return Line(glyphs=tuple(glyphs), natural=x, width=x if width is None else width, ratio=0.0, last=last)


def kinds(lines, style=None):
    return audit(lines, MEASURE, M, style).counts


def test_clean_lines_pass():
    assert audit([line("一二三四五"), line("六七", last=True)], MEASURE, M).ok


def test_prohibited_break_is_found():
    r = kinds([line("一二三四五"), line("，六七八", [0.5, 1, 1, 1], last=True)])
    assert r["prohibition"] == 1
    r = kinds([line("一二三四《", [1, 1, 1, 1, 1]), line("五》六七", last=True)])
    assert r["prohibition"] == 1


def test_split_dash_is_a_prohibition_break():
    r = kinds([line("一二三四—"), line("—五六七", last=True)], Style(prohibition="basic"))
    assert r["prohibition"] == 1


def test_unflush_line_is_found():
    assert kinds([line("一二三四"), line("五六", last=True)])["unflush"] == 1


def test_uncompressed_adjacent_marks_are_found():
    r = kinds([line("一。”二", [1, 1, 1, 1], width=4 * EM, last=True)])
    assert r["uncompressed_pair"] == 1
    assert kinds([line("一。”二", [1, 0.5, 1, 1], last=True)])["uncompressed_pair"] == 0


def test_line_end_mark_not_halved_is_found():
    r = kinds([line("一二三，", [1, 1, 1, 1], width=MEASURE, gaps=[0, 0.33, 0.33, 0.34]), line("四五", last=True)])
    assert r["end_mark_not_halved"] == 1


def test_orphan_is_found():
    r = kinds([line("一二三四五"), line("六。", [1, 0.5], last=True)])
    assert r["orphan"] == 1
    assert kinds([line("六七。", [1, 1, 0.5], last=True)])["orphan"] == 0  # a one-line paragraph


def test_loose_line_is_found():
    # four Han characters spread over 5 em: three gaps of 1/3 em
    r = kinds([line("一二三四", gaps=[0, 1 / 3, 1 / 3, 1 / 3], width=MEASURE), line("五六", last=True)])
    assert r["loose"] == 1
    r = kinds([line("一二三四五六", gaps=[0, 0.1, 0.1, 0.1, 0.1, 0.1], width=6.5 * EM)], )
    assert r["loose"] == 0  # exactly 0.10 em is allowed


def test_overhang_is_found():
    r = kinds([line("一二三四五——", width=MEASURE), line("六七", last=True)])
    assert r["overhang"] == 2
    r = kinds([line("“一", [1, 1], x0=-0.5 * EM, last=True)])
    assert r["overhang"] == 1


def test_several_paragraphs_in_one_column():
    st = Style()
    lines = []
    texts = ("市委常委、市政府副市长赵巍峰，市人民检察院检察长撖莉，市中级人民法院副院长刘治中，市纪委副书记、"
             "监委副主任姜元文列席会议。", "巴彦淖尔市五届人大常委会现有组成人员41人，出席本次会议30人，符合法定人数。")
    for text in texts:
        lines += compose([Run(text, "body")], 21 * EM, M, st)
    assert len(lines) >= 5 and sum(ln.last for ln in lines) == 2
    assert audit(lines, 21 * EM, M, st).ok
    lines[0] = lines[0].__class__(**{**lines[0].__dict__, "width": 20 * EM})
    assert audit(lines, 21 * EM, M, st).counts["unflush"] == 1
    summary = ratio_summary(lines)
    assert sum(summary.values()) == sum(1 for ln in lines if not ln.last)


def test_a_paragraph_continued_from_the_previous_column_is_judged_whole():
    # a column whose first line is the end of a paragraph begun in the previous column
    tail = [line("六。", [1, 0.5], last=True), line("七八九十一"), line("二三", last=True)]
    assert kinds(tail)["orphan"] == 0  # seen alone, "六。" is a one-line paragraph
    assert audit(tail, MEASURE, M, continued=True).counts["orphan"] == 1
