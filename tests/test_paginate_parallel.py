"""Composing on two cores gives exactly the document composing on one gives (publish.paginate.parallel)."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from publish.cjk import Run, Style, compose
from publish.cjk.metrics import FixedMetrics
from publish.cjk.style import GlyphRun, Line
from publish.paginate import parallel

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
linux_fork = pytest.mark.skipif(not parallel.usable(), reason="needs Linux with fork and two usable cores")

TEXTS = [f"第{k}条　人大常委会审议通过了《条例》，自2025年{k % 12 + 1}月1日起施行。" * (k % 5 + 1) for k in range(40)]


def compose_text(text: str) -> list:
    return compose([Run(text, "body")], 200.0, FixedMetrics(10.0), Style())


@linux_fork
def test_lines_from_the_child_equal_lines_composed_here(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    jobs = [(t, len(t)) for t in TEXTS]
    got = parallel.compose_all(jobs, compose_text, line_type=Line, run_type=GlyphRun)
    assert list(got) != [] and set(got) == set(TEXTS)
    for t in TEXTS:
        assert got[t] == compose_text(t)
        assert all(type(ln.glyphs) is GlyphRun for ln in got[t])


@linux_fork
def test_a_failing_child_leaves_its_half_to_be_composed_here(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    parent = os.getpid()

    def fails_in_child(t: str) -> list:
        if os.getpid() != parent:
            raise RuntimeError("child failure")
        return compose_text(t)

    got = parallel.compose_all([(t, len(t)) for t in TEXTS], fails_in_child, line_type=Line, run_type=GlyphRun)
    assert 0 < len(got) < len(TEXTS)  # the parent's half only
    for t, lines in got.items():
        assert lines == compose_text(t)


def test_small_jobs_or_publish_jobs_1_compose_nothing_ahead(monkeypatch):
    jobs = [(t, len(t)) for t in TEXTS[:2]]
    assert parallel.compose_all(jobs, compose_text, line_type=Line, run_type=GlyphRun) == {}
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert not parallel.usable()
    assert parallel.compose_all(jobs, compose_text, line_type=Line, run_type=GlyphRun) == {}


@linux_fork
def test_the_sample_issue_paginates_identically_on_one_and_on_two_cores(monkeypatch, tmp_path):
    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate
    from publish.sources import load_issue

    issue = load_issue(SAMPLE)
    layout = load_layout(issue.layout, issue.root)
    fonts = load_fonts(issue.root, dict(issue.fonts))
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    calls = []
    real = parallel.compose_groups

    def spy(groups, *a, **kw):
        out, kept = real(groups, *a, **kw)
        calls.append((sum(len(jobs) for jobs, _ in groups), len(out)))
        return out, kept

    monkeypatch.setattr(parallel, "compose_groups", spy)
    # each run with an empty cache of composed text (publish.paginate.composed), so both compose
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "two"))
    two = paginate(issue, layout, fonts)
    assert calls and calls[0][0] == calls[0][1] > 0  # every body job composed ahead, half in the child
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "one"))
    one = paginate(issue, layout, fonts)
    assert two == one


# ── whole articles in the helper, which keeps their composed-text entries itself ───────────────
GROUPS = [(TEXTS[k:k + 4], sum(len(t) for t in TEXTS[k:k + 4])) for k in range(0, len(TEXTS), 4)]


@linux_fork
def test_the_helper_keeps_each_of_its_groups_as_the_cache_would_store_it(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)

    def keep(index: int, data: bytes) -> None:  # runs in the helper: leaves a file per group
        (tmp_path / f"group-{index}").write_bytes(data)

    got, kept = parallel.compose_groups(GROUPS, compose_text, line_type=Line, run_type=GlyphRun, keep=keep)
    assert kept and max(kept) == len(GROUPS) - 1 and min(kept) > 0  # the later groups, not this process's
    assert {f"group-{k}" for k in kept} == {p.name for p in tmp_path.iterdir()}
    for k in kept:
        jobs = GROUPS[k][0]
        # exactly what `composed.store` writes for those lines, and the lines handed back are equal
        assert (tmp_path / f"group-{k}").read_bytes() == parallel.payload([compose_text(t) for t in jobs])
        for t in jobs:
            assert got[t] == compose_text(t) and all(type(ln.glyphs) is GlyphRun for ln in got[t])
    for jobs, _ in GROUPS[:min(kept)]:
        for t in jobs:
            assert got[t] == compose_text(t)


@linux_fork
def test_a_helper_that_fails_to_keep_leaves_its_groups_here_unkept(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)

    def keep(index: int, data: bytes) -> None:
        raise OSError("the cache cannot be written")

    got, kept = parallel.compose_groups(GROUPS, compose_text, line_type=Line, run_type=GlyphRun, keep=keep)
    assert kept == set()  # nothing counts as kept: the caller stores every group itself
    assert 0 < len(got) < len(TEXTS)


@linux_fork
def test_every_article_is_in_the_cache_after_a_build_composed_on_two_cores(monkeypatch, tmp_path):
    import publish.cjk as cjk
    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import composed, paginate
    from publish.paginate.setting import Setter, text_job
    from publish.sources import load_issue

    issue = load_issue(SAMPLE)
    layout = load_layout(issue.layout, issue.root)
    fonts = load_fonts(issue.root, dict(issue.fonts))
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    kept_here = []
    real = composed.store
    monkeypatch.setattr(composed, "store", lambda context, jobs, lines: (kept_here.append(jobs),
                                                                         real(context, jobs, lines)))
    document = paginate(issue, layout, fonts)
    per_article = [[(e, inlines, layout.measure, None, None) for b in a.blocks if (job := text_job(b))
                    for e, inlines in [job]] for a in issue.articles]
    assert 0 < len(kept_here) < len(per_article)  # this process stored only its own articles
    setter = Setter(layout, fonts, cjk)
    context = composed.context_key(setter, [k[0] for keys in per_article for k in keys])
    for keys in per_article:
        lines = composed.load(context, keys)  # the helper's articles too
        assert lines == [setter._compose(*k) for k in keys]
    # and a second build takes every article from the cache: the same pages
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert paginate(issue, layout, fonts) == document


@linux_fork
def test_no_text_is_composed_in_a_helper_while_another_helper_has_the_only_spare_core(monkeypatch):
    # a build on two cores whose EPUB helper is running: composing in a third process would only
    # take that helper's core (and add the fork's and the messages' cost)
    from publish.worker import Worker

    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    jobs = [(t, len(t)) for t in TEXTS]
    other = Worker.start(lambda channel: channel.receive())
    assert other is not None
    try:
        assert parallel.compose_all(jobs, compose_text, line_type=Line, run_type=GlyphRun) == {}
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})  # a third core is free
        got = parallel.compose_all(jobs, compose_text, line_type=Line, run_type=GlyphRun)
        assert set(got) == set(TEXTS)
    finally:
        other.send("done")
        assert other.wait()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert set(parallel.compose_all(jobs, compose_text, line_type=Line, run_type=GlyphRun)) == set(TEXTS)


def _line(chars: tuple, faces: tuple, offsets: tuple | None = None) -> Line:
    n = len(chars)
    xs = tuple(10.0 * k + 0.25 for k in range(n))
    return Line(GlyphRun(chars, xs, (10.0,) * n, faces, offsets if offsets is not None else (0.0,) * n),
                10.0 * n, 10.0 * n, 0.125, False, 0.0, "justify", False)


@pytest.mark.parametrize("line", [
    _line(("人", "大", "，", "a"), ("body",) * 4),  # one face, one character a glyph: the short forms
    _line(("人", "大", "1"), ("body", "body", "latin~1")),  # two faces: the faces as they are
    _line(("——", "", "人"), ("body",) * 3),  # a glyph of two characters, one of none (the lengths add up)
    _line(("ab", "人"), ("body", "body")),
    _line(("人", "『"), ("body", "body@sup"), (0.0, -2.5)),
    _line((), ()),  # no glyphs
], ids=["one-face", "two-faces", "two-and-none", "two-chars", "offsets", "empty"])
def test_a_line_stored_as_columns_comes_back_equal_with_tuple_columns(line):
    stored = parallel.to_columns([line])
    back = parallel.from_columns(marshal.loads(marshal.dumps(stored))[0], Line, GlyphRun)
    assert back == line
    assert back.glyphs.chars == line.glyphs.chars and type(back.glyphs.chars) is tuple
    assert back.glyphs.faces == line.glyphs.faces and type(back.glyphs.faces) is tuple
    assert (back.natural, back.width, back.ratio, back.last, back.indent, back.align, back.hung) == \
        (line.natural, line.width, line.ratio, line.last, line.indent, line.align, line.hung)


def test_a_composed_paragraph_is_stored_with_its_characters_as_one_string_and_one_face_key():
    lines = compose_text(TEXTS[7])
    stored = parallel.to_columns(lines)
    assert [cols[0] for cols in stored] == ["".join(ln.glyphs.chars) for ln in lines]
    assert {cols[3] for cols in stored} == {"body"}
    assert [parallel.from_columns(cols, Line, GlyphRun) for cols in stored] == lines
