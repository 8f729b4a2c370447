"""Covers and signatures: `[covers]` → `<slug>-cover.pdf` with the outside spread 封四|封一 and the
inside spread 封二|封三 at trim + bleed (+ the spine), the masthead (版权页) on 封二 or on the last
inner page, and the inner pages filled to the layout's `page_multiple` with its kind of filler."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from build_support import SAMPLE
from makeup_support import MASTHEAD, B, H, W, issue_with, picture

from publish.build import build
from publish.errors import PublishError
from publish.layout.spec import MM

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")

def covers_toml(root: Path, spine_mm: float = 0) -> str:
    for name, colour in (("front", "red"), ("inside-front", "white"), ("inside-back", "green"), ("back", "blue")):
        picture(root / "covers" / f"{name}.png", colour)
    return f'''
[covers]
front = "covers/front.png"
inside_front = "covers/inside-front.png"
inside_back = "covers/inside-back.png"
back = "covers/back.png"
spine_mm = {spine_mm}
'''


def boxes(pdf: Path) -> list[dict[str, tuple[float, ...]]]:
    with pdfplumber.open(pdf) as doc:
        return [{"trim": tuple(p.trimbox), "bleed": tuple(p.bleedbox), "media": tuple(p.mediabox)} for p in doc.pages]


def size(box: tuple[float, ...]) -> tuple[float, float]:
    return box[2] - box[0], box[3] - box[1]


@pytest.mark.parametrize("spine_mm", [0, 6.5])
def test_cover_file_has_two_spreads_at_trim_plus_bleed_with_the_spine(tmp_path: Path, spine_mm: float) -> None:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    root = issue_with(tmp_path / "x", covers_toml(root, spine_mm))
    for sub in ("covers",):
        shutil.copytree(tmp_path / "issue" / sub, root / sub)
    result = build(root, tmp_path / "out", epub=False)
    assert result.cover_path == tmp_path / "out" / f"{result.pdf_path.stem}-cover.pdf"
    pages = boxes(result.cover_path)
    assert len(pages) == 2  # outside spread, inside spread
    spread = 2 * W + spine_mm * MM
    for p in pages:
        assert size(p["trim"]) == pytest.approx((spread, H), abs=0.05)
        assert size(p["bleed"]) == pytest.approx((spread + 2 * B, H + 2 * B), abs=0.05)
        assert size(p["media"])[0] > size(p["bleed"])[0]  # room for the crop marks


def _colour_at(pdf: Path, page: int, x_pt: float, y_pt: float) -> tuple[int, ...]:
    """The rendered colour at (x, y) pt from the trim box's bottom-left corner."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    pg = doc[page]
    media_h = pg.get_size()[1]
    trim = pg.get_trimbox()
    im = pg.render(scale=1).to_pil().convert("RGB")
    doc.close()
    return im.getpixel((round(trim[0] + x_pt), round(media_h - (trim[1] + y_pt))))


def _near(rgb: tuple[int, ...], want: tuple[int, int, int]) -> bool:
    """Same colour family (the pictures go through a CMYK conversion): white, or the same
    strongest channel."""
    if want == (255, 255, 255) or min(rgb) > 200:
        return min(rgb) > 200 and want == (255, 255, 255)
    return max(range(3), key=lambda k: rgb[k]) == max(range(3), key=lambda k: want[k])


def test_cover_panels_are_where_a_printer_folds_them(tmp_path: Path) -> None:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    extra = covers_toml(root, 10)
    root2 = issue_with(tmp_path / "x", extra)
    shutil.copytree(root / "covers", root2 / "covers")
    cover = build(root2, tmp_path / "out", epub=False).cover_path
    s = 10 * MM
    # outside: 封四 (blue) left of the spine, 封一 (red) right of it; the front's bleed reaches past the trim
    assert _near(_colour_at(cover, 0, W / 2, H / 2), (0, 0, 255))
    assert _near(_colour_at(cover, 0, W + s + W / 2, H / 2), (255, 0, 0))
    assert _near(_colour_at(cover, 0, 2 * W + s + B / 2, H / 2), (255, 0, 0))
    assert _near(_colour_at(cover, 0, W + s / 2, H / 2), (255, 255, 255))  # no spine picture: paper
    # inside: 封二 (white, with the masthead) left, 封三 (green) right
    assert _near(_colour_at(cover, 1, W + s + W / 2, H / 2), (0, 128, 0))
    # the picture is clipped at the fold: the back cover's spine-side bleed does not cover the spine
    assert _near(_colour_at(cover, 0, W + 1, H / 2), (255, 255, 255))


