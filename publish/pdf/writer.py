"""Paginated `Document` → print-ready PDF file, drawn with ReportLab's canvas.

In: a `publish.paginate.pages.Document` (coordinates in pt from the trim box's bottom-left), the
build's `FontSet` (registered with ReportLab by `publish.pdf.fonts`; a stand-in may offer
`pdf_font(canvas, face_key) -> ReportLab font name` itself), and the output path.
Out: the PDF at `out_path`, written to a temporary file in the same folder and renamed into place,
byte-identical for the same input. Every page has
- MediaBox = trim + bleed + a margin for crop marks, BleedBox = trim + bleed, TrimBox = trim;
- crop marks at the trim corners, drawn outside the bleed (so a trimmed sheet never shows them);
- every glyph as real, positioned text (one text object per line, characters in reading order);
- all text, rules and marks in pure black, DeviceCMYK 0 0 0 1 (`k`/`K` only, no RGB operators),
  black set to overprint (ExtGState /OP /op true, /OPM 1) so a misregistered plate leaves no halo;
- images converted to CMYK or grayscale (`images.py`);
plus the outline (sections → articles), Info and XMP metadata, and a PDF/X-4 output intent
(`pdfx.py`). We deliberately do not use ReportLab's `cropMarks`/`bleedWidth`: they scale the page
content unevenly and set no TrimBox/BleedBox (measured; docs/design/pdf.md).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Protocol

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from publish.errors import BuildError, Problem
from publish.paginate.pages import Document, OutlineEntry, Page, PlacedImage, Rule, TextLine
from publish.pdf import fastformat, pdfx
from publish.pdf.background import Lane
from publish.pdf.flate import BothMemories, LastBuildStreams, PageStreams, StreamMemory
from publish.pdf.images import ImageConverter, ScreenImages
from publish.pdf.reuse import PageReuse
from publish.pdf.tags import ARTIFACT, EMC, Tagger
from publish.pdf.text import GlyphEncoder, line_operators, num

# Crop marks (ISO 12647-2 practice; what InDesign and Acrobat draw): thin lines continuing the trim
# edges, starting a little outside the bleed so they never print on a trimmed page.
CROP_MARK_GAP = 1 * mm  # between the bleed edge and the start of a mark
CROP_MARK_LENGTH = 6 * mm
CROP_MARK_WIDTH = 0.25  # pt: a hairline that still survives platemaking
MARKS_MARGIN = CROP_MARK_GAP + CROP_MARK_LENGTH + 3 * mm  # room beyond the bleed for the marks


class PdfFonts(Protocol):
    """What the writer draws with (`publish.pdf.fonts.pdf_fonts` makes one of a `FontSet`)."""

    def pdf_font(self, canvas_or_none: Any, face_key: str) -> str: ...


@dataclass(frozen=True)
class Geometry:
    """Page boxes in PDF user space (pt from the MediaBox's bottom-left)."""

    trim_width: float
    trim_height: float
    bleed: float
    margin: float = MARKS_MARGIN

    @property
    def offset(self) -> float:
        """Distance from the MediaBox's corner to the TrimBox's corner."""
        return self.bleed + self.margin

    @property
    def media(self) -> tuple[float, float]:
        return (self.trim_width + 2 * self.offset, self.trim_height + 2 * self.offset)

    @property
    def trim_box(self) -> tuple[float, float, float, float]:
        o = self.offset
        return (o, o, o + self.trim_width, o + self.trim_height)

    @property
    def bleed_box(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.trim_box
        b = self.bleed
        return (x0 - b, y0 - b, x1 + b, y1 + b)

    def crop_marks(self) -> list[tuple[float, float, float, float]]:
        """Eight line segments, two per trim corner, each outside the bleed box."""
        x0, y0, x1, y1 = self.trim_box
        near = self.bleed + CROP_MARK_GAP
        far = near + CROP_MARK_LENGTH
        segments = []
        for x, sx in ((x0, -1), (x1, 1)):
            for y, sy in ((y0, -1), (y1, 1)):
                segments.append((x + sx * near, y, x + sx * far, y))  # horizontal, along the trim edge y
                segments.append((x, y + sy * near, x, y + sy * far))  # vertical, along the trim edge x
        return segments


def write_pdf(document: Document, fonts: Any, out_path: Path | str | BinaryIO, *legacy: Any,
              screen: bool = False, reuse: PageReuse | None = None) -> Path | BinaryIO:
    """Draw `document` into a PDF at `out_path` and return `out_path`: a path (written atomically:
    a temporary file renamed into place) or a binary file object opened for writing (the whole
    file is written with one `write` once it is complete). `reuse`: unchanged pages' text kept
    between the PDFs of a long-lived process (`publish.pdf.reuse`; the same bytes either way).

    Also accepts the older call `write_pdf(document, layout, fonts, out_path)` from the first stage contracts:
    the layout's print settings already travel in the Document, so the layout is not needed.
    """
    if legacy:
        fonts, out_path = out_path, legacy[0]  # type: ignore[assignment]
    if not isinstance(out_path, (str, os.PathLike)):
        if not hasattr(out_path, "write"):
            raise TypeError(f"out_path must be a path or a binary file object, not {type(out_path).__name__}")
        out_path.write(render_pdf(document, fonts, screen=screen, reuse=reuse))
        return out_path
    out_path = Path(out_path)
    _check_document(document)
    if out_path.is_dir():
        raise BuildError(Problem(f"{out_path} is a folder", fix="give the path of the PDF file to write"))
    data = render_pdf(document, fonts, screen=screen, reuse=reuse)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    except OSError as err:
        raise BuildError(
            Problem(f"cannot write {out_path}: {err.strerror}", fix="choose a folder you can write to")
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, out_path)
    except OSError as err:
        Path(tmp_name).unlink(missing_ok=True)
        raise BuildError(
            Problem(f"cannot write {out_path}: {err.strerror}", fix="check free space and permissions")
        ) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return out_path


def render_pdf(document: Document, fonts: Any, *, screen: bool = False, reuse: PageReuse | None = None) -> bytes:
    """The PDF file's bytes for `document` (what `write_pdf` writes).

    `screen=True`: the screen edition of the same pages — trim size, no bleed and no marks, RGB,
    the contents entries linked to the articles (see `render_screen_pdf`)."""
    _check_document(document)
    # ReportLab wraps streams in ASCII85 when its process-wide `rl_config.useA85` is on (the
    # default; a 7-bit-clean habit from the 1990s): 25 % larger files and a re-encoded JPEG for
    # nothing. That switch belongs to the whole process (other threads, other libraries), so it is
    # never changed here: this document's page streams and images are made without ASCII85
    # whatever it says (`_flate_only`, `_PrintCanvas.drawImage`).
    return _render(document, fonts, screen=screen, reuse=reuse)


def render_screen_pdf(document: Document, fonts: Any, *, reuse: PageReuse | None = None) -> bytes:
    """The screen PDF's bytes: the print edition's pages (the same `Document`, not set again) at
    the trim size without bleed or crop marks, in RGB, tagged, with the contents entries linked to
    the articles' first pages, an outline (contents, sections, articles), `/Lang`, the title shown
    in the viewer's title bar (`DisplayDocTitle`) and page labels = the printed folios."""
    return render_pdf(document, fonts, screen=True, reuse=reuse)


def write_screen_pdf(document: Document, fonts: Any, out_path: Path | str | BinaryIO, *,
                     reuse: PageReuse | None = None) -> Path | BinaryIO:
    """Write `render_screen_pdf(document, fonts)` to `out_path` (a path, written atomically, or a
    binary file object); returns `out_path`. `reuse`: the `PageReuse` the print PDF of the same
    `Document` was drawn with — its line operators are taken instead of formatted again (the same
    bytes either way)."""
    return write_pdf(document, fonts, out_path, screen=True, reuse=reuse)


CONTENTS_OUTLINE_TITLE = "目录"

# Worker threads (`publish.pdf.background`): one compresses page streams while the next pages are
# drawn, one converts and compresses pictures. Two, so that a page never waits behind a picture.
_PAGES = Lane("publish-pdf-pages")
_PICTURES = Lane("publish-pdf-pictures")


def start_pictures(*documents: Document) -> None:
    """Start converting and compressing the print pictures of `documents` on a worker thread, for
    `write_pdf`/`render_pdf` of the same documents to take when they place them — the same bytes
    (`ImageConverter.prefetch`). The writer starts a document's pictures itself when it begins
    drawing it; a caller that knows a document's pages earlier (a covers file written after other
    work) can start them sooner. Problems are left to the writer, which reports them as it always
    does; with one thread (`PUBLISH_JOBS=1`) this does nothing."""
    if not _PICTURES.threaded:
        return
    for document in documents:
        paths = _picture_paths(document)
        if not paths:
            continue
        try:
            profile = pdfx.load_output_profile(document)
        except BuildError:
            continue  # the writer reports it
        ImageConverter(profile.data).prefetch(paths, _PICTURES)


def pictures_cached(document: Document) -> bool:
    """Are all the print pictures of `document` in the build cache (converted ahead by the build's
    first helper, `publish.pdf.ahead`), so that whoever writes it only takes them? False when its
    output profile cannot be loaded (the writer reports it)."""
    paths = _picture_paths(document)
    if not paths:
        return True
    try:
        converter = ImageConverter(pdfx.load_output_profile(document).data)
    except BuildError:
        return False
    return all(converter.is_cached(path) for path in paths)


def _picture_paths(document: Document) -> list[Path]:
    """The pictures placed on `document`'s pages, in the order they are drawn."""
    return [item.path for page in document.pages for item in page.items
            if type(item) is PlacedImage and item.w > 0 and item.h > 0]


def _render(document: Document, fonts: Any, *, screen: bool, reuse: PageReuse | None = None) -> bytes:
    from publish.pdf.fonts import pdf_fonts

    fonts = pdf_fonts(fonts)
    if reuse is not None:
        reuse.begin(fonts, screen)
    if screen:
        geometry = Geometry(document.trim_width, document.trim_height, 0.0, 0.0)
    else:
        geometry = Geometry(document.trim_width, document.trim_height, document.bleed)
    profile = None if screen else pdfx.load_output_profile(document)
    boxes = {} if screen else {"trimBox": geometry.trim_box, "bleedBox": geometry.bleed_box}
    canvas = _PrintCanvas(
        None,
        pagesize=geometry.media,
        pageCompression=1,
        invariant=1,  # no clock, no random ids (dates are fixed by pdfx below)
        # PDF/X-4 is based on PDF 1.6 (ISO 15930-7 §4); the screen edition is plain PDF 1.7
        pdfVersion=(1, 7) if screen else (1, 6),
        # print: any accidental RGB colour is converted, never written; screen: RGB only
        enforceColorSpace="rgb" if screen else "cmyk",
        lang=document.language or None,
        **boxes,
    )
    _seed_time(canvas._doc)
    try:
        data = _draw(canvas, document, fonts, geometry, profile, screen, reuse)
        if reuse is not None:
            reuse.finish()
        return data
    finally:
        release = getattr(fonts, "release_pdf", None)  # PdfFonts has it; a test double may not
        if release is not None:
            release(canvas._doc)


def _seed_time(doc: Any) -> None:
    """ReportLab seeds the file ID (and its own timestamp) with `SOURCE_DATE_EPOCH` read from the
    environment when the document is made; a time given in the settings instead (a Publisher's
    `source_date_epoch`) must give the same bytes, so the document is seeded with it the same way."""
    from publish import settings

    given = settings.current().source_date_epoch
    if given is None:
        return  # ReportLab read the environment, as the settings do
    import time

    signature = hashlib.md5(usedforsecurity=False)
    signature.update(b"a reportlab document")
    signature.update(ascii(int(given)).encode("ascii"))
    doc.signature = signature
    stamp = doc._timeStamp
    stamp.t, stamp.lt, stamp.tzname, stamp.dhh, stamp.dmm = int(given), time.gmtime(int(given)), "UTC", 0, 0
    stamp.YMDhms = tuple(stamp.lt)[:6]


def _draw(canvas: Canvas, document: Document, fonts: Any, geometry: Geometry, profile: Any,
          screen: bool, reuse: PageReuse | None = None) -> bytes:
    images: ScreenImages | ImageConverter
    if screen:
        images = ScreenImages()
    else:
        images = ImageConverter(profile.data)
        if _PICTURES.threaded:
            images.prefetch(_picture_paths(document), _PICTURES)  # (those a build has not started already)
    # Unchanged pages' compressed streams: a long-lived process's own of its last PDF of this
    # edition (a watch session: `reuse`), else the last build's (`LastBuildStreams`) — also when a
    # build's `reuse` only carries the print PDF's line operators over to the screen PDF. Each
    # other page's stream is compressed on a thread while the next page is drawn.
    last_build = None
    if reuse is None or not reuse.holds_streams(screen):
        last_build = LastBuildStreams(_page_streams_name(document, screen))
    memory: StreamMemory
    if last_build is None:
        memory = reuse  # type: ignore[assignment]
    elif reuse is None:
        memory = last_build
    else:
        memory = BothMemories(reuse, last_build)
    streams = PageStreams(memory, _PAGES)
    try:
        return _draw_pages(canvas, document, fonts, geometry, profile, screen, reuse, images, streams,
                           last_build)
    finally:
        streams.finish()  # (drawn already, or the drawing failed: the page job ends either way)


def _draw_pages(canvas: Canvas, document: Document, fonts: Any, geometry: Geometry, profile: Any,
                screen: bool, reuse: PageReuse | None, images: Any, streams: PageStreams,
                last_build: LastBuildStreams | None) -> bytes:
    rl_doc = canvas._doc
    pages = rl_doc.Pages.pages
    tagger = Tagger(document, links=screen, offset=geometry.offset)
    drawer = _PageDrawer(canvas, fonts, geometry, images, tagger, screen=screen, reuse=reuse)

    outline = document.outline
    if screen:
        contents = next((p.index for p in document.pages if p.kind == "contents"), None)
        if contents is not None:
            outline = (OutlineEntry(CONTENTS_OUTLINE_TITLE, 0, contents, document.trim_height), *outline)
    by_page: dict[int, list[tuple[int, OutlineEntry]]] = {}
    for n, entry in enumerate(outline):
        by_page.setdefault(entry.page, []).append((n, entry))
    for position, page in enumerate(document.pages):
        tagger.start_page(position)
        drawer.draw(page)
        for n, entry in by_page.get(position, []):
            o = geometry.offset
            canvas.bookmarkHorizontalAbsolute(
                f"outline{n}", top=o + min(entry.y, document.trim_height), left=o
            )
        canvas.showPage()
        streams.start(pages[-1].stream)
    streams.finish()
    _add_outline(canvas, outline)
    _add_page_labels(canvas, document.pages)
    shared = _SharedPageParts()
    for rl_page in pages:
        _flate_only(rl_page, streams)
        rl_page.Trans = None  # ReportLab writes an empty /Trans << >> (a slide-show transition) otherwise
        if type(rl_page) is pdfdoc.PDFPage:
            rl_page.__class__ = _TaggedPage
        shared.share(rl_page)
    tagger.finish(rl_doc, rl_doc.Pages.pages, {a.slug: a.title for a in document.articles})
    digest = _content_digest(document, rl_doc, screen)
    rl_doc.updateSignature(digest)  # the file ID depends on the content, not only on the date
    meta = pdfx.metadata_for(document, digest)
    # A file whose pages hold no article text (the covers file: all art and artifacts) makes no
    # accessibility claim, though it passes the checks: a reader would find nothing to read.
    ua = PDF_UA and tagger.has_content
    if screen:
        pdfx.apply_screen(rl_doc, meta, ua=ua)
    else:
        pdfx.apply_pdfx(rl_doc, meta, profile, ua=ua)  # type: ignore[arg-type]
    if reuse is not None:
        reuse.flush()  # the kept pages' characters into the subsets, before the fonts are written
    fastformat.speed_up(rl_doc)  # the structure tree's dictionaries: the same bytes, faster
    data = canvas.getpdfdata()
    if last_build is not None:
        last_build.store()
    return data


def _page_streams_name(document: Document, screen: bool) -> str:
    """Which document's page streams of the last build a build looks in (`LastBuildStreams`): the
    edition, the title and the kinds of pages (an issue's pages and its covers file are two)."""
    kinds = " ".join(sorted({p.kind for p in document.pages}))
    return f"{'screen' if screen else 'print'}\0{document.title}\0{kinds}"


# Both files identify themselves as PDF/UA-1 (ISO 14289-1) in their XMP: tests/test_pdf_tagged.py runs
# the `pdfua` package's machine-checkable PDF/UA-1 rules on both and fails if any is broken.
PDF_UA = True


def _content_digest(document: Document, rl_doc: Any, screen: bool = False) -> str:
    """A digest of what the file shows: the drawn page streams (which name images by a digest of
    their data) plus everything else the writer takes from the Document. Hashing the streams is
    ten times cheaper than hashing the Document's repr."""
    h = hashlib.sha256()
    if screen:
        h.update(b"screen\0")
    rest = (
        document.trim_width,
        document.trim_height,
        document.bleed,
        document.title,
        document.author,
        document.subject,
        document.keywords,
        document.language,
        document.date,
        document.outline,
        document.output_intent,
        document.output_condition,
        tuple(p.folio for p in document.pages),
    )
    h.update(repr(rest).encode("utf-8"))
    for page in rl_doc.Pages.pages:
        h.update(b"\0page\0")
        h.update(page.stream.encode("utf-8") if isinstance(page.stream, str) else page.stream)
    return h.hexdigest()


def _check_document(document: Document) -> None:
    problems = []
    if document.trim_width <= 0 or document.trim_height <= 0:
        problems.append(
            Problem(
                f"trim size {document.trim_width} × {document.trim_height} pt is empty",
                fix="check the layout's trim",
            )
        )
    if document.bleed < 0:
        problems.append(Problem(f"bleed {document.bleed} pt is negative", fix="check the layout's bleed"))
    if not document.pages:
        problems.append(Problem("the document has no pages", fix="add at least one article to the issue"))
    for entry in document.outline:
        if not 0 <= entry.page < len(document.pages):
            problems.append(
                Problem(f"outline entry {entry.title!r} points at page {entry.page}, which does not exist")
            )
    if problems:
        raise BuildError(*problems)


def _add_outline(canvas: Canvas, outline: tuple[OutlineEntry, ...]) -> None:
    """Bookmarks: sections at level 0, their articles at level 1 (a level never jumps by more than 1,
    which ReportLab and the PDF outline tree require)."""
    if not outline:
        return
    previous = -1
    for n, entry in enumerate(outline):
        level = max(0, min(entry.level, previous + 1))
        canvas.addOutlineEntry(entry.title, f"outline{n}", level=level, closed=False)
        previous = level
    canvas.showOutline()


def _add_page_labels(canvas: Canvas, pages: tuple[Page, ...]) -> None:
    """Page labels = the printed folios, so a viewer's page box (and `publish preview`) speaks the
    printer's numbers (PDF 32000-1 §12.4.2). A page without a folio gets an empty label."""
    previous: int | None = None
    for position, page in enumerate(pages):
        folio = page.folio if page.folio is not None and page.folio >= 1 else None
        if folio is None:
            if position == 0 or previous is not None:
                canvas.addPageLabel(position)
        elif previous is None or folio != previous + 1:
            canvas.addPageLabel(position, style="ARABIC", start=folio)
        previous = folio


class _FormatOnce(pdfdoc.PDFObject):
    """A direct object that many pages write identically: ReportLab formats it once, the other
    pages repeat those bytes."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj
        self.data: bytes | None = None

    def format(self, document: Any) -> bytes:
        if self.data is None:
            self.data = self.obj.format(document)
        return self.data


class _Unshareable(Exception):
    pass


def _structure(value: Any) -> Any:
    """A hashable picture of a resource value, as exact as its PDF bytes: equal pictures format to
    equal bytes within one document. Anything unforeseen raises `_Unshareable` (no sharing then)."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return (kind.__name__, value)
    if kind is pdfdoc.PDFObjectReference:
        return ("ref", value.name)
    if kind is pdfdoc.PDFDictionary:
        return ("PDFDictionary", _structure(value.dict))
    if kind is pdfdoc.PDFArray:
        return ("PDFArray", _structure(value.sequence))
    if kind is dict:
        return ("dict", tuple((_structure(k), _structure(v)) for k, v in value.items()))
    if kind in (list, tuple):
        return (kind.__name__, tuple(_structure(v) for v in value))
    raise _Unshareable


class _SharedPageParts:
    """What every page repeats — the MediaBox, BleedBox and TrimBox arrays and, nearly always, the
    same /Resources (fonts, procsets, the overprint ExtGStates) — ReportLab would format anew on
    each page (~8 ms an issue). Here each distinct value is one object that ReportLab itself formats
    once; the other pages repeat those bytes, so the output cannot differ."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[float, ...], _FormatOnce] = {}
        self._resources: dict[Any, _FormatOnce] = {}

    def _shared_array(self, numbers: Any) -> _FormatOnce:
        key = tuple(numbers)
        if key not in self._arrays:
            self._arrays[key] = _FormatOnce(pdfdoc.PDFArray(key))
        return self._arrays[key]

    def share(self, page: Any) -> None:
        for name in ("TrimBox", "BleedBox"):
            box = getattr(page, name, None)
            if box is not None and type(box) is pdfdoc.PDFArray:
                setattr(page, name, self._shared_array(box.sequence))
        if page.MediaBox is None and page.Rotate not in (90, 270):
            # what PDFPage.check_format would set: [0 0 width height]
            page.MediaBox = self._shared_array([0, 0, page.pagewidth, page.pageheight])
        if type(page) in (pdfdoc.PDFPage, _TaggedPage):
            # ReportLab makes a page's resources only when it writes the page (check_format):
            # a subclass adopts them then.
            page.__class__ = _PrintPage
            page.shared_parts = self

    def resources(self, resources: Any) -> Any:
        if type(resources) is not pdfdoc.PDFResourceDictionary:
            return resources
        try:
            # exactly the attributes PDFResourceDictionary.format reads
            key = tuple(
                (name, _structure(getattr(resources, name, None)))
                for name in (*resources.dict_attributes, "ProcSet")
            )
        except _Unshareable:
            return resources
        if key not in self._resources:
            self._resources[key] = _FormatOnce(resources)
        return self._resources[key]


class _TaggedPage(pdfdoc.PDFPage):
    """ReportLab's page, writing the tagged PDF's keys too (`/StructParents`, `/Tabs`)."""

    __NoDefault__: ClassVar[list[str]] = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]


class _PrintPage(_TaggedPage):
    """A tagged page sharing its /Resources with the pages that have the same (see above)."""

    shared_parts: _SharedPageParts
    Resources: Any

    def check_format(self, document: Any) -> None:
        super().check_format(document)
        self.Resources = self.shared_parts.resources(self.Resources)

    def format(self, document: Any) -> bytes:
        """`PDFPage.format`, its dictionary written by `fastformat` (the same bytes)."""
        if not fastformat.usable():
            return super().format(document)
        self.check_format(document)
        entries = {}
        for key, default in self.__Defaults__.items():
            value = getattr(self, key, default)
            if value is not None:
                entries[key] = value
        for key in self.__NoDefault__:
            value = getattr(self, key, None)
            if value is not None:
                entries[key] = value
        for key in self.__Refs__:  # objects written as references, as ReportLab does
            if key in entries:
                entries[key] = document.Reference(entries[key])
        return fastformat.FastDictionary(entries).format(document)


class _PrintCanvas(Canvas):
    """A canvas whose page preamble sets no font: ReportLab's sets Helvetica (or `initialFontName`)
    in every page, which lists an unembedded standard font in the PDF — a preflight error."""

    def _make_preamble(self) -> None:
        self._preamble = "1 0 0 1 0 0 cm"

    def drawImage(self, image: Any, *args: Any, **kwargs: Any) -> Any:
        """ReportLab's drawImage; the image's stream then loses the ASCII85 layer that
        `rl_config.useA85` may have put on it (decoding restores the exact bytes)."""
        done = super().drawImage(image, *args, **kwargs)
        for obj in self._doc.idToObject.values():
            if isinstance(obj, pdfdoc.PDFImageXObject):
                _without_a85(obj)
        return done


def _flate_only(page: Any, flate: Any = pdfdoc.PDFZCompress) -> None:
    """Give the page the content stream `PDFPage.check_format` would make, with Flate alone
    whatever `rl_config.useA85` says (check_format keeps a stream it finds); `flate`: ReportLab's
    filter or one giving the same bytes (`publish.pdf.flate.PageStreams`)."""
    if page.compression and not page.Contents and page.stream:
        contents = _PageStream()
        contents.filters = [flate]
        contents.content = page.stream
        contents.__Comment__ = "page stream"
        page.Contents = contents


class _PageStream(pdfdoc.PDFStream):
    """A page's content stream: `PDFStream.format` with its dictionary (/Filter, /Length) written
    by `fastformat` (the same bytes)."""

    def format(self, document: Any) -> bytes:
        if not fastformat.usable():
            return super().format(document)
        dictionary = fastformat.FastDictionary(self.dictionary.dict)
        content, filters = self.content, self.filters
        if content is None:
            raise ValueError("stream content not set")
        if filters is None:
            filters = document.defaultStreamFilters
        if filters is not None and "Filter" not in dictionary.dict:
            names: list[str] = []
            for f in reversed(list(filters)):  # applied in reverse order, as ReportLab does
                content = f.encode(content)
                names.insert(0, pdfdoc.PDFName(f.pdfname))
            dictionary["Filter"] = pdfdoc.PDFArray(names)
        content = document.encrypt.encode(content)
        data = pdfdoc.format(content, document)
        dictionary["Length"] = len(content)
        return pdfdoc.format(dictionary, document) + b"\nstream\n" + data + b"endstream\n"


def _without_a85(image: Any) -> None:
    filters = tuple(getattr(image, "_filters", ()) or ())
    if filters[:1] == ("ASCII85Decode",):
        from reportlab.lib.rl_accel import asciiBase85Decode

        content = image.streamContent
        image.streamContent = asciiBase85Decode(content if isinstance(content, str) else content.decode("latin-1"))
        image._filters = filters[1:]


def _font_of(fonts: PdfFonts, canvas: Canvas, faces: dict[str, Any]) -> Callable[[str], Any]:
    """face → the ReportLab font drawing it (registered with `canvas` on first use, then kept in
    `faces`). A function of its own, not a method of the `_PageDrawer`: the drawer's `GlyphEncoder`
    holds it, and drawer → encoder → drawer would be a reference cycle, which the paused cycle
    collector (`publish.build._gc_paused`) never frees — and through the encoder it would keep the
    whole ReportLab document of each PDF (~4 MB for the example issue's print PDF) to the end of
    the build."""

    def font(face: str) -> Any:
        if face not in faces:
            try:
                name = fonts.pdf_font(canvas, face)
            except KeyError:
                raise BuildError(
                    Problem(f"no font for face {face!r}", fix="check the font roles (`publish fonts`)")
                ) from None
            faces[face] = pdfmetrics.getFont(name)
        return faces[face]

    return font


class _PageDrawer:
    def __init__(self, canvas: Canvas, fonts: PdfFonts, geometry: Geometry, images: Any, tagger: Tagger,
                 *, screen: bool = False, reuse: PageReuse | None = None) -> None:
        self.canvas = canvas
        self.reuse = reuse
        self.fonts = fonts
        self.geometry = geometry
        self.images = images
        self.tagger = tagger
        self.screen = screen
        self._faces: dict[str, Any] = {}
        self.encoder = GlyphEncoder(canvas._doc, _font_of(fonts, canvas, self._faces), canvas._escape)
        # The marks are the same on every page: format their path once.
        self._crop_path = (
            " ".join(f"{num(x1)} {num(y1)} m {num(x2)} {num(y2)} l" for x1, y1, x2, y2 in geometry.crop_marks())
            + " S"
        )

    def font(self, face: str) -> Any:
        return self.encoder.font_for_face(face)

    def draw(self, page: Page) -> None:
        c = self.canvas
        code = c._code
        tagger = self.tagger
        encoder = self.encoder
        # an unchanged page's line operators as drawn last time (`publish.pdf.reuse`), by (item,
        # part of it), each used when its part has the glyph count it had; `drawn` collects them
        # for the next time
        reuse = self.reuse
        kept = reuse.kept_parts(page, self.font, c._doc) if reuse is not None else None
        drawn: dict[tuple[int, int], tuple[int, str]] | None = {} if reuse is not None and kept is None else None
        c.saveState()
        if self.screen:
            c.setFillColorRGB(0, 0, 0)
            c.setStrokeColorRGB(0, 0, 0)
        else:
            # Black, overprinting, for everything but images (PDF 32000-1 §8.6.7: OPM 1 makes
            # 0-valued components leave the plates underneath alone).
            c.setFillColorCMYK(0, 0, 0, 1)
            c.setStrokeColorCMYK(0, 0, 0, 1)
            c._setFillOverprint(True)
            c._setStrokeOverprint(True)
            c._setOverprintMask(True)
        c.saveState()
        c.translate(self.geometry.offset, self.geometry.offset)
        for i, item in enumerate(page.items):
            if type(item) is TextLine or isinstance(item, TextLine):
                # (a line kept from the last PDF had glyphs: the same object has them now)
                if (kept is None or (i, 0) not in kept) and not len(item.glyphs):
                    continue
                # each line is one marked-content sequence of its structure element (tags.py); a
                # list item's first line two: its label and the rest
                parts = tagger.parts(item)
                if kept is None and len(parts) == 1:  # (nearly every line drawn: the loop below, shorter)
                    opening, part = parts[0]
                    operators = line_operators(part, encoder)
                    code.extend((opening, operators, EMC))
                    if drawn is not None:
                        drawn[(i, 0)] = (-1 if part is item else len(part.glyphs), operators)
                    continue
                for j, (opening, part) in enumerate(parts):
                    code.append(opening)
                    known = kept.get((i, j)) if kept is not None else None
                    # a kept part is the same line when it was the whole line then and is now
                    # (-1), or has as many glyphs as then (a list item's label, its rest)
                    if known is not None and (known[0] == -1 if part is item else known[0] == len(part.glyphs)):
                        code.append(known[1])
                    else:
                        operators = line_operators(part, encoder)
                        code.append(operators)
                        if drawn is not None:
                            drawn[(i, j)] = (-1 if part is item else len(part.glyphs), operators)
                    code.append(EMC)
            elif isinstance(item, Rule):
                # A width of 0 means "the thinnest line the device can draw", which differs from
                # press to press and is a preflight error: such a rule is left out instead.
                if item.width > 0:
                    code.append(tagger.rule(item))
                    c.setLineWidth(item.width)
                    c.line(item.x1, item.y1, item.x2, item.y2)
                    code.append(EMC)
            elif isinstance(item, PlacedImage):
                code.append(tagger.image(item))
                self._image(item)
                code.append(EMC)
            else:  # pragma: no cover - the page structure is closed
                raise BuildError(Problem(f"page {page.index}: cannot draw {type(item).__name__}"))
        c.restoreState()
        if not self.screen:
            self._crop_marks()
        c.restoreState()
        if drawn is not None and self.reuse is not None:
            self.reuse.keep(page, self.font, c._doc, drawn)

    def _image(self, item: PlacedImage) -> None:
        if not (item.w > 0 and item.h > 0):
            raise BuildError(
                Problem(
                    f"image {item.path} is placed {item.w} × {item.h} pt",
                    item.path,
                    fix="check the figure's size",
                )
            )
        c = self.canvas
        c.saveState()
        if not self.screen:
            # Images knock out: overprinting a CMYK photo would mix it with whatever lies beneath.
            c._setFillOverprint(False)
            c._setStrokeOverprint(False)
            c._setOverprintMask(False)
        if item.clip is not None and not self.screen:
            x0, y0, x1, y1 = item.clip
            path = c.beginPath()
            path.rect(x0, y0, x1 - x0, y1 - y0)
            c.clipPath(path, stroke=0, fill=0)
        x, y, w, h = item.x, item.y, item.w, item.h
        if self.screen:
            # The screen page is the trim: a picture that runs into the bleed is cut to the trim
            # (and to its clip), so that nothing is drawn where no reader sees it.
            box = (0.0, 0.0, self.geometry.trim_width, self.geometry.trim_height)
            if item.clip is not None:
                box = (max(box[0], item.clip[0]), max(box[1], item.clip[1]),
                       min(box[2], item.clip[2]), min(box[3], item.clip[3]))
            vx0, vy0 = max(x, box[0]), max(y, box[1])
            vx1, vy1 = min(x + w, box[2]), min(y + h, box[3])
            if vx1 <= vx0 or vy1 <= vy0:
                c.restoreState()
                return
            if (vx0, vy0, vx1, vy1) != (x, y, x + w, y + h):
                fractions = ((vx0 - x) / w, 1 - (vy1 - y) / h, (vx1 - x) / w, 1 - (vy0 - y) / h)
                c.drawImage(self.images.cropped(item.path, fractions), vx0, vy0, width=vx1 - vx0,
                            height=vy1 - vy0)
                c.restoreState()
                return
            c.drawImage(self.images.reader(item.path), x, y, width=w, height=h)
            c.restoreState()
            return
        self._draw_stream(self.images.stream(item.path), item)
        c.restoreState()

    def _draw_stream(self, stream, item: PlacedImage) -> None:
        """Place an `ImageStream` as an image XObject (what `canvas.drawImage` does, without its
        re-reading, re-compressing and MD5-naming of the pixels: the stream comes ready, often
        from the build cache)."""
        c = self.canvas
        doc = c._doc
        name = f"img{stream.digest}"
        reg = doc.getXObjectName(name)
        if doc.idToObject.get(reg) is None:
            obj = _PngImageXObject(name, stream) if stream.png_rows else pdfdoc.PDFImageXObject(name)
            obj.width, obj.height, obj.bitsPerComponent = stream.width, stream.height, stream.bits
            obj.colorSpace = stream.color_space
            obj._filters = (stream.filter,)
            obj.streamContent = stream.data
            obj.mask = None
            if stream.inverted:
                obj._dotrans = 1
            c._setXObjects(obj)
            doc.Reference(obj, reg)
            doc.addForm(name, obj)
        c._currentPageHasImages = 1
        c.saveState()
        c.translate(item.x, item.y)
        c.scale(item.w, item.h)
        c._code.append(f"/{reg} Do")
        c.restoreState()
        c._formsinuse.append(name)

    def _crop_marks(self) -> None:
        c = self.canvas
        c.setLineWidth(CROP_MARK_WIDTH)
        c.setLineCap(0)
        c._code.append(ARTIFACT)  # printer's marks are not content (ISO 32000-1 §14.8.2.2)
        c._code.append(self._crop_path)
        c._code.append(EMC)


class _PngImageXObject(pdfdoc.PDFImageXObject):
    """An image XObject whose data is a PNG's own rows (`ImageStream.png_rows`): ReportLab's
    writes its colour space as a name and no /DecodeParms; this one writes
    `[/Indexed /DeviceCMYK hival <lookup>]` (ISO 32000-1 §8.6.6.3) when the stream has a lookup,
    and the PNG predictor parameters of its FlateDecode filter (§7.4.4.4, Table 8)."""

    def __init__(self, name: str, stream: Any) -> None:
        super().__init__(name)
        self._stream = stream

    def format(self, document: Any) -> bytes:
        stream = self._stream
        pdf = pdfdoc.PDFStream(content=self.streamContent)
        d = pdf.dictionary
        d["Type"] = pdfdoc.PDFName("XObject")
        d["Subtype"] = pdfdoc.PDFName("Image")
        d["Width"] = stream.width
        d["Height"] = stream.height
        d["BitsPerComponent"] = stream.bits
        base = pdfdoc.PDFName(stream.color_space)
        if stream.lookup:
            # the lookup as a hexadecimal string: plain ASCII, no escaping of its bytes needed
            lookup = b"<" + stream.lookup.hex().upper().encode() + b">"
            d["ColorSpace"] = pdfdoc.PDFArray([pdfdoc.PDFName("Indexed"), base, stream.hival, lookup])
        else:
            d["ColorSpace"] = base
        d["Filter"] = pdfdoc.PDFName(stream.filter)
        d["DecodeParms"] = pdfdoc.PDFDictionary({"Predictor": 15, "Colors": 1,
                                                 "BitsPerComponent": stream.bits, "Columns": stream.width})
        result: bytes = pdf.format(document)
        return result
