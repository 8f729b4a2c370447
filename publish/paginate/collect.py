"""Pagination, step 1 — collect: each article set as rows, in the issue's order.

In: an `Issue` and a `Setter` (`publish.paginate.setting`). Out: one `ArticleRows` per article, as
an iterator, so that setting an article and placing it (step 2, `publish.paginate.place`)
interleave as before: the title block, and the body cut by the page-wide (spanning) figures into
segments — the text before a spanning figure is balanced above it, the text after it flows in
columns below it, so the page still reads column by column.

Every source character must be set: an article whose rows do not read back as its source is a
`BuildError` naming it (a composer that dropped or added a character), never a silently different
print edition.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from publish.errors import BuildError, Problem
from publish.model import Article, Issue
from publish.paginate.flow import Row
from publish.paginate.setting import SetLine, Setter, byline_text, line_text

if TYPE_CHECKING:
    from publish.paginate.warm import Warm


@dataclass(frozen=True)
class ArticleRows:
    """One article set: its `title` block (a spanning row) and its body as `segments` of column
    rows separated by the spanning rows in `spans` (len(segments) == len(spans) + 1)."""

    article: Article
    section: str
    first_in_section: bool  # opens its section: starts on a new page
    title: Row
    segments: tuple[list[Row], ...]
    spans: tuple[Row, ...]
    # The article's notes set for the foot of the page: number → lines (`Setter.note_lines`).
    notes: tuple[tuple[int, tuple[SetLine, ...]], ...] = ()


def collect(issue: Issue, setter: Setter, warm: Warm | None = None) -> Iterator[ArticleRows]:
    """Each article of `issue` set by `setter`, section by section, lazily (see the module);
    `warm`: an unchanged article's rows are those kept from the previous pagination."""
    for section in issue.sections:
        for n, article in enumerate(section.articles):
            if warm is None:
                yield set_article(article, section.title, setter, first_in_section=n == 0)
            else:
                yield warm.article_rows(article, section.title, n == 0,
                                        partial(set_article, article, section.title, setter, first_in_section=n == 0))


def set_article(article: Article, section: str, setter: Setter, *, first_in_section: bool) -> ArticleRows:
    title = setter.title_block(article)
    rows = setter.body(article)
    _check_nothing_lost(article, title, rows)
    _check_fits(article, title, rows, setter.layout.lines)
    segments: list[list[Row]] = [[]]
    spans: list[Row] = []
    for r in rows:
        if r.span:
            # Rows glued to the figure (a heading just before it) go into the spanning band with
            # it, above the picture, rather than being stranded at the foot of the columns.
            glued: list[Row] = []
            nxt = r
            while segments[-1] and not nxt.breakable:
                nxt = segments[-1].pop()
                glued.insert(0, nxt)
            spans.append(_stack([*glued, r]) if glued else r)
            segments.append([])
        else:
            segments[-1].append(r)
    width = setter.layout.block_width  # notes run across the text block at the page's foot
    notes = tuple((n.number, tuple(setter.note_lines(n, width))) for n in article.notes)
    return ArticleRows(article, section, first_in_section, title, tuple(segments), tuple(spans), notes)


def body_height(a: ArticleRows) -> int:
    """Grid lines of the whole body (segments and spanning rows)."""
    return sum(r.height for seg in a.segments for r in seg) + sum(r.height for r in a.spans)


def _stack(rows: list[Row]) -> Row:
    """One spanning row made of rows set one under the other (their items moved down)."""
    items: list = []
    top = 0
    for r in rows:
        for it in r.payload or ():
            items.append(dataclasses.replace(it, slot=it.slot + top))
        top += r.height
    return Row(top, rows[0].breakable, False, tuple(items), True)


def _check_fits(article: Article, title: Row, rows: list[Row], lines: int) -> None:
    """A row taller than a page can be placed nowhere: an error naming what is too tall, never a
    page that silently cuts it off (a 200 pt title, a leading of half a page)."""
    if title.height > lines:
        raise BuildError(Problem(
            f"article {article.slug!r}: its title block (title, subtitle, bylines) needs {title.height} lines "
            f"but a page has {lines}", article.source, 1,
            "shorten the title, or make [styles] title/subtitle/byline size and leading smaller in the layout",
            "title-too-tall"))
    for r in rows:
        if r.height > lines:
            kinds = sorted({it.kind for it in (r.payload or ()) if isinstance(it, SetLine)}) or ["figure"]
            at = [it.block for it in (r.payload or ()) if isinstance(it, SetLine) and 0 <= it.block < len(article.blocks)]
            line = article.blocks[at[0]].line or None if at else None
            raise BuildError(Problem(
                f"article {article.slug!r}: a {'/'.join(kinds)} block needs {r.height} lines but a page has {lines}",
                article.source, line, "make its size and leading smaller in the layout", "block-too-tall"))


def _check_nothing_lost(article: Article, title: Row, rows: list[Row]) -> None:
    """Every source character must be set: a composer that dropped or added one is a build error
    naming the article, never a silently different print edition."""
    want = "".join(article.title) + article.subtitle + "".join(byline_text(b) for b in article.bylines)
    want += "".join(b.text for b in article.blocks)
    got = "".join(line_text(it.line) for r in (title, *rows) for it in (r.payload or ()) if isinstance(it, SetLine))
    marked = {n for r in rows for it in (r.payload or ()) if isinstance(it, SetLine) for n in it.notes}
    unplaced = sorted({n.number for n in article.notes} - marked)
    if unplaced:  # a note whose mark was not found on any line would never be printed
        raise BuildError(Problem(
            f"article {article.slug!r}: note {unplaced[0]} has no mark in the set text",
            article.source, None, "report this as a bug in the composer",
        ))
    if got != want:
        k = next((n for n, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
        raise BuildError(Problem(
            f"article {article.slug!r}: the set text differs from the source at character {k} "
            f"({want[k:k + 10]!r} set as {got[k:k + 10]!r})",
            article.source, None, "report this as a bug in the composer",
        ))
