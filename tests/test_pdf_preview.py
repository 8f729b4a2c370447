"""`publish preview`: PNG proofs of the print PDF.

Specification:
- one PNG per selected page, the trimmed page at the chosen resolution (185 × 260 mm at 100 dpi is
  about 728 × 1024 px); `--full` shows the whole sheet with bleed and crop marks;
- `--spreads` puts facing pages side by side: an even folio on the left, an odd folio on the right;
  a page without a partner sits on its own side of a spread of full width;
- `--pages 1-4` style selections; a bad selection or a file that is not a PDF is a one-line error
  with exit status 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_support import MM, UKaiFonts, sample_document
from PIL import Image

from publish.cli import main
from publish.errors import BuildError
from publish.paginate.pages import Document, Page
from publish.pdf import write_pdf
from publish.pdf.preview import parse_pages, render_preview, spreads


@pytest.fixture(scope="module")
def fonts() -> UKaiFonts:
    return UKaiFonts()


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory, fonts: UKaiFonts) -> Path:
    """Four pages with folios 57-60: 57 is a right page, 58/59 a spread, 60 a left page."""
    base = sample_document(fonts)
    pages = tuple(
        Page(i, 57 + i, "right" if (57 + i) % 2 else "left", "特别报道", base.pages[i % 2].items)
        for i in range(4)
    )
    doc = Document(**{**base.__dict__, "pages": pages, "outline": ()})
    return write_pdf(doc, fonts, tmp_path_factory.mktemp("preview") / "issue.pdf")


def px(mm_: float, dpi: float) -> float:
    return mm_ / 25.4 * dpi


def test_pages_are_rendered_at_the_trim_size(tmp_path: Path, pdf: Path) -> None:
    files = render_preview(pdf, tmp_path, dpi=100)
    assert [f.name for f in files] == ["page-001.png", "page-002.png", "page-003.png", "page-004.png"]
    for f in files:
        w, h = Image.open(f).size
        assert w == pytest.approx(px(185, 100), abs=0.51)
        assert h == pytest.approx(px(260, 100), abs=0.51)


def test_full_sheet_shows_bleed_and_marks(tmp_path: Path, pdf: Path) -> None:
    [f] = render_preview(pdf, tmp_path, pages="1", dpi=72, full=True)
    w, h = Image.open(f).size
    assert w > 185 * MM + 2 * 3 * MM and h > 260 * MM + 2 * 3 * MM
    # the top-left corner of the sheet is paper (no content outside the marks)
    assert Image.open(f).convert("L").getpixel((2, 2)) == 255


def test_spreads_pair_even_left_with_odd_right(tmp_path: Path, pdf: Path) -> None:
    files = render_preview(pdf, tmp_path, spreads_=True, dpi=50)
    assert [f.name for f in files] == ["spread-001.png", "spread-002-003.png", "spread-004.png"]
    sizes = {Image.open(f).size for f in files}
    assert len(sizes) == 1
    [(w, h)] = sizes
    assert w == pytest.approx(2 * px(185, 50), abs=3)
    # folio 57 is a right page: the left half of its spread is empty paper
    first = Image.open(files[0]).convert("L")
    assert first.crop((0, 0, w // 2, h)).getextrema() == (255, 255)
    assert first.crop((w // 2, 0, w, h)).getextrema()[0] < 128
    # folio 60 is a left page: the right half is empty
    last = Image.open(files[2]).convert("L")
    assert last.crop((w // 2, 0, w, h)).getextrema() == (255, 255)


def test_spreads_for_a_page_selection_include_the_facing_pages(tmp_path: Path, pdf: Path) -> None:
    files = render_preview(pdf, tmp_path, pages="3", spreads_=True, dpi=30)
    assert [f.name for f in files] == ["spread-002-003.png"]


def test_page_selection_syntax() -> None:
    assert parse_pages("1-4", 10) == [0, 1, 2, 3]
    assert parse_pages("2,5-6", 10) == [1, 4, 5]
    assert parse_pages("8-", 10) == [7, 8, 9]
    assert parse_pages("-2", 10) == [0, 1]
    for bad in ("0", "3-1", "11", "a-b", ","):
        with pytest.raises(BuildError):
            parse_pages(bad, 10)


def test_spread_pairing_without_a_partner() -> None:
    assert spreads(["right", "left", "right", "left"], [0, 1, 2, 3]) == [(None, 0), (1, 2), (3, None)]
    assert spreads(["left", "right"], [1]) == [(0, 1)]


def test_cli_prints_the_files_it_wrote(tmp_path: Path, pdf: Path) -> None:
    result = CliRunner().invoke(
        main, ["preview", str(pdf), "-o", str(tmp_path / "png"), "--pdf-pages", "1-2", "--dpi", "30"]
    )
    assert result.exit_code == 0, result.output
    listed = [Path(line) for line in result.output.splitlines()]
    assert [p.name for p in listed] == ["page-001.png", "page-002.png"]
    assert all(p.is_file() for p in listed)


def test_cli_bad_pages_is_one_line_and_exit_1(tmp_path: Path, pdf: Path) -> None:
    result = CliRunner().invoke(main, ["preview", str(pdf), "-o", str(tmp_path), "--pdf-pages", "9"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "outside the PDF's 1-4" in result.output
    assert "Traceback" not in result.output


def test_cli_pages_are_folios_and_pdf_pages_are_positions(tmp_path: Path, pdf: Path) -> None:
    # the fixture's pages carry folios 57-60: folio 58 is the second page of the PDF
    result = CliRunner().invoke(main, ["preview", str(pdf), "-o", str(tmp_path / "a"), "--pages", "58-59",
                                       "--dpi", "30"])
    assert result.exit_code == 0, result.output
    assert [Path(x).name for x in result.output.splitlines()] == ["page-002.png", "page-003.png"]
    result = CliRunner().invoke(main, ["preview", str(pdf), "-o", str(tmp_path / "b"), "--pages", "59-",
                                       "--dpi", "30"])
    assert [Path(x).name for x in result.output.splitlines()] == ["page-003.png", "page-004.png"]
    result = CliRunner().invoke(main, ["preview", str(pdf), "-o", str(tmp_path / "c"), "--pdf-pages", "2",
                                       "--dpi", "30"])
    assert [Path(x).name for x in result.output.splitlines()] == ["page-002.png"]


def test_cli_a_folio_not_in_the_pdf_is_one_line_naming_the_range(tmp_path: Path, pdf: Path) -> None:
    result = CliRunner().invoke(main, ["preview", str(pdf), "-o", str(tmp_path), "--pages", "4"])
    assert result.exit_code == 1
    assert result.output.strip() == ("error: folio 4 not in the PDF (its folios run 57-60) — choose folios "
                                     "between 57 and 60, or positions with --pdf-pages")


def test_cli_not_a_pdf_is_one_line_and_exit_1(tmp_path: Path) -> None:
    fake = tmp_path / "x.pdf"
    fake.write_text("hello")
    result = CliRunner().invoke(main, ["preview", str(fake), "-o", str(tmp_path / "png")])
    assert result.exit_code == 1
    assert "cannot be opened as a PDF" in result.output
    assert not (tmp_path / "png").exists() or not any((tmp_path / "png").iterdir())


def test_cli_default_resolution_matches_the_library() -> None:
    from publish.cli import preview as command
    from publish.pdf import preview

    assert command.DEFAULT_DPI == preview.DEFAULT_DPI


def test_without_folios_the_first_page_is_a_right_hand_page(tmp_path: Path, fonts: UKaiFonts) -> None:
    pages = tuple(Page(i, None, "", "", ()) for i in range(3))
    pdf = write_pdf(Document(100 * MM, 150 * MM, 3 * MM, pages, title="无页码"), fonts, tmp_path / "n.pdf")
    files = render_preview(pdf, tmp_path / "png", spreads_=True, dpi=20)
    assert [f.name for f in files] == ["spread-001.png", "spread-002-003.png"]
