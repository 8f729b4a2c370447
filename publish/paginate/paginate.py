"""Pagination: an issue set on pages, in four named steps.

In: an `Issue`, its `Layout`, the fonts (`runs`, `metrics`) and the composer (default `publish.cjk`).
Out: a `Document` (`publish.paginate.pages`): the contents pages, then the articles section by
section — each opening with its title block across the columns, the body flowing column by column
on the line grid, columns balanced where an article ends mid-page — with running headers and folios,
the outline (sections → articles), the contents entries and the folio of every page start.

The steps, each a module of this package:
1. collect (`collect.py`): each article set as rows — title block, body segments, spanning figures;
2. place (`place.py`): rows on abstract pages (column, grid line), a `Cursor` marking where the
   flow goes on; a title never stands alone at a page foot;
3. folios (`folios.py`): the contents set, which fixes the folio of every page;
4. materialize (`materialize.py`): x/y in points (left and right pages mirror the margins),
   running headers, outline, page starts → the `Document`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from publish.layout.spec import Layout
from publish.model import Issue
from publish.paginate.collect import collect
from publish.paginate.folios import assign_folios
from publish.paginate.materialize import materialize
from publish.paginate.pages import Document
from publish.paginate.place import place
from publish.paginate.setting import Setter


def _composer() -> ModuleType:
    import publish.cjk as cjk

    return cjk


def paginate(issue: Issue, layout: Layout, fonts, *, composer: Any = None,
             progress: Callable[[int], None] | None = None) -> Document:
    """Set `issue` on pages; see the module docstring. `composer` must offer `compose` and `Style`
    as `publish.cjk` does (tests pass a stand-in). `progress(n)` is called after each article."""
    setter = Setter(layout, fonts, composer or _composer())
    if composer is None:
        setter.precompose(issue.articles)  # the body text, on two cores where it pays
    drafts = place(collect(issue, setter), layout, progress, first_folio=issue.first_folio)
    folios = assign_folios(issue, layout, setter, drafts)
    return materialize(issue, layout, setter, drafts, folios)
