"""Print-side checks of an issue, for `publish check` and before a build writes anything.

In: an `Issue` (and optionally its already loaded `Layout`). Out: a list of `Problem`s: the layout
does not load (errors naming the key), a figure's image is missing, unreadable, damaged (decoded in
full), of another type than its name says or too large to decode (errors;
`publish.layout.imagefile`), a photo
has less than 300 dpi at the size it is placed (an `ImageWarning`: reported, the build goes on).
`is_error(problem)` tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publish.errors import LayoutError, Problem, ProblemWarning, is_error
from publish.layout.imagefile import ImageFileError
from publish.layout.imagefile import inspect as inspect_image
from publish.layout.load import load_layout
from publish.layout.spec import Layout, figure_size

# Offset printing wants 300 dpi at the printed size for photos (the usual prepress rule for a
# 150–175 lpi screen: resolution = 2 × screen ruling).
MIN_DPI = 300


@dataclass(frozen=True)
class ImageWarning(ProblemWarning):
    """A photo with too few pixels for print: reported, the build goes on."""


@dataclass(frozen=True)
class LayoutWarning(ProblemWarning):
    """A layout that loads but probably does not say what was meant."""


__all__ = ["ImageWarning", "LayoutWarning", "body_size_warnings", "check_prepress", "image_pixels", "is_error", "layout_problems"]


def body_size_warnings(layout: Layout) -> list[Problem]:
    """A body text style set in another size than [body] size: the grid (characters per line, the
    column width) is counted in [body] size, so the body text no longer fills its lines."""
    from publish.layout.spec import BODY_TEXT

    try:
        lines = Path(layout.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, TypeError):
        lines = []
    found: list[Problem] = []
    for element in BODY_TEXT:
        style = layout.styles.get(element)
        if style is None or abs(style.size - layout.body_size) < 1e-9:
            continue
        line = next((n for n, text in enumerate(lines, 1) if text.lstrip().startswith(f"{element} ")
                     or text.lstrip().startswith(f"{element}=")), None)
        found.append(LayoutWarning(
            f"[styles] {element} is set in {style.size:g} pt but [body] size is {layout.body_size:g} pt "
            f"(the grid counts characters of the body size)", layout.path, line,
            f"remove size from {element} so that it follows [body] size, or make them equal",
            "body-size-mismatch"))
    return found


# What a figure may be: JPEG and PNG are placed as they are, TIFF and WebP are converted by each
# edition (the PDF writer to CMYK, the EPUB to JPEG/PNG).
IMAGE_FORMATS = ("JPEG", "PNG", "TIFF", "WEBP")


def image_pixels(path: Path) -> tuple[int, int]:
    """Pixel size of a JPEG/PNG/TIFF/WebP from its header (no decoding); raises OSError (or PIL's
    errors) when it cannot be read. The checks decode every figure once (`publish.layout.imagefile`)."""
    import warnings

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a huge image was refused by the checks, which speak for it
        with Image.open(path) as im:
            if im.format not in IMAGE_FORMATS:
                raise OSError(f"is {im.format}, not JPEG, PNG, TIFF or WebP")
            return im.size


def check_prepress(issue, layout: Layout | None = None) -> list[Problem]:
    """See the module docstring (the layout is loaded when not given). Problems come in article order."""
    problems: list[Problem] = []
    if layout is None:
        try:
            layout = load_layout(issue.layout, issue.root)
        except LayoutError as err:
            problems.extend(err.problems)
    return problems + layout_problems(issue, layout)


def layout_problems(issue, layout: Layout | None) -> list[Problem]:
    """The checks of `check_prepress` once the layout is loaded, or could not be (None: the images
    are still looked for, their resolution cannot be told)."""
    from publish.model import Figure

    problems: list[Problem] = []
    if layout is not None:
        problems.extend(body_size_warnings(layout))
    for article in issue.articles:
        for block in article.blocks:
            if not isinstance(block, Figure):
                continue
            where = article.source or article.slug
            path = Path(block.image)
            if not path.is_file():
                problems.append(Problem(f"image {path.name} not found ({path})", where, block.line or None,
                                        "put the image in the issue's images/ folder or fix the path",
                                        "image-missing"))
                continue
            try:
                facts = inspect_image(path)
            except ImageFileError as err:
                problems.append(Problem(err.message, where, block.line or None, err.fix, err.code))
                continue
            except OSError as err:
                problems.append(Problem(f"image {path.name} cannot be read: {err.strerror or err}", where,
                                        block.line or None, "check the file's permissions", "image-unreadable"))
                continue
            px_w, px_h = facts.width, facts.height
            if layout is None:
                continue
            w_pt, _h, _slots = figure_size(layout, px_w, px_h, block.wide)
            dpi = px_w / (w_pt / 72)
            if dpi < MIN_DPI:
                need_w = int(-(-MIN_DPI * w_pt // 72))
                problems.append(ImageWarning(
                    f"image {path.name} has {dpi:.0f} dpi at its printed width of {w_pt / 72 * 25.4:.0f} mm "
                    f"(print wants {MIN_DPI})",
                    where, block.line or None,
                    f"use a photo at least {need_w} px wide", code="image-low-dpi",
                ))
    return problems
