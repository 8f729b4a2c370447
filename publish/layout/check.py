"""Print-side checks of an issue, for `publish check` and before a build writes anything.

In: an `Issue` (and optionally its already loaded `Layout`). Out: a list of `Problem`s: the layout
does not load (errors naming the key), a figure's image is missing or unreadable (errors), a photo
has less than 300 dpi at the size it is placed (an `ImageWarning`: reported, the build goes on).
`is_error(problem)` tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publish.errors import LayoutError, Problem, ProblemWarning, is_error
from publish.layout.load import load_layout
from publish.layout.model import Layout, figure_size

# Offset printing wants 300 dpi at the printed size for photos (the usual prepress rule for a
# 150–175 lpi screen: resolution = 2 × screen ruling).
MIN_DPI = 300


@dataclass(frozen=True)
class ImageWarning(ProblemWarning):
    """A photo with too few pixels for print: reported, the build goes on."""


__all__ = ["ImageWarning", "check_issue", "image_pixels", "is_error"]


def image_pixels(path: Path) -> tuple[int, int]:
    """Pixel size of a JPEG/PNG; raises OSError (or PIL's errors) when it cannot be read."""
    from PIL import Image

    with Image.open(path) as im:
        if im.format not in ("JPEG", "PNG"):
            raise OSError(f"is {im.format}, not JPEG or PNG")
        return im.size


def check_issue(issue, layout: Layout | None = None) -> list[Problem]:
    """See the module docstring. Problems come in article order."""
    problems: list[Problem] = []
    if layout is None:
        try:
            layout = load_layout(issue.layout, issue.root)
        except LayoutError as err:
            problems.extend(err.problems)
    from publish.model import Figure

    for article in issue.articles:
        for block in article.blocks:
            if not isinstance(block, Figure):
                continue
            where = article.source or article.slug
            path = Path(block.image)
            if not path.is_file():
                problems.append(Problem(f"image {path.name} not found ({path})", where, block.line or None,
                                        "put the image in the issue's images/ folder or fix the path"))
                continue
            try:
                px_w, px_h = image_pixels(path)
            except Exception as err:  # PIL raises several types for damaged files
                problems.append(Problem(f"image {path.name} cannot be read: {err}", where, block.line or None,
                                        "save it again as JPEG or PNG"))
                continue
            if layout is None:
                continue
            w_pt, _h, _slots = figure_size(layout, px_w, px_h)
            dpi = px_w / (w_pt / 72)
            if dpi < MIN_DPI:
                need_w = int(-(-MIN_DPI * w_pt // 72))
                problems.append(ImageWarning(
                    f"image {path.name} has {dpi:.0f} dpi at its printed width of {w_pt / 72 * 25.4:.0f} mm "
                    f"(print wants {MIN_DPI})",
                    where, block.line or None,
                    f"use a photo at least {need_w} px wide", "image-low-dpi",
                ))
    return problems
