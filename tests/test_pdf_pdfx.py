"""PDF/X-4 conventions in the print PDF (ISO 15930-7): what a preflight looks for first.

Specification:
- the catalog has one OutputIntent /GTS_PDFX whose DestOutputProfile is the CMYK ICC profile, embedded
  byte for byte (Ghostscript's SWOP stand-in by default, the layout's file when named);
- Info has GTS_PDFXVersion (PDF/X-4), Trapped /False, Title, and dates equal to the XMP's;
- the XMP packet is well-formed, uncompressed, and names pdfxid:GTS_PDFXVersion, the title, language,
  DocumentID/InstanceID/VersionID/RenditionClass;
- a missing or non-CMYK profile is a clear error.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pdf_support import UKaiFonts, qpdf_json, sample_document, stream_data

from publish.errors import BuildError
from publish.paginate.pages import Document
from publish.pdf import write_pdf
from publish.pdf.pdfx import find_default_profile

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
}


@pytest.fixture(scope="module")
def fonts() -> UKaiFonts:
    return UKaiFonts()


@pytest.fixture(scope="module")
def document(fonts: UKaiFonts) -> Document:
    return sample_document(fonts)


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory, document: Document, fonts: UKaiFonts) -> dict:
    if find_default_profile() is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed (apt-get install libgs-common)")
    pdf = write_pdf(document, fonts, tmp_path_factory.mktemp("pdfx") / "x.pdf")
    return qpdf_json(pdf)


def catalog(facts: dict) -> dict:
    return facts["objects"][facts["trailer"]["/Root"]]["value"]


def info(facts: dict) -> dict:
    return facts["objects"][facts["trailer"]["/Info"]]["value"]


def xmp(facts: dict) -> ET.Element:
    ref = catalog(facts)["/Metadata"]
    obj = facts["objects"][ref]
    assert "/Filter" not in obj["stream"]["dict"], "XMP must stay readable (uncompressed)"
    return ET.fromstring(stream_data(obj))


def test_output_intent_embeds_the_cmyk_profile(facts: dict) -> None:
    intents = catalog(facts)["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0]
    assert intent["/Type"] == "/OutputIntent"
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"]
    assert intent["/Info"] == "u:Artifex CMYK SWOP Profile"
    profile = facts["objects"][intent["/DestOutputProfile"]]
    assert profile["stream"]["dict"]["/N"] == 4
    assert stream_data(profile) == find_default_profile().read_bytes()


def test_info_says_pdfx4_untrapped_with_xmp_dates(facts: dict) -> None:
    entries = info(facts)
    assert entries["/GTS_PDFXVersion"] == "u:PDF/X-4"
    assert entries["/Trapped"] == "/False"
    assert entries["/Title"] == "u:巴彦淖尔人大 2025年第1期"
    assert entries["/CreationDate"] == entries["/ModDate"] == "u:D:20250120000000+00'00'"
    root = xmp(facts)
    assert root.find(".//xmp:CreateDate", NS).text == "2025-01-20T00:00:00+00:00"
    assert root.find(".//xmp:ModifyDate", NS).text == "2025-01-20T00:00:00+00:00"


def test_xmp_describes_the_issue_as_pdfx4(facts: dict) -> None:
    root = xmp(facts)
    assert root.find(".//pdfxid:GTS_PDFXVersion", NS).text == "PDF/X-4"
    assert root.find(".//dc:title/rdf:Alt/rdf:li", NS).text == "巴彦淖尔人大 2025年第1期"
    assert root.find(".//dc:creator/rdf:Seq/rdf:li", NS).text == "巴彦淖尔市人大常委会办公室"
    assert root.find(".//dc:language/rdf:Bag/rdf:li", NS).text == "zh-CN"
    assert root.find(".//pdf:Trapped", NS).text == "False"
    assert root.find(".//xmpMM:DocumentID", NS).text.startswith("uuid:")
    assert root.find(".//xmpMM:InstanceID", NS).text.startswith("uuid:")
    assert root.find(".//xmpMM:VersionID", NS).text == "1"
    assert root.find(".//xmpMM:RenditionClass", NS).text == "default"
    assert catalog(facts)["/Lang"] == "u:zh-CN"


def test_a_layout_can_name_its_printers_profile(tmp_path: Path, document: Document, fonts: UKaiFonts) -> None:
    default = find_default_profile()
    if default is None:
        pytest.skip("no CMYK profile installed")
    own = tmp_path / "printer.icc"
    shutil.copy(default, own)
    doc = Document(**{**document.__dict__, "output_intent": str(own), "output_condition": "FOGRA39"})
    facts = qpdf_json(write_pdf(doc, fonts, tmp_path / "own.pdf"))
    assert catalog(facts)["/OutputIntents"][0]["/OutputConditionIdentifier"] == "u:FOGRA39"


def test_a_missing_profile_is_a_clear_error(tmp_path: Path, document: Document, fonts: UKaiFonts) -> None:
    doc = Document(**{**document.__dict__, "output_intent": str(tmp_path / "nope.icc")})
    with pytest.raises(BuildError, match=r"nope\.icc not found"):
        write_pdf(doc, fonts, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_an_rgb_profile_is_refused(tmp_path: Path, document: Document, fonts: UKaiFonts) -> None:
    rgb = Path("/usr/share/color/icc/ghostscript/srgb.icc")
    if not rgb.exists():
        pytest.skip("Ghostscript's srgb.icc is not installed")
    doc = Document(**{**document.__dict__, "output_intent": str(rgb)})
    with pytest.raises(BuildError, match="not a CMYK output profile"):
        write_pdf(doc, fonts, tmp_path / "x.pdf")


def test_publisher_and_issn_reach_the_xmp(tmp_path: Path, document: Document, fonts: UKaiFonts) -> None:
    doc = Document(
        **{**document.__dict__, "meta": {"publisher": "巴彦淖尔市人大常委会", "issn": "1234-5678"}}
    )
    root = xmp(qpdf_json(write_pdf(doc, fonts, tmp_path / "m.pdf")))
    assert root.find(".//dc:publisher/rdf:Bag/rdf:li", NS).text == "巴彦淖尔市人大常委会"
    assert root.find(".//dc:identifier", NS).text == "urn:issn:1234-5678"
