"""Title blocks: stacked bylines sit at the byline leading (no blank line between them), a title's
lines at the title leading; the space after an element comes once, after its last line."""

from __future__ import annotations

import itertools

import pytest
from paginate_support import FAKE, FakeFonts, article, make_issue

from publish.layout import load_layout
from publish.model import Byline
from publish.paginate import TextLine, paginate

MAG = load_layout("magazine-16k")


def lines_of(doc, kind: str) -> list[TextLine]:
    page = next(p for p in doc.pages if p.kind == "body")
    return [it for it in page.items if isinstance(it, TextLine) and it.kind == kind]


def test_bylines_are_stacked_at_the_byline_leading():
    bylines = (Byline("市人大常委会办公室", "张三"), Byline("市人大常委会研究室", "李四"), Byline("", "王五"))
    doc = paginate(make_issue([("特别报道", [article("a", [300, 300], bylines=bylines)])]), MAG, FakeFonts(),
                   composer=FAKE)
    ys = [ln.y for ln in lines_of(doc, "byline")]
    assert len(ys) == 3
    step = MAG.style("byline").leading
    assert [a - b for a, b in itertools.pairwise(ys)] == pytest.approx([step, step])


def test_a_two_line_title_is_set_at_the_title_leading_and_the_space_after_comes_once():
    a = article("a", [300, 300])
    a = type(a)(**{**a.__dict__, "title": ("市五届人大常委会第十九次会议", "在临河召开")})
    doc = paginate(make_issue([("特别报道", [a])]), MAG, FakeFonts(), composer=FAKE)
    titles = lines_of(doc, "title")
    byline = lines_of(doc, "byline")[0]
    assert titles[0].y - titles[1].y == pytest.approx(MAG.style("title").leading)
    # title → byline: one title leading plus the title's space after (0.5 grid line), not two of them
    gap = titles[1].y - byline.y
    st, by = MAG.style("title"), MAG.style("byline")
    centre_to_centre = st.leading / 2 + st.space_after * MAG.leading + by.leading / 2
    baseline_shift = (0.88 * st.size - st.size / 2) - (0.88 * by.size - by.size / 2)
    assert gap == pytest.approx(centre_to_centre - baseline_shift, abs=0.01)
