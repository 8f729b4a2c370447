"""What each lookup subtable of a GSUB or GPOS table needs in order to act, read from its bytes.

In: the bytes of a GSUB or GPOS table (OpenType 1.9, "Common Table Formats", "GSUB", "GPOS").
Out: a `LayoutScan`: per lookup, per subtable (in the table's order, Extension subtables resolved),
its *trigger* — the glyphs of the coverage without one of which the subtable can do nothing
(its Coverage; for format 3 contexts the first input position's; for mark attachment the marks')
— and, for substitutions, every glyph it could ever put in the text; and the lookups that context
subtables call (`calls`). Nothing is decompiled: coverage tables are read with `struct`/`array`.

Why: fontTools' subsetter decompiles every subtable of every lookup a kept feature refers to, to
find out that most of them cannot apply to the characters of a Chinese book (Noto CJK's `ccmp`
alone has 268 chaining subtables for other scripts). `epubsubset` takes the scan to leave those
out before the subsetter reads them (see `epubsubset._leave_out_idle_subtables`).
Raises `ValueError` for bytes that are not a table of the kind (offsets past the end, unknown
lookup types): the caller then leaves the table as it is.
"""

from __future__ import annotations

import array
import struct
import sys
from dataclasses import dataclass

_BIG = sys.byteorder == "big"


@dataclass(frozen=True)
class SubtableScan:
    trigger: array.array  # glyph ids ('H')
    outputs: array.array  # glyph ids a substitution can produce ('H'); empty for GPOS and contexts
    calls: frozenset[int] = frozenset()  # the lookups a context subtable's rules call


@dataclass(frozen=True)
class LayoutScan:
    lookups: tuple[tuple[SubtableScan, ...], ...]
    calls: tuple[frozenset[int], ...]  # per lookup, the lookups its context subtables call

    @property
    def nested(self) -> frozenset[int]:
        """The lookups some context subtable calls."""
        return frozenset().union(*self.calls)

    def reachable(self, lookups: set[int]) -> set[int]:
        """`lookups` and every lookup they call, directly or through others."""
        seen, todo = set(), list(lookups)
        while todo:
            k = todo.pop()
            if k not in seen and 0 <= k < len(self.calls):
                seen.add(k)
                todo.extend(self.calls[k])
        return seen


def _u16(data: bytes, at: int) -> int:
    if at < 0 or at + 2 > len(data):
        raise ValueError("offset past the end of the table")
    return (data[at] << 8) | data[at + 1]


def _u16s(data: bytes, at: int, count: int) -> array.array:
    if at < 0 or at + 2 * count > len(data):
        raise ValueError("array past the end of the table")
    values = array.array("H", data[at : at + 2 * count])
    if not _BIG:
        values.byteswap()
    return values


def _coverage(data: bytes, at: int) -> array.array:
    """The glyph ids of the Coverage table at `at` (format 1: a list; format 2: ranges)."""
    fmt, count = _u16(data, at), _u16(data, at + 2)
    if fmt == 1:
        return _u16s(data, at + 4, count)
    if fmt == 2:
        glyphs = array.array("H")
        ranges = _u16s(data, at + 4, 3 * count)
        for k in range(0, 3 * count, 3):
            start, end = ranges[k], ranges[k + 1]
            if end >= start:
                glyphs.extend(range(start, end + 1))
        return glyphs
    raise ValueError(f"coverage format {fmt}")


def _offsets(data: bytes, base: int, at: int, count: int) -> list[int]:
    return [base + off for off in _u16s(data, at, count)]


def scan(data: bytes, gsub: bool) -> LayoutScan:
    """The scan of a whole GSUB (`gsub`) or GPOS table (see the module docstring)."""
    try:
        return _scan(data, gsub)
    except struct.error:
        raise ValueError("offset past the end of the table") from None


def _scan(data: bytes, gsub: bool) -> LayoutScan:
    if len(data) < 10 or _u16(data, 0) != 1:
        raise ValueError("not a GSUB/GPOS table of major version 1")
    lookup_list = _u16(data, 8)
    if not lookup_list:
        return LayoutScan((), ())
    lookups = []
    calls = []
    for lookup in _offsets(data, lookup_list, lookup_list + 2, _u16(data, lookup_list)):
        kind = _u16(data, lookup)
        subtables = []
        nested: set[int] = set()
        for sub in _offsets(data, lookup, lookup + 6, _u16(data, lookup + 4)):
            sub_kind = kind
            if (gsub and kind == 7) or (not gsub and kind == 9):  # Extension: the real subtable
                if _u16(data, sub) != 1:
                    raise ValueError("extension subtable format")
                sub_kind = _u16(data, sub + 2)
                (far,) = struct.unpack_from(">I", data, sub + 4)
                sub += far
            subtables.append(_subtable(data, sub, sub_kind, gsub))
            nested.update(subtables[-1].calls)
        lookups.append(tuple(subtables))
        calls.append(frozenset(nested))
    return LayoutScan(tuple(lookups), tuple(calls))


