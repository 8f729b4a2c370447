"""Layouts: page designs as data (`layouts/*.toml`).

In: a layout name or path (and the issue folder, searched first). Out: a validated, frozen `Layout`
in points (`load_layout`), and the print-side checks of an issue (`check_issue`) for `publish check`
and the build: the layout loads, figure images exist, photos reach 300 dpi at their placed size.
"""

from publish.layout.check import check_issue
from publish.layout.load import LAYOUTS_DIR, find_layout, load_layout
from publish.layout.model import ElementStyle, HeaderFormat, Layout

__all__ = ["LAYOUTS_DIR", "ElementStyle", "HeaderFormat", "Layout", "check_issue", "find_layout", "load_layout"]
