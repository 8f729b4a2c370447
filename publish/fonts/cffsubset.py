"""A fast CFF subsetter for the PDF: a CID-keyed CFF program holding only the glyphs drawn.

In: a font file, the face index, and `{CID: source glyph id}` — the CIDs the content stream uses
(in `publish.pdf.fontobjects`, a character's code point) mapped to the glyphs that draw them. Out: the bytes of a
bare CFF font program (Adobe TN 5176), CID-keyed with ROS Adobe-Identity-0, in which glyph k
carries CID `cids[k]`: what PDF 32000 §9.7.4.2 calls a CIDFontType0C program (FontFile3).

Why our own: fontTools' subsetter interprets every charstring three times (glyph closure, subr
pruning, desubroutinising or renumbering) and needs ~6 s for the sample issue's 1,700 characters
of Noto Serif CJK SC. Here each used glyph is interpreted once, only far enough to find the
subroutines it calls and to skip hintmask bytes, and the charstrings are copied byte for byte
with just the subroutine numbers rewritten; outlines, hints and Private DICTs are untouched.
What the walks find (each charstring's and subroutine's call sites) is kept per face in the build
cache, so a later subset — the next issue's, the EPUB's — walks only the glyphs never walked
before (see "the walks' results, kept per face" below).

Name-keyed CFF (a Latin OTF) becomes CID-keyed with one Font DICT holding its Private DICT.
What this does not handle raises `Unsupported` and the caller falls back to fontTools (path A):
CFF2 (variable fonts), `seac`-style accented endchar, and subroutine numbers that are computed
rather than written as literals.
"""

from __future__ import annotations

import array
import functools
import itertools
import mmap
import os
import struct
import sys
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate, chain
from pathlib import Path
from typing import Any


class Unsupported(Exception):
    """This CFF uses a feature the fast subsetter does not handle."""


# ── reading ────────────────────────────────────────────────────────────────────────────────────
def sfnt_table(data, index: int, tag: bytes) -> tuple[int, int]:
    """(offset, length) of table `tag` of face `index` in an OpenType file or collection."""
    base = 0
    if data[:4] == b"ttcf":
        (num,) = struct.unpack_from(">I", data, 8)
        if index >= num:
            raise Unsupported(f"face {index} not in collection of {num}")
        (base,) = struct.unpack_from(">I", data, 12 + 4 * index)
    (num_tables,) = struct.unpack_from(">H", data, base + 4)
    for k in range(num_tables):
        rec = base + 12 + 16 * k
        if data[rec : rec + 4] == tag:
            _, off, length = struct.unpack_from(">III", data, rec + 4)
            return off, length
    raise Unsupported(f"no {tag.decode()} table")


class Index:
    """A CFF INDEX, read lazily (the CharStrings INDEX of a CJK font has 65,535 entries).

    `fd`: the open font file that `data` maps; its entries are then read with `os.pread` instead
    of through the mapping. Reading a byte of a mapped file maps the 64 KB around it into the
    process (the kernel's fault-around), so a subset's ~2,000 charstrings scattered over a CJK
    face's CharStrings INDEX would map most of it (~12 MB of Noto Serif CJK, counted in the
    process's memory while the subset is made); read, they cost their own ~0.7 MB and about the
    same time. The INDEX's offsets and the small structures are still read through `data`."""

    def __init__(self, data, pos: int, fd: int | None = None) -> None:
        self.data = data
        self.fd = fd if _pread is not None else None
        self._offsets: array.array | None = None
        (self.count,) = struct.unpack_from(">H", data, pos)
        if self.count == 0:
            self.end = pos + 2
            self.off_size = 0
            return
        self.off_size = data[pos + 2]
        self.offsets_at = pos + 3
        self.base = pos + 3 + (self.count + 1) * self.off_size - 1
        self.end = self.base + self._offset(self.count)

    def _offset(self, k: int) -> int:
        p = self.offsets_at + k * self.off_size
        return int.from_bytes(self.data[p : p + self.off_size], "big")

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, k: int) -> bytes:
        if not 0 <= k < self.count:
            raise IndexError(k)
        offsets = self._offsets or self._decode_offsets()
        start, end = self.base + offsets[k], self.base + offsets[k + 1]
        if self.fd is not None:
            return read_range(self.fd, start, end)
        return bytes(self.data[start:end])

    def items(self, ks: list[int]) -> list[bytes]:
        """Entries `ks` (each 0 ≤ k < count)."""
        if not ks:
            return []
        first, last = min(ks), max(ks)
        if first < 0 or last >= self.count:
            raise IndexError(last)
        offsets = self._offsets or self._decode_offsets()
        data, base, fd = self.data, self.base, self.fd
        if fd is not None:
            assert _pread is not None
            pread = _pread
            lo, hi = offsets[first], offsets[last + 1]
            if not 0 <= hi - lo <= min(_DENSE_SPAN, len(ks) * _DENSE_GAP):
                return [pread(fd, max(0, offsets[k + 1] - offsets[k]), base + offsets[k]) for k in ks]
            # Close together (a subset's subroutines, mostly): read at once, each entry cut from
            # it — the bytes its own read would give (an entry outside the span, as a damaged
            # INDEX's out-of-order offsets may put it, is read alone).
            chunk = pread(fd, hi - lo, base + lo)
            at = offsets.__getitem__
            return [chunk[s - lo : e - lo] if lo <= s <= e <= hi else pread(fd, max(0, e - s), base + s)
                    for s, e in zip(map(at, ks), map(at, [k + 1 for k in ks]), strict=True)]
        return [data[base + offsets[k] : base + offsets[k + 1]] for k in ks]

    def _decode_offsets(self) -> array.array:
        # All at once, at C speed (≤ 1 ms for 65,536 offsets): a subset reads thousands of
        # charstrings and subroutines, two offsets each.
        self._offsets = _offset_array(self.data, self.offsets_at, self.count + 1, self.off_size)
        return self._offsets


# `Index.items` reads the entries asked for at once when they lie within this many bytes in all
# and this many bytes an entry on average (dense enough that the bytes read between them cost less
# than a read each: ~0.6 µs a call), else one read an entry.
_DENSE_SPAN = 1 << 20
_DENSE_GAP = 1024

# `os.pread` where the system has it (not on Windows: there entries are read through the mapping).
_pread = getattr(os, "pread", None)


