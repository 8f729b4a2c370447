"""The issue's sources: an issue folder (issue.toml + Markdown articles) ⇄ the `Issue` model.

In: a folder as described in README "Writing an issue" and docs/INTERFACES.md.
Out: `load_issue(path) -> Issue` (raises `SourceError` listing every problem),
`check_issue(path) -> list[Problem]` (the same checks, as a list), `read_article(path)` for one
file, and the writer that produces exactly the format the reader reads
(`article_to_markdown`, `issue_to_toml`, `write_issue`).
"""

from __future__ import annotations

from publish.sources.article import article_from_text, parse_article, read_article
from publish.sources.issue import check_sources, load_issue
from publish.sources.writer import article_to_markdown, issue_to_toml, write_issue

check_issue = check_sources

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
