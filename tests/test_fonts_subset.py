"""Subsets: the PDF's CFF programs keep the designer's outlines; the EPUB's fonts keep names.

The fast CFF subsetter (path B) rewrites subroutine numbers inside charstrings; every glyph it
writes must draw exactly the outline of the source glyph, which fontTools can check independently.
"""

from __future__ import annotations

import io

import pytest
from fonts_support import RARE, TRICKY, need_cjk_fonts, sample_chars

from publish.fonts import load_fonts
from publish.fonts.cffsubset import subset_cff


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


def _outlines_of_source(info, gids):
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(info.path), fontNumber=info.index, lazy=True)
    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    out = {}
    for gid in gids:
        pen = RecordingPen()
        gs[order[gid]].draw(pen)
        out[gid] = pen.value
    return out


def _outlines_of_subset(data: bytes):
    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.recordingPen import RecordingPen

    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    top = cff[cff.fontNames[0]]
    assert top.ROS == ("Adobe", "Identity", 0)
    cs = top.CharStrings
    out = {}
    for name in top.charset:
        pen = RecordingPen()
        cs[name].draw(pen)
        cid = 0 if name == ".notdef" else int(name[3:])
        out[cid] = pen.value
    return out


@pytest.mark.parametrize("key", ["body", "title"])
def test_cff_subset_glyphs_draw_exactly_the_source_outlines(fonts, key):
    info = fonts.face(key).info
    assert info.format == "CFF"
    text = sample_chars()[::7] + RARE + TRICKY
    glyphs = {ord(ch): info.cmap[ord(ch)] for ch in text if ord(ch) in info.cmap}
    data = subset_cff(info.path, info.index, glyphs, info.ps_name)
    got = _outlines_of_subset(data)
    want = _outlines_of_source(info, set(glyphs.values()) | {0})
    assert set(got) == set(glyphs) | {0}
    for cid, gid in glyphs.items():
        assert got[cid] == want[gid], f"CID {cid:04X} (glyph {gid})"
    assert got[0] == want[0]


def test_cff_subset_is_small(fonts):
    info = fonts.face("body").info
    chars = sample_chars()
    data = subset_cff(info.path, info.index, {ord(c): info.cmap.get(ord(c), 0) for c in chars})
    # ~1,700 CJK glyphs of a 23 MB CFF table: ~320 bytes a glyph (fontTools' subsetter: 553 KB for
    # the same set), i.e. only the subroutines the glyphs call were kept.
    assert len(data) < 400 * len(chars)


def test_name_keyed_cff_becomes_cid_keyed():
    from pathlib import Path

    from publish.fonts.faceinfo import face_info

    path = Path("/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf")
    if not path.exists():
        pytest.skip("URW base35 OpenType fonts not installed")
    info = face_info(path, 0)
    text = "Publish 2025, fi"
    glyphs = {ord(c): info.cmap[ord(c)] for c in text if ord(c) in info.cmap}
    got = _outlines_of_subset(subset_cff(info.path, 0, glyphs))
    want = _outlines_of_source(info, set(glyphs.values()))
    for cid, gid in glyphs.items():
        assert got[cid] == want[gid]


def _names(data: bytes) -> dict[int, set[str]]:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    out: dict[int, set[str]] = {}
    for r in font["name"].names:
        out.setdefault(r.nameID, set()).add(r.toUnicode())
    return out


def test_epub_subset_is_a_plain_font_with_the_characters_and_the_licence(fonts):
    from fontTools.ttLib import TTFont

    chars = "人大代表" + RARE + "\u00b7\u2014"
    data = fonts.subset("body", chars)
    assert data[:4] == b"OTTO"  # CFF stays CFF: an OpenType font, not obfuscated
    font = TTFont(io.BytesIO(data))
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in chars)
    assert len(data) < 200_000
    names = _names(data)
    assert "Noto Serif CJK SC" in names[1] | names.get(16, set())  # RFN is "Source": name kept
    assert 13 in names and 14 in names  # OFL licence text and URL kept


