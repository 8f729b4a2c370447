"""What the EPUB reads from font files without fontTools (so that a warm build need not import it)
is what fontTools reads: the weight class of each embedded subset, and which face of an installed
file or collection the cover is drawn with."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fonts_support import need_cjk_fonts

from publish.epub import cover
from publish.epub.fonts import _weight

FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK JP", "Noto Sans CJK TC", "LXGW WenKai",
            "DejaVu Sans", "no such family")


def _installed_font_files() -> list[Path]:
    files = set()
    for folder in cover._FONT_DIRS:
        if folder.is_dir():
            for pattern in ("*.ttf", "*.otf", "*.ttc", "*.otc"):
                files.update(folder.rglob(pattern))
    return sorted(files)


def test_the_cover_picks_the_face_fonttools_names_in_every_installed_file():
    need_cjk_fonts()
    files = _installed_font_files()
    assert any(f.suffix == ".ttc" for f in files), "no font collection installed to check face indexes on"
    found = 0
    for path in files:
        for family in FAMILIES:
            expected = cover._face_index_fonttools(path, family)
            assert cover._face_index_direct(path, family) == expected, (path, family)
            found += expected is not None
    assert found >= 2  # at least the serif and the sans the cover asks for were matched


def test_a_file_the_direct_reader_cannot_read_falls_back_to_fonttools(tmp_path):
    odd = tmp_path / "odd.ttf"
    odd.write_bytes(b"wOFF" + bytes(64))
    assert cover._face_index(odd, "Noto Serif CJK SC") is None


def test_the_weight_of_each_subset_is_its_os2_weight_class():
    from fontTools.ttLib import TTFont

    from publish.fonts import load_fonts

    need_cjk_fonts()
    fonts = load_fonts()
    seen = set()
    for key in ("body", "title", "byline"):
        data = fonts.subset(key, "人大常委会议，。")
        expected = TTFont(io.BytesIO(data), lazy=True)["OS/2"].usWeightClass
        assert _weight(data) == expected
        seen.add(expected)
    assert len(seen) >= 2  # regular and bold faces both checked


def test_a_font_without_os2_weighs_400():
    header = b"OTTO" + (1).to_bytes(2, "big") + bytes(6)
    record = b"head" + bytes(4) + (28).to_bytes(4, "big") + (54).to_bytes(4, "big")
    assert _weight(header + record + bytes(54)) == 400


@pytest.mark.parametrize("weight", [100, 400, 700, 900])
def test_the_weight_is_read_from_wherever_os2_lies(weight):
    tables = [(b"head", bytes(54)), (b"OS/2", bytes(4) + weight.to_bytes(2, "big") + bytes(90))]
    offset = 12 + 16 * len(tables)
    directory, body = b"", b""
    for tag, data in tables:
        directory += tag + bytes(4) + (offset + len(body)).to_bytes(4, "big") + len(data).to_bytes(4, "big")
        body += data
    font = b"OTTO" + len(tables).to_bytes(2, "big") + bytes(6) + directory + body
    assert _weight(font) == weight
