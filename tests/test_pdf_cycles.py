"""Drawing a PDF leaves no reference cycles behind. A build pauses the cycle collector
(`publish.build._gc_paused`: it would rescan the build's objects again and again and free nothing),
so whatever a PDF's drawing leaves in a cycle stays until the build ends — through the page
drawer's glyph encoder, the whole ReportLab document of each PDF (~4 MB for the example issue's
print PDF), and the structure tree (each element → its parent → its kids). Both are let go once
the file's bytes are made, and freed then by reference counting."""

from __future__ import annotations

import gc

import pytest
from epub_cases import make_issue
from fonts_support import need_cjk_fonts


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    need_cjk_fonts()
    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate

    issue = make_issue(tmp_path_factory.mktemp("cycles"))
    fonts = load_fonts(None)
    return paginate(issue, load_layout(issue.layout, issue.root), fonts), fonts


@pytest.mark.parametrize("edition", ["print", "screen"])
def test_a_drawn_pdf_leaves_nothing_in_reference_cycles(drawn, edition):
    from publish.pdf import render_pdf, render_screen_pdf

    document, fonts = drawn
    render = render_screen_pdf if edition == "screen" else render_pdf
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()  # as in a build
    try:
        data = render(document, fonts)
        gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection would free is kept in gc.garbage instead
        gc.collect()
        left = sorted({f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage
                       if type(o).__module__.startswith(("reportlab", "publish"))})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert data.startswith(b"%PDF-")
    assert left == []
