"""Pagination: an issue set on pages, in four named steps.

In: an `Issue`, its `Layout`, the fonts (`runs`, `metrics`) and the composer (default `publish.cjk`).
Out: a `Document` (`publish.paginate.pages`): the contents pages, then the articles section by
section — each opening with its title block across the columns, the body flowing column by column
on the line grid, columns balanced where an article ends mid-page — with running headers and folios,
the outline (sections → articles), the contents entries and the folio of every page start.

The steps, each a module of this package:
1. collect (`collect.py`): each article set as rows — title block, body rows with an anchor where a
   band (a wide table, page-wide pictures) is referenced;
2. place (`place.py`): rows on abstract pages (column, grid line), a `Cursor` marking where the
   flow goes on, bands at the top or bottom of a page; a title never stands alone at a page foot;
3. folios (`folios.py`): the contents set, which fixes the folio of every page;
4. materialize (`materialize.py`): x/y in points (left and right pages mirror the margins),
   running headers, outline, page starts → the `Document`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from publish.layout.spec import Layout
from publish.model import Issue
from publish.paginate.pages import Document

if TYPE_CHECKING:
    from publish.paginate.place import PageDraft
    from publish.paginate.setting import Setter
    from publish.paginate.warm import Warm

# The steps (and the composer) are imported when pages are set: this module is imported with its
# package by everyone who needs only the `Document` types (the PDF writer, a build that takes the
# kept pages, `publish.paginate.stored`), and the steps with the composer cost ~40 ms of imports.


def insert_at_folios(issue: Issue, drafts: list[PageDraft], first_body: int) -> None:
    """Put each `[[inserts]]` picture with a `folio` on a page of its own at that folio (the body
    pages from there on move one folio on). A folio before the first body page or more than one
    past the last is a `BuildError` naming the insert's line in issue.toml."""
    from pathlib import Path

    from publish.errors import BuildError, Problem
    from publish.paginate.place import PageDraft

    toml = Path(issue.root) / "issue.toml" if issue.root is not None else None
    problems = []
    for ins in sorted((i for i in issue.inserts if i.folio is not None), key=lambda i: i.folio or 0):
        assert ins.folio is not None
        k = ins.folio - first_body
        if not 0 <= k <= len(drafts):
            problems.append(Problem(
                f"[[inserts]] folio = {ins.folio}: the body pages are folios {first_body}–{first_body + len(drafts) - 1}",
                toml, ins.line, f"give a folio from {first_body} to {first_body + len(drafts)}, or after = \"articles/….md\""))
            continue
        section = drafts[k - 1].section if k > 0 else drafts[0].section if drafts else ""
        drafts.insert(k, PageDraft(section, insert=ins.picture))
    if problems:
        raise BuildError(*problems)


def _composer() -> ModuleType:
    import publish.cjk as cjk

    return cjk


def paginate(issue: Issue, layout: Layout, fonts, *, composer: Any = None,
             progress: Callable[[int], None] | None = None, warm: Warm | None = None,
             deferred: list[Callable[[], None]] | None = None) -> Document:
    """Set `issue` on pages; see the module docstring. `composer` must offer `compose` and `Style`
    as `publish.cjk` does (tests pass a stand-in). `progress(n)` is called after each article.
    `warm`: what a long-lived process keeps between paginations of the issue (`publish watch`:
    compositions, unchanged articles' rows and pages — `publish.paginate.warm`); the `Document` is
    the same with or without it. `deferred`: the composed text's cache writes are appended to it
    instead of made, for the caller to make when it has time (a build: while its EPUB helper works)."""
    from publish.paginate.setting import Setter

    if warm is not None:
        setter = warm.begin(layout, fonts, composer or _composer())
    else:
        setter = Setter(layout, fonts, composer or _composer())
        setter.deferred = deferred
    if composer is None:
        setter.precompose(issue.articles)  # the body text, on two cores where it pays
        if warm is None:  # (a warm Setter remembers them itself)
            setter.load_composed(issue.slug)  # the titles, headers, contents … of the last build
    document = _paginate(issue, layout, setter, progress, warm)
    if warm is not None:
        warm.end()
    else:
        setter.keep_composed(issue.slug)
    return document


def _paginate(issue: Issue, layout: Layout, setter: Setter, progress: Callable[[int], None] | None,
              warm: Warm | None) -> Document:
    from publish.paginate.collect import collect
    from publish.paginate.folios import assign_folios
    from publish.paginate.materialize import materialize
    from publish.paginate.place import place

    after: dict[str, list] = {}
    for ins in issue.inserts:
        if ins.after:
            after.setdefault(ins.after, []).append(ins.picture)
    drafts = place(collect(issue, setter, warm), layout, progress, first_folio=issue.first_folio, inserts_after=after)
    folios = assign_folios(issue, layout, setter, drafts, warm)
    if layout.section_start == "right-page" and folios.first_body % 2 != issue.first_folio % 2:
        # The contents pushed the body by an odd number of pages (first_folio too small for them):
        # the sections were placed for the other page side — placed again for the right one.
        drafts = place(collect(issue, setter, warm), layout, None, first_folio=folios.first_body, inserts_after=after)
        folios = assign_folios(issue, layout, setter, drafts, warm)
    if any(ins.folio is not None for ins in issue.inserts):
        insert_at_folios(issue, drafts, folios.first_body)
        folios = assign_folios(issue, layout, setter, drafts, warm)  # the articles after them moved on
    return materialize(issue, layout, setter, drafts, folios, warm)
