"""The PDF side of the fonts: every font embedded and subset, text extractable, real glyphs.

Acceptance (issue 4): a PDF made from the sample issue's characters shows only embedded subsets in
`pdffonts` (no unembedded Helvetica), its text reads back as the source characters, and the
seed's rare characters plus U+00B7, U+2014, U+00A0 are drawn with real glyphs, not .notdef.
"""

from __future__ import annotations

import itertools
import re

import pytest
from fonts_support import NO_FONT_HAS, RARE, TRICKY, draw_pdf, need_cjk_fonts, pdffonts, sample_chars

from publish.fonts import load_fonts
from publish.pdf.fonts import pdf_font


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


def _chunks(text: str, n: int = 40) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


@pytest.fixture(scope="module")
def sample_pdf(fonts, tmp_path_factory):
    chars = sample_chars()
    lines = [(key, chunk) for key in ("body", "title", "byline") for chunk in _chunks(chars)]
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    draw_pdf(fonts, path, lines)
    return path, chars, lines


def test_every_font_is_embedded_as_a_subset_with_a_content_derived_tag(sample_pdf):
    path, _, _ = sample_pdf
    rows = pdffonts(path)
    assert len(rows) == 3, [r["row"] for r in rows]  # body, title, byline faces; nothing else
    for r in rows:
        assert (r["emb"], r["sub"], r["uni"]) == ("yes", "yes", "yes"), r["row"]
        assert re.fullmatch(r"[A-Z]{6}\+\S+", r["name"]), r["row"]
        assert not r["name"].startswith(("AAAAAA+", "AAAAAB+")), r["row"]
    assert len({r["name"][:6] for r in rows}) == 3
    assert not any("Helvetica" in r["row"] for r in rows)


def test_cff_faces_are_embedded_as_cff_and_truetype_as_truetype(sample_pdf, fonts):
    path, _, _ = sample_pdf
    types = {r["name"].split("+", 1)[1]: r["row"] for r in pdffonts(path)}
    for key in ("body", "title", "byline"):
        info = fonts.face(key).info
        row = types[info.ps_name]
        assert ("CID Type 0C" in row) == (info.format == "CFF"), row
        assert ("CID TrueType" in row) == (info.format == "TrueType"), row


def test_text_reads_back_as_the_source_characters(sample_pdf):
    import pypdfium2 as pdfium

    path, _, lines = sample_pdf
    pdf = pdfium.PdfDocument(str(path))
    got = []
    for i in range(len(pdf)):
        text = pdf[i].get_textpage().get_text_range()
        got.extend(t for t in text.split("\r\n"))
    assert got == [text for _, text in lines]


def test_widths_in_the_pdf_are_the_fonts_advances(sample_pdf, fonts):
    import pdfplumber

    path, _, _ = sample_pdf
    m = fonts.metrics({"body": 12})
    with pdfplumber.open(str(path)) as pdf:
        first = pdf.pages[0].chars
    assert first
    for ch in first[:400]:
        assert ch["adv"] == pytest.approx(m.advance(ch["text"], "body"), abs=0.01), ch["text"]


def test_identical_input_gives_identical_pdf_and_different_subsets_different_tags(fonts, tmp_path):
    a, b, c = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    draw_pdf(fonts, a, [("body", "人大代表" + RARE)])
    draw_pdf(fonts, b, [("body", "人大代表" + RARE)])
    draw_pdf(fonts, c, [("body", "人大常委会")])
    assert a.read_bytes() == b.read_bytes()
    tag = lambda p: pdffonts(p)[0]["name"][:6]  # noqa: E731
    assert tag(a) != tag(c)


