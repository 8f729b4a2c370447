"""Reading the few OpenType tables a build needs straight from the file, by glyph id.

In: a font file and a face index. Out: raw table bytes; the character map (cmap formats 4 and 12)
as code point → glyph id arrays; advance widths and left side bearings (hmtx); and the single
substitutions of one GSUB feature for given glyphs.

Why not fontTools here: it works by glyph *name*, and for a CID-keyed CFF face building the
65,535 names alone takes ~0.3 s, then cmap and hmtx ~0.1 s each — per face, on every cold build.
These readers take milliseconds. Formats they do not read (an old cmap format, a GSUB without
feature records) return None and the caller falls back to fontTools. Specification: OpenType 1.9
(Microsoft Typography), tables cmap, hhea, hmtx, GSUB and the common layout table formats.
"""

from __future__ import annotations

import array
import itertools
import mmap
import operator
import struct
import sys
from pathlib import Path


def _face_offset(data: mmap.mmap, index: int) -> int:
    """Where face `index`'s table directory starts: 0 in a single-face file, else the
    collection's (`ttcf`) offset for it."""
    if data[:4] != b"ttcf":
        return 0
    (num,) = struct.unpack_from(">I", data, 8)
    if index >= num:
        raise ValueError(f"face {index} not in a collection of {num}")
    (base,) = struct.unpack_from(">I", data, 12 + 4 * index)
    return int(base)


def read_tables(path: Path, index: int, tags: tuple[bytes, ...]) -> dict[bytes, bytes]:
    """The raw bytes of the requested tables of face `index` (missing tables are left out)."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        base = _face_offset(data, index)
        (num_tables,) = struct.unpack_from(">H", data, base + 4)
        out = {}
        for k in range(num_tables):
            rec = base + 12 + 16 * k
            tag = bytes(data[rec : rec + 4])
            if tag in tags:
                off, length = struct.unpack_from(">II", data, rec + 8)
                out[tag] = bytes(data[off : off + length])
        return out


def table_tags(path: Path, index: int) -> set[bytes]:
    """The tags of the tables face `index` has."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        base = _face_offset(data, index)
        (num_tables,) = struct.unpack_from(">H", data, base + 4)
        return {bytes(data[base + 12 + 16 * k : base + 16 + 16 * k]) for k in range(num_tables)}


def _u16_array(data: bytes, offset: int, count: int) -> array.array:
    a = array.array("H")
    a.frombytes(data[offset : offset + 2 * count])
    if sys.byteorder == "little":
        a.byteswap()
    return a


def parse_cmap(data: bytes) -> tuple[array.array, array.array] | None:
    """(code points, glyph ids), sorted, from the best Unicode subtable; None if unsupported.

    Preference as fontTools' getBestCmap (`_best_subtable`).
    """
    best = _best_subtable(data)
    if best is None:
        return None
    fmt, offset = best
    if fmt == 12:
        return _cmap12(data, offset)
    if fmt == 4:
        return _cmap4(data, offset)
    return None


def _best_subtable(data: bytes) -> tuple[int, int] | None:
    """(format, offset) of the Unicode subtable fontTools' getBestCmap would take, by preference
    (3,10), (0,6), (0,4), (3,1), (0,3), (0,2), (0,1), (0,0); None when the cmap has none of them."""
    _, num = struct.unpack_from(">HH", data, 0)
    subtables: dict[tuple[int, int], int] = {}
    for k in range(num):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * k)
        subtables.setdefault((platform, encoding), offset)
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
        if key in subtables:
            offset = subtables[key]
            (fmt,) = struct.unpack_from(">H", data, offset)
            return fmt, offset
    return None


