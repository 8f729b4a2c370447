"""The page-list follows the print edition: one marker per print page, exactly where it begins.

- every page start becomes one `epub:type="pagebreak" role="doc-pagebreak"` marker whose
  aria-label is the folio; the page-list lists exactly those markers, labels = folios;
- the text after marker N begins with the text at the page start's (block, offset);
- page starts that do not fit the issue are a clear `BuildError`;
- with the real pipeline (`publish.build`), the first 20 non-space characters after marker N equal
  the first 20 of PDF page N's body text.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.epub import write_epub
from publish.epub.inspect import EpubContents, normalise
from publish.errors import BuildError
from publish.model import PageStart

REPO = Path(__file__).resolve().parents[1]


def _expected_after(issue, start: PageStart, n: int = 20) -> str:
    """The first n non-space characters of the issue's text from a page start, in reading order."""
    text = []
    seen = False
    for article in issue.articles:
        title_block = [*article.title, article.subtitle, *(b.unit + b.name for b in article.bylines)]
        if article.slug == start.article and start.block == -1:
            seen = True
        if seen:
            text += title_block
        for i, block in enumerate(article.blocks):
            if article.slug == start.article and i == start.block:
                seen = True
                text.append(block.text[start.offset :])
            elif seen:
                text.append(block.text)
    return normalise("".join(text))[:n]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pl")
    issue = make_issue(tmp)
    starts = page_starts(issue)
    path = write_epub(issue, tmp / "x.epub", page_starts=starts, embed_fonts=False)
    return issue, starts, EpubContents(path)


def test_page_list_lists_exactly_the_markers_with_the_folios_as_labels(built):
    _, starts, epub = built
    entries = epub.page_list()
    markers = epub.markers()
    assert [(e.file, e.fragment, e.label) for e in entries] == [(m.file, m.id, m.label) for m in markers]
    assert sorted(int(e.label) for e in entries) == sorted(s.folio for s in starts)
    assert all(m.id == f"page-{m.label}" for m in markers)


def test_every_page_list_target_is_a_page_break_marker(built):
    _, _, epub = built
    for e in epub.page_list():
        el = epub.xml(e.file).find(f".//*[@id='{e.fragment}']")
        assert el.get("{http://www.idpf.org/2007/ops}type") == "pagebreak"
        assert el.get("role") == "doc-pagebreak"
        assert el.get("aria-label") == e.label


def test_each_marker_sits_exactly_where_its_page_begins(built):
    issue, starts, epub = built
    for s in starts:
        entry = next(e for e in epub.page_list() if e.label == str(s.folio))
        assert epub.text_after(entry.file, entry.fragment) == _expected_after(issue, s), s


def test_a_marker_at_the_title_block_precedes_the_header(built):
    _, _, epub = built
    entry = next(e for e in epub.page_list() if e.label == "3")
    assert epub.text_after(entry.file, entry.fragment, 8) == "市五届人大常委会"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_markers_land_at_any_offset_of_any_block(tmp_path, data):
    issue = make_issue(tmp_path)
    article = data.draw(st.sampled_from(issue.articles))
    index = data.draw(st.integers(0, len(article.blocks) - 1))
    block = article.blocks[index]
    offset = data.draw(st.integers(0, max(0, len(block.text) - 1)))
    start = PageStart(42, article.slug, index, offset)
    epub = EpubContents(write_epub(issue, tmp_path / "h.epub", page_starts=[start], embed_fonts=False,
                                   cover=_tiny_png()))
    (entry,) = epub.page_list()
    assert entry.label == "42"
    assert epub.text_after(entry.file, entry.fragment) == _expected_after(issue, start)
    # the text itself is untouched by the split
    doc = epub.articles[issue.articles.index(article)]
    assert normalise(block.text) in epub.body_text(doc)


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (PageStart(3, "no-such-article", 0, 0), "unknown article"),
        (PageStart(3, "01-changweihui", 99, 0), "block 99"),
        (PageStart(3, "01-changweihui", 0, 9999), "offset 9999"),
    ],
)
def test_page_starts_that_do_not_fit_the_issue_are_a_build_error(tmp_path, start, message):
    issue = make_issue(tmp_path)
    with pytest.raises(BuildError, match=message):
        write_epub(issue, tmp_path / "x.epub", page_starts=[start], embed_fonts=False)


def test_a_folio_given_twice_is_a_build_error(tmp_path):
    issue = make_issue(tmp_path)
    slug = issue.articles[0].slug
    with pytest.raises(BuildError, match="begins twice"):
        write_epub(issue, tmp_path / "x.epub", page_starts=[PageStart(3, slug, 0, 0), PageStart(3, slug, 1, 0)],
                   embed_fonts=False)


@pytest.mark.slow
def test_page_list_matches_the_pdf_page_by_page(tmp_path):
    """First 20 non-space characters after marker N == first 20 of PDF page N's body text."""
    try:
        from publish.build import build
    except ModuleNotFoundError:
        pytest.skip("publish.build (the pagination engineer's build) is not there yet")
    sample = REPO / "examples" / "sample"
    if not (sample / "issue.toml").exists():
        pytest.skip("examples/sample is not there yet")
    env = os.environ.get("SOURCE_DATE_EPOCH")
    result = build(sample, tmp_path)
    assert env == os.environ.get("SOURCE_DATE_EPOCH")
    epub = EpubContents(result.epub_path)
    bodies = _pdf_body_texts(result.pdf_path)
    entries = epub.page_list()
    assert entries, "the sample has a page-list"
    article_pages = 0
    for entry in entries:
        folio = int(entry.label)
        assert folio in bodies, f"page-list names folio {folio}, which the PDF does not have"
        article_pages += 1
        want = bodies[folio][:20]
        assert epub.text_after(entry.file, entry.fragment) == want, f"page {folio}"
    # one entry per print page that holds article text
    assert article_pages == sum(1 for text in bodies.values() if text)


def _pdf_body_texts(pdf_path: Path) -> dict[int, str]:
    """Folio → the page's body text (headers and folios left out), read back column by column.

    Uses the pagination's own page model when the build exposes it; otherwise the PDF's text
    without its first/last line (header, folio)."""

    import pdfplumber

    out: dict[int, str] = {}
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            text = normalise("".join(w["text"] for w in words))
            label = page.page_number
            out[label] = text
    return out
