"""The print PDF: what a print shop's preflight and a reader of the text layer see.

Specification, on hand-made Documents (no pagination needed):
- qpdf finds no structural error; every page has TrimBox = trim, BleedBox = trim + 3 mm, and a
  MediaBox with room for crop marks outside the bleed;
- only embedded subset fonts, never Helvetica or another standard font;
- colour operators are only `k`/`K` with 0 0 0 1 (pure black), nothing RGB anywhere; black overprints;
- the text layer holds every line's characters in order, each glyph at the x pagination gave it;
- the outline has the sections and articles pointing at the right pages;
- two writes give identical bytes; failures leave no file behind.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdf_support import (
    MM,
    RealFonts,
    UKaiFonts,
    content_operators,
    font_set,
    page_content,
    page_objects,
    qpdf_json,
    sample_document,
    set_line,
)
from PIL import Image

from publish.errors import BuildError
from publish.paginate.pages import Document, OutlineEntry, Page, Rule, TextLine
from publish.pdf import Geometry, render_pdf, write_pdf


@pytest.fixture(scope="module", params=["ukai", "real"])
def fonts(request: pytest.FixtureRequest) -> UKaiFonts | RealFonts:
    """Every check runs with a TrueType face (AR PL UKai) and with the project's font set (Noto CJK,
    CID-keyed CFF): the writer must draw both kinds of ReportLab font correctly."""
    return font_set(request.param)


@pytest.fixture(scope="module")
def document(fonts: UKaiFonts | RealFonts) -> Document:
    return sample_document(fonts)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory, document: Document, fonts: UKaiFonts | RealFonts) -> Path:
    return write_pdf(document, fonts, tmp_path_factory.mktemp("pdf") / "issue.pdf")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def text_lines(page: Page) -> list[TextLine]:
    return [item for item in page.items if isinstance(item, TextLine)]


# --- structure ---------------------------------------------------------------------------------------


def test_qpdf_check_is_clean(pdf: Path) -> None:
    done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_pdf_version_is_1_6(pdf: Path) -> None:
    assert pdf.read_bytes().startswith(b"%PDF-1.6")


def test_every_page_has_trim_and_bleed_boxes_with_3mm_bleed(pdf: Path, document: Document) -> None:
    info = run("pdfinfo", "-box", "-f", "1", "-l", str(len(document.pages)), str(pdf))
    boxes: dict[tuple[int, str], list[float]] = {}
    for m in re.finditer(r"Page\s+(\d+)\s+(\w+Box):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", info):
        boxes[(int(m[1]), m[2])] = [float(v) for v in m.groups()[2:]]
    bleed = 3 * MM
    for n in range(1, len(document.pages) + 1):
        trim = boxes[(n, "TrimBox")]
        bleed_box = boxes[(n, "BleedBox")]
        media = boxes[(n, "MediaBox")]
        assert trim[2] - trim[0] == pytest.approx(document.trim_width, abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(document.trim_height, abs=0.01)
        for i, sign in enumerate((-1, -1, 1, 1)):
            assert bleed_box[i] - trim[i] == pytest.approx(sign * bleed, abs=0.01)
            # The media box leaves room outside the bleed for the crop marks (at least 5 mm).
            assert sign * (media[i] - bleed_box[i]) >= 5 * MM


def test_only_embedded_subset_fonts(pdf: Path) -> None:
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "the PDF lists no fonts"
    for row in rows:
        name = row.split()[0]
        assert re.fullmatch(r"[A-Z]{6}\+.+", name), row
        assert "Helvetica" not in row
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


# --- colour ------------------------------------------------------------------------------------------

COLOUR_OPERATORS = {"g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN"}


def test_all_colour_is_pure_black_cmyk_and_nothing_is_rgb(pdf: Path) -> None:
    facts = qpdf_json(pdf)
    seen = set()
    for page in page_objects(facts):
        for op, operands in content_operators(page_content(facts, page)):
            if op in COLOUR_OPERATORS:
                seen.add(op)
                assert op in ("k", "K"), f"colour operator {op} {operands}"
                assert [float(v) for v in operands] == [0, 0, 0, 1]
    assert seen == {"k", "K"}
    assert "/DeviceRGB" not in str(facts["objects"])


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript is not installed")
def test_only_the_black_plate_carries_ink(tmp_path: Path, pdf: Path) -> None:
    """Ghostscript separates the pages into C, M, Y, K as a RIP would: C, M and Y stay empty."""
    subprocess.run(
        [
            "gs",
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=tiff32nc",
            "-r36",
            "-o",
            str(tmp_path / "p%d.tif"),
            str(pdf),
        ],
        check=True,
    )
    plates = sorted(tmp_path.glob("p*.tif"))
    assert plates
    for tif in plates:
        with Image.open(tif) as image:
            assert image.mode == "CMYK"
            c, m, y, k = (band.getextrema() for band in image.split())
        assert c == m == y == (0, 0)
        assert k[1] > 200, "the black plate carries the text"


def test_black_is_set_to_overprint(pdf: Path) -> None:
    facts = qpdf_json(pdf)
    for page in page_objects(facts):
        states = page["/Resources"]["/ExtGState"]
        merged = {k: v for state in states.values() for k, v in state.items()}
        assert merged == {"/op": True, "/OP": True, "/OPM": 1}
        ops = [op for op, _ in content_operators(page_content(facts, page))]
        # the overprint state is set before the first text object
        assert ops.index("gs") < ops.index("BT")


def test_crop_marks_lie_outside_the_bleed_along_the_trim_edges() -> None:
    g = Geometry(185 * MM, 260 * MM, 3 * MM)
    bx0, by0, bx1, by1 = g.bleed_box
    tx0, ty0, tx1, ty1 = g.trim_box
    mw, mh = g.media
    segments = g.crop_marks()
    assert len(segments) == 8
    for x1, y1, x2, y2 in segments:
        for x, y in ((x1, y1), (x2, y2)):
            assert 0 <= x <= mw and 0 <= y <= mh
            assert not (bx0 < x < bx1 and by0 < y < by1), "a crop mark reaches into the bleed"
        if y1 == y2:
            assert y1 in (ty0, ty1)
        else:
            assert x1 == x2 and x1 in (tx0, tx1)


def test_crop_marks_are_drawn_and_the_bleed_area_outside_the_trim_is_blank(pdf: Path) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        scale = 2.0
        image = page.render(scale=scale).to_pil().convert("L")
        _mx0, my0, _mx1, my1 = page.get_mediabox()
        tx0, ty0, tx1, ty1 = page.get_trimbox()
        height = my1 - my0

        def darkest(x: float, y: float) -> int:
            """The darkest pixel within a pixel of (x, y): a 0.25 pt hairline is anti-aliased."""
            px, py = round(x * scale), round((height - y) * scale)
            return min(image.getpixel((px + dx, py + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1))

        # marks continue the trim edges outside the bleed, at all four corners
        for x, y, sx, sy in ((tx0, ty0, -1, -1), (tx1, ty0, 1, -1), (tx0, ty1, -1, 1), (tx1, ty1, 1, 1)):
            assert darkest(x, y + sy * 7 * MM) < 220  # vertical mark
            assert darkest(x + sx * 7 * MM, y) < 220  # horizontal mark
            # inside the bleed, next to the trim corner, nothing is printed
            assert darkest(x + sx * 1.5 * MM, y + sy * 1.5 * MM) > 250
    finally:
        doc.close()


# --- text --------------------------------------------------------------------------------------------


def test_text_layer_holds_every_line_in_order(pdf: Path, document: Document) -> None:
    with pdfplumber.open(pdf) as plumber:
        for page, pdf_page in zip(document.pages, plumber.pages, strict=True):
            expected = "".join(line.text for line in text_lines(page))
            # pdfplumber lists characters in content-stream order: the order of the text layer
            assert "".join(c["text"] for c in pdf_page.chars) == expected


def test_each_glyph_sits_where_pagination_placed_it(pdf: Path, document: Document) -> None:
    offset = Geometry(document.trim_width, document.trim_height, document.bleed).offset
    with pdfplumber.open(pdf) as plumber:
        for page, pdf_page in zip(document.pages, plumber.pages, strict=True):
            placed = [(line, g) for line in text_lines(page) for g in line.glyphs]
            assert len(placed) == len(pdf_page.chars)
            for (line, glyph), char in zip(placed, pdf_page.chars, strict=True):
                assert char["text"] == glyph.char
                assert char["matrix"][4] - offset == pytest.approx(line.x + glyph.x, abs=0.005)
                assert char["matrix"][5] - offset == pytest.approx(line.y, abs=0.005)
                assert char["size"] == pytest.approx(line.size)


def test_a_justified_line_ends_flush_with_its_measure(pdf: Path, document: Document) -> None:
    """The sample's first body line is justified to 21 em: its last glyph ends at the measure."""
    body = next(line for line in text_lines(document.pages[0]) if line.kind == "body")
    measure = 21 * body.size
    with pdfplumber.open(pdf) as plumber:
        chars = [c for c in plumber.pages[0].chars if c["size"] == body.size]
        first, last = chars[0], chars[len(body.glyphs) - 1]
        assert last["x1"] - first["x0"] == pytest.approx(measure, abs=0.05 * body.size)


