"""ReportLab's dictionaries and arrays written byte for byte as ReportLab writes them, faster.

In: a ReportLab document about to be written (`publish.pdf.writer`, after the structure tree is
made). Out: its plain `PDFDictionary` objects (structure elements, the parent tree, font
dictionaries, …) turned into `FastDictionary`s, whose `format` gives exactly the bytes of
`PDFDictionary.format` — keys sorted, `/Key value` pairs joined by spaces with a line break after
every six, arrays `[ … ]` with a break after every ten elements — for the values it knows (names,
integers, object references, and dictionaries and arrays of those); any other value (a string, a
real number, a stream, an array ReportLab writes one element a line) is written by ReportLab itself.

Why: the tagged PDF's structure tree is some 700 dictionaries for the complete example, with long
arrays of marked-content ids; ReportLab formats each value through a generic dispatch (a name object
made per key, a number formatter per integer), about a third of the time the writer spends after
drawing (measured: 33 ms of a 110 ms warm `publish watch` rebuild). The same output is checked by the
byte-identity tests of the builds and of `publish watch` (tests/test_watch_reuse.py).
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

_NAMES: dict[str, bytes] = {}  # dictionary key → its formatted name (b"/Type")
_REF = pdfdoc.PDFObjectReference
_ARRAY = pdfdoc.PDFArray


def _name(key: str) -> bytes:
    b = _NAMES.get(key)
    if b is None:
        b = _NAMES[key] = pdfdoc.format(pdfdoc.PDFName(key), None)
    return b


def _value(value: Any, document: Any) -> bytes:
    """`pdfdoc.format(value, document)` (not at the top level)."""
    kind = type(value)
    if kind is int:
        return b"%d" % value  # fp_str gives an int's decimal digits
    if kind is str:
        return value.encode("extpdfdoc")  # what pdfdocEnc does (names are strings: "/P")
    if kind is _REF:
        return b"%d %d R" % document.idToObjectNumberAndVersion[value.name]
    if kind is _ARRAY and not (value.multiline and rl_config.pdfMultiLine) and value.multiline != "forced":
        # (integers — marked-content ids, mostly — written here: no call per element)
        items = [b"%d" % e if type(e) is int else _value(e, document) for e in value.sequence]
        n = len(items)
        if n > 10:
            for i in reversed(range(10, n, 10)):
                items.insert(i, b"\n ")
        return b"[ " + b" ".join(items) + b" ]"
    if kind is FastDictionary or kind is pdfdoc.PDFDictionary:
        return _dictionary(value, document)
    return pdfdoc.format(value, document)


def value(value: Any, document: Any) -> bytes:
    """`pdfdoc.format(value, document)` for a value inside a dictionary or array (not an indirect
    object's own): the same bytes, the values this module knows written by it."""
    return _value(value, document)


def _dictionary(d: Any, document: Any) -> bytes:
    """`PDFDictionary.format` (its `dict` is a plain dict: keys sorted)."""
    if (d.multiline and rl_config.pdfMultiLine) or d.multiline == "forced" or type(d.dict) is not dict:
        return pdfdoc.PDFDictionary.format(d, document)
    values = d.dict
    items = [_name(k) + b" " + _value(values[k], document) for k in sorted(values)]
    for i in reversed(range(6, len(items), 6)):
        items.insert(i, b"\n ")
    return b"<<\n" + b" ".join(items) + b"\n>>"


class FastDictionary(pdfdoc.PDFDictionary):
    """A `PDFDictionary` formatted by `_dictionary` (the same bytes)."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        return _dictionary(self, document)


def usable() -> bool:
    """False when ReportLab would add comments to the file (`rl_config.pdfComments` without
    `invariant`), which only its own formatting writes."""
    return not (rl_config.pdfComments and not rl_config.invariant)


def speed_up(document: Any) -> None:
    """Make the document's top-level plain dictionaries `FastDictionary`s (nothing else changes),
    when `usable`."""
    if not usable():
        return
    for obj in document.idToObject.values():
        if type(obj) is pdfdoc.PDFDictionary:
            obj.__class__ = FastDictionary
