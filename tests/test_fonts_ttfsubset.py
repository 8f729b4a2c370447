"""The PDF's TrueType subsets made without fontTools (`publish.fonts.ttfsubset`) are the bytes
fontTools' subsetter makes on the proxy (`programs._pdf_truetype`): on fonts built here (odd glyph
lengths, empty glyphs, long offsets, gasp, hinting tables, several cmap subtables), on the installed
TrueType faces with varied character sets, and piece by piece (cmap format 4, OS/2 range bits).
What it does not handle is refused, and `programs.pdf_truetype` then gives fontTools' bytes."""

from __future__ import annotations

import array
import glob
import io
import random
import subprocess
import sys
from pathlib import Path

import fonts_support
import pytest

from publish import cache
from publish.fonts import programs, ttfsubset
from publish.fonts.cffsubset import Unsupported
from publish.fonts.epubsubset import proxied
from publish.fonts.faceinfo import face_info


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))


def _fonttools(info, cps):
    """What `programs.pdf_truetype` made before `ttfsubset`: fontTools' subsetter on the proxy."""
    with proxied(info, "".join(map(chr, cps))) as (font, _, _):
        return programs._pdf_truetype(font, info, cps, programs._pdf_truetype_options())


def _ours(info, cps):
    return ttfsubset.pdf_subset(info.path, info.index, cps, info.cmap.__getitem__)


