"""ReportLab's dictionaries and arrays written byte for byte as ReportLab writes them, faster.

In: a ReportLab document about to be written (`publish.pdf.writer`, after the structure tree is
made). Out: its plain `PDFDictionary` objects (structure elements, the parent tree, font
dictionaries, …) turned into `FastDictionary`s, whose `format` gives exactly the bytes of
`PDFDictionary.format` — keys sorted, `/Key value` pairs joined by spaces with a line break after
every six, arrays `[ … ]` with a break after every ten elements — for the values it knows (names,
integers, object references, and dictionaries and arrays of those); any other value (a string, a
real number, a stream, an array ReportLab writes one element a line) is written by ReportLab itself.

The document itself: `FastDocument.format` writes the indirect objects, the cross-reference table
and the trailer as `PDFDocument.format` does, with less work per object (~1,900 objects a PDF of
the example issue).

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


_NOT_THERE = object()


class FastDocument(pdfdoc.PDFDocument):
    """A `PDFDocument` whose `format` writes the very bytes of ReportLab's own: each indirect object
    `n 0 obj … endobj` in object-number order (objects referenced while formatting are appended and
    written too), then the cross-reference table and the trailer — with less work per object
    (ReportLab makes a `PDFIndirectObject` for each, encodes its header through a Python codec and
    joins header, body and trailer into a new bytes object before adding it; a PDF of the example
    issue has ~1,900 objects, ~4 ms of writing). Only for a plain document: no encryption, no
    signatures, no comments (`usable`); any other is written by ReportLab itself."""

    def format(self) -> bytes:
        if (not usable() or type(self.encrypt) is not pdfdoc.NoEncryption or getattr(self, "_digiSigs", None)
                or self.encrypt.info() is not None):
            return super().format()
        cat, info = self.Catalog, self.info
        self.Reference(cat)
        self.Reference(info)
        number_to_id = self.numberToId
        id_to_nv = self.idToObjectNumberAndVersion
        id_to_object = self.idToObject
        id_to_offset = self.idToOffset
        pdf_object, generic = pdfdoc.PDFObject, pdfdoc.format
        file = pdfdoc.PDFFile(self._pdfVersion)  # (its header, as ReportLab starts the file)
        strings = file.strings
        offset = file.offset
        ids = []
        xref = [b"0000000000 65535 f \n"]  # the table's entries, object 0 (always free) first
        in_order = True  # each object's number is its place (as `Reference` hands them out)
        counter = 0
        while True:  # (objects referenced for the first time while others are written come last)
            counter += 1
            oid = number_to_id.get(counter, _NOT_THERE)
            if oid is _NOT_THERE:
                break
            obj = id_to_object[oid]
            n, v = id_to_nv[oid]
            body = obj.format(self) if isinstance(obj, pdf_object) else generic(obj, self, toplevel=1)
            if type(n) is int and type(v) is int:
                head = b"%d %d obj\n" % (n, v)
                xref.append(b"%010d %05d n \n" % (offset, v))
                in_order = in_order and n == counter
            else:
                head = pdfdoc.pdfdocEnc(f"{n} {v} obj\n")  # (as ReportLab writes it: "%s %s obj")
                in_order = False
            tail = b"endobj\n" if body.endswith(b"\n") else b"\nendobj\n"
            id_to_offset[oid] = offset
            strings += (head, body, tail)
            offset += len(head) + len(body) + len(tail)
            ids.append(oid)
        file.offset = offset
        count = len(number_to_id)
        if counter - 1 != count:
            raise ValueError(f"counter {counter} doesn't match number to id dictionary {count}")
        if in_order:  # ReportLab's table of one section from 0, each entry `%0.10d %0.5d n `
            xref_offset = file.add(b"xref\n0 %d\n" % (count + 1) + b"".join(xref))
        else:  # (numbers not handed out by `Reference`: ReportLab's own table, and its checks)
            table = pdfdoc.PDFCrossReferenceTable()
            table.addsection(0, ids)
            xref_offset = file.add(table.format(self))
        trailer = pdfdoc.PDFTrailer(startxref=xref_offset, Size=count + 1, Root=self.Reference(cat),
                                    Info=self.Reference(info), Encrypt=None, ID=self.ID())
        file.add(trailer.format(self))
        return file.format(self)


def usable() -> bool:
    """False when ReportLab would add comments to the file (`rl_config.pdfComments` without
    `invariant`), which only its own formatting writes."""
    return not (rl_config.pdfComments and not rl_config.invariant)


def speed_up(document: Any) -> None:
    """Make the document a `FastDocument` and its top-level plain dictionaries `FastDictionary`s
    (nothing else changes), when `usable`."""
    if not usable():
        return
    if type(document) is pdfdoc.PDFDocument:
        document.__class__ = FastDocument
    for obj in document.idToObject.values():
        if type(obj) is pdfdoc.PDFDictionary:
            obj.__class__ = FastDictionary
