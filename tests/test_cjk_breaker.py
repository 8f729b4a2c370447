"""The line breaker's searches agree with each other, and text it cannot break costs linear time.

- The lean justified search and the general search use the same costs: same breaks (both searching
  every candidate), or where two break sequences tie exactly, the same cost.
- The relaxed search (every position a candidate, overfull lines allowed) with its bounded window
  gives the breaks of the same search with no bound — on random text mixing long unbreakable runs
  (Latin words, digits, URLs) with Han text, at measures from 1 to 40 em.
- Composing an unbreakable run of 16,000 characters does work proportional to its length: the
  number of candidate lines tried grows ~4× from 4k to 16k characters (not ~16× as before).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.cjk import FixedMetrics, Run, Style, breaker, compose
from publish.cjk.glue import prepare

EM = 10.0
M = FixedMetrics(EM)
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"

runs = st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=200),  # one long word
    st.text(alphabet="0123456789", min_size=1, max_size=120),
    st.builds(lambda a, b: f"https://{a}/{b}", st.text(alphabet="abc.xyz", min_size=1, max_size=40),
              st.text(alphabet="abc/_-?=", min_size=0, max_size=60)),
    st.sampled_from(["，", "。", "“", "”", "（", "）", "——", "……", " ", "《", "》"]),
)
texts = st.lists(runs, min_size=1, max_size=12).map("".join)
styles = st.builds(Style, prohibition=st.sampled_from(["strict", "gb", "basic", "none"]),
                   punctuation=st.sampled_from(["quanjiao", "kaiming"]),
                   align=st.sampled_from(["justify", "left", "center"]),
                   indent_em=st.sampled_from([2.0, 0.0]))
measures = st.floats(min_value=1 * EM, max_value=40 * EM, allow_nan=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, style=styles, measure=measures)
def test_the_bounded_relaxed_search_gives_the_unbounded_searchs_breaks(text, style, measure):
    p = prepare([Run(text, "body")], M, style)
    justify = style.align == "justify"
    indent = style.indent_em * EM
    first = measure - (indent if indent < measure else 0.0)  # as compose() does
    bounded = breaker._search(p, measure, first, justify, breaker.INF, relax=True)
    unbounded = breaker._search_general(p, measure, first, justify, breaker.INF, True, breaker.INF)
    assert bounded == unbounded


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, measure=measures)
def test_the_lean_justified_search_gives_the_general_searchs_breaks(text, measure):
    # Both complete (no window: their first-pass windows start from different bounds on purpose).
    # They compute the same costs in a different order of float operations, so where two break
    # sequences cost exactly the same (uniform text: lines of 4,4,3 or 3,4,4 characters) rounding
    # may pick either: then the costs must be equal.
    p = prepare([Run(text, "body")], M, Style())
    costs: list[float] = []
    real_path = breaker._path

    def recording(dp, prev, n):
        costs.append(dp[n])
        return real_path(dp, prev, n)

    breaker._path = recording
    try:
        lean = breaker._search_justified(p, measure, measure, breaker.INF)
        general = breaker._search_general(p, measure, measure, True, breaker.INF, False)
    finally:
        breaker._path = real_path
    assert lean == general or costs[0] == pytest.approx(costs[1], rel=1e-9)


def _lines_tried(n: int, monkeypatch) -> int:
    """How many candidate lines the breaker costs for an unbreakable run of n characters."""
    tried = 0
    real = breaker._search_general

    def counting(p, *args):
        nonlocal tried
        # every (start, end) pair the search looks at reads E[end]: count those reads
        class Counting(list):
            def __getitem__(self, i):
                nonlocal tried
                tried += 1
                return list.__getitem__(self, i)

        p.E = Counting(p.E)
        return real(p, *args)

    monkeypatch.setattr(breaker, "_search_general", counting)
    lines = compose([Run("x" * n, "body")], 21 * EM, M, Style())
    assert "".join(g.char for ln in lines for g in ln.glyphs) == "x" * n  # nothing lost
    monkeypatch.undo()
    return tried


def test_an_unbreakable_run_costs_work_linear_in_its_length(monkeypatch):
    small, large = _lines_tried(4000, monkeypatch), _lines_tried(16000, monkeypatch)
    assert large < 5 * small  # linear: ×4 (quadratic would be ×16)


@pytest.mark.parametrize("text", ["x" * 3000, "1" * 3000, "中文" + "y" * 3000 + "中文"])
def test_unbreakable_text_is_set_whole_and_within_the_measure_where_it_can_be(text):
    lines = compose([Run(text, "body")], 21 * EM, M, Style())
    assert "".join(g.char for ln in lines for g in ln.glyphs) == text
    assert all(ln.width <= 21 * EM + 1e-6 for ln in lines)
