"""The CFF subsetter keeps its glyph walks per face: a subset made with kept walks is the same
bytes as one made by walking every glyph, only the glyphs not walked before are walked, and a
damaged or disagreeing record is never trusted."""

from __future__ import annotations

import importlib
import mmap
import os
import random
from itertools import accumulate

import fonts_support
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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_walks_kept_during_a_build_reach_its_helper_at_once(fonts, monkeypatch):
    # A build holds its cache writes until its flush (`cache.writes_held`); its EPUB helper, forked
    # before the PDF's subsets are made, subsets the same faces meanwhile and must find the walks
    # instead of walking the same glyphs again.
    from publish.worker import Worker

    info = fonts.face("body").info
    order = _order(range(200, 500))
    walked = _walked(monkeypatch)

    def helper(channel) -> None:
        channel.receive()  # once the build's subset is made
        walked.clear()
        made = cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name)
        channel.reply((made, list(walked)))

    with cache.writes_held():
        child = Worker.start(helper)
        if child is None:
            pytest.skip("no helper process here (one core, or PUBLISH_JOBS=1)")
        here = cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name)
        assert sorted(walked) == [0, *range(200, 500)]  # .notdef too
        child.send("made")
        there, walked_there = child.receive()
        assert child.wait()
    assert there == here
    assert walked_there == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_face_being_walked_by_the_helper_is_waited_for_not_walked_twice(fonts, monkeypatch):
    # The EPUB helper and the PDF subset the same faces at about the same time: the one that comes
    # second waits for the walk under way and walks only what it left.
    import time

    from publish.worker import Worker

    info = fonts.face("body").info
    order = _order(range(600, 900))
    walked = _walked(monkeypatch)
    real = cffsubset._Scan.glyph

    def helper(channel) -> None:
        def slow_glyph(self, gid, code, fd):
            if not walked:
                channel.reply("walking")
                time.sleep(0.3)
            walked.append(gid)
            return real(self, gid, code, fd)

        monkeypatch.setattr(cffsubset._Scan, "glyph", slow_glyph)
        channel.reply(cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name))

    child = Worker.start(helper)
    if child is None:
        pytest.skip("no helper process here (one core, or PUBLISH_JOBS=1)")
    assert child.receive() == "walking"
    here = cffsubset.subset_cff_ordered(info.path, info.index, order, info.ps_name)
    assert child.receive() == here
    assert child.wait()
    assert walked == []  # the helper's walks were waited for


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
    kept = {c: list(walks.get(c)) for c in walks.codes()}
    start, end, local, k = kept[code][0]
    kept[code][0] = (start, end, local, k + 1)
    altered = cffsubset._Walks(walks.glyphs - set(range(1100, 1200)), kept)
    cache.put_bytes(cffsubset.CACHE_KIND, face, altered.encode())
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


def test_a_record_read_and_extended_keeps_what_it_read_and_what_was_added():
    first = {5: [(0, 2, 0, 7)], (1 << 24) | 7: [(3, 4, 1, 2)], (2 << 24) | 2: []}
    read = cffsubset._Walks.decode(cffsubset._Walks({5}, first).encode())
    assert read.get(5) == [(0, 2, 0, 7)]  # decoded once asked for; copied as read when written
    added = {("c", 9): {0: (2, "g", 7)}, ("l", 0, 4): {1: (3, "l", 2)}, ("g", 7): {3: (4, "l", 2)}}
    assert read.merge(added)  # the sites of ("g", 7) agree with those kept
    read.glyphs.add(9)
    back = cffsubset._Walks.decode(read.encode())
    assert back.glyphs == {5, 9}
    assert {c: back.get(c) for c in back.codes()} == {**first, 9: [(0, 2, 0, 7)], (2 << 24) | 4: [(1, 3, 1, 2)]}
    assert not back.merge({("c", 5): {0: (2, "g", 8)}})  # a walk disagreeing with the record