def entry_reader(file: Any) -> int | None:
    """The file descriptor to read an open font file's scattered pieces from (`Index`/`CFF`'s
    `fd`; `ttfsubset`'s and `epubsubset`'s TrueType glyphs), or None where they are read through
    the mapping (no `os.pread`)."""
    return file.fileno() if _pread is not None else None


def read_range(fd: int, start: int, end: int) -> bytes:
    """Bytes `start:end` of the file `fd` (an `entry_reader`), as a slice of its mapping gives
    them: fewer at the file's end, none when `end` < `start`."""
    assert _pread is not None
    return _pread(fd, max(0, end - start), start)


def _offset_array(data, at: int, n: int, size: int) -> array.array:
    """`n` big-endian unsigned offsets of `size` bytes (1–4) at `at`, as one array (C speed)."""
    raw = data[at : at + n * size]
    if size == 3:  # widened to 4 bytes: a zero byte before each offset
        wide = bytearray(4 * n)
        for k in range(3):
            wide[k + 1 :: 4] = raw[k::3]
        raw = bytes(wide)
        size = 4
    out = array.array({1: "B", 2: "H", 4: "I"}[size])
    if out.itemsize != size:  # "I" is 4 bytes on every platform CPython runs on; "L" is not
        raise Unsupported("no 4-byte array type")
    out.frombytes(raw)
    if size > 1 and sys.byteorder == "little":
        out.byteswap()
    return out


def _read_real(data, i: int) -> tuple[float, int]:
    s = ""
    nibbles = "0123456789.EE?-"
    while True:
        b = data[i]
        i += 1
        for n in (b >> 4, b & 15):
            if n == 15:
                return float(s or 0), i
            if n == 0xB:
                s += "E"
            elif n == 0xC:
                s += "E-"
            else:
                s += nibbles[n]


def parse_dict(data) -> list[tuple[int, list, bytes]]:
    """A DICT as (operator, operand values, raw operand bytes); escaped operators are 1200+b1."""
    out = []
    i, start = 0, 0
    operands: list[int | float] = []
    n = len(data)
    while i < n:
        b = data[i]
        if b <= 21:
            if b == 12:
                op = 1200 + data[i + 1]
                j = i + 2
            else:
                op = b
                j = i + 1
            out.append((op, operands, bytes(data[start:i])))
            operands = []
            i = start = j
        elif b == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b == 30:
            v, i = _read_real(data, i + 1)
            operands.append(v)
        elif 32 <= b <= 246:
            operands.append(b - 139)
            i += 1
        elif 247 <= b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise Unsupported(f"bad DICT byte {b}")
    return out


def _bias(count: int) -> int:
    # Type 2 Charstring Format (Adobe TN 5177) §4.7: subroutine number bias.
    return 107 if count < 1240 else 1131 if count < 33900 else 32768


class FontDict:
    def __init__(self, data, cff_start: int, entries: list[tuple[int, list, bytes]], fd: int | None = None) -> None:
        self.entries = entries
        ops = {op: vals for op, vals, _ in entries}
        self.font_matrix_raw = next((raw for op, _, raw in entries if op == 1207), None)
        size, off = ops.get(18, [0, 0])
        pstart = cff_start + off
        self.private = parse_dict(data[pstart : pstart + size])
        pops = {op: vals for op, vals, _ in self.private}
        self.subrs = Index(data, pstart + pops[19][0], fd) if 19 in pops else None


class CFF:
    """The parts of a CFF table needed to subset it; `fd`: the open file `data` maps, from which
    the charstrings and subroutines are read (see `Index`)."""

    def __init__(self, data, start: int, fd: int | None = None) -> None:
        self.data = data
        self.start = start
        if data[start] != 1:
            raise Unsupported("not CFF version 1 (CFF2 is not handled)")
        hdr_size = data[start + 2]
        names = Index(data, start + hdr_size)
        self.name = names[0].decode("latin-1")
        tops = Index(data, names.end)
        self.top = parse_dict(tops[0])
        self.strings = Index(data, tops.end)
        self.gsubrs = Index(data, self.strings.end, fd)
        ops = {op: vals for op, vals, _ in self.top}
        if ops.get(1206, [2])[0] != 2:
            raise Unsupported("charstrings are not Type 2")
        self.charstrings = Index(data, start + ops[17][0], fd)
        self.cid_keyed = 1230 in ops
        if self.cid_keyed:
            fd_index = Index(data, start + ops[1236][0])
            self.fds = [FontDict(data, start, parse_dict(fd_index[k]), fd) for k in range(len(fd_index))]
            self._fdselect_at = start + ops[1237][0]
            fmt = data[self._fdselect_at]
            if fmt == 0:
                self._fd_of = lambda gid: data[self._fdselect_at + 1 + gid]
            elif fmt == 3:
                (nranges,) = struct.unpack_from(">H", data, self._fdselect_at + 1)
                firsts, fds = [], []
                for k in range(nranges):
                    first, fd = struct.unpack_from(">HB", data, self._fdselect_at + 3 + 3 * k)
                    firsts.append(first)
                    fds.append(fd)
                self._fd_of = lambda gid: fds[bisect_right(firsts, gid) - 1]
            else:
                raise Unsupported(f"FDSelect format {fmt}")
        else:
            self.fds = [FontDict(data, start, [(18, ops[18], b"")], fd)] if 18 in ops else []
            if not self.fds:
                raise Unsupported("no Private DICT")
            self._fd_of = lambda gid: 0

    def string(self, sid: int) -> bytes:
        if sid < 391:
            return _standard_strings()[sid].encode("latin-1")
        return self.strings[sid - 391]

    def fd_of(self, gid: int) -> int:
        return self._fd_of(gid)


def _standard_strings() -> list[str]:
    """TN 5176 Appendix A: SIDs below 391 name standard strings."""
    return _STANDARD_STRINGS


