"""The last pagination of each issue, kept in the cache: a rebuild of unchanged sources sets no page.

In: the `Issue`, `Layout` and `FontSet` a pagination is given, and the `Document` it made. Out:
`inputs_key` — a SHA-256 of everything the pages depend on (None when that cannot be told) —,
`load` — the kept `Document` when the issue's entry was made from the same inputs, else None —
and `store`.

Why: a rebuild of an issue whose sources did not change (the editor checks a proof, a script builds
every edition again) paginated everything again — lines from the composed-text cache, then
collect, place, folios and materialize: ~0.13 s of CPU for the real issue, a quarter of a warm
build. The kept pages decode in a fraction of that.

What the pages depend on, all of it in the key:
- the issue: its whole model (`repr` of the frozen dataclasses: every article, block, run, title,
  byline, note, setting and path), the pixel size of the pictures it places (each figure's file:
  size, modification time and inode, as `publish.paginate.warm` keys them) and the house
  advertisements in its `fillers/` folder (their names: the folder is read by pagination);
- the layout (its `repr`: every length, style and switch);
- the fonts: each role's chain of faces (key, file, face index, size and modification time of the
  file) and the role configuration (`publish.paginate.composed.fonts_signature`);
- the code that paginates (`publish.cache.module_digest` of the composer, columns, model, layout,
  fonts, links and pagination packages), the Python version (the entry is `marshal` data) and this
  module's format.
When: the pages are kept by a pagination that composed nothing anew — every paragraph's lines
came from the composed-text cache, so these texts were set before: a rebuild —, or when the caller
says it has time to spare (a build whose EPUB helper still has most of its work ahead: a cold
build). The first build of new texts otherwise (the month's first build, a build after an edit)
keeps only the composed text: encoding and writing the pages (~20 ms of CPU for the real issue)
would be spent on its critical path for an unchanged rebuild that may never come, while the next
rebuild paginates from the composed text (~60 ms, then keeps them) and every later one takes them.
One entry per issue (slug and folder), replaced when the inputs change, so the cache does not
grow with every edit; the entry holds the key it was made for, and an entry made for other inputs
is a miss. The cache checks each entry's digest (`publish.cache`); a damaged, truncated or
malformed entry is a miss too (then paginated and stored again).

The form: marshal data of plain values. The glyphs of all lines are stored as indices into three
tables (characters, numbers, faces) — a page's text repeats the same few thousand characters and
positions — so that decoding makes each distinct value once; the other fields generically, by the
dataclasses' own field lists (a field added later is kept without a change here). A document with
anything this form does not know (another item type, a number that is not a float, a negative
zero, which a table would merge with zero) is simply not stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import sys
from array import array
from collections.abc import Callable
from itertools import chain
from operator import attrgetter
from typing import Any

from publish.columns import frozen_record
from publish.model import PageStart
from publish.paginate.pages import (
    ArticleTags,
    Document,
    OutlineEntry,
    Page,
    PlacedGlyph,
    PlacedImage,
    PlacedRun,
    Rule,
    TextLine,
    TocEntry,
)

KIND = "paginated"
FORMAT = 1

_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(TextLine))
_GLYPHS_AT = _TEXT_FIELDS.index("glyphs")
_RULE_FIELDS = tuple(f.name for f in dataclasses.fields(Rule))
_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Page))
_ITEMS_AT = _PAGE_FIELDS.index("items")
_GLYPH_FIELDS = ("char", "x", "width", "face")
_text_values = attrgetter(*_TEXT_FIELDS)
_rule_values = attrgetter(*_RULE_FIELDS)
_HEAD_TYPES = (Document, OutlineEntry, TocEntry, ArticleTags, PageStart)


def _code_digest() -> str:
    from publish.cache import module_digest

    return module_digest("publish.cjk", "publish.columns", "publish.model", "publish.layout", "publish.fonts",
                         "publish.paginate", "publish.links")


def paginate_kept(issue: Any, layout: Any, fonts: Any, *, progress: Callable[[int], None] | None = None,
                  ) -> tuple[Document, Callable[[bool], None] | None]:
    """The issue's pages (`publish.paginate.paginate`, same arguments) — kept ones when the inputs
    are those they were made from — and a function `keep(spare=False)` that makes the pagination's
    cache writes: the composed text it set anew, and the pages when it set nothing anew (a rebuild)
    or when `spare` (see the module docstring); None when there is nothing to keep. Why the caller
    makes them: writing costs some milliseconds, which a build spends after its own editions, while
    its EPUB helper may still work."""
    from publish.paginate.paginate import paginate

    key = inputs_key(issue, layout, fonts)
    if key is not None:
        document = load(issue, key)
        if document is not None:
            if progress is not None:
                for done in range(1, len(issue.articles) + 1):
                    progress(done)
            return document, None
    writes: list[Callable[[], None]] = []  # the composed text's cache writes, made by `keep` too
    document = paginate(issue, layout, fonts, progress=progress, deferred=writes)

    def keep(spare: bool = False) -> None:
        for write in writes:  # the composed lines of new texts
            write()
        if key is not None and (spare or not writes):
            store(issue, key, document)

    return document, keep


def inputs_key(issue: Any, layout: Any, fonts: Any) -> str | None:
    """See the module docstring; None when a part cannot be told (a font set or picture file that
    cannot be looked at): then nothing is kept."""
    from publish.model import Figure
    from publish.paginate.composed import fonts_signature
    from publish.paginate.signatures import filler_pictures

    faces = fonts_signature(fonts)
    if faces is None:
        return None
    pictures = []
    try:
        for article in issue.articles:
            for block in article.blocks:
                if isinstance(block, Figure):
                    st = os.stat(block.image)
                    pictures.append((str(block.image), st.st_size, st.st_mtime_ns, st.st_ino))
        fillers = [str(p) for p in filler_pictures(issue)]
    except (OSError, TypeError, ValueError):
        return None
    text = repr((FORMAT, sys.version_info[:2], _code_digest(), faces, repr(layout), pictures, fillers, repr(issue)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _entry(issue: Any) -> str:
    return f"{issue.slug}\0{issue.root}"


def load(issue: Any, key: str) -> Document | None:
    """The kept pages of `issue` when they were made from the inputs `key` names, else None."""
    from publish import cache

    data = cache.get_bytes(KIND, _entry(issue))
    if data is None:
        return None
    try:
        stored = marshal.loads(data)
        if type(stored) is not tuple or len(stored) != 2 or stored[0] != key:
            return None  # made from other inputs (the sources changed since)
        return decode(stored[1])
    except Exception:  # verified, yet not what `store` writes (another version, a hand-made entry): a miss
        return None


def store(issue: Any, key: str, document: Document) -> None:
    """Keep `document` as the pages of `issue` made from the inputs `key` names (replacing the
    issue's earlier entry); a document `encode` cannot hold is not kept."""
    from publish import cache

    encoded = encode(document)
    if encoded is None:
        return
    try:
        data = marshal.dumps((key, encoded))
    except ValueError:  # something marshal cannot hold slipped through: not kept
        return
    cache.put_bytes(KIND, _entry(issue), data)


# ── the form ────────────────────────────────────────────────────────────────────────────────
# The glyphs of every line, one after the other, as four document-wide columns: the characters as
# one string (each glyph's character is one code point), the x positions and the widths as C
# doubles (the same 64 bits as the floats: exact, negative zero and all), and the faces — mostly
# one per line — as the face of each line, or the line's own tuple where it has several. Decoding
# then makes each column in one pass and each line's glyphs by slicing it.


def _glyph_columns(glyphs: Any) -> tuple[int, tuple] | None:
    """(0, columns) of a `PlacedRun`, (1, columns) of a tuple of `PlacedGlyph`s, else None."""
    if type(glyphs) is PlacedRun:
        return 0, (glyphs.chars, glyphs.xs, glyphs.widths, glyphs.faces)
    if type(glyphs) is tuple and all(type(g) is PlacedGlyph for g in glyphs):
        return 1, tuple(zip(*((g.char, g.x, g.width, g.face) for g in glyphs), strict=True)) or ((), (), (), ())
    return None


def encode(document: Document) -> tuple | None:
    """`document` as marshal-able plain values, or None when it holds what this form does not know."""
    from publish.cache import encode as encode_value

    chars: list[tuple] = []
    xs: list[tuple] = []
    widths: list[tuple] = []
    pages = []
    for page in document.pages:
        if type(page) is not Page:
            return None
        items: list[tuple] = []
        item: Any
        for item in page.items:
            kind = type(item)
            if kind is TextLine:
                got = _glyph_columns(item.glyphs)
                if got is None:
                    return None
                form, (cs, xcol, wcol, fs) = got
                chars.append(cs)
                xs.append(xcol)
                widths.append(wcol)
                n = len(cs)
                faces: Any = fs[0] if n and fs.count(fs[0]) == n else fs
                values = list(_text_values(item))
                values[_GLYPHS_AT] = (form, n, faces)
                items.append((0, tuple(values)))
            elif kind is Rule:
                items.append((1, _rule_values(item)))
            elif kind is PlacedImage:
                items.append((2, encode_value(item)))
            else:
                return None
        values = [getattr(page, f) for f in _PAGE_FIELDS]
        values[_ITEMS_AT] = tuple(items)
        pages.append(tuple(values))
    all_chars = list(chain.from_iterable(chars))
    all_numbers = list(chain.from_iterable(chain(xs, widths)))
    if set(map(type, all_chars)) - {str} or set(map(len, all_chars)) - {1}:
        return None  # a glyph of several code points (or none) would not come back from one string
    if set(map(type, all_numbers)) - {float}:
        return None  # an int among the floats would come back a float
    try:
        head = encode_value(dataclasses.replace(document, pages=()))
    except TypeError:
        return None
    return ("".join(all_chars), array("d", all_numbers).tobytes(), tuple(pages), head)


def decode(encoded: tuple) -> Document:
    """The `Document` `encode` made `encoded` from (equal to it); raises on anything malformed."""
    from publish.cache import decode as decode_value

    text, numbers, pages, head = encoded
    if type(text) is not str or type(numbers) is not bytes:
        raise ValueError("not stored glyphs")
    chars = tuple(text)
    values = array("d")
    values.frombytes(numbers)
    floats = tuple(values.tolist())
    total = len(chars)
    if len(floats) != 2 * total:
        raise ValueError("glyph columns of unequal length")
    at = 0
    new = object.__new__
    made_pages = []
    for page_values in pages:
        items: list[Any] = []
        for kind, fields in page_values[_ITEMS_AT]:
            if kind == 0:
                form, n, faces = fields[_GLYPHS_AT]
                end = at + n
                if end > total:
                    raise ValueError("more glyphs than stored")
                columns = (chars[at:end], floats[at:end], floats[total + at:total + end],
                           (faces,) * n if type(faces) is str else faces)
                at = end
                if len(columns[3]) != n:
                    raise ValueError("faces of another length")
                glyphs: Any = PlacedRun(*columns) if form == 0 else tuple(
                    frozen_record(PlacedGlyph, _GLYPH_FIELDS, g) for g in zip(*columns, strict=True))
                line = new(TextLine)
                line.__dict__.update(zip(_TEXT_FIELDS, fields, strict=True))
                line.__dict__["glyphs"] = glyphs
                items.append(line)
            elif kind == 1:
                items.append(frozen_record(Rule, _RULE_FIELDS, fields))
            elif kind == 2:
                image = decode_value(fields, (PlacedImage,))
                if type(image) is not PlacedImage:
                    raise ValueError("not a placed image")
                items.append(image)
            else:
                raise ValueError(f"unknown item kind {kind!r}")
        made = list(page_values)
        made[_ITEMS_AT] = tuple(items)
        made_pages.append(frozen_record(Page, _PAGE_FIELDS, made))
    if at != total:
        raise ValueError("fewer glyphs than stored")
    document = decode_value(head, _HEAD_TYPES)
    if type(document) is not Document:
        raise ValueError("not a document")
    return dataclasses.replace(document, pages=tuple(made_pages))


__all__ = ["KIND", "decode", "encode", "inputs_key", "load", "paginate_kept", "store"]
