"""Filling pages ([flow]): where an article opens, specified on hand-countable text
(tests/paginate_support.py: every Han character 1 em, 21 a column line, a paragraph of n
characters takes ceil((n + 2) / 21) lines). In magazine-16k a one-line title block with its byline
takes 5 grid lines and two articles are a blank line apart; an article of two 400-character
paragraphs ends, balanced, at grid line 25 of 38 — leaving 38 - 25 - 1 - 5 = 7 lines a column
under a following title.

The keep rules (no widows or orphans, headings with two lines, title blocks whole and never alone)
are checked on every layout by tests/test_paginate_properties.py and test_paginate_pages.py."""

from __future__ import annotations

import dataclasses

from paginate_support import FAKE, FakeFonts, article, make_issue

from publish.layout import load_layout
from publish.paginate import paginate
from publish.paginate.collect import collect
from publish.paginate.place import SPAN, place
from publish.paginate.setting import Setter

MAG = load_layout("magazine-16k")
STRICT = dataclasses.replace(MAG, fill_page_share=0.0)  # no offer of a part-empty page
LONG = [400, 400]  # ends at grid line 25 of its page


def lines(n: int) -> int:
    """Characters for a paragraph of `n` lines (with its 2-em indent)."""
    return 21 * n - 2


def drafts(sections, layout=MAG, first_folio: int = 3):
    issue = make_issue(sections, first_folio=first_folio)
    return place(collect(issue, Setter(layout, FakeFonts(), FAKE)), layout, first_folio=first_folio)


def page_of(ds, slug: str) -> int:
    return next(k for k, d in enumerate(ds) if slug in d.openings)


def column_lines_under_title(d, slug: str) -> list[int]:
    """Grid lines of body `slug` has in each column of page `d`."""
    return [sum(p.row.height for p in d.placed if p.article == slug and p.column == c) for c in range(2)]


def test_the_previous_article_ends_where_the_docstring_says():
    ds = drafts([("特别报道", [article("a", LONG)])])
    assert (len(ds), ds[0].top) == (1, 25)
    assert ds[0].placed[0].row.height == 5


def test_a_short_article_opens_under_the_previous_when_its_body_fits_in_balanced_columns():
    # 12 lines of body take 6 + 6 balanced: they fit in the 7 free lines, though 12 would not fit
    # in one column and the layout asks for 20 lines under a title
    layout = dataclasses.replace(STRICT, min_lines_after_title=20)
    ds = drafts([("特别报道", [article("a", LONG), article("b", [lines(12)])])], layout)
    assert page_of(ds, "b") == 0
    assert column_lines_under_title(ds[0], "b") == [6, 6]
    # 16 lines would need 8 + 8: it opens the next page
    ds = drafts([("特别报道", [article("a", LONG), article("b", [lines(16)])])], layout)
    assert page_of(ds, "b") == 1


def test_a_long_article_opens_under_the_previous_when_the_minimum_fits_in_every_column():
    layout = dataclasses.replace(STRICT, min_lines_after_title=6)
    ds = drafts([("特别报道", [article("a", LONG), article("b", [600, 600])])], layout)
    assert page_of(ds, "b") == 0
    assert all(n >= 6 for n in column_lines_under_title(ds[0], "b"))
    layout = dataclasses.replace(STRICT, min_lines_after_title=8)  # 8 > 7 free lines
    ds = drafts([("特别报道", [article("a", LONG), article("b", [600, 600])])], layout)
    assert page_of(ds, "b") == 1 and ds[1].placed[0].slot == 0


def test_a_page_more_than_a_third_empty_is_offered_to_the_next_article():
    # 13 of 38 lines free (> 1/3): the next article opens with 3 lines a column although the layout
    # asks for 10 elsewhere
    offered = dataclasses.replace(MAG, min_lines_after_title=10, fill_page_share=1 / 3, min_lines_offered=3)
    ds = drafts([("特别报道", [article("a", LONG), article("b", [600, 600])])], offered)
    assert page_of(ds, "b") == 0
    assert all(n >= 3 for n in column_lines_under_title(ds[0], "b"))
    not_offered = dataclasses.replace(offered, fill_page_share=0.0)
    assert page_of(drafts([("特别报道", [article("a", LONG), article("b", [600, 600])])], not_offered), "b") == 1
    # a page ending less than a third empty is not offered: 400+500 ends at line 30 (8 free)
    ds = drafts([("特别报道", [article("a", [400, 500]), article("b", [600, 600])])], offered)
    assert ds[0].top > 38 * 2 / 3 and page_of(ds, "b") == 1


def test_short_items_pack_on_one_page():
    notices = [article(f"n{k}", [lines(3)]) for k in range(4)]  # each: title 5 + 2 lines balanced + gap
    ds = drafts([("工作动态", notices)])
    assert len(ds) == 1 and ds[0].openings == ["n0", "n1", "n2", "n3"]


def test_section_start_same_page_new_page_right_page():
    sections = [("特别报道", [article("a", LONG)]), ("工作动态", [article("b", [lines(12)])])]
    same = drafts(sections, dataclasses.replace(MAG, section_start="same-page"))
    assert page_of(same, "b") == 0 and same[0].section == "特别报道"
    new = drafts(sections, dataclasses.replace(MAG, section_start="new-page"))
    assert page_of(new, "b") == 1 and new[1].section == "工作动态"
    right = dataclasses.replace(MAG, section_start="right-page")
    # first body folio 3: the page after it is folio 4, a left page — left blank, b opens on folio 5
    ds = drafts(sections, right, first_folio=3)
    assert page_of(ds, "b") == 2 and not ds[1].placed
    # first body folio 4: the next page is folio 5, already a right page
    ds = drafts(sections, right, first_folio=4)
    assert page_of(ds, "b") == 1


def test_a_right_page_section_opens_on_an_odd_folio_and_the_blank_page_has_no_header():
    sections = [("特别报道", [article("a", LONG)]), ("工作动态", [article("b", [lines(12)])])]
    doc = paginate(make_issue(sections), dataclasses.replace(MAG, section_start="right-page", page_multiple=1),
                   FakeFonts(), composer=FAKE)
    body = [p for p in doc.pages if p.kind == "body"]
    b_page = next(p for p in body if any(getattr(it, "article", "") == "b" for it in p.items))
    assert b_page.folio % 2 == 1 and b_page.side == "right"
    blank = body[1]
    assert blank.folio == 4 and blank.items == ()


def test_titles_are_never_split_and_open_on_the_grid():
    ds = drafts([("特别报道", [article(f"x{k}", [lines(5 + 3 * k)]) for k in range(12)])])
    for d in ds:
        for p in d.placed:
            if p.column == SPAN and p.row is not None and p.article in d.openings:
                assert p.slot + p.row.height <= 38


def test_right_page_sections_stay_on_odd_folios_when_the_contents_push_the_body():
    # first_folio 1: the contents take folio 1 and the body starts on folio 2 (a left page)
    sections = [("特别报道", [article("a", LONG)]), ("工作动态", [article("b", [lines(12)])]),
                ("代表工作", [article("c", [lines(12)])])]
    doc = paginate(make_issue(sections, first_folio=1), dataclasses.replace(MAG, section_start="right-page",
                                                                             page_multiple=1),
                   FakeFonts(), composer=FAKE)
    body = [p for p in doc.pages if p.kind == "body"]
    assert body[0].folio == 2
    for slug in ("b", "c"):
        page = next(p for p in body if any(getattr(it, "article", "") == slug and getattr(it, "kind", "") == "title"
                                           for it in p.items))
        assert page.folio % 2 == 1, (slug, page.folio)