# TN 5176 Appendix A, SIDs 0–390 in order (written out here: importing fontTools' copy of the list
# cost a build's main process ~40 ms, the only fontTools import left on its PDF path for CFF faces).
_STANDARD_STRINGS: list[str] = """
.notdef space exclam quotedbl numbersign dollar percent ampersand quoteright parenleft
parenright asterisk plus comma hyphen period slash zero one two three four five six seven eight
nine colon semicolon less equal greater question at A B C D E F G H I J K L M N O P Q R S T U V
W X Y Z bracketleft backslash bracketright asciicircum underscore quoteleft a b c d e f g h i j
k l m n o p q r s t u v w x y z braceleft bar braceright asciitilde exclamdown cent sterling
fraction yen florin section currency quotesingle quotedblleft guillemotleft guilsinglleft
guilsinglright fi fl endash dagger daggerdbl periodcentered paragraph bullet quotesinglbase
quotedblbase quotedblright guillemotright ellipsis perthousand questiondown grave acute
circumflex tilde macron breve dotaccent dieresis ring cedilla hungarumlaut ogonek caron emdash
AE ordfeminine Lslash Oslash OE ordmasculine ae dotlessi lslash oslash oe germandbls onesuperior
logicalnot mu trademark Eth onehalf plusminus Thorn onequarter divide brokenbar degree thorn
threequarters twosuperior registered minus eth multiply threesuperior copyright Aacute
Acircumflex Adieresis Agrave Aring Atilde Ccedilla Eacute Ecircumflex Edieresis Egrave Iacute
Icircumflex Idieresis Igrave Ntilde Oacute Ocircumflex Odieresis Ograve Otilde Scaron Uacute
Ucircumflex Udieresis Ugrave Yacute Ydieresis Zcaron aacute acircumflex adieresis agrave aring
atilde ccedilla eacute ecircumflex edieresis egrave iacute icircumflex idieresis igrave ntilde
oacute ocircumflex odieresis ograve otilde scaron uacute ucircumflex udieresis ugrave yacute
ydieresis zcaron exclamsmall Hungarumlautsmall dollaroldstyle dollarsuperior ampersandsmall
Acutesmall parenleftsuperior parenrightsuperior twodotenleader onedotenleader zerooldstyle
oneoldstyle twooldstyle threeoldstyle fouroldstyle fiveoldstyle sixoldstyle sevenoldstyle
eightoldstyle nineoldstyle commasuperior threequartersemdash periodsuperior questionsmall
asuperior bsuperior centsuperior dsuperior esuperior isuperior lsuperior msuperior nsuperior
osuperior rsuperior ssuperior tsuperior ff ffi ffl parenleftinferior parenrightinferior
Circumflexsmall hyphensuperior Gravesmall Asmall Bsmall Csmall Dsmall Esmall Fsmall Gsmall
Hsmall Ismall Jsmall Ksmall Lsmall Msmall Nsmall Osmall Psmall Qsmall Rsmall Ssmall Tsmall
Usmall Vsmall Wsmall Xsmall Ysmall Zsmall colonmonetary onefitted rupiah Tildesmall
exclamdownsmall centoldstyle Lslashsmall Scaronsmall Zcaronsmall Dieresissmall Brevesmall
Caronsmall Dotaccentsmall Macronsmall figuredash hypheninferior Ogoneksmall Ringsmall
Cedillasmall questiondownsmall oneeighth threeeighths fiveeighths seveneighths onethird
twothirds zerosuperior foursuperior fivesuperior sixsuperior sevensuperior eightsuperior
ninesuperior zeroinferior oneinferior twoinferior threeinferior fourinferior fiveinferior
sixinferior seveninferior eightinferior nineinferior centinferior dollarinferior periodinferior
commainferior Agravesmall Aacutesmall Acircumflexsmall Atildesmall Adieresissmall Aringsmall
AEsmall Ccedillasmall Egravesmall Eacutesmall Ecircumflexsmall Edieresissmall Igravesmall
Iacutesmall Icircumflexsmall Idieresissmall Ethsmall Ntildesmall Ogravesmall Oacutesmall
Ocircumflexsmall Otildesmall Odieresissmall OEsmall Oslashsmall Ugravesmall Uacutesmall
Ucircumflexsmall Udieresissmall Yacutesmall Thornsmall Ydieresissmall 001.000 001.001 001.002
001.003 Black Bold Book Light Medium Regular Roman Semibold
""".split()


# ── interpreting just enough of a charstring ───────────────────────────────────────────────────
# Escaped arithmetic operators (TN 5177 §4.4) change the stack depth without clearing it.
_ARITH = {1203: -1, 1204: -1, 1205: 0, 1209: 0, 1210: -1, 1211: -1, 1212: -1, 1214: 0, 1215: -1,
          1218: -1, 1220: -2, 1221: 0, 1222: -3, 1223: 1, 1224: -1, 1226: 0, 1227: 1, 1228: 0,
          1229: 0, 1230: -2}  # fmt: skip


