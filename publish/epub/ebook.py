"""ebooklib 0.20, corrected by subclassing (not forking) its items and writer.

In: an `ebooklib.epub.EpubBook` filled by `publish.epub.writer`, the page targets (page-list) and a
fixed timestamp. Out: the EPUB container written to a given path, byte-identical for identical input.

Each fix names its defect number in docs/design/epub.md §2:
- #1  zip entries stamped with the local time → `ReproducibleWriter.write` writes every entry with a
      fixed `date_time`, fixed permissions and `create_system`, in a fixed order, `mimetype` first
      and stored (EPUB 3.3 OCF §The mimetype file).
- #2  `dcterms:modified` in local time labelled `Z` → we pass `mtime` as a naive UTC datetime.
- #4  page-list built from every element with `epub:type` + `id` → the writer's own page-list is
      switched off (`epub3_pages=False`) and `_get_nav` writes one from the page-break markers only.
- #6  nav `id="id"`, landmarks not hidden, English labels → `_get_nav` removes the ids, hides the
      landmarks (EPUB 3.3 §5.4.2.3: `hidden` on navs not meant for display) and the labels are Chinese.
- #7  no NCX `pageList`, depth and page counts 0 → `_get_ncx` fills them in.
- #8/#16  head and body attributes dropped; `<span/>` → `ZhHtml` hands over a finished document.
- #18 only `OSError` is raised by `write_epub` → we call the writer directly, so every error propagates.
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from ebooklib import epub
from lxml import etree

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML_TYPE = "application/xhtml+xml"


@dataclass(frozen=True)
class PageTarget:
    """One entry of the page-list: the print folio label and the marker it links to."""

    label: str
    href: str  # relative to the package folder, e.g. "text/a01.xhtml#page-3"


class ZhHtml(epub.EpubHtml):
    """A content document whose complete XHTML is made by us (`publish.epub.xhtml`).

    ebooklib's `get_content` rebuilds the document from a template and keeps only the body's
    children: it drops our <head>, the <body> attributes and re-serialises empty elements as
    `<span/>` (defects #8, #16). Returning our bytes keeps all of it.
    """

    def __init__(self, *, uid: str, file_name: str, title: str, lang: str, document: bytes) -> None:
        # the media type given (see `Cover`): ebooklib's `add_item` would ask `mimetypes` for it
        super().__init__(uid=uid, file_name=file_name, title=title, lang=lang, media_type=XHTML_TYPE)
        self.document = document
        self.content = document  # what ebooklib's own helpers (get_body_content) would parse

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.document


class Cover(epub.EpubCover):
    """The cover image item, its media type given (PNG or JPEG: `publish.epub.cover.image_type`).

    ebooklib's `set_cover` makes it without one, and `add_item` then asks `mimetypes`, whose first
    use reads the system's mime.types (~1.8 ms of the EPUB helper, and a media type that would
    follow whatever that file says). With every item's type given (`ZhHtml`, and ebooklib's own
    navigation, NCX and image items), the EPUB's manifest says what it said, read from nowhere."""

    def __init__(self, *, file_name: str, content: bytes, media_type: str) -> None:
        super().__init__(file_name=file_name)
        self.media_type = media_type
        self.content = content


def set_cover(book: epub.EpubBook, cover: Cover) -> None:
    """What `book.set_cover(file_name, content, create_page=False)` does, with a `Cover`: the
    cover-image item and the EPUB 2 `<meta name="cover">`."""
    book.add_item(cover)
    book.add_metadata(None, "meta", "", OrderedDict([("name", "cover"), ("content", "cover-img")]))


