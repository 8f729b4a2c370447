"""`publish.check.check_issue_dir`: sources first, then font coverage and layout checks."""

from __future__ import annotations

import sys
import types
from pathlib import Path

from sources_support import make_issue

from publish.check import check_issue_dir
from publish.errors import Problem

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"


def test_the_sample_is_sound():
    # sound = no error; the sample keeps the printed issue's slips (an ASCII colon), which the
    # proofreader warns about (tests/test_proof.py)
    assert [p for p in check_issue_dir(SAMPLE) if not p.is_warning] == []


def test_source_problems_stop_before_the_later_stages(tmp_path, monkeypatch):
    called = []
    fake = types.ModuleType("publish.layout")
    fake.check_prepress = lambda issue: called.append(issue) or []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "publish.layout", fake)
    root = make_issue(tmp_path, {"articles/a.md": "no front matter\n"})
    problems = check_issue_dir(root)
    assert [p.message for p in problems] == ["no front matter: the file must start with a line '+++'"]
    assert called == []


def test_a_character_no_font_has_is_a_problem_at_its_line(tmp_path):
    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n正文。\n\n象形文字𓀀。\n'})
    problems = check_issue_dir(root)
    assert len(problems) == 1, problems
    assert str(problems[0]).startswith(f"{root / 'articles' / 'a.md'}:7: U+13000")


def test_layout_problems_are_included_when_the_layout_stage_has_check_prepress(tmp_path, monkeypatch):
    fake = types.ModuleType("publish.layout")
    fake.check_prepress = lambda issue: [Problem("image is 72 dpi", "x.md", 3, "use 300 dpi")]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "publish.layout", fake)
    assert [str(p) for p in check_issue_dir(make_issue(tmp_path))] == ["x.md:3: image is 72 dpi — use 300 dpi"]


def test_stages_that_are_missing_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "publish.layout", types.ModuleType("publish.layout"))  # no check_prepress
    monkeypatch.setitem(sys.modules, "publish.fonts", None)  # import fails
    assert check_issue_dir(make_issue(tmp_path)) == []


def test_a_low_resolution_photo_is_a_warning_and_the_check_still_passes(tmp_path):
    from click.testing import CliRunner
    from PIL import Image

    from publish.cli import main

    root = make_issue(tmp_path, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n正文。\n\n![小图](small.jpg)\n'})
    Image.new("RGB", (300, 200), "white").save(root / "small.jpg")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert "warning[image-low-dpi]:" in result.output and "small.jpg" in result.output and "dpi" in result.output


def test_a_missing_photo_beside_a_low_resolution_one_fails_the_check(tmp_path):
    from click.testing import CliRunner
    from PIL import Image

    from publish.cli import main

    body = '+++\ntitle = "标题"\n+++\n\n正文。\n\n![小图](small.jpg)\n\n![没有](gone.png)\n'
    root = make_issue(tmp_path, {"articles/a.md": body})
    Image.new("RGB", (300, 200), "white").save(root / "small.jpg")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "gone.png" in result.output
