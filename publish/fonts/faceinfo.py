"""What we need to know about one font face, read once and cached.

In: a font file and the index of a face inside it (0 for .ttf/.otf; the collection index in .ttc).
Out: a `FaceInfo`: names, outline format (TrueType or CFF), units per em, vertical metrics, the
character → glyph map and the advance width of every glyph — everything the composer, the
coverage check and the PDF font descriptor need, without keeping fontTools objects alive.

Reading this from a 25 MB CJK collection takes ~0.3 s with fontTools; from the cache (keyed by
the file's SHA-256 and the face index) ~5 ms.
"""

from __future__ import annotations

import array
import dataclasses
import itertools
import mmap
import operator
import os
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from publish import cache
from publish.fonts.names import NAME_PREFERENCE, Unusual, best, records
from publish.fonts.names import best_name as _best_name

_MISS = object()


class CharMap(Mapping):
    """Code point → glyph id, as the face's own ranges: code points `starts[k]`…`ends[k]` map to
    glyph ids from `firsts[k]` on (a cmap format 12 group), and `chosen` replaces the glyph of a
    few code points (the Chinese punctuation forms `_char_map` picks).

    A CJK face maps ~45,000 code points in ~15,600 ranges; spelling every code point out costs
    ~8 ms a face on a cold build (and a dict ~11 ms), while a build looks up only the issue's
    ~2,000 distinct characters — so look up by bisection and remember the answers. A map read
    some other way (cmap format 4, fontTools) has one range per code point.
    """

    def __init__(self, starts: array.array, ends: array.array, firsts: array.array,
                 chosen: dict[int, int] | None = None) -> None:
        self._starts = starts  # sorted, the ranges do not overlap
        self._ends = ends
        self._firsts = firsts
        self._chosen = dict(chosen or {})
        self._memo: dict[int, int | None] = {}
        self._len: int | None = None

    @classmethod
    def from_arrays(cls, cps: array.array, gids: array.array) -> CharMap:
        """From sorted code points and their glyph ids (one range each; of a code point listed
        twice, the first glyph)."""
        if any(map(operator.eq, cps[1:], cps[:-1])):
            keep = [i for i in range(len(cps)) if i == 0 or cps[i] != cps[i - 1]]
            cps = array.array("I", (cps[i] for i in keep))
            gids = array.array("H", (gids[i] for i in keep))
        return cls(cps, cps, gids)

    @classmethod
    def from_dict(cls, mapping: dict[int, int]) -> CharMap:
        items = sorted(mapping.items())
        return cls.from_arrays(array.array("I", (k for k, _ in items)), array.array("H", (v for _, v in items)))

    def _find(self, cp: int) -> int | None:
        gid = self._memo.get(cp, _MISS)
        if gid is _MISS:
            gid = self._chosen.get(cp)
            if gid is None:
                i = bisect_right(self._starts, cp) - 1
                if i >= 0 and cp <= self._ends[i]:
                    gid = self._firsts[i] + cp - self._starts[i]
            self._memo[cp] = gid
        return gid  # type: ignore[return-value]

    def covered(self, cps: set[int]) -> set[int]:
        """The code points of `cps` this map has (one call for a whole character set)."""
        memo, find = self._memo, self._find
        return {cp for cp in cps if (memo[cp] if cp in memo else find(cp)) is not None}

    def __getitem__(self, cp: int) -> int:
        gid = self._find(cp)
        if gid is None:
            raise KeyError(cp)
        return gid

    def __contains__(self, cp: object) -> bool:
        return isinstance(cp, int) and self._find(cp) is not None

    def get(self, cp: int, default=None):  # type: ignore[override]
        gid = self._find(cp)
        return default if gid is None else gid

    def __iter__(self) -> Iterator[int]:
        return itertools.chain.from_iterable(map(range, self._starts, map((1).__add__, self._ends)))

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(self._ends) - sum(self._starts) + len(self._starts)
        return self._len

    def arrays(self) -> tuple[array.array, array.array]:
        """Every code point and its glyph id, in code point order (spelled out)."""
        cps = array.array("I", self)
        stops = map((1).__add__, self._ends)
        gid_stops = map(operator.add, self._firsts, map(operator.sub, stops, self._starts))
        gids = array.array("H", itertools.chain.from_iterable(map(range, self._firsts, gid_stops)))
        for cp, gid in self._chosen.items():
            gids[bisect_left(cps, cp)] = gid
        return cps, gids

    def parts(self) -> dict[str, bytes]:
        """The map as bytes (`from_parts` reads them back): what the face cache keeps."""
        chosen = sorted(self._chosen.items())
        return {"starts": self._starts.tobytes(), "ends": self._ends.tobytes(), "firsts": self._firsts.tobytes(),
                "chosen": array.array("I", itertools.chain.from_iterable(chosen)).tobytes()}

    @classmethod
    def from_parts(cls, parts: dict[str, bytes]) -> CharMap:
        """The map `parts` gave; ValueError when their sizes do not agree. (The cache's seal vouches
        for the bytes `parts` wrote; their order is not checked again: ~1 ms a face, every build.)"""
        starts, ends, firsts, chosen = (array.array(t) for t in "IIHI")
        starts.frombytes(parts["starts"])
        ends.frombytes(parts["ends"])
        firsts.frombytes(parts["firsts"])
        chosen.frombytes(parts["chosen"])
        if not len(starts) == len(ends) == len(firsts) or len(chosen) % 2:
            raise ValueError("a character map's parts do not agree")
        return cls(starts, ends, firsts, dict(zip(chosen[0::2], chosen[1::2], strict=True)))