def parse_cmap_ranges(data: bytes) -> tuple[array.array, array.array, array.array] | None:
    """As `parse_cmap`, as ranges: (first code points, last code points, first glyph ids), sorted
    and not overlapping — a format 12 subtable's own groups when they are so (every font that
    follows the specification), else one range per code point. None if unsupported."""
    best = _best_subtable(data)
    if best is None:
        return None
    fmt, offset = best
    if fmt == 12:
        starts, ends, glyphs = _groups12(data, offset)
        # (three passes at C speed: ~15,600 groups in a CJK face)
        ordered = 0 not in glyphs and all(map(operator.gt, starts[1:], ends[:-1]))
        if ordered and all(map(operator.le, starts, ends)):
            if max(map(operator.sub, map(operator.add, glyphs, ends), starts), default=0) > 0xFFFF:
                raise struct.error("a cmap format 12 group beyond glyph 65535")
            return starts, ends, array.array("H", glyphs)
        cps, gids = _cmap12(data, offset)
    elif fmt == 4:
        cps, gids = _cmap4(data, offset)
    else:
        return None
    keep = [i for i in range(len(cps)) if i == 0 or cps[i] != cps[i - 1]]  # of a code point twice, the first
    if len(keep) != len(cps):
        cps, gids = array.array("I", (cps[i] for i in keep)), array.array("H", (gids[i] for i in keep))
    return cps, cps, gids


def _groups12(data: bytes, offset: int) -> tuple[array.array, array.array, array.array]:
    """A format 12 subtable's groups: start codes, end codes, start glyph ids."""
    (groups,) = struct.unpack_from(">I", data, offset + 12)
    pos = offset + 16
    raw = data[pos : pos + 12 * groups]
    if len(raw) % 12:
        raise struct.error("a cmap format 12 group cut short")
    flat = array.array("I")
    if flat.itemsize != 4:
        raise struct.error("no 4-byte array type")
    flat.frombytes(raw)
    if sys.byteorder == "little":
        flat.byteswap()
    return flat[0::3], flat[1::3], flat[2::3]


def _cmap12(data: bytes, offset: int) -> tuple[array.array, array.array]:
    starts, ends, glyphs = _groups12(data, offset)
    # Every range made at C speed (~45,000 code points of a CJK face: ~0.1 s a cold build with one
    # `extend` per group). The groups must be sorted by start code and must not overlap (OpenType
    # cmap format 12), and then the arrays come out sorted: only a font breaking that rule, or
    # mapping a range to glyph 0, needs the general sort.
    stops = list(map(operator.add, ends, itertools.repeat(1)))
    cps = array.array("I", itertools.chain.from_iterable(map(range, starts, stops)))
    gid_stops = map(operator.add, glyphs, map(operator.sub, stops, starts))
    gids = array.array("H", itertools.chain.from_iterable(map(range, glyphs, gid_stops)))
    ordered = 0 not in glyphs and all(map(operator.gt, starts[1:], ends[:-1]))
    return (cps, gids) if ordered else _sorted_nonzero(cps, gids)


def _cmap4(data: bytes, offset: int) -> tuple[array.array, array.array]:
    (seg_x2,) = struct.unpack_from(">H", data, offset + 6)
    segs = seg_x2 // 2
    ends = _u16_array(data, offset + 14, segs)
    starts = _u16_array(data, offset + 16 + seg_x2, segs)
    deltas = _u16_array(data, offset + 16 + 2 * seg_x2, segs)
    range_at = offset + 16 + 3 * seg_x2
    ranges = _u16_array(data, range_at, segs)
    cps, gids = array.array("I"), array.array("H")
    for i in range(segs):
        start, end, delta, ro = starts[i], ends[i], deltas[i], ranges[i]
        if start == 0xFFFF:
            continue
        for cp in range(start, end + 1):
            if ro == 0:
                gid = (cp + delta) & 0xFFFF
            else:
                # idRangeOffset counts bytes from its own position in the idRangeOffset array.
                at = range_at + 2 * i + ro + 2 * (cp - start)
                (gid,) = struct.unpack_from(">H", data, at)
                if gid:
                    gid = (gid + delta) & 0xFFFF
            cps.append(cp)
            gids.append(gid)
    return _sorted_nonzero(cps, gids)


def _sorted_nonzero(cps: array.array, gids: array.array) -> tuple[array.array, array.array]:
    # Glyph 0 means "not mapped" (fontTools' getBestCmap leaves these out too).
    pairs = sorted((c, g) for c, g in zip(cps, gids, strict=True) if g)
    return array.array("I", (c for c, _ in pairs)), array.array("H", (g for _, g in pairs))


