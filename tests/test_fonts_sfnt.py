"""The direct table readers agree with fontTools: cmap, hmtx and GSUB single substitutions."""

from __future__ import annotations

import array
import struct
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from publish.fonts import sfnt

FACES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),  # CFF, cmap format 12, in a .ttc
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),  # TrueType in a .ttc
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),  # TrueType, hmtx shorter than glyphs
    ("/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf", 0),  # name-keyed CFF, format 4
]


@pytest.mark.parametrize(("path", "index"), FACES)
def test_cmap_and_hmtx_match_fonttools(path, index):
    if not Path(path).exists():
        pytest.skip(f"{path} not installed")
    font = TTFont(path, fontNumber=index if path.endswith(".ttc") else -1, lazy=True)
    order = font.getGlyphOrder()
    gid = {g: i for i, g in enumerate(order)}
    tables = sfnt.read_tables(Path(path), index, (b"cmap", b"hmtx"))
    cps, gids = sfnt.parse_cmap(tables[b"cmap"])
    assert dict(zip(cps, gids, strict=True)) == {cp: gid[g] for cp, g in font.getBestCmap().items() if gid[g]}
    assert list(cps) == sorted(cps)
    advances, lsb = sfnt.parse_hmtx(tables[b"hmtx"], font["hhea"].numberOfHMetrics, font["maxp"].numGlyphs)
    metrics = font["hmtx"].metrics
    assert [(a, b) for a, b in zip(advances, lsb, strict=True)] == [metrics[g] for g in order]


def test_fwid_substitutions_match_fonttools():
    path = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
    if not Path(path).exists():
        pytest.skip("Noto Serif CJK not installed")
    font = TTFont(path, fontNumber=2, lazy=True)
    order = font.getGlyphOrder()
    gid = {g: i for i, g in enumerate(order)}
    cmap = font.getBestCmap()
    glyphs = {gid[cmap[ord(c)]] for c in "—·…“”‘’人A1"}
    want: dict[int, int] = {}
    table = font["GSUB"].table
    for rec in table.FeatureList.FeatureRecord:
        if rec.FeatureTag != "fwid":
            continue
        for li in rec.Feature.LookupListIndex:
            lookup = table.LookupList.Lookup[li]
            for sub in lookup.SubTable:
                sub = sub.ExtSubTable if lookup.LookupType == 7 else sub
                for g in glyphs:
                    if g not in want and order[g] in getattr(sub, "mapping", {}):
                        want[g] = gid[sub.mapping[order[g]]]
    tables = sfnt.read_tables(Path(path), 2, (b"GSUB",))
    assert sfnt.single_substitutions(tables[b"GSUB"], b"fwid", glyphs) == want
    assert want  # the em dash and the middle dot have full-width forms in this face


@pytest.mark.parametrize(("path", "index"), FACES)
def test_italic_angle_matches_fonttools(path, index):
    if not Path(path).exists():
        pytest.skip(f"{path} not installed")
    font = TTFont(path, fontNumber=index if path.endswith(".ttc") else -1, lazy=True)
    post = sfnt.read_tables(Path(path), index, (b"post",))[b"post"]
    assert sfnt.italic_angle(post) == float(font["post"].italicAngle)


def test_italic_angle_is_a_signed_16_16_number():
    import struct

    assert sfnt.italic_angle(struct.pack(">Ii", 0x00030000, -12 * 65536 - 32768)) == -12.5


def _cmap12(groups: list[tuple[int, int, int]]) -> bytes:
    """A cmap table with one (3,10) format 12 subtable holding `groups` as given."""
    import struct

    sub = struct.pack(">HHIII", 12, 0, 16 + 12 * len(groups), 0, len(groups))
    sub += b"".join(struct.pack(">III", *g) for g in groups)
    return struct.pack(">HHHHI", 0, 1, 3, 10, 12) + sub


def test_format_12_groups_in_order_come_out_as_they_are():
    cps, gids = sfnt.parse_cmap(_cmap12([(0x41, 0x43, 5), (0x4E00, 0x4E01, 9)]))
    assert list(cps) == [0x41, 0x42, 0x43, 0x4E00, 0x4E01]
    assert list(gids) == [5, 6, 7, 9, 10]


def test_format_12_groups_out_of_order_or_on_glyph_0_are_sorted_and_dropped():
    cps, gids = sfnt.parse_cmap(_cmap12([(0x4E00, 0x4E01, 9), (0x41, 0x42, 0), (0x30, 0x30, 3)]))
    # U+0041 on glyph 0 means "not mapped"; U+0042 then maps to glyph 1
    assert list(zip(cps, gids, strict=True)) == [(0x30, 3), (0x42, 1), (0x4E00, 9), (0x4E01, 10)]


