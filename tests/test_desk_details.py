"""The editor's small things: `publish new` reads label and date from the folder's name, curly quotes in
TOML are named as the cause, `[body] size` drives the body text styles (or check warns), `-q` keeps
the libraries' log lines out, `fix-punctuation --dry-run` offers a diff and writes nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sources_support import make_issue

from publish.cli import main
from publish.layout import load_layout
from publish.sources import load_issue

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"


# ── publish new ───────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("name, label, date", [
    ("2025-02", "2025年第2期", dt.date(2025, 2, 1)),
    ("bayannaoer-2025-11", "2025年第11期", dt.date(2025, 11, 1)),
    ("2026-15", "2026年第15期", dt.date(2026, 1, 1)),
])
def test_new_takes_label_and_date_from_the_folder_name(tmp_path, name, label, date):
    result = CliRunner().invoke(main, ["new", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    issue = load_issue(tmp_path / name)
    assert (issue.label, issue.date) == (label, date)


def test_new_label_and_date_options_win(tmp_path):
    result = CliRunner().invoke(main, ["new", str(tmp_path / "2025-02"), "--label", "2025年特刊",
                                       "--date", "2025-03-15"])
    assert result.exit_code == 0, result.output
    issue = load_issue(tmp_path / "2025-02")
    assert (issue.label, issue.date) == ("2025年特刊", dt.date(2025, 3, 15))


def test_new_with_an_unrelated_name_uses_today(tmp_path):
    result = CliRunner().invoke(main, ["new", str(tmp_path / "spring")])
    assert result.exit_code == 0, result.output
    issue = load_issue(tmp_path / "spring")
    today = dt.date.today()
    assert issue.date == today and issue.label == f"{today.year}年第1期"


def test_new_refuses_a_bad_date_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--date", "2025-2-30"])
    assert result.exit_code == 1
    assert result.output.strip() == ("error: --date '2025-2-30' is not a date — write it as YYYY-MM-DD, "
                                     "e.g. --date 2025-02-01")
    assert not (tmp_path / "x").exists()


def test_a_new_issue_checks_without_warnings(tmp_path):
    CliRunner().invoke(main, ["new", str(tmp_path / "2025-02")])
    result = CliRunner().invoke(main, ["check", str(tmp_path / "2025-02")])
    assert result.exit_code == 0
    assert "warning" not in result.output


# ── curly quotes in TOML ──────────────────────────────────────────────────────────────────────
def test_curly_quotes_in_front_matter_are_named_as_the_cause(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": "+++\ntitle = “标题”\n+++\n\n正文。\n"})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'articles' / 'a.md'}:2: invalid TOML: Invalid value: the curly quotes “ ” are not TOML quotes" \
        in result.output
    assert 'write straight double quotes: title = "…"' in result.output


def test_curly_quotes_in_issue_toml_are_named_too(tmp_path):
    root = make_issue(tmp_path)
    toml = root / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('label = "2025年第1期"', "label = ‘2025年第1期’"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert "the curly quotes ‘ ’ are not TOML quotes" in result.output


def test_curly_quotes_inside_a_straight_quoted_string_are_text(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "关于“两个高质量”的报告" x\n+++\n\n正文。\n'})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "curly quotes" not in result.output  # the mistake is the stray x, not the quotes


# ── [body] size ───────────────────────────────────────────────────────────────────────────────
def _layout(tmp_path: Path, edit) -> Path:
    text = (ROOT / "layouts" / "magazine-16k.toml").read_text(encoding="utf-8")
    path = tmp_path / "my.toml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def test_body_size_alone_changes_the_body_text_styles(tmp_path):
    path = _layout(tmp_path, lambda t: t.replace("size = 10\n", "size = 10.5\n", 1).replace("chars = 21", "chars = 19"))
    layout = load_layout(path)
    assert layout.body_size == 10.5
    for element in ("paragraph", "listitem", "salutation", "signature", "heading1", "heading2", "note"):
        assert layout.style(element).size == 10.5, element
        assert layout.style(element).leading == layout.leading
    assert layout.style("title").size == 18  # a style with its own size keeps it


def test_check_warns_when_a_body_text_style_disagrees_with_body_size(tmp_path):
    path = _layout(tmp_path, lambda t: t.replace('paragraph  = { role = "body",',
                                                 'paragraph  = { role = "body", size = 11,'))
    root = make_issue(tmp_path / "issue")
    toml = root / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('date = 2025-01-20', f'date = 2025-01-20\nlayout = "{path}"'),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    line = next(n for n, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if x.startswith("paragraph"))
    assert (f"{path}:{line}: warning[body-size-mismatch]: [styles] paragraph is set in 11 pt but [body] size is 10 pt"
            in result.output)


def test_the_shipped_layouts_agree_with_their_body_size():
    for path in (ROOT / "layouts").glob("*.toml"):
        layout = load_layout(path)
        for element in ("paragraph", "listitem", "salutation", "signature"):
            assert layout.style(element).size == layout.body_size, (path.name, element)


# ── -q ────────────────────────────────────────────────────────────────────────────────────────
def test_quiet_build_prints_nothing_not_even_fonttools_log(tmp_path):
    """AR PL UKai has an FFTM table that fontTools' subsetter drops with a log line; on a cold font
    cache a build prints it, `-q` must not."""
    if not any("ukai" in p.name.lower() for p in Path("/usr/share/fonts").rglob("*.ttc")):
        pytest.skip("AR PL UKai is not installed (make setup installs fonts-arphic-ukai)")
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[[sections]]", '[fonts]\nbyline = ["AR PL UKai CN"]\nnote = ["AR PL UKai CN"]\n\n[[sections]]', 1),
        encoding="utf-8")

    def run(*extra: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PUBLISH_CACHE_DIR": str(tmp_path / f"cache{len(extra)}")}
        return subprocess.run([sys.executable, "-m", "publish", "build", str(issue), "-o", str(tmp_path / "out"),
                               *extra], capture_output=True, text=True, env=env, timeout=600)

    loud = run()
    assert loud.returncode == 0, loud.stderr
    assert "NOT subset" in loud.stderr  # the noise exists: the quiet run has something to silence
    quiet = run("-q")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "" and quiet.stderr == ""


# ── fix-punctuation ───────────────────────────────────────────────────────────────────────────
def test_fix_punctuation_dry_run_prints_a_diff_and_writes_nothing(tmp_path):
    text = '+++\ntitle = "标题"\n+++\n\n代表说:"要办好"。\n'
    root = make_issue(tmp_path, {"articles/a.md": text})
    result = CliRunner().invoke(main, ["fix-punctuation", str(root), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "-代表说:\"要办好\"。" in result.output and "+代表说：“要办好”。" in result.output
    assert re.search(r"^--- .*articles/a\.md$", result.output, re.M)
    assert (root / "articles" / "a.md").read_text(encoding="utf-8") == text
    result = CliRunner().invoke(main, ["fix-punctuation", str(root)])
    assert result.exit_code == 0
    assert (root / "articles" / "a.md").read_text(encoding="utf-8") == text.replace(':"要办好"', "：“要办好”")