class _FixedTimeZip:
    """The part of `zipfile.ZipFile` ebooklib's writer uses (`writestr`), with fixed metadata."""

    def __init__(self, zf: zipfile.ZipFile, date_time: tuple[int, int, int, int, int, int]) -> None:
        self.zf = zf
        self.date_time = date_time

    def writestr(self, name: str, data: str | bytes, compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = compress_type
        info.create_system = 3  # Unix, whatever system builds the file
        info.external_attr = 0o100644 << 16  # regular file, rw-r--r--
        if isinstance(data, str):
            data = data.encode("utf-8")
        # Level 6: the fonts (most of the bytes) barely compress; level 9 cost 0.24 s for 0.4 %.
        self.zf.writestr(info, data, compresslevel=6 if compress_type == zipfile.ZIP_DEFLATED else None)

    def close(self) -> None:
        self.zf.close()


def zip_date_time(moment: _dt.datetime) -> tuple[int, int, int, int, int, int]:
    """The zip entry time for `moment` (UTC): zip cannot store dates before 1980."""
    moment = max(moment, _dt.datetime(1980, 1, 1, tzinfo=_dt.UTC))
    # The zip format stores even seconds only; round down so that the value is exact.
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


class ReproducibleWriter(epub.EpubWriter):
    """`EpubWriter` with reproducible output, Chinese navigation and a print page-list."""

    def __init__(self, name: str | BinaryIO, book: epub.EpubBook, *, modified: _dt.datetime,
                 page_targets: Sequence[PageTarget], page_list_title: str = "页码",
                 landmarks_title: str = "导航") -> None:
        if modified.tzinfo is None:
            raise ValueError("modified must be timezone-aware")
        utc = modified.astimezone(_dt.UTC)
        super().__init__(name, book, {
            # 0.20 formats `mtime` with strftime(...Z) and no conversion: hand it UTC (defect #2).
            "mtime": utc.replace(tzinfo=None),
            "epub3_pages": False,  # ebooklib's scan lists any epub:type+id element (defect #4)
            "epub3_landmark": True,
            "epub2_guide": True,
            "landmark_title": landmarks_title,
            "pages_title": page_list_title,
            "raise_exceptions": True,
            "play_order": {"enabled": False, "start_from": 1},
        })
        self.modified = utc
        self.page_targets = tuple(page_targets)
        self.page_list_title = page_list_title

    # ── OPF ───────────────────────────────────────────────────────────────────────────────────
    def _write_opf_file(self, root: etree._Element) -> None:
        # zh-CN everywhere: the package's own language too (EPUB 3.3 §5.3 `xml:lang` on package).
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)

    # ── navigation document ───────────────────────────────────────────────────────────────────
    def _get_nav(self, item: epub.EpubNav) -> bytes:
        tree = etree.fromstring(super()._get_nav(item))
        body = tree.find(f"{{{XHTML_NS}}}body")
        for nav in body.iterfind(f"{{{XHTML_NS}}}nav"):
            nav_type = nav.get(EPUB_TYPE)
            # No ids on epub:type elements: nothing links to them, and they are what pollutes
            # ebooklib's page-list scan (defect #4/#6).
            nav.attrib.pop("id", None)
            if nav_type == "landmarks":
                # EPUB 3.3 §5.4.2.3 / docs/design/epub.md §1.2: hide landmarks when the nav is in the spine.
                nav.set("hidden", "hidden")
        for head in tree.iterfind(f"{{{XHTML_NS}}}head"):
            if head.find(f"{{{XHTML_NS}}}meta") is None:
                meta = etree.Element(f"{{{XHTML_NS}}}meta", charset="utf-8")
                head.insert(0, meta)
        toc = body.find(f"{{{XHTML_NS}}}nav")
        if toc is not None:
            h = toc.find(f"{{{XHTML_NS}}}h2")
            if h is not None:
                h.tag = f"{{{XHTML_NS}}}h1"  # the document's heading: 目录
        if self.page_targets:
            # EPUB 3.3 §5.4.2.2 page-list: a single ol; `hidden` (EPUB Accessibility Techniques 1.1).
            nav = etree.SubElement(body, f"{{{XHTML_NS}}}nav", hidden="hidden")
            nav.set(EPUB_TYPE, "page-list")
            nav.set("role", "doc-pagelist")  # DPUB-ARIA 1.1 §doc-pagelist: the role of the page list
            etree.SubElement(nav, f"{{{XHTML_NS}}}h2").text = self.page_list_title
            ol = etree.SubElement(nav, f"{{{XHTML_NS}}}ol")
            for target in self.page_targets:
                li = etree.SubElement(ol, f"{{{XHTML_NS}}}li")
                etree.SubElement(li, f"{{{XHTML_NS}}}a", href=_relative(target.href, item.file_name)).text = target.label
        for el in tree.iter():
            # Non-void elements are never written self-closing (defect #16).
            if isinstance(el.tag, str) and etree.QName(el).localname in {"ol", "li", "a", "span", "h1", "h2"}:
                if el.text is None and not len(el):
                    el.text = ""
        etree.indent(tree, space=" ")
        return (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
                + etree.tostring(tree, encoding="utf-8") + b"\n")

    # ── NCX (EPUB 2 readers) ──────────────────────────────────────────────────────────────────
    def _get_ncx(self) -> bytes:
        root = etree.fromstring(super()._get_ncx())
        root.set(XML_LANG, self.book.language)
        nav_map = root.find(f"{{{NCX_NS}}}navMap")
        depth = _depth(nav_map) if nav_map is not None else 0
        numbers = [int(t.label) for t in self.page_targets if t.label.isdigit()]
        values = {"dtb:depth": str(depth), "dtb:totalPageCount": str(len(self.page_targets)),
                  "dtb:maxPageNumber": str(max(numbers, default=0))}
        for meta in root.iterfind(f"{{{NCX_NS}}}head/{{{NCX_NS}}}meta"):
            if meta.get("name") in values:
                meta.set("content", values[meta.get("name")])
        if self.page_targets:
            # NCX 2005-1 §pageList; shown for EPUB 2 readers in EPUB Accessibility Techniques 1.1.
            page_list = etree.SubElement(root, f"{{{NCX_NS}}}pageList")
            label = etree.SubElement(etree.SubElement(page_list, f"{{{NCX_NS}}}navLabel"), f"{{{NCX_NS}}}text")
            label.text = self.page_list_title
            for target in self.page_targets:
                pt = etree.SubElement(page_list, f"{{{NCX_NS}}}pageTarget",
                                      id=f"pt-{target.label}", type="normal",
                                      value=target.label if target.label.isdigit() else "")
                if not pt.get("value"):
                    del pt.attrib["value"]
                nl = etree.SubElement(pt, f"{{{NCX_NS}}}navLabel")
                etree.SubElement(nl, f"{{{NCX_NS}}}text").text = target.label
                etree.SubElement(pt, f"{{{NCX_NS}}}content", src=target.href)
        etree.indent(root, space=" ")
        doctype = (b'<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" '
                   b'"http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">\n')
        return b'<?xml version="1.0" encoding="utf-8"?>\n' + doctype + etree.tostring(root, encoding="utf-8") + b"\n"

    # ── the container ─────────────────────────────────────────────────────────────────────────
    def write(self) -> None:
        zf = zipfile.ZipFile(self.file_name, "w", zipfile.ZIP_DEFLATED)
        self.out = _FixedTimeZip(zf, zip_date_time(self.modified))
        try:
            # OCF: `mimetype` first, stored (not compressed), no extra field.
            self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()
        finally:
            self.out.close()


def _depth(element: etree._Element) -> int:
    children = element.findall(f"{{{NCX_NS}}}navPoint")
    return 1 + max((_depth(c) for c in children), default=0) if children else 0


def _relative(href: str, from_file: str) -> str:
    import posixpath

    path, _, fragment = href.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(from_file) or ".")
    return f"{rel}#{fragment}" if fragment else rel