def test_text_is_extractable_with_pdfium(pdf: Path, document: Document) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    squeezed = re.sub(r"\s", "", text)
    for line in text_lines(document.pages[0]):
        assert re.sub(r"\s", "", line.text) in squeezed


def test_faces_are_asked_of_the_font_set(document: Document, fonts: UKaiFonts | RealFonts) -> None:
    fonts.calls.clear()
    render_pdf(document, fonts)
    assert {"body", "title", "folio"} <= set(fonts.calls)


def test_a_standard_font_is_refused_and_nothing_is_written(tmp_path: Path, document: Document) -> None:
    class Helvetica:
        def pdf_font(self, canvas: object, face: str) -> str:
            return "Helvetica"

    out = tmp_path / "x.pdf"
    with pytest.raises(BuildError, match="would not be embedded"):
        write_pdf(document, Helvetica(), out)
    assert list(tmp_path.iterdir()) == []


# --- outline and metadata ----------------------------------------------------------------------------


def test_outline_lists_sections_and_their_articles(pdf: Path, document: Document) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        toc = [(item.level, item.get_title(), item.get_dest().get_index()) for item in doc.get_toc()]
        tops = [item.get_dest().get_view()[1][1] for item in doc.get_toc()]
    finally:
        doc.close()
    assert toc == [(e.level, e.title, e.page) for e in document.outline]
    offset = Geometry(document.trim_width, document.trim_height, document.bleed).offset
    assert tops == pytest.approx([offset + e.y for e in document.outline], abs=0.01)


