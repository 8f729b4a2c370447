"""The print edition's renderer: a paginated `Document` → a print-ready PDF (PDF/X-4 conventions).

In: `publish.paginate.pages.Document` and a font set (`publish.fonts`). Out: a PDF file.
Public: `write_pdf(document, fonts, out_path) -> Path`, `render_pdf(document, fonts) -> bytes`,
`render_preview(pdf, out_dir, pages=None, spreads=False) -> list[Path]` (PNG proofs).
"""

from __future__ import annotations

from publish.pdf.preview import render_preview
from publish.pdf.writer import Geometry, render_pdf, write_pdf

__all__ = ["Geometry", "render_pdf", "render_preview", "write_pdf"]
