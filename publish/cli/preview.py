"""`publish preview`: PNG proofs of a PDF, page by page or as facing spreads.

In: the command line (`publish preview PDF -o DIR [--pages 1-4] [--spreads] [--dpi N] [--full]`).
Out: PNG files in DIR (their paths printed one a line), exit status 0; a bad PDF or page selection
prints one line and exits 1 (through `handle_errors`).
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors

DEFAULT_DPI = 100  # = publish.pdf.preview.DEFAULT_DPI, not imported here to keep `publish --help` fast


@click.command("preview")
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the PNG files.",
)
@click.option("--pages", default=None,
              help="Pages to render by printed page number (folio): 5-8, 7, 3,5-9, 60-.")
@click.option("--pdf-pages", default=None,
              help="Pages to render by position in the PDF (1 = first page): 1-4, 2,5-9.")
@click.option(
    "--spreads", is_flag=True, help="Put facing pages side by side (even folio left, odd folio right)."
)
@click.option("--dpi", default=DEFAULT_DPI, show_default=True, type=float, help="Resolution of the PNGs.")
@click.option(
    "--full", is_flag=True, help="Show the whole sheet with bleed and crop marks, not the trimmed page."
)
@handle_errors
def preview(pdf: Path, out_dir: Path, pages: str | None, pdf_pages: str | None, spreads: bool, dpi: float,
            full: bool) -> None:
    """Render PNG proofs of PDF into a folder (all pages, or those chosen by folio or position)."""
    from publish.pdf.preview import render_preview

    if pages and pdf_pages:
        raise click.UsageError("give --pages (folios) or --pdf-pages (positions), not both")
    for path in render_preview(pdf, out_dir, pages=pdf_pages, folios=pages, spreads_=spreads, dpi=dpi,
                               full=full):
        click.echo(str(path))


commands = [preview]
