"""`publish.write_issue` as a script uses it to change an issue and save it: the editor's
`issue.toml` keeps its comments and the keys the model does not hold, figure paths are written
relative to the folder written, and an article written under a new name leaves no stale file."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from build_support import SAMPLE

import publish

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "issue"
    shutil.copytree(SAMPLE, copy)
    toml = copy / "issue.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "[issue]\n", "[issue]\n# 编辑部：本期按 NFC 规范化\nnormalize = \"NFC\"\n", 1)
    toml.write_text("# 巴彦淖尔人大 issue file, kept by hand\n" + text, encoding="utf-8")
    return copy


def test_issue_toml_keeps_its_comments_and_unmodelled_keys(folder):
    issue = dataclasses.replace(publish.load_issue(folder), label="2025年第9期")
    publish.write_issue(issue, folder)
    text = (folder / "issue.toml").read_text(encoding="utf-8")
    assert text.startswith("# 巴彦淖尔人大 issue file, kept by hand\n")
    assert "# 编辑部：本期按 NFC 规范化\nnormalize = \"NFC\"\n" in text
    assert 'label = "2025年第9期"' in text and "2025年第1期" not in text
    again = publish.load_issue(folder)
    assert again.label == "2025年第9期" and again.articles == issue.articles


def test_writing_elsewhere_keeps_the_issues_own_toml(folder, tmp_path):
    publish.write_issue(publish.load_issue(folder), tmp_path / "copy")
    assert "normalize = \"NFC\"" in (tmp_path / "copy" / "issue.toml").read_text(encoding="utf-8")


def test_figure_paths_are_written_relative_to_the_new_folder(folder, tmp_path):
    from PIL import Image

    inside = folder / "images" / "inside.png"  # the issue's own picture: copied along
    outside = tmp_path / "photos" / "outside.png"  # a picture from elsewhere: pointed to
    for picture in (inside, outside):
        picture.parent.mkdir(exist_ok=True)
        Image.new("RGB", (40, 30), "white").save(picture)
    issue = publish.load_issue(folder)
    first = issue.sections[0].articles[0]
    figures = (publish.Figure(inside, (publish.Text("内"),)), publish.Figure(outside, (publish.Text("外"),)))
    with_figures = dataclasses.replace(first, blocks=(*first.blocks, *figures))
    issue = dataclasses.replace(issue, sections=(
        dataclasses.replace(issue.sections[0], articles=(with_figures, *issue.sections[0].articles[1:])),
        *issue.sections[1:]))
    new = tmp_path / "elsewhere" / "issue"
    publish.write_issue(issue, new)
    markdown = (new / "articles" / f"{first.slug}.md").read_text(encoding="utf-8")
    assert "![内](images/inside.png)" in markdown and "![外](../../photos/outside.png)" in markdown
    # (a picture outside the issue folder is refused unless allowed: the writer keeps it reachable)
    read = [b for b in publish.load_issue(new, allow_outside=True).articles[0].blocks
            if isinstance(b, publish.Figure)]
    assert [f.image for f in read][-2:] == [(new / "images" / "inside.png").resolve(), outside.resolve()]


def test_an_article_written_under_a_new_slug_leaves_no_stale_file(folder):
    issue = publish.load_issue(folder)
    first = issue.sections[0].articles[0]
    renamed = dataclasses.replace(first, slug="renamed")
    issue = dataclasses.replace(issue, sections=(
        dataclasses.replace(issue.sections[0], articles=(renamed, *issue.sections[0].articles[1:])),
        *issue.sections[1:]))
    publish.write_issue(issue, folder)
    names = sorted(p.name for p in (folder / "articles").iterdir())
    assert "renamed.md" in names and f"{first.slug}.md" not in names
    assert publish.load_issue(folder).articles[0].slug == "renamed"  # no "article is in no section"


def test_a_model_made_in_memory_writes_a_complete_issue_toml(tmp_path):
    import datetime as dt

    issue = publish.Issue(
        "巴彦淖尔人大", "2025年第3期", dt.date(2025, 3, 20),
        (publish.Section("动态", (publish.Article("news", ("标题",), (publish.Paragraph((publish.Text("正文。"),)),)),)),),
        magazine_slug="bayannaoer-renda", strict_fonts=True, proof_ignore=("ascii-comma",),
    )
    publish.write_issue(issue, tmp_path)
    again = publish.load_issue(tmp_path)
    assert (again.magazine_slug, again.strict_fonts, again.proof_ignore) == ("bayannaoer-renda", True, ("ascii-comma",))
    assert again.slug == issue.slug == "bayannaoer-renda-2025-3"
