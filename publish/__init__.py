"""publish: a Chinese magazine issue → print-ready PDF and EPUB 3, from one source.

The public API. In: an issue folder (see docs/writing-an-issue.md). Out: the `Issue` model,
and (once built) the PDF and EPUB files. Errors the user can act on are `PublishError`s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from publish.build import BuildResult, build
from publish.errors import (
    AddError,
    BuildError,
    FontError,
    LayoutError,
    Problem,
    PublishError,
    SourceError,
)
from publish.lazy import lazy_exports
from publish.version import __version__

if TYPE_CHECKING:
    from publish.model import Issue
    from publish.sources import load_issue
    from publish.word import AddReport, add


# Imported on first use (PEP 562), not with the package: every `publish` command starts by importing
# this package, and the sources (the Markdown parser) and the model cost ~50 ms that `publish
# --help`, `--version`, `preview` or `import` never need. `build` stays eager: `publish.build` must
# name the function, not the submodule of the same name.
_LAZY = {"Issue": "publish.model", "load_issue": "publish.sources", "add": "publish.word", "AddReport": "publish.word"}


__getattr__, __dir__ = lazy_exports(globals(), _LAZY)

__all__ = [
    "AddError",
    "AddReport",
    "BuildError",
    "BuildResult",
    "FontError",
    "Issue",
    "LayoutError",
    "Problem",
    "PublishError",
    "SourceError",
    "__version__",
    "add",
    "build",
    "load_issue",
]