def test_a_record_naming_an_owner_twice_is_refused():
    data = bytearray(cffsubset._Walks({1}, {1: [(0, 1, 0, 0)], 2: [(0, 1, 0, 0)]}).encode())
    codes_at = len(cffsubset._WALK_MAGIC) + 12 + 2  # after the one glyph id
    data[codes_at + 4 : codes_at + 8] = data[codes_at : codes_at + 4]
    with pytest.raises(ValueError):
        cffsubset._Walks.decode(bytes(data))


def test_the_standard_strings_are_those_of_the_cff_specification():
    from fontTools.cffLib import cffStandardStrings

    assert cffsubset._standard_strings() == list(cffStandardStrings)


@pytest.mark.parametrize("off_size", [1, 2, 3, 4])
def test_an_index_reads_many_entries_as_it_reads_each(off_size):
    rng = random.Random(off_size)
    items = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 9))) for _ in range(40)]
    offsets = list(accumulate(map(len, items), initial=1))
    data = (b"junk" + len(items).to_bytes(2, "big") + bytes([off_size])
            + b"".join(o.to_bytes(off_size, "big") for o in offsets) + b"".join(items))
    index = cffsubset.Index(data, 4)
    ks = [rng.randrange(len(items)) for _ in range(30)]
    assert index.items(ks) == [items[k] for k in ks]
    assert [index[k] for k in range(len(items))] == items
    assert index.end == len(data)
    with pytest.raises(IndexError):
        index.items([0, len(items)])
    with pytest.raises(IndexError):
        index.items([-1])


@pytest.mark.skipif(not hasattr(os, "pread"), reason="os.pread: entries are read through the mapping here")
def test_an_index_over_an_open_file_reads_its_entries_from_the_file_as_slices_would(tmp_path):
    rng = random.Random(7)
    items = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 9))) for _ in range(40)]
    offsets = list(accumulate(map(len, items), initial=1))
    data = (b"junk" + len(items).to_bytes(2, "big") + b"\x02"
            + b"".join(o.to_bytes(2, "big") for o in offsets) + b"".join(items))
    # the file ends inside the last entry: a read gives what is there, as a slice of the map does
    path = tmp_path / "index.bin"
    path.write_bytes(data[:-3])
    reads: list[tuple[int, int]] = []
    real = os.pread

    def pread(fd, n, at):
        reads.append((n, at))
        return real(fd, n, at)

    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        by_slices = cffsubset.Index(mapped, 4)
        by_reads = cffsubset.Index(mapped, 4, f.fileno())
        ks = [rng.randrange(len(items)) for _ in range(30)] + [len(items) - 1]
        expected = [mapped[by_slices.base + offsets[k] : by_slices.base + offsets[k + 1]] for k in ks]
        os_pread = cffsubset._pread
        cffsubset._pread = pread
        try:
            assert by_reads.items(ks) == by_slices.items(ks) == expected
            assert [by_reads[k] for k in ks] == [by_slices[k] for k in ks] == expected
        finally:
            cffsubset._pread = os_pread
    # every entry came from the file, none through the mapping: the entries `items` asks for lie
    # close together, so one read for them all, and one for each entry asked for by index
    assert len(reads) == len(ks) + 1
    assert expected[-1] == items[-1][:-3]


