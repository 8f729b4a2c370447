"""Every source defect gives a one-line `path:line: what — fix` problem, and all are reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources_support import ARTICLE, ISSUE_TOML, make_issue

from publish import load_issue
from publish.errors import Problem, SourceError
from publish.sources import check_sources


def problems_of(root: Path) -> list[Problem]:
    problems = check_sources(root)
    with pytest.raises(SourceError) as err:
        load_issue(root)
    assert list(err.value.problems) == problems
    for problem in problems:
        text = str(problem)
        assert "\n" not in text and " — " in text, text  # one line, with what to do
    return problems


def only(problems: list[Problem], needle: str) -> Problem:
    found = [p for p in problems if needle in p.message]
    assert len(found) == 1, problems
    return found[0]


def test_sound_folder_has_no_problems(tmp_path):
    assert check_sources(make_issue(tmp_path)) == []


def test_unknown_key_in_issue_toml_names_its_line(tmp_path):
    root = make_issue(tmp_path, {"issue.toml": ISSUE_TOML.replace("[issue]\n", "[issue]\nfirst_page = 3\n")})
    problem = only(problems_of(root), "unknown key 'first_page'")
    assert str(problem).startswith(f"{root / 'issue.toml'}:5: ")


def test_unknown_table_in_issue_toml(tmp_path):
    root = make_issue(tmp_path, {"issue.toml": ISSUE_TOML + "\n[layoutt]\nname = 1\n"})
    problem = only(problems_of(root), "unknown table or key 'layoutt'")
    assert (problem.path, problem.line) == (root / "issue.toml", 12)


def test_unknown_front_matter_key_names_file_and_line(tmp_path):
    text = '+++\ntitle = "标题"\nauthor = "张三"\n+++\n\n正文。\n'
    root = make_issue(tmp_path, {"articles/a.md": text})
    problem = only(problems_of(root), "unknown front matter key 'author'")
    assert str(problem).startswith(f"{root / 'articles' / 'a.md'}:3: ")


def test_unknown_byline_key(tmp_path):
    text = '+++\ntitle = "标题"\nbyline = [\n  {unit = "办公室", nmae = "张三"},\n]\n+++\n\n正文。\n'
    root = make_issue(tmp_path, {"articles/a.md": text})
    problem = only(problems_of(root), "unknown byline key 'nmae'")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 4)


def test_missing_article_file_names_the_issue_toml_line(tmp_path):
    toml = ISSUE_TOML.replace('["articles/a.md"]', '[\n  "articles/a.md",\n  "articles/gone.md",\n]')
    root = make_issue(tmp_path, {"issue.toml": toml})
    problem = only(problems_of(root), "article file not found: articles/gone.md")
    assert (problem.path, problem.line) == (root / "issue.toml", 12)


def test_article_in_no_section_names_the_file(tmp_path):
    root = make_issue(tmp_path, {"articles/stray.md": ARTICLE})
    problem = only(problems_of(root), "in no section")
    assert problem.path == root / "articles" / "stray.md"
    assert str(problem).startswith(f"{root / 'articles' / 'stray.md'}:1: ")
    assert '"articles/stray.md"' in problem.fix


def test_article_in_two_sections_names_the_second_listing(tmp_path):
    toml = ISSUE_TOML + '\n[[sections]]\ntitle = "工作动态"\narticles = ["articles/a.md"]\n'
    root = make_issue(tmp_path, {"issue.toml": toml})
    problem = only(problems_of(root), "listed twice")
    assert (problem.path, problem.line) == (root / "issue.toml", 14)
    assert "first on line 10" in problem.message


def test_empty_article(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n\n'})
    problem = only(problems_of(root), "no text after its front matter")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 3)


def test_duplicate_slugs(tmp_path):
    toml = ISSUE_TOML.replace('["articles/a.md"]', '["articles/a.md", "articles/more/a.md"]')
    root = make_issue(tmp_path, {"issue.toml": toml, "articles/more/a.md": ARTICLE})
    problem = only(problems_of(root), "share the slug 'a'")
    assert (problem.path, problem.line) == (root / "issue.toml", 10)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ('"2025-01-20"', "is a string, not a date"),
        ("2025-01-20T08:00:00", "has a time of day"),
        ('"去年"', "is not a date"),
        ('"2025-02-30"', "not a real calendar date"),
    ],
)
def test_bad_dates(tmp_path, value, needle):
    root = make_issue(tmp_path, {"issue.toml": ISSUE_TOML.replace("date = 2025-01-20", f"date = {value}")})
    problem = only(problems_of(root), needle)
    assert (problem.path, problem.line) == (root / "issue.toml", 6)
    assert "date = 2025-01-20" in problem.fix


def test_impossible_toml_date_is_a_toml_error_at_its_line(tmp_path):
    root = make_issue(tmp_path, {"issue.toml": ISSUE_TOML.replace("date = 2025-01-20", "date = 2025-13-45")})
    problem = only(problems_of(root), "invalid TOML")
    assert (problem.path, problem.line) == (root / "issue.toml", 6)


def test_invalid_utf8_names_the_line_of_the_bad_byte(tmp_path):
    data = '+++\ntitle = "标题"\n+++\n\n正文。\n'.encode() + "第六行".encode("gbk") + b"\n"
    root = make_issue(tmp_path, {"articles/a.md": data})
    problem = only(problems_of(root), "not valid UTF-8")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 6)
    assert "UTF-8" in problem.fix


def test_invalid_utf8_in_issue_toml(tmp_path):
    data = ISSUE_TOML.replace('"特别报道"', '"特别"').encode() + '# 注释'.encode("gb18030")
    root = make_issue(tmp_path, {"issue.toml": data})
    problem = only(problems_of(root), "not valid UTF-8")
    assert (problem.path, problem.line) == (root / "issue.toml", 11)


def test_unterminated_front_matter(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\n\n正文。\n'})
    problem = only(problems_of(root), "front matter is never closed")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 1)


def test_missing_front_matter(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": "正文。\n"})
    problem = only(problems_of(root), "no front matter")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 1)


def test_bad_toml_in_issue_toml_gives_the_parser_line(tmp_path):
    root = make_issue(tmp_path, {"issue.toml": ISSUE_TOML.replace('label = "2025年第1期"', "label = 2025年第1期")})
    problem = only(problems_of(root), "invalid TOML")
    assert (problem.path, problem.line) == (root / "issue.toml", 5)


def test_bad_toml_in_front_matter_gives_the_file_line(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\nsubtitle = "未闭合\n+++\n\n正文。\n'})
    problem = only(problems_of(root), "invalid TOML")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 3)


def test_unclosed_and_unknown_containers(tmp_path):
    text = '+++\ntitle = "标题"\n+++\n\n::: quote\n引文\n:::\n\n正文。\n\n::: note\n（讨论稿）\n'
    root = make_issue(tmp_path, {"articles/a.md": text})
    problems = problems_of(root)
    assert only(problems, "unknown block '::: quote'").line == 5
    assert only(problems, "'::: note' is never closed").line == 11


def test_missing_title_and_required_keys(tmp_path):
    toml = ISSUE_TOML.replace('title = "巴彦淖尔人大"\n', "").replace('label = "2025年第1期"\n', "")
    root = make_issue(tmp_path, {"issue.toml": toml, "articles/a.md": '+++\nsubtitle = "副"\n+++\n\n正文。\n'})
    problems = problems_of(root)
    assert only(problems, "[magazine] has no title").path == root / "issue.toml"
    only(problems, "[issue] has no label")
    assert only(problems, "front matter has no title").path == root / "articles" / "a.md"


def test_section_key_must_match_the_listing(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\nsection = "工作动态"\n+++\n\n正文。\n'})
    problem = only(problems_of(root), "section = '工作动态'")
    assert (problem.path, problem.line) == (root / "articles" / "a.md", 3)


def test_control_character_is_reported(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n正\x00文。\n'})
    problem = only(problems_of(root), "control character U+0000")
    assert problem.line == 5


def test_missing_image(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n![图](images/none.jpg)\n'})
    problem = only(problems_of(root), "image not found")
    assert problem.line == 5


def test_all_problems_are_reported_together(tmp_path):
    toml = ISSUE_TOML.replace("date = 2025-01-20", 'date = "2025-01-20"').replace(
        '["articles/a.md"]', '["articles/a.md", "articles/b.md", "articles/gone.md"]'
    )
    root = make_issue(
        tmp_path,
        {
            "issue.toml": toml,
            "articles/a.md": '+++\ntitle = "标题"\nauthor = "x"\n+++\n\n正文。\n',
            "articles/b.md": '+++\ntitle = "标题"\n+++\n',
            "articles/c.md": ARTICLE,
        },
    )
    messages = [p.message for p in problems_of(root)]
    assert len(messages) == 5, messages
    for needle in ("not a date", "unknown front matter key", "no text", "not found", "in no section"):
        assert any(needle in m for m in messages), (needle, messages)


def test_not_an_issue_folder(tmp_path):
    assert "does not exist" in problems_of(tmp_path / "nothing")[0].message
    assert "no issue.toml" in problems_of(tmp_path)[0].message


def test_an_empty_issue_toml_gives_one_problem_per_missing_table(tmp_path):
    root = make_issue(tmp_path, {"issue.toml": ""})
    assert [p.message for p in problems_of(root)] == ["no [magazine] table", "no [issue] table", "no [[sections]]"]


def test_a_folder_listed_as_an_article(tmp_path):
    (tmp_path / "articles" / "dir.md").mkdir(parents=True)
    root = make_issue(tmp_path, {"issue.toml": ISSUE_TOML.replace("articles/a.md", "articles/dir.md")})
    problem = only(problems_of(root), "is a folder")
    assert (problem.path, problem.line) == (root / "issue.toml", 10)
