"""`publish.pdf.fastformat` writes every dictionary exactly as ReportLab does: for any mix of names,
integers, references, strings, reals, booleans, nested dictionaries and arrays (short, and long
enough to be broken into lines), the bytes are ReportLab's own."""

from __future__ import annotations

from collections import OrderedDict

from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfdoc

from publish.pdf.fastformat import FastDictionary, FastDocument, speed_up


class _True(pdfdoc.PDFObject):
    def format(self, document):
        return b"true"


def _document() -> pdfdoc.PDFDocument:
    doc = pdfdoc.PDFDocument(invariant=1)
    for n in range(5):
        doc.Reference(pdfdoc.PDFDictionary({"N": n}), f"Obj{n}")
    return doc


names = st.sampled_from(["Type", "S", "P", "K", "Pg", "MCID", "Alt", "A B", "ID#", "Nums"])
scalars = st.one_of(
    st.integers(-10**9, 10**9),
    st.sampled_from(["StructElem", "P", "Span", "Artifact", "A B"]).map(pdfdoc.PDFName),
    st.builds(pdfdoc.PDFObjectReference, st.sampled_from([f"Obj{n}" for n in range(5)])),
    st.text(max_size=8).map(pdfdoc.PDFString),
    st.floats(-1e4, 1e4, allow_nan=False),
    st.just(_True()),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=25).map(pdfdoc.PDFArray),
        st.dictionaries(names, inner, max_size=9).map(pdfdoc.PDFDictionary),
    ),
    max_leaves=40,
)


@given(st.dictionaries(names, values, max_size=14))
def test_a_fast_dictionary_is_written_as_reportlab_writes_it(entries):
    doc = _document()
    plain = pdfdoc.PDFDictionary(entries)
    fast = FastDictionary(entries)
    assert fast.format(doc) == plain.format(doc)


def test_an_ordered_or_multiline_dictionary_is_left_to_reportlab():
    doc = _document()
    ordered = OrderedDict([("Z", 1), ("A", pdfdoc.PDFArray(list(range(23))))])
    assert FastDictionary(ordered).format(doc) == pdfdoc.PDFDictionary(ordered).format(doc)
    forced = FastDictionary({"B": 1, "A": 2})
    forced.multiline = "forced"
    plain = pdfdoc.PDFDictionary({"B": 1, "A": 2})
    plain.multiline = "forced"
    assert forced.format(doc) == plain.format(doc) and b"\n " in plain.format(doc)


def test_speed_up_turns_only_plain_top_level_dictionaries():
    doc = _document()
    stream = pdfdoc.PDFStream(content=b"x")
    doc.Reference(stream, "Stream")
    speed_up(doc)
    assert type(doc.idToObject["Obj0"]) is FastDictionary
    assert type(doc.idToObject["Stream"]) is pdfdoc.PDFStream


class _RefersToNewObject(pdfdoc.PDFObject):
    """An object that, when written, references an object nobody registered before: written
    after the others (ReportLab's loop runs until no object is left)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def format(self, document):
        extra = document.Reference(pdfdoc.PDFDictionary({"Late": self.n, "Name": pdfdoc.PDFName("X")}))
        return b"<< /Points " + extra.format(document) + b" >>"


def _pdf(fast: bool, pages: int = 3, change=None) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(None, invariant=1, pageCompression=0)
    for page in range(pages):
        canvas.drawString(72, 720, f"page {page}: (text) \\ with escapes")
        canvas.line(72, 700, 300, 700 - page)
        canvas.showPage()
    doc = canvas._doc
    for n in range(3):
        doc.Reference(_RefersToNewObject(n), f"Late{n}")
    doc.Reference(pdfdoc.PDFStream(content=b"stream bytes\n" * 7), "AStream")
    doc.Reference(b"raw bytes object", "Raw")  # not a PDFObject: written by ReportLab's dispatch
    if change is not None:
        change(doc)
    if fast:
        doc.__class__ = FastDocument
    return canvas.getpdfdata()


def test_a_fast_document_is_the_file_reportlab_writes():
    # objects in number order, objects made while writing, streams, non-PDFObject values, the
    # cross-reference table with every offset, the trailer
    for pages in (1, 3, 12):
        assert _pdf(True, pages) == _pdf(False, pages)


def test_speed_up_makes_a_plain_document_a_fast_one():
    doc = _document()
    speed_up(doc)
    assert type(doc) is FastDocument


def test_a_fast_document_with_comments_is_written_by_reportlab(monkeypatch):
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 0)
    monkeypatch.setattr(rl_config, "pdfComments", 1)
    written = _pdf(True)
    assert b"\n% 'Late0': class _RefersToNewObject" in written  # ReportLab's comments: its own writing
    assert written == _pdf(False)


def test_objects_not_numbered_in_order_get_reportlabs_own_table():
    def swap(doc: pdfdoc.PDFDocument) -> None:
        numbers = doc.idToObjectNumberAndVersion
        numbers["Late0"], numbers["Late1"] = numbers["Late1"], numbers["Late0"]

    assert _pdf(True, change=swap) == _pdf(False, change=swap)
