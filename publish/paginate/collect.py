"""Pagination, step 1 — collect: each article set as rows, in the issue's order.

In: an `Issue` and a `Setter` (`publish.paginate.setting`). Out: one `ArticleRows` per article, as
an iterator, so that setting an article and placing it (step 2, `publish.paginate.place`)
interleave as before: the title block, and the body as one flow of column rows. A spanning block
(a table wider than a column, a page-wide picture, consecutive ones as a group) is taken out of the
flow as a band — its rows, set across the columns — and a zero-height anchor row (`Row.band`) is
left where it is referenced; placing sets the band at the top or bottom of a page while the text
around it flows on in the columns, so the page still reads column by column.

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
    """One article set: its `title` block (a spanning row) and its body `rows`: column rows, with
    a zero-height anchor (`Row.band`: the band's rows) where a spanning band is referenced."""

    article: Article
    section: str
    first_in_section: bool  # opens its section: starts on a new page
    title: Row
    rows: tuple[Row, ...]
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
    width = setter.layout.block_width  # notes run across the text block at the page's foot
    notes = tuple((n.number, tuple(setter.note_lines(n, width))) for n in article.notes)
    return ArticleRows(article, section, first_in_section, title, tuple(with_bands(rows)), notes)


def with_bands(rows: list[Row]) -> list[Row]:
    """The body's rows with each run of spanning rows taken out as a band, an anchor row left in
    its place. A band is one block's rows (a table's, a picture's) or a group kept together
    (consecutive pictures: a row that may not begin a column joins the band before it).

    The anchor stays with the text before it (it never begins a column), and a column may end
    after it only where the flow could break both before and after the band: a heading glued
    to a picture stays glued to the text after it."""
    rows = list(rows)
    out: list[Row] = []
    k = 0
    while k < len(rows):
        r = rows[k]
        if not r.span:
            out.append(r)
            k += 1
            continue
        band = [r]
        k += 1
        while k < len(rows) and rows[k].span and (not rows[k].breakable or _block(rows[k]) == _block(band[-1])):
            band.append(rows[k])
            k += 1
        out.append(Row(0, False, False, (), False, band=tuple(band)))
        if k < len(rows) and not band[0].breakable:
            rows[k] = dataclasses.replace(rows[k], breakable=False)
    return out


def _block(row: Row) -> int:
    """The source block a row's items come from (-1 for none)."""
    return next((it.block for it in row.payload or () if hasattr(it, "block")), -1)


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