def italic_angle(post: bytes) -> float:
    """The italic angle from a `post` table's header (a 16.16 fixed-point number at offset 4), without
    decoding the glyph names a version 2 table carries."""
    (fixed,) = struct.unpack_from(">i", post, 4)
    return fixed / 65536


def parse_hmtx(hmtx: bytes, num_hmetrics: int, num_glyphs: int) -> tuple[array.array, array.array]:
    """(advance widths, left side bearings) for every glyph id."""
    pairs = _u16_array(hmtx, 0, 2 * num_hmetrics)
    advances = pairs[0::2]
    lsb = array.array("h", pairs[1::2].tobytes())
    extra = num_glyphs - num_hmetrics
    if extra > 0:
        last = advances[-1] if num_hmetrics else 0
        advances.extend([last] * extra)
        tail = array.array("h")
        tail.frombytes(hmtx[4 * num_hmetrics : 4 * num_hmetrics + 2 * extra])
        if sys.byteorder == "little":
            tail.byteswap()
        lsb.extend(tail)
    return advances[:num_glyphs], lsb[:num_glyphs]


def single_substitutions(gsub: bytes, feature: bytes, gids: set[int]) -> dict[int, int]:
    """glyph → substitute under `feature`'s single-substitution lookups (type 1, or type 7
    extensions of type 1), for the glyphs in `gids` only. The first lookup that covers a glyph wins."""
    _, _, _script_list, feature_list, lookup_list = struct.unpack_from(">HHHHH", gsub, 0)
    (count,) = struct.unpack_from(">H", gsub, feature_list)
    lookups: list[int] = []
    for k in range(count):
        tag, off = struct.unpack_from(">4sH", gsub, feature_list + 2 + 6 * k)
        if tag != feature:
            continue
        table = feature_list + off
        (n,) = struct.unpack_from(">H", gsub, table + 2)
        for idx in struct.unpack_from(f">{n}H", gsub, table + 4):
            if idx not in lookups:
                lookups.append(idx)
    out: dict[int, int] = {}
    (num_lookups,) = struct.unpack_from(">H", gsub, lookup_list)
    for idx in lookups:
        if idx >= num_lookups:
            continue
        (loff,) = struct.unpack_from(">H", gsub, lookup_list + 2 + 2 * idx)
        lookup = lookup_list + loff
        kind, _flag, nsub = struct.unpack_from(">HHH", gsub, lookup)
        for s in range(nsub):
            (soff,) = struct.unpack_from(">H", gsub, lookup + 6 + 2 * s)
            sub, sub_kind = lookup + soff, kind
            if kind == 7:
                _fmt, sub_kind, ext = struct.unpack_from(">HHI", gsub, sub)
                sub += ext
            if sub_kind != 1:
                continue
            fmt, cov = struct.unpack_from(">HH", gsub, sub)
            for gid in gids:
                if gid in out:
                    continue
                at = _coverage_index(gsub, sub + cov, gid)
                if at is None:
                    continue
                if fmt == 1:
                    (delta,) = struct.unpack_from(">h", gsub, sub + 4)
                    out[gid] = (gid + delta) & 0xFFFF
                elif fmt == 2:
                    (n,) = struct.unpack_from(">H", gsub, sub + 4)
                    if at < n:
                        (out[gid],) = struct.unpack_from(">H", gsub, sub + 6 + 2 * at)
    return out


def _coverage_index(data: bytes, table: int, gid: int) -> int | None:
    fmt, count = struct.unpack_from(">HH", data, table)
    if fmt == 1:
        glyphs = struct.unpack_from(f">{count}H", data, table + 4)
        lo, hi = 0, count
        while lo < hi:  # the glyph array is sorted
            mid = (lo + hi) // 2
            if glyphs[mid] < gid:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < count and glyphs[lo] == gid else None
    if fmt == 2:
        for k in range(count):
            start, end, first = struct.unpack_from(">HHH", data, table + 4 + 6 * k)
            if start <= gid <= end:
                return first + gid - start
        return None
    return None
