"""PDF/X-4 conventions on a ReportLab document: output intent, document info, XMP metadata, dates.

In: the `Document` (title, author, subject, keywords, language, issue date, output intent settings,
and `meta["publisher"]`, `meta["issn"]` when pagination passes them on)
and a ReportLab `PDFDocument` about to be saved. Out: the same ReportLab document with
- an OutputIntent `/GTS_PDFX` whose DestOutputProfile is an embedded CMYK ICC profile,
- an Info dictionary with `GTS_PDFXVersion (PDF/X-4)`, `Trapped /False` and fixed dates,
- an uncompressed XMP packet (`/Metadata`) saying the same things, with `pdfxid:GTS_PDFXVersion`,
  `xmpMM:DocumentID`/`InstanceID`/`VersionID`/`RenditionClass` and `pdf:Trapped`.
Sources: ISO 15930-7:2010 (PDF/X-4) §6.2.2 (OutputIntents), §6.7 (metadata: GTS_PDFXVersion,
Trapped, DocumentID, VersionID, RenditionClass, dates); PDF 32000-1:2008 §14.3.2 (XMP), §14.11.5
(output intents), §7.9.4 (date strings).

Dates come from `SOURCE_DATE_EPOCH` when set (reproducible builds), else from the issue's date at
00:00 UTC, so the same sources always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import glob
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.errors import BuildError, Problem
from publish.pdf.flate import CACHED_FLATE
from publish.version import __version__

if TYPE_CHECKING:
    from publish.paginate.pages import Document

# ReportLab (`reportlab.pdfbase.pdfdoc`) is imported where the document is written, not with this
# module: the build's first helper imports this module before it is forked, for the output profile
# its picture conversion needs (`publish.pdf.ahead`), and never writes a PDF — ReportLab's ~10 ms
# of imports would only delay that fork.

PDFX_VERSION = "PDF/X-4"

# Where Debian puts Ghostscript's CMYK profile (package libgs-common, a dependency of ghostscript);
# older releases kept it under /usr/share/ghostscript/<version>/iccprofiles/.
DEFAULT_PROFILE_CANDIDATES = (
    "/usr/share/color/icc/ghostscript/default_cmyk.icc",
    "/usr/share/ghostscript/*/iccprofiles/default_cmyk.icc",
)


# ---------------------------------------------------------------------------------------------------
# Dates


def build_time(document: Document) -> dt.datetime:
    """The moment the PDF claims to have been made: SOURCE_DATE_EPOCH, else the issue's date (UTC)."""
    from publish import settings

    epoch = settings.source_date_epoch()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except ValueError:
            raise BuildError(
                Problem(
                    f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds",
                    fix="unset it or give an integer",
                )
            ) from None
    if document.date:
        try:
            day = dt.date.fromisoformat(document.date[:10])
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        except ValueError:
            pass
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # ReportLab's own invariant date


def pdf_date(moment: dt.datetime) -> str:
    """PDF date string, UTC (PDF 32000-1 §7.9.4): D:YYYYMMDDHHmmSS+00'00'."""
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp_date(moment: dt.datetime) -> str:
    """XMP date (ISO 8601 with time zone)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


# ---------------------------------------------------------------------------------------------------
# Output intent


@dataclass(frozen=True)
class OutputProfile:
    """An embedded CMYK output profile and the words describing the printing condition."""

    path: Path
    data: bytes
    description: str
    condition_identifier: str
    condition: str


def find_default_profile() -> Path | None:
    for pattern in DEFAULT_PROFILE_CANDIDATES:
        for hit in sorted(glob.glob(pattern)):
            return Path(hit)
    return None


def load_output_profile(document: Document) -> OutputProfile:
    """Read and check the layout's CMYK output profile (or Ghostscript's SWOP stand-in)."""
    return output_profile(document.output_intent, document.output_condition)


def output_profile(output_intent: str, output_condition: str = "") -> OutputProfile:
    """The CMYK output profile at `output_intent` (a layout's; "": Ghostscript's SWOP stand-in),
    read and checked; `output_condition` names the printing condition ("": "Custom")."""
    if output_intent:
        path = Path(output_intent)
        if not path.is_file():
            raise BuildError(
                Problem(
                    f"output intent profile {path} not found",
                    fix="give the path of the printer's CMYK .icc file in the layout's output_intent",
                )
            )
    else:
        found = find_default_profile()
        if found is None:
            raise BuildError(
                Problem(
                    "no CMYK ICC profile for the PDF/X output intent",
                    fix="install Ghostscript's profiles (apt-get install libgs-common) or set output_intent in the layout",
                )
            )
        path = found
    data = path.read_bytes()
    # ICC header (ICC.1:2010 §7.2): bytes 12-15 device class, 16-19 colour space of the data.
    if len(data) < 128 or data[36:40] != b"acsp":
        raise BuildError(Problem(f"{path} is not an ICC profile", fix="use the printer's CMYK .icc file"))
    if data[16:20] != b"CMYK" or data[12:16] != b"prtr":
        raise BuildError(
            Problem(
                f"{path} is a {data[16:20].decode('latin-1').strip()} {data[12:16].decode('latin-1')} profile, "
                "not a CMYK output profile",
                fix="PDF/X needs the printing condition's CMYK output (prtr) profile",
            )
        )
    description = _profile_description(data) or path.stem
    identifier = output_condition or "Custom"
    return OutputProfile(
        path=path,
        data=data,
        description=description,
        condition_identifier=identifier,
        condition=description,
    )


def _profile_description(data: bytes) -> str:
    """The profile's 'desc' tag (ICC v2 textDescriptionType or v4 multiLocalizedUnicodeType)."""
    try:
        count = int.from_bytes(data[128:132], "big")
        for i in range(count):
            entry = data[132 + 12 * i : 144 + 12 * i]
            if entry[:4] != b"desc":
                continue
            offset = int.from_bytes(entry[4:8], "big")
            kind = data[offset : offset + 4]
            if kind == b"desc":
                length = int.from_bytes(data[offset + 8 : offset + 12], "big")
                return data[offset + 12 : offset + 12 + length].rstrip(b"\0").decode("latin-1").strip()
            if kind == b"mluc":
                rec_len = int.from_bytes(data[offset + 20 + 4 : offset + 20 + 8], "big")
                rec_off = int.from_bytes(data[offset + 20 + 8 : offset + 20 + 12], "big")
                return data[offset + rec_off : offset + rec_off + rec_len].decode("utf-16-be").strip()
    except (IndexError, UnicodeDecodeError):
        return ""
    return ""


