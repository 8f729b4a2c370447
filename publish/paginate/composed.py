"""The composed body text of each article, kept in the cache between builds.

In: the `Setter` of a build (layout, fonts, composer) and, per article, its compose jobs (exactly the
arguments `Setter.compose` is called with). Out: the lines of every job when an earlier build composed
the same article in the same context (`load`), and `store` to keep them.

Why: composing is most of a warm build's pagination (~0.25 s of CPU for the real issue), and a
second build of unchanged articles composes the same lines again. An editor's rebuild after changing
one article recomposes that article only.

What a stored article's lines depend on, all of it in the key (a SHA-256):
- the jobs: element names, the inline runs (text and emphasis), measures, alignment, indents;
- the layout's element styles (font role and size) and typography switches for those elements;
- the fonts: every role's chain of faces (key, file path, face index, file size and mtime — a
  changed font file changes its size or mtime, as for the font cache's digests) and the role
  configuration (fallback and Latin roles);
- the source of the code that composes, by module identity (`publish.cache.module_digest` of the
  composer, columns, fonts, model, layout and pagination packages); and the Python version (the
  entries are `marshal` data).
Entries are the lines as plain columns (`marshal`: plain values, never code run), rebuilt into the
same `Line`s the composer makes (the tests compare them). The cache verifies every entry's digest;
a missing, damaged or malformed entry is simply a miss.
"""

from __future__ import annotations

import hashlib
import marshal
import operator
import os
import sys
from collections.abc import Sequence
from typing import Any

KIND = "composed"


def _code_digest() -> str:
    # by module identity: every module that composes or measures (a split or moved module is still
    # covered); wider than strictly needed, which costs a recomposition after an upgrade only
    from publish.cache import module_digest

    return module_digest("publish.cjk", "publish.columns", "publish.model", "publish.layout", "publish.fonts",
                         "publish.paginate")


def context_key(setter: Any, elements: Sequence[str]) -> str | None:
    """What every article's lines depend on besides its own jobs; None when it cannot be told
    (a stand-in composer or font set, a font file that cannot be looked at): then nothing is cached."""
    import publish.cjk as cjk

    if setter.composer is not cjk:
        return None
    fonts, layout = setter.fonts, setter.layout
    signature = fonts_signature(fonts)
    if signature is None:
        return None
    chains, config = signature
    styles = [(e, repr(layout.style(e)), repr(setter.composer_style(e, None, None))) for e in sorted(set(elements))]
    # marshal's format may change between Python versions: entries are per version
    # the note marks (① or 1) are composed into the text: the layout's choice is part of the key
    marks = getattr(layout, "note_marks", "")
    text = repr((sys.version_info[:2], _code_digest(), chains, config, styles, layout.measure, marks))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def fonts_signature(fonts: Any) -> tuple[list, str] | None:
    """What a font set's measures and choices depend on: each role's chain of faces (key, file,
    face index, the file's size and modification time — a changed font file changes one of them,
    as for the font cache's digests) and the role configuration; None for a font set that cannot
    be looked at (a stand-in, a file gone)."""
    try:
        chains = []
        for name in sorted(fonts.roles):
            faces = []
            for f in fonts.roles[name].faces:
                st = os.stat(f.path)
                faces.append((f.key, str(f.path), f.index, st.st_size, st.st_mtime_ns))
            chains.append((name, faces))
        return chains, repr(fonts.config)
    except (AttributeError, OSError, TypeError):
        return None


# The key of each article `load` missed, by its jobs list (which `Setter.precompose` stores under
# again): the article's repr — its whole text — made and hashed once, not again for `store`. Kept
# with the list and its jobs as they were: the key is taken again only for the very same jobs.
_missed: dict[int, tuple[Sequence[tuple], tuple, str, str]] = {}


def _key(context: str, jobs: Sequence[tuple]) -> str:
    # the jobs' repr (an article's every inline run) as its SHA-256: the entry's path, its seal and
    # a later look-up hash a short key
    got = _missed.get(id(jobs))
    if (got is not None and got[0] is jobs and got[2] == context and len(got[1]) == len(jobs)
            and all(map(operator.is_, got[1], jobs))):
        return got[3]
    return context + "\0" + hashlib.sha256(repr(list(jobs)).encode("utf-8", "surrogatepass")).hexdigest()


def load(context: str, jobs: Sequence[tuple]) -> list[list] | None:
    """The lines of each job, or None when this article was not stored in this context."""
    from publish import cache
    from publish.cjk.style import GlyphRun, make_line
    from publish.paginate.parallel import from_columns

    key = _key(context, jobs)
    data = cache.get_bytes(KIND, key)
    if data is None:
        if len(_missed) >= 256:  # (stored or not, a long-lived process keeps no more)
            _missed.clear()
        _missed[id(jobs)] = (jobs, tuple(jobs), context, key)  # (holds the list: its id names no other)
        return None
    try:
        stored = marshal.loads(data)
        if not isinstance(stored, list) or len(stored) != len(jobs):
            return None
        return [[from_columns(cols, make_line, GlyphRun) for cols in lines] for lines in stored]
    except Exception:  # verified, yet not what this code stores (a hand-made entry): a miss
        return None


def store(context: str, jobs: Sequence[tuple], lines: Sequence[list]) -> None:
    """Keep the lines of an article's jobs (in the order of `jobs`)."""
    from publish.paginate.parallel import payload

    store_payload(context, jobs, payload(lines))


def store_payload(context: str, jobs: Sequence[tuple], data: bytes) -> None:
    """`store` of lines already in their stored form (`publish.paginate.parallel.payload`)."""
    from publish import cache

    key = _key(context, jobs)
    _missed.pop(id(jobs), None)
    cache.put_bytes(KIND, key, data)


# ── the other lines of a build: titles, bylines, running headers, folios, contents, captions … ──
# One entry per issue (by name) and context: {compose's arguments with the element's style (a
# string, `Setter._kept_key`): the lines as columns}. Each build of the issue replaces it when it
# composed anything new, so it holds what the last build set and does not grow.
LINES_KIND = "composed-lines"


def _lines_key(context: str, name: str) -> str:
    return context + "\0" + name


def load_lines(context: str, name: str) -> dict[str, tuple]:
    """The lines the last build of the issue `name` composed besides the body text, as stored
    columns by key ({} when there are none or the entry is not what `store_lines` writes)."""
    from publish import cache

    data = cache.get_bytes(LINES_KIND, _lines_key(context, name))
    if data is None:
        return {}
    try:
        stored = marshal.loads(data)
    except Exception:  # verified, yet not marshal data this Python reads: a miss
        return {}
    if not isinstance(stored, dict) or not all(isinstance(k, str) and isinstance(v, list) for k, v in stored.items()):
        return {}
    return stored


def lines_from(stored: Any) -> list | None:
    """A stored entry's lines (None when it is not what `store_lines` writes)."""
    from publish.cjk.style import GlyphRun, make_line
    from publish.paginate.parallel import from_columns

    try:
        return [from_columns(cols, make_line, GlyphRun) for cols in stored]
    except Exception:  # a hand-made entry: composed again instead
        return None


def store_lines(context: str, name: str, entries: dict[str, list]) -> None:
    from publish import cache
    from publish.paginate.parallel import to_columns

    cache.put_bytes(LINES_KIND, _lines_key(context, name),
                    marshal.dumps({key: to_columns(lines) for key, lines in sorted(entries.items())}))
