"""The EPUB of the complete real issue, fonts embedded, stays within 2 MB.

The budget is what a reader downloads on a phone; subsets of the faces for the characters each
sets (about 1,700 distinct characters in the real issue) make it possible (docs/design/epub.md §1.5).
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


@pytest.mark.slow
def test_every_character_of_the_real_issue_has_a_glyph_in_the_embedded_fonts(tmp_path):
    """No missing glyphs: the subsets cover all text, except what no installed font has at all
    (which `publish check` reports through the fonts stage's coverage check)."""
    import io

    from fontTools.ttLib import TTFont

    if not (REAL / "issue.toml").exists():
        pytest.skip("examples/bayannaoer-2025-01 (the importer's output) is not there yet")
    try:
        from publish.sources import load_issue
    except ImportError:
        pytest.skip("publish.sources.load_issue is not there yet")
    from publish.coverage import coverage
    from publish.fonts import load_fonts

    issue = load_issue(REAL)
    fonts = load_fonts(issue.root, {k: list(v) for k, v in issue.fonts} or None)
    epub = EpubContents(write_epub(issue, tmp_path / "issue.epub", fonts=fonts))
    covered: set[int] = set()
    for name, data in epub.files.items():
        if name.startswith("EPUB/fonts/"):
            covered |= set(TTFont(io.BytesIO(data)).getBestCmap())
    uncovered_anywhere = {p.message for p in coverage(fonts, issue)}
    for name in [*epub.articles, epub.nav_path]:
        text = "".join(epub.xml(name).find("{*}body").itertext())
        missing = {c for c in text if not c.isspace() and ord(c) not in covered}
        missing = {c for c in missing if not any(f"U+{ord(c):04X}" in m for m in uncovered_anywhere)}
        assert missing == set(), f"{name}: {''.join(sorted(missing))}"
