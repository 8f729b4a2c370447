"""The screen PDF drawn by a helper process is the screen PDF drawn in the build's own process.

A build (`publish.build`) draws the screen PDF on a second core while it draws the print PDF; the
helper subsets its fonts only after the print PDF has put the same subsets in the cache, and
writes the file while the covers are drawn. Specification:
- the four files are byte for byte those of a build without helpers (`PUBLISH_JOBS=1`), in a
  folder and as bytes (`publish.render`);
- the screen PDF really comes from the helper (the build's own process never draws it);
- a helper that fails leaves the screen PDF to the build's process: the same bytes;
- the helper subsets no font itself: it waits for the print PDF's subsets (it makes none anew).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import publish
from publish import worker
from publish.build import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"

pytestmark = pytest.mark.skipif(not worker.usable(), reason="this machine starts no helper processes")


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PUBLISH_JOBS", raising=False)
    return tmp_path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_the_helpers_screen_pdf_is_the_one_drawn_here(env, monkeypatch):
    build(SAMPLE, env / "forked", pdf=True, epub=True)
    forked = _files(env / "forked")
    assert any(name.endswith("-screen.pdf") for name in forked)
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(env / "another-cache"))
    build(SAMPLE, env / "here", pdf=True, epub=True)
    assert _files(env / "here") == forked


def test_the_build_process_does_not_draw_the_screen_pdf_when_the_helper_did(env, monkeypatch):
    import publish.pdf as pdf

    def not_here(*args, **kwargs):
        raise AssertionError("the screen PDF was drawn in the build's process")

    monkeypatch.setattr(pdf, "write_screen_pdf", not_here)
    monkeypatch.setattr(pdf, "render_screen_pdf", not_here)
    build(SAMPLE, env / "out", pdf=True, epub=True)
    rendered = publish.render(SAMPLE)
    assert rendered.screen == next((env / "out").glob("*-screen.pdf")).read_bytes()


def test_a_failing_helper_leaves_the_screen_pdf_to_the_build(env, monkeypatch):
    build(SAMPLE, env / "forked", pdf=True, epub=True)
    expected = _files(env / "forked")
    import importlib

    build_module = importlib.import_module("publish.build")  # the module (publish.build is also a function)

    def failing_helper(document, fonts, path):
        def work(channel):
            raise RuntimeError("the helper fails")

        return worker.Worker.start(work)

    monkeypatch.setattr(build_module, "_start_screen_child", failing_helper)
    build(SAMPLE, env / "failed", pdf=True, epub=True)
    assert _files(env / "failed") == expected


def test_the_helper_subsets_no_font_itself(env, monkeypatch):
    """Every font program the screen PDF embeds was made by the print PDF: with the print PDF's
    subsetting counted in a file, the helper adds no line."""
    from collections import OrderedDict

    from publish.fonts import programs
    from publish.pdf import fontobjects

    # subsets this process made for an earlier test are kept in memory: start without them
    monkeypatch.setattr(fontobjects, "_MADE", OrderedDict())
    log = env / "subsets.log"

    real = programs.cache.put_bytes

    def counting(kind, key, data):
        if kind == "pdf":
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()}\n")
        return real(kind, key, data)

    monkeypatch.setattr(programs.cache, "put_bytes", counting)
    build(SAMPLE, env / "out", pdf=True, epub=True)
    writers = set(log.read_text(encoding="utf-8").split())
    assert writers == {str(os.getpid())}  # the build's own process only: the print PDF


def test_after_fonts_comes_once_the_subsets_are_cached_and_changes_no_byte(env, monkeypatch):
    """The print PDF tells the helper to go on from `render_pdf(after_fonts=)`: called once, when
    every font program of the file is in the cache, and the file is the same bytes as without it."""
    from collections import OrderedDict

    from publish.build import prepare
    from publish.pdf import fontobjects

    monkeypatch.setattr(fontobjects, "_MADE", OrderedDict())  # no subsets kept from earlier tests
    from publish.paginate import paginate
    from publish.pdf import render_pdf

    prepared = prepare(SAMPLE)
    document = paginate(prepared.issue, prepared.layout, prepared.fonts)
    cache_dir = env / "cache"
    seen: list[int] = []

    def go() -> None:
        seen.append(len([p for p in cache_dir.rglob("*.bin") if "pdf" in p.parts]))

    with_hook = render_pdf(document, prepared.fonts, after_fonts=go)
    assert len(seen) == 1 and seen[0] > 0
    programs_after = len([p for p in cache_dir.rglob("*.bin") if "pdf" in p.parts])
    assert programs_after == seen[0]  # nothing subset after the go-ahead
    assert render_pdf(document, prepared.fonts) == with_hook
