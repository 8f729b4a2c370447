"""Layouts: page designs as data (`layouts/*.toml`).

In: a layout name or path (and the issue folder, searched first). Out: a validated, frozen `Layout`
in points (`load_layout`), and the print-side checks of an issue (`check_prepress`) for `publish check`
and the build: the layout loads, figure images exist, photos reach 300 dpi at their placed size.
"""

from publish.layout.load import LAYOUTS_DIR, find_layout, load_layout
from publish.layout.prepress import check_prepress
from publish.layout.spec import ElementStyle, HeaderFormat, Layout

__all__ = ["LAYOUTS_DIR", "ElementStyle", "HeaderFormat", "Layout", "check_prepress", "find_layout", "load_layout"]
