"""Pagination: an issue set on pages (see `publish.paginate.paginate`).

In: `Issue`, `Layout`, fonts. Out: `Document` (`publish.paginate.pages`).
"""

from publish.paginate.pages import (
    Document,
    OutlineEntry,
    Page,
    PlacedGlyph,
    PlacedImage,
    Rule,
    TextLine,
    TocEntry,
)
from publish.paginate.paginate import paginate

__all__ = ["Document", "OutlineEntry", "Page", "PlacedGlyph", "PlacedImage", "Rule", "TextLine", "TocEntry", "paginate"]