@dataclass(frozen=True, eq=False)
class FaceInfo:
    """One face's metrics and coverage (font units unless said otherwise)."""

    path: Path
    index: int
    identity: str  # the font file's identity (`cache.file_identity`): what kept results are keyed by
    family: str  # preferred (typographic) family, English if present
    style: str  # preferred subfamily, e.g. "Regular", "Bold"
    full_name: str
    ps_name: str
    weight: int  # OS/2 usWeightClass
    format: str  # "CFF" or "TrueType"
    cid_keyed: bool  # CFF with a CIDFont Top DICT (ROS)
    units_per_em: int
    ascent: int  # typographic ascender (OS/2 sTypoAscender, else hhea)
    descent: int  # negative
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    num_glyphs: int
    cmap: CharMap = field(repr=False)  # code point → glyph id
    advances: array.array = field(repr=False)  # glyph id → advance width
    family_names: tuple[str, ...] = ()  # every family name in the name table (all languages)
    fs_type: int = 0  # OS/2 fsType: the foundry's embedding permissions

    @property
    def embedding_problem(self) -> str:
        """Why this face may not be embedded as we embed it (subset), or "" when it may.

        OS/2 fsType (OpenType spec, OS/2 table): bits 0–3 = 2 "Restricted License embedding" (must
        not be embedded at all); bit 8 (0x0100) "No subsetting"; bit 9 (0x0200) "Bitmap embedding
        only". 0 (installable), 4 (preview & print) and 8 (editable) all allow embedding in a PDF.
        """
        if self.fs_type & 0x000F == 0x0002:
            return "its licence forbids embedding (OS/2 fsType: restricted license)"
        if self.fs_type & 0x0200:
            return "its licence allows only bitmap embedding (OS/2 fsType)"
        if self.fs_type & 0x0100:
            return "its licence forbids subsetting (OS/2 fsType: no subsetting)"
        return ""

    def has(self, char: str) -> bool:
        return ord(char) in self.cmap

    def gid(self, char: str) -> int:
        return self.cmap.get(ord(char), 0)

    def advance_units(self, char: str) -> int:
        return self.advances[self.cmap.get(ord(char), 0)]

    @property
    def label(self) -> str:
        """How the face is named to users: `Noto Serif CJK SC Regular (NotoSerifCJK-Regular.ttc#2)`."""
        where = self.path.name + (f"#{self.index}" if self.index or self.path.suffix.lower() in (".ttc", ".otc") else "")
        return f"{self.family} {self.style} ({where})"


def _read(path: Path, index: int, identity: str) -> FaceInfo:
    """The face's `FaceInfo` read with struct (`_read_direct`); fontTools reads what that leaves."""
    try:
        return _read_direct(path, index, identity)
    except (Unusual, struct.error, ValueError, LookupError, IndexError):  # LookupError: an unknown codec
        return _read_fonttools(path, index, identity)