@pytest.mark.skipif(not hasattr(os, "pread"), reason="os.pread: entries are read through the mapping here")
@pytest.mark.parametrize("dense", [True, False])
def test_entries_read_at_once_or_one_by_one_are_the_bytes_slices_give_even_from_a_damaged_index(
        tmp_path, monkeypatch, dense):
    """`Index.items` over a file reads close entries with one read and cuts them from it, else
    each with its own: either way the bytes of the mapping's slices, also when the offsets go
    backwards (a damaged INDEX: an entry before the span or of negative length) or past the file's end."""
    rng = random.Random(11)
    items = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 30))) for _ in range(60)]
    offsets = list(accumulate(map(len, items), initial=1))
    offsets[17] = offsets[40]  # entry 16 runs far ahead, 17 goes backwards
    offsets[30] = 1  # entries 29 and 30 reach back before the others
    data = (b"junk" + len(items).to_bytes(2, "big") + b"\x02"
            + b"".join(o.to_bytes(2, "big") for o in offsets) + b"".join(items))
    path = tmp_path / "index.bin"
    path.write_bytes(data[:-5])  # the file ends inside the last entry
    monkeypatch.setattr(cffsubset, "_DENSE_GAP", 1024 if dense else 0)
    reads: list[int] = []
    real = os.pread
    monkeypatch.setattr(cffsubset, "_pread", lambda fd, n, at: reads.append(n) or real(fd, n, at))
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        by_slices = cffsubset.Index(mapped, 4)
        by_reads = cffsubset.Index(mapped, 4, f.fileno())
        for _ in range(40):
            ks = sorted(rng.sample(range(len(items)), rng.randrange(1, 25)))
            if rng.random() < 0.3:
                rng.shuffle(ks)
            reads.clear()
            assert by_reads.items(ks) == by_slices.items(ks)
            if not dense:
                assert len(reads) == len(ks)
            elif not {16, 17, 29, 30} & set(ks):
                assert len(reads) == 1
        assert by_reads.items([0, 59]) == by_slices.items([0, 59])
        assert by_reads.items([16, 17, 29, 30, 59]) == by_slices.items([16, 17, 29, 30, 59])


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="a process's mappings are read from /proc (Linux)")
def test_a_cjk_subset_maps_little_of_the_font_file_while_it_is_made(fonts, monkeypatch):
    """Reading a byte of a mapped file maps the 64 KB around it into the process (the kernel's
    fault-around): a subset's charstrings, read through the mapping, would map most of a CJK face's
    CharStrings INDEX — ~12 MB of Noto Serif CJK, counted in the build's memory while it is made.
    They are read from the file instead (`Index`'s `fd`)."""
    info = fonts.face("body").info
    rng = random.Random(3)
    gids = sorted(rng.sample(range(1, max(info.cmap.values()) + 1), 2000))
    left_mapped: list[int] = []
    real = cffsubset._build

    def build(*args, **kwargs):
        out = real(*args, **kwargs)
        # still inside the `with mmap` of subset_cff_ordered: what the subset left mapped
        left_mapped.append(fonts_support.mapped_kb(info.path))
        return out

    monkeypatch.setattr(cffsubset, "_build", build)
    cffsubset.subset_cff_ordered(info.path, info.index, _order(gids), info.ps_name)
    assert left_mapped and left_mapped[0] < 2 * 1024, f"{left_mapped[0]} KB of {info.path.name} mapped"


@pytest.mark.parametrize(("sizes", "off_size"), [([3, 0, 7], 1), ([300] * 3, 2), ([40_000] * 2, 3), ([1 << 24], 4)])
def test_an_index_written_reads_back_with_the_offset_size_its_length_needs(sizes, off_size):
    items = [bytes([k % 251]) * size for k, size in enumerate(sizes)]
    data = cffsubset._index(items)
    assert data[2] == off_size
    index = cffsubset.Index(data, 0)
    assert [index[k] for k in range(len(items))] == items
    assert index.end == len(data)


# ── walking ahead: the EPUB helper walks the print PDF's glyphs while the build sets the pages ──
def _sample():
    from fonts_support import EXAMPLES

    return EXAMPLES / "sample"


