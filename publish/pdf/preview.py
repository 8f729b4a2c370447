"""PDF → PNG proofs: single pages or facing spreads, for proofreading on screen.

In: a PDF (normally one `write_pdf` made), an output folder, optionally a page selection — printed
folios such as "5-8" (`folios`, from the page labels the writer stores) or 1-based positions in the
PDF such as "1-4" or "2,5-7" (`pages`) — and a resolution. Out: PNG files in the folder —
`page-003.png` per page, or `spread-002-003.png` per pair of facing pages — and their paths.

Each page is shown as it will be after trimming (its TrimBox), unless `full=True` asks for the whole
sheet with bleed and crop marks. Left and right pages are told apart by the printed folio the writer
stores as the page label (even folio = left page); a page without a numeric label continues the
alternation from its neighbours, and with no labels at all the first page is a right-hand page, as
in any bound publication. Rendering uses PDFium (pypdfium2).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from publish.errors import BuildError, Problem

DEFAULT_DPI = 100


def _ranges(spec: str, low: int, high: int, unit: str, example: str) -> Iterator[tuple[str, int, int]]:
    """Each comma-separated part of `spec` as (part, start, end): 'a-b', 'a', 'a-' (to `high`),
    '-b' (from `low`); a part that is not numbers is an error naming the whole selection."""
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        try:
            if "-" in part:
                start_text, end_text = part.split("-", 1)
                start = int(start_text) if start_text else low
                end = int(end_text) if end_text else high
            else:
                start = end = int(part)
        except ValueError:
            raise BuildError(
                Problem(f"{unit} selection {spec!r} is not understood", fix=f"write {unit}s like {example}")
            ) from None
        yield part, start, end


def parse_pages(spec: str, count: int) -> list[int]:
    """'1-4', '3', '2-', '-3', '1,4-6' → 0-based page indexes (sorted, unique) within `count` pages."""
    chosen: set[int] = set()
    for part, start, end in _ranges(spec, 1, count, "page", "1-4 or 2,5-7"):
        if start < 1 or end > count or start > end:
            raise BuildError(
                Problem(
                    f"pages {part} are outside the PDF's 1-{count}", fix=f"choose pages between 1 and {count}"
                )
            )
        chosen.update(range(start - 1, end))
    if not chosen:
        raise BuildError(Problem(f"page selection {spec!r} selects no page", fix="write pages like 1-4"))
    return sorted(chosen)


def parse_folios(spec: str, labels: list[str]) -> list[int]:
    """'5-8', '5', '5-', '-8', '3,5-7' as printed folios → 0-based page indexes (sorted, unique).

    `labels` are the pages' labels (the writer stores each page's folio as its label); pages without
    a numeric label (e.g. a cover) are reached only by position (`parse_pages`)."""
    by_folio = {int(label): i for i, label in enumerate(labels) if label.isdigit()}
    if not by_folio:
        raise BuildError(Problem("the PDF has no page numbers (folios) to select by",
                                 fix="select pages by their position in the PDF with --pdf-pages"))
    low, high = min(by_folio), max(by_folio)
    chosen: set[int] = set()
    for part, start, end in _ranges(spec, low, high, "folio", "5-8 or 3,5-7"):
        found = [by_folio[f] for f in range(start, end + 1) if f in by_folio]
        if not found:
            what = f"folio {part}" if start == end else f"folios {part}"
            raise BuildError(Problem(f"{what} not in the PDF (its folios run {low}-{high})",
                                     fix=f"choose folios between {low} and {high}, or positions with --pdf-pages"))
        chosen.update(found)
    if not chosen:
        raise BuildError(Problem(f"folio selection {spec!r} selects no page", fix="write folios like 5-8"))
    return sorted(chosen)


def page_sides(pdf: pdfium.PdfDocument) -> list[str]:
    """'left' or 'right' for every page, from the folio page labels (see module docstring)."""
    count = len(pdf)
    anchor: tuple[int, int] | None = None
    for i in range(count):
        label = pdf.get_page_label(i)
        if label.isdigit():
            anchor = (i, int(label))
            break
    if anchor is None:
        anchor = (0, 1)  # first page recto
    index, folio = anchor
    return ["left" if (folio + i - index) % 2 == 0 else "right" for i in range(count)]


def spreads(sides: list[str], indexes: list[int]) -> list[tuple[int | None, int | None]]:
    """Facing pairs (left, right) covering `indexes`; a missing partner is None."""
    pairs: list[tuple[int | None, int | None]] = []
    seen: set[int] = set()
    for i in indexes:
        if i in seen:
            continue
        pair: tuple[int | None, int | None]
        if sides[i] == "left":
            right = i + 1 if i + 1 < len(sides) and sides[i + 1] == "right" else None
            pair = (i, right)
        else:
            left = i - 1 if i > 0 and sides[i - 1] == "left" else None
            pair = (left, i)
        seen.update(p for p in pair if p is not None)
        pairs.append(pair)
    return pairs


def render_preview(
    pdf_path: Path | str,
    out_dir: Path | str,
    pages: str | None = None,
    spreads_: bool = False,
    dpi: float = DEFAULT_DPI,
    full: bool = False,
    folios: str | None = None,
) -> list[Path]:
    """Render PNG proofs of `pdf_path` into `out_dir`; returns the files written, in page order.
    `pages` selects by position in the PDF (1 = first page), `folios` by printed page number."""
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    if not pdf_path.is_file():
        raise BuildError(
            Problem(f"{pdf_path} not found", fix="give the path of a PDF made by `publish build`")
        )
    if dpi <= 0 or dpi > 1200:
        raise BuildError(
            Problem(f"resolution {dpi} dpi is out of range", fix="choose between 1 and 1200 dpi")
        )
    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as err:
        raise BuildError(Problem(f"{pdf_path} cannot be opened as a PDF ({err})", pdf_path)) from None
    try:
        count = len(pdf)
        if count == 0:
            raise BuildError(Problem(f"{pdf_path} has no pages", pdf_path))
        if folios:
            indexes = parse_folios(folios, [pdf.get_page_label(i) for i in range(count)])
        else:
            indexes = parse_pages(pages, count) if pages else list(range(count))
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        if not spreads_:
            for i in indexes:
                path = out_dir / f"page-{i + 1:03d}.png"
                _save(_render(pdf, i, dpi, full), path)
                written.append(path)
            return written
        for left, right in spreads(page_sides(pdf), indexes):
            images = {
                side: _render(pdf, i, dpi, full) for side, i in (("l", left), ("r", right)) if i is not None
            }
            w, h = next(iter(images.values())).size
            # The missing half of a spread stays paper-white, so every spread has the same size.
            sheet = Image.new("RGB", (2 * w, h), "white")
            if "l" in images:
                sheet.paste(images["l"], (0, 0))
            if "r" in images:
                sheet.paste(images["r"], (w, 0))
            numbers = "-".join(f"{i + 1:03d}" for i in (left, right) if i is not None)
            path = out_dir / f"spread-{numbers}.png"
            _save(sheet, path)
            written.append(path)
        return written
    finally:
        pdf.close()


def _render(pdf: pdfium.PdfDocument, index: int, dpi: float, full: bool) -> Image.Image:
    page = pdf[index]
    try:
        scale = dpi / 72.0
        image = page.render(scale=scale).to_pil().convert("RGB")
        if full:
            return image
        # Crop to the TrimBox here rather than in PDFium: its crop rounds each side separately and
        # can lose two pixels; this way a page is always round(trim size × dpi) pixels.
        ml, _, _, media_top = page.get_mediabox()
        tl, tb, tr, tt = page.get_trimbox()
        left, top = round((tl - ml) * scale), round((media_top - tt) * scale)
        width, height = round((tr - tl) * scale), round((tt - tb) * scale)
        return image.crop((left, top, left + width, top + height))
    finally:
        page.close()


def _save(image: Image.Image, path: Path) -> None:
    """Write atomically: a reader never sees half a PNG."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        image.save(tmp, format="PNG")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