def _char_map(tables: dict[bytes, bytes], advances, lsb, upem: int, num_glyphs: int,
              best_cmap=None) -> CharMap:
    """The face's character map with the Chinese forms of some punctuation chosen (see
    FULL_WIDTH_FORMS and _continuous_dashes); `best_cmap()` gives (code points, glyph ids) for a
    cmap format `sfnt` does not read, else the face has none."""
    from publish.fonts import sfnt

    parsed = sfnt.parse_cmap_ranges(tables[b"cmap"]) if b"cmap" in tables else None
    if parsed is None:
        if best_cmap is None:
            raise ValueError("a cmap format read only by fontTools")
        cmap = CharMap.from_arrays(*best_cmap())
    else:
        cmap = CharMap(*parsed)
    chosen: dict[int, int] = {}
    wanted = {cp: cmap[cp] for cp in FULL_WIDTH_FORMS if cp in cmap}
    if wanted and b"GSUB" in tables:
        try:
            alternates = sfnt.single_substitutions(tables[b"GSUB"], b"fwid", set(wanted.values()))
        except struct.error:  # a damaged GSUB: keep the default glyphs
            alternates = {}
        for cp, gid in wanted.items():
            alt = alternates.get(gid)
            # Only a narrower default gives way to a full-em alternate, never the other way round.
            if alt is not None and alt < num_glyphs and advances[gid] < upem and advances[alt] == upem:
                chosen[cp] = alt
    current = {cp: chosen.get(cp, cmap.get(cp)) for cp in (0x2014, 0x2015, 0x2500)}
    chosen.update(_continuous_dashes(current, advances, lsb, upem))
    return CharMap(cmap._starts, cmap._ends, cmap._firsts, chosen)


# OS/2 table sizes by version (OpenType OS/2; fontTools refuses shorter ones).
_OS2_SIZE = {0: 78, 1: 86, 2: 96, 3: 96, 4: 96, 5: 100}


def _read_direct(path: Path, index: int, identity: str) -> FaceInfo:
    """`_read_fonttools` with struct: head, hhea, maxp, OS/2, post and name read straight from the
    file (OpenType 1.9), names decoded as fontTools decodes them (`names.decode`). Checked
    equal to the fontTools reader on every installed face; anything unusual raises, and fontTools
    reads that face. A cold build saves fontTools' import (~0.05 s) and its table objects."""
    from publish.fonts import sfnt

    tags = (b"cmap", b"hmtx", b"GSUB", b"post", b"head", b"hhea", b"maxp", b"OS/2", b"name")
    tables = sfnt.read_tables(path, index, tags)
    present = sfnt.table_tags(path, index)
    head, hhea, maxp, name = (tables.get(t, b"") for t in (b"head", b"hhea", b"maxp", b"name"))
    if len(head) < 54 or len(hhea) < 36 or len(maxp) < 6 or not name:
        raise Unusual
    (upem,) = struct.unpack_from(">H", head, 18)
    bbox = struct.unpack_from(">hhhh", head, 36)
    hhea_ascent, hhea_descent = struct.unpack_from(">hh", hhea, 4)
    (num_hmetrics,) = struct.unpack_from(">H", hhea, 34)
    (num_glyphs,) = struct.unpack_from(">H", maxp, 4)
    advances, lsb = sfnt.parse_hmtx(tables[b"hmtx"], num_hmetrics, num_glyphs)
    cmap = _char_map(tables, advances, lsb, upem, num_glyphs)

    os2 = tables.get(b"OS/2")
    weight, fs_type, cap = 400, 0, 0
    ascent, descent = hhea_ascent, hhea_descent
    if os2 is not None:
        (version,) = struct.unpack_from(">H", os2, 0)
        if version not in _OS2_SIZE or len(os2) < _OS2_SIZE[version]:
            raise Unusual  # fontTools refuses it too, or reads more than this
        (weight,) = struct.unpack_from(">H", os2, 4)
        (fs_type,) = struct.unpack_from(">H", os2, 8)
        typo_ascent, typo_descent = struct.unpack_from(">hh", os2, 68)
        ascent = typo_ascent or hhea_ascent
        descent = typo_descent or hhea_descent
        if version >= 2:
            (cap,) = struct.unpack_from(">h", os2, 88)

    names = records(name)
    is_cff = b"CFF " in present
    post = tables.get(b"post", b"")
    return FaceInfo(
        path=path,
        index=index,
        identity=identity,
        family=best(names, (16, 1), NAME_PREFERENCE),
        style=best(names, (17, 2), NAME_PREFERENCE),
        full_name=best(names, (4,), NAME_PREFERENCE),
        ps_name=best(names, (6,), NAME_PREFERENCE) or path.stem,
        weight=weight,
        format="CFF" if is_cff else "TrueType",
        cid_keyed=is_cff and _cff_is_cid_keyed(path, index),
        units_per_em=upem,
        ascent=int(ascent),
        descent=int(descent),
        cap_height=int(cap or ascent),
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
        italic_angle=sfnt.italic_angle(post) if len(post) >= 8 else 0.0,
        num_glyphs=num_glyphs,
        cmap=cmap,
        advances=advances,
        family_names=tuple(sorted({t for _, _, _, nid, t in names if nid in (1, 16) and t is not None})),
        fs_type=fs_type,
    )


