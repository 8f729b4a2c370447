"""What a long-lived process keeps between paginations of the same issue (`publish watch`).

In: each pagination's layout, fonts and composer, its articles and its body pages. Out, for
`paginate(..., warm=Warm())`: a `Setter` that remembers every composition (titles, bylines,
running headers, contents entries and body paragraphs: `Setter.memo`), the rows of an article set
before in the same context, and the items of a body page whose rows sit exactly where they sat
before. The `Document` is the one a fresh pagination makes — equal page for page; only objects are
shared (an unchanged page's `items` is the very tuple of the previous pagination, which is what
lets the session and the PDF writer (`publish.pdf.reuse`) see at once that it did not change).

What each kept value depends on, all of it in its key:
- every value: the layout, the font set and the composer, by identity — another one (a changed
  layout file, a font added) starts afresh (`begin`); the watch session keeps them the same objects
  while their files are unchanged;
- a composition: `Setter.compose`'s arguments (element, inline runs, measure, alignment, indent);
- an article's rows: the `Article` object (the source reader gives back the same object for the same
  text: `publish.sources.article`), its section, whether it opens the section, and the signature
  (size, modification time, inode) of each of its figures' picture files, whose pixel size sets
  the figure's height;
- a body page's items: the rows placed on it (the very objects, at the same column and grid line),
  its notes, its side, folio and section, whether it has a running header, the magazine's name and
  the issue's label (the header's text).
After each pagination (`end`) whatever it did not use is dropped, so the memory stays that of one
issue however long the session lasts.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any

from publish.model import Article, Figure


class Warm:
    """See the module docstring. One per watched issue; not thread-safe."""

    def __init__(self) -> None:
        self._context: tuple[Any, Any, Any] | None = None
        self.setter: Any = None
        # id(article) → (article, (section, first_in_section, figure files), ArticleRows)
        self._articles: dict[int, tuple[Article, tuple, Any]] = {}
        self._articles_used: set[int] = set()
        # slug → the article's rows in the last pagination (an edited article shares what is equal)
        self._by_slug: dict[str, Any] = {}
        self._by_slug_next: dict[str, Any] = {}
        # page key (ids of the rows placed) → (the rows, (items, title_ys))
        self._pages: dict[tuple, tuple[tuple, tuple[tuple, dict[str, float]]]] = {}
        self._pages_used: set[tuple] = set()
        self._previous: tuple[tuple, ...] = ()  # the last pagination's items, page by page
        # (contents entries, folios) → the contents pages' lines; (lines, folio, side) → page items
        self._contents: dict[tuple, list] = {}
        self._contents_used: set[tuple] = set()
        self._contents_pages: dict[tuple, tuple[list, tuple]] = {}
        self._contents_pages_used: set[tuple] = set()

    # ── one pagination ───────────────────────────────────────────────────────────────────────
    def begin(self, layout: Any, fonts: Any, composer: Any) -> Any:
        """The Setter for a pagination in this context (kept when the context is the same objects)."""
        from publish.paginate.setting import Setter

        context = (layout, fonts, composer)
        if self._context is None or any(a is not b for a, b in zip(self._context, context, strict=True)):
            self._context = context
            self.setter = Setter(layout, fonts, composer)
            self.setter.memo = {}
            self._articles.clear()
            self._by_slug.clear()
            self._pages.clear()
            self._previous = ()
            self._contents.clear()
            self._contents_pages.clear()
        self.setter.used = set()
        self._articles_used = set()
        self._by_slug_next = {}
        self._pages_used = set()
        self._contents_used = set()
        self._contents_pages_used = set()
        return self.setter

    def end(self) -> None:
        """Drop what this pagination did not use (a deleted paragraph, a page that moved)."""
        setter = self.setter
        if setter is None or setter.memo is None:
            return
        used = setter.used
        setter.memo = {k: v for k, v in setter.memo.items() if k in used}
        self._articles = {k: v for k, v in self._articles.items() if k in self._articles_used}
        self._by_slug, self._by_slug_next = self._by_slug_next, {}
        self._pages = {k: v for k, v in self._pages.items() if k in self._pages_used}
        self._contents = {k: v for k, v in self._contents.items() if k in self._contents_used}
        self._contents_pages = {k: v for k, v in self._contents_pages.items() if k in self._contents_pages_used}

    # ── articles ─────────────────────────────────────────────────────────────────────────────
    def article_rows(self, article: Article, section: str, first_in_section: bool,
                     make: Callable[[], Any]) -> Any:
        """The article's rows (`publish.paginate.collect.ArticleRows`): kept, or `make()`."""
        key = (section, first_in_section, _figure_files(article))
        hit = self._articles.get(id(article))
        if hit is not None and hit[0] is article and hit[1] == key:
            rows = hit[2]
        else:
            rows = make()
            before = self._by_slug.get(article.slug)
            if before is not None:  # an edited article: its unchanged rows stay the same objects
                rows = _shared(rows, before)
            self._articles[id(article)] = (article, key, rows)
        self._articles_used.add(id(article))
        self._by_slug_next[article.slug] = rows
        # (placing reorders a list of its own — a picture floated past text —, never `rows.rows`,
        # a tuple of immutable rows: the kept value can be handed out again)
        return rows

    # ── body pages ───────────────────────────────────────────────────────────────────────────
    def body_page(self, draft: Any, context: tuple, make: Callable[[], tuple[tuple, dict[str, float]]],
                  ) -> tuple[tuple, dict[str, float]]:
        """(items, title y by slug) of a body page: kept when the same rows sit at the same places
        with the same `context` (side, folio, section, header), else `make()`."""
        rows = tuple(p.row for p in draft.placed) + tuple(item for _slug, item, _y in draft.notes)
        key = (context, draft.foot,
               tuple((id(p.row), p.column, p.slot, p.article) for p in draft.placed),
               tuple((slug, id(item), y) for slug, item, y in draft.notes))
        hit = self._pages.get(key)
        # the entry holds its rows, so no other object can have their ids while it exists; the
        # identity check is a second guard
        if hit is not None and len(hit[0]) == len(rows) and all(a is b for a, b in zip(hit[0], rows, strict=True)):
            value = hit[1]
        else:
            value = make()
            self._pages[key] = (rows, value)
        self._pages_used.add(key)
        return value


    # ── the contents ─────────────────────────────────────────────────────────────────────────
    def contents(self, issue: Any, layout: Any, setter: Any, items: list, folio_of: dict[str, int]) -> list:
        """`publish.paginate.contents.set_contents`, kept by its entries and the folios they show
        (the layout and setter are this context's; the issue is not read)."""
        from publish.paginate.contents import set_contents

        key = (tuple(items), tuple(sorted(folio_of.items())))
        pages = self._contents.get(key)
        if pages is None:
            pages = self._contents[key] = set_contents(issue, layout, setter, items, folio_of)
        self._contents_used.add(key)
        return pages

    def contents_page(self, lines: list, context: tuple, make: Callable[[], tuple]) -> tuple:
        """The items of a contents page set from `lines` (kept from `contents`) in `context`
        (folio, side, header): kept, or `make()`."""
        key = (id(lines), context)
        hit = self._contents_pages.get(key)
        if hit is None or hit[0] is not lines:
            hit = self._contents_pages[key] = (lines, make())
        self._contents_pages_used.add(key)
        return hit[1]

    # ── the other pages ──────────────────────────────────────────────────────────────────────
    def settle(self, pages: tuple) -> tuple:
        """`pages` with each page whose items equal those of the page at its place last time
        (contents, filler pages: made anew each pagination) holding that very tuple."""
        previous = self._previous
        out = []
        for i, page in enumerate(pages):
            if i < len(previous) and page.items is not previous[i] and page.items == previous[i]:
                page = dataclasses.replace(page, items=previous[i])
            out.append(page)
        self._previous = tuple(p.items for p in out)
        return tuple(out)


