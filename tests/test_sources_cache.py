"""Parsed articles kept in the cache: a warm build does not parse again, and the cache never hides
a change of the text, a problem, a removed figure or a changed parser (publish.sources.article)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sources_support import make_issue

from publish import load_issue
from publish.errors import SourceError
from publish.sources import article as article_mod

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")
WITH_FIGURE = '+++\ntitle = "标题"\n+++\n\n正文。\n\n![图一](images/a.png)\n'


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))


def no_parsing(*args, **kwargs):
    raise AssertionError("parsed again")


def test_an_unchanged_article_is_read_from_the_cache(tmp_path, monkeypatch):
    root = make_issue(tmp_path / "issue")
    first = load_issue(root)
    monkeypatch.setattr(article_mod, "_parse_article", no_parsing)
    assert load_issue(root) == first


def test_a_changed_article_is_parsed_again(tmp_path):
    root = make_issue(tmp_path / "issue")
    load_issue(root)
    (root / "articles" / "a.md").write_text('+++\ntitle = "新标题"\n+++\n\n改过的正文。\n', encoding="utf-8")
    issue = load_issue(root)
    assert issue.articles[0].title == ("新标题",)
    assert issue.articles[0].blocks[0].text == "改过的正文。"


def test_an_article_with_problems_is_not_kept_and_reports_them_every_time(tmp_path):
    root = make_issue(tmp_path / "issue", {"articles/a.md": '+++\ntitle = "标题"\ncolour = "红"\n+++\n\n正文。\n'})
    for _ in range(2):
        with pytest.raises(SourceError, match="unknown front matter key 'colour'"):
            load_issue(root)


def test_a_figure_removed_after_the_first_read_is_reported(tmp_path):
    root = make_issue(tmp_path / "issue", {"articles/a.md": WITH_FIGURE, "images/a.png": PNG})
    assert load_issue(root).articles[0].blocks[1].image == (root / "images" / "a.png").resolve()
    (root / "images" / "a.png").unlink()
    with pytest.raises(SourceError, match=r"image not found: images/a\.png"):
        load_issue(root)


def test_another_parser_version_does_not_use_the_old_entries(tmp_path, monkeypatch):
    root = make_issue(tmp_path / "issue")
    load_issue(root)
    calls = []
    real = article_mod._parse_article

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(article_mod, "_parse_article", counting)
    monkeypatch.setattr(article_mod, "_code_digest", lambda: "a different parser")
    load_issue(root)
    assert calls == [1]


def test_a_warm_read_does_not_import_markdown_it(tmp_path):
    root = make_issue(tmp_path / "issue")
    load_issue(root)
    probe = (
        "import sys; from publish import load_issue; load_issue(sys.argv[1]); "
        "print('markdown_it' in sys.modules)"
    )
    env_cache = str(tmp_path / "cache")
    done = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1], env={"PUBLISH_CACHE_DIR": env_cache,
                                                                       "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "False"
