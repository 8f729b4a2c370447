"""The screen PDF, read back: trim-size pages with nothing drawn outside them, RGB only, the
contents entries linked to the articles' first pages, an outline of the contents, sections and
articles, `/Lang`, `DisplayDocTitle`, page labels = the printed folios — and `publish build` writes
it beside the print PDF unless told `--no-screen`.

Built from the complete example issue (it has house-advertisement filler pages whose pictures run
into the bleed: the screen edition must cut them at the trim).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tagged_support import Node, read_tree

from publish.cjk.title_join import join_title

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bayannaoer-2025-01"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from publish.build import build
    from publish.layout import load_layout
    from publish.sources import load_issue

    out = tmp_path_factory.mktemp("screen")
    result = build(EXAMPLE, out, epub=False)
    issue = load_issue(EXAMPLE)
    return issue, load_layout(issue.layout, issue.root), result


def _num(x) -> float:  # type: ignore[no-untyped-def]
    return float(x)


def test_pages_are_the_trim_size_without_bleed_or_marks(built):
    import pikepdf

    _, layout, result = built
    with pikepdf.open(result.screen_path) as pdf, pikepdf.open(result.pdf_path) as print_pdf:
        assert len(pdf.pages) == len(print_pdf.pages)
        for page in pdf.pages:
            box = [_num(v) for v in page.mediabox]
            assert box == pytest.approx([0, 0, layout.trim_width, layout.trim_height], abs=0.01)
            for name in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
                if name in page.obj:
                    assert [_num(v) for v in page.obj[name]] == pytest.approx(box, abs=0.01)
        # the print file is bigger: trim + bleed + room for the crop marks
        assert _num(print_pdf.pages[0].mediabox[2]) > layout.trim_width + 2 * layout.bleed


def test_nothing_is_drawn_outside_the_trim(built):
    import pdfplumber

    _, layout, result = built
    outside = []
    with pdfplumber.open(result.screen_path) as pdf:
        for page in pdf.pages:
            for kind in ("chars", "images", "lines", "rects", "curves"):
                for o in getattr(page, kind):
                    if (o["x0"] < -0.01 or o["top"] < -0.01 or o["x1"] > layout.trim_width + 0.01
                            or o["bottom"] > layout.trim_height + 0.01):
                        outside.append((page.page_number, kind, o["x0"], o["top"], o["x1"], o["bottom"]))
    assert outside == []


def test_a_picture_running_into_the_bleed_is_cut_at_the_trim(tmp_path):
    """A full-bleed picture (a house ad, a cover) is drawn to the trim edges and no further."""
    import pdfplumber
    from PIL import Image

    from publish.fonts import load_fonts
    from publish.paginate.pages import Document, Page, PlacedImage
    from publish.pdf import write_pdf, write_screen_pdf

    picture = tmp_path / "ad.png"
    Image.new("RGB", (400, 600), (200, 30, 30)).save(picture)
    w, h, b = 400.0, 600.0, 9.0
    page = Page(0, 1, "right", "", (PlacedImage(picture, -b, -b, w + 2 * b, h + 2 * b),), "body")
    document = Document(w, h, b, (page,), title="t")
    fonts = load_fonts(None)
    screen = write_screen_pdf(document, fonts, tmp_path / "screen.pdf")
    with pdfplumber.open(screen) as pdf:
        (image,) = pdf.pages[0].images
        assert (image["x0"], image["top"], image["x1"], image["bottom"]) == pytest.approx((0, 0, w, h), abs=0.01)
    with pdfplumber.open(write_pdf(document, fonts, tmp_path / "print.pdf")) as pdf:
        (image,) = pdf.pages[0].images
        assert image["x1"] - image["x0"] == pytest.approx(w + 2 * b, abs=0.01)  # print keeps the bleed


def _operators(pdf, page) -> set[str]:  # type: ignore[no-untyped-def]
    import pikepdf

    return {str(op) for _operands, op in pikepdf.parse_content_stream(page)}


def test_the_screen_pdf_is_rgb_and_the_print_pdf_stays_cmyk(built):
    import pikepdf

    _, _, result = built
    with pikepdf.open(result.screen_path) as pdf:
        for page in pdf.pages:
            ops = _operators(pdf, page)
            assert not ops & {"k", "K"}, "no CMYK colour on screen"
            for _name, image in page.images.items():
                assert str(image.ColorSpace) in ("/DeviceRGB", "/DeviceGray")
    with pikepdf.open(result.pdf_path) as pdf:
        for page in pdf.pages:
            assert not _operators(pdf, page) & {"rg", "RG"}, "no RGB colour in print"


def _dest_page(pdf, dest) -> int:  # type: ignore[no-untyped-def]
    import pikepdf

    if isinstance(dest, pikepdf.Name | pikepdf.String):
        key = str(dest)
        dests = pdf.Root.Dests
        dest = dests[key if key.startswith("/") else "/" + key]
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.D
    return [p.objgen for p in pdf.pages].index(dest[0].objgen)


def _article_start_pages(path: Path) -> dict[str, int]:
    """Article title → the page its H1 (first line of the title) is on, from the structure tree."""
    root, _ = read_tree(path)
    out = {}
    for art in (n for n in root.walk() if n.type == "Art"):
        h1 = next(k for k in art.kids if isinstance(k, Node) and k.type == "H1")
        out[art.title] = h1.marked()[0][0]
    return out


def test_every_contents_entry_links_to_its_article_s_first_page(built):
    import pikepdf

    issue, _, result = built
    starts = _article_start_pages(result.screen_path)
    with pikepdf.open(result.screen_path) as pdf:
        contents_pages = {i for i, p in enumerate(pdf.pages) if "/Annots" in p.obj}
        links = []
        for i, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                assert annot.Subtype == "/Link"
                assert str(page.obj.Tabs) == "/S"
                links.append((i, str(annot.Contents), _dest_page(pdf, annot.Dest), annot))
        assert {title for _, title, _, _ in links} == {join_title(a.title) for a in issue.articles}
        for _, title, target, _ in links:
            assert target == starts[title], title
        # the link is where the entry is printed: the annotation covers the entry's title text
        import pdfplumber

        with pdfplumber.open(result.screen_path) as plumb:
            for page_index, title, _, annot in links:
                x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                page = plumb.pages[page_index]
                inside = "".join(c["text"] for c in page.chars
                                 if x0 - 0.5 <= c["x0"] and c["x1"] <= x1 + 0.5
                                 and y0 - 0.5 <= page.height - c["bottom"] and page.height - c["top"] <= y1 + 0.5)
                assert re.sub(r"\s", "", title)[:6] in re.sub(r"\s", "", inside), title
        assert contents_pages and max(contents_pages) < min(starts.values())


def test_each_link_is_tagged_as_a_link_element_with_its_annotation(built):
    import pikepdf

    _, _, result = built
    root, pdf = read_tree(result.screen_path)
    link_elems = [n for n in root.walk() if n.type == "Link"]
    annots = [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
    objr = [k[2].objgen for n in link_elems for k in n.kids if not isinstance(k, Node) and k[0] == "annot"]
    assert sorted(objr) == sorted(a.objgen for a in annots)
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for a in annots:
        parent = tree[int(a.StructParent)]
        assert str(parent.S) == "/Link"
        assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == a.objgen
                   for k in parent.K)


def test_the_outline_lists_the_contents_then_sections_with_their_articles(built):
    import pikepdf

    issue, _, result = built
    starts = _article_start_pages(result.screen_path)
    with pikepdf.open(result.screen_path) as pdf, pdf.open_outline() as outline:
        top = list(outline.root)
        assert top[0].title == "目录"
        assert _dest_page(pdf, top[0].destination) == 0
        sections = [s.title for s in issue.sections if s.articles]
        # a section listed twice in a row in issue.toml is one outline entry
        assert [t.title for t in top[1:]] == [s for k, s in enumerate(sections) if k == 0 or s != sections[k - 1]]
        titles = [(child.title, _dest_page(pdf, child.destination)) for t in top[1:] for child in t.children]
        assert [t for t, _ in titles] == [join_title(a.title) for a in issue.articles]
        assert all(page == starts[title] for title, page in titles)


def test_lang_title_display_and_page_labels_are_the_folios(built):
    import pikepdf

    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate

    issue, _, result = built
    document = paginate(issue, load_layout(issue.layout, issue.root), load_fonts(issue.root, dict(issue.fonts)))
    with pikepdf.open(result.screen_path) as pdf:
        assert str(pdf.Root.Lang) == "zh-CN"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == f"{issue.magazine} {issue.label}"
        labels = [p.label for p in pdf.pages]
    assert labels == [str(p.folio) if p.folio else "" for p in document.pages]


def test_publish_build_writes_the_screen_pdf_unless_told_not_to(tmp_path):
    from click.testing import CliRunner

    from publish.cli import main

    runner = CliRunner()
    sample = ROOT / "examples" / "sample"
    done = runner.invoke(main, ["build", str(sample), "-o", str(tmp_path / "a"), "--no-epub"])
    assert done.exit_code == 0, done.output
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "bayannaoer-renda-2025-1-screen.pdf" in names and "bayannaoer-renda-2025-1.pdf" in names
    assert str(tmp_path / "a" / "bayannaoer-renda-2025-1-screen.pdf") in done.output
    done = runner.invoke(main, ["build", str(sample), "-o", str(tmp_path / "b"), "--no-epub", "--no-screen"])
    assert done.exit_code == 0, done.output
    assert not any(p.name.endswith("-screen.pdf") for p in (tmp_path / "b").iterdir())


def test_the_covers_file_has_no_article_text_and_claims_no_pdfua(built):
    import pikepdf

    _, _, result = built
    assert result.cover_path is not None
    with pikepdf.open(result.cover_path) as cover, pikepdf.open(result.pdf_path) as inner:
        assert b"pdfuaid:part" not in cover.Root.Metadata.read_bytes()
        assert b"<pdfuaid:part>1</pdfuaid:part>" in inner.Root.Metadata.read_bytes()


def test_the_sample_s_photos_are_rgb_on_screen_and_cmyk_in_print(tmp_path):
    import pikepdf

    from publish.build import build

    result = build(ROOT / "examples" / "sample", tmp_path, epub=False)
    for path, spaces in ((result.screen_path, {"/DeviceRGB", "/DeviceGray"}),
                         (result.pdf_path, {"/DeviceCMYK", "/DeviceGray"})):
        with pikepdf.open(path) as pdf:
            found = [str(im.ColorSpace) for p in pdf.pages for im in p.images.values()]
        assert found and set(found) <= spaces, (path.name, found)


def test_the_same_sources_in_another_folder_give_the_same_screen_pdf(tmp_path, monkeypatch):
    # Determinism covers where the issue lies: the sample has JPEG photos, which the screen edition
    # embeds as they are — their XObject names must come from the pictures, not from their paths.
    import shutil

    from publish.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = []
    for where in ("a", "b/deeper/still"):
        issue = tmp_path / where / "issue"
        shutil.copytree(ROOT / "examples" / "sample", issue)
        result = build(issue, tmp_path / where / "out", epub=False)
        files.append((result.pdf_path.read_bytes(), result.screen_path.read_bytes()))
    assert files[0][0] == files[1][0]
    assert files[0][1] == files[1][1]
