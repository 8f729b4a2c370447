"""The Chinese line composer (W3C clreq): paragraphs of text runs → justified lines of glyphs.

In: `Run`s (text + face key), a measure in pt, `Metrics` (advance, em per face), a `Style`.
Out: `Line`s of `Glyph`s (see docs/architecture.md, "Contracts": composer). `audit` reports typography faults in
composed lines (reused by pagination on whole pages). Knows nothing of ReportLab or pages.
"""

from __future__ import annotations

from publish.cjk.audit import Finding, Report, audit
from publish.cjk.compose import compose
from publish.cjk.metrics import FixedMetrics, Metrics
from publish.cjk.style import Glyph, Line, Run, Style

__all__ = ["Finding", "FixedMetrics", "Glyph", "Line", "Metrics", "Report", "Run", "Style", "audit", "compose"]