def _shared(rows: Any, before: Any) -> Any:
    """`rows` (an edited article's `ArticleRows`) with the title, notes and each body row that
    equals the one before (the rows before the edit, and those after it counted from the end) being
    that very object — so the pages they sit on are recognised as unchanged (`body_page`)."""
    new, old = rows.rows, before.rows
    out = list(new)
    n, m = len(new), len(old)
    i = 0
    while i < n and i < m and new[i] == old[i]:
        out[i] = old[i]
        i += 1
    j = 0
    while j < n - i and j < m - i and new[n - 1 - j] == old[m - 1 - j]:
        out[n - 1 - j] = old[m - 1 - j]
        j += 1
    return dataclasses.replace(rows, rows=tuple(out),
                               title=before.title if rows.title == before.title else rows.title,
                               notes=before.notes if rows.notes == before.notes else rows.notes)


def _figure_files(article: Article) -> tuple:
    """(size, modification time, inode) of each figure's picture file: its pixel size sets the
    figure's height, so a replaced picture sets the article anew."""
    out: list[tuple[int, int, int] | None] = []
    for block in article.blocks:
        if isinstance(block, Figure):
            try:
                st = os.stat(block.image)
                out.append((st.st_size, st.st_mtime_ns, st.st_ino))
            except OSError:
                out.append(None)
    return tuple(out)