class _Scan:
    """Walks glyph programs, following subroutine calls, recording every call site."""

    def __init__(self, cff: CFF) -> None:
        self.cff = cff
        self.gbias = _bias(len(cff.gsubrs))
        self.used_g: set[int] = set()
        self.used_l: dict[int, set[int]] = {}
        # (owner, position of the number literal) → (end of literal, "g"|"l", subr index)
        # owner: ("c", gid) | ("g", index) | ("l", fd, index)
        self.sites: dict[tuple, dict[int, tuple[int, str, int]]] = {}
        self._gcache: dict[int, bytes] = {}
        self._lcache: dict[tuple[int, int], bytes] = {}
        # (subr owner, fd) → (clears the stack, depth change, ends the glyph), or None when the
        # subroutine declares hints or does arithmetic and must be walked with the glyph's state.
        self._summaries: dict[tuple, tuple[bool, int, bool] | None] = {}

    def site_list(self, owner: tuple) -> list[Site]:
        found = self.sites.get(owner)
        return _site_list(found) if found else []

    def glyph_sites(self, gids: list[int]) -> list[list[Site]]:
        return [self.site_list(("c", gid)) for gid in gids]

    def gsubr_sites(self, ks: list[int]) -> list[list[Site]]:
        return [self.site_list(("g", k)) for k in ks]

    def lsubr_sites(self, fd: int, ks: list[int]) -> list[list[Site]]:
        return [self.site_list(("l", fd, k)) for k in ks]

    def global_calling_local(self) -> set[int]:
        """Global subroutines that call local ones (only safe when one Font DICT is used)."""
        return {owner[1] for owner, sites in self.sites.items()
                if owner[0] == "g" and any(kind == "l" for _, kind, _ in sites.values())}

    def gsubr(self, k: int) -> bytes:
        b = self._gcache.get(k)
        if b is None:
            b = self._gcache[k] = self.cff.gsubrs[k]
        return b

    def lsubr(self, fd: int, k: int) -> bytes:
        b = self._lcache.get((fd, k))
        if b is None:
            subrs = self.cff.fds[fd].subrs
            if subrs is None:
                raise Unsupported("callsubr without local subrs")
            b = self._lcache[(fd, k)] = subrs[k]
        return b

    def _call(self, b: int, value: float, fd: int, lbias: int) -> tuple[str, int, bytes, tuple]:
        """Resolve a call: (kind, subr index, its body, its owner key); marks it used."""
        if not float(value).is_integer():
            raise Unsupported("computed subroutine number")
        if b == 29:
            k = int(value) + self.gbias
            body = self.gsubr(k)
            self.used_g.add(k)
            return "g", k, body, ("g", k)
        k = int(value) + lbias
        body = self.lsubr(fd, k)
        self.used_l.setdefault(fd, set()).add(k)
        return "l", k, body, ("l", fd, k)

    def _site(self, owner: tuple, start: int, end: int, kind: str, k: int) -> None:
        site = self.sites.setdefault(owner, {})
        prev = site.get(start)
        if prev is not None and prev != (end, kind, k):
            raise Unsupported("a subroutine calls different local subrs for different FDs")
        site[start] = (end, kind, k)

    def summary(self, owner: tuple, code: bytes, fd: int, lbias: int) -> tuple[bool, int, bool] | None:
        """The effect of a subroutine on the stack depth, if it does not depend on the glyph.

        Most subroutines of a CJK font are outline fragments: they clear the stack or push a few
        numbers, whoever calls them. Summarising each once makes every later call O(1); the
        subroutine's own calls are resolved (and their sites recorded) on the way.
        """
        key = (owner, fd)
        if key in self._summaries:
            return self._summaries[key]
        self._summaries[key] = None  # while scanning (and for recursion): walk it for real
        cleared, delta = False, 0
        result: tuple[bool, int, bool] | None = None
        i, n = 0, len(code)
        last_start = last_end = -1
        last_val: float = 0
        while True:
            if i >= n:  # implicit return at the end of a subroutine
                result = (cleared, delta, False)
                break
            b = code[i]
            if b >= 32:
                if b <= 246:
                    last_val, j = b - 139, i + 1
                elif b <= 250:
                    last_val, j = (b - 247) * 256 + code[i + 1] + 108, i + 2
                elif b <= 254:
                    last_val, j = -(b - 251) * 256 - code[i + 1] - 108, i + 2
                else:
                    last_val, j = struct.unpack_from(">i", code, i + 1)[0] / 65536, i + 5
                delta += 1
                last_start, last_end, i = i, j, j
                continue
            if b == 28:
                last_val = struct.unpack_from(">h", code, i + 1)[0]
                delta += 1
                last_start, last_end, i = i, i + 3, i + 3
                continue
            if b == 10 or b == 29:
                if last_end != i:
                    raise Unsupported("computed subroutine number")
                kind, k, body, callee = self._call(b, last_val, fd, lbias)
                self._site(owner, last_start, i, kind, k)
                delta -= 1
                sub = self.summary(callee, body, fd, lbias)
                if sub is None:
                    break
                if sub[0]:
                    cleared, delta = True, sub[1]
                else:
                    delta += sub[1]
                if sub[2]:
                    result = (cleared, delta, True)
                    break
                i += 1
                last_end = -1
                continue
            last_end = -1
            if b == 11:
                result = (cleared, delta, False)
                break
            if b == 14:
                if not self.cff.cid_keyed:
                    break  # endchar may be seac: let the walk with real depths decide
                result = (True, 0, True)
                break
            if b in (1, 3, 18, 23, 19, 20) or (b == 12 and 1200 + code[i + 1] in _ARITH):
                break  # hints or arithmetic: depends on the caller's state
            cleared, delta = True, 0
            i += 2 if b == 12 else 1
        self._summaries[key] = result
        return result

    def glyph(self, gid: int, code: bytes, fd: int) -> None:
        # The hot loop of a subset made from scratch (~40 µs a CJK glyph): a number's value is
        # decoded only when a call uses it, and a call to a subroutine already summarised costs
        # two dictionary look-ups.
        local = self.cff.fds[fd].subrs
        lbias = _bias(len(local)) if local is not None else 0
        used_l = self.used_l.setdefault(fd, set())
        used_g, gbias = self.used_g, self.gbias
        gcache, lcache = self._gcache, self._lcache
        sites, summaries = self.sites, self._summaries
        depth = 0
        nstems = 0
        owner: tuple = ("c", gid)
        frames: list[tuple[bytes, int, tuple]] = []
        i = 0
        last_start = last_end = -1
        n = len(code)
        while True:
            if i >= n:
                if not frames:
                    return
                code, i, owner = frames.pop()
                n = len(code)
                last_end = -1
                continue
            b = code[i]
            if b >= 32:  # a number: 1, 2 or 5 bytes
                last_start = i
                i += 1 if b <= 246 else 2 if b <= 254 else 5
                last_end = i
                depth += 1
                continue
            if b == 28:
                last_start = i
                i += 3
                last_end = i
                depth += 1
                continue
            if b == 10 or b == 29:  # callsubr / callgsubr
                if last_end != i:
                    raise Unsupported("computed subroutine number")
                value = _number(code, last_start)
                callee: tuple
                if isinstance(value, float) and not value.is_integer():
                    raise Unsupported("computed subroutine number")
                if b == 29:
                    k = int(value) + gbias
                    body = gcache.get(k)
                    if body is None:
                        body = self.gsubr(k)
                    used_g.add(k)
                    kind, callee = "g", ("g", k)
                else:
                    k = int(value) + lbias
                    body = lcache.get((fd, k))
                    if body is None:
                        body = self.lsubr(fd, k)
                    used_l.add(k)
                    kind, callee = "l", ("l", fd, k)
                found = sites.get(owner)
                if found is None:
                    found = sites[owner] = {}
                prev = found.get(last_start)
                if prev is not None and prev != (i, kind, k):
                    raise Unsupported("a subroutine calls different local subrs for different FDs")
                found[last_start] = (i, kind, k)
                depth -= 1
                key = (callee, fd)
                sub = summaries[key] if key in summaries else self.summary(callee, body, fd, lbias)
                if sub is not None:
                    depth = sub[1] if sub[0] else max(0, depth + sub[1])
                    if sub[2]:
                        return
                    i += 1
                    last_end = -1
                    continue
                if len(frames) > 10:
                    raise Unsupported("subroutine nesting deeper than 10")
                frames.append((code, i + 1, owner))
                code, i, owner, n = body, 0, callee, len(body)
                last_end = -1
                continue
            last_end = -1
            if b == 11:  # return
                if not frames:
                    return
                code, i, owner = frames.pop()
                n = len(code)
                continue
            if b == 14:  # endchar
                if depth >= 4 and not self.cff.cid_keyed:
                    raise Unsupported("seac-style endchar")
                return
            if b in (1, 3, 18, 23):  # hstem vstem hstemhm vstemhm
                nstems += depth // 2
                depth = 0
                i += 1
                continue
            if b in (19, 20):  # hintmask cntrmask: implicit vstem, then the mask bytes
                nstems += depth // 2
                depth = 0
                i += 1 + (nstems + 7) // 8
                continue
            if b == 12:
                op = 1200 + code[i + 1]
                depth = max(0, depth + _ARITH[op]) if op in _ARITH else 0
                i += 2
                continue
            depth = 0
            i += 1



