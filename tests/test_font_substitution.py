"""A role set in another font than issue.toml asks for: a warning in check and build naming the role,
the font asked for and the font used; an error with --strict-fonts or `[fonts] strict = true`."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from publish.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"
ASKED = "[fonts]\ntitle = [\"方正小标宋简体\", \"Noto Sans CJK SC:Bold\"]\n"


def _issue(tmp_path: Path, fonts: str = ASKED) -> Path:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    toml = root / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[[sections]]", fonts + "\n[[sections]]", 1),
                    encoding="utf-8")
    return root


def _line_of(root: Path, start: str) -> int:
    lines = (root / "issue.toml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def test_check_warns_naming_role_asked_font_and_used_font(tmp_path):
    root = _issue(tmp_path)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    line = _line_of(root, "title = [")
    expected = (f"{root / 'issue.toml'}:{line}: warning[font-substituted]: role title asked for 方正小标宋简体 "
                "(not installed), set in Noto Sans CJK SC Bold")
    assert expected in result.output


def test_strict_fonts_makes_it_an_error_in_check(tmp_path):
    root = _issue(tmp_path)
    result = CliRunner().invoke(main, ["check", "--strict-fonts", str(root)])
    assert result.exit_code == 1
    assert "error: " in result.output and "role title asked for 方正小标宋简体" in result.output


def test_strict_in_issue_toml_makes_it_an_error(tmp_path):
    root = _issue(tmp_path, ASKED + "strict = true\n")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "role title asked for 方正小标宋简体" in result.output


def test_a_role_whose_first_font_is_installed_is_not_reported(tmp_path):
    root = _issue(tmp_path, "[fonts]\ntitle = [\"Noto Sans CJK SC:Bold\"]\nstrict = true\n")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert "font-substituted" not in result.output


def test_build_warns_and_strict_build_stops_before_writing(tmp_path):
    root = _issue(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "--no-epub", "-q"])
    assert result.exit_code == 0, result.output
    assert "warning[font-substituted]: role title asked for 方正小标宋简体" in result.output
    assert "set in Noto Sans CJK SC Bold" in result.output
    strict_out = tmp_path / "strict"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(strict_out), "--strict-fonts"])
    assert result.exit_code == 1
    assert "error: " in result.output and "role title asked for 方正小标宋简体" in result.output
    assert not strict_out.exists() or not any(strict_out.iterdir())


def test_a_bad_strict_value_is_a_source_error(tmp_path):
    root = _issue(tmp_path, "[fonts]\nstrict = \"yes\"\n")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "[fonts] strict = 'yes' is not true or false" in result.output
