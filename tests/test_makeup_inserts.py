"""Full-page inserts (`[[inserts]]` in issue.toml): a picture at a given folio or directly after an
article takes a page of its own, counted in the folios, with no running header; the articles after
it move on by a page and the contents say so."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from build_support import SAMPLE
from makeup_support import B, W, issue_with, picture

from publish.build import build
from publish.errors import PublishError

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")


def pages_of(pdf: Path) -> list[tuple[str, str, int]]:
    """(page label = folio, text without spaces, number of images) of every page."""
    with pdfplumber.open(pdf) as doc:
        labels = [str(p.page_number) for p in doc.pages]
        try:
            import pypdfium2 as pdfium

            labels = [pdfium.PdfDocument(str(pdf)).get_page_label(k) for k in range(len(doc.pages))]
        except (ImportError, AttributeError):
            pass
        return [(labels[k], "".join((p.extract_text() or "").split()), len(p.images)) for k, p in enumerate(doc.pages)]


def build_with(tmp_path: Path, extra: str) -> list[tuple[str, str, int]]:
    root = issue_with(tmp_path, extra)
    picture(root / "inserts" / "ad.png", "red")
    result = build(root, tmp_path / "out", epub=False)
    return pages_of(result.pdf_path)


def test_an_insert_after_an_article_takes_the_next_page_and_the_next_article_follows_it(tmp_path: Path) -> None:
    plain = build_with(tmp_path / "a", "")
    pages = build_with(tmp_path / "b", '\n[[inserts]]\npicture = "inserts/ad.png"\n'
                                       'after = "articles/01-yanjiuhui-2025-gongzuo-yaodian.md"\n')
    inserts = [k for k, (_label, text, images) in enumerate(pages) if images == 1 and not text]
    assert len(inserts) == 1
    k = inserts[0]
    # counted in the folios, with no running header or folio text of its own
    assert int(pages[k - 1][0]) + 1 == int(pages[k][0]) == int(pages[k + 1][0]) - 1
    # article 01 ends on the page before it; article 02 opens the page after it (its title first)
    assert "认真完成自治区人大研究会交办的工作任务。" in pages[k - 1][1]
    assert "秉持初心持续奋进" in pages[k + 1][1]
    # (before it, the title is only in the contents, on the first page)
    assert [i for i, (_label, text, _images) in enumerate(pages) if "秉持初心持续奋进" in text] == [0, k + 1]
    # one page more is set (blank filler pages aside), and the whole is filled to a multiple of 4 again
    def set_pages(ps: list[tuple[str, str, int]]) -> int:
        return sum(1 for _label, text, images in ps if text or images)

    assert set_pages(pages) == set_pages(plain) + 1
    assert len(pages) % 4 == 0 and len(pages) - set_pages(pages) < 4


def test_an_insert_at_a_folio_is_that_page_and_later_pages_move_on(tmp_path: Path) -> None:
    plain = build_with(tmp_path / "a", "")
    pages = build_with(tmp_path / "b", '\n[[inserts]]\npicture = "inserts/ad.png"\nfolio = 5\n')
    at = {label: (text, images) for label, text, images in pages}
    assert at["5"] == ("", 1)
    plain_at = {label: text for label, text, _images in plain}
    # what was on folio 5 is now on folio 6 (its running header aside, the body text is the same)
    assert plain_at["5"][-40:] == at["6"][0][-40:]
    with pdfplumber.open(next((tmp_path / "b" / "out").glob("*.pdf"))) as doc:
        image = doc.pages[[p[0] for p in pages].index("5")].images[0]
        assert image["width"] == pytest.approx(W + 2 * B, abs=0.1)  # the page and its bleed


def test_an_insert_at_a_folio_outside_the_body_is_an_error_naming_its_line(tmp_path: Path) -> None:
    root = issue_with(tmp_path, '\n[[inserts]]\npicture = "inserts/ad.png"\nfolio = 99\n')
    picture(root / "inserts" / "ad.png", "red")
    with pytest.raises(PublishError, match=r"issue.toml:\d+: \[\[inserts\]\] folio = 99"):
        build(root, tmp_path / "out")


def test_an_insert_needs_a_folio_or_an_article(tmp_path: Path) -> None:
    root = issue_with(tmp_path, '\n[[inserts]]\npicture = "inserts/ad.png"\n')
    picture(root / "inserts" / "ad.png", "red")
    with pytest.raises(PublishError, match="either folio = N or after"):
        build(root, tmp_path / "out")