def test_epub_subset_of_a_reserved_font_name_face_is_renamed(fonts):
    f = load_fonts(None, {"byline": ["LXGW WenKai"]})
    if f.roles["byline"].family != "LXGW WenKai":
        pytest.skip("LXGW WenKai not installed")
    data = f.subset("byline", "王婧市人大")
    assert data[:4] == b"\x00\x01\x00\x00"
    names = _names(data)
    for name_id in (1, 3, 4, 6, 16, 17):
        for value in names.get(name_id, ()):
            assert "LXGW" not in value and "霞鹜" not in value, (name_id, value)
    assert "WenKai Subset" in names[1]
    assert f.subset_family("byline") == "WenKai Subset"
    assert 13 in names  # the licence stays


def test_subsets_are_deterministic(fonts):
    assert fonts.subset("byline", "人大代表") == fonts.subset("byline", "代表人大")


def test_epub_cff_subset_draws_the_source_outlines_and_keeps_vertical_metrics(fonts):
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    chars = "人大代表，。《》" + RARE
    font = TTFont(io.BytesIO(fonts.subset("body", chars)))
    info = fonts.face("body").info
    src = TTFont(str(info.path), fontNumber=info.index, lazy=True)
    got, want = font.getGlyphSet(), src.getGlyphSet()
    for name in font.getGlyphOrder():
        a, b = RecordingPen(), RecordingPen()
        got[name].draw(a)
        want[name].draw(b)
        assert a.value == b.value, name
        assert font["hmtx"][name] == src["hmtx"][name]
    assert "vmtx" in font and "VORG" in font  # vertical setting stays possible
    assert font["CFF "].cff.fontNames == [info.ps_name]


_SOURCE_CACHE: dict = {}


def _source_glyphset(info):
    from fontTools.ttLib import TTFont

    key = (str(info.path), info.index)
    if key not in _SOURCE_CACHE:
        font = TTFont(str(info.path), fontNumber=info.index, lazy=True)
        _SOURCE_CACHE[key] = (font.getGlyphOrder(), font.getGlyphSet())
    return _SOURCE_CACHE[key]


def test_cff_subsets_of_random_character_sets_keep_every_outline():
    """Property: for any set of characters of the face, every subset glyph draws its source."""
    from fontTools.pens.recordingPen import RecordingPen
    from hypothesis import given, settings
    from hypothesis import strategies as st

    need_cjk_fonts()
    fonts = load_fonts(None, {"title": ["Noto Sans CJK SC:Bold"]})
    info = fonts.face("title").info
    cps = [cp for cp in info.cmap if cp <= 0xFFFF and not 0xD800 <= cp <= 0xDFFF]
    order, gs = _source_glyphset(info)

    @settings(max_examples=12, deadline=None)
    @given(st.lists(st.sampled_from(cps), min_size=1, max_size=40, unique=True))
    def check(sample):
        glyphs = {cp: info.cmap[cp] for cp in sample}
        got = _outlines_of_subset(subset_cff(info.path, info.index, glyphs))
        assert set(got) == set(glyphs) | {0}
        for cp, gid in glyphs.items():
            pen = RecordingPen()
            gs[order[gid]].draw(pen)
            assert got[cp] == pen.value, f"U+{cp:04X}"

    check()


def test_epub_subset_falls_back_to_fonttools_for_cff_the_fast_subsetter_refuses(fonts, tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    from publish.fonts import cffsubset

    def refuse(*args, **kwargs):
        raise cffsubset.Unsupported("pretend")

    monkeypatch.setattr(cffsubset, "subset_cff_ordered", refuse)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    data = fonts.subset("title", "人大")
    font = TTFont(io.BytesIO(data))
    assert data[:4] == b"OTTO" and {ord("人"), ord("大")} <= set(font.getBestCmap())
