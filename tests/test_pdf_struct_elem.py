"""A structure element of the tagged PDF is written straight to bytes (`publish.pdf.tags._StructElem`):
for any element — any type, title, /ID, alternative text, table scope, figure box, and kids that
are child elements, marked content on its first page or another, and link annotations, few or
many — those bytes are exactly ReportLab's for the dictionary the element stands for, and when
ReportLab's own formatting is asked for (comments, one entry a line) it is used."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from publish.pdf.tags import Elem, _StructElem

PAGES = 4


def _document() -> pdfdoc.PDFDocument:
    doc = pdfdoc.PDFDocument(invariant=1)
    names = [f"Page{n + 1}" for n in range(PAGES)] + ["StructTreeRoot", "SE1", "SE2", "SE3", "SE9", "Link7", "Link8"]
    for number, name in enumerate(names, start=3):
        doc.Reference(pdfdoc.PDFDictionary({"N": number}), name)
        # numbered as writing the file numbers every object before it writes any (here out of order)
        doc.idToObjectNumberAndVersion[name] = (number * 7, 0)
    return doc


kids = st.lists(
    st.one_of(
        st.sampled_from(["SE2", "SE3"]),  # a child element (by name)
        st.tuples(st.integers(0, PAGES - 1), st.integers(0, 300)),  # (page, MCID)
        st.tuples(st.just("annot"), st.sampled_from(["Link7", "Link8"]), st.integers(0, PAGES - 1)),
    ),
    max_size=25,
)


@given(
    kind=st.sampled_from(["P", "Span", "Figure", "TH", "Note", "H1", "Link", "A B#"]),
    kids=kids,
    title=st.text(max_size=6),
    ident=st.text(max_size=4),
    alt=st.text(max_size=6),
    scope=st.sampled_from(["", "Row", "Column"]),
    bbox=st.none() | st.tuples(*[st.floats(-1e4, 1e4, allow_nan=False)] * 4),
    root=st.booleans(),
)
def test_an_element_is_written_as_reportlab_writes_its_dictionary(kind, kids, title, ident, alt, scope, bbox, root):
    doc = _document()
    parent = None if root else Elem("Sect", name="SE1")
    e = Elem(kind, parent=parent, title=title, id=ident, alt=alt, scope=scope, bbox=bbox, name="SE9")
    for k in kids:
        e.kids.append(Elem("P", name=k) if isinstance(k, str) else k)
    written = _StructElem(e)
    plain = written.plain()
    assert written.format(doc) == plain.format(doc)
    assert pdfdoc.PDFIndirectObject("SE9", written).format(doc) == pdfdoc.PDFIndirectObject("SE9", plain).format(doc)


def test_with_one_entry_a_line_reportlabs_formatting_is_used(monkeypatch):
    doc = _document()
    e = Elem("P", parent=Elem("Sect", name="SE1"), name="SE9", kids=[(0, n) for n in range(12)] + [(1, 3)])
    monkeypatch.setattr(rl_config, "pdfMultiLine", 1)
    plain = _StructElem(e).plain()
    assert _StructElem(e).format(doc) == plain.format(doc)
    assert b"\n " in plain.format(doc)


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 20, 21, 73])
def test_a_pages_parent_tree_entry_is_the_array_of_references_reportlab_writes(monkeypatch, count, multiline):
    from publish.pdf import fastformat
    from publish.pdf.tags import _OwnerArray

    monkeypatch.setattr(rl_config, "pdfMultiLine", int(multiline))
    doc = pdfdoc.PDFDocument(invariant=1)
    names = [f"SE{k + 1}" for k in range(25)]
    for name in names:
        doc.Reference(pdfdoc.PDFDictionary({"N": 1}), name)
    owners = [names[(k * 7) % 25] for k in range(count)]  # an element owns several of a page's ids
    plain = pdfdoc.PDFArray([pdfdoc.PDFObjectReference(n) for n in owners])
    assert _OwnerArray(owners).format(doc) == plain.format(doc)
    # inside the parent tree's /Nums, written by fastformat or by ReportLab
    tree = {"Nums": pdfdoc.PDFArray([0, _OwnerArray(owners), 1, _OwnerArray(owners[:3])])}
    expected = {"Nums": pdfdoc.PDFArray([0, plain, 1, pdfdoc.PDFArray(plain.sequence[:3])])}
    assert fastformat.FastDictionary(tree).format(doc) == pdfdoc.PDFDictionary(expected).format(doc)