def _build_font(path: Path, *, big: bool = False, extra_cmaps: bool = False, hinting: bool = False) -> Path:
    """A small TrueType font: squares and triangles of varied sizes (odd and even glyph lengths),
    empty glyphs, a gasp table; `big` makes glyf larger than short loca offsets reach."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    rng = random.Random(7)
    names = [".notdef", "space", *(f"g{k}" for k in range(1, 160))]
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name != "space":
            for _ in range(rng.randrange(1, 40 if big else 4)):
                x, y = rng.randrange(0, 400), rng.randrange(0, 400)
                pen.moveTo((x, y))
                for _ in range(rng.randrange(2, 9)):
                    pen.lineTo((rng.randrange(-300, 900), rng.randrange(-300, 900)))
                pen.closePath()
        glyphs[name] = pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    cps = [0x20, *range(0x41, 0x5B), *range(0x4E00, 0x4E00 + 60), *range(0x4E80, 0x4E80 + 40), 0x592E, 0x2524,
           *range(0x61, 0x7B), *range(0x30, 0x3A)][: len(names) - 1]  # fmt: skip
    mapping = {cp: names[k + 1] for k, cp in enumerate(cps)}
    mapping[0x4EFF] = "g7"  # two characters on one glyph
    fb.setupCharacterMap(mapping)
    fb.setupGlyf(glyphs)
    metrics = {n: (rng.choice([500, 1000, 1000, 1000]), glyphs[n].xMin if glyphs[n].numberOfContours else 0)
               for n in names}  # fmt: skip
    metrics[names[-1]] = metrics[names[-2]] = (1000, metrics[names[-1]][1])
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Probe", "styleName": "Regular", "psName": "Probe-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, ulUnicodeRange1=0xFFFFFFFF, ulUnicodeRange2=0xFFFFFFFF,
                ulUnicodeRange3=0xFF, ulCodePageRange1=0xFFFFFFFF, ulCodePageRange2=0xFFFF0000)  # fmt: skip
    fb.setupPost()
    gasp = newTable("gasp")
    gasp.gaspRange = {65535: 0x0F, 8: 0x02}
    fb.font["gasp"] = gasp
    if hinting:
        fb.font["prep"] = newTable("prep")
        from fontTools.ttLib.tables import ttProgram

        fb.font["prep"].program = ttProgram.Program()
        fb.font["prep"].program.fromBytecode(b"\xb0\x01\x2c")
        fb.font["cvt "] = newTable("cvt ")
        fb.font["cvt "].values = array.array("h", [0, 40, -40])
    if extra_cmaps:
        from fontTools.ttLib.tables._c_m_a_p import cmap_format_12

        for platform, encoding in ((0, 4), (3, 10)):
            sub = cmap_format_12(12)
            sub.platformID, sub.platEncID, sub.language, sub.cmap = platform, encoding, 0, dict(mapping)
            fb.font["cmap"].tables.append(sub)
    fb.save(str(path))
    return path


@pytest.mark.parametrize("variant", [{}, {"big": True}, {"extra_cmaps": True}, {"hinting": True}])
def test_subsets_of_a_built_font_are_fonttools_bytes(tmp_path, variant):
    info = face_info(_build_font(tmp_path / "probe.ttf", **variant))
    assert info.format == "TrueType"
    all_cps = sorted(info.cmap)
    rng = random.Random(str(variant))
    sets = [[], all_cps, [0x4E00], [0x20, 0x41], all_cps[::3], sorted(rng.sample(all_cps, 17)),
            [c for c in all_cps if c < 0x4E00]]  # fmt: skip
    for cps in sets:
        assert _ours(info, cps) == _fonttools(info, cps), cps


def _installed_truetype_faces():
    faces = []
    for path in sorted(glob.glob("/usr/share/fonts/**/*.tt[fc]", recursive=True)):
        with open(path, "rb") as f:
            head = f.read(12)
        count = int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1
        for index in range(count):  # every face of a collection (AR PL UKai: composites in some subsets)
            try:
                info = face_info(Path(path), index)
            except Exception:
                continue
            if info.format == "TrueType":
                faces.append(info)
    return faces


def test_subsets_of_installed_faces_are_fonttools_bytes_or_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "faces"))
    faces = _installed_truetype_faces()
    if not any("WenKai" in f.family for f in faces):
        pytest.skip("LXGW WenKai is not installed (make setup installs fonts-lxgw-wenkai)")
    made = refused = 0
    for info in faces:
        rng = random.Random(info.path.name)
        cps_all = [c for c in info.cmap if c <= 0xFFFF]
        for k in (1, 40, 400):
            cps = sorted(rng.sample(cps_all, min(k, len(cps_all))))
            try:
                ours = _ours(info, cps)
            except Unsupported:
                refused += 1
                continue
            assert ours == _fonttools(info, cps), (info.path.name, k)
            made += 1
    assert made >= 3 * sum("WenKai" in f.family for f in faces)  # every LXGW face takes this path


def _composite_font(path: Path) -> Path:
    """Glyphs made of other glyphs: moved, scaled, scaled by x and y, transformed by a 2×2 matrix,
    nested two deep, with big offsets (word arguments)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((100, 0))
    pen.lineTo((0, 100))
    pen.closePath()
    square = pen.glyph()
    glyphs = {".notdef": square, "a": square, "z": square}
    names = [".notdef", "a", "b", "c", "d", "e", "z"]
    for name, parts in (("b", [("a", (1, 0, 0, 1, 50, 0))]),
                        ("c", [("b", (0.5, 0, 0, 0.5, 0, 0)), ("a", (1, 0, 0, 2, 300, -400))]),
                        ("d", [("c", (0.5, 0.25, 0.125, 0.75, 10, 10)), ("z", (1, 0, 0, 1, 0, 0))]),
                        ("e", [("a", (1, 0, 0, 1, 0, 0))])):  # fmt: skip
        pen = TTGlyphPen(glyphs)
        for base, transform in parts:
            pen.addComponent(base, transform)
        glyphs[name] = pen.glyph()
    from fontTools.ttLib.tables import ttProgram

    glyphs["e"].program = ttProgram.Program()  # a composite with instructions
    glyphs["e"].program.fromBytecode(b"\xb0\x01\x2c")
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x61: "a", 0x62: "b", 0x63: "c", 0x64: "d", 0x65: "e", 0x20000: "z"})
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (500 + 10 * k, 0) for k, n in enumerate(names)})
    fb.setupHorizontalHeader()
    fb.setupNameTable({"familyName": "Comp", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return path


def test_composite_glyphs_come_with_their_components_renumbered(tmp_path):
    info = face_info(_composite_font(tmp_path / "comp.ttf"))
    for cps in ([0x62], [0x63], [0x64], [0x61, 0x64], [0x65], [0x62, 0x65]):
        assert _ours(info, cps) == _fonttools(info, cps), cps


def test_what_is_refused_comes_from_fonttools(tmp_path):
    info = face_info(_composite_font(tmp_path / "comp.ttf"))
    with pytest.raises(Unsupported):
        ttfsubset.pdf_subset(info.path, 0, [0x61, 0x20000], info.cmap.__getitem__)  # beyond the BMP
    assert programs.pdf_truetype(info, "a\U00020000") == _fonttools(info, [0x61, 0x20000])


def test_a_subset_of_a_plain_truetype_face_imports_no_fonttools(tmp_path):
    path = _build_font(tmp_path / "probe.ttf")
    face_info(path)  # cached, so the child reads no table with fontTools
    code = (
        "import sys\nfrom pathlib import Path\nfrom publish.fonts import programs\n"
        "from publish.fonts.faceinfo import face_info\n"
        f"info = face_info(Path({str(path)!r}))\n"
        "programs.pdf_truetype(info, 'ABC\u4e00')\n"
        "print(sorted(m for m in sys.modules if m.startswith('fontTools')))\n"
    )
    env = {"PUBLISH_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_format_4_subtables_are_segmented_as_fonttools_segments_them():
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import cmap_format_4

    rng = random.Random(4)
    for _ in range(60):
        codes = sorted(rng.sample(range(0x20, 0x3000), rng.randrange(1, 300)))
        if rng.random() < 0.5:  # long runs of consecutive codes and glyphs
            start = rng.randrange(0x4E00, 0x9000)
            codes = sorted(set(codes) | set(range(start, start + rng.randrange(1, 40))))
        gids = sorted(rng.sample(range(1, 3000), len(codes))) if rng.random() < 0.5 else [
            rng.randrange(1, 3000) for _ in codes]  # fmt: skip
        cmap = dict(zip(codes, gids, strict=True))
        font = _glyph_order_font(max(gids) + 1)
        sub = cmap_format_4(4)
        sub.platformID, sub.platEncID, sub.language = 3, 1, 0
        sub.cmap = {c: f"g{g}" for c, g in cmap.items()}
        table = newTable("cmap")
        table.tableVersion, table.tables = 0, [sub]
        assert ttfsubset._cmap4(cmap, 0) == sub.compile(font)


def _glyph_order_font(n):
    from fontTools.ttLib import TTFont

    font = TTFont()
    font.setGlyphOrder([f"g{g}" for g in range(n)])
    return font


def test_the_range_bits_are_those_fonttools_computes():
    from fontTools.ttLib.tables.O_S_2f_2 import OS2_UNICODE_RANGES, calcCodePageRanges, intersectUnicodeRanges

    assert ttfsubset._UNICODE_RANGES == tuple(tuple(r for _, r in blocks) for blocks in OS2_UNICODE_RANGES)
    rng = random.Random(2)
    triggers = [0xDE, 0x13D, 0x411, 0x405, 0x255C, 0x386, 0xBD, 0x221A, 0x130, 0x5D0, 0x631, 0x157, 0x20AB,
                0xE45, 0x30A8, 0x3105, 0x3131, 0x592E, 0xACF4, 0x2665, 0xFE, 0x255A, 0xC5, 0xE9, 0xF5, 0x2030,
                0x2211, 0x2524, 0x1F600]  # fmt: skip
    for _ in range(300):
        chars = set(rng.sample(triggers, rng.randrange(0, len(triggers))))
        chars |= set(rng.sample(range(0x20, 0x20000), rng.randrange(0, 50)))
        if rng.random() < 0.6:
            chars |= set(range(0x20, 0x7E))
        assert ttfsubset._code_pages(chars) == calcCodePageRanges(chars)
        assert ttfsubset._no_intersection(chars) == intersectUnicodeRanges(chars, inverse=True)


def test_the_built_font_reads_back(tmp_path):
    """The subset is a font fontTools reads, with the requested characters on their glyphs."""
    from fontTools.ttLib import TTFont

    info = face_info(_build_font(tmp_path / "probe.ttf"))
    data, gid_of = _ours(info, [0x41, 0x4E00, 0x4EFF])
    font = TTFont(io.BytesIO(data))
    assert font["maxp"].numGlyphs == len(set(gid_of.values())) + 1
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    assert {cp: order.index(name) for cp, name in cmap.items()} == gid_of


def test_name_records_are_kept_sorted_and_shared_as_fonttools_writes_them():
    """A name table with records out of order, other platforms and languages, other name IDs and
    a string used twice: the subset keeps the Unicode US English records 1–4 and 6, sorted."""
    import struct

    from fontTools.ttLib import newTable

    records = [(3, 1, 0x409, 6, "Probe-Regular"), (1, 0, 0, 1, "Probe"), (3, 1, 0x409, 1, "Probe"),
               (3, 1, 0x804, 1, "探针"), (3, 1, 0x409, 4, "Probe Regular"), (0, 3, 0x409, 2, "Regular"),
               (3, 1, 0x409, 2, "Regular"), (3, 1, 0x409, 13, "OFL"), (3, 10, 0x409, 3, "Probe;1.0"),
               (3, 1, 0x409, 3, "Probe;1.0")]  # fmt: skip
    strings = b""
    body = b""
    for pid, eid, lid, nid, text in records:
        raw = text.encode("mac_roman" if pid == 1 else "utf_16_be")
        body += struct.pack(">HHHHHH", pid, eid, lid, nid, len(raw), len(strings))
        strings += raw
    data = struct.pack(">HHH", 0, len(records), 6 + len(body)) + body + strings
    table = newTable("name")
    table.decompile(data, None)
    table.names = [n for n in table.names if n.nameID in (1, 2, 3, 4, 6) and n.isUnicode() and n.langID == 0x409]
    assert ttfsubset._name(data) == table.compile(None)


LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="a process's mappings are read from /proc (Linux)")
def test_a_cjk_subsets_glyphs_are_read_from_the_file_not_through_its_mapping(monkeypatch):
    """Reading a byte of a mapped file maps the 64 KB around it (the kernel's fault-around): the
    glyphs of a CJK subset, scattered over the face's glyf table, would map most of it into the
    process making the subset. Both TrueType paths — `ttfsubset` and the subsetter's proxy
    (`epubsubset._Glyphs`) — read each glyph from the file instead."""
    if not LXGW.exists():
        pytest.skip("LXGW WenKai is not installed (make setup installs fonts-lxgw-wenkai)")
    info = face_info(LXGW, 0)
    cps = sorted(random.Random(5).sample([cp for cp in info.cmap if 0x4E00 <= cp <= 0x9FFF], 1500))
    left_mapped: list[int] = []
    real = ttfsubset._subset

    def subset(*args, **kwargs):
        out = real(*args, **kwargs)
        left_mapped.append(fonts_support.mapped_kb(LXGW))  # still inside pdf_subset's mapping
        return out

    monkeypatch.setattr(ttfsubset, "_subset", subset)
    _ours(info, cps)
    with proxied(info, "".join(map(chr, cps))) as (font, _, _):
        glyphs = font["glyf"].glyphs
        order = font.getGlyphOrder()
        for cp in cps:
            glyphs[order[info.cmap[cp]]]
        left_mapped.append(fonts_support.mapped_kb(LXGW))
    assert len(left_mapped) == 2
    assert max(left_mapped) < 2 * 1024, f"{left_mapped} KB of {LXGW.name} mapped"
