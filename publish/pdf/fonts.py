"""The fonts of one PDF: a build's `FontSet` faces registered with ReportLab, per document.

In: a `FontSet` (publish.fonts: which face sets each character, its metrics and file) and a ReportLab
canvas. Out: the ReportLab font name to `setFont` for a face key (`"body"`, `"body~1"`): one
embedded, subset CID-keyed font per face file per document (`publish.pdf.fontobjects`), so keys
resolving to the same face (e.g. `heading` and `title`, both Noto Sans CJK SC Bold) share one
subset, and a canvas never holds an unembedded font.

How to make a canvas with no unembedded font in it. ReportLab writes a `BT /F1 12 Tf … ET` for its
initial font into every page's preamble and would otherwise list an unembedded Helvetica; give it
one of ours instead::

    from reportlab.pdfgen.canvas import Canvas
    from publish.pdf.fonts import pdf_font
    c = Canvas(path, pagesize=(w, h), invariant=1, pageCompression=1,
               initialFontName=pdf_font(fonts, None, "body"), initialFontSize=10)
    body = pdf_font(fonts, c, "body")     # adopts the initial font: same name, one embedded subset
    t = c.beginText(); t.setFont(pdf_font(fonts, c, glyph.face), size); t.textOut(glyph.char) …
    c.save()                               # subsets are made here, from the characters drawn

Call `pdf_font` per canvas (the name is bound to that document: subsets and their tags are per
document, so builds are reproducible byte for byte). CFF faces (Noto CJK) are embedded as
CIDFontType0C (path B); TrueType faces as CIDFontType2 (docs/design/fonts.md).

Why here and not in publish.fonts: the font set is shared by the composer, the EPUB and the checks,
none of which needs ReportLab; only the PDF writer does.
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from reportlab.pdfbase import pdfmetrics

from publish.pdf.fontobjects import CIDSubsetFont


class PdfFonts:
    """The ReportLab registrations of one `FontSet`'s faces, per canvas document."""

    def __init__(self, fonts: Any) -> None:
        # A weak proxy: this object is the value of `_REGISTRIES`, whose weak key is `fonts`; a
        # strong reference back would keep every font set (and its faces) alive for ever.
        self.fonts = weakref.proxy(fonts)
        self._per_doc: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # canvas-less registrations waiting for a canvas: name → (face, font)
        self._unbound: dict[str, tuple[tuple[str, int], CIDSubsetFont]] = {}

    def pdf_font(self, canvas, face_key: str) -> str:
        """Register the face with ReportLab for `canvas`'s document; return the name for setFont.

        One registration per face file per document: keys resolving to the same face share one
        embedded subset. `canvas=None` returns a name not yet bound to a document — for
        `Canvas(initialFontName=…)`, the canvas then adopts it on the first `pdf_font(canvas, same key)`.
        """
        face = self.fonts.face(face_key)
        info = face.info
        self.fonts.check_embedding(face)
        fid = (str(face.path), face.index)
        program = cff_program() if info.format == "CFF" else "truetype"
        if canvas is None:
            font = CIDSubsetFont(info, program)
            pdfmetrics.registerFont(font)
            self._unbound[font.fontName] = (fid, font)
            return font.fontName
        doc = canvas._doc
        per_doc = self._per_doc.setdefault(doc, {})
        if fid in per_doc:
            return per_doc[fid].fontName
        initial: str | None = getattr(canvas, "_initialFontName", None)
        if initial:
            pending = self._unbound.pop(initial, None)
            if pending is not None and pending[0] == fid:
                per_doc[fid] = pending[1]
                return initial
            if pending is not None:
                self._unbound[initial] = pending
        font = CIDSubsetFont(info, program)
        pdfmetrics.registerFont(font)
        per_doc[fid] = font
        return font.fontName

    def release_pdf(self, doc: Any) -> None:
        """The PDF document `doc` is written: release the fonts registered for it (see
        `CIDSubsetFont.release`), so that a long-lived process making many PDFs stays small."""
        for font in (self._per_doc.pop(doc, None) or {}).values():
            font.release()


# One registry per font set, for as long as the font set lives: the initial font of a canvas
# (`pdf_font(fonts, None, key)`) must be found again by the writer's later calls.
_REGISTRIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def pdf_fonts(fonts: Any) -> Any:
    """What the PDF writer draws with: `fonts` itself when it already offers `pdf_font(canvas,
    key)` (a stand-in in tests), else the `PdfFonts` of that `FontSet`."""
    if hasattr(fonts, "pdf_font"):
        return fonts
    registry = _REGISTRIES.get(fonts)
    if registry is None:
        registry = _REGISTRIES[fonts] = PdfFonts(fonts)
    return registry


def pdf_font(fonts: Any, canvas, face_key: str) -> str:
    """`pdf_fonts(fonts).pdf_font(canvas, face_key)`: the ReportLab font name for a face key."""
    return pdf_fonts(fonts).pdf_font(canvas, face_key)


def cff_program() -> str:
    """How CFF faces go into the PDF: "cff" (path B, default) or "truetype" (path A, cu2qu).

    `PUBLISH_CFF_PATH=truetype` selects path A (kept for the benchmark's comparison).
    """
    choice = os.environ.get("PUBLISH_CFF_PATH", "").lower()
    if choice in ("a", "truetype", "ttf"):
        return "truetype"
    if choice in ("b", "cff"):
        return "cff"
    return DEFAULT_CFF_PROGRAM


DEFAULT_CFF_PROGRAM = "cff"
