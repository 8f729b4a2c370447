"""EPUB subsets made on a proxy of the face (publish.fonts.epubsubset).

What must hold: every character of the subset draws the glyph the print edition draws it with
(outline, advance, vertical metrics), the subset is what fontTools' subsetter alone makes of the
same face (the general path), text in the book's language renders through HarfBuzz exactly as
with the whole installed face, and only layout forms of other languages are left out.
"""

from __future__ import annotations

import io

import pytest
from fonts_support import RARE, need_cjk_fonts

from publish.fonts import load_fonts, programs
from publish.fonts.epubsubset import language_systems

TEXT = "人大代表审议报告，。、《》（）“”：；！？直骨角Ａ1a" + RARE
PRINT_FORMS = "\u00b7\u2014"  # the interpunct and the dash: print uses the fwid / U+2500 glyphs


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))


def _glyphs(data: bytes):
    """code point → (outline, advance, vertical metrics or None)."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    gs = font.getGlyphSet()
    out = {}
    for cp, name in font.getBestCmap().items():
        pen = DecomposingRecordingPen(gs)  # composite glyphs: compare outlines, not component names
        gs[name].draw(pen)
        vmtx = font["vmtx"][name] if "vmtx" in font else None
        out[cp] = (pen.value, font["hmtx"][name][0], vmtx)
    return out


def _source_glyphs(info):
    """cp → (outline, advance) of the glyph the print edition uses (FaceInfo.cmap) in the face."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    src = TTFont(str(info.path), fontNumber=info.index, lazy=True)
    order, gs, hmtx = src.getGlyphOrder(), src.getGlyphSet(), src["hmtx"]

    def glyph(cp: int):
        name = order[info.cmap[cp]]
        pen = RecordingPen()
        gs[name].draw(pen)
        return pen.value, hmtx[name][0]

    return glyph


