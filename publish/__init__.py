"""publish: a Chinese magazine issue → print-ready PDF and EPUB 3, from one source.

The library's public API. In: an issue folder (`issue.toml` + one Markdown file per article) or
an `Issue` model made in memory. Out: the editions as bytes (`render`) or files (`build`,
`build_many`), and the problems found (`validate`, `PublishError.problems`).

    >>> import publish
    >>> issue = publish.load_issue("examples/sample")
    >>> issue.slug
    'bayannaoer-renda-2025-1'
    >>> [p.code for p in publish.validate(issue)]
    []
    >>> rendered = publish.render(issue)            # or publish.render("examples/sample")
    >>> rendered.pdf[:5], rendered.epub[:2], rendered.pages > 0
    (b'%PDF-', b'PK', True)

Scripts that render often keep a `Publisher` (fonts stay loaded, memory stays flat); batches go
through `build_many` (this machine's cores or a Dask cluster). Every name below is documented with
its own runnable example; `docs/problem-codes.md` lists the problems' codes.

Errors the user can act on are `PublishError`s (`SourceError`, `LayoutError`, `FontError`,
`BuildError`); each carries `Problem`s with a path, a line, what to do (`fix`) and a stable `code`
(docs/problem-codes.md). Warnings are `ProblemWarning`s (`is_error` tells them apart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publish.build import BuildResult, Rendered, build, render
from publish.errors import (
    AddError,
    BuildError,
    FontError,
    LayoutError,
    Problem,
    ProblemWarning,
    PublishError,
    SourceError,
    is_error,
)
from publish.version import __version__

if TYPE_CHECKING:
    from publish.batch import build_many
    from publish.layout.prepress import ImageWarning
    from publish.model import (
        Article,
        Byline,
        Emphasis,
        Figure,
        Heading,
        Issue,
        ListItem,
        Note,
        Paragraph,
        Salutation,
        Section,
        Signature,
        Text,
    )
    from publish.publisher import Publisher
    from publish.sources import load_issue, write_issue
    from publish.sources.validate import validate
    from publish.word import AddReport, add


# Imported on first use (PEP 562), not with the package: every `publish` command starts by importing
# this package, and the sources (the Markdown parser) and the model cost ~50 ms that `publish
# --help`, `--version`, `preview` or `import` never need. `build` stays eager: `publish.build` must
# name the function, not the submodule of the same name.
_MODEL = ("Article", "Byline", "Emphasis", "Figure", "Heading", "Issue", "ListItem", "Note", "Paragraph",
          "Salutation", "Section", "Signature", "Text")
_LAZY = {
    **dict.fromkeys(_MODEL, "publish.model"),
    "load_issue": "publish.sources",
    "write_issue": "publish.sources",
    "validate": "publish.sources.validate",
    "Publisher": "publish.publisher",
    "build_many": "publish.batch",
    "ImageWarning": "publish.layout.prepress",
    "add": "publish.word",
    "AddReport": "publish.word",
}

__all__ = [
    "AddError",
    "AddReport",
    "Article",
    "BuildError",
    "BuildResult",
    "Byline",
    "Emphasis",
    "Figure",
    "FontError",
    "Heading",
    "ImageWarning",
    "Issue",
    "LayoutError",
    "ListItem",
    "Note",
    "Paragraph",
    "Problem",
    "ProblemWarning",
    "PublishError",
    "Publisher",
    "Rendered",
    "Salutation",
    "Section",
    "Signature",
    "SourceError",
    "Text",
    "__version__",
    "add",
    "build",
    "build_many",
    "is_error",
    "load_issue",
    "render",
    "validate",
    "write_issue",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'publish' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names only (the package's modules and helpers are not part of the API)."""
    return sorted(__all__)
