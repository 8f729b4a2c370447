"""What a long-lived process keeps between PDFs of the same issue: unchanged pages' text operators.

In: each PDF's pages as the writer draws them (`publish.pdf.writer`, `reuse=PageReuse()`), the
ReportLab fonts the pages' faces resolve to. Out: for a page whose `items` are the very tuple drawn
last time (`publish.paginate.warm` hands an unchanged page's tuple on), the text operators of its
lines as they were written then, instead of formatting every glyph again (`line_operators`); and
the Flate-compressed page streams, by their text. The file is byte for byte the one drawn without
it (tests/test_watch_reuse.py compares them).

Why the operators can be kept: a line's `BT … ET` depends on its glyphs and positions (the same
objects: `items` is immutable), and on how each glyph is encoded — the font resource name (`/F2`)
and the glyph's code and width. A glyph's code is its Unicode code point, independent of the
subset (`publish.pdf.fontobjects`), and its width comes from the face file; but the resource
names are handed out in the order fonts are first used in the document, and a character outside
the BMP gets the next free code in the order first used. So a kept page is used only after
- the font set is the same object as last time (same faces, same files: the watch session keeps it
  while its files are unchanged). The edition may differ: a line's operators are the same in the
  print and the screen PDF (colour and the page's offset are set outside them), so a build draws
  the screen PDF from the print PDF's line operators (`publish.build`);
- its faces, looked up again in the order the page first uses them (which hands out resource names
  exactly as drawing it would), have the resource names they had;
- every line is cut into the same parts (the tagged PDF draws a list item's label apart; the
  screen PDF also linked text and note marks): a part is used only when it has the glyph count it
  had, and parts run from a line's first glyph, so a line cut otherwise is drawn anew.
A page with a character outside the BMP (whose code depends on the pages before) is drawn anew.
Drawing a kept page also does what drawing it would do to the fonts: the characters it uses are
added to each font's subset (all kept pages' at once, before the fonts are written: `flush`). Everything else on the page — marked-content operators (numbered per
page anew), rules, pictures, crop marks — is drawn as usual.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from publish.columns import columns
from publish.paginate.pages import Page, TextLine
from publish.pdf.fontobjects import SURROGATE_FIRST, SURROGATE_LAST, CIDSubsetFont

# A character whose code depends on the pages before it (`CIDSubsetFont`): outside the BMP, or a
# lone surrogate.
_OUTSIDE_BMP = re.compile(f"[{chr(SURROGATE_FIRST)}-{chr(SURROGATE_LAST)}\U00010000-\U0010ffff]")


class _Kept:
    """A drawn page: its items (held, so that their id names no other tuple while kept), the faces
    in first-use order with their resource names, the characters per face (each once, in one string:
    a page's some hundred distinct characters as one object, not as a dict of codes — ~1.8 MB less
    for the complete example's PDF), and each line part's glyph count (-1: the part was the whole
    line) and operators by (item index, part index)."""

    __slots__ = ("faces", "items", "parts", "used")

    def __init__(self, items: tuple, faces: tuple[tuple[str, str], ...], used: dict[str, str],
                 parts: dict[tuple[int, int], tuple[int, str]]) -> None:
        self.items = items
        self.faces = faces
        self.used = used
        self.parts = parts


class PageReuse:
    """See the module docstring. One per watched issue; one PDF at a time."""

    def __init__(self) -> None:
        self._context: tuple[Any, bool] | None = None
        self._kept: dict[int, _Kept] = {}
        self._next: dict[int, _Kept] = {}
        self._streams: dict[str, bytes] = {}
        self._next_streams: dict[str, bytes] = {}
        self._streams_screen: bool | None = None  # the edition `_streams` are of
        self.reused = 0  # pages drawn from kept operators in the last PDF (for tests and benchmarks)
        # The kept pages of the PDF being made, whose characters still go into the fonts (`flush`),
        # the fonts of their faces, and the characters of the last such sequence of pages, per face.
        self._pending: list[_Kept] = []
        self._pending_fonts: dict[str, Any] = {}
        self._union: tuple[tuple[_Kept, ...], dict[str, dict[int, str]]] = ((), {})

    def begin(self, fonts: Any, screen: bool) -> None:
        """A PDF is started with these fonts (the writer's `PdfFonts`) for this edition."""
        context = (fonts, screen)
        if self._context is None or self._context[0] is not fonts:
            self._kept.clear()
            self._streams.clear()
            self._streams_screen = None
        self._context = context
        self._next = {}
        self._next_streams = {}
        self._pending = []
        self._pending_fonts = {}
        self.reused = 0

    def finish(self) -> None:
        """The PDF is written: keep what it drew, drop what it did not use."""
        self._kept, self._next = self._next, {}
        self._streams, self._next_streams = self._next_streams, {}
        self._streams_screen = self._context[1] if self._context is not None else None

    def holds_streams(self, screen: bool) -> bool:
        """Does it keep the page streams of an earlier PDF of this edition (a watch session's
        last save), or none that the PDF now begun could take (a build's first PDF of each edition)?"""
        return bool(self._streams) and self._streams_screen == screen

    # ── pages ────────────────────────────────────────────────────────────────────────────────
    def kept_parts(self, page: Page, font_of: Any, doc: Any) -> dict[tuple[int, int], tuple[int, str]] | None:
        """The (glyph count, operators) of each line part of `page` as drawn last time, after
        doing to the fonts what drawing them does; None when the page must be drawn (see the
        module docstring). `font_of(face)` is the writer's face → ReportLab font."""
        kept = self._kept.get(id(page.items))
        if kept is None or kept.items is not page.items:
            return None
        fonts = {}
        for face, name in kept.faces:  # in first-use order: resource names handed out as drawing would
            font = fonts[face] = font_of(face)
            if doc.getInternalFontName(font.fontName) != name:
                return None
        self._pending.append(kept)  # its characters join the subsets at `flush`
        self._pending_fonts.update(fonts)
        self._next[id(page.items)] = kept
        self.reused += 1
        return kept.parts

    def flush(self) -> None:
        """Add the characters of the kept pages to their fonts' subsets (before the fonts are
        written). All at once, because the kept pages are mostly those of the last PDF: their
        characters, per face, are then one set made last time (the same entries, in the same order)
        instead of some fifty pages' sets added one by one."""
        pending = tuple(self._pending)
        seen, union = self._union
        if len(seen) != len(pending) or any(a is not b for a, b in zip(seen, pending, strict=True)):
            chars: dict[str, set[str]] = {}
            for kept in pending:
                for face, text in kept.used.items():
                    chars.setdefault(face, set()).update(text)
            # code → character, as the fonts take them (the order does not matter: they are sorted)
            union = {face: {ord(char): char for char in these} for face, these in chars.items()}
            self._union = (pending, union)  # (holds the entries: their ids name no others meanwhile)
        fonts = self._pending_fonts
        for face, used in union.items():
            fonts[face].used.update(used)
        self._pending = []
        self._pending_fonts = {}

    def keep(self, page: Page, font_of: Any, doc: Any, parts: dict[tuple[int, int], tuple[int, str]]) -> None:
        """Remember a page just drawn: `parts` are its line parts' (glyph count, operators)."""
        order: dict[str, None] = {}  # the faces in first-use order
        # per face: the characters of its one-face lines (nearly all), as the lines hold them — one
        # set made of them all at the end, not one updated line by line — and of the other lines
        whole: dict[str, list[Any]] = {}
        mixed: dict[str, set[str]] = {}
        for item in page.items:
            if type(item) is not TextLine:
                continue
            line_chars, line_faces = columns(item.glyphs, "chars", "faces")
            if not line_faces:
                continue
            face = line_faces[0]
            if line_faces.count(face) == len(line_faces):
                got = whole.get(face)
                if got is None:
                    whole[face] = [line_chars]
                    order.setdefault(face)
                else:
                    got.append(line_chars)
            else:
                for face in line_faces:
                    order.setdefault(face)
                for face, char in zip(line_faces, line_chars, strict=True):
                    mixed.setdefault(face, set()).add(char)
        chars: dict[str, set[str]] = {}
        for face in order:
            these = chars[face] = set(chain.from_iterable(whole.get(face, ())))
            these.update(mixed.get(face, ()))
        faces = []
        used: dict[str, str] = {}
        for face in order:
            font = font_of(face)
            if type(font) is not CIDSubsetFont:
                return  # a font of another kind may encode by subset: such a page is drawn each time
            faces.append((face, doc.getInternalFontName(font.fontName)))
            text = "".join(chars[face])
            if _OUTSIDE_BMP.search(text):
                return  # its code depends on the pages before: such a page is drawn each time
            used[face] = text
        self._next[id(page.items)] = _Kept(page.items, tuple(faces), used, parts)

    # ── page streams ─────────────────────────────────────────────────────────────────────────
    def compressed(self, text: str | bytes) -> bytes:
        """`zlib.compress` of a page stream (what ReportLab's `PDFZCompress` writes), kept by text."""
        import zlib

        data = text.encode("utf8") if isinstance(text, str) else text
        key, hit = self.lookup(text, data)
        if hit is None:
            hit = zlib.compress(data)
        self.record(key, hit, True)
        return hit

    def lookup(self, text: str | bytes, data: bytes) -> tuple[str | None, bytes | None]:
        """(The key `record` takes, the compressed stream kept for `text` or None)
        (`publish.pdf.flate.PageStreams`; `data`: `text`'s bytes)."""
        if not isinstance(text, str):
            return None, None
        return text, self._streams.get(text)

    def record(self, key: str | None, packed: bytes, new: bool) -> None:
        """A page stream of this PDF, kept for the next (`new`: compressed anew, not taken)."""
        if key is not None:
            self._next_streams[key] = packed
