"""publish: a Chinese magazine issue → print-ready PDF and EPUB 3, from one source.

The public API. In: an issue folder (see README "Writing an issue"). Out: the `Issue` model,
and (once built) the PDF and EPUB files. Errors the user can act on are `PublishError`s.
"""

from __future__ import annotations

from publish.build import BuildResult, build
from publish.errors import (
    BuildError,
    FontError,
    LayoutError,
    Problem,
    PublishError,
    SourceError,
)
from publish.model import Issue
from publish.sources import load_issue

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "BuildResult",
    "FontError",
    "Issue",
    "LayoutError",
    "Problem",
    "PublishError",
    "SourceError",
    "__version__",
    "build",
    "load_issue",
]
