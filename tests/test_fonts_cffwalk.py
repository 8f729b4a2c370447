"""The CFF subsetter keeps its glyph walks per face: a subset made with kept walks is the same
bytes as one made by walking every glyph, only the glyphs not walked before are walked, and a
damaged or disagreeing record is never trusted."""

from __future__ import annotations

import mmap
import random

import pytest
from fonts_support import need_cjk_fonts

from publish import cache
from publish.fonts import cffsubset, load_fonts


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))


def _plain(info, order):
    """The subset walking every glyph, no cache (what the subsetter did before walks were kept)."""
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        off, _ = cffsubset.sfnt_table(data, info.index, b"CFF ")
        return cffsubset._build(cffsubset.CFF(data, off), order, info.ps_name, {})


def _order(gids):
    return [(0, 0), *((cid, gid) for cid, gid in enumerate(sorted(gids), 1))]


def _walked(monkeypatch):
    walked: list[int] = []
    real = cffsubset._Scan.glyph

    def glyph(self, gid, code, fd):
        walked.append(gid)
        return real(self, gid, code, fd)

    monkeypatch.setattr(cffsubset._Scan, "glyph", glyph)
    return walked


@pytest.mark.parametrize("key", ["body", "title"])
def test_subsets_from_kept_walks_are_the_bytes_of_full_walks(fonts, key, monkeypatch):
    info = fonts.face(key).info
    rng = random.Random(key)
    n = max(info.cmap.values()) + 1
    first = set(rng.sample(range(1, n), 600))
    second = set(rng.sample(sorted(first), 300)) | set(rng.sample(range(1, n), 300))
    walked = _walked(monkeypatch)
    for gids in (first, second, first | second, set(sorted(second)[:3])):
        order = _order(gids)
        walked.clear()
        made = cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name)
        new = set(walked)
        walked.clear()
        assert made == _plain(info, order)
        if gids is second:
            # only the glyphs no earlier subset had were walked
            assert new == second - first
        elif gids is not first:
            assert new == set()


def test_a_damaged_record_is_walked_again(fonts, monkeypatch):
    info = fonts.face("body").info
    order = _order(range(100, 400))
    clean = cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name)
    (entry,) = (cache.cache_dir() / cffsubset.CACHE_KIND).rglob("*.bin")
    data = bytearray(entry.read_bytes())
    data[-3] ^= 0x40  # a subroutine number in the last site
    entry.write_bytes(bytes(data))
    walked = _walked(monkeypatch)
    assert cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name) == clean
    assert len(walked) == 301  # every glyph again (and .notdef)
    walked.clear()
    assert cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name) == clean
    assert walked == []  # the record was replaced


def test_kept_sites_that_disagree_with_a_new_walk_are_not_used(fonts, monkeypatch):
    info = fonts.face("body").info
    order = _order(range(1000, 1200))
    clean = cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name)
    face = cffsubset._face_key(info.path, info.index)
    walks = cffsubset._load_walks(face)
    assert walks is not None and walks.glyphs == {0, *range(1000, 1200)}
    # Pretend an earlier walk found another subroutine at a site of a subroutine these glyphs use
    # (a sealed record, as a different parse of the same bytes would leave it).
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        off, _ = cffsubset.sfnt_table(data, info.index, b"CFF ")
        cff = cffsubset.CFF(data, off)
        scan = cffsubset._Scan(cff)
        for gid in range(1100, 1200):
            scan.glyph(gid, cff.charstrings[gid], cff.fd_of(gid))
        owner = next(o for o in sorted(scan.sites) if o[0] == "l" and scan.sites[o])  # met again below
    code = cffsubset._owner_code(owner)
    sites = walks.get(code)
    start, end, local, k = sites[0]
    sites[0] = (start, end, local, k + 1)
    walks.glyphs -= set(range(1100, 1200))
    cache.put_bytes(cffsubset.CACHE_KIND, face, walks.encode())
    walked = _walked(monkeypatch)
    assert cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name) == clean
    assert len(walked) > 200  # the new walk disagreed: every glyph walked, as without a record


def test_the_record_reads_back_as_written():
    sites = {5: [(0, 2, 0, 7), (9, 11, 1, 65535)], (1 << 24) | 7: [], (2 << 24) | (18 << 16) | 3: [(4, 5, 0, 0)]}
    walks = cffsubset._Walks({0, 5, 65535}, sites)
    back = cffsubset._Walks.decode(walks.encode())
    assert back.glyphs == walks.glyphs
    assert {c: back.get(c) for c in back.codes()} == sites
    assert back.get(6) == []  # a charstring with no calls
    with pytest.raises(ValueError):
        cffsubset._Walks.decode(walks.encode()[:-1])
    with pytest.raises(ValueError):
        cffsubset._Walks.decode(b"something else entirely")
