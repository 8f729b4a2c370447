"""Text fidelity: per article, the EPUB body text equals the source text — 0 missing, 0 extra.

Compared after NFC normalisation with all whitespace removed (indentation and line layout are the
stylesheet's business). Runs on the hand-made issue always, on `examples/sample` and the imported
real issue `examples/bayannaoer-2025-01` when the sources stage can read them.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts, source_text

from publish.epub import write_epub
from publish.epub.inspect import EpubContents, normalise

REPO = Path(__file__).resolve().parents[1]


def _differences(want: str, got: str) -> tuple[int, int]:
    """(missing, extra) characters between the source and the EPUB text."""
    missing = extra = 0
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            missing += a1 - a0
        if op in ("insert", "replace"):
            extra += b1 - b0
    return missing, extra


def _check(issue, path: Path) -> None:
    epub = EpubContents(path)
    assert len(epub.articles) == len(issue.articles)
    for article, doc in zip(issue.articles, epub.articles, strict=True):
        want = normalise(source_text(article))
        got = epub.body_text(doc)
        if want != got:
            missing, extra = _differences(want, got)
            pytest.fail(f"{article.slug}: {missing} missing, {extra} extra characters")


def test_every_character_of_every_article_reaches_the_epub(tmp_path):
    issue = make_issue(tmp_path)
    _check(issue, write_epub(issue, tmp_path / "x.epub", page_starts=page_starts(issue), embed_fonts=False))


def test_the_comparison_notices_a_lost_character(tmp_path):
    # The check itself must be able to fail: drop one character from the source side.
    issue = make_issue(tmp_path)
    epub = EpubContents(write_epub(issue, tmp_path / "x.epub", embed_fonts=False))
    want = normalise(source_text(issue.articles[0]))
    got = epub.body_text(epub.articles[0])
    assert want == got
    assert _differences(want, got[:10] + got[11:]) == (1, 0)
    assert _differences(want, got + "多") == (0, 1)


def _load(folder: Path):
    if not (folder / "issue.toml").exists():
        pytest.skip(f"{folder.relative_to(REPO)} is not there yet")
    try:
        from publish.sources import load_issue
    except ImportError:
        pytest.skip("publish.sources.load_issue is not there yet")
    return load_issue(folder)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "bayannaoer-2025-01"])
def test_the_example_issues_keep_every_character(tmp_path, name):
    issue = _load(REPO / "examples" / name)
    _check(issue, write_epub(issue, tmp_path / f"{name}.epub", embed_fonts=False))
