"""EPUB font subsets made without decompiling a CJK face's big tables.

In: a `FaceInfo`, the characters one EPUB face sets, an optional new family name (OFL Reserved Font
Name). Out: the bytes of a plain OpenType subset (CFF or TrueType outlines) for `@font-face`, or
`Unsupported` when the face needs the general path (`programs._epub_subset`).

What fontTools' subsetter costs on a Noto CJK face is not the subsetting but the source tables it
turns into Python objects first: 65,535 glyph names read from the CFF charset (~0.1 s, 27 MB), the
whole cmap (45,000 entries, 12 MB), hmtx and vmtx (65,535 entries each, 23 MB) — ~60 MB and ~1 s
per face, for a subset that keeps 2,000 glyphs. So fontTools' own `Subsetter` runs here, with the
same options, on a *proxy* of the face in which those tables are stand-ins:

* the glyph order is made from the CFF charset (fontTools' own names: `cid01234` for a CID-keyed
  face) or as `glyph01234` (names never reach the output: `post` is written as format 3);
* each Unicode cmap subtable holds only the requested characters (what the subsetter would keep),
  mapped to the glyph the print edition draws them with (`FaceInfo.cmap`: the full-width `fwid`
  form of `·`, the continuous dash — see `faceinfo.FULL_WIDTH_FORMS`);
* hmtx and vmtx answer by glyph name from arrays parsed straight from the file (`sfnt.parse_hmtx`);
* a TrueType `glyf` cuts each glyph from the mapped file when the subsetter asks for it;
* the CFF table is left out and written afterwards by `cffsubset` for the glyphs the subsetter
  kept, in its order, with the CIDs fontTools would give them.

Before the subsetter starts, the GSUB and GPOS script and feature lists are replaced by the ones it
would reduce them to for the book's language and our options (made once per face, cache kind
"epub-layout"; `_use_reduced_layout`), and the lookup subtables that cannot act on the subset's
glyphs are taken out (`_leave_out_idle_subtables`, bounds from `otlscan`): the same bytes come out,
with a fraction of the layout tables decompiled. The class definitions of the subtables left in
(kerning by classes) and their coverages are read from their bytes (`_read_glyph_sets`), the subsetter's glyph
lists for its log are not formatted while nothing logs them (`_glyph_lists_unlogged`), its glyph closure
asks the proxy for glyph ids instead of passing over the whole glyph order (`_ProxySubsetter`), and the
table names it looks classes up by are remembered while it works (`_table_identifiers_remembered`).

Everything else — the layout closure and subsetting of GSUB/GPOS/GDEF/BASE (`vert`, `locl`, `kern`,
`halt`, … which the reading systems apply), VORG, OS/2 ranges, name, head, composite glyphs — is
the subsetter's own code on the face's real tables. Format 14 cmap subtables (variation sequences)
are read as they are; the subsetter keeps the sequences of requested selectors. With the face's own
cmap the result is byte-identical to the subsetter run on the whole face with our CFF (checked on
the real issue's four faces); per character it equals fontTools alone on all 101 installed faces.
`keep_language_systems` first drops the layout language systems the book's language never selects.
The PDF's TrueType subsets of TrueType faces are made on the same proxy (`proxied`).
"""

from __future__ import annotations

import array
import contextlib
import io
import logging
import mmap
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from publish.fonts import sfnt
from publish.fonts.cffsubset import Unsupported, entry_reader, read_range
from publish.fonts.faceinfo import FaceInfo


class _Metrics(Mapping):
    """hmtx/vmtx `metrics` by glyph name, from arrays: what the subsetter reads (`_dict_subset`
    takes only the retained glyphs) without a 65,535-entry dict."""

    def __init__(self, gid_of: Mapping[str, int], advances: array.array, bearings: array.array) -> None:
        self._gid_of = gid_of
        self._adv = advances
        self._lsb = bearings

    def __getitem__(self, name: str) -> tuple[int, int]:
        gid = self._gid_of[name]
        return int(self._adv[gid]), int(self._lsb[gid])

    def __iter__(self) -> Iterator[str]:
        return iter(self._gid_of)

    def __len__(self) -> int:
        return len(self._gid_of)


class _Glyphs(Mapping):
    """`glyf.glyphs` by glyph name, each `Glyph` cut from the font file when first asked for:
    fontTools' own `glyf.decompile` copies every glyph of the face (15 MB for LXGW WenKai).
    `data`: the glyf table's bytes (a memoryview of the mapped file); with `fd`
    (`cffsubset.entry_reader`) each glyph is read from the file at `at` (the table's offset)
    instead, as reading through the mapping maps the 64 KB around each glyph (`cffsubset.Index`)."""

    def __init__(self, data: Any, offsets: array.array, order: list[str], gid_of: Mapping[str, int],
                 fd: int | None = None, at: int = 0) -> None:
        self._data = data
        self._offsets = offsets
        self._order = order
        self._gid_of = gid_of
        self._made: dict[str, Any] = {}
        self._fd, self._at = fd, at

    def __getitem__(self, name: str) -> Any:
        glyph = self._made.get(name)
        if glyph is None:
            from fontTools.ttLib.tables._g_l_y_f import Glyph

            gid = self._gid_of[name]
            start, end = self._offsets[gid], self._offsets[gid + 1]
            if not start <= end <= len(self._data):
                raise Unsupported("loca points outside glyf")
            if self._fd is not None:
                glyph = self._made[name] = Glyph(read_range(self._fd, self._at + start, self._at + end))
            else:
                glyph = self._made[name] = Glyph(bytes(self._data[start:end]))
        return glyph

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def release(self) -> None:
        self._data.release()


def _glyf(font: Any, info: FaceInfo, mapped: Any, order: list[str], gid_of: Mapping[str, int],
          fd: int | None = None) -> Any:
    """A `glyf` table reading glyphs on demand from the font file (see `_Glyphs`)."""
    import struct

    from fontTools.ttLib import newTable

    from publish.fonts.cffsubset import sfnt_table

    glyf_at, glyf_len = sfnt_table(mapped, info.index, b"glyf")
    loca_at, loca_len = sfnt_table(mapped, info.index, b"loca")
    n = len(order) + 1
    if font["head"].indexToLocFormat == 0:
        if loca_len < 2 * n:
            raise Unsupported("short loca")
        offsets = array.array("I", (2 * v for v in struct.unpack_from(f">{n}H", mapped, loca_at)))
    else:
        if loca_len < 4 * n:
            raise Unsupported("short loca")
        offsets = array.array("I", struct.unpack_from(f">{n}I", mapped, loca_at))
    table = newTable("glyf")
    table.glyphOrder = order
    table._reverseGlyphOrder = {}
    table.glyphs = _Glyphs(memoryview(mapped)[glyf_at : glyf_at + glyf_len], offsets, order, gid_of, fd, glyf_at)
    return table