def _render_glyph(fonts, tmp_path, key: str, ch: str):
    """Pixels of one character drawn alone at 72 pt, as a set of dark pixel coordinates."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / f"g{'-'.join(f'{ord(c):x}' for c in ch)}-{key.replace('~', '_')}.pdf"
    c = Canvas(str(path), pagesize=(40 + 80 * len(ch), 120), invariant=1, initialFontName=pdf_font(fonts, None, key))
    c.setFont(pdf_font(fonts, c, key), 72)
    c.drawString(20, 30, ch)
    c.save()
    img = pdfium.PdfDocument(str(path))[0].render(scale=1).to_pil().convert("L")
    w, h = img.size
    px = img.load()
    return frozenset((x, y) for x in range(w) for y in range(h) if px[x, y] < 128)


@pytest.mark.parametrize("key", ["body", "title", "byline"])
def test_rare_and_tricky_characters_render_with_real_glyphs(fonts, tmp_path, key):
    # .notdef as this face draws it: a character none of our fonts has.
    notdef = _render_glyph(fonts, tmp_path, key, NO_FONT_HAS)
    for ch in RARE + "\u00b7\u2014":
        face = fonts.runs(ch, key)[0].face
        pixels = _render_glyph(fonts, tmp_path, face, ch)
        assert pixels, f"U+{ord(ch):04X} in {face} rendered blank"
        assert pixels != notdef, f"U+{ord(ch):04X} in {face} rendered as .notdef"
    # A no-break space is blank in every font: it must be blank here too, i.e. not .notdef's box
    # (unless the face's .notdef is itself empty, when only the cmap can tell).
    nbsp_face = fonts.runs("\u00a0", key)[0].face
    assert fonts.face(nbsp_face).has("\u00a0")
    assert not _render_glyph(fonts, tmp_path, nbsp_face, "\u00a0")


def test_tricky_characters_are_covered_by_the_body_face_itself(fonts):
    for ch in RARE + TRICKY:
        assert fonts.face("body").has(ch), f"U+{ord(ch):04X}"


def test_path_a_truetype_conversion_still_works(fonts, tmp_path, monkeypatch):
    """`PUBLISH_CFF_PATH=truetype` embeds CFF faces converted to TrueType outlines (cu2qu)."""
    import pypdfium2 as pdfium

    monkeypatch.setenv("PUBLISH_CFF_PATH", "truetype")
    path = tmp_path / "a.pdf"
    text = "巴彦淖尔人大" + RARE + TRICKY
    draw_pdf(fonts, path, [("body", text)])
    rows = pdffonts(path)
    assert len(rows) == 1 and "CID TrueType" in rows[0]["row"]
    assert (rows[0]["emb"], rows[0]["sub"], rows[0]["uni"]) == ("yes", "yes", "yes")
    assert pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range() == text


def test_characters_outside_the_bmp_get_codes_and_read_back(tmp_path):
    """A CJK Extension B character (in names, occasionally) in a TrueType face that has it."""
    import pypdfium2 as pdfium

    from publish.fonts.discovery import FontIndex, system_font_dirs

    need_cjk_fonts()
    rec = FontIndex(system_font_dirs()).find("AR PL UKai CN")
    if rec is None:
        pytest.skip("AR PL UKai CN not installed")
    fonts = load_fonts(None, {"body": ["AR PL UKai CN"]})
    astral = [chr(cp) for cp in sorted(fonts.face("body").info.cmap) if cp > 0xFFFF][:3]
    if not astral:
        pytest.skip("no character outside the BMP in AR PL UKai CN")
    text = "人" + "".join(astral) + "大"
    path = tmp_path / "astral.pdf"
    draw_pdf(fonts, path, [("body", text)])
    assert pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range() == text


def test_cff_the_fast_subsetter_cannot_read_falls_back_to_truetype_outlines(fonts, tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    from publish.fonts import cffsubset

    def refuse(*args, **kwargs):
        raise cffsubset.Unsupported("pretend CFF2")

    monkeypatch.setattr(cffsubset, "subset_cff", refuse)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "fallback.pdf"
    draw_pdf(fonts, path, [("body", "人大" + RARE)])
    (row,) = pdffonts(path)
    assert "CID TrueType" in row["row"] and (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes")
    assert pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range() == "人大" + RARE


def test_a_font_whose_licence_forbids_embedding_is_refused_with_a_clear_error(tmp_path):
    """OS/2 fsType 2 ("restricted license embedding"): some commercial CJK fonts set it."""
    import io
    from pathlib import Path

    from fontTools.ttLib import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from publish.errors import FontError

    src = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not src.exists():
        pytest.skip("DejaVu Sans not installed")
    font = TTFont(str(src))
    font["OS/2"].fsType = 2
    (tmp_path / "fonts").mkdir()
    buf = io.BytesIO()
    font.save(buf)
    (tmp_path / "fonts" / "Restricted.ttf").write_bytes(buf.getvalue())
    fonts = load_fonts(tmp_path, {"body": ["fonts/Restricted.ttf"]})
    c = Canvas(str(tmp_path / "x.pdf"))
    with pytest.raises(FontError, match="forbids embedding"):
        pdf_font(fonts, c, "body")
    with pytest.raises(FontError, match=r"Restricted\.ttf"):
        fonts.subset("body", "abc")


@pytest.mark.parametrize("key", ["body", "title", "byline"])
def test_the_chinese_dash_is_one_continuous_two_em_stroke(fonts, tmp_path, key):
    """破折号 `——` must not show a break between its halves (clreq: one 2-em unit)."""
    pixels = _render_glyph(fonts, tmp_path, key, "——")
    assert pixels
    # Take the row through the middle of the stroke and look for a gap in it.
    ys = sorted({y for _, y in pixels})
    mid = ys[len(ys) // 2]
    xs = sorted(x for x, y in pixels if y == mid)
    assert xs[-1] - xs[0] > 100  # two em at 72 pt is 144 px wide
    gaps = [b - a for a, b in itertools.pairwise(xs) if b - a > 1]
    assert not gaps, f"gap of {max(gaps)} px in —— ({fonts.face(key).family})"
    m = fonts.metrics({key: 10})
    assert m.advance("—", key) == pytest.approx(10)


def test_the_interpunct_is_set_full_width_where_the_face_has_the_form(fonts):
    """间隔号 `·` nominally takes a full em in Chinese text (clreq §1.4); Noto Serif CJK SC maps
    U+00B7 to a 0.33 em Latin middle dot but offers the full-width one through 'fwid'."""
    m = fonts.metrics({"body": 10})
    assert m.advance("·", "body") == pytest.approx(10)


def test_the_dash_is_continuous_in_ar_pl_ukai_too(tmp_path):
    need_cjk_fonts()
    fonts = load_fonts(None, {"body": ["AR PL UKai CN"]})
    if fonts.roles["body"].family != "AR PL UKai CN":
        pytest.skip("AR PL UKai CN not installed")
    pixels = _render_glyph(fonts, tmp_path, "body", "——")
    ys = sorted({y for _, y in pixels})
    mid = ys[len(ys) // 2]
    xs = sorted(x for x, y in pixels if y == mid)
    assert xs[-1] - xs[0] > 100
    assert all(b - a <= 1 for a, b in itertools.pairwise(xs))


def test_truetype_subsets_made_on_the_proxy_draw_what_the_whole_face_subset_draws(fonts, tmp_path, monkeypatch):
    """The PDF's TrueType subset is made on epubsubset's proxy; the subsetter run on the whole face
    must give the same glyph ids, outlines and advances (a PDF draws a CIDFontType2 by glyph id)."""
    import io

    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    from publish.fonts import programs

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    faces = [fonts.face(k).info for k in ("body", "title", "byline")]
    faces = [info for info in faces if info.format == "TrueType"]
    if not faces:
        pytest.skip("no TrueType face among the configured roles")
    chars = "".join(sorted(set(sample_chars() + RARE + TRICKY)))
    for info in faces:
        data, gid_of = programs.pdf_truetype(info, chars)
        used = sorted({ord(c) for c in chars if ord(c) in info.cmap})
        whole, whole_gid_of = programs._pdf_truetype(programs._subsetter_font(info), info, used,
                                                     programs._pdf_truetype_options())
        assert gid_of == whole_gid_of and gid_of
        a, b = TTFont(io.BytesIO(data)), TTFont(io.BytesIO(whole))
        assert a["maxp"].numGlyphs == b["maxp"].numGlyphs
        ga, gb = a.getGlyphSet(), b.getGlyphSet()
        for gid in [0, *sorted(set(gid_of.values()))]:
            na, nb = a.getGlyphName(gid), b.getGlyphName(gid)
            pa, pb = DecomposingRecordingPen(ga), DecomposingRecordingPen(gb)
            ga[na].draw(pa)
            gb[nb].draw(pb)
            assert (pa.value, a["hmtx"][na]) == (pb.value, b["hmtx"][nb]), (info.ps_name, gid)
