"""The PDF's TrueType subsets (FontFile2) of plain TrueType faces, made without fontTools.

In: a TrueType font file, the face index, the code points to embed and the face's code point →
glyph id map (`FaceInfo.cmap`, the print edition's glyphs). Out: the bytes of the subset and code
point → glyph id in it — byte for byte what `programs._pdf_truetype` makes with fontTools'
subsetter on `epubsubset`'s proxy of the face (its options: no layout tables, .notdef's outline
kept, names 1–4 and 6 in US English, post format 3, no recalculated bounds or timestamp). Or
`Unsupported`, and the caller takes that fontTools path.

Why: a subset of a few hundred glyphs is quick to write, but the fontTools subsetter needs ~0.1 s
of imports in a build process that otherwise never imports fontTools (the CFF faces are subset by
`cffsubset`, the face metrics come from the cache) — a tenth of a second of every new issue's build.

What it handles, as fontTools writes it (fontTools 4.x: `subset`, `ttLib.tables`, `ttLib.sfnt`):
glyphs kept as they are, their padding trimmed (odd lengths padded when that allows short `loca`
offsets), composite ones with their components, renumbered; `hmtx` with trailing equal advances folded into the last long metric;
`hhea`, `maxp` and `head` copied with the glyph count, metric count and `loca` format set; `OS/2`
with the first/last character and the Unicode and code page range bits of characters no longer
present cleared (the range tables below are the specification's, as fontTools uses them); `cmap`
format 4 subtables for the Unicode encodings (format 12 ones that repeat a BMP subtable dropped);
`name`; `post` as format 3; `gasp`, `cvt `, `fpgm` and `prep` kept; the file with its tables in the
recommended order, checksums and `head.checkSumAdjustment`. Anything else — a table the subsetter
would change in another way, a character beyond the BMP, a version or length
not expected — raises `Unsupported`.
"""

from __future__ import annotations

import array
import mmap
import struct
import sys
from bisect import bisect
from collections.abc import Callable
from pathlib import Path

from publish.fonts.cffsubset import Unsupported, entry_reader, read_range

# Tables copied or rewritten here, and those the PDF subset drops (fontTools' default drop list and
# `programs.PDF_DROP_TABLES`); a face with any other table is left to fontTools.
_KEPT = frozenset((b"head", b"hhea", b"maxp", b"OS/2", b"hmtx", b"cmap", b"loca", b"glyf", b"name", b"post",
                   b"gasp", b"cvt ", b"fpgm", b"prep"))  # fmt: skip
_DROPPED = frozenset((b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"PCLT", b"LTSH", b"Feat", b"Glat", b"Gloc",
                      b"Silf", b"Sill", b"GSUB", b"GPOS", b"GDEF", b"BASE", b"vhea", b"vmtx", b"VORG", b"meta",
                      b"morx", b"FFTM"))  # fmt: skip
# OpenType's recommended order of a TrueType font's tables in the file (fontTools' TTFTableOrder).
_ORDER = (b"head", b"hhea", b"maxp", b"OS/2", b"hmtx", b"LTSH", b"VDMX", b"hdmx", b"DMAP", b"cmap", b"fpgm",
          b"prep", b"cvt ", b"loca", b"glyf", b"kern", b"name", b"post", b"gasp", b"PCLT")  # fmt: skip
_NAME_IDS = frozenset((1, 2, 3, 4, 6))
_OS2_SIZE = {0: 78, 1: 86, 2: 96, 3: 96, 4: 96, 5: 100}