def _cff_charset(info: FaceInfo, data: Any) -> array.array | range | None:
    """CID of every glyph of a CID-keyed CFF face (TN 5176 §13 charset formats 0–2), else None;
    `range(n)` when glyph k has CID k throughout (Noto CJK and Source Han: one range from CID 1),
    told from the ranges themselves rather than from 65,535 CIDs written out (~2 ms a face)."""
    import struct

    from publish.fonts.cffsubset import CFF, sfnt_table

    off, _ = sfnt_table(data, info.index, b"CFF ")
    cff = CFF(data, off)
    if not cff.cid_keyed:
        return None
    ops = {op: vals for op, vals, _ in cff.top}
    n = len(cff.charstrings)
    pos = off + int(ops[15][0])
    fmt = data[pos]
    pos += 1
    try:
        if fmt == 0:
            cids = array.array("H", [0])  # glyph 0 is .notdef, not in the charset
            cids.extend(struct.unpack_from(f">{n - 1}H", data, pos))
            return range(n) if _is_identity(cids) else cids
        if fmt not in (1, 2):
            raise Unsupported(f"CFF charset format {fmt}")
        count_fmt, step = (">HB", 3) if fmt == 1 else (">HH", 4)
        ranges = []  # (first CID, how many glyphs)
        have = 1
        while have < n:
            first, left = struct.unpack_from(count_fmt, data, pos)
            pos += step
            if first + left > 0xFFFF:
                raise Unsupported("CFF charset range beyond CID 65535")
            ranges.append((first, min(left + 1, n - have)))
            have += ranges[-1][1]
    except struct.error:
        raise Unsupported("CFF charset runs past the end of the font") from None
    at = 1
    for first, count in ranges:
        if first != at:
            break
        at += count
    else:
        return range(n)
    cids = array.array("H", [0])
    for first, count in ranges:
        cids.extend(range(first, first + count))
    return cids


# Glyph names by number ("cid01234", "glyph01234"), made once per process and shared by every face:
# formatting 65,535 names costs ~15 ms a face, taking them from this list ~1 ms.
_NAME_LISTS: dict[str, list[str]] = {}


def forget_names() -> None:
    """Let the glyph name lists go (~6 MB): `plan_fonts` calls it once the book's subsets are made,
    so that the EPUB helper does not hold them while the build makes the PDF."""
    _NAME_LISTS.clear()


_TAILS = [f"{n:02d}" for n in range(100)]


