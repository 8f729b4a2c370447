"""Fonts: from role names to resolved faces, their metrics and the text runs set in them.

In: the issue folder (its `fonts/` folder and `fonts/fonts.toml` are searched first) and role
overrides (issue.toml `[fonts]` → `Issue.fonts`, or a layout's). Out: a `FontSet`::

    from publish.fonts import load_fonts, FontSet
    fonts = load_fonts(issue.root, dict(issue.fonts))
    fonts.roles["body"]            # ResolvedRole: .faces (chain), .path/.index/.family/.format of face 0
    m = fonts.metrics({"body": 10.5, "title": 22})   # composer Metrics: m.em(face), m.advance(ch, face)
    fonts.runs("数字123·文本", "body")  # [Run(text, face)], face "body" or "body~1" (fallback 1)
    fonts.faces_for("body", chars)  # char → the face key that sets it (None: no face has it)
    fonts.uncovered("巴彦淖尔人大 /57", "header")   # characters of a made-up string no face has
    fonts.subset("byline", chars)   # TTF/OTF bytes for the EPUB (Reserved Font Names renamed)

Roles (fonts/default.toml): body, title, subtitle, byline, heading, header, folio, note, latin,
emphasis, caption.

This package needs neither ReportLab nor the issue model. Its users hold the rest: the issue's
coverage (every character of every article has a glyph in its role's chain) is `publish.coverage`
(run by `publish.preflight`); the PDF font objects — each face registered with ReportLab as an
embedded, subset CID font per document — are `publish.pdf.fonts` (`pdf_font(fonts, canvas, key)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from publish.lazy import lazy_exports

if TYPE_CHECKING:
    from publish.fonts.fontset import FontMetrics, FontSet, ResolvedFace, ResolvedRole, load_fonts

__all__ = ["FontMetrics", "FontSet", "ResolvedFace", "ResolvedRole", "load_fonts"]


# The names above come from `publish.fonts.fontset`, imported on first use (publish.lazy): importing
# a submodule (`publish.fonts.discovery` for `publish fonts`, …) loads this package first, and
# fontset with the composer's tables behind it costs ~40 ms they do not need.
__getattr__, __dir__ = lazy_exports(globals(), dict.fromkeys(__all__, "publish.fonts.fontset"))
