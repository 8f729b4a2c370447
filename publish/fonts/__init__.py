"""Fonts: from role names to embedded, subset, searchable fonts, with a glyph-coverage check.

In: the issue folder (its `fonts/` folder and `fonts/fonts.toml` are searched first) and role
overrides (issue.toml `[fonts]` → `Issue.fonts`, or a layout's). Out: a `FontSet`::

    from publish.fonts import load_fonts, FontSet
    fonts = load_fonts(issue.root, dict(issue.fonts))
    fonts.roles["body"]            # ResolvedRole: .faces (chain), .path/.index/.family/.format of face 0
    m = fonts.metrics({"body": 10.5, "title": 22})   # composer Metrics: m.em(key), m.advance(ch, key)
    fonts.runs("数字123·文本", "body")  # [Run(text, face_key)], face_key "body" or "body~1" (fallback 1)
    fonts.coverage(issue)           # [Problem] for characters no face of their role has
    fonts.pdf_font(canvas, "body~1")  # ReportLab font name for canvas.setFont / textobject.setFont
    fonts.subset("byline", chars)   # TTF/OTF bytes for the EPUB (Reserved Font Names renamed)

Roles (fonts/default.toml): body, title, subtitle, byline, heading, header, folio, note, latin,
emphasis, caption.

For the PDF writer — how to make a canvas with no unembedded font in it. ReportLab writes a
`BT /F1 12 Tf … ET` for its initial font into every page's preamble and would otherwise list an
unembedded Helvetica; give it one of ours instead::

    from reportlab.pdfgen.canvas import Canvas
    c = Canvas(tmp_path, pagesize=(w, h), invariant=1, pageCompression=1,
               initialFontName=fonts.pdf_font(None, "body"), initialFontSize=10)
    body = fonts.pdf_font(c, "body")       # adopts the initial font: same name, one embedded subset
    t = c.beginText(); t.setFont(fonts.pdf_font(c, glyph.face), size); t.textOut(glyph.char) …
    c.save()                                # subsets are made here, from the characters drawn

Never call `setFont("Helvetica", …)` or draw a `Table` without `FONTNAME` set to one of ours.
Always call `fonts.pdf_font(c, key)` per canvas (the name is bound to that document: subsets and
their tags are per document, so builds are reproducible byte for byte).

CFF faces (Noto CJK) are embedded as CIDFontType0C (path B); TrueType faces as CIDFontType2.
The code of each glyph in the content stream is its Unicode code point (Identity-H), every font
has a ToUnicode CMap and a /W array, and subset tags are derived from the subset's bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from publish.fonts.fontset import FontMetrics, FontSet, ResolvedFace, ResolvedRole, load_fonts

__all__ = ["FontMetrics", "FontSet", "ResolvedFace", "ResolvedRole", "load_fonts"]


# The names above come from `publish.fonts.fontset`, imported on first use (PEP 562): importing a
# submodule (`publish.fonts.discovery` for `publish fonts`, …) loads this
# package first, and fontset with the composer's tables behind it costs ~40 ms they do not need.
def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'publish.fonts' has no attribute {name!r}")
    from publish.fonts import fontset

    value = getattr(fontset, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
