"""Reading a built EPUB back: spine documents, page-list, page-break markers and their text.

In: the path of an .epub written by `write_epub` (or any EPUB 3 with a nav document). Out: plain
Python values for the acceptance checks (tests, `bench/`, the PDF ↔ EPUB consistency check):
the page-list entries, the markers found in the content documents, the text that follows a
marker in reading order, and each article document's body text.
"""

from __future__ import annotations

import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NS = {"h": XHTML, "opf": OPF}


@dataclass(frozen=True)
class PageEntry:
    label: str
    file: str  # path inside the zip
    fragment: str


@dataclass(frozen=True)
class MarkerInfo:
    file: str
    id: str
    label: str  # aria-label


class EpubContents:
    """An opened EPUB: the package document, the spine and the navigation document."""

    def __init__(self, path: Path | str) -> None:
        with zipfile.ZipFile(path) as zf:
            self.files = {name: zf.read(name) for name in zf.namelist()}
        container = etree.fromstring(self.files["META-INF/container.xml"])
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.base = posixpath.dirname(self.opf_path)
        self.opf = etree.fromstring(self.files[self.opf_path])
        manifest = {i.get("id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}
        self.manifest = {k: self._abs(v.get("href")) for k, v in manifest.items()}
        self.nav_path = next(self._abs(i.get("href")) for i in manifest.values()
                             if "nav" in (i.get("properties") or "").split())
        self.spine = [self.manifest[r.get("idref")] for r in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def _abs(self, href: str, relative_to: str | None = None) -> str:
        base = posixpath.dirname(relative_to) if relative_to else self.base
        return posixpath.normpath(posixpath.join(base, href))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    @property
    def articles(self) -> list[str]:
        """The content documents of the articles: spine documents with an epub:type chapter."""
        out = []
        for name in self.spine:
            root = self.xml(name)
            if root.find(".//h:section[@role='doc-chapter']", NS) is not None:
                out.append(name)
        return out

    def page_list(self) -> list[PageEntry]:
        nav = self.xml(self.nav_path)
        out = []
        for n in nav.iter(f"{{{XHTML}}}nav"):
            if n.get(EPUB_TYPE) == "page-list":
                for a in n.iter(f"{{{XHTML}}}a"):
                    target, _, frag = a.get("href").partition("#")
                    out.append(PageEntry("".join(a.itertext()).strip(), self._abs(target, self.nav_path), frag))
        return out

    def markers(self) -> list[MarkerInfo]:
        """Every page-break marker of the spine documents, in reading order."""
        out = []
        for name in self.spine:
            for el in self.xml(name).iter():
                if el.get(EPUB_TYPE) and "pagebreak" in el.get(EPUB_TYPE).split():
                    out.append(MarkerInfo(name, el.get("id") or "", el.get("aria-label") or ""))
        return out

    def id_targets_with_epub_type(self) -> list[tuple[str, str, str]]:
        """(file, id, epub:type) of every element that has both: what ebooklib would list as pages."""
        out = []
        for name in self.spine:
            if name == self.nav_path:
                continue
            for el in self.xml(name).iter():
                if isinstance(el.tag, str) and el.get("id") and el.get(EPUB_TYPE):
                    out.append((name, el.get("id"), el.get(EPUB_TYPE)))
        return out

    def text_after(self, file: str, fragment: str, count: int = 20, skip: tuple[str, ...] = ()) -> str:
        """The first `count` non-space characters after element #fragment, in reading order
        (continuing into the next spine documents); without the text of the elements named in
        `skip` (local names: "table", "figure", "aside" — what print sets out of the text's flow)."""
        chars: list[str] = []
        start = self.spine.index(file)
        for i, name in enumerate(self.spine[start:]):
            body = self.xml(name).find("h:body", NS)
            found = i > 0
            for piece in _text_events(body, fragment if not found else None, skip):
                if piece is _START:
                    found = True
                    continue
                if found:
                    chars.extend(c for c in piece if not c.isspace())
                    if len(chars) >= count:
                        return "".join(chars[:count])
        return "".join(chars[:count])

    def body_text(self, name: str) -> str:
        """The NFC-normalised text of a document's body with all whitespace removed (without the
        section name above an article's title, which is the issue's, not the article's text)."""
        body = self.xml(name).find("h:body", NS)
        return normalise("".join(_text_events(body, None)))


_START = object()
SECTION_NAME = "section-name"  # the class of the section's name above a title (publish.epub.xhtml)


def _text_events(element: etree._Element, fragment: str | None, skip: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """Text of `element` in document order; yields _START right after the element #fragment."""
    if not isinstance(element.tag, str):
        if element.tail:
            yield element.tail
        return
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and (child.get("class") == SECTION_NAME or
                                           etree.QName(child).localname in skip):
            if child.tail:
                yield child.tail
            continue
        if isinstance(child.tag, str) and fragment is not None and child.get("id") == fragment:
            yield from _child_text(child)
            yield _START
            if child.tail:
                yield child.tail
            continue
        yield from _text_events(child, fragment, skip)
        if isinstance(child.tag, str) and child.tail:
            yield child.tail


def _child_text(element: etree._Element):  # type: ignore[no-untyped-def]
    # The marker's own content (empty for our markers) comes before the page's text.
    if element.text:
        yield element.text
    for child in element:
        yield from _child_text(child)
        if child.tail:
            yield child.tail


def normalise(text: str) -> str:
    """NFC, then every whitespace character removed (the fidelity comparison's canonical form)."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if not c.isspace())
