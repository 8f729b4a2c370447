"""Pagination, step 3 — folios: the contents set, and the folio of every page.

In: the `Issue`, the `Layout`, the `Setter` and the body `PageDraft`s of step 2
(`publish.paginate.place`). Out: `Folios` — the contents pages' lines, the folio of the first
contents page and of the first body page, the folio each article opens on and the contents items.

Why a step of its own: the contents list every article's folio, and the body's folios depend on
the contents' length only when the contents cannot take the folios before `first_folio` (then the
body follows them). Setting the contents with trial folios converges in one or two rounds: a
folio's width never changes how many lines an entry takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from publish.cjk.title_join import join_title
from publish.layout.spec import Layout
from publish.model import Issue
from publish.paginate.contents import ContentsItem, set_contents
from publish.paginate.pages import TextLine
from publish.paginate.place import PageDraft
from publish.paginate.setting import Setter, byline_text

if TYPE_CHECKING:
    from publish.paginate.warm import Warm


@dataclass(frozen=True)
class Folios:
    first_contents: int  # folio of the first contents page
    first_body: int  # folio of the first body page (drafts[k] has first_body + k)
    contents_pages: list[list[TextLine]]  # lines of each contents page, x from the text block's left
    folio_of: dict[str, int]  # article slug → folio of the page its title is on
    items: list[ContentsItem]  # the contents entries (sections and articles) in order


def assign_folios(issue: Issue, layout: Layout, setter: Setter, drafts: list[PageDraft],
                  warm: Warm | None = None) -> Folios:
    """See the module docstring; `warm`: the contents set for the same entries and folios in the
    previous pagination are taken as they were (`publish.paginate.warm`)."""
    items = _contents_items(issue)
    contents = set_contents if warm is None else warm.contents
    n_contents = 0
    contents_pages: list[list[TextLine]] = []
    set_for: dict[str, int] | None = None  # the folios `contents_pages` were set with
    for _ in range(4):  # converges in one or two rounds: folio text width does not change line count
        first_contents, first_body = _folios(issue.first_folio, n_contents)
        folio_of = {slug: first_body + i for slug, i in _opening_pages(drafts).items()}
        # The contents are set from the entries and these folios alone: when the first round's
        # count of contents pages did not move the body (they take the folios before
        # `first_folio`), the folios are the same and so would the pages be — not set again
        # (half of this step's time: the contents' every title and byline composed).
        if folio_of != set_for:
            contents_pages = contents(issue, layout, setter, items, folio_of)
            set_for = folio_of
        if len(contents_pages) == n_contents:
            break
        n_contents = len(contents_pages)
    first_contents, first_body = _folios(issue.first_folio, n_contents)
    folio_of = {slug: first_body + i for slug, i in _opening_pages(drafts).items()}
    return Folios(first_contents, first_body, contents_pages, folio_of, items)


def side(folio: int) -> str:
    """The page side of a folio: odd folios are right-hand pages."""
    return "right" if folio % 2 else "left"


def _opening_pages(drafts: list[PageDraft]) -> dict[str, int]:
    return {slug: k for k, d in enumerate(drafts) for slug in d.openings}


def _folios(first_folio: int, n_contents: int) -> tuple[int, int]:
    """(first contents folio, first body folio). The contents take the folios just before
    `first_folio` (the folio of the first body page); when there are not enough (first_folio 1),
    they take `first_folio` onwards and the body follows them."""
    if first_folio - n_contents >= 1:
        return first_folio - n_contents, first_folio
    return first_folio, first_folio + n_contents


def _contents_items(issue: Issue) -> list[ContentsItem]:
    items: list[ContentsItem] = []
    for s in issue.sections:
        if not s.articles:
            continue
        items.append(ContentsItem(s.title, "", s.title, "", s.articles[0].slug))
        for a in s.articles:
            by = "　".join(byline_text(b) for b in a.bylines)
            # a title of several print lines, joined with what each break needs (never run together)
            items.append(ContentsItem(s.title, a.slug, join_title(a.title), by, a.slug, a.bylines))
    return items