def test_masthead_on_the_inside_front_cover(tmp_path: Path) -> None:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    root2 = issue_with(tmp_path / "x", covers_toml(root) + MASTHEAD)
    shutil.copytree(root / "covers", root2 / "covers")
    result = build(root2, tmp_path / "out", epub=False)
    with pdfplumber.open(result.cover_path) as doc:
        inside = doc.pages[1].extract_text()
        outside = doc.pages[0].extract_text()
    for text in ("主办：巴彦淖尔市人大常委会", "编辑：《巴彦淖尔人大》编辑部", "准印证号：内蒙古准印证（测试）",
                 "印刷：测试印刷厂", "出版日期：2025年第1期"):
        assert text in inside.replace(" ", "")
    assert "主办" not in outside
    with pdfplumber.open(result.pdf_path) as doc:  # …and not on an inner page
        assert not any("主办：" in (p.extract_text() or "") for p in doc.pages)


def test_masthead_on_the_last_inner_page_without_covers(tmp_path: Path) -> None:
    root = issue_with(tmp_path, MASTHEAD)
    result = build(root, tmp_path / "out", epub=False)
    assert result.cover_path is None
    with pdfplumber.open(result.pdf_path) as doc:
        assert len(doc.pages) % 4 == 0
        last = doc.pages[-1].extract_text().replace(" ", "")
        assert "主办：巴彦淖尔市人大常委会" in last and "印刷：测试印刷厂" in last


def test_masthead_needs_a_permit_or_an_issn(tmp_path: Path) -> None:
    root = issue_with(tmp_path, MASTHEAD.replace('permit = "内蒙古准印证（测试）"\n', ""))
    with pytest.raises(PublishError, match="准印证号"):
        build(root, tmp_path / "out")


@pytest.mark.parametrize("multiple", [4, 8, 16])
def test_inner_pages_are_filled_to_the_page_multiple(tmp_path: Path, multiple: int) -> None:
    root = issue_with(tmp_path, "", layout_patch={"page_multiple = 4": f"page_multiple = {multiple}",
                                                   'filler = "ads"': 'filler = "blank"'})
    result = build(root, tmp_path / "out", epub=False)
    with pdfplumber.open(result.pdf_path) as doc:
        n = len(doc.pages)
        blank = [p for p in doc.pages if not (p.extract_text() or "").strip()]
    assert n % multiple == 0 and result.pages == n
    assert result.fillers == len(blank) and 0 < result.fillers < multiple  # the sample has 7 set pages
    assert result.filler == "blank"


def test_filler_pages_are_house_ads_from_the_fillers_folder(tmp_path: Path) -> None:
    root = issue_with(tmp_path, "")
    picture(root / "fillers" / "a.png", "red")
    result = build(root, tmp_path / "out", epub=False)
    # the sample's 9 pages filled to the layout's multiple of 4
    assert result.fillers == 3 and result.pages == 12 and result.filler == "ads"
    with pdfplumber.open(result.pdf_path) as doc:
        last = doc.pages[-1]
        assert len(last.images) == 1 and not (last.extract_text() or "").strip()  # no running header
        assert last.images[0]["width"] == pytest.approx(W + 2 * B, abs=0.1)


def test_notes_filler_pages_are_ruled(tmp_path: Path) -> None:
    root = issue_with(tmp_path, "", layout_patch={'filler = "ads"': 'filler = "notes"'})
    result = build(root, tmp_path / "out", epub=False)
    with pdfplumber.open(result.pdf_path) as doc:
        last = doc.pages[-1]
        assert re.sub(r"\s", "", last.extract_text()) == "笔记"
        assert len(last.lines) > 10


def test_a_cover_picture_of_the_wrong_shape_is_an_error_before_anything_is_written(tmp_path: Path) -> None:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    extra = covers_toml(root)
    root2 = issue_with(tmp_path / "x", extra)
    shutil.copytree(root / "covers", root2 / "covers")
    picture(root2 / "covers" / "front.png", "red", (400, 400))
    with pytest.raises(PublishError, match=r"\[covers\] front: front.png has the shape"):
        build(root2, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_missing_cover_picture_names_the_key_and_line(tmp_path: Path) -> None:
    root = issue_with(tmp_path, '\n[covers]\nfront = "covers/nope.png"\n')
    with pytest.raises(PublishError, match=r"issue.toml:\d+: \[covers\] front: file not found: covers/nope.png"):
        build(root, tmp_path / "out")