def _number(code: bytes, i: int) -> int | float:
    """The value of the charstring number at `i` (TN 5177 §3.2)."""
    b = code[i]
    if b == 28:
        return struct.unpack_from(">h", code, i + 1)[0]
    if b <= 246:
        return b - 139
    if b <= 250:
        return (b - 247) * 256 + code[i + 1] + 108
    if b <= 254:
        return -(b - 251) * 256 - code[i + 1] - 108
    return struct.unpack_from(">i", code, i + 1)[0] / 65536


# ── the walks' results, kept per face ─────────────────────────────────────────────────────────
# Walking the glyphs is most of a subset's cost (~0.2 s for 2,500 CJK glyphs), and every new
# issue, and the EPUB's subsets of the same faces, walk mostly glyphs walked before. What a walk
# finds depends on the face alone: the call sites in a glyph's charstring and in each subroutine
# it reaches (the subroutines it uses follow from those). So the sites found are kept per face in
# `publish.cache` (kind "cff-walk", keyed by the file's content, the face index and this module's
# source), with the glyphs whose walks they complete; a subset walks only the glyphs not yet
# there. Any disagreement between a new walk and the kept sites (a subroutine whose hint masks
# parse differently for different callers) drops the shortcut: the subset is then made by walking
# every glyph, exactly as without a cache, and nothing is kept.
CACHE_KIND = "cff-walk"
_WALK_MAGIC = b"CFFWALK1"
_KIND_CODE = {"c": 0, "g": 1, "l": 2}


def _face_key(path: Path, face_index: int) -> str | None:
    from publish import cache

    try:
        identity = cache.file_identity(Path(path))
    except OSError:
        return None
    return f"{identity}#{face_index}\0{cache.module_digest(__name__)}"


def _owner_code(owner: tuple) -> int:
    """An owner of call sites as one int: ("c", gid), ("g", k) or ("l", fd, k)."""
    if owner[0] == "l":
        return (2 << 24) | (owner[1] << 16) | owner[2]
    return (_KIND_CODE[owner[0]] << 24) | owner[1]


_G, _L = 1 << 24, 2 << 24
# A site: (start of the number, its end, 1 for a local subroutine else 0, subroutine index).
Site = tuple[int, int, int, int]


def _site_list(sites: dict[int, tuple[int, str, int]]) -> list[Site]:
    return [(start, end, int(kind == "l"), k) for start, (end, kind, k) in sorted(sites.items())]


class _Walks:
    """The kept walks of one face: the glyphs walked, and the call sites of every charstring and
    subroutine they reach, by owner code, in order. Read back lazily: a record holds the sites of
    some ten thousand subroutines, a subset needs a few thousand of them. Written back as the
    record read plus the owners walked since, appended (`encode` does not decode what it copies)."""

    def __init__(self, glyphs: set[int], sites: dict[int, list[Site]] | None = None) -> None:
        self.glyphs = glyphs
        self._added: dict[int, list[Site]] = dict(sites or {})  # owners not in the record read
        self._at: dict[int, tuple[int, int]] = {}  # owner code → (index of its first site, count)
        self._sites: list[Site] | None = None  # every site of the record read, once one is asked for
        # The record read, as it was: owner codes, their site counts, and the sites (4 numbers each).
        self._codes = array.array("I")
        self._counts = array.array("H")
        self._flat = array.array("H")
        self.record: bytes | None = None  # the bytes decoded (`decode`), while nothing is added

    def __contains__(self, code: int) -> bool:
        return code in self._at or code in self._added

    def get(self, code: int) -> list[Site]:
        at = self._at.get(code)
        if at is None:
            return self._added.get(code, [])
        sites = self._sites
        if sites is None:  # all at once, at C speed: a subset asks for thousands of owners' sites
            it = iter(self._flat)
            sites = self._sites = list(zip(it, it, it, it, strict=True))  # type: ignore[arg-type]
        return sites[at[0] : at[0] + at[1]]

    def codes(self) -> set[int]:
        return set(self._added) | set(self._at)

    def merge(self, sites: dict[tuple, dict[int, tuple[int, str, int]]]) -> bool:
        """Add a walk's sites; False if an owner's sites differ from those kept (then this record
        must not be used)."""
        for owner, found in sites.items():
            code = _owner_code(owner)
            listed = _site_list(found)
            if code in self:
                if self.get(code) != listed:
                    return False
            else:
                self._added[code] = listed
        return True

    def encode(self) -> bytes:
        new = sorted(self._added)
        lists = [self._added[c] for c in new]
        gids = array.array("H", sorted(self.glyphs))
        codes = self._codes + array.array("I", new)
        counts = self._counts + array.array("H", map(len, lists))
        flat = self._flat + array.array("H", chain.from_iterable(chain.from_iterable(lists)))
        parts = [gids, codes, counts, flat]
        if sys.byteorder == "big":
            for a in parts:
                a.byteswap()
        return (_WALK_MAGIC + struct.pack("<III", len(gids), len(codes), len(flat))
                + b"".join(a.tobytes() for a in parts))

    @classmethod
    def decode(cls, data: bytes) -> _Walks:
        if not data.startswith(_WALK_MAGIC) or len(data) < len(_WALK_MAGIC) + 12:
            raise ValueError("not a walk record")
        n_gids, n_owners, n_flat = struct.unpack_from("<III", data, len(_WALK_MAGIC))
        at = len(_WALK_MAGIC) + 12
        arrays = []
        for typecode, count in (("H", n_gids), ("I", n_owners), ("H", n_owners), ("H", n_flat)):
            a = array.array(typecode)
            size = a.itemsize * count
            if at + size > len(data):
                raise ValueError("short walk record")
            a.frombytes(data[at : at + size])
            if sys.byteorder == "big":
                a.byteswap()
            arrays.append(a)
            at += size
        gids, codes, counts, flat = arrays
        if at != len(data) or 4 * sum(counts) != n_flat or max(codes, default=0) >> 24 > 2:
            raise ValueError("damaged walk record")
        walks = cls(set(gids))
        walks.record = data
        walks._codes, walks._counts, walks._flat = codes, counts, flat
        starts = list(accumulate(counts, initial=0))[:-1]
        walks._at = dict(zip(codes, zip(starts, counts, strict=True), strict=True))
        if len(walks._at) != len(codes):
            raise ValueError("damaged walk record: an owner twice")
        return walks