# ---------------------------------------------------------------------------------------------------
# Info dictionary and XMP


def xml_escape(text: str) -> str:
    """`&`, `<` and `>` as XML entities — what `xml.sax.saxutils.escape` does, without importing
    xml.sax, which pulls in urllib.request, http.client and ssl (~20 ms of every PDF build)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


@functools.cache
def _info_class() -> type:
    """`_PdfxInfo`, made once ReportLab is wanted (see the imports above)."""
    from reportlab.pdfbase import pdfdoc

    class _PdfxInfo(pdfdoc.PDFInfo):
        """ReportLab's Info dictionary, with fixed dates and the PDF/X version key."""

        def __init__(self, entries: dict[str, Any]) -> None:
            super().__init__()
            self._entries = entries

        def digest(self, md5object: Any) -> None:
            for key in sorted(self._entries):
                md5object.update(repr((key, self._entries[key])).encode("utf-8"))

        def format(self, document: Any) -> bytes:
            items: dict[str, Any] = {}
            for key, value in self._entries.items():
                items[key] = pdfdoc.PDFName(value[1:]) if key == "Trapped" else pdfdoc.PDFString(value)
            return pdfdoc.PDFDictionary(items).format(document)

    return _PdfxInfo


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    issue_date: str
    moment: dt.datetime
    producer: str
    creator: str
    document_id: str
    instance_id: str
    publisher: str = ""
    identifier: str = ""  # e.g. "urn:issn:1234-5678"


def metadata_for(document: Document, content_digest: str) -> Metadata:
    """Everything Info and XMP say, derived from the document only (no clock, no randomness).

    DocumentID names the issue (title + date), so every rebuild of one issue shares it; InstanceID
    names this rendition (a digest of the whole paginated document)."""
    title = document.title or "untitled"
    doc_seed = f"publish:{document.title}:{document.date}".encode()
    return Metadata(
        title=title,
        author=document.author,
        subject=document.subject,
        keywords=document.keywords,
        language=document.language or "zh-CN",
        issue_date=document.date,
        moment=build_time(document),
        producer=f"publish {__version__} (ReportLab)",
        creator=f"publish {__version__}",
        document_id=f"uuid:{uuid.UUID(bytes=hashlib.md5(doc_seed).digest())}",
        instance_id=f"uuid:{uuid.UUID(bytes=bytes.fromhex(content_digest[:32]))}",
        publisher=document.meta.get("publisher", ""),
        identifier=f"urn:issn:{document.meta['issn']}" if document.meta.get("issn") else "",
    )


def info_entries(meta: Metadata, *, pdfx: bool = True) -> dict[str, str]:
    when = pdf_date(meta.moment)
    entries = {
        "Title": meta.title,
        "Author": meta.author,
        "Subject": meta.subject,
        "Keywords": meta.keywords,
        "Creator": meta.creator,
        "Producer": meta.producer,
        "CreationDate": when,
        "ModDate": when,
        "Trapped": "/False",
        "GTS_PDFXVersion": PDFX_VERSION if pdfx else "",
    }
    # Empty strings say nothing and a preflight may flag them as inconsistent with XMP: leave them out.
    return {k: v for k, v in entries.items() if v}