def _names(prefix: str, count: int) -> list[str]:
    """At least `count` names `prefix` + a five-digit number, the n-th at index n."""
    names = _NAME_LISTS.setdefault(prefix, [])
    if len(names) < count:
        # Whole hundreds as a head (prefix + three digits) + each two-digit tail: one string addition
        # a name, ~3× the speed of formatting each (65,536 names: ~3 ms instead of ~10).
        end = min(-(-count // 100) * 100, 100_000)
        if len(names) % 100 == 0 and len(names) < end:
            heads = map(f"{prefix}%03d".__mod__, range(len(names) // 100, end // 100))
            names.extend([head + tail for head in heads for tail in _TAILS])
        names.extend(map(f"{prefix}%05d".__mod__, range(len(names), count)))
    return names


_IDENTITY: list[bytes] = []  # array("H", range(65536)) as bytes, made on first use


def _is_identity(cids: array.array | range) -> bool:
    """Whether glyph n has CID n for every glyph (one comparison of the arrays' bytes)."""
    if isinstance(cids, range):
        return cids == range(len(cids))
    if not _IDENTITY:
        _IDENTITY.append(array.array("H", range(0x10000)).tobytes())
    return cids.tobytes() == _IDENTITY[0][: 2 * len(cids)]


class _Numbered(dict):  # type: ignore[type-arg]
    """The glyph id of each name of a glyph order whose glyph n (n > 0) is named prefix + n in five
    digits and glyph 0 ".notdef": what `dict(zip(order, range(len(order))))` holds, by arithmetic.

    A dict of the names asked for so far, each worked out when first asked for (`__missing__`):
    the subsetter and the tables ask for the same ~2,000 names a dozen times each, then answered at
    the speed of a dict (~25,000 look-ups a book at ~0.5 µs each otherwise). Everything else answers
    for the whole order, as the dict of every name would: `in`, `get`, `len`, iteration, keys,
    items, values, `==`."""

    def __init__(self, prefix: str, order: list[str]) -> None:
        super().__init__()
        self._prefix = prefix
        self._order = order

    def _gid(self, name: object) -> int | None:
        if name == ".notdef":
            return 0
        if not isinstance(name, str):
            return None
        digits = name[len(self._prefix) :]
        if len(digits) == 5 and name.startswith(self._prefix) and digits.isascii() and digits.isdigit():
            gid = int(digits)
            if 0 < gid < len(self._order):
                return gid
        return None

    def __missing__(self, name: str) -> int:
        gid = self._gid(name)
        if gid is None:
            raise KeyError(name)
        self[name] = gid
        return gid

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or self._gid(name) is not None

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return KeysView(self)

    def items(self) -> ItemsView[str, int]:  # type: ignore[override]
        return ItemsView(self)

    def values(self) -> ValuesView[int]:  # type: ignore[override]
        return ValuesView(self)

    def copy(self) -> dict[str, int]:
        return dict(zip(self._order, range(len(self._order)), strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self.copy() == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _proxy(info: FaceInfo, chars: str, mapped: Any,
           fd: int | None = None) -> tuple[Any, Mapping[str, int], array.array | range | None]:
    """The face as a lazy `TTFont` with stand-in glyph order, cmap, hmtx and vmtx (see above);
    `mapped`: the font file mapped, `fd`: the same file to read its glyphs from (`_Glyphs`)."""
    from fontTools.ttLib import TTFont, getTableClass, newTable

    font = TTFont(
        str(info.path),
        fontNumber=info.index if info.path.suffix.lower() in (".ttc", ".otc") else -1,
        lazy=True, recalcBBoxes=False, recalcTimestamp=False,
    )  # fmt: skip
    if "CFF2" in font or ("CFF " not in font and "glyf" not in font):
        raise Unsupported("neither CFF nor TrueType outlines")
    num_glyphs = font["maxp"].numGlyphs
    cids = _cff_charset(info, mapped) if "CFF " in font else None
    gid_of: Mapping[str, int]
    if cids is None or _is_identity(cids):
        # Glyph n is named prefix + n (CID n = glyph n in Noto CJK and Source Han): the order is a
        # slice of the shared list, the reverse map arithmetic (`_Numbered`).
        prefix, count = ("glyph", num_glyphs) if cids is None else ("cid", len(cids))
        if count < 1:
            raise Unsupported("a face without glyphs")
        order = _names(prefix, count)[:count]
        order[0] = ".notdef"
        gid_of = _Numbered(prefix, order)
    else:
        names = _names("cid", 0x10000)  # CIDs are 16-bit (`_cff_charset`)
        order = [".notdef", *map(names.__getitem__, cids[1:])]
        gid_of = dict(zip(order, range(len(order)), strict=True))
        if len(gid_of) != len(order):
            raise Unsupported("CFF charset names a CID twice")
    font.setGlyphOrder(order)
    # fontTools' own reverse map is a dict built name by name (15 ms and ~4 MB for 65,535 glyphs);
    # getReverseGlyphMap looks here first (the subsetter only looks names up in it, and makes its
    # own once the subset's glyph order is set).
    font._reverseGlyphOrderDict = gid_of
    # The 'post' glyph names are never needed (the subset is written with post format 3): do not
    # decode a format 2 table's names (fontTools.subset.load_font does the same).
    post_class = getTableClass("post")
    saved = post_class.decode_format_2_0
    post_class.decode_format_2_0 = post_class.decode_format_3_0
    try:
        if font["post"].formatType == 2.0:
            font["post"].formatType = 3.0
    finally:
        post_class.decode_format_2_0 = saved

    raw = sfnt.read_tables(info.path, info.index, (b"hmtx", b"vmtx", b"cmap"))
    for tag, header, count_attr in (("hmtx", "hhea", "numberOfHMetrics"), ("vmtx", "vhea", "numberOfVMetrics")):
        if tag not in font:
            continue
        if header not in font:
            raise Unsupported(f"{tag} without {header}")
        count = int(getattr(font[header], count_attr))
        if not 0 < count <= num_glyphs or len(raw[tag.encode()]) < 4 * count + 2 * (num_glyphs - count):
            raise Unsupported(f"short {tag}")
        adv, side = sfnt.parse_hmtx(raw[tag.encode()], count, num_glyphs)
        table = newTable(tag)
        table.metrics = _Metrics(gid_of, adv, side)
        font[tag] = table
    font["cmap"] = _cmap(raw[b"cmap"], font, info, chars, order)
    if "glyf" in font:
        font["glyf"] = _glyf(font, info, mapped, order, gid_of, fd)
    return font, gid_of, cids


def _cmap(data: bytes, font: Any, info: FaceInfo, chars: str, order: list[str]) -> Any:
    """The face's cmap with its Unicode subtables cut to `chars` (each mapped to `info.cmap`'s glyph).

    Built from the subtable directory rather than by fontTools: it decompiles a whole subtable as
    soon as two directory entries share it (Noto's (0,3) and (3,1) do), 45,000 entries for nothing.
    Non-Unicode subtables are left out, as the subsetter leaves them out (`legacy_cmap=False`).
    """
    import struct

    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    cps = sorted({ord(c) for c in chars})
    mapped = {cp: order[g] for cp in cps if (g := info.cmap.get(cp)) is not None}
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = []
    _, count = struct.unpack_from(">HH", data, 0)
    for k in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * k)
        (fmt,) = struct.unpack_from(">H", data, offset)
        st = CmapSubtable.newSubtable(fmt)
        st.platformID, st.platEncID = platform, encoding
        if not st.isUnicode():
            continue
        if fmt == 4:
            st.language = struct.unpack_from(">H", data, offset + 4)[0]
            st.cmap = {cp: g for cp, g in mapped.items() if cp <= 0xFFFF}
        elif fmt == 12:
            st.language = struct.unpack_from(">I", data, offset + 8)[0]
            st.cmap = dict(mapped)
        elif fmt == 14:  # variation sequences: read lazily by fontTools, as it reads them
            (length,) = struct.unpack_from(">I", data, offset + 2)
            st.decompileHeader(data[offset : offset + length], font)
        else:
            raise Unsupported(f"Unicode cmap subtable format {fmt}")
        table.tables.append(st)
    table.numSubTables = len(table.tables)
    return table


@contextlib.contextmanager
def proxied(info: FaceInfo, chars: str) -> Iterator[tuple[Any, Mapping[str, int], array.array | range | None]]:
    """The face as the subsetter's proxy (`_proxy`: font, glyph id by name, CIDs or None) for the
    duration of the block; the PDF's TrueType subsets use it too (`programs.pdf_truetype`)."""
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        font, gid_of, cids = _proxy(info, chars, mapped, entry_reader(f))
        try:
            yield font, gid_of, cids
        finally:
            _release(font)


def _release(font: Any) -> None:
    # Tables point back at the font (cmap subtables, lazy readers): empty it, so that the proxy
    # goes with its last reference and does not wait for a full garbage collection (a build
    # collects rarely, see publish.build).
    font.close()
    glyphs = getattr(font.tables.get("glyf"), "glyphs", None)
    if isinstance(glyphs, _Glyphs):  # the view of the mapped file must go before the mapping
        glyphs.release()
    font.tables.clear()


def epub_subset_fast(info: FaceInfo, chars: str, options: Any, rename: str, apply_rename: Any,
                     language: str | None = None) -> bytes:
    """The subset (see the module docstring); `options` are the fontTools subset options the
    general path uses, `apply_rename(font, family, info)` renames a Reserved Font Name, `language`
    (BCP 47) the only language the subset's text is in (see `keep_language_systems`)."""
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return _subset(info, chars, options, rename, apply_rename, language, mapped, entry_reader(f))


def _subset(info: FaceInfo, chars: str, options: Any, rename: str, apply_rename: Any, language: str | None,
            mapped: Any, fd: int | None = None) -> bytes:
    with _table_identifiers_remembered():
        return _subset_remembering(info, chars, options, rename, apply_rename, language, mapped, fd)


def _subset_remembering(info: FaceInfo, chars: str, options: Any, rename: str, apply_rename: Any,
                        language: str | None, mapped: Any, fd: int | None = None) -> bytes:
    from fontTools import subset
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    font, gid_of, cids = _proxy(info, chars, mapped, fd)
    try:
        is_cff = "CFF " in font
        if is_cff:
            del font["CFF "]
        reduced = _use_reduced_layout(font, info, options, language)
        keep_language_systems(font, language)  # nothing left to drop in reduced tables; kept for clarity
        _leave_out_idle_subtables(font, gid_of)
        _read_glyph_sets(font, reduced or ())
        if "name" in font:
            font["name"].prune_post_subset = _prune_names  # this face's only (see `_prune_names`)
        sub = _proxy_subsetter(subset)(options)
        sub.populate(unicodes=sorted({ord(c) for c in chars}))
        with _glyph_lists_unlogged(subset.log):
            sub.subset(font)
        del sub
        _share_equal_cmaps(font)
        if rename:
            apply_rename(font, rename, info)
        if is_cff:
            from publish.fonts.cffsubset import subset_cff_ordered

            order = []
            for k, name in enumerate(font.getGlyphOrder()):
                gid = gid_of[name]
                order.append((cids[gid] if cids is not None else k, gid))
            del gid_of  # 65,535 names: let them go before the CFF is built
            ps = _name(font, 6) or info.ps_name
            names = {2: _name(font, 4), 3: _name(font, 1)} if rename else {}
            table = DefaultTable("CFF ")
            table.data = subset_cff_ordered(info.path, info.index, order, ps, {k: v for k, v in names.items() if v})
            font["CFF "] = table
        return _saved(font)
    finally:
        _release(font)


def _share_equal_cmaps(font: Any) -> None:
    """Let cmap subtables of the same format and language whose mappings are equal share one dict.

    The subsetter gives each subtable its own dict, and compiling the cmap then compiles Noto's
    (0,3) and (3,1) format 4 subtables both (~0.4 ms a face) before finding the same bytes and
    writing them once. fontTools compiles a dict shared by several subtables once (by identity):
    the same table, compiled once."""
    if "cmap" not in font:
        return
    first: dict[tuple[int, int], Any] = {}
    for st in font["cmap"].tables:
        if st.format in (4, 12) and isinstance(getattr(st, "cmap", None), dict):
            kept = first.setdefault((st.format, st.language), st.cmap)
            if kept is not st.cmap and kept == st.cmap:
                st.cmap = kept


# `fontTools.ttLib.ttFont.tagToIdentifier`'s answers, by tag (see `_table_identifiers_remembered`).
_IDENTIFIERS: dict[str | bytes, str] = {}


@contextlib.contextmanager
def _table_identifiers_remembered() -> Iterator[None]:
    """While a subset is made, fontTools' `tagToIdentifier` (a table tag as a module name: 'OS/2' →
    'O_S_2f_2') answers each tag from memory after the first time.

    Why: fontTools finds a table's class by that name (`getTableClass`, `getTableModule`) each
    time the subsetter or the font asks — ~100 times a face — and makes it character by
    character with regular expressions: ~7 µs a call, ~3 ms a book. The function depends on the
    tag alone, so remembering it changes nothing but the time. Only for the duration: the module's
    own function is put back afterwards (left alone if something else replaced it meanwhile)."""
    from fontTools.ttLib import ttFont

    own = ttFont.tagToIdentifier
    if own is _remembered_identifier:  # (a subset made while another is: already remembering)
        yield
        return
    _OWN_IDENTIFIER[:] = [own]
    ttFont.tagToIdentifier = _remembered_identifier
    try:
        yield
    finally:
        if ttFont.tagToIdentifier is _remembered_identifier:
            ttFont.tagToIdentifier = own


_OWN_IDENTIFIER: list[Any] = []


def _remembered_identifier(tag: str | bytes) -> str:
    ident = _IDENTIFIERS.get(tag)
    if ident is None:
        ident = _IDENTIFIERS[tag] = _OWN_IDENTIFIER[0](tag)
    return ident


def _prune_names(font: Any, options: Any) -> bool:
    """The name table's `prune_post_subset` for the subset: fontTools' own first visits every object
    of the subset's GSUB and GPOS for the name IDs they refer to (~1.5 ms a face), which can only
    keep records numbered 256 or more. When the face has none, and the options keep every name ID,
    language and platform, unobfuscated (ours do), every record stays whatever the visit finds:
    they are kept without it. What the visit does besides, this does too: it begins by loading every
    table of the font not yet loaded (`TTFont.ensureDecompiled`), so that tables the subsetter left
    alone (BASE) are compiled anew when saved rather than copied from the face — other bytes."""
    table = font["name"]
    if ("*" in options.name_IDs and "*" in options.name_languages and options.name_legacy
            and not options.obfuscate_names and all(record.nameID < 256 for record in table.names)):  # fmt: skip
        font.ensureDecompiled(recurse=False)
        return True
    return bool(type(table).prune_post_subset(table, font, options))


def _saved(font: Any) -> bytes:
    """The bytes `font.save` writes, tables in the order the OpenType specification recommends.

    `save` writes every table into a font file, then reads them all back to write them again in
    that order (checksums computed twice: ~2 ms for a 500 KB subset). Here each table is compiled
    as `save` compiles it (`TTFont._writeTable`: the same order, dependencies first) and written
    once, in the order the second pass writes: the same bytes (tested on installed faces)."""
    from fontTools.ttLib.sfnt import SFNTWriter
    from fontTools.ttLib.ttFont import sortedTagList

    if font.flavor is not None or font.recalcTimestamp:  # not ours: fontTools' own way
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    compiled: dict[str, bytes] = {}  # what `_writeTable` writes (a dict: it only sets items)
    done: list[str] = []
    for tag in font.keys()[1:]:  # after the GlyphOrder pseudo-table
        font._writeTable(tag, compiled, done)
    out = io.BytesIO()
    writer = SFNTWriter(out, len(compiled), font.sfntVersion, font.flavor, font.flavorData)
    for tag in sortedTagList(list(compiled)):
        writer[tag] = compiled[tag]
    writer.close()
    return out.getvalue()


# BCP 47 language → the OpenType language system tags a shaper selects for it (OpenType Language
# System Tags registry; HarfBuzz hb-ot-tag: zh-Hans/zh-CN/zh-SG → ZHS, zh-Hant/zh-TW → ZHT,
# zh-HK/zh-MO → ZHH, with ZHT and ZHTM kept there as fallbacks). Languages not listed: no pruning.
_CHINESE_REGIONS = {"cn": ("ZHS",), "sg": ("ZHS",), "my": ("ZHS",), "tw": ("ZHT",),
                    "hk": ("ZHH", "ZHT", "ZHTM"), "mo": ("ZHH", "ZHT", "ZHTM")}  # fmt: skip
_LANGUAGES = {"ja": ("JAN",), "ko": ("KOR",)}


def language_systems(language: str | None) -> frozenset[str] | None:
    """The OpenType LangSys tags (4 characters, space padded) for a BCP 47 tag, None if unknown."""
    if not language:
        return None
    parts = language.replace("_", "-").lower().split("-")
    primary, rest = parts[0], parts[1:]
    tags: tuple[str, ...] | None = None
    if primary == "zh":
        regions = [p for p in rest if len(p) == 2]
        if "hant" in rest:
            tags = _CHINESE_REGIONS.get(regions[0], ("ZHT",)) if regions else ("ZHT",)
            tags = tuple(t for t in tags if t != "ZHS") or ("ZHT",)
        elif "hans" in rest:
            tags = ("ZHS",)
        elif regions:
            tags = _CHINESE_REGIONS.get(regions[0])
        else:
            tags = ("ZHS",)
    else:
        tags = _LANGUAGES.get(primary)
    return frozenset(t.ljust(4) for t in tags) if tags else None


LAYOUT_TAGS = ("GSUB", "GPOS")


def _use_reduced_layout(font: Any, info: FaceInfo, options: Any, language: str | None) -> frozenset[str]:
    """Put the face's GSUB and GPOS, with their script and feature lists reduced to what `options`
    and `language` can ever keep, in place of the face's own (kept in the cache, kind
    "epub-layout"; made and kept on a miss).

    Every subset of a face starts by throwing away the same things: the language systems the
    book's language never selects, then the features the options do not keep — for Noto CJK,
    483 GSUB feature records compared with 70 kept tags (~30 ms a face), of which 10 records are
    still referenced afterwards. Done once, the subsetter starts from those 10. The lookups are
    the face's own bytes, untouched: the subsetter drops the unreferenced ones without reading
    them, as it does on the face. The subset is the same, byte for byte: the reduction is the
    subsetter's own first step (`prune_pre_subset`) and its last (`prune_features`: dropping
    features no language system refers to, merging duplicates), and every renumbering in them
    keeps the order (tested on installed faces). Returns the tags of the tables reduced (a table
    `_reduced` does not handle stays the face's own)."""
    tags = [tag for tag in LAYOUT_TAGS if tag in font]
    if not tags:
        return frozenset()
    from publish import cache

    key = _layout_key(info, options, language)
    reduced = _install(font, tags, cache.get_value("epub-layout", key))
    if reduced is None:
        made = tuple((tag, _reduced(font, tag, options, language)) for tag in tags)
        cache.put_value("epub-layout", key, made)
        reduced = _install(font, tags, made)
        if reduced is None:
            raise Unsupported("GSUB/GPOS reduced to what cannot be read back")
    return reduced


def _install(font: Any, tags: list[str], entry: Any) -> frozenset[str] | None:
    """Put the reduced tables of `entry` in the font and return their tags; None (the font as it
    was) when the entry does not fit the face: another shape, another lookup list than the face's
    own, or script or feature lists that do not decompile."""
    import struct

    from fontTools.ttLib import newTable

    if not (isinstance(entry, tuple) and len(entry) == len(tags)
            and all(isinstance(t, tuple) and len(t) == 2 and t[0] == tag and isinstance(t[1], (bytes, type(None)))
                    for t, tag in zip(entry, tags, strict=True))):  # fmt: skip
        return None
    tables = {}
    for tag, data in entry:
        if data is None:  # the face's own table is used (see `_reduced`)
            continue
        own = font.reader[tag]
        if len(data) < 10 or len(own) < 10 or data[:4] != b"\0\1\0\0":
            return None
        (at,) = struct.unpack_from(">H", data, 8)
        (own_at,) = struct.unpack_from(">H", own, 8)
        if data[at:] != own[own_at:]:
            return None
        table = newTable(tag)
        try:
            table.decompile(data, font)  # lazily: the lookups are read when the subsetter asks
            table.table.ScriptList.ensureDecompiled(recurse=True)
            table.table.FeatureList.ensureDecompiled(recurse=True)
        except Exception:  # whatever a damaged table raises, it is not used
            return None
        tables[tag] = table
    for tag, table in tables.items():
        font[tag] = table
    return frozenset(tables)


# Tables whose glyph closure the subsetter runs after GSUB's (composite glyphs, colour layers, …):
# their glyphs reach GPOS but not the closure below, which then does not bound what GPOS sees.
_CLOSED_AFTER_GSUB = ("MATH", "COLR", "bsln", "VARC", "glyf", "GLYF", "CFF ", "CFF2")


def _leave_out_idle_subtables(font: Any, gid_of: Mapping[str, int]) -> None:
    """Take out of the layout lookups the subtables that cannot act on this subset's glyphs,
    before the subsetter decompiles them (`otlscan`: read from the table's bytes in ~4 ms).

    A subtable acts only if a glyph of its trigger coverage is in the subset; the subsetter drops
    the others, and they add nothing to its glyph closure. Which glyphs can be in the subset is
    bounded from above by the cmap's glyphs closed over every substitution any reachable GSUB
    subtable could make, its context ignored (any subtable at all when feature variations can
    put other lookups in a feature's place). The subtables whose trigger misses that bound go
    before the subsetter starts; the subset is the same bytes (tested on installed faces). Not
    touched: lookups that context subtables call (the subsetter asks them `may_have_non_1to1`,
    which their subtables answer), and GPOS when another table's closure adds glyphs after GSUB's
    (`_CLOSED_AFTER_GSUB`)."""
    from publish.fonts import otlscan

    if "MATH" in font:  # its closure runs before GSUB's
        return
    tags = [tag for tag in LAYOUT_TAGS if tag in font]
    scans: dict[str, tuple[Any, otlscan.LayoutScan, set[int]]] = {}
    for tag in tags:
        table = font[tag].table
        if table.FeatureList is None or table.LookupList is None:
            continue
        try:
            # the face's own bytes: the lookup list of a reduced table is theirs (`_install`)
            scan = otlscan.scan(font.reader[tag], gsub=tag == "GSUB")
        except ValueError:
            continue
        if len(scan.lookups) != table.LookupList.LookupCount:
            continue
        used = {k for record in table.FeatureList.FeatureRecord for k in record.Feature.LookupListIndex}
        scans[tag] = (table, scan, used)
    bound = {0, 1, 2, 3}  # .notdef, and what `recommended_glyphs` would add
    for st in font["cmap"].tables:
        if st.format == 14:
            bound.update(gid_of[g] for seq in st.uvsDict.values() for _, g in seq if g is not None)
        else:
            bound.update(gid_of[g] for g in st.cmap.values())
    if "GSUB" in scans:
        table, scan, used = scans["GSUB"]
        # Feature variations put other lookups in a feature's place: then any lookup may substitute.
        varied = getattr(table, "FeatureVariations", None) is not None
        reach = range(len(scan.lookups)) if varied else sorted(scan.reachable(used))
        edges = [st for k in reach for st in scan.lookups[k] if st.outputs]
        while edges:
            left = [st for st in edges if bound.isdisjoint(st.trigger)]
            if len(left) == len(edges):
                break
            for st in edges:
                if not bound.isdisjoint(st.trigger):
                    bound.update(st.outputs)
            edges = left
    for tag, (table, scan, used) in scans.items():
        calls = list(scan.calls)  # per lookup, the lookups its subtables left in call
        if not (tag == "GPOS" and any(t in font for t in _CLOSED_AFTER_GSUB)):
            nested = scan.nested
            for k in sorted(used - nested):
                if k >= len(scan.lookups):
                    continue
                subtables = scan.lookups[k]
                alive = [n for n, st in enumerate(subtables) if not bound.isdisjoint(st.trigger)]
                if len(alive) == len(subtables):
                    continue
                lookup = table.LookupList.Lookup[k]
                if lookup is None or lookup.SubTableCount != len(subtables):
                    continue
                lookup.SubTable = [lookup.SubTable[n] for n in alive]
                lookup.SubTableCount = len(alive)
                calls[k] = frozenset().union(*(subtables[n].calls for n in alive))
        _stand_in_for_unreached(table, otlscan.LayoutScan(scan.lookups, tuple(calls)).reachable(used))


# The subtable fields that hold a ClassDef (GPOS PairPos format 2; context and chained context
# format 2 of GSUB and GPOS) or Coverages (one, or a list of them), and GDEF's ClassDefs.
_CLASS_DEF_FIELDS = ("ClassDef1", "ClassDef2", "ClassDef", "BacktrackClassDef", "InputClassDef", "LookAheadClassDef")
_COVERAGE_FIELDS = ("Coverage", "MarkCoverage", "BaseCoverage", "LigatureCoverage", "Mark1Coverage", "Mark2Coverage",
                    "BacktrackCoverage", "InputCoverage", "LookAheadCoverage")  # fmt: skip
_GDEF_CLASS_DEFS = ("GlyphClassDef", "MarkAttachClassDef")


def _read_glyph_sets(font: Any, reduced: Iterable[str]) -> None:
    """Read the class definitions and coverages of the subtables the features of the `reduced`
    layout tables use (and GDEF's class definitions) from their bytes, before the subsetter reads
    them record by record.

    Only reduced tables (`_use_reduced_layout`): their features are those the subsetter keeps, so
    every subtable read here is one it reads itself. A face's own table may hold features it drops
    unread, and a damaged subtable there must stay unread, as it did.

    fontTools decompiles a ClassDef's or a Coverage's ranges as objects, ~13 µs a range: Noto
    CJK's kerning (`kern`, `vkrn`: PairPos format 2, which the Latin in any issue keeps) has ~2,600
    class ranges in the serif face, ~1,240 in each sans — ~0.015 s a book. `_class_def` and
    `_coverage` make the same `classDefs` and `glyphs` from the bytes. Only a way of reading: what
    they do not take is read by fontTools, as before."""
    from fontTools.ttLib.tables import otTables

    order = font.getGlyphOrder()
    found = []
    if "GDEF" in font:
        gdef = font["GDEF"].table
        found += [gdef.__dict__.get(field) for field in _GDEF_CLASS_DEFS]
    for tag in LAYOUT_TAGS:
        if tag not in font or tag not in reduced:
            continue
        table = font[tag].table
        if table.FeatureList is None or table.LookupList is None:
            continue
        lookups = table.LookupList.Lookup
        used = {k for record in table.FeatureList.FeatureRecord for k in record.Feature.LookupListIndex}
        for k in sorted(used):
            lookup = lookups[k] if k < len(lookups) else None
            if lookup is None:
                continue
            for subtable in lookup.SubTable:
                subtable.ensureDecompiled()
                inner = subtable.__dict__.get("ExtSubTable")  # an extension lookup's subtable
                if inner is not None:
                    inner.ensureDecompiled()
                    subtable = inner
                fields = subtable.__dict__
                found += [fields.get(field) for field in _CLASS_DEF_FIELDS]
                for field in _COVERAGE_FIELDS:
                    value = fields.get(field)
                    found += value if isinstance(value, list) else [value]
    for item in found:
        if isinstance(item, otTables.ClassDef):
            _class_def(item, order)
        elif isinstance(item, otTables.Coverage):
            _coverage(item, order)


def _coverage(coverage: Any, order: list[str]) -> None:
    """Decompile a lazily read Coverage as fontTools' `Coverage.postRead` does — `glyphs`: the glyph
    names in the order of its array or ranges — from the table's bytes; a Coverage already read,
    of another format, with ranges out of order (fontTools sorts them, with a warning) or not
    wholly within the table and the glyph order is left to fontTools."""
    import struct

    reader = coverage.__dict__.get("reader")
    if reader is None or reader.pos != reader.offset:
        return
    data, at, n = reader.data, reader.offset, len(order)
    try:
        fmt, count = struct.unpack_from(">HH", data, at)
        if fmt == 1:  # GlyphCount, the glyph ids
            gids = struct.unpack_from(f">{count}H", data, at + 4)
            if gids and max(gids) >= n:
                return
            glyphs = [order[gid] for gid in gids]
        elif fmt == 2:  # RangeCount, then (Start, End, StartCoverageIndex) per range
            flat = struct.unpack_from(f">{3 * count}H", data, at + 4)
            if any(flat[k] > flat[k + 3] for k in range(2, 3 * count - 3, 3)):
                return
            glyphs = []
            for k in range(0, 3 * count, 3):
                start, end = flat[k], flat[k + 1]
                if start >= n or end >= n:
                    return
                glyphs += order[start : end + 1]
        else:
            return
    except struct.error:
        return
    del coverage.reader, coverage.font
    coverage.glyphs = glyphs


def _class_def(class_def: Any, order: list[str]) -> None:
    """Decompile a lazily read ClassDef as fontTools' `ClassDef.postRead` does — `classDefs`: glyph
    name → class, class 0 left out, in the order of its records — from the table's bytes; a
    ClassDef already read, of another format or not wholly within the table and the glyph order is
    left to fontTools."""
    import struct

    reader = class_def.__dict__.get("reader")
    if reader is None or reader.pos != reader.offset:
        return
    data, at, n = reader.data, reader.offset, len(order)
    classes: dict[str, int] = {}
    try:
        fmt, count = struct.unpack_from(">HH", data, at)
        if fmt == 1:  # StartGlyph (in `count`), GlyphCount, a class per glyph
            start = count
            (count,) = struct.unpack_from(">H", data, at + 4)
            values = struct.unpack_from(f">{count}H", data, at + 6)
            if start + count > n:
                return
            classes = {name: value for name, value in zip(order[start : start + count], values, strict=True) if value}
        elif fmt == 2:  # ClassRangeCount, then (Start, End, Class) per range
            flat = struct.unpack_from(f">{3 * count}H", data, at + 4)
            for k in range(0, 3 * count, 3):
                start, end, value = flat[k : k + 3]
                if value:
                    if end >= n:
                        return
                    classes.update(dict.fromkeys(order[start : end + 1], value))
        else:
            return
    except struct.error:
        return
    del class_def.reader, class_def.font
    class_def.classDefs = classes


@contextlib.contextmanager
def _glyph_lists_unlogged(log: Any) -> Iterator[None]:
    """fontTools' subsetter formats its glyph lists for its log (`log.glyphs`: each list sorted by
    name and by glyph id, ten times a subset, ~1 ms a face) before the logger decides not to log
    them; while INFO is off, this skips that work — nothing is logged either way. The logger's own
    method is put back afterwards (left alone if it is not where this expects it)."""
    own = log.__dict__.get("glyphs")
    if own is None or own is _no_glyph_list or log.isEnabledFor(logging.INFO):
        yield
        return
    log.glyphs = _no_glyph_list
    try:
        yield
    finally:
        log.glyphs = own


def _no_glyph_list(glyphs: Any, font: Any = None) -> None:
    """`log.glyphs` while INFO is off (`_glyph_lists_unlogged`)."""


# The fontTools releases whose `Subsetter._closure_glyphs` `_ProxySubsetter._closure_glyphs` follows
# step by step (the function changes between releases: 4.64 moved the cmap's closure into
# `_closure_glyphs_cmap_and_dmap`, added GLYF, VARC and `glyphs_wo_math_closure`); any other
# release runs its own.
_CLOSURE_FOLLOWED = frozenset({"4.68.0"})
# Tables whose closure `_ProxySubsetter._closure_glyphs` does not follow: with any of them in the
# font (or glyphs asked for by name or id, or glyph ids retained), fontTools' own runs.
_CLOSURE_NOT_FOLLOWED = ("DMAP", "MATH", "COLR", "bsln", "VARC", "GLYF", "CFF ", "CFF2")
_SUBSETTERS: list[type] = []


def _proxy_subsetter(subset: Any) -> type:
    """`subset.Subsetter` with its glyph closure made without a pass over the whole glyph order
    (`_ProxySubsetter`), made once, on first use (fontTools is imported by then)."""
    if not _SUBSETTERS:

        class _ProxySubsetter(subset.Subsetter):  # type: ignore[misc]
            """fontTools' subsetter for a proxy (`_proxy`), whose glyph order is all 65,535 glyphs of a CJK
            face while a subset keeps ~2,000.

            `Subsetter._closure_glyphs` begins with a set of the whole order (to drop names that are
            no glyph of the face) and ends with a pass over it (to put the kept glyphs in order):
            ~3.5 ms a CJK face, a third of a subset's glyph closure. Here the same steps run in the
            same order, with the same fontTools calls, asking the proxy's glyph id by name instead
            (`font.getReverseGlyphMap()`: `_Numbered` answers for every glyph of the order) and
            sorting the kept glyphs by glyph id: every attribute comes out equal (tested against
            fontTools' own on installed faces). Used only for the releases it follows
            (`_CLOSURE_FOLLOWED`) and the fonts and requests whose every step it has; otherwise the
            subsetter's own method runs."""

            def _closure_glyphs(self, font: Any) -> None:
                import fontTools

                if (fontTools.version not in _CLOSURE_FOLLOWED or self.glyph_names_requested
                        or self.glyph_ids_requested or self.options.retain_gids or "cmap" not in font
                        or any(tag in font for tag in _CLOSURE_NOT_FOLLOWED)):  # fmt: skip
                    super()._closure_glyphs(font)
                    return
                _close_on_proxy(self, font, subset)

        _SUBSETTERS.append(_ProxySubsetter)
    return _SUBSETTERS[0]


def _close_on_proxy(s: Any, font: Any, subset: Any) -> None:
    """fontTools 4.68's `Subsetter._closure_glyphs` for a font without the tables it leaves to
    `super()` and nothing requested but characters (see `_ProxySubsetter`): a glyph name is one of
    the font's when its glyph id is known (`gid_of`), not when it is in a set of the whole order."""
    log, timer = subset.log, subset.timer
    order = font.getGlyphOrder()
    gid_of = font.getReverseGlyphMap()

    def keep_real() -> None:  # `s.glyphs.intersection_update(realGlyphs)`
        s.glyphs.difference_update([g for g in s.glyphs if g not in gid_of])

    s.orig_glyph_order = order
    s.glyphs_requested = set()
    s.glyphs_missing = set()
    s.glyphs = s.glyphs_requested.copy()
    s.unicodes_missing = set()
    with timer("close glyph list over character maps"):
        subset._closure_glyphs_cmap_and_dmap(font, s)
        keep_real()
    s.glyphs_cmaped = frozenset(s.glyphs)
    if s.unicodes_missing:
        missing = [f"U+{u:04X}" for u in s.unicodes_missing]
        log.info("Missing glyphs for requested Unicodes: %s", missing)
        if not s.options.ignore_missing_unicodes:
            raise s.MissingUnicodesSubsettingError(missing)
        del missing
    if s.options.notdef_glyph:
        if "glyf" in font:
            s.glyphs.add(font.getGlyphName(0))
            log.info("Added gid0 to subset")
        else:
            s.glyphs.add(".notdef")
            log.info("Added .notdef to subset")
    if s.options.recommended_glyphs and "glyf" in font:
        for i in range(min(4, len(order))):
            s.glyphs.add(font.getGlyphName(i))
        log.info("Added first four glyphs to subset")
    s.glyphs_wo_math_closure = frozenset(s.glyphs)
    s.glyphs_mathed = frozenset(s.glyphs)
    if s.options.layout_closure and "GSUB" in font:
        with timer("close glyph list over 'GSUB'"):
            log.info("Closing glyph list over 'GSUB': %d glyphs before", len(s.glyphs))
            log.glyphs(s.glyphs, font=font)
            font["GSUB"].closure_glyphs(s)
            keep_real()
            log.info("Closed glyph list over 'GSUB': %d glyphs after", len(s.glyphs))
            log.glyphs(s.glyphs, font=font)
    s.glyphs_gsubed = frozenset(s.glyphs)
    s.glyphs_colred = frozenset(s.glyphs)
    s.glyphs_bslned = frozenset(s.glyphs)
    s.glyphs_glyfed = frozenset(s.glyphs)
    if "glyf" in font:
        with timer("close glyph list over 'glyf'"):
            log.info("Closing glyph list over '%s': %d glyphs before", "glyf", len(s.glyphs))
            log.glyphs(s.glyphs, font=font)
            font["glyf"].closure_glyphs(s)
            keep_real()
            log.info("Closed glyph list over '%s': %d glyphs after", "glyf", len(s.glyphs))
            log.glyphs(s.glyphs, font=font)
        s.glyphs_glyfed = frozenset(s.glyphs)
    s.glyphs_cffed = frozenset(s.glyphs)
    s.glyphs_retained = frozenset(s.glyphs)
    s.reverseOrigGlyphMap = {g: gid_of[g] for g in s.glyphs_retained}
    s.last_retained_order = max(s.reverseOrigGlyphMap.values())
    s.last_retained_glyph = order[s.last_retained_order]
    s.glyphs_emptied = frozenset()
    s.reverseEmptiedGlyphMap = {}
    # the kept glyphs in the order's order: each name's glyph id is its place in the order
    s.new_glyph_order = sorted(s.glyphs_retained, key=s.reverseOrigGlyphMap.__getitem__)
    s.glyph_index_map = {gid_of[g]: i for i, g in enumerate(s.new_glyph_order)}
    log.info("Retaining %d glyphs", len(s.glyphs_retained))
    del s.glyphs


def _stand_in_for_unreached(table: Any, reached: set[int]) -> None:
    """Put an empty lookup in place of each lookup outside `reached` (the lookups the features
    refer to, and those that the subtables left in them call, directly or through others).

    The subsetter's first step (`prune_pre_subset` → `neuter_lookups`) sets exactly such lookups
    to None, unread. But before that, fontTools (`beyond64k._compact_layout_tables`, at the start of
    `Subsetter.subset`) reads every subtable of every lookup to see whether one has an extended
    format: for Noto CJK, the lookups only the idle `ccmp` subtables call (their 672 alternate
    sets, ~15 ms a face). An empty lookup has nothing to read there and is then set to None like
    the lookup it stands in for: the same subset. None is replaced when feature variations can put
    any lookup in a feature's place."""
    from fontTools.ttLib.tables import otTables

    lookups = table.LookupList.Lookup
    if not isinstance(lookups, list) or getattr(table, "FeatureVariations", None) is not None:
        return
    for k in range(len(lookups)):
        if k not in reached:
            empty = otTables.Lookup()
            empty.LookupFlag, empty.SubTable, empty.SubTableCount = 0, [], 0
            lookups[k] = empty


def _layout_key(info: FaceInfo, options: Any, language: str | None) -> str:
    import fontTools

    from publish import cache

    systems = language_systems(language)
    return "\0".join((
        f"{info.identity}#{info.index}",
        ",".join(sorted(systems)) if systems else "*",
        repr(sorted(vars(options).items())),  # every option, so that no change of them is missed
        f"fontTools {fontTools.version}",
        cache.module_digest("publish.fonts.epubsubset"),
    ))  # fmt: skip


def _reduced(font: Any, tag: str, options: Any, language: str | None) -> bytes | None:
    """The face's `tag` table with its script and feature lists as the subsetter would reduce
    them (see `_use_reduced_layout`) and its lookup list copied as it is; None: the face's own
    table is used (a table version or size this does not handle)."""
    import copy
    import struct

    import fontTools.subset  # noqa: F401  (adds the subsetting methods to the table classes)
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables import otTables

    raw = font.reader[tag]
    if len(raw) < 10:
        return None
    version, _, _, lookups_at = struct.unpack_from(">IHHH", raw)
    if version != 0x00010000 or not lookups_at:  # FeatureVariations (1.1) refer to features by index
        return None
    table = font[tag]
    _keep_language_systems(table, language_systems(language))
    # The options' tag lists as sets: the subsetter only asks whether a tag is in them, and a list
    # of ~70 tags asked about each of Noto CJK's 483 feature records costs ~15 ms a face (Tag.__eq__).
    sets = copy.copy(options)
    sets.layout_features = frozenset(options.layout_features)
    sets.layout_scripts = frozenset(options.layout_scripts)
    table.prune_pre_subset(font, sets)  # the features the options drop (lookups only marked)
    table.prune_features()  # the features no language system refers to any more; duplicates merged
    lists = getattr(otTables, tag)()
    lists.Version = version
    lists.ScriptList = table.table.ScriptList
    lists.FeatureList = table.table.FeatureList
    lists.LookupList = None
    head = newTable(tag)
    head.table = lists
    data = head.compile(font)  # header, ScriptList and FeatureList; the lookup list's offset 0
    font.tables.pop(tag)  # reduced in place: forgotten, so that the face's bytes are read again if used
    if len(data) > 0xFFFF or data[8:10] != b"\0\0":
        return None
    # Offsets inside the lookup list are relative to it and point forward: it moves as one block.
    return data[:8] + struct.pack(">H", len(data)) + data[10:] + raw[lookups_at:]


def keep_language_systems(font: Any, language: str | None) -> None:
    """Drop the GSUB/GPOS language systems a text in `language` never selects.

    A shaper applies a script's default LangSys, or the LangSys of the text's language. Noto CJK
    SC's `locl` lookups for JAN, KOR, ZHT and ZHH substitute ~1,200 Japanese, Korean and
    traditional forms of the issue's characters that a `zh-CN` book can never show; left in, the
    subsetter's closure keeps them all (the body face: 2,925 glyphs, 991 KB instead of 1,704
    glyphs, 558 KB). Every script's default LangSys is kept, so nothing the document language
    selects changes; an unknown language keeps everything.
    """
    keep = language_systems(language)
    for tag in LAYOUT_TAGS:
        if tag in font:
            _keep_language_systems(font[tag], keep)


def _keep_language_systems(table: Any, keep: frozenset[str] | None) -> None:
    if keep is None or table.table.ScriptList is None:
        return
    for record in table.table.ScriptList.ScriptRecord:
        script = record.Script
        script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag in keep]
        script.LangSysCount = len(script.LangSysRecord)


def _name(font: Any, name_id: int) -> str:
    rec = font["name"].getName(name_id, 3, 1, 0x409) or font["name"].getName(name_id, 1, 0, 0)
    return rec.toUnicode() if rec is not None else ""
