"""Composed text kept between builds (publish.paginate.composed): a second build of unchanged
articles composes nothing — neither the body nor the titles, bylines, headers, folios and contents —
and gives the same document; a change to an article, to the layout's typography or styles or to a
font file composes afresh; a damaged entry is a miss. Within one build, the same line (a running
header, a contents entry set twice) is composed once."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from publish.fonts import load_fonts
from publish.layout import load_layout
from publish.paginate import composed, paginate
from publish.paginate.setting import Setter
from publish.sources import load_issue

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PUBLISH_JOBS", "1")  # composing counted in this process


@pytest.fixture(scope="module")
def sample():
    issue = load_issue(SAMPLE)
    return issue, load_layout(issue.layout, issue.root), load_fonts(issue.root, dict(issue.fonts))


def count_composing(monkeypatch) -> list[str]:
    """The elements of the paragraphs composed from now on (body and everything else)."""
    seen: list[str] = []
    real = Setter._compose

    def counting(self, element, inlines, *args):
        seen.append("".join(r.text for r in inlines))
        return real(self, element, inlines, *args)

    monkeypatch.setattr(Setter, "_compose", counting)
    return seen


def body_texts(articles) -> set[str]:
    from publish.paginate.setting import text_job

    return {"".join(r.text for r in job[1]) for a in articles for b in a.blocks if (job := text_job(b))}


def test_a_second_build_takes_the_body_from_the_cache_and_sets_the_same_pages(sample, monkeypatch):
    issue, layout, fonts = sample
    first = paginate(issue, layout, fonts)
    composing = count_composing(monkeypatch)
    again = paginate(issue, layout, fonts)
    assert again == first
    assert composing == []  # the body, and the titles, headers, folios and contents too


def test_within_a_build_the_same_line_is_composed_once(sample, monkeypatch):
    issue, layout, fonts = sample
    calls: list[tuple] = []
    real = Setter._compose

    def counting(self, *args):
        calls.append(args)
        return real(self, *args)

    monkeypatch.setattr(Setter, "_compose", counting)
    paginate(issue, layout, fonts)
    assert any(args[0] == "header" for args in calls)
    assert len(calls) == len(set(calls))  # every header, folio and contents line once


def test_the_other_lines_follow_their_own_styles(sample, monkeypatch, tmp_path):
    """The titles, bylines and headers are kept with their element's style: a layout whose title
    is set smaller composes the titles again (and only what changed), the same lines as without any
    cache."""
    issue, layout, fonts = sample
    paginate(issue, layout, fonts)
    smaller = replace(layout, styles={**layout.styles, "title": replace(layout.styles["title"],
                                                                        size=layout.styles["title"].size - 2)})
    composing = count_composing(monkeypatch)
    got = paginate(issue, smaller, fonts)
    titles = {t for a in issue.articles for t in a.title}
    assert titles <= set(composing)
    assert not set(composing) & body_texts(issue.articles)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "another-cache"))
    assert got == paginate(issue, smaller, fonts)


def test_an_edited_article_alone_is_composed_again(sample, monkeypatch, tmp_path):
    issue, layout, fonts = sample
    paginate(issue, layout, fonts)
    edited_root = tmp_path / "edited"
    shutil.copytree(SAMPLE, edited_root)
    path = sorted((edited_root / "articles").glob("*.md"))[0]
    added = "新加的一段话，只在这一篇里。"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{added}\n", encoding="utf-8")
    edited = load_issue(edited_root)
    changed = [a for a in edited.articles if a.source == path.resolve()]
    others = [a for a in edited.articles if a.source != path.resolve()]
    assert len(changed) == 1 and others
    composing = count_composing(monkeypatch)
    paginate(edited, layout, fonts)
    assert added in composing
    only_in_others = body_texts(others) - body_texts(changed)
    assert only_in_others and only_in_others.isdisjoint(composing)


def test_other_typography_or_a_touched_font_file_is_another_context(sample, tmp_path):
    import publish.cjk as cjk

    _, layout, fonts = sample
    elements = ["paragraph", "heading1"]
    before = composed.context_key(Setter(layout, fonts, cjk), elements)
    assert before is not None
    assert composed.context_key(Setter(layout, fonts, cjk), elements) == before  # stable
    kaiming = replace(layout, typography=tuple((k, "kaiming" if k == "punctuation" else v)
                                              for k, v in layout.typography))
    assert composed.context_key(Setter(kaiming, fonts, cjk), elements) != before
    narrower = replace(layout, styles={**layout.styles, "paragraph": replace(layout.styles["paragraph"], size=9.5)})
    assert composed.context_key(Setter(narrower, fonts, cjk), elements) != before
    face = fonts.face("body")  # the same face file replaced in place: another mtime
    original = face.path
    copy = tmp_path / original.name
    shutil.copy2(original, copy)
    os.utime(copy, ns=(1, 1))
    object.__setattr__(face, "path", copy)
    try:
        assert composed.context_key(Setter(layout, fonts, cjk), elements) != before
    finally:
        object.__setattr__(face, "path", original)


def test_a_damaged_entry_is_a_miss(sample, monkeypatch, tmp_path):
    issue, layout, fonts = sample
    first = paginate(issue, layout, fonts)
    entries = [e for e in (tmp_path / "cache").rglob("*.bin") if {"composed", "composed-lines"} & set(e.parts)]
    assert {"composed", "composed-lines"} <= {part for e in entries for part in e.parts}
    for entry in entries:
        entry.write_bytes(b"not marshal data")
    composing = count_composing(monkeypatch)
    assert paginate(issue, layout, fonts) == first
    assert body_texts(issue.articles) <= set(composing)
    assert {t for a in issue.articles for t in a.title} <= set(composing)


def test_a_stand_in_composer_is_never_cached(sample):
    _, layout, fonts = sample

    class StandIn:
        compose = None
        Style = None

    assert composed.context_key(Setter(layout, fonts, StandIn), ["paragraph"]) is None


def test_an_article_missed_then_stored_is_found_by_its_jobs_and_never_by_changed_ones(tmp_path, monkeypatch):
    # `load` remembers the key of the article it missed for the `store` that follows: the very
    # same jobs only — a list changed in between is keyed by what it holds then
    from publish.cjk.style import GlyphRun, make_line

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    line = make_line(GlyphRun(("人", "大"), (0.0, 10.0), (10.0, 10.0), ("body", "body"), (0.0, 0.0)),
                     20.0, 20.0, 0.0, True, 0.0, "justify", False)
    jobs = [("paragraph", ("人大",), 200.0, None, None)]
    assert composed.load("ctx", jobs) is None
    jobs[0] = ("paragraph", ("人民",), 200.0, None, None)  # changed after the miss
    composed.store("ctx", jobs, [[line]])
    assert composed.load("ctx", [("paragraph", ("人大",), 200.0, None, None)]) is None
    assert composed.load("ctx", [("paragraph", ("人民",), 200.0, None, None)]) == [[line]]
    same = [("paragraph", ("人大",), 200.0, None, None)]
    assert composed.load("ctx", same) is None
    composed.store("ctx", same, [[line]])
    assert composed.load("ctx", list(same)) == [[line]]