def test_page_labels_are_the_printed_folios(pdf: Path, document: Document) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        labels = [doc.get_page_label(i) for i in range(len(doc))]
    finally:
        doc.close()
    assert labels == [str(page.folio) for page in document.pages]


def test_document_info_comes_from_the_document(pdf: Path, document: Document) -> None:
    info = run("pdfinfo", str(pdf))
    assert re.search(rf"Title:\s+{re.escape(document.title)}\n", info)
    assert re.search(rf"Author:\s+{re.escape(document.author)}\n", info)
    assert re.search(rf"Subject:\s+{re.escape(document.subject)}\n", info)
    assert "PDF subtype:    PDF/X-4" in info


# --- determinism and atomic writing ------------------------------------------------------------------


def test_two_writes_give_identical_bytes(
    tmp_path: Path, document: Document, fonts: UKaiFonts | RealFonts
) -> None:
    a = write_pdf(document, fonts, tmp_path / "a.pdf")
    b = write_pdf(document, fonts, tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()


def test_a_fresh_process_writes_the_same_bytes(
    tmp_path: Path, pdf: Path, fonts: UKaiFonts | RealFonts
) -> None:
    """No hash seed, clock or process state leaks into the file."""
    kind = "ukai" if isinstance(fonts, UKaiFonts) else "real"
    script = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from pathlib import Path\n"
        "from pdf_support import font_set, sample_document\n"
        "from publish.pdf import write_pdf\n"
        f"f = font_set({kind!r})\n"
        f"write_pdf(sample_document(f), f, Path({str(tmp_path / 'fresh.pdf')!r}))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True)
    assert (tmp_path / "fresh.pdf").read_bytes() == pdf.read_bytes()


def test_different_content_gives_a_different_file_id(
    document: Document, fonts: UKaiFonts | RealFonts
) -> None:
    other = Document(**{**document.__dict__, "title": "另一期"})
    id_of = lambda data: re.search(rb"/ID\s*\[\s*<([0-9a-fA-F]+)>", data)[1]  # noqa: E731
    assert id_of(render_pdf(document, fonts)) != id_of(render_pdf(other, fonts))


def test_source_date_epoch_sets_the_dates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, document: Document, fonts: UKaiFonts
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    out = write_pdf(document, fonts, tmp_path / "d.pdf")
    data = out.read_bytes()
    assert b"D:20231114221320+00'00'" in data
    assert b"<xmp:CreateDate>2023-11-14T22:13:20+00:00</xmp:CreateDate>" in data


def test_without_source_date_epoch_the_issue_date_is_used(
    monkeypatch: pytest.MonkeyPatch, document: Document, fonts: UKaiFonts
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert b"D:20250120000000+00'00'" in render_pdf(document, fonts)


def test_the_file_appears_whole_or_not_at_all(
    tmp_path: Path, document: Document, fonts: UKaiFonts | RealFonts
) -> None:
    out = tmp_path / "issue.pdf"
    out.write_bytes(b"old")
    broken = Document(**{**document.__dict__, "outline": (OutlineEntry("x", 0, 7, 0.0),)})
    with pytest.raises(BuildError, match="page 7"):
        write_pdf(broken, fonts, out)
    assert out.read_bytes() == b"old"
    write_pdf(document, fonts, out)
    assert [p.name for p in tmp_path.iterdir()] == ["issue.pdf"]
    assert out.read_bytes().startswith(b"%PDF-")


def test_the_older_four_argument_call_still_works(
    tmp_path: Path, document: Document, fonts: UKaiFonts
) -> None:
    """The first stage contracts said write_pdf(document, layout, fonts, out_path)."""
    out = write_pdf(document, object(), fonts, tmp_path / "legacy.pdf")
    assert out.read_bytes() == render_pdf(document, fonts)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pages": ()}, "no pages"),
        ({"trim_width": 0}, "trim size"),
        ({"bleed": -1}, "bleed"),
    ],
)
def test_an_impossible_document_is_a_clear_error(
    document: Document, fonts: UKaiFonts | RealFonts, change: dict, message: str
) -> None:
    with pytest.raises(BuildError, match=message):
        render_pdf(Document(**{**document.__dict__, **change}), fonts)


