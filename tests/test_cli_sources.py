"""`publish new`, `publish check`, `publish show`, `publish --version` as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from sources_support import ISSUE_TOML, make_issue

from publish import __version__
from publish.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_show_prints_the_sample_tree():
    result = run("show", str(SAMPLE))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("巴彦淖尔人大 2025年第1期")
    assert "├─ 研究会工作  (3 articles" in out and "├─ 机关党建  (1 article" in out
    assert "└─ 调查研究  (1 article" in out and "1 table" in out
    # title lines, slug and kind, subtitle, byline, block counts and characters per article
    assert "秉持初心  持续奋进  以更扎实研究  更务实 / 举措服务我旗人大事业创新发展" in out
    assert "02-hangjinhouqi-fayan  [speech]" in out
    assert "——在巴彦淖尔市人大工作研究会 2024 年度工作会议上的发言" in out
    assert "● 杭锦后旗人大工作研究会理事长 马忠福" in out
    assert "14 blocks (12 paragraphs, 1 salutation, 1 signature), 339 characters" in out


def test_check_passes_on_the_sample():
    result = run("check", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith(f"ok: {SAMPLE} — 3 sections, 5 articles")


def test_check_prints_one_line_per_problem_and_exits_1(tmp_path):
    toml = ISSUE_TOML.replace("date = 2025-01-20", 'date = "20.1.2025"').replace(
        '["articles/a.md"]', '["articles/a.md", "articles/gone.md"]'
    )
    root = make_issue(
        tmp_path,
        {"issue.toml": toml, "articles/a.md": '+++\ntitle = "标题"\n\n正文。\n', "articles/stray.md": "x"},
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines() if hasattr(result, "stderr") else result.output.strip().splitlines()
    assert len(lines) == 4, lines
    assert all(line.startswith(f"error: {root}") for line in lines)
    assert any(f"{root / 'issue.toml'}:6: date '20.1.2025' is not a date" in line for line in lines)
    assert any(f"{root / 'articles' / 'a.md'}:1: front matter is never closed" in line for line in lines)
    assert "Traceback" not in result.output


def test_check_in_a_real_process_has_no_traceback_and_debug_shows_one(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": b"+++\ntitle = \"\xff\"\n+++\n"})
    publish = str(Path(sys.executable).parent / "publish")  # the console script, as a user runs it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    plain = subprocess.run([publish, "check", str(root)], capture_output=True, text=True, env=env)
    assert plain.returncode == 1
    assert plain.stderr.strip() == f"error: {root / 'articles' / 'a.md'}:2: not valid UTF-8 (byte 0xFF at offset 13) — save the file as UTF-8"
    debug = subprocess.run([publish, "--debug", "check", str(root)], capture_output=True, text=True, env=env)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_new_makes_an_issue_that_passes_check(tmp_path):
    folder = tmp_path / "2025-02"
    result = run("new", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "articles/01-jianghua.md",
        "articles/02-tongzhi.md",
        "issue.toml",
    ]
    checked = run("check", str(folder))
    assert checked.exit_code == 0, checked.output
    shown = run("show", str(folder)).output
    for kind in ("paragraph", "heading", "salutation", "note", "item", "signature"):
        assert kind in shown, shown


def test_new_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("new", str(tmp_path))
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_show_on_a_broken_issue_exits_1(tmp_path):
    result = run("show", str(tmp_path))
    assert result.exit_code == 1 and "no issue.toml" in result.output
