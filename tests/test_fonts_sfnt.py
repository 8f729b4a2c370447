"""The direct table readers agree with fontTools: cmap, hmtx and GSUB single substitutions."""

from __future__ import annotations

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