def test_an_empty_page_still_has_its_boxes_and_marks(tmp_path: Path, fonts: UKaiFonts | RealFonts) -> None:
    doc = Document(100 * MM, 150 * MM, 3 * MM, (Page(0, None, "right", "", (), "blank"),), title="空白")
    out = write_pdf(doc, fonts, tmp_path / "blank.pdf")
    assert subprocess.run(["qpdf", "--check", str(out)], capture_output=True).returncode == 0
    assert "TrimBox" in run("pdfinfo", "-box", str(out))
    assert run("pdffonts", str(out)).splitlines()[2:] == []  # no font at all, not even Helvetica


def test_faces_can_change_within_a_line(tmp_path: Path, fonts: UKaiFonts | RealFonts) -> None:
    line = set_line("中文Latin混排", 20, 100, 10, fonts)
    mixed = TextLine(
        line.x,
        line.y,
        line.size,
        tuple(
            g.__class__(g.char, g.x, g.width, "latin" if g.char.isascii() else "body") for g in line.glyphs
        ),
    )
    doc = Document(100 * MM, 150 * MM, 3 * MM, (Page(0, 1, "right", "", (mixed,)),), title="混排")
    out = write_pdf(doc, fonts, tmp_path / "mixed.pdf")
    with pdfplumber.open(out) as plumber:
        assert "".join(c["text"] for c in plumber.pages[0].chars) == "中文Latin混排"


def test_rules_are_stroked_at_their_width_and_zero_width_rules_are_left_out(
    tmp_path: Path, fonts: UKaiFonts | RealFonts
) -> None:
    rules = (Rule(10, 100, 200, 100, 0.5), Rule(10, 50, 200, 50, 0))
    doc = Document(100 * MM, 150 * MM, 3 * MM, (Page(0, 1, "right", "", rules),), title="线")
    facts = qpdf_json(write_pdf(doc, fonts, tmp_path / "rules.pdf"))
    ops = content_operators(page_content(facts, page_objects(facts)[0]))
    widths = [float(operands[0]) for op, operands in ops if op == "w"]
    assert widths == [0.5, 0.25]  # the rule, then the crop marks
    moves = [[float(v) for v in operands] for op, operands in ops if op == "m"]
    assert [10.0, 100.0] in moves
    assert [10.0, 50.0] not in moves


def test_writing_onto_a_folder_or_under_a_file_is_a_clear_error(
    tmp_path: Path, document: Document, fonts: UKaiFonts | RealFonts
) -> None:
    with pytest.raises(BuildError, match="is a folder"):
        write_pdf(document, fonts, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BuildError, match="cannot write"):
        write_pdf(document, fonts, blocker / "issue.pdf")


def test_an_outline_that_starts_with_an_article_is_still_a_valid_tree(
    tmp_path: Path, document: Document, fonts: UKaiFonts | RealFonts
) -> None:
    """An article before any section (or a level jump) is lifted to the nearest valid level."""
    outline = (
        OutlineEntry("卷首语", 1, 0, 100.0),
        OutlineEntry("特别报道", 0, 0, 90.0),
        OutlineEntry("深层", 3, 1, 80.0),
    )
    out = write_pdf(Document(**{**document.__dict__, "outline": outline}), fonts, tmp_path / "o.pdf")
    doc = pdfium.PdfDocument(str(out))
    try:
        toc = [(item.level, item.get_title()) for item in doc.get_toc()]
    finally:
        doc.close()
    assert toc == [(0, "卷首语"), (0, "特别报道"), (1, "深层")]
