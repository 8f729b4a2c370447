"""Issue 14's acceptance on the complete example issue (examples/bayannaoer-2025-01), read back from
the built files: the body columns at most 8 % empty with at most 4 columns more than half empty
(tests/blank_support.py), the print PDF a multiple of 4 pages, and the cover file two spreads at
trim + bleed."""

from __future__ import annotations

import pdfplumber
import pytest
from blank_support import measure_blank
from build_support import FULL_EXAMPLE

from publish.build import build
from publish.layout import load_layout
from publish.sources import load_issue

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (FULL_EXAMPLE / "issue.toml").is_file(), reason="the complete example is missing")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    issue = load_issue(FULL_EXAMPLE)
    layout = load_layout(issue.layout, issue.root)
    return issue, layout, build(FULL_EXAMPLE, out)


def test_the_body_columns_are_filled_like_a_printed_magazine(built):
    _issue, layout, result = built
    report = measure_blank(result.pdf_path, layout)
    assert report.body_pages > 40
    assert report.share <= 0.08, report.summary()
    assert len(report.half_empty) <= 4, report.summary()


def test_the_print_pdf_is_a_multiple_of_four_pages(built):
    _issue, layout, result = built
    with pdfplumber.open(result.pdf_path) as pdf:
        assert len(pdf.pages) % layout.page_multiple == 0 and layout.page_multiple == 4
        assert len(pdf.pages) == result.pages


def test_the_cover_file_has_the_outside_and_inside_spreads_at_trim_plus_bleed(built):
    issue, layout, result = built
    assert result.cover_path is not None and result.cover_path.name == f"{issue.slug}-cover.pdf"
    spine = issue.covers.spine_mm * 72 / 25.4
    with pdfplumber.open(result.cover_path) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            x0, y0, x1, y1 = page.trimbox
            assert (x1 - x0, y1 - y0) == pytest.approx((2 * layout.trim_width + spine, layout.trim_height), abs=0.05)
            bx0, by0, bx1, by1 = page.bleedbox
            assert (bx1 - bx0, by1 - by0) == pytest.approx(
                (2 * layout.trim_width + spine + 2 * layout.bleed, layout.trim_height + 2 * layout.bleed), abs=0.05)
            assert len(page.images) == 2  # a picture on each panel
        inside = "".join(pdf.pages[1].extract_text().split())
    assert "主办：巴彦淖尔市人大常委会" in inside  # the masthead on 封二
