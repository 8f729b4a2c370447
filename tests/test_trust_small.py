"""Smaller trust items (issue 17 point 10 and the earlier bad-input set): an invisible character
(TAB, zero-width space) is named as what it is; `&#xD800;` is reported as a surrogate, not as the
U+FFFD Markdown would print; an unknown layout is reported together with the other problems of
issue.toml, at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fonts_support import need_cjk_fonts
from sources_support import ARTICLE, ISSUE_TOML, make_issue

from publish.cli import main
from publish.errors import SourceError
from publish.sources import check_sources


@pytest.mark.parametrize(("char", "name"), [("\t", "TAB"), ("\u200b", "ZERO WIDTH SPACE"),
                                            ("\u200d", "ZERO WIDTH JOINER"), ("\ufeff", "ZERO WIDTH NO-BREAK SPACE")])
def test_an_invisible_character_is_named_as_such_not_as_a_missing_glyph(tmp_path, monkeypatch, char, name):
    need_cjk_fonts()
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    root = make_issue(tmp_path / "i", {"articles/a.md": ARTICLE.replace("正文。", f"正文{char}第二句。")})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "invisible character" in result.output and name in result.output
    assert "add a font" not in result.output
    assert "a.md:5:" in result.output


@pytest.mark.parametrize(("ref", "what"), [("&#xD800;", "U+D800 is a UTF-16 surrogate"),
                                           ("&#55296;", "U+D800 is a UTF-16 surrogate"),
                                           ("&#x110000;", "is not a Unicode code point"),
                                           ("&#0;", "NUL")])
def test_a_reference_to_no_character_is_reported_as_what_it_is(tmp_path, ref, what):
    root = make_issue(tmp_path / "i", {"articles/a.md": ARTICLE.replace("正文。", f"正文{ref}。")})
    (problem,) = [p for p in check_sources(root) if p.code == "bad-character-reference"]
    assert what in problem.message and ref in problem.message and "FFFD" not in problem.message
    assert Path(problem.path).name == "a.md" and problem.line == 5


def test_a_reference_to_a_real_character_is_fine(tmp_path):
    root = make_issue(tmp_path / "i", {"articles/a.md": ARTICLE.replace("正文。", "正文&#x4E2D;&#20013;。")})
    assert check_sources(root) == []


def test_an_unknown_layout_is_reported_with_the_other_problems_at_its_line(tmp_path):
    toml = ISSUE_TOML.replace('date = 2025-01-20\n', 'date = 2025-01-20\nlayout = "no-such-layout"\nfirst_folio = "x"\n')
    root = make_issue(tmp_path / "i", {"issue.toml": toml})
    problems = check_sources(root)
    layout = [p for p in problems if "no-such-layout" in p.message]
    other = [p for p in problems if "first_folio" in p.message]
    assert layout and other
    assert Path(layout[0].path).name == "issue.toml" and layout[0].line == 7  # the `layout =` line
    assert layout[0].code == "layout-unknown"
    with pytest.raises(SourceError) as caught:
        from publish import load_issue

        load_issue(root)
    assert len(caught.value.problems) == len(problems)


def test_an_unknown_layout_alone_is_named_at_its_line_by_check_and_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    toml = ISSUE_TOML.replace('date = 2025-01-20\n', 'date = 2025-01-20\nlayout = "no-such-layout"\n')
    root = make_issue(tmp_path / "i", {"issue.toml": toml})
    for command in (["check", str(root)], ["build", str(root), "-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1
        assert f"{root / 'issue.toml'}:7: layout 'no-such-layout' not found" in result.output, result.output
