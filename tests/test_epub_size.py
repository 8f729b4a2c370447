"""The EPUB of the complete real issue, fonts embedded, stays within 2 MB.

The budget is what a reader downloads on a phone; subsets of the faces for the characters each
sets (about 1,700 distinct characters in the real issue) make it possible (docs/epub.md §1.5).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.epub import write_epub
from publish.epub.inspect import EpubContents

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "examples" / "bayannaoer-2025-01"
LIMIT = 2 * 1024 * 1024


@pytest.mark.slow
def test_the_complete_issue_with_fonts_is_at_most_2_mb(tmp_path):
    if not (REAL / "issue.toml").exists():
        pytest.skip("examples/bayannaoer-2025-01 (the importer's output) is not there yet")
    try:
        from publish.sources import load_issue
    except ImportError:
        pytest.skip("publish.sources.load_issue is not there yet")
    issue = load_issue(REAL)
    path = write_epub(issue, tmp_path / "issue.epub")
    size = path.stat().st_size
    fonts = [n for n in EpubContents(path).files if n.startswith("EPUB/fonts/")]
    assert fonts, "the size is measured with fonts embedded"
    assert size <= LIMIT, f"{size:,} bytes > {LIMIT:,}"
