"""The PDF editions' renderer: a paginated `Document` → a print-ready PDF (PDF/X-4 conventions) and
the screen PDF of the same pages (trim size, RGB, linked contents); both tagged (PDF/UA-1).

In: `publish.paginate.pages.Document` and a font set (`publish.fonts`). Out: a PDF file.
Public: `write_pdf(document, fonts, out_path) -> Path`, `render_pdf(document, fonts) -> bytes`,
`write_screen_pdf(document, fonts, out_path) -> Path`, `render_screen_pdf(document, fonts) -> bytes`,
`start_pictures(*documents)` (their pictures made on a worker thread ahead of the writer),
`render_preview(pdf, out_dir, pages=None, spreads_=False, dpi=100, full=False) -> list[Path]`.

Imports are lazy (publish.lazy): ReportLab, Pillow and PDFium cost about 0.3 s, which every `publish` command would
otherwise pay just because the CLI registers `publish preview`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from publish.lazy import lazy_exports

if TYPE_CHECKING:
    from publish.pdf.preview import render_preview
    from publish.pdf.writer import (
        Geometry,
        render_pdf,
        render_screen_pdf,
        start_pictures,
        write_pdf,
        write_screen_pdf,
    )

__all__ = ["Geometry", "render_pdf", "render_preview", "render_screen_pdf", "start_pictures", "write_pdf",
           "write_screen_pdf"]

_WHERE = {
    "Geometry": "publish.pdf.writer",
    "render_pdf": "publish.pdf.writer",
    "write_pdf": "publish.pdf.writer",
    "render_screen_pdf": "publish.pdf.writer",
    "write_screen_pdf": "publish.pdf.writer",
    "start_pictures": "publish.pdf.writer",
    "render_preview": "publish.pdf.preview",
}


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