def pdf_subset(path: Path, index: int, cps: list[int], gid_of: Callable[[int], int]) -> tuple[bytes, dict[int, int]]:
    """The subset for code points `cps` (sorted, each mapped by `gid_of` to a glyph other than 0)
    and code point → glyph id in the subset."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        try:
            return _subset(data, index, cps, gid_of, entry_reader(f))
        except (struct.error, IndexError, ValueError, OverflowError) as e:  # a face too odd for this path
            raise Unsupported(f"TrueType subset: {e}") from None


def _subset(data, index: int, cps: list[int], gid_of: Callable[[int], int],
            fd: int | None = None) -> tuple[bytes, dict[int, int]]:
    base = 0
    if data[:4] == b"ttcf":
        (count,) = struct.unpack_from(">I", data, 8)
        if index >= count:
            raise Unsupported(f"face {index} not in a collection of {count}")
        (base,) = struct.unpack_from(">I", data, 12 + 4 * index)
    version = bytes(data[base : base + 4])
    if version not in (b"\x00\x01\x00\x00", b"true"):
        raise Unsupported("not TrueType outlines")
    (num_tables,) = struct.unpack_from(">H", data, base + 4)
    where: dict[bytes, tuple[int, int]] = {}
    for k in range(num_tables):
        tag, _sum, off, length = struct.unpack_from(">4sIII", data, base + 12 + 16 * k)
        if off + length > len(data):
            raise Unsupported("a table runs past the end of the file")
        where[tag] = (off, length)
    if not set(where) <= _KEPT | _DROPPED:
        raise Unsupported(f"tables {sorted(set(where) - _KEPT - _DROPPED)}")
    if not {b"head", b"hhea", b"maxp", b"OS/2", b"hmtx", b"cmap", b"loca", b"glyf", b"name", b"post"} <= set(where):
        raise Unsupported("a required table is missing")

    def table(tag: bytes) -> bytes:
        off, length = where[tag]
        return bytes(data[off : off + length])

    head, hhea, maxp = table(b"head"), table(b"hhea"), table(b"maxp")
    if len(head) != 54 or len(hhea) != 36:
        raise Unsupported("head or hhea of an unexpected size")
    (num_glyphs,) = struct.unpack_from(">H", maxp, 4)
    (maxp_version,) = struct.unpack_from(">I", maxp, 0)
    if len(maxp) != (6 if maxp_version == 0x00005000 else 32) or maxp_version not in (0x00005000, 0x00010000):
        raise Unsupported("maxp of an unexpected version or size")
    _check_metrics(where, data, num_glyphs)

    # Glyphs: .notdef and those of the characters, in the face's order.
    requested = {gid_of(cp) for cp in cps}
    if 0 in requested or any(cp > 0xFFFF for cp in cps):
        raise Unsupported("a character on .notdef or beyond the BMP")
    glyf, loca_at = where[b"glyf"], where[b"loca"][0]
    long_loca = struct.unpack_from(">h", head, 50)[0] != 0
    if where[b"loca"][1] < (4 if long_loca else 2) * (num_glyphs + 1):
        raise Unsupported("short loca")
    # The glyphs, with the components of composite ones (fontTools' glyf closure), in the face's order.
    source: dict[int, bytes] = {}
    todo = sorted({0, *requested})
    while todo:
        gid = todo.pop()
        if gid >= num_glyphs:
            raise Unsupported("a glyph id beyond numGlyphs")
        source[gid] = _glyph(data, glyf, loca_at, long_loca, gid, fd)
        todo.extend(c for c in _components(source[gid]) if c not in source and c not in todo)
    keep = sorted(source)
    new_gid = {g: n for n, g in enumerate(keep)}
    glyphs = [_trimmed(_remapped(source[g], new_gid)) for g in keep]
    total = sum(map(len, glyphs))
    odd = [i for i, g in enumerate(glyphs) if len(g) % 2]
    if odd and total < 0x20000 and total + len(odd) < 0x20000:  # glyf's padding 1: short offsets if it fits
        for i in odd:
            glyphs[i] += b"\0"
    locations = [0, *_accumulate(map(len, glyphs))]
    if locations[-1] < 0x20000 and all(v % 2 == 0 for v in locations):
        loca = _pack("H", [v // 2 for v in locations])
        loc_format = 0
    else:
        loca = _pack("I", locations)
        loc_format = 1
    glyf_data = b"".join(glyphs) or b"\0"

    from publish.fonts import sfnt

    (num_hmetrics,) = struct.unpack_from(">H", hhea, 34)
    advances, bearings = sfnt.parse_hmtx(table(b"hmtx"), num_hmetrics, num_glyphs)
    hmtx, new_hmetrics = _hmtx([(advances[g], bearings[g]) for g in keep])

    cmap = {cp: new_gid[gid_of(cp)] for cp in cps}
    tables = {
        b"head": head[:8] + b"\0\0\0\0" + head[12:50] + struct.pack(">h", loc_format) + head[52:],
        b"hhea": hhea[:34] + struct.pack(">H", new_hmetrics),
        b"maxp": maxp[:4] + struct.pack(">H", len(keep)) + maxp[6:],
        b"OS/2": _os2(table(b"OS/2"), cmap),
        b"hmtx": hmtx,
        b"cmap": _cmap(table(b"cmap"), cmap),
        b"loca": loca,
        b"glyf": glyf_data,
        b"name": _name(table(b"name")),
        b"post": _post(table(b"post")),
    }
    for tag in (b"cvt ", b"fpgm", b"prep"):
        if tag in where:
            tables[tag] = table(tag)
    if b"gasp" in where:
        tables[b"gasp"] = _gasp(table(b"gasp"))
    return _sfnt(version, tables), {cp: cmap[cp] for cp in cps}


def _check_metrics(where: dict[bytes, tuple[int, int]], data, num_glyphs: int) -> None:
    """What the proxy checks of hmtx and vmtx (`epubsubset._proxy` raises Unsupported, and the
    whole face goes to fontTools, when they are short)."""
    for tag, header in ((b"hmtx", b"hhea"), (b"vmtx", b"vhea")):
        if tag not in where:
            continue
        if header not in where:
            raise Unsupported(f"{tag!r} without {header!r}")
        (count,) = struct.unpack_from(">H", data, where[header][0] + 34)
        if not 0 < count <= num_glyphs or where[tag][1] < 4 * count + 2 * (num_glyphs - count):
            raise Unsupported(f"short {tag!r}")


def _glyph(data, glyf: tuple[int, int], loca_at: int, long_loca: bool, gid: int, fd: int | None = None) -> bytes:
    """Glyph `gid`'s bytes; with `fd` (`cffsubset.entry_reader`) read from the file rather than
    through the mapping, which would map the 64 KB around each glyph (see `cffsubset.Index`)."""
    if long_loca:
        start, end = struct.unpack_from(">II", data, loca_at + 4 * gid)
    else:
        start, end = (2 * v for v in struct.unpack_from(">HH", data, loca_at + 2 * gid))
    if not start <= end <= glyf[1]:
        raise Unsupported("loca points outside glyf")
    if fd is not None:
        return read_range(fd, glyf[0] + start, glyf[0] + end)
    return bytes(data[glyf[0] + start : glyf[0] + end])


# Simple glyph flags (OpenType glyf): repeat, x/y short vectors, x/y same or positive.
_REPEAT, _X_SHORT, _Y_SHORT, _X_SAME, _Y_SAME = 0x08, 0x02, 0x04, 0x10, 0x20


# Composite glyph flags (OpenType glyf): argument sizes, transforms, more components, instructions.
_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO, _INSTRUCTIONS = 0x0001, 0x0008, 0x0020, 0x0040, 0x0080, 0x0100


def _component_records(glyph: bytes) -> list[tuple[int, int]]:
    """(offset of the glyph id, flags) of each component of a composite glyph; [] for any other."""
    if len(glyph) < 2:
        return []
    (contours,) = struct.unpack_from(">h", glyph, 0)
    if contours >= 0:
        return []
    if contours != -1:
        raise Unsupported("a glyph with a negative contour count other than -1")
    out = []
    i = 10
    while True:
        (flags,) = struct.unpack_from(">H", glyph, i)
        out.append((i + 2, flags))
        i += 4 + (4 if flags & _WORDS else 2)
        if flags & _SCALE:
            i += 2
        elif flags & _XY_SCALE:
            i += 4
        elif flags & _TWO_BY_TWO:
            i += 8
        if not flags & _MORE:
            return out


def _components(glyph: bytes) -> list[int]:
    return [struct.unpack_from(">H", glyph, at)[0] for at, _ in _component_records(glyph)]


def _remapped(glyph: bytes, new_gid: dict[int, int]) -> bytes:
    """A composite glyph with its components' glyph ids as in the subset (fontTools'
    `remapComponentsFast`); any other glyph as it is."""
    records = _component_records(glyph)
    if not records:
        return glyph
    out = bytearray(glyph)
    for at, _ in records:
        struct.pack_into(">H", out, at, new_gid[struct.unpack_from(">H", glyph, at)[0]])
    return bytes(out)


def _trimmed(glyph: bytes) -> bytes:
    """A glyph without the padding after its last coordinate or instruction (fontTools'
    `Glyph.trim`)."""
    if not glyph:
        return glyph
    (contours,) = struct.unpack_from(">h", glyph, 0)
    if contours < 0:
        records = _component_records(glyph)
        at, flags = records[-1]
        i = at + 2 + (4 if flags & _WORDS else 2)
        i += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0
        if any(f & _INSTRUCTIONS for _, f in records):
            i += 2 + ((glyph[i] << 8) | glyph[i + 1])
        return glyph[:i]
    i = 10
    if contours == 0:
        if len(glyph) >= i + 2:
            i += 2 + ((glyph[i] << 8) | glyph[i + 1])
        return glyph[:i]
    i += 2 * contours
    points = ((glyph[i - 2] << 8) | glyph[i - 1]) + 1
    i += 2 + ((glyph[i] << 8) | glyph[i + 1])
    coord_bytes = seen = 0
    while True:
        flag = glyph[i]
        i += 1
        repeat = 1
        if flag & _REPEAT:
            repeat = glyph[i] + 1
            i += 1
        x = 1 if flag & _X_SHORT else 0 if flag & _X_SAME else 2
        y = 1 if flag & _Y_SHORT else 0 if flag & _Y_SAME else 2
        coord_bytes += (x + y) * repeat
        seen += repeat
        if seen >= points:
            break
    if seen != points:
        raise Unsupported("bad glyph flags")
    return glyph[: i + coord_bytes]


def _accumulate(values) -> list[int]:
    out, total = [], 0
    for v in values:
        total += v
        out.append(total)
    return out


def _pack(typecode: str, values: list[int]) -> bytes:
    a = array.array(typecode, values)
    if sys.byteorder == "little":
        a.byteswap()
    return a.tobytes()


def _hmtx(metrics: list[tuple[int, int]]) -> tuple[bytes, int]:
    """hmtx for the subset's glyphs and its numberOfHMetrics: trailing glyphs with the last
    advance keep only their side bearing (fontTools' `hmtx.compile`)."""
    last = metrics[-1][0]
    n = len(metrics)
    while metrics[n - 2][0] == last:
        n -= 1
        if n <= 1:
            n = 1
            break
    long = struct.pack(">" + "Hh" * n, *[v for m in metrics[:n] for v in m])
    return long + _pack("h", [sb for _, sb in metrics[n:]]), n


def _cmap(source: bytes, cmap: dict[int, int]) -> bytes:
    """The subset's cmap: a format 4 subtable for each Unicode subtable of the face (`cmap`, BMP
    only, is what each keeps), format 12 ones dropped as repeating a BMP sibling."""
    _, count = struct.unpack_from(">HH", source, 0)
    subtables: list[tuple[int, int, int, int]] = []  # platform, encoding, language, format
    for k in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", source, 4 + 8 * k)
        (fmt,) = struct.unpack_from(">H", source, offset)
        if not (platform == 0 or (platform == 3 and encoding in (0, 1, 10))):
            continue  # not Unicode: the proxy leaves it out
        if platform == 3 and encoding == 0:
            if fmt not in (4, 12, 14):
                raise Unsupported(f"Unicode cmap subtable format {fmt}")
            continue  # Symbol: dropped by the subsetter
        if fmt == 4:
            (language,) = struct.unpack_from(">H", source, offset + 4)
        elif fmt == 12:
            (language,) = struct.unpack_from(">I", source, offset + 8)
        elif fmt == 14:
            continue  # no variation selector requested: the subsetter drops it
        else:
            raise Unsupported(f"Unicode cmap subtable format {fmt}")
        subtables.append((platform, encoding, language, fmt))
    kept = []
    bmp_siblings = {(p, e, lang) for p, e, lang, f in subtables if (p, e) in ((0, 3), (3, 1))}
    for p, e, lang, fmt in subtables:
        if fmt == 12:
            # All the characters are in the BMP, so a format 12 subtable holds what a format 4 one
            # of the same language would: dropped when such a sibling exists (any format there
            # holds the same characters), else it stays and this path does not write it.
            sibling = (0, 3, lang) if (p, e) == (0, 4) else (3, 1, lang) if (p, e) == (3, 10) else None
            if not cmap or sibling not in bmp_siblings:
                if cmap:
                    raise Unsupported("a format 12 cmap subtable kept")
                continue
            continue
        if cmap:
            kept.append((p, e, lang))
    if len(set(kept)) != len(kept):
        raise Unsupported("cmap subtables with the same platform, encoding and language")
    kept.sort()
    chunk = _cmap4(cmap, 0)
    out = struct.pack(">HH", 0, len(kept))
    chunks: dict[bytes, int] = {}
    body = b""
    first = 4 + 8 * len(kept)
    for p, e, lang in kept:
        sub = chunk if lang == 0 else _cmap4(cmap, lang)
        at = chunks.get(sub)
        if at is None:
            at = chunks[sub] = first + len(body)
            body += sub
        out += struct.pack(">HHI", p, e, at)
    return out + body


def _cmap4(cmap: dict[int, int], language: int) -> bytes:
    """A format 4 subtable, segmented as fontTools' `cmap_format_4.compile` does."""
    codes = sorted(cmap)
    if not codes:
        starts, ends = [0xFFFF], [0xFFFF]
    else:
        last = codes[0]
        ends = []
        starts = [last]
        for code in codes[1:]:
            if code == last + 1:
                last = code
                continue
            s, e = _split_range(starts[-1], last, cmap)
            starts.extend(s)
            ends.extend(e)
            starts.append(code)
            last = code
        s, e = _split_range(starts[-1], last, cmap)
        starts.extend(s)
        ends.extend(e)
        starts.append(0xFFFF)
        ends.append(0xFFFF)
    deltas: list[int] = []
    range_offsets: list[int] = []
    glyph_ids: list[int] = []
    for i in range(len(ends) - 1):
        indices = [cmap[c] for c in range(starts[i], ends[i] + 1)]
        if indices == list(range(indices[0], indices[0] + len(indices))):
            deltas.append((indices[0] - starts[i]) % 0x10000)
            range_offsets.append(0)
        else:
            deltas.append(0)
            range_offsets.append(2 * (len(ends) + len(glyph_ids) - i))
            glyph_ids.extend(indices)
    deltas.append(1)
    range_offsets.append(0)
    segs = len(ends)
    search, selector, shift = _search_range(segs, 2)
    body = _pack("H", [*ends, 0, *starts]) + _pack("H", deltas) + _pack("H", range_offsets + glyph_ids)
    return struct.pack(">HHHHHHH", 4, 14 + len(body), language, 2 * segs, search, selector, shift) + body


def _split_range(start: int, end: int, cmap: dict[int, int]) -> tuple[list[int], list[int]]:
    """fontTools' `splitRange`: a run of consecutive codes cut where runs of consecutive glyph ids
    long enough to pay for their own segments begin and end."""
    if start == end:
        return [], [end]
    last_id = cmap[start]
    last_code = start
    in_order: int | None = None
    ordered_begin: int | None = None
    sub: list[tuple[int, int]] = []
    for code in range(start + 1, end + 1):
        glyph = cmap[code]
        if glyph - 1 == last_id:
            if in_order is None or not in_order:
                in_order = 1
                ordered_begin = last_code
        else:
            if in_order:
                in_order = 0
                sub.append((ordered_begin, last_code))  # type: ignore[arg-type]
                ordered_begin = None
        last_id = glyph
        last_code = code
    if in_order:
        sub.append((ordered_begin, last_code))  # type: ignore[arg-type]
    ranges = []
    for b, e in sub:
        if b == start and e == end:
            break
        threshold = 4 if b == start or e == end else 8
        if e - b + 1 > threshold:
            ranges.append((b, e))
    if not ranges:
        return [], [end]
    if ranges[0][0] != start:
        ranges.insert(0, (start, ranges[0][0] - 1))
    if ranges[-1][1] != end:
        ranges.append((ranges[-1][1] + 1, end))
    i = 1
    while i < len(ranges):
        if ranges[i - 1][1] + 1 != ranges[i][0]:
            ranges.insert(i, (ranges[i - 1][1] + 1, ranges[i][0] - 1))
            i += 1
        i += 1
    starts = [b for b, _ in ranges]
    ends = [e for _, e in ranges]
    starts.pop(0)
    return starts, ends


def _search_range(n: int, size: int) -> tuple[int, int, int]:
    exponent = max(n.bit_length() - 1, 0)
    search = (1 << exponent) * size
    return search, exponent, max(0, n * size - search)


def _os2(source: bytes, cmap: dict[int, int]) -> bytes:
    """OS/2 with the characters' first and last code points, and the range bits of characters no
    longer present cleared (fontTools' subsetter: prune_unicode_ranges, prune_codepage_ranges)."""
    (version,) = struct.unpack_from(">H", source, 0)
    if _OS2_SIZE.get(version) != len(source):
        raise Unsupported("OS/2 of an unexpected version or size")
    out = bytearray(source)
    unicodes = set(cmap)
    r1, r2, r3, r4 = struct.unpack_from(">IIII", source, 42)
    bits = {b for b in range(128) if (r1, r2, r3, r4)[b >> 5] >> (b & 31) & 1}
    bits -= _no_intersection(unicodes)
    words = [0, 0, 0, 0]
    for b in bits:
        words[b >> 5] |= 1 << (b & 31)
    struct.pack_into(">IIII", out, 42, *words)
    if version >= 1:
        c1, c2 = struct.unpack_from(">II", source, 78)
        pages = {b for b in range(64) if (c1, c2)[b >> 5] >> (b & 31) & 1}
        pages = _code_pages(unicodes) & pages or {0}
        pw = [0, 0]
        for b in pages:
            pw[b >> 5] |= 1 << (b & 31)
        struct.pack_into(">II", out, 78, *pw)
    if unicodes:
        struct.pack_into(">HH", out, 64, min(0xFFFF, min(unicodes)), min(0xFFFF, max(unicodes)))
    return bytes(out)


def _name(source: bytes) -> bytes:
    """The name records 1–4 and 6 of the Unicode encodings in US English, sorted, strings shared."""
    _fmt, count, strings = struct.unpack_from(">HHH", source, 0)
    records = []
    for k in range(count):
        pid, eid, lid, nid, length, at = struct.unpack_from(">HHHHHH", source, 6 + 12 * k)
        if nid in _NAME_IDS and lid == 0x409 and (pid == 0 or (pid == 3 and eid in (0, 1, 10))):
            raw = source[strings + at : strings + at + length]
            if len(raw) != length:
                raise Unsupported("a name record past the end of the table")
            records.append((pid, eid, lid, nid, raw))
    records.sort()
    head = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
    done: dict[bytes, tuple[int, int]] = {}
    data = b""
    for pid, eid, lid, nid, raw in records:
        where = done.get(raw)
        if where is None:
            where = done[raw] = (len(data), len(raw))
            data += raw
        head += struct.pack(">HHHHHH", pid, eid, lid, nid, where[1], where[0])
    return head + data


def _post(source: bytes) -> bytes:
    """post as format 3 (no glyph names): the 32-byte header."""
    if len(source) < 32:
        raise Unsupported("short post")
    return b"\x00\x03\x00\x00" + source[4:32]


def _gasp(source: bytes) -> bytes:
    """gasp as fontTools writes it back: ranges sorted by size, version 1 when a behaviour beyond
    gridfit and grayscale is set."""
    _version, count = struct.unpack_from(">HH", source, 0)
    ranges = dict(struct.unpack_from(">HH", source, 4 + 4 * k) for k in range(count))
    version = 1 if any(v & ~0x0003 for v in ranges.values()) else 0
    return struct.pack(">HH", version, len(ranges)) + b"".join(struct.pack(">HH", *r) for r in sorted(ranges.items()))


def _checksum(data: bytes) -> int:
    if len(data) % 4:
        data += b"\0" * (4 - len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _sfnt(version: bytes, tables: dict[bytes, bytes]) -> bytes:
    """The font file: the directory sorted by tag, the tables in the recommended order, each padded
    to four bytes, and head's checkSumAdjustment (OpenType: the font file, head)."""
    order = [t for t in _ORDER if t in tables] + sorted(t for t in tables if t not in _ORDER)
    n = len(tables)
    offset = 12 + 16 * n
    entries = {}
    body = []
    for tag in order:
        data = tables[tag]
        entries[tag] = (_checksum(data), offset, len(data))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    search, selector, shift = _search_range(n, 16)
    directory = version + struct.pack(">HHHH", n, search, selector, shift)
    for tag in sorted(entries):
        directory += tag + struct.pack(">III", *entries[tag])
    total = (_checksum(directory) + sum(e[0] for e in entries.values())) & 0xFFFFFFFF
    adjustment = (0xB1B0AFBA - total) & 0xFFFFFFFF
    out = bytearray(directory + b"".join(body))
    struct.pack_into(">I", out, entries[b"head"][1] + 8, adjustment)
    return bytes(out)


# ── OS/2 range bits ──────────────────────────────────────────────────────────────────────────────
def _no_intersection(unicodes: set[int]) -> set[int]:
    """The Unicode range bits none of `unicodes` falls in (fontTools' `intersectUnicodeRanges(…,
    inverse=True)`: each code point counts for the block whose start is the last at or below it)."""
    starts, values = _range_index()
    bits = set()
    for code in unicodes:
        stop, bit = values[bisect(starts, code) - 1]
        if code <= stop:
            bits.add(bit)
    if any(0x10000 <= code < 0x110000 for code in unicodes):
        bits.add(57)
    return set(range(len(_UNICODE_RANGES))) - bits


_index_cache: list[tuple[list[int], list[tuple[int, int]]]] = []


def _range_index() -> tuple[list[int], list[tuple[int, int]]]:
    if not _index_cache:
        pairs = sorted((start, (stop, bit)) for bit, blocks in enumerate(_UNICODE_RANGES) for start, stop in blocks)
        _index_cache.append(([s for s, _ in pairs], [v for _, v in pairs]))
    return _index_cache[0]


def _code_pages(unicodes: set[int]) -> set[int]:
    """fontTools' `calcCodePageRanges` (itself FontForge's): code page bits from the presence of
    characters typical of each."""
    bits = set()
    ascii_ = set(range(0x20, 0x7E)) <= unicodes
    lineart = 0x2524 in unicodes
    for uni in unicodes:
        if uni == 0xDE and ascii_:
            bits.add(0)
        elif uni == 0x13D and ascii_:
            bits.add(1)
            if lineart:
                bits.add(58)
        elif uni == 0x411:
            bits.add(2)
            if 0x405 in unicodes and lineart:
                bits.add(57)
            if 0x255C in unicodes and lineart:
                bits.add(49)
        elif uni == 0x386:
            bits.add(3)
            if lineart and 0xBD in unicodes:
                bits.add(48)
            if lineart and 0x221A in unicodes:
                bits.add(60)
        elif uni == 0x130 and ascii_:
            bits.add(4)
            if lineart:
                bits.add(56)
        elif uni == 0x5D0:
            bits.add(5)
            if lineart and 0x221A in unicodes:
                bits.add(53)
        elif uni == 0x631:
            bits.add(6)
            if 0x221A in unicodes:
                bits.add(51)
            if lineart:
                bits.add(61)
        elif uni == 0x157 and ascii_:
            bits.add(7)
            if lineart:
                bits.add(59)
        elif uni == 0x20AB and ascii_:
            bits.add(8)
        elif uni == 0xE45:
            bits.add(16)
        elif uni == 0x30A8:
            bits.add(17)
        elif uni == 0x3105:
            bits.add(18)
        elif uni == 0x3131:
            bits.add(19)
        elif uni == 0x592E:
            bits.add(20)
        elif uni == 0xACF4:
            bits.add(21)
        elif uni == 0x2665 and ascii_:
            bits.add(30)
        elif uni == 0xFE and ascii_ and lineart:
            bits.add(54)
        elif uni == 0x255A and ascii_:
            bits.add(62)
            bits.add(63)
        elif ascii_ and lineart and 0x221A in unicodes:
            if uni == 0xC5:
                bits.add(50)
            elif uni == 0xE9:
                bits.add(52)
            elif uni == 0xF5:
                bits.add(55)
    if ascii_ and 0x2030 in unicodes and 0x2211 in unicodes:
        bits.add(29)
    return bits


# The Unicode blocks of each OS/2 ulUnicodeRange bit, 0–122 (OpenType 1.7, table OS/2), as fontTools
# lists them.
_UNICODE_RANGES: tuple[tuple[tuple[int, int], ...], ...] = (
    ((0x0000, 0x007F),),
    ((0x0080, 0x00FF),),
    ((0x0100, 0x017F),),
    ((0x0180, 0x024F),),
    ((0x0250, 0x02AF), (0x1D00, 0x1D7F), (0x1D80, 0x1DBF),),
    ((0x02B0, 0x02FF), (0xA700, 0xA71F),),
    ((0x0300, 0x036F), (0x1DC0, 0x1DFF),),
    ((0x0370, 0x03FF),),
    ((0x2C80, 0x2CFF),),
    ((0x0400, 0x04FF), (0x0500, 0x052F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F),),
    ((0x0530, 0x058F),),
    ((0x0590, 0x05FF),),
    ((0xA500, 0xA63F),),
    ((0x0600, 0x06FF), (0x0750, 0x077F),),
    ((0x07C0, 0x07FF),),
    ((0x0900, 0x097F),),
    ((0x0980, 0x09FF),),
    ((0x0A00, 0x0A7F),),
    ((0x0A80, 0x0AFF),),
    ((0x0B00, 0x0B7F),),
    ((0x0B80, 0x0BFF),),
    ((0x0C00, 0x0C7F),),
    ((0x0C80, 0x0CFF),),
    ((0x0D00, 0x0D7F),),
    ((0x0E00, 0x0E7F),),
    ((0x0E80, 0x0EFF),),
    ((0x10A0, 0x10FF), (0x2D00, 0x2D2F),),
    ((0x1B00, 0x1B7F),),
    ((0x1100, 0x11FF),),
    ((0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF),),
    ((0x1F00, 0x1FFF),),
    ((0x2000, 0x206F), (0x2E00, 0x2E7F),),
    ((0x2070, 0x209F),),
    ((0x20A0, 0x20CF),),
    ((0x20D0, 0x20FF),),
    ((0x2100, 0x214F),),
    ((0x2150, 0x218F),),
    ((0x2190, 0x21FF), (0x27F0, 0x27FF), (0x2900, 0x297F), (0x2B00, 0x2BFF),),
    ((0x2200, 0x22FF), (0x2A00, 0x2AFF), (0x27C0, 0x27EF), (0x2980, 0x29FF),),
    ((0x2300, 0x23FF),),
    ((0x2400, 0x243F),),
    ((0x2440, 0x245F),),
    ((0x2460, 0x24FF),),
    ((0x2500, 0x257F),),
    ((0x2580, 0x259F),),
    ((0x25A0, 0x25FF),),
    ((0x2600, 0x26FF),),
    ((0x2700, 0x27BF),),
    ((0x3000, 0x303F),),
    ((0x3040, 0x309F),),
    ((0x30A0, 0x30FF), (0x31F0, 0x31FF),),
    ((0x3100, 0x312F), (0x31A0, 0x31BF),),
    ((0x3130, 0x318F),),
    ((0xA840, 0xA87F),),
    ((0x3200, 0x32FF),),
    ((0x3300, 0x33FF),),
    ((0xAC00, 0xD7AF),),
    ((0xD800, 0xDFFF),),
    ((0x10900, 0x1091F),),
    ((0x4E00, 0x9FFF), (0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0x2FF0, 0x2FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x3190, 0x319F),),
    ((0xE000, 0xF8FF),),
    ((0x31C0, 0x31EF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),),
    ((0xFB00, 0xFB4F),),
    ((0xFB50, 0xFDFF),),
    ((0xFE20, 0xFE2F),),
    ((0xFE10, 0xFE1F), (0xFE30, 0xFE4F),),
    ((0xFE50, 0xFE6F),),
    ((0xFE70, 0xFEFF),),
    ((0xFF00, 0xFFEF),),
    ((0xFFF0, 0xFFFF),),
    ((0x0F00, 0x0FFF),),
    ((0x0700, 0x074F),),
    ((0x0780, 0x07BF),),
    ((0x0D80, 0x0DFF),),
    ((0x1000, 0x109F),),
    ((0x1200, 0x137F), (0x1380, 0x139F), (0x2D80, 0x2DDF),),
    ((0x13A0, 0x13FF),),
    ((0x1400, 0x167F),),
    ((0x1680, 0x169F),),
    ((0x16A0, 0x16FF),),
    ((0x1780, 0x17FF), (0x19E0, 0x19FF),),
    ((0x1800, 0x18AF),),
    ((0x2800, 0x28FF),),
    ((0xA000, 0xA48F), (0xA490, 0xA4CF),),
    ((0x1700, 0x171F), (0x1720, 0x173F), (0x1740, 0x175F), (0x1760, 0x177F),),
    ((0x10300, 0x1032F),),
    ((0x10330, 0x1034F),),
    ((0x10400, 0x1044F),),
    ((0x1D000, 0x1D0FF), (0x1D100, 0x1D1FF), (0x1D200, 0x1D24F),),
    ((0x1D400, 0x1D7FF),),
    ((0xF0000, 0xFFFFD), (0x100000, 0x10FFFD),),
    ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF),),
    ((0xE0000, 0xE007F),),
    ((0x1900, 0x194F),),
    ((0x1950, 0x197F),),
    ((0x1980, 0x19DF),),
    ((0x1A00, 0x1A1F),),
    ((0x2C00, 0x2C5F),),
    ((0x2D30, 0x2D7F),),
    ((0x4DC0, 0x4DFF),),
    ((0xA800, 0xA82F),),
    ((0x10000, 0x1007F), (0x10080, 0x100FF), (0x10100, 0x1013F),),
    ((0x10140, 0x1018F),),
    ((0x10380, 0x1039F),),
    ((0x103A0, 0x103DF),),
    ((0x10450, 0x1047F),),
    ((0x10480, 0x104AF),),
    ((0x10800, 0x1083F),),
    ((0x10A00, 0x10A5F),),
    ((0x1D300, 0x1D35F),),
    ((0x12000, 0x123FF), (0x12400, 0x1247F),),
    ((0x1D360, 0x1D37F),),
    ((0x1B80, 0x1BBF),),
    ((0x1C00, 0x1C4F),),
    ((0x1C50, 0x1C7F),),
    ((0xA880, 0xA8DF),),
    ((0xA900, 0xA92F),),
    ((0xA930, 0xA95F),),
    ((0xAA00, 0xAA5F),),
    ((0x10190, 0x101CF),),
    ((0x101D0, 0x101FF),),
    ((0x102A0, 0x102DF), (0x10280, 0x1029F), (0x10920, 0x1093F),),
    ((0x1F030, 0x1F09F), (0x1F000, 0x1F02F),),
)  # fmt: skip
