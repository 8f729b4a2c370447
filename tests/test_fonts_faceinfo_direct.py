"""Face metrics read with struct (`faceinfo._read_direct`) equal those read through fontTools
(`faceinfo._read_fonttools`) field by field — on fonts built here and on every installed face — and
what the direct reader does not read is read by fontTools."""

from __future__ import annotations

import glob
import struct
from pathlib import Path

import pytest

from publish.fonts import faceinfo, sfnt
from publish.fonts.discovery import _Unusual


def _same(a: faceinfo.FaceInfo, b: faceinfo.FaceInfo) -> None:
    for name in faceinfo.FaceInfo.__dataclass_fields__:
        if name == "cmap":
            assert a.cmap.arrays() == b.cmap.arrays()
        else:
            assert getattr(a, name) == getattr(b, name), name


def _built(path: Path, *, cff: bool = False, os2_version: int = 4, typo: bool = True) -> Path:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "A", "uni4E00", "emdash", "box"]
    fb = FontBuilder(1000, isTTF=not cff)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x41: "A", 0x4E00: "uni4E00", 0x2014: "emdash", 0x2500: "box"})
    if cff:
        glyphs = {}
        for n in names:
            pen = T2CharStringPen(600, None)
            pen.moveTo((0, 0))
            pen.lineTo((500, 0))
            pen.lineTo((250, 700))
            pen.closePath()
            glyphs[n] = pen.getCharString()
        fb.setupCFF("Probe-Bold", {"FullName": "Probe Bold"}, glyphs, {})
    else:
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0))
        pen.lineTo((500, 0))
        pen.lineTo((250, 700))
        pen.closePath()
        fb.setupGlyf({n: pen.glyph() for n in names})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "A": (600, 0), "uni4E00": (1000, 0), "emdash": (890, 43),
                               "box": (1000, 0)})  # fmt: skip
    fb.setupHorizontalHeader(ascent=900, descent=-100)
    fb.setupNameTable({"familyName": {"en": "Probe", "zh-Hans": "探针"}, "styleName": "Bold",
                       "typographicFamily": "Probe Family", "psName": "Probe-Bold"}, mac=True)  # fmt: skip
    fb.setupOS2(version=os2_version, sTypoAscender=880 if typo else 0, sTypoDescender=-120 if typo else 0,
                usWeightClass=700, fsType=0x0008, sCapHeight=700)  # fmt: skip
    fb.setupPost(italicAngle=-12.5)
    fb.save(str(path))
    return path


@pytest.mark.parametrize("kind", [{}, {"cff": True}, {"os2_version": 1}, {"os2_version": 0, "typo": False},
                                  {"os2_version": 5}])  # fmt: skip
def test_a_built_face_reads_the_same_both_ways(tmp_path, kind):
    path = _built(tmp_path / "probe.otf", **kind)
    direct = faceinfo._read_direct(path, 0, "digest")
    _same(direct, faceinfo._read_fonttools(path, 0, "digest"))
    assert direct.family == "Probe Family" and direct.weight == 700 and direct.fs_type == 8
    assert direct.cmap[0x2014] == 4  # the dash drawn with the face's continuous stroke


def test_every_installed_face_reads_the_same_both_ways():
    files = sorted(set(glob.glob("/usr/share/fonts/**/*.tt[fc]", recursive=True)
                       + glob.glob("/usr/share/fonts/**/*.ot[fc]", recursive=True)))  # fmt: skip
    if not files:
        pytest.skip("no fonts installed under /usr/share/fonts")
    faces = 0
    for path in map(Path, files):
        with path.open("rb") as f:
            head = f.read(12)
        count = int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1
        for index in range(count):
            _same(faceinfo._read_direct(path, index, "d"), faceinfo._read_fonttools(path, index, "d"))
            faces += 1
    assert faces >= len(files)


def test_a_table_the_direct_reader_does_not_expect_is_read_by_fonttools(tmp_path, monkeypatch):
    path = _built(tmp_path / "probe.ttf")
    data = bytearray(path.read_bytes())
    # Make OS/2 claim version 6 (unknown): the direct reader refuses it, and the face goes to fontTools.
    (num_tables,) = struct.unpack_from(">H", data, 4)
    for k in range(num_tables):
        tag, _sum, off, _len = struct.unpack_from(">4sIII", data, 12 + 16 * k)
        if tag == b"OS/2":
            struct.pack_into(">H", data, off, 6)
    path.write_bytes(bytes(data))
    with pytest.raises(_Unusual):
        faceinfo._read_direct(path, 0, "d")
    monkeypatch.setattr(faceinfo, "_read_fonttools", lambda p, i, d: ("fontTools", p, i, d))
    assert faceinfo._read(path, 0, "d") == ("fontTools", path, 0, "d")


def test_the_tables_of_a_face_are_listed(tmp_path):
    path = _built(tmp_path / "probe.ttf")
    assert {b"head", b"hhea", b"maxp", b"OS/2", b"cmap", b"glyf", b"loca", b"name", b"post"} <= sfnt.table_tags(path, 0)
    assert b"CFF " in sfnt.table_tags(_built(tmp_path / "probe.otf", cff=True), 0)
