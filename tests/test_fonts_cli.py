"""`publish fonts`: roles → faces listing, coverage of an issue, cache clearing; `publish check`
exits 1 naming an uncovered character (once the sources stage provides the command)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fonts_support import NO_FONT_HAS, need_cjk_fonts

from publish.cli import main


def _write_issue(root: Path, body: str) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "issue.toml").write_text(
        '[magazine]\ntitle = "巴彦淖尔人大"\n[issue]\nlabel = "2025年第1期"\ndate = 2025-01-20\n'
        '[[sections]]\ntitle = "特别报道"\narticles = ["articles/01-test.md"]\n',
        encoding="utf-8",
    )
    (root / "articles" / "01-test.md").write_text(
        f'+++\ntitle = "测试文章"\n+++\n\n第一段。\n\n{body}\n', encoding="utf-8"
    )
    return root


def _sources_ready() -> bool:
    try:
        from publish.sources import load_issue  # noqa: F401
    except ImportError:
        return False
    return True


def test_fonts_lists_every_role_with_file_face_and_format(tmp_path, monkeypatch):
    need_cjk_fonts()
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["fonts"])
    assert result.exit_code == 0, result.output
    out = result.output
    for role in ("body:", "title:", "byline:", "heading:", "header:", "folio:", "note:", "latin:"):
        assert role in out
    assert "Noto Serif CJK SC Regular [CFF]" in out and "NotoSerifCJK-Regular.ttc#2" in out
    assert "[TrueType]" in out  # the Kai faces


def test_clear_cache_empties_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    from publish import cache

    cache.put_bytes("t", "k", b"x")
    result = CliRunner().invoke(main, ["fonts", "--clear-cache"])
    assert result.exit_code == 0, result.output
    assert "cleared" in result.output
    assert cache.get_bytes("t", "k") is None


def test_fonts_reports_coverage_of_an_issue(tmp_path):
    need_cjk_fonts()
    if not _sources_ready():
        pytest.skip("publish.sources.load_issue is not there yet")
    issue = _write_issue(tmp_path / "issue", "代表·履职——撖磴菅婧")
    result = CliRunner().invoke(main, ["fonts", str(issue)])
    assert result.exit_code == 0, result.output
    assert "characters" in result.output and "coverage: all" in result.output


@pytest.mark.parametrize("command", ["fonts", "check"])
def test_an_uncovered_character_exits_1_naming_code_point_file_and_line(tmp_path, command):
    need_cjk_fonts()
    if not _sources_ready():
        pytest.skip("publish.sources.load_issue is not there yet")
    if command not in main.commands:
        pytest.skip(f"`publish {command}` is not there yet")
    issue = _write_issue(tmp_path / "issue", f"这里有{NO_FONT_HAS}字。")
    result = CliRunner().invoke(main, [command, str(issue)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "U+13000" in out
    assert "01-test.md:7:" in out  # the line of the article file holding the character
    assert "Traceback" not in out
