"""Glyph coverage: a character no font of its role has is an error naming it, the file and line.

A character that only a declared fallback has is fine, and the coverage report says which face
supplies it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fonts_support import NO_FONT_HAS, need_cjk_fonts

from publish.coverage import coverage, coverage_report, fallback_notes
from publish.fonts import load_fonts
from publish.model import Article, Byline, Heading, Issue, Paragraph, Section, Text


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


def _issue(tmp_path: Path, body_lines: list[str], title: str = "关于代表工作的报告") -> Issue:
    """An issue with one article whose source file really has these lines (for line lookup)."""
    src = tmp_path / "articles" / "01-test.md"
    src.parent.mkdir(parents=True, exist_ok=True)
    front = ["+++", f'title = "{title}"', 'byline = [{unit = "市人大常委会", name = "王婧"}]', "+++", ""]
    src.write_text("\n".join(front + body_lines) + "\n", encoding="utf-8")
    first = len(front) + 1
    blocks = []
    for n, line in enumerate(body_lines):
        if line.startswith("## "):
            blocks.append(Heading(1, (Text(line[3:]),), line=first + n))
        elif line:
            blocks.append(Paragraph((Text(line),), line=first + n))
    art = Article(
        slug="01-test", title=(title,), blocks=tuple(blocks), bylines=(Byline("市人大常委会", "王婧"),), source=src
    )
    return Issue(
        magazine="巴彦淖尔人大", label="2025年第1期", date=dt.date(2025, 1, 20),
        sections=(Section("特别报道", (art,)),), root=tmp_path,
    )  # fmt: skip


def test_a_fully_covered_issue_has_no_problems(fonts, tmp_path):
    issue = _issue(tmp_path, ["## 一、撖磴菅婧", "", "代表·履职——依法\u00a0监督。"])
    assert coverage(fonts, issue) == []


def test_a_character_no_font_has_is_reported_with_code_point_file_line_and_fonts_tried(fonts, tmp_path):
    issue = _issue(tmp_path, ["第一段。", "", f"第二段有一个{NO_FONT_HAS}字。"])
    problems = coverage(fonts, issue)
    assert len(problems) == 1
    p = problems[0]
    text = str(p)
    assert "U+13000" in text and NO_FONT_HAS in text
    assert Path(p.path).name == "01-test.md"
    src_lines = Path(p.path).read_text(encoding="utf-8").splitlines()
    assert NO_FONT_HAS in src_lines[p.line - 1]
    assert "'body'" in text
    for face in fonts.roles["body"].faces:
        assert face.info.family in text  # every font tried is named
    assert text.startswith(f"{p.path}:{p.line}: ")


def test_the_line_is_found_inside_a_multi_line_paragraph(fonts, tmp_path):
    issue = _issue(tmp_path, ["第一行", "第二行" + NO_FONT_HAS])
    # Both lines belong to one paragraph starting at the first line in the real reader; make it so.
    art = issue.articles[0]
    para = Paragraph((Text("第一行第二行" + NO_FONT_HAS),), line=art.blocks[0].line)
    issue = Issue(issue.magazine, issue.label, issue.date,
                  (Section("特别报道", (Article(art.slug, art.title, (para,), source=art.source),)),),
                  root=issue.root)  # fmt: skip
    (p,) = coverage(fonts, issue)
    assert p.line == para.line + 1


def test_each_role_is_checked_against_its_own_chain(tmp_path):
    """A character the body chain has but the title chain lacks is an error in the title."""
    need_cjk_fonts()
    fonts = load_fonts(None, {"title": ["DejaVu Sans:Bold"]})
    if fonts.roles["title"].family != "DejaVu Sans":
        pytest.skip("DejaVu Sans not installed")
    issue = _issue(tmp_path, ["正文都有字形。"], title="Title 人大")
    problems = coverage(fonts, issue)
    assert {str(p).split(" ")[1] for p in problems} == {"U+4EBA", "U+5927"}
    assert all("'title'" in str(p) for p in problems)
    assert all(p.line == 2 for p in problems)  # the title line of the front matter


def test_a_fallback_font_covers_what_the_first_lacks_and_the_report_says_so(tmp_path):
    need_cjk_fonts()
    fonts = load_fonts(None, {"body": ["DejaVu Serif", "Noto Serif CJK SC"]})
    if fonts.roles["body"].family != "DejaVu Serif":
        pytest.skip("DejaVu Serif not installed")
    issue = _issue(tmp_path, ["GDP 增长 5%"])
    assert coverage(fonts, issue) == []
    report = coverage_report(fonts, issue)["body"]
    assert "增" in report["body~1"] and "G" in report["body"]
    assert "missing" not in report


def test_runs_give_each_character_the_first_face_that_has_it(tmp_path):
    need_cjk_fonts()
    fonts = load_fonts(None, {"body": ["DejaVu Serif", "Noto Serif CJK SC"]})
    if fonts.roles["body"].family != "DejaVu Serif":
        pytest.skip("DejaVu Serif not installed")
    runs = fonts.runs("GDP增长5%。", "body")
    assert [(r.text, r.face) for r in runs] == [("GDP", "body"), ("增长", "body~1"), ("5%", "body"), ("。", "body~1")]


def test_a_layout_can_set_latin_and_digits_in_the_latin_role():
    need_cjk_fonts()
    fonts = load_fonts(None, {"latin": ["DejaVu Serif"]})
    if fonts.roles["latin"].family != "DejaVu Serif":
        pytest.skip("DejaVu Serif not installed")
    runs = fonts.runs("增长5.2%·GDP", "body", latin="latin")
    assert [(r.text, r.face) for r in runs] == [("增长", "body"), ("5.2%", "latin"), ("·", "body"), ("GDP", "latin")]
    assert [r.face for r in fonts.runs("增长5.2%", "body")] == ["body"]  # without: the body face has all


def test_strings_made_by_later_stages_can_be_checked_too(fonts):
    assert fonts.uncovered("巴彦淖尔人大 /57", "header") == ""
    assert fonts.uncovered(f"第{NO_FONT_HAS}页{NO_FONT_HAS}", "folio") == NO_FONT_HAS


def test_fallback_notes_name_the_face_and_the_characters(tmp_path):
    need_cjk_fonts()
    fonts = load_fonts(None, {"body": ["DejaVu Serif", "Noto Serif CJK SC"]})
    if fonts.roles["body"].family != "DejaVu Serif":
        pytest.skip("DejaVu Serif not installed")
    issue = _issue(tmp_path, ["GDP 增长"])
    notes = [n for n in fallback_notes(fonts, issue) if n.startswith("body:")]
    assert len(notes) == 1
    assert "Noto Serif CJK SC" in notes[0] and "增" in notes[0] and "长" in notes[0]


def test_heading_levels_can_have_their_own_roles(tmp_path):
    need_cjk_fonts()
    fonts = load_fonts(None, {"subtitle": ["DejaVu Sans"]})
    if fonts.roles["subtitle"].family != "DejaVu Sans":
        pytest.skip("DejaVu Sans not installed")
    issue = _issue(tmp_path, ["## 一、总体要求", "", "正文。"])
    assert coverage(fonts, issue) == []
    problems = coverage(fonts, issue, roles={"heading1": "subtitle"})
    assert problems and all("'subtitle'" in str(p) for p in problems)
    assert {p.line for p in problems} == {6}