def _load_walks(face: str, read: _Walks | None = None, unless: bytes | None = None) -> _Walks | None:
    """The face's kept walks; `read` itself when the entry holds the very bytes `read` was decoded
    from, None when it holds `unless` (the entry is read and checked all the same: only decoding
    what is known already is spared)."""
    from publish import cache

    data = cache.get_bytes(CACHE_KIND, face)
    if data is None or (unless is not None and data == unless):
        return None
    if read is not None and read.record is not None and read.record == data:
        return read
    try:
        return _Walks.decode(data)
    except ValueError:
        return None  # sealed but unreadable (not ours): walked again, and replaced


class _Assembled:
    """What `_build` reads of a `_Scan`, assembled from kept walks (`_scan_cached`)."""

    def __init__(self, walks: _Walks, used_g: set[int], used_l: dict[int, set[int]]) -> None:
        self.walks = walks
        self.used_g = used_g
        self.used_l = used_l

    def global_calling_local(self) -> set[int]:
        return set()  # `_scan_cached` leaves such faces to the plain walk

    def glyph_sites(self, gids: list[int]) -> list[list[Site]]:
        return list(map(self.walks.get, gids))  # a charstring's owner code is its glyph id

    def gsubr_sites(self, ks: list[int]) -> list[list[Site]]:
        get = self.walks.get
        return [get(_G | k) for k in ks]

    def lsubr_sites(self, fd: int, ks: list[int]) -> list[list[Site]]:
        get, base = self.walks.get, _L | (fd << 16)
        return [get(base | k) for k in ks]


def _walked(cff: CFF, gids: Iterable[int], face: str) -> tuple[_Walks | None, int]:
    """The face's kept walks, with those of the glyphs `gids` not yet there walked and kept, and
    how many glyphs were walked here; None when a new walk disagrees with what is kept."""
    from publish import cache

    wanted = set(gids)
    walks = _load_walks(face) or _Walks(set())
    if wanted <= walks.glyphs:
        return walks, 0
    # The build's other process (the EPUB helper beside the PDF) may be walking this face right
    # now: wait for it (`cache.making`), then walk only what its walks leave.
    with cache.making(CACHE_KIND, face):
        walks = _load_walks(face, walks) or walks
        new = sorted(wanted - walks.glyphs)
        if new:
            scan = _Scan(cff)
            for gid, code in zip(new, cff.charstrings.items(new), strict=True):
                scan.glyph(gid, code, cff.fd_of(gid))
            read = walks.record
            if not walks.merge(scan.sites):
                return None, len(new)
            walks.glyphs.update(new)
            walks.record = None  # (no longer what it was decoded from)
            _keep(face, walks, read)
    return walks, len(new)


def keep_walks(path: Path, face_index: int, gids: Iterable[int]) -> int:
    """Walk the glyphs `gids` of a CFF face that no kept walk has, and keep their walks — for a
    process with a core to spare before another makes the subset: the EPUB helper walks the
    glyphs the print PDF will draw while the build sets its pages, so the build's subsets find
    them walked (`publish.build`). The number of glyphs walked; 0 when nothing was new, or the
    face is not one this module reads (then the subset finds out, as without this)."""
    face = _face_key(path, face_index)
    if face is None:
        return 0
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:4] not in (b"OTTO", b"ttcf"):
                return 0
            cff = CFF(data, sfnt_table(data, face_index, b"CFF ")[0], entry_reader(f))
            n = len(cff.charstrings)
            return _walked(cff, (gid for gid in gids if 0 <= gid < n), face)[1]
    except (Unsupported, OSError, ValueError, IndexError, struct.error):
        return 0


def _scan_cached(cff: CFF, codes: list[tuple[int, bytes, int]], face: str) -> _Assembled | None:
    """The subset's walk from the face's kept walks, walking (and keeping) only new glyphs; None
    when a new walk disagrees with what is kept."""
    walks, _ = _walked(cff, (gid for gid, _, _ in codes), face)
    if walks is None:
        return None
    # The subroutines used: those called from the glyphs' charstrings, and from those, …
    used_g: set[int] = set()
    used_l: dict[int, set[int]] = {}
    for _, _, glyph_fd in codes:
        used_l.setdefault(glyph_fd, set())
    seen: set[int] = set()
    for gid, _, glyph_fd in codes:
        todo = [gid]  # a charstring's code is its glyph id
        while todo:
            owner = todo.pop()
            kind = owner >> 24
            # a charstring's local calls go to its Font DICT, a local subroutine's stay in its own
            fd = glyph_fd if kind == 0 else (owner >> 16) & 0xFF if kind == 2 else -1
            for _start, _end, local, k in walks.get(owner):
                if local:
                    if fd < 0:
                        return None  # a global subroutine calling local ones: walked the plain way
                    used_l.setdefault(fd, set()).add(k)
                    callee = _L | (fd << 16) | k
                else:
                    used_g.add(k)
                    callee = _G | k
                if callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
    return _Assembled(walks, used_g, used_l)


