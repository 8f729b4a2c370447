"""The EPUB's drawn cover, made by the helper a build forks first, before the issue is read.

In: an issue folder. Out: a job (`cover_job`) for the helper `publish.build._made_ahead` forks as a
build starts: it guesses what the cover will show from `issue.toml` and the front matter of the
articles the cover names (`guess_cover_text`), draws it and puts the PNG into the build cache
(kind "cover", under the key the EPUB looks up: `cover.cover_key`).

Why: the cover shows the titles of the issue's first articles, so a new issue's cover is new, and
drawing it (~0.06 s of CPU: the text, Pillow's palette quantisation, the PNG) was the first step of
the EPUB helper — which can only be forked once the issue is read and its fonts checked, and whose
work then lasts as long as the build's own. Until that fork the second core has little to do (the
first helper's other jobs take ~0.04 s of it); the cover drawn there is one step less on the EPUB
helper's way. The job comes last in that helper: the build itself waits for none of it, and the EPUB
helper, which does, takes it before anything else (`cover.made_ahead`).

A guess, never a decision (as `publish.pdf.ahead`): nothing checks what the helper reads; whatever it
gets wrong (a title the reader would refuse or read otherwise, fonts the fonts stage replaces) only
makes an entry under a key the EPUB never asks for, and the EPUB helper draws its cover itself, as it
always could. The EPUB helper looks for it once this job is over (`worker.Done`): it never draws a
cover that is being drawn.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from publish.epub.cover import CoverText

__all__ = ["cover_job", "guess_cover_text"]


def cover_job(folder: Path, *, allow_outside: bool = False) -> Callable[[], None]:
    """The job for a helper forked after this returns: the cover of the issue in `folder` drawn into
    the build cache (nothing when its text cannot be guessed, no cover font is installed, or the
    cache has it). All the reading is the helper's; `allow_outside`: as the build's (an article
    outside the issue folder is otherwise not read: no guess)."""
    return lambda: _draw_ahead(folder, allow_outside)


def _draw_ahead(folder: Path, allow_outside: bool = False) -> None:
    from publish import cache
    from publish.epub import cover
    from publish.errors import BuildError

    text = guess_cover_text(folder, allow_outside=allow_outside)
    if text is None:
        return
    try:
        # the faces the EPUB draws with when the cover fonts are installed (`find_cover_fonts`);
        # without them it takes the fonts stage's, which this helper does not know: no guess
        faces = cover.find_cover_fonts(None)
    except BuildError:
        return
    key = cover.cover_key(text, faces)
    if key is None:
        return
    png = cache.get_bytes("cover", key)
    if png is None or not cover.is_png(png):
        cache.put_bytes("cover", key, cover.draw_cover(text, faces), at_once=True)


def guess_cover_text(folder: Path, *, allow_outside: bool = False) -> CoverText | None:
    """What the cover of the issue in `folder` will show (`cover.CoverText`), read as the issue's
    reader reads it — `issue.toml` with its Unicode normal form, the articles' front matter `title`
    (a string, or a list of printed lines) — for the articles the cover names only; None when a
    part of it cannot be read that way (the reader would then find a problem, or knows better) —
    also when a named article lies outside the issue folder and not `allow_outside` (the reader
    refuses it: not read here either)."""
    from publish.epub.cover import CoverText, highlights_of
    from publish.sources.files import LINE_BREAK, NORMAL_FORMS, normalize
    from publish.sources.issue import ISSUE_FILE, _find_root, _inside

    try:
        root = _find_root(folder)[0]
        source = _text(root / ISSUE_FILE)
        data = tomllib.loads(source)
        meta, magazine = data.get("issue"), data.get("magazine")
        if not isinstance(meta, dict) or not isinstance(magazine, dict):
            return None
        form = meta.get("normalize")
        if form is not None:
            if form not in NORMAL_FORMS:
                return None
            data = tomllib.loads(normalize(source, form))
            meta, magazine = data["issue"], data["magazine"]
        title, label, publisher = magazine.get("title"), meta.get("label"), magazine.get("publisher", "")
        date = meta.get("date")
        if not (isinstance(title, str) and isinstance(label, str) and isinstance(publisher, str)
                and type(date) is dt.date):  # (a datetime is no date to the reader)
            return None
        sections = []
        for table in data.get("sections", ()):
            name, entries = table.get("title"), table.get("articles")
            if not isinstance(name, str) or not isinstance(entries, list):
                return None
            sections.append((name, entries))

        def title_of(entry: Any) -> str | None:
            if not isinstance(entry, str):
                return None
            path = root / entry
            if not allow_outside and not _inside(path, root):
                return None
            lines = LINE_BREAK.split(normalize(_text(path), form))
            if not lines or lines[0].rstrip(" \t") != "+++":
                return None
            closing = next((i for i in range(1, len(lines)) if lines[i].rstrip(" \t") == "+++"), None)
            if closing is None:
                return None
            value = tomllib.loads("\n".join(lines[1:closing]) + "\n").get("title")
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return None
            return "".join(value)

        chosen = highlights_of(sections, title_of)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, AttributeError, TypeError):
        return None
    if chosen is None:
        return None
    return CoverText(title, label, date, publisher, chosen)


def _text(path: Path) -> str:
    """A source file's text as the reader decodes it (`sources.files.decode`: UTF-8, no BOM)."""
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