_NONE = array.array("H")


def _subtable(data: bytes, at: int, kind: int, gsub: bool) -> SubtableScan:
    fmt = _u16(data, at)
    if (gsub and kind in (5, 6)) or (not gsub and kind in (7, 8)):
        nested: set[int] = set()
        trigger = _context(data, at, fmt, chained=kind in (6, 8), nested=nested)
        return SubtableScan(trigger, _NONE, frozenset(nested))
    if not gsub:
        if kind not in range(1, 7):
            raise ValueError(f"GPOS lookup type {kind}")
        # Single, pair, cursive: Coverage; mark-to-base/ligature/mark: the marks' coverage. All at +2.
        return SubtableScan(_coverage(data, at + _u16(data, at + 2)), _NONE)
    coverage = _coverage(data, at + _u16(data, at + 2))
    outputs = array.array("H")
    if kind == 1:
        if fmt == 1:
            delta = _u16(data, at + 4)
            outputs.extend((g + delta) & 0xFFFF for g in coverage)
        elif fmt == 2:
            outputs = _u16s(data, at + 6, _u16(data, at + 4))
        else:
            raise ValueError(f"single substitution format {fmt}")
    elif kind in (2, 3):  # multiple, alternate: sets of glyph ids
        for seq in _offsets(data, at, at + 6, _u16(data, at + 4)):
            outputs.extend(_u16s(data, seq + 2, _u16(data, seq)))
    elif kind == 4:  # ligature sets → ligatures → the ligature glyph
        for lig_set in _offsets(data, at, at + 6, _u16(data, at + 4)):
            for lig in _offsets(data, lig_set, lig_set + 2, _u16(data, lig_set)):
                outputs.append(_u16(data, lig))
    elif kind == 8:  # reverse chaining single: substitutes after the context coverages
        pos = at + 4
        pos += 2 + 2 * _u16(data, pos)  # backtrack coverages
        pos += 2 + 2 * _u16(data, pos)  # lookahead coverages
        outputs = _u16s(data, pos + 2, _u16(data, pos))
    else:
        raise ValueError(f"GSUB lookup type {kind}")
    return SubtableScan(coverage, outputs)


def _context(data: bytes, at: int, fmt: int, chained: bool, nested: set[int]) -> array.array:
    """The trigger of a (chained) context subtable; the lookups its rules call go to `nested`."""
    if fmt in (1, 2):
        coverage = _coverage(data, at + _u16(data, at + 2))
        sets_at = at + (4 if fmt == 1 else (10 if chained else 6))
        for rule_set in _offsets(data, at, sets_at + 2, _u16(data, sets_at)):
            if rule_set == at:  # a NULL offset: no rules for that class
                continue
            for rule in _offsets(data, rule_set, rule_set + 2, _u16(data, rule_set)):
                pos = rule
                if chained:
                    pos += 2 + 2 * _u16(data, pos)  # backtrack
                    input_count = _u16(data, pos)
                    pos += 2 + 2 * max(input_count - 1, 0)
                    pos += 2 + 2 * _u16(data, pos)  # lookahead
                    records = _u16(data, pos)
                    pos += 2
                else:
                    input_count, records = _u16(data, pos), _u16(data, pos + 2)
                    pos += 4 + 2 * max(input_count - 1, 0)
                nested.update(_u16s(data, pos, 2 * records)[1::2])
        return coverage
    if fmt == 3:
        if chained:
            pos = at + 2
            pos += 2 + 2 * _u16(data, pos)  # backtrack coverages
            inputs = _u16s(data, pos + 2, _u16(data, pos))
            pos += 2 + 2 * len(inputs)
            pos += 2 + 2 * _u16(data, pos)  # lookahead coverages
            records = _u16(data, pos)
            pos += 2
        else:
            inputs = _u16s(data, at + 6, _u16(data, at + 2))
            records = _u16(data, at + 4)
            pos = at + 6 + 2 * len(inputs)
        nested.update(_u16s(data, pos, 2 * records)[1::2])
        if not inputs:
            raise ValueError("context subtable without input")
        return _coverage(data, at + inputs[0])
    raise ValueError(f"context subtable format {fmt}")
