"""Full-page pictures (covers, inserts, house ads): a PNG/JPEG, or a one-page PDF rasterised.

In: a picture file's path. Out: `picture_aspect(path)` — its width / height (pixels, or the PDF
page's MediaBox), and `open_picture(path)` — a loaded Pillow image (a PDF page rendered at
`PDF_DPI` by PDFium, on white). Problems (missing, unreadable, a PDF of more than one page) are a
`BuildError` naming the file.

Why rasterise a PDF: the print writer places raster images only; a one-page PDF cover or
advertisement is rendered once at a press resolution and then goes through the same CMYK
conversion as every photo. Vector text in such a PDF becomes pixels at 300 dpi.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from publish.errors import BuildError, Problem

PDF_DPI = 300


def _pdf(path: Path):
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as err:
        raise BuildError(Problem(f"{path.name} cannot be read as a PDF ({err})", path,
                                 fix="export it again as a one-page PDF")) from None
    if len(doc) != 1:
        n = len(doc)
        doc.close()
        raise BuildError(Problem(f"{path.name} has {n} pages; a cover or insert is one page", path,
                                 fix="export the one page it shows"))
    return doc


def picture_aspect(path: Path) -> float:
    """Width / height of the picture (of the page's MediaBox for a PDF)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        doc = _pdf(path)
        try:
            w, h = doc[0].get_size()
        finally:
            doc.close()
        return w / h
    try:
        with Image.open(path) as im:
            w, h = im.size
    except FileNotFoundError:
        raise BuildError(Problem(f"picture {path} not found", path, fix="check the path in issue.toml")) from None
    except (OSError, ValueError) as err:
        raise BuildError(Problem(f"picture {path} cannot be read ({err})", path,
                                 fix="save it as JPEG or PNG")) from None
    return w / max(h, 1)


def open_picture(path: Path) -> Image.Image:
    """The picture loaded; a one-page PDF rendered at PDF_DPI."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        im = Image.open(path)
        im.load()
        return im
    doc = _pdf(path)
    try:
        bitmap = doc[0].render(scale=PDF_DPI / 72, fill_color=(255, 255, 255, 255))
        im = bitmap.to_pil().convert("RGB")
    finally:
        doc.close()
    im.info["dpi"] = (PDF_DPI, PDF_DPI)
    return im
