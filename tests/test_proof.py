"""Proofreading warnings (publish.proof): each code at its file and line, through `publish check`;
`[proof] ignore`; the text is never rewritten; `publish fix-punctuation` offers the rewrite."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sources_support import make_issue

from publish.cli import main
from publish.preflight import preflight
from publish.proof import CODES, fixed_text, proofread_article

# One article with one slip per line; (code, line) is what `check` must report.
ARTICLE = """\
+++
title = "关于２０２４年工作的报告"
subtitle = "—副标题以单个破折号开头"
+++

代表张丽说:"要把民生实事办好"。
他问道,这件事怎么办?
大家都说好!
会议(第一次)召开。
还有分号;这里。
他说“要把事情办好。
这是一个’错的引号。
书名《条例没有闭合。
括号（没有闭合。

### （一）二级标题在一级标题之前

## 一、一级标题

日期写作２０２５年。
北京-上海。
省略号写作...这样。
省略号写作。。。这样。
只有半个…省略号。
重复的标点，，这里。
"""

EXPECTED = [
    ("fullwidth-alnum", 2),
    ("single-dash", 3),
    ("ascii-colon", 6),
    ("ascii-quote", 6),
    ("ascii-comma", 7),
    ("ascii-question", 7),
    ("ascii-exclamation", 8),
    ("ascii-paren", 9),
    ("ascii-semicolon", 10),
    ("unbalanced-quote", 11),
    ("unbalanced-quote", 12),
    ("unbalanced-title-mark", 13),
    ("unbalanced-paren", 14),
    ("heading-skip", 16),
    ("fullwidth-alnum", 20),
    ("single-dash", 21),
    ("ascii-ellipsis", 22),
    ("ascii-ellipsis", 23),
    ("single-ellipsis", 24),
    ("doubled-punctuation", 25),
]


def _warnings(output: str) -> set[tuple[str, int]]:
    found = set()
    for m in re.finditer(r"articles/a\.md:(\d+): warning\[([a-z-]+)\]: ", output):
        found.add((m.group(2), int(m.group(1))))
    return found


def test_check_warns_about_each_slip_at_its_file_and_line(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": ARTICLE})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output  # warnings do not fail the check
    assert set(EXPECTED) <= _warnings(result.output)
    # and nothing else: every warning is one of the slips written into the article
    assert _warnings(result.output) <= set(EXPECTED)
    assert "ok:" in result.output


def test_every_code_is_exercised_by_the_article_or_the_title_test():
    assert {code for code, _ in EXPECTED} | {"title-wraps"} == set(CODES)


def test_a_warning_line_reads_path_line_code_message_and_fix(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": ARTICLE})
    result = CliRunner().invoke(main, ["check", str(root)])
    line = next(x for x in result.output.splitlines() if "warning[ascii-colon]" in x)
    assert line == f"{root / 'articles' / 'a.md'}:6: warning[ascii-colon]: ASCII : in Chinese text — write the full-width ："


@pytest.mark.parametrize("text", [
    "时间是10:30，比例1:2。",
    "数字1,000和1,500。",
    "英文 don't \"quote\" 也可以。",
    "公式f(x)的值，函数g(y)。",
    "范围2011年—2012年和3—5月。",
    "他说：“要把‘民生实事’办好。”",
    "省略号……和破折号——都对。",
    "问号和叹号连用？！可以。",
    "打造“苏木—嘎查—网格员”三级网格。",
    "详见[中国人大网](https://www.npc.gov.cn/npc/c2/)和本期[调研报告](05-diaoyan.md)。",  # link markup
    "见[网站](<https://x.cn/a (b)>)。",
])
def test_correct_text_is_not_flagged(text):
    assert proofread_article(f"+++\ntitle = \"标题\"\n+++\n\n{text}\n", "a.md") == []


def test_the_text_of_a_link_is_still_proofread():
    found = proofread_article("+++\ntitle = \"标题\"\n+++\n\n见[人大网(官方)](https://x.cn/)。\n", "a.md")
    assert [(w.code, w.line) for w in found] == [("ascii-paren", 5), ("ascii-paren", 5)]


def test_a_title_given_as_printed_lines_is_balanced_as_a_whole():
    text = '+++\ntitle = ["关于贯彻落实《内蒙古自治区", "促进条例》的报告"]\n+++\n\n正文。\n'
    assert proofread_article(text, "a.md") == []
    unclosed = '+++\ntitle = [\n  "关于《内蒙古自治区",\n  "促进条例的报告",\n]\n+++\n\n正文。\n'
    assert [(w.code, w.line) for w in proofread_article(unclosed, "a.md")] == [("unbalanced-title-mark", 3)]


def test_a_quotation_over_several_paragraphs_opens_each_and_closes_once():
    text = "+++\ntitle = \"标题\"\n+++\n\n“第一段引文。\n\n“第二段引文。”\n"
    assert proofread_article(text, "a.md") == []


def test_codes_listed_in_proof_ignore_are_not_reported(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": ARTICLE})
    toml_path = root / "issue.toml"
    toml_path.write_text(toml_path.read_text(encoding="utf-8").replace(
        "[[sections]]", '[proof]\nignore = ["ascii-colon", "single-dash"]\n\n[[sections]]'), encoding="utf-8")
    codes = {p.code for p in preflight(root, proofread=True).problems}
    assert "ascii-colon" not in codes and "single-dash" not in codes
    assert "ascii-quote" in codes


def test_an_unknown_code_in_proof_ignore_is_an_error_naming_the_line(tmp_path):
    root = make_issue(tmp_path)
    toml_path = root / "issue.toml"
    toml_path.write_text(toml_path.read_text(encoding="utf-8").replace(
        "[[sections]]", '[proof]\nignore = ["ascii-colons"]\n\n[[sections]]'), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "issue.toml:9: [proof] ignore: unknown warning code 'ascii-colons'" in result.output


def test_a_title_the_layout_would_wrap_is_reported_at_its_line(tmp_path):
    long_title = "关于进一步加强和改进新时代地方人大常委会代表工作与联系群众工作的若干意见和实施办法"
    article = f'+++\ntitle = ["短标题", "{long_title}"]\n+++\n\n正文。\n'
    root = make_issue(tmp_path, {"articles/a.md": article})
    found = [(p.code, p.line) for p in preflight(root, proofread=True).problems]
    assert ("title-wraps", 2) in found
    short = make_issue(tmp_path / "short", {"articles/a.md": '+++\ntitle = "短标题"\n+++\n\n正文。\n'})
    assert "title-wraps" not in {p.code for p in preflight(short, proofread=True).problems}


def test_check_never_rewrites_the_text(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": ARTICLE})
    before = (root / "articles" / "a.md").read_bytes()
    CliRunner().invoke(main, ["check", str(root)])
    assert (root / "articles" / "a.md").read_bytes() == before


def test_the_rewrite_fixes_only_what_is_unambiguous():
    fixed = fixed_text(ARTICLE)
    assert "代表张丽说：“要把民生实事办好”。" in fixed
    assert "他问道，这件事怎么办？" in fixed
    assert "会议（第一次）召开。" in fixed
    assert "省略号写作……这样。" in fixed and "只有半个……省略号。" in fixed
    assert "日期写作2025年。" in fixed and 'title = "关于2024年工作的报告"' in fixed
    assert "北京-上海。" in fixed  # a range or a dash? left to the editor
    assert "他说“要把事情办好。" in fixed  # which quote is missing is for the editor to say
    # what was fixed is no longer reported; the ambiguous slips still are
    left = {w.code for w in proofread_article(fixed, "a.md")}
    assert left.isdisjoint({"ascii-colon", "ascii-comma", "ascii-paren", "ascii-ellipsis", "fullwidth-alnum"})
    assert {"unbalanced-quote", "unbalanced-title-mark", "heading-skip"} <= left


def test_slips_are_still_reported_when_a_source_error_stops_the_check(tmp_path):
    article = ARTICLE + "\n#### 四级标题是源文件错误\n"
    root = make_issue(tmp_path, {"articles/a.md": article})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "error: " in result.output and "heading level 4" in result.output
    assert ("ascii-colon", 6) in _warnings(result.output)
    assert ("heading-skip", 27) in _warnings(result.output)  # #### after ## skips ###


def test_headings_that_go_down_one_level_at_a_time_are_not_reported():
    text = "+++\ntitle = \"标题\"\n+++\n\n## 一、甲\n\n正文。\n\n### （一）乙\n\n## 二、丙\n"
    assert proofread_article(text, "a.md") == []
