"""Name records (OpenType `name`) decoded and chosen as fontTools decodes and chooses them.

In: raw name records (platform, encoding, language, name id, bytes) or a fontTools name table. Out:
strings — by `decode` with fontTools' codec for each platform and encoding, by `best` / `best_name`
the name a face is shown by. Shared by font discovery (every installed file's names, read with
struct), face metrics (`faceinfo`) and the EPUB cover, so that each gives what fontTools would;
`Unusual` marks what only fontTools reads (the caller then reads that file with fontTools).
"""

from __future__ import annotations

import mmap
import struct

# (platform, encoding, language) of the name records preferred for display: Windows Unicode
# US English, then Mac Roman English.
NAME_PREFERENCE = ((3, 1, 0x409), (1, 0, 0))


def best_name(name_table, ids: tuple[int, ...]) -> str:
    """The name a face is shown by, from a fontTools `name` table: the first of `ids` present as
    (3,1,0x409), else (1,0,0), else fontTools' `getDebugName`."""
    for name_id in ids:
        rec = name_table.getName(name_id, 3, 1, 0x409) or name_table.getName(name_id, 1, 0, 0)
        if rec is None:
            rec = name_table.getDebugName(name_id)
            if rec:
                return str(rec)
            continue
        return rec.toUnicode()
    return ""


NAME_IDS = frozenset((1, 2, 4, 6, 16, 17))  # family, style, full, PostScript, typographic family/style


class Unusual(Exception):
    """A name table the direct reader leaves to fontTools (see `_read_records_direct`)."""


def decode(platform: int, encoding: int, language: int, raw: bytes) -> str:
    """A name record's string as fontTools' `NameRecord.toUnicode()` gives it (same codec choice);
    odd-length UTF-16, which fontTools repairs by heuristics, raises `Unusual`, and a string that
    does not decode UnicodeError."""
    if platform == 0 or (platform == 3 and encoding in (0, 1, 10)):
        codec = "utf_16_be"
    elif platform == 1 and encoding == 0 and language == 0:
        codec = "mac_roman"
    else:  # e.g. Mac Simplified Chinese names: fontTools' own codecs
        import fontTools.encodings.codecs  # noqa: F401 - registers the x_mac_*_ttx codecs
        from fontTools.misc.encodingTools import getEncoding

        codec = getEncoding(platform, encoding, language, "ascii")
    if codec == "utf_16_be" and len(raw) % 2:
        raise Unusual
    return raw.decode(codec)


def best(names: list, ids: tuple[int, ...], preference: tuple) -> str:
    """`best_name` on decoded records: (3,1,0x409), else (1,0,0), else fontTools'
    `getDebugName` (the first English name, else the first that decodes)."""
    for name_id in ids:
        for want in preference:
            rec = next((r for r in names if r[3] == name_id and r[:3] == want), None)
            if rec is not None:
                if rec[4] is None:
                    raise Unusual  # fontTools would raise here (the whole file is skipped)
                return rec[4]
        english = some = None
        for pid, _eid, lid, nid, text in names:
            if nid != name_id or text is None:
                continue
            some = text
            if (pid, lid) in ((1, 0), (3, 0x409)):
                english = text
                break
        found = english or some
        if found:
            return found
    return ""


def records(data: bytes | mmap.mmap, offset: int = 0) -> list[tuple[int, int, int, int, str | None]]:
    """The records of the `name` table at `offset` in `data` whose ids are in `NAME_IDS`, as
    (platform, encoding, language, name id, text — None when the text does not decode); a record
    running past the data raises `Unusual`, a short table `struct.error`."""
    _fmt, count, strings = struct.unpack_from(">HHH", data, offset)
    out: list[tuple[int, int, int, int, str | None]] = []
    for k in range(count):
        pid, eid, lid, nid, length, at = struct.unpack_from(">HHHHHH", data, offset + 6 + 12 * k)
        if nid not in NAME_IDS:
            continue  # never consulted (copyright, version, licence …): not decoded either
        start = offset + strings + at
        raw = data[start : start + length]
        if len(raw) != length:
            raise Unusual
        try:
            text: str | None = decode(pid, eid, lid, raw)
        except UnicodeError:
            text = None
        out.append((pid, eid, lid, nid, text))
    return out