def _keep(face: str, walks: _Walks, read: bytes | None = None) -> None:
    """Keep `walks`, made from the record `read` (None: from nothing kept) and the walks since."""
    from publish import cache

    # Another build (the EPUB helper beside the PDF) may have kept walks meanwhile: merged, when
    # they agree, so neither loses the other's glyphs. (The record `walks` was made from, still
    # there, has nothing more: not decoded again.)
    other = _load_walks(face, unless=read)
    if other is not None and other.glyphs - walks.glyphs:
        merged = _Walks(walks.glyphs | other.glyphs, {c: walks.get(c) for c in walks.codes()})
        if all(c not in merged or merged.get(c) == other.get(c) for c in other.codes()):
            for c in other.codes():
                if c not in merged:
                    merged._added[c] = other.get(c)
            walks = merged
    # Written at once, not held for the build's flush (`cache.writes_held`): the EPUB helper subsets
    # the same faces meanwhile, and finds these walks instead of walking the same glyphs again
    # (a cold build: ~1,700 glyphs of the body face, ~0.07 s of the helper's CPU).
    cache.put_bytes(CACHE_KIND, face, walks.encode(), at_once=True)


# ── writing ────────────────────────────────────────────────────────────────────────────────────
def _int(v: int) -> bytes:
    """Shortest DICT/charstring integer encoding (TN 5176 Table 3)."""
    if -107 <= v <= 107:
        return bytes([v + 139])
    if 108 <= v <= 1131:
        v -= 108
        return bytes([(v >> 8) + 247, v & 0xFF])
    if -1131 <= v <= -108:
        v = -v - 108
        return bytes([(v >> 8) + 251, v & 0xFF])
    if -32768 <= v <= 32767:
        return b"\x1c" + struct.pack(">h", v)
    return b"\x1d" + struct.pack(">i", v)


def _int5(v: int) -> bytes:
    """Fixed-size DICT integer, so offsets can be filled in after layout."""
    return b"\x1d" + struct.pack(">i", v)


def _op(op: int) -> bytes:
    return bytes([12, op - 1200]) if op >= 1200 else bytes([op])


def _index(items: list[bytes]) -> bytes:
    """A CFF INDEX of `items` (TN 5176 §5), its offsets packed at C speed (a CJK subset's
    CharStrings and Subrs hold thousands of entries)."""
    if not items:
        return b"\x00\x00"
    offsets = list(accumulate(map(len, items), initial=1))
    total = offsets[-1]
    off_size = 1 if total < 1 << 8 else 2 if total < 1 << 16 else 3 if total < 1 << 24 else 4
    if off_size == 1:
        packed = bytes(offsets)
    else:
        wide = array.array("H" if off_size == 2 else "I", offsets)
        if sys.byteorder == "little":
            wide.byteswap()
        packed = wide.tobytes()
        if off_size == 3:  # big-endian 4-byte offsets without their (zero) first byte
            cut = bytearray(packed)
            del cut[0::4]
            packed = bytes(cut)
    return struct.pack(">HB", len(items), off_size) + packed + b"".join(items)


def _rewrite(code: bytes, sites: list[Site], gnum: dict[int, bytes], lnum: dict[int, bytes]) -> bytes:
    """`code` with each call site's subroutine number replaced by its new number's encoding."""
    if not sites:
        return code
    out = []
    pos = 0
    for start, end, local, k in sites:
        out.append(code[pos:start])
        out.append(lnum[k] if local else gnum[k])
        pos = end
    out.append(code[pos:])
    return b"".join(out)


def _numbers(used: list[int]) -> dict[int, bytes]:
    """Old subroutine index → the charstring encoding of its new number in a subset whose
    subroutines are `used` (sorted): the k-th is called as k − bias (TN 5177 §4.7)."""
    bias = _bias(len(used))
    table = _small_ints()
    return {old: table[n - bias + 1131] if -1131 <= n - bias <= 1131 else _int(n - bias)
            for n, old in enumerate(used)}


@functools.cache
def _small_ints() -> list[bytes]:
    """`_int(v)` for v in −1131…1131 (every number a subset of up to 2,262 subroutines calls)."""
    return [_int(v) for v in range(-1131, 1132)]


# Top DICT operators copied as they are (TN 5176 Table 9), strings re-added to the String INDEX.
_COPY_TOP = (1201, 1202, 1203, 1204, 1205, 1207, 5, 1208)
_STRING_TOP = (0, 1, 1200, 2, 3, 4)


def subset_cff(path: Path, face_index: int, glyphs: dict[int, int], font_name: str | None = None) -> bytes:
    """CID-keyed CFF bytes in which CID `cid` draws source glyph `glyphs[cid]` (CID 0: .notdef);
    glyphs in CID order."""
    order = [(0, 0), *sorted((cid, gid) for cid, gid in glyphs.items() if cid != 0)]
    return subset_cff_ordered(path, face_index, order, font_name)


def subset_cff_ordered(
    path: Path, face_index: int, order: list[tuple[int, int]], font_name: str | None = None,
    names: dict[int, str] | None = None,
) -> bytes:
    """CID-keyed CFF bytes whose glyph k has CID `order[k][0]` and draws source glyph `order[k][1]`.

    `order[0]` must be `(0, 0)` (.notdef). `names` overrides Top DICT strings by operator
    (2 FullName, 3 FamilyName), e.g. to drop a Reserved Font Name.
    """  # fmt: skip
    if not order or order[0] != (0, 0):
        raise ValueError("the first glyph must be .notdef (CID 0, glyph 0)")
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:4] in (b"OTTO", b"ttcf"):
            try:
                off, _ = sfnt_table(data, face_index, b"CFF ")
            except Unsupported:
                sfnt_table(data, face_index, b"CFF2")
                raise Unsupported("CFF2 (variable) outlines") from None
        elif data[0] == 1:
            off = 0  # a bare CFF file
        else:
            raise Unsupported("not an OpenType/CFF font")
        cff = CFF(data, off, entry_reader(f))
        return _build(cff, order, font_name, names or {}, _face_key(path, face_index))


