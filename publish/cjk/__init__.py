"""The Chinese line composer (W3C clreq): paragraphs of text runs → justified lines of glyphs.

In: `Run`s (text + font role), a measure in pt, `Metrics` (advance, em per role), a `Style`.
Out: `Line`s of `Glyph`s (see docs/INTERFACES.md, "composer"). `check` reports typography faults in
composed lines (reused by pagination on whole pages). Knows nothing of ReportLab or pages.
"""

from __future__ import annotations

from publish.cjk.check import Finding, Report, check
from publish.cjk.compose import compose
from publish.cjk.metrics import FixedMetrics, Metrics
from publish.cjk.style import Glyph, Line, Run, Style

__all__ = ["Finding", "FixedMetrics", "Glyph", "Line", "Metrics", "Report", "Run", "Style", "check", "compose"]
