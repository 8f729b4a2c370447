"""The issue's sources: an issue folder (issue.toml + Markdown articles) ⇄ the `Issue` model.

In: a folder as described in docs/writing-an-issue.md.
Out: `load_issue(path) -> Issue` (raises `SourceError` listing every problem),
`check_issue(path) -> list[Problem]` (the same checks, as a list), `read_article(path)` for one
file, and the writer that produces exactly the format the reader reads
(`article_to_markdown`, `issue_to_toml`, `write_issue`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from publish.lazy import lazy_exports

if TYPE_CHECKING:
    from publish.sources.article import article_from_text, parse_article, read_article
    from publish.sources.issue import check_sources, load_issue
    from publish.sources.writer import article_to_markdown, issue_to_toml, write_issue

    check_issue = check_sources

# Every name is imported from its module on first use (PEP 562). Why: importing any submodule
# (`publish.sources.scaffold` for `publish new`) loads this package first, and
# the reader brings the Markdown parser (~35 ms) that `publish --help` does not need; a build never
# needs the writer.
_HOME = {
    "article_from_text": "article",
    "parse_article": "article",
    "read_article": "article",
    "check_sources": "issue",
    "check_issue": "issue",
    "load_issue": "issue",
    "article_to_markdown": "writer",
    "issue_to_toml": "writer",
    "write_issue": "writer",
}
_ALIASES = {"check_issue": "check_sources"}

__all__ = [
    "article_from_text",
    "article_to_markdown",
    "check_issue",
    "check_sources",
    "issue_to_toml",
    "load_issue",
    "parse_article",
    "read_article",
    "write_issue",
]


__getattr__, __dir__ = lazy_exports(globals(), {name: f"publish.sources.{home}" for name, home in _HOME.items()},
                                    _ALIASES)