def test_format_12_groups_overlapping_or_empty_are_read_as_fonttools_reads_them():
    cps, gids = sfnt.parse_cmap(_cmap12([(0x41, 0x44, 5), (0x43, 0x45, 20), (0x50, 0x4F, 30), (0x60, 0x60, 40)]))
    # overlapping groups: sorted, both mappings kept as the groups give them; an empty group adds nothing
    assert list(zip(cps, gids, strict=True)) == [(0x41, 5), (0x42, 6), (0x43, 7), (0x43, 20), (0x44, 8), (0x44, 21),
                                                 (0x45, 22), (0x60, 40)]  # fmt: skip


def test_a_format_12_table_cut_inside_a_group_is_refused():
    data = _cmap12([(0x41, 0x43, 5), (0x4E00, 0x4E01, 9)])
    with pytest.raises(struct.error):
        sfnt.parse_cmap(data[:-5])


# ── the character map as ranges (what `FaceInfo.cmap` holds) ─────────────────────────────────
def _charmap(data: bytes):
    from publish.fonts.faceinfo import CharMap

    return CharMap(*sfnt.parse_cmap_ranges(data))


@pytest.mark.parametrize("groups", [
    [(0x41, 0x43, 5), (0x4E00, 0x4E01, 9)],  # in order: kept as ranges
    [(0x4E00, 0x4E01, 9), (0x41, 0x42, 0), (0x30, 0x30, 3)],  # out of order, on glyph 0
    [(0x41, 0x44, 5), (0x43, 0x45, 20), (0x50, 0x4F, 30), (0x60, 0x60, 40)],  # overlapping, empty
    [(0x20000, 0x2A6DF, 1000)],  # beyond the BMP
])  # fmt: skip
def test_the_ranges_look_up_as_the_spelled_out_map_does(groups):
    data = _cmap12(groups)
    cps, gids = sfnt.parse_cmap(data)
    cmap = _charmap(data)
    first = {}
    for cp, gid in zip(cps, gids, strict=True):
        first.setdefault(cp, gid)  # a code point mapped twice: the lookup took the first
    assert dict(cmap.items()) == first and len(cmap) == len(first) and list(cmap) == sorted(first)
    assert cmap.arrays() == (array.array("I", sorted(first)), array.array("H", [first[c] for c in sorted(first)]))
    for cp in (0x2F, 0x30, 0x31, 0x41, 0x42, 0x45, 0x46, 0x4F, 0x50, 0x60, 0x4E01, 0x4E02, 0x1FFFF, 0x2A6DF, 0x2A6E0):
        assert cmap.get(cp) == first.get(cp) and (cp in cmap) == (cp in first)
    assert cmap.covered(set(range(0x2F, 0x62))) == {c for c in first if 0x2F <= c < 0x62}


def test_every_installed_face_s_ranges_spell_out_its_map():
    import glob

    from publish.fonts import faceinfo

    files = sorted(set(glob.glob("/usr/share/fonts/**/*.tt[fc]", recursive=True)
                       + glob.glob("/usr/share/fonts/**/*.ot[fc]", recursive=True)))  # fmt: skip
    if not files:
        pytest.skip("no fonts installed under /usr/share/fonts")
    faces = []
    for path in map(Path, files):
        with path.open("rb") as f:
            head = f.read(12)
        faces += [(path, k) for k in range(int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1)]
    for path, index in faces:
        table = sfnt.read_tables(path, index, (b"cmap",)).get(b"cmap")
        if table is None or sfnt.parse_cmap(table) is None:
            continue
        assert _charmap(table).arrays() == sfnt.parse_cmap(table), (path, index)
        info = faceinfo._read(path, index, "")
        kept = faceinfo.CharMap.from_parts(info.cmap.parts())
        assert kept.arrays() == info.cmap.arrays() and kept._chosen == info.cmap._chosen


def test_a_group_past_glyph_65535_is_refused():
    with pytest.raises(struct.error):
        sfnt.parse_cmap_ranges(_cmap12([(0x41, 0x50, 0xFFF8)]))


def test_kept_ranges_that_do_not_agree_are_refused():
    from publish.fonts.faceinfo import CharMap

    parts = _charmap(_cmap12([(0x41, 0x43, 5), (0x4E00, 0x4E01, 9)])).parts()
    for damaged in ({**parts, "ends": parts["ends"][:4]}, {**parts, "firsts": parts["firsts"] + b"\0\0"},
                    {**parts, "chosen": b"\0" * 4}):
        with pytest.raises(ValueError):
            CharMap.from_parts(damaged)