@pytest.mark.parametrize(
    ("tag", "systems"),
    [
        ("zh-CN", {"ZHS "}), ("zh-Hans", {"ZHS "}), ("zh", {"ZHS "}), ("zh-SG", {"ZHS "}),
        ("zh-TW", {"ZHT "}), ("zh-Hant", {"ZHT "}), ("zh-Hant-TW", {"ZHT "}),
        ("zh-HK", {"ZHH ", "ZHT ", "ZHTM"}), ("ja", {"JAN "}), ("ko-KR", {"KOR "}),
        ("en", None), ("mn-Mong", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_the_book_language_selects_opentype_language_systems(tag, systems):
    got = language_systems(tag)
    assert (set(got) if got is not None else None) == systems


@pytest.mark.parametrize("key", ["body", "title"])
def test_each_character_draws_the_print_editions_glyph(fonts, key):
    info = fonts.face(key).info
    got = _glyphs(fonts.subset(key, TEXT + PRINT_FORMS, language="zh-CN"))
    assert set(got) >= {ord(c) for c in TEXT + PRINT_FORMS}
    source = _source_glyphs(info)
    for ch in TEXT + PRINT_FORMS:
        outline, advance = source(ord(ch))
        assert got[ord(ch)][:2] == (outline, advance), ch
        assert advance == info.advance_units(ch)  # the advance the composer set it with
    # The full-width forms the PDF uses, not the face's proportional defaults (Noto: · is 0.33 em).
    assert got[ord("\u00b7")][1] == info.units_per_em
    assert got[ord("\u2014")][1] == info.units_per_em


@pytest.mark.parametrize("key", ["body", "byline"])
def test_the_fast_path_makes_what_fonttools_alone_makes(fonts, key):
    """Same characters, same outlines, advances and vertical metrics as the general path."""
    info = fonts.face(key).info
    if key == "byline" and info.format != "TrueType":
        pytest.skip("the byline face is not a TrueType face here")
    chars = "".join(sorted(set(TEXT + PRINT_FORMS)))
    reserved = fonts.config.reserved_names
    fast = fonts.subset(key, chars, language="zh-CN")
    general = programs._epub_subset(info, chars, programs._reserved_rename(info, reserved), "zh-CN")
    assert fast[:4] == general[:4]
    a, b = _glyphs(fast), _glyphs(general)
    assert set(a) == set(b)
    for cp in a:
        assert a[cp] == b[cp], f"U+{cp:04X}"


def test_other_languages_forms_are_left_out_and_the_books_kept(fonts):
    from fontTools.ttLib import TTFont

    chars = "直骨角今，。（）“”"  # hanzi whose forms differ by language, punctuation with vertical forms
    kept_all = TTFont(io.BytesIO(fonts.subset("body", chars)))
    zh_cn = TTFont(io.BytesIO(fonts.subset("body", chars, language="zh-CN")))
    assert len(zh_cn.getGlyphOrder()) < len(kept_all.getGlyphOrder())
    for tag in ("GSUB", "GPOS"):
        systems = {r.LangSysTag for s in zh_cn[tag].table.ScriptList.ScriptRecord for r in s.Script.LangSysRecord}
        # ZHS where it differs from a script's default LangSys (the subsetter drops it where it
        # became the same); never Japanese, Korean or traditional Chinese.
        assert systems <= {"ZHS "}, (tag, systems)
    features = {f.FeatureTag for f in zh_cn["GSUB"].table.FeatureList.FeatureRecord}
    assert "vert" in features  # vertical forms stay
    assert "halt" in {f.FeatureTag for f in zh_cn["GPOS"].table.FeatureList.FeatureRecord}


def test_text_in_the_book_language_renders_as_with_the_whole_face(fonts):
    """HarfBuzz (Pillow's raqm layout) shapes and draws the subset exactly as the installed face,
    across, down (vertical forms) and with `halt` (what CSS text-spacing-trim applies)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont, features

    if not features.check("raqm"):
        pytest.skip("Pillow without raqm (HarfBuzz) layout")
    info = fonts.face("body").info
    data = fonts.subset("body", TEXT, language="zh-CN")
    whole = ImageFont.truetype(str(info.path), 40, index=info.index, layout_engine=ImageFont.Layout.RAQM)
    sub = ImageFont.truetype(io.BytesIO(data), 40, layout_engine=ImageFont.Layout.RAQM)
    for direction, feats in (("ltr", None), ("ltr", ["halt"]), ("ttb", None)):
        images = []
        for font in (whole, sub):
            im = Image.new("L", (40 * 42, 40 * 42))
            ImageDraw.Draw(im).text((20, 20), TEXT, font=font, fill=255, direction=direction, features=feats,
                                    language="zh-CN")
            images.append(im)
        assert ImageChops.difference(*images).getbbox() is None, (direction, feats)
        assert images[0].getbbox() is not None


def test_variation_sequences_and_astral_characters_as_fonttools_alone(fonts):
    """Format 14 (variation sequences) and format 12 (beyond the BMP) come out as the general path's."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    info = fonts.face("body").info
    src = TTFont(str(info.path), fontNumber=info.index, lazy=True)
    uvs_tables = [t for t in src["cmap"].tables if t.format == 14]
    if not uvs_tables:
        pytest.skip("the body face has no variation sequences")
    pairs = [(u, v) for v, seq in sorted(uvs_tables[0].uvsDict.items())[:2] for u, _ in seq[:2]]
    astral = next((chr(cp) for cp in info.cmap if cp > 0xFFFF), "")
    chars = "".join(chr(u) + chr(v) for u, v in pairs) + astral + "人"

    def sequences(data: bytes):
        font = TTFont(io.BytesIO(data))
        gs = font.getGlyphSet()
        out = {}
        for st in font["cmap"].tables:
            if st.format == 14:
                for v, seq in st.uvsDict.items():
                    for u, name in seq:
                        pen = DecomposingRecordingPen(gs)
                        if name is not None:
                            gs[name].draw(pen)
                        out[(v, u)] = None if name is None else pen.value
        return out

    fast = fonts.subset("body", chars, language="zh-CN")
    general = programs._epub_subset(info, chars, "", "zh-CN")
    assert _glyphs(fast) == _glyphs(general)
    assert sequences(fast) == sequences(general)
    assert {(v, u) for u, v in pairs} <= set(sequences(fast))
    if astral:
        assert ord(astral) in _glyphs(fast)
