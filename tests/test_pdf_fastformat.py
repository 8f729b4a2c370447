"""`publish.pdf.fastformat` writes every dictionary exactly as ReportLab does: for any mix of names,
integers, references, strings, reals, booleans, nested dictionaries and arrays (short, and long
enough to be broken into lines), the bytes are ReportLab's own."""

from __future__ import annotations

from collections import OrderedDict

from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfdoc

from publish.pdf.fastformat import FastDictionary, speed_up


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