def test_the_glyphs_walked_ahead_are_those_the_print_pdf_subsets(fonts, tmp_path, monkeypatch):
    builder = importlib.import_module("publish.build")  # (`publish.build` is also the function)

    monkeypatch.setenv("PUBLISH_JOBS", "1")  # one process: the build's own subsets, after the walk
    prepared = builder.prepare(_sample())
    walked = _walked(monkeypatch)
    builder._walk_print_glyphs(prepared.issue, prepared.layout, prepared.fonts)
    ahead = len(walked)
    walked.clear()
    builder.build(_sample(), tmp_path / "out", pdf=True, epub=False, screen=True)
    assert ahead > 500
    # left for the build: only glyphs of its page furniture that no article text has (folio digits…)
    assert len(walked) < 0.05 * ahead


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_epub_helper_walks_ahead(fonts, tmp_path, monkeypatch):
    builder = importlib.import_module("publish.build")  # (`publish.build` is also the function)
    from publish.fonts import programs
    from publish.worker import usable

    real = programs.walk_pdf_cff
    parent = os.getpid()

    def marked(info, chars):
        (tmp_path / ("walked-in-the-helper" if os.getpid() != parent else "walked-here")).touch()
        return real(info, chars)

    monkeypatch.setattr(programs, "walk_pdf_cff", marked)
    monkeypatch.delenv("PUBLISH_JOBS", raising=False)
    if not usable():
        pytest.skip("no helper process here (one core, or threads running)")
    builder.build(_sample(), tmp_path / "out", pdf=True, epub=True, screen=False)
    assert (tmp_path / "walked-in-the-helper").exists()
    assert not (tmp_path / "walked-here").exists()


def _decodes(monkeypatch) -> list[int]:
    decoded: list[int] = []
    real = cffsubset._Walks.decode.__func__

    def decode(cls, data):
        decoded.append(len(data))
        return real(cls, data)

    monkeypatch.setattr(cffsubset._Walks, "decode", classmethod(decode))
    return decoded


def test_a_record_read_again_unchanged_is_not_decoded_again(fonts, monkeypatch):
    """A subset with new glyphs reads the face's record three times (to see what is walked, again
    once it may walk, and before keeping its own): decoded once while the bytes are the same."""
    info = fonts.face("body").info
    cffsubset.subset_cff_ordered(info.path, info.index, _order(range(300, 500)), info.ps_name)
    decoded = _decodes(monkeypatch)
    walked = _walked(monkeypatch)
    made = cffsubset.subset_cff_ordered(info.path, info.index, _order(range(400, 700)), info.ps_name)
    assert sorted(walked) == list(range(500, 700))
    assert len(decoded) == 1
    assert made == _plain(info, _order(range(400, 700)))
    face = cffsubset._face_key(info.path, info.index)
    assert cffsubset._load_walks(face).glyphs == {0, *range(300, 700)}


def test_a_record_another_process_extended_meanwhile_is_read_and_merged(fonts, monkeypatch):
    """The record changes between the first look and the walk (another process kept its walks):
    it is decoded again, and both processes' glyphs are kept."""
    info = fonts.face("body").info
    face = cffsubset._face_key(info.path, info.index)
    cffsubset.subset_cff_ordered(info.path, info.index, _order(range(300, 400)), info.ps_name)
    real_making = cache.making
    other = _order(range(500, 650))

    def making(kind, key, *args, **kwargs):
        if kind == cffsubset.CACHE_KIND:  # another process keeps its walks just before this one walks
            monkeypatch.setattr(cache, "making", real_making)
            cffsubset.subset_cff_ordered(info.path, info.index, other, info.ps_name)
        return real_making(kind, key, *args, **kwargs)

    monkeypatch.setattr(cache, "making", making)
    decoded = _decodes(monkeypatch)
    walked = _walked(monkeypatch)
    made = cffsubset.subset_cff_ordered(info.path, info.index, _order(range(350, 600)), info.ps_name)
    assert len(decoded) > 1
    assert sorted(set(walked) - set(range(500, 650))) == list(range(400, 500))  # not what the other walked
    assert made == _plain(info, _order(range(350, 600)))
    assert cffsubset._load_walks(face).glyphs == {0, *range(300, 650)}


def test_a_record_with_an_owner_of_no_known_kind_is_refused():
    data = cffsubset._Walks({1}, {(3 << 24) | 1: [(0, 1, 0, 0)]}).encode()
    with pytest.raises(ValueError):
        cffsubset._Walks.decode(data)
    assert cffsubset._Walks.decode(cffsubset._Walks({1}, {(2 << 24) | 1: [(0, 1, 0, 0)]}).encode()).glyphs == {1}