def xmp_packet(meta: Metadata, *, pdfx: bool = True, ua: bool = False) -> bytes:
    """The XMP packet (UTF-8), consistent with the Info dictionary (ISO 15930-7 §6.7.2).

    `pdfx`: identify PDF/X-4; `ua`: identify PDF/UA-1 (ISO 14289-1 §5: `pdfuaid:part` 1)."""
    e = xml_escape
    when = xmp_date(meta.moment)
    lines = [
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '  <rdf:Description rdf:about=""',
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
        '    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"',
        '    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"',
        '    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">',
        "   <dc:format>application/pdf</dc:format>",
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(meta.title)}</rdf:li></rdf:Alt></dc:title>',
    ]
    if meta.author:
        lines.append(f"   <dc:creator><rdf:Seq><rdf:li>{e(meta.author)}</rdf:li></rdf:Seq></dc:creator>")
    if meta.subject:
        lines.append(
            f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(meta.subject)}</rdf:li></rdf:Alt></dc:description>'
        )
    lines.append(f"   <dc:language><rdf:Bag><rdf:li>{e(meta.language)}</rdf:li></rdf:Bag></dc:language>")
    if meta.issue_date:
        lines.append(f"   <dc:date><rdf:Seq><rdf:li>{e(meta.issue_date)}</rdf:li></rdf:Seq></dc:date>")
    if meta.publisher:
        lines.append(
            f"   <dc:publisher><rdf:Bag><rdf:li>{e(meta.publisher)}</rdf:li></rdf:Bag></dc:publisher>"
        )
    if meta.identifier:
        lines.append(f"   <dc:identifier>{e(meta.identifier)}</dc:identifier>")
    lines += [
        f"   <xmp:CreateDate>{when}</xmp:CreateDate>",
        f"   <xmp:ModifyDate>{when}</xmp:ModifyDate>",
        f"   <xmp:MetadataDate>{when}</xmp:MetadataDate>",
        f"   <xmp:CreatorTool>{e(meta.creator)}</xmp:CreatorTool>",
        f"   <pdf:Producer>{e(meta.producer)}</pdf:Producer>",
    ]
    if meta.keywords:
        lines.append(f"   <pdf:Keywords>{e(meta.keywords)}</pdf:Keywords>")
    lines += [
        "   <pdf:Trapped>False</pdf:Trapped>",
        f"   <xmpMM:DocumentID>{meta.document_id}</xmpMM:DocumentID>",
        f"   <xmpMM:InstanceID>{meta.instance_id}</xmpMM:InstanceID>",
        "   <xmpMM:VersionID>1</xmpMM:VersionID>",
        "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        *([f"   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>"] if pdfx else []),
        *(["   <pdfuaid:part>1</pdfuaid:part>"] if ua else []),
        "  </rdf:Description>",
        " </rdf:RDF>",
        "</x:xmpmeta>",
    ]
    # Room for in-place edits by other tools, as XMP recommends (XMP Part 1 §7.3.2).
    lines += [" " * 99] * 10
    lines.append('<?xpacket end="w"?>')
    return "\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------------------------------------------
# Wiring into ReportLab's document


def _metadata_stream(packet: bytes) -> Any:
    from reportlab.pdfbase import pdfdoc

    return pdfdoc.PDFStream(
        dictionary=pdfdoc.PDFDictionary(
            {"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}
        ),
        content=packet,
        filters=[],  # uncompressed, so that any tool (and a human) can read it
    )


def apply_screen(rl_doc: Any, meta: Metadata, *, ua: bool = False) -> None:
    """Info and XMP of the screen edition: as the print's, without the PDF/X identification."""
    rl_doc.info = _info_class()(info_entries(meta, pdfx=False))
    rl_doc.Catalog.Metadata = _metadata_stream(xmp_packet(meta, pdfx=False, ua=ua))


def apply_pdfx(rl_doc: Any, meta: Metadata, profile: OutputProfile, *, ua: bool = False) -> None:
    """Put Info, XMP and the output intent on ReportLab's document before it is serialised."""
    from reportlab.pdfbase import pdfdoc

    rl_doc.info = _info_class()(info_entries(meta))

    metadata = _metadata_stream(xmp_packet(meta, ua=ua))
    icc = pdfdoc.PDFStream(
        dictionary=pdfdoc.PDFDictionary({"N": 4}),
        content=profile.data,
        filters=[CACHED_FLATE],  # the profile is the same in every build: compress it once
    )
    intent = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("OutputIntent"),
            "S": pdfdoc.PDFName("GTS_PDFX"),
            "OutputConditionIdentifier": pdfdoc.PDFString(profile.condition_identifier),
            "OutputCondition": pdfdoc.PDFString(profile.condition),
            "RegistryName": pdfdoc.PDFString("http://www.color.org"),
            "Info": pdfdoc.PDFString(profile.description),
            "DestOutputProfile": rl_doc.Reference(icc, "OutputProfile"),
        }
    )
    catalog = rl_doc.Catalog
    # ReportLab's catalog writes only the keys it lists; widen the list on this instance.
    catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = pdfdoc.PDFArray([intent])
    catalog.Metadata = metadata
