"""The importer on big and odd input (issue 17 point 9): `-o .` imports into the working folder; an
article printed twice is flagged; the summary names a bounded number of sections, one per line; the
work grows linearly with the input (bench/import.py times 1×, 4×, 16× the seed)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from click.testing import CliRunner
from import_support import RIVER, SCHOOL, SHEEP, issue, page, wrap

from publish.cli import main
from publish.importer import import_text
from publish.importer.report import SUMMARY_NAMES

META = {"label": "2025年第1期", "date": dt.date(2025, 1, 1)}


def _text() -> str:
    return issue(page(wrap(RIVER) + wrap(RIVER), ["灌区水利建设"]), page(wrap(SHEEP), ["肉羊产业"]),
                 page(wrap(SCHOOL), ["乡村学校"]))


def test_import_into_the_working_folder_with_dot(tmp_path, monkeypatch):
    source = tmp_path / "issue.txt"
    source.write_text(_text(), encoding="utf-8")
    here = tmp_path / "new-issue"
    here.mkdir()
    monkeypatch.chdir(here)
    result = CliRunner().invoke(main, ["import", str(source), "-o", ".", "--date", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert (here / "issue.toml").is_file() and list((here / "articles").glob("*.md"))
    assert Path.cwd() == here and os.path.samefile(os.getcwd(), here)  # the folder itself was not replaced
    assert not [p for p in here.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_import_with_force_into_the_working_folder_replaces_the_issue_files(tmp_path, monkeypatch):
    source = tmp_path / "issue.txt"
    source.write_text(_text(), encoding="utf-8")
    here = tmp_path / "w"
    (here / "articles").mkdir(parents=True)
    (here / "articles" / "old.md").write_text("old", encoding="utf-8")
    monkeypatch.chdir(here)
    refused = CliRunner().invoke(main, ["import", str(source), "-o", ".", "--date", "2025-01-01"])
    assert refused.exit_code == 1 and "not empty" in refused.output
    forced = CliRunner().invoke(main, ["import", str(source), "-o", ".", "--date", "2025-01-01", "--force"])
    assert forced.exit_code == 0, forced.output
    assert not (here / "articles" / "old.md").exists() and (here / "issue.toml").is_file()


def test_an_article_printed_twice_is_flagged(tmp_path):
    text = issue(page(wrap(RIVER) + wrap(RIVER), ["灌区水利建设"]), page(wrap(SHEEP), ["肉羊产业"]),
                 page(wrap(RIVER) + wrap(RIVER), ["灌区水利建设"]))
    report = import_text(text, **META).report
    flagged = [u for u in report.uncertain if "twice" in u or "times" in u]
    assert len(flagged) == 1 and "灌区水利建设" in flagged[0]
    assert report.counts["duplicates"] == 1
    assert "duplicated articles: 1" in report.summary()


def test_no_duplicates_no_flag():
    report = import_text(_text(), **META).report
    assert report.counts["duplicates"] == 0 and "duplicated" not in report.summary()


def test_the_summary_names_a_bounded_number_of_sections_and_no_line_is_huge():
    result = import_text(_text(), **META)
    names = [f"栏目{k}" for k in range(3525)]
    result.report.counts["sections"] = len(names)
    result.report.counts["section_titles"] = names
    summary = result.report.summary()
    assert max(len(line) for line in summary.splitlines()) < 300
    assert f"栏目{SUMMARY_NAMES - 1}" in summary and f"栏目{SUMMARY_NAMES}," not in summary
    assert f"and {3525 - SUMMARY_NAMES} more" in summary
