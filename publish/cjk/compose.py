"""The composer's entry point: runs of text → justified lines of positioned glyphs.

In: `Run`s (text + face key), the measure in pt, `Metrics`, a `Style`. Out: `list[Line]`; every
non-last line of a justified paragraph is exactly the measure wide, the first line carries the
indent, and the lines' characters concatenated give the input text exactly.

A metrics object is taken to be immutable: its answers (advance per character and face, em per
face) are memoised for as long as the object lives, so one object serves a whole build cheaply.
"""

from __future__ import annotations

from collections.abc import Sequence

from publish.cjk.breaker import find_breaks
from publish.cjk.glue import prepare
from publish.cjk.justify import set_line
from publish.cjk.metrics import Metrics
from publish.cjk.style import Line, Run, Style

DEFAULT_STYLE = Style()


def compose(runs: Sequence[Run], measure: float, metrics: Metrics, style: Style = DEFAULT_STYLE) -> list[Line]:
    """Break and justify one paragraph. An empty paragraph gives no lines."""
    if measure <= 0:
        raise ValueError(f"measure must be positive, not {measure}")
    if not any(run.text for run in runs):
        return []
    p = prepare(runs, metrics, style)
    indent = style.indent_em * p.base_em
    if indent >= measure:
        indent = 0.0  # a measure narrower than the indent: the indent cannot apply
    breaks = find_breaks(p, measure, measure - indent, style.align == "justify")
    lines = []
    j = 0
    last_i = breaks[-1]
    for i in breaks:
        lines.append(set_line(p, j, i, measure, indent if j == 0 else 0.0, i == last_i, style.align))
        j = i
    return lines