def _build(cff: CFF, order: list[tuple[int, int]], font_name: str | None, names: dict[int, str],
           face: str | None = None) -> bytes:
    n_glyphs = len(cff.charstrings)
    gids = [gid if 0 <= gid < n_glyphs else 0 for _cid, gid in order]
    glyph_fds = list(map(cff.fd_of, gids))
    codes = list(zip(gids, cff.charstrings.items(gids), glyph_fds, strict=True))  # (gid, charstring, fd)
    cached = _scan_cached(cff, codes, face) if face is not None else None
    scan: _Scan | _Assembled
    if cached is not None:
        scan = cached
    else:  # no cache, or what it holds disagrees with this walk: every glyph walked here
        scan = walked = _Scan(cff)
        for gid, cs, fd in codes:
            walked.glyph(gid, cs, fd)

    # Renumber: used subroutines keep their relative order.
    g_used = sorted(scan.used_g)
    gnum = _numbers(g_used)
    fds_used = sorted(set(glyph_fds))
    fd_new = {fd: n for n, fd in enumerate(fds_used)}
    l_used = {fd: sorted(scan.used_l.get(fd, ())) for fd in fds_used}
    lnums = {fd: _numbers(l_used[fd]) for fd in fds_used}

    # A global subr that calls local subrs is only safe if it is used from a single FD.
    g_lnum: dict[int, bytes] = {}  # the local numbers global subroutines call
    if scan.global_calling_local():
        if len(fds_used) > 1:
            raise Unsupported("global subroutines calling local ones across Font DICTs")
        g_lnum = lnums[fds_used[0]]
    gsubrs = list(map(_rewrite, cff.gsubrs.items(g_used), scan.gsubr_sites(g_used),
                      itertools.repeat(gnum), itertools.repeat(g_lnum)))
    charstrings = [_rewrite(cs, sites, gnum, lnums[fd])
                   for (_, cs, fd), sites in zip(codes, scan.glyph_sites(gids), strict=True)]
    fdselect_of_glyph = [fd_new[fd] for fd in glyph_fds]

    # Strings: custom strings get SIDs from 391 (TN 5176 §10).
    strings: list[bytes] = []

    def sid(s: bytes) -> int:
        if s in strings:
            return 391 + strings.index(s)
        strings.append(s)
        return 390 + len(strings)

    top_ops = {op: (vals, raw) for op, vals, raw in cff.top}
    name = (font_name or cff.name).encode("latin-1", "replace")
    registry, ordering = sid(b"Adobe"), sid(b"Identity")
    fixed_top = bytearray(_int(registry) + _int(ordering) + _int(0) + _op(1230))
    for op in _STRING_TOP:
        if op in names:
            fixed_top += _int(sid(names[op].encode("latin-1", "replace"))) + _op(op)
        elif op in top_ops and top_ops[op][0]:
            fixed_top += _int(sid(cff.string(int(top_ops[op][0][0])))) + _op(op)
    for op in _COPY_TOP:
        if op in top_ops:
            fixed_top += top_ops[op][1] + _op(op)
    cid_count = max(cid for cid, _ in order) + 1
    fixed_top += _int(cid_count) + _op(1234)

    # Font DICTs and Private DICTs (with their local subrs right after each Private DICT).
    fd_names = [sid(name + (f"-{n}".encode() if len(fds_used) > 1 else b"")) for n in range(len(fds_used))]
    privates: list[bytes] = []
    priv_sizes: list[int] = []  # the Private operand's size covers the DICT, not the subrs after it
    for fd in fds_used:
        src = cff.fds[fd]
        body = bytearray()
        for op, _vals, raw in src.private:
            if op != 19:
                body += raw + _op(op)
        ks, subrs = l_used[fd], src.subrs
        lsubrs: list[bytes] = []
        if ks:
            if subrs is None:
                raise Unsupported("callsubr without local subrs")
            lsubrs = list(map(_rewrite, subrs.items(ks), scan.lsubr_sites(fd, ks),
                              itertools.repeat(gnum), itertools.repeat(lnums[fd])))
        if lsubrs:
            body += _int5(len(body) + 6) + _op(19)  # Subrs offset is relative to the Private DICT
        priv_sizes.append(len(body))
        privates.append(bytes(body) + (_index(lsubrs) if lsubrs else b""))

    charset = b"\x00" + b"".join(struct.pack(">H", cid) for cid, _ in order[1:])
    ranges: list[tuple[int, int]] = []
    for gid, fd in enumerate(fdselect_of_glyph):
        if not ranges or ranges[-1][1] != fd:
            ranges.append((gid, fd))
    fdselect = struct.pack(">BH", 3, len(ranges)) + b"".join(struct.pack(">HB", g, f) for g, f in ranges)
    fdselect += struct.pack(">H", len(order))
    cs_index = _index(charstrings)
    header = b"\x01\x00\x04\x04"
    name_index = _index([name])
    gsubr_index = _index(gsubrs)

    def top_dict(charset_off: int, cs_off: int, fdarray_off: int, fdselect_off: int) -> bytes:
        return bytes(
            fixed_top
            + _int5(charset_off) + _op(15)
            + _int5(cs_off) + _op(17)
            + _int5(fdarray_off) + _op(1236)
            + _int5(fdselect_off) + _op(1237)
        )  # fmt: skip

    string_index = _index(strings)
    top_len = len(_index([top_dict(0, 0, 0, 0)]))
    pos = len(header) + len(name_index) + top_len + len(string_index) + len(gsubr_index)
    charset_off = pos
    pos += len(charset)
    fdselect_off = pos
    pos += len(fdselect)
    cs_off = pos
    pos += len(cs_index)
    # Private DICTs go after the FDArray; their offsets are known once the FDArray size is.
    def fd_dict(n: int, priv_off: int) -> bytes:
        src = cff.fds[fds_used[n]]
        matrix = src.font_matrix_raw + _op(1207) if src.font_matrix_raw is not None else b""
        return matrix + _int(fd_names[n]) + _op(1238) + _int5(priv_sizes[n]) + _int5(priv_off) + _op(18)

    fdarray_off = pos
    pos += len(_index([fd_dict(n, 0) for n in range(len(fds_used))]))
    fd_dicts = []
    for n, blob in enumerate(privates):
        fd_dicts.append(fd_dict(n, pos))
        pos += len(blob)
    fdarray = _index(fd_dicts)
    out = (
        header + name_index + _index([top_dict(charset_off, cs_off, fdarray_off, fdselect_off)])
        + string_index + gsubr_index + charset + fdselect + cs_index + fdarray + b"".join(privates)
    )  # fmt: skip
    return out