def _read_fonttools(path: Path, index: int, identity: str) -> FaceInfo:
    from fontTools.ttLib import TTFont

    from publish.fonts import sfnt

    font = TTFont(str(path), fontNumber=index, lazy=True)  # for the small tables (names, OS/2…)
    tables = sfnt.read_tables(path, index, (b"cmap", b"hmtx", b"GSUB", b"post"))
    head, hhea = font["head"], font["hhea"]
    upem = head.unitsPerEm
    num_glyphs = font["maxp"].numGlyphs
    advances, lsb = sfnt.parse_hmtx(tables[b"hmtx"], hhea.numberOfHMetrics, num_glyphs)

    def best_cmap():  # a cmap format we do not read: let fontTools (by glyph name) do it
        order = {g: i for i, g in enumerate(font.getGlyphOrder())}
        pairs = sorted((cp, order.get(g, 0)) for cp, g in (font.getBestCmap() or {}).items())
        return array.array("I", (c for c, _ in pairs)), array.array("H", (g for _, g in pairs))

    cmap = _char_map(tables, advances, lsb, upem, num_glyphs, best_cmap)

    name = font["name"]
    is_cff = "CFF " in font
    os2 = font["OS/2"] if "OS/2" in font else None
    ascent = os2.sTypoAscender if os2 is not None and os2.sTypoAscender else hhea.ascent
    descent = os2.sTypoDescender if os2 is not None and os2.sTypoDescender else hhea.descent
    cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
    family_names = sorted(
        {r.toUnicode() for r in name.names if r.nameID in (1, 16) and _decodable(r)}
    )
    return FaceInfo(
        path=path,
        index=index,
        identity=identity,
        family=_best_name(name, (16, 1)),
        style=_best_name(name, (17, 2)),
        full_name=_best_name(name, (4,)),
        ps_name=_best_name(name, (6,)) or path.stem,
        weight=os2.usWeightClass if os2 is not None else 400,
        format="CFF" if is_cff else "TrueType",
        cid_keyed=is_cff and _cff_is_cid_keyed(path, index),
        units_per_em=upem,
        ascent=int(ascent),
        descent=int(descent),
        cap_height=int(cap or ascent),
        bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
        italic_angle=sfnt.italic_angle(tables[b"post"]) if len(tables.get(b"post", b"")) >= 8 else 0.0,
        num_glyphs=num_glyphs,
        cmap=cmap,
        advances=advances,
        family_names=tuple(family_names),
        fs_type=int(os2.fsType) if os2 is not None else 0,
    )


def _cff_is_cid_keyed(path: Path, index: int) -> bool:
    """Whether the CFF Top DICT has ROS (TN 5176 §18), read without decompiling the CFF."""
    from publish.fonts.cffsubset import Index, Unsupported, parse_dict, sfnt_table

    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            off, _ = sfnt_table(data, index, b"CFF ")
            names = Index(data, off + data[off + 2])
            top = Index(data, names.end)
            return any(op == 1230 for op, _, _ in parse_dict(top[0]))
    except (Unsupported, struct.error, IndexError, OSError):
        return False


