"""Discovery reads each font file's names straight from its tables (publish.fonts.discovery): the
records must be exactly what the fontTools reader makes of the same files, including the names in
other encodings (Mac Simplified Chinese) and the odd cases fontTools repairs or refuses."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from publish.fonts import discovery

INSTALLED = sorted(
    {p for ext in ("ttf", "otf", "ttc", "otc") for p in glob.glob(f"/usr/share/fonts/**/*.{ext}", recursive=True)}
)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not INSTALLED, reason="no fonts under /usr/share/fonts")
def test_every_installed_font_reads_as_fonttools_reads_it():
    for path in INSTALLED:
        assert discovery._read_records_direct(path) == discovery._read_records_fonttools(path), path


def test_mac_simplified_chinese_names_are_found_like_fonttools_finds_them():
    path = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
    if not Path(path).exists():
        pytest.skip("LXGW WenKai not installed")
    (record,) = discovery._read_records_direct(path)
    assert "霞鹜文楷" in record.families
    assert record == discovery._read_records_fonttools(path)[0]


def _with_name(tmp_path: Path, raw: bytes) -> str:
    """DejaVu Sans with its Windows family name (ID 1) replaced by the given bytes."""
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans not installed")
    font = TTFont(str(DEJAVU))
    for rec in font["name"].names:
        if rec.nameID == 1 and rec.platformID == 3:
            rec.string = raw
    out = tmp_path / "odd.ttf"
    font.save(str(out))
    return str(out)


def test_odd_length_utf16_is_left_to_fonttools_repair(tmp_path):
    path = _with_name(tmp_path, "Odd Family".encode("utf_16_be") + b"\x00")  # a stray trailing zero
    with pytest.raises(discovery._Unusual):
        discovery._read_records_direct(path)
    records = discovery._read_records(path)
    assert records == discovery._read_records_fonttools(path)
    assert "oddfamily" in records[0].families


def test_a_name_that_does_not_decode_is_skipped_as_fonttools_skips_it(tmp_path):
    path = _with_name(tmp_path, b"\xd8\x00\xd8\x00")  # two UTF-16 high surrogates: not decodable
    assert discovery._read_records(path) == discovery._read_records_fonttools(path)


def test_a_file_that_is_not_a_font_gives_no_faces(tmp_path):
    bad = tmp_path / "broken.ttf"
    bad.write_bytes(b"this is not a font at all, just text")
    assert discovery._read_records(str(bad)) == []
