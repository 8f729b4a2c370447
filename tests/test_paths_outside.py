"""Paths that leave the issue folder (issue 17 point 8): articles and pictures named by `../`, by an
absolute path or through a symbolic link pointing out are refused by default with the file and line
that name them; `--allow-outside` (library: `allow_outside=True`) permits them. Fonts and layouts
named by path may be anywhere."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from publish.cli import main
from publish.errors import SourceError
from publish.sources import load_issue

ISSUE = ('[magazine]\ntitle = "巴彦淖尔人大"\n\n[issue]\nlabel = "2025年第1期"\ndate = 2025-01-20\n\n'
         '[[sections]]\ntitle = "栏目"\narticles = [\n  "{entry}",\n]\n')
ARTICLE = '+++\ntitle = "标题"\n+++\n\n正文第一段。\n{figure}'


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40)).save(buf, "PNG")
    return buf.getvalue()


def _issue(root: Path, entry: str = "articles/a.md", figure: str = "") -> Path:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "issue.toml").write_text(ISSUE.replace("{entry}", entry), encoding="utf-8")
    if entry == "articles/a.md":  # an article outside is the only one
        (root / "articles" / "a.md").write_text(ARTICLE.replace("{figure}", figure), encoding="utf-8")
    return root


def _outside_problems(root: Path, **kw):
    with pytest.raises(SourceError) as caught:
        load_issue(root, **kw)
    return [p for p in caught.value.problems if p.code == "path-outside-issue"]


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "secret.md").write_text(ARTICLE.replace("{figure}", ""), encoding="utf-8")
    (other / "secret.png").write_bytes(_png())
    return other


@pytest.mark.parametrize("how", ["relative", "absolute", "symlink"])
def test_an_article_outside_the_folder_is_refused_with_issue_toml_and_line(tmp_path, elsewhere, how):
    root = tmp_path / "issue"
    if how == "symlink":
        _issue(root, "articles/link.md")
        (root / "articles" / "link.md").symlink_to(elsewhere / "secret.md")
    else:
        entry = "../elsewhere/secret.md" if how == "relative" else str(elsewhere / "secret.md")
        _issue(root, entry)
    (problem,) = _outside_problems(root)
    assert Path(problem.path).name == "issue.toml" and problem.line == 11  # the entry's line
    assert "outside the issue folder" in problem.message and "--allow-outside" in problem.fix
    assert load_issue(root, allow_outside=True).articles  # permitted on request


@pytest.mark.parametrize("how", ["relative", "absolute", "symlink"])
def test_a_picture_outside_the_folder_is_refused_with_article_and_line(tmp_path, elsewhere, how):
    root = tmp_path / "issue"
    if how == "symlink":
        (root / "images").mkdir(parents=True)
        (root / "images" / "pic.png").symlink_to(elsewhere / "secret.png")
        src = "images/pic.png"
    else:
        src = "../elsewhere/secret.png" if how == "relative" else str(elsewhere / "secret.png")
    _issue(root, figure=f"\n![说明]({src})\n")
    (problem,) = _outside_problems(root)
    assert Path(problem.path).name == "a.md" and problem.line == 7
    assert load_issue(root, allow_outside=True).articles


def test_a_link_inside_the_folder_is_fine(tmp_path):
    root = _issue(tmp_path / "issue", figure="\n![说明](images/pic.png)\n")
    (root / "store").mkdir()
    (root / "store" / "real.png").write_bytes(_png())
    (root / "images").mkdir()
    os.symlink(root / "store" / "real.png", root / "images" / "pic.png")
    assert load_issue(root).articles


def test_the_commands_refuse_and_allow_outside(tmp_path, elsewhere, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    root = _issue(tmp_path / "issue", "../elsewhere/secret.md")
    refused = CliRunner().invoke(main, ["check", str(root)])
    assert refused.exit_code == 1 and "outside the issue folder" in refused.output
    allowed = CliRunner().invoke(main, ["check", "--allow-outside", str(root)])
    assert "outside the issue folder" not in allowed.output
    built = CliRunner().invoke(main, ["build", "--allow-outside", "--no-pdf", str(root), "-o", str(tmp_path / "o")])
    assert built.exit_code == 0, built.output


def test_a_publisher_refuses_and_allows_outside_like_render(tmp_path, elsewhere):
    import publish

    root = _issue(tmp_path / "issue", "../elsewhere/secret.md")
    with publish.Publisher(cache_dir=tmp_path / "cache", fork=False) as publisher:
        with pytest.raises(SourceError) as caught:
            publisher.render(root, epub=False, screen=False)
        assert any(p.code == "path-outside-issue" for p in caught.value.problems)
        assert publisher.render(root, epub=False, screen=False, allow_outside=True).pdf
        built = publisher.build(root, tmp_path / "out", epub=False, screen=False, allow_outside=True)
        assert built.pdf_path.is_file()