# Chinese punctuation that clreq sets one em wide (clreq, https://www.w3.org/TR/clreq/, on punctuation
# widths: punctuation occupies 1 em, except dashes and ellipses (2 em), i.e. `——` is two full-em U+2014; interpuncts are
# reduced from 1 em, never set narrower by default) but that CJK fonts shared with Latin text map
# to proportional glyphs: Noto Serif CJK SC's U+2014 is 0.89 em and its U+00B7 0.33 em, which
# leaves gaps in `——` and a cramped 间隔号. When the face offers a full-width form through its
# OpenType 'fwid' feature, the metrics and the PDF use that glyph.
FULL_WIDTH_FORMS = frozenset(map(ord, "\u2014\u2015\u00b7\u2026\u2018\u2019\u201c\u201d"))


def _continuous_dashes(gid_of: dict[int, int | None], advances, lsb, upem: int) -> dict[int, int]:
    """U+2014/U+2015 → the face's U+2500 glyph, where that draws the dash as a continuous stroke.

    The Chinese dash 破折号 `——` is one 2-em unit that must not be broken (clreq §prohibition_rules_for_unbreakable_marks;
    GB/T 15834—2011: 占两个字的位置，中间不能断开). Faces shared with Japanese (Noto/Source Han
    CJK, AR PL UKai) draw U+2014 and its full-width form with side bearings (Noto Serif CJK SC: 43
    units each side), so two in a row show a gap; their box-drawing U+2500 — made to join its
    neighbours — is the same centred stroke across the whole em. Faces whose own U+2014 is a
    full em with no side bearing (LXGW WenKai) keep it. Judged from hmtx (advance, left side
    bearing = xMin) only: reading outlines would cost a CFF decompile per face.
    """
    tol = upem / 50
    bar = gid_of.get(0x2500)
    if bar is None or advances[bar] != upem or lsb[bar] > tol:
        return {}
    out = {}
    for cp in (0x2014, 0x2015):
        gid = gid_of.get(cp)
        if gid is None:
            continue
        if advances[gid] == upem and lsb[gid] <= tol:
            continue  # already a full-em stroke
        out[cp] = bar
    return out


def _decodable(rec) -> bool:
    try:
        rec.toUnicode()
        return True
    except Exception:
        return False


_memo: dict[tuple[str, int, int, int], FaceInfo] = {}


def _face_key(identity: str, index: int) -> str:
    # "ranges": entries hold the character map as ranges (`CharMap.parts`), not as the code
    # points the format before held
    return f"{identity}#{index}\0ranges"


def face_info(path: Path, index: int = 0) -> FaceInfo:
    """The `FaceInfo` of face `index` in `path`, from memory, the disk cache, or the font itself."""
    st = os.stat(path)
    memo_key = (str(path), index, st.st_size, st.st_mtime_ns)
    hit = _memo.get(memo_key)
    if hit is not None:
        return hit
    # A settled file (or one hashed before): the metrics kept under its identity. Else (a file
    # changed in the last seconds, on a cold cache) the face is read while a thread hashes the
    # file (`cache.digest_soon`): its identity is only needed to keep what was read.
    identity = cache.known_identity(path)
    stored = cache.get_value("face", _face_key(identity, index)) if identity is not None else None
    info: FaceInfo | None = None
    if isinstance(stored, dict):
        try:
            adv = array.array("H")
            adv.frombytes(stored["advances"])
            fields = dict(stored["fields"])
            info = FaceInfo(path=path, cmap=CharMap.from_parts(stored["cmap"]), advances=adv, **fields)
        except Exception:
            info = None
    if info is None:
        if identity is None:
            cache.digest_soon([path])
        info = _read(path, index, "")
        identity = identity or cache.file_identity(path)
        info = dataclasses.replace(info, identity=identity)
        fields = {
            k: getattr(info, k)
            for k in FaceInfo.__dataclass_fields__
            if k not in ("path", "cmap", "advances")
        }
        cache.put_value(
            "face",
            _face_key(identity, index),
            {"fields": fields, "cmap": info.cmap.parts(), "advances": info.advances.tobytes()},
        )
    _memo[memo_key] = info
    return info
