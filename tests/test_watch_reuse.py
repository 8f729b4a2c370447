"""What `publish watch` keeps warm between rebuilds never changes what it writes: after a series of
edits the watch's PDF is byte for byte the PDF a fresh `publish build` (another process, nothing
kept) writes from the same sources — while unchanged pages really are taken from what was kept."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publish.watch.session import WatchSession

ROOT = Path(__file__).resolve().parents[1]
COMPLETE = ROOT / "examples" / "bayannaoer-2025-01"
SAMPLE = ROOT / "examples" / "sample"
EPOCH = "1700000000"


def _fresh_pdf(issue: Path, out: Path) -> bytes:
    """The print PDF of `publish build` run in a new process."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run([sys.executable, "-m", "publish", "build", str(issue), "-o", str(out), "--no-epub",
                           "--no-screen", "-q"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    [pdf] = [p for p in out.glob("*.pdf") if not p.name.endswith("-cover.pdf")]
    return pdf.read_bytes()


def _same_as_fresh(session: WatchSession, issue: Path, tmp_path: Path, step: str) -> None:
    snap = session.rebuild()
    assert snap.errors == [], snap.errors
    assert snap.pdf_path is not None
    fresh = _fresh_pdf(issue, tmp_path / f"fresh-{step}")
    watched = snap.pdf_path.read_bytes()
    assert watched == fresh, f"after {step}: the watch's PDF differs from a fresh build's"


def _copy(source: Path, tmp_path: Path) -> Path:
    issue = tmp_path / "issue"
    shutil.copytree(source, issue)
    return issue


@pytest.mark.slow
def test_after_edits_of_the_complete_issue_the_watch_pdf_is_a_fresh_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    issue = _copy(COMPLETE, tmp_path)
    articles = sorted((issue / "articles").glob("*.md"))
    middle, first = articles[len(articles) // 2], articles[0]
    middle_text, first_text = middle.read_text(encoding="utf-8"), first.read_text(encoding="utf-8")
    session = WatchSession(issue, tmp_path / "out")
    assert session.rebuild().errors == []

    # a sentence more at the end of an article: its page changes, every other page is kept
    middle.write_text(middle_text + "\n本刊讯：这是追加的一句话。\n", encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "a sentence appended")
    pages = len(session.snapshot.pages)
    assert session.snapshot.changed and len(session.snapshot.changed) <= 3
    assert session.pdf_reuse.reused >= pages - 4, "unchanged pages were drawn anew"

    # two pages' worth of text near the start: everything after it moves (other folios, other
    # lines on pages, more pages)
    body = first_text.split("+++", 2)[2]
    first.write_text(first_text.replace(body, "\n新增的一段：" + "这是为了让后面的页面移动而加的文字。" * 200 + "\n" + body, 1),
                     encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "a paragraph inserted")
    assert len(session.snapshot.pages) > pages and len(session.snapshot.changed) > pages // 2

    # a title changed in the front matter (title block, contents, outline)
    text = first.read_text(encoding="utf-8")
    title = re.search(r'^title = (\[?)"', text, re.M)  # a string, or a list of the printed lines
    assert title is not None
    first.write_text(text.replace(title.group(0), title.group(0) + "修订：", 1), encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "a title changed")

    # back to the sources as they were: what was dropped is made again
    first.write_text(first_text, encoding="utf-8")
    middle.write_text(middle_text, encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "the edits undone")


def test_after_edits_of_the_sample_issue_and_its_issue_toml_the_watch_pdf_is_a_fresh_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    issue = _copy(SAMPLE, tmp_path)
    session = WatchSession(issue, tmp_path / "out")
    assert session.rebuild().errors == []
    last = sorted((issue / "articles").glob("*.md"))[-1]
    text = last.read_text(encoding="utf-8")

    # a list and a note added to the last article (the tagged PDF draws a list label apart)
    last.write_text(text + "\n1. 第一项要求[^n]。\n2. 第二项要求。\n\n[^n]: 一条新的注释。\n", encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "a list and a note added")

    # the issue's label changes every running header that shows it, and the document's title
    toml = issue / "issue.toml"
    toml_text = toml.read_text(encoding="utf-8")
    label = re.search(r'^label = "(.+)"$', toml_text, re.M)
    assert label is not None
    toml.write_text(toml_text.replace(label.group(0), f'label = "{label.group(1)}（增刊）"', 1), encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "the label changed")

    # an error in between keeps nothing wrong: after the fix the PDF is again a fresh build's
    last.write_text(text.replace("title = ", "title = = ", 1), encoding="utf-8")
    assert session.rebuild().errors
    last.write_text(text, encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "an error fixed")


class _Face:
    def __init__(self, path: Path) -> None:
        self.key, self.role, self.candidate, self.path, self.index = "body", "body", "X", path, 0
        self.family, self.style, self.format = "X", "Regular", "TrueType"


class _Role:
    def __init__(self, path: Path) -> None:
        self.candidates, self.missing, self.faces = ("X",), (), (_Face(path),)


class _FontSet:
    def __init__(self, path: Path) -> None:
        self.roles, self.config, self.issue_root = {"body": _Role(path)}, "config", None


def test_the_kept_font_set_is_given_up_when_a_font_file_changes(tmp_path, monkeypatch):
    from publish.loaders import Loaders
    from publish.watch.session import _WarmLoaders

    font = tmp_path / "x.ttf"
    font.write_bytes(b"font")
    monkeypatch.setattr(Loaders, "fonts", lambda self, root, overrides: _FontSet(font))
    loaders = _WarmLoaders()
    first = loaders.fonts(None, {})
    assert loaders.fonts(None, {}) is first  # loaded afresh, found the same: the kept one
    os.utime(font, ns=(1, 1))
    changed = loaders.fonts(None, {})
    assert changed is not first  # the file changed: the new font set
    font.write_bytes(b"another font")
    assert loaders.fonts(None, {}) is not changed


def test_a_replaced_picture_and_a_new_table_reach_the_watch_pdf_as_a_fresh_build(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    issue = _copy(SAMPLE, tmp_path)
    session = WatchSession(issue, tmp_path / "out")
    assert session.rebuild().errors == []

    # the figure's picture replaced by a taller one (same name): its row is set again
    picture = issue / "images" / "nongtian.jpg"
    with Image.open(picture) as im:
        width, height = im.size
        im.convert("RGB").resize((width, height * 2)).save(picture, "JPEG", quality=90, dpi=(300, 300))
    _same_as_fresh(session, issue, tmp_path, "a picture replaced")

    # a table added to the first article
    first = sorted((issue / "articles").glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n| 项目 | 数量 |\n| --- | --- |\n| 代表建议 | 12 |\n"
                     "| 议案 | 3 |\n", encoding="utf-8")
    _same_as_fresh(session, issue, tmp_path, "a table added")

    # many more edits: what is kept stays the size of one issue (unused entries are dropped)
    sizes = []
    text = first.read_text(encoding="utf-8")
    for n in range(4):
        first.write_text(text + f"\n第{n}次追加的一段话。\n", encoding="utf-8")
        assert session.rebuild().errors == []
        sizes.append(len(session._warm.setter.memo))
    assert max(sizes) - min(sizes) <= 2, sizes
