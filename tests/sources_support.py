"""Helpers for the sources tests: build issue folders from strings, compare models without lines."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from publish.model import Article

ISSUE_TOML = """\
[magazine]
title = "巴彦淖尔人大"

[issue]
label = "2025年第1期"
date = 2025-01-20

[[sections]]
title = "特别报道"
articles = ["articles/a.md"]
"""

ARTICLE = """\
+++
title = "标题"
+++

正文。
"""


def make_issue(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """An issue folder with `issue.toml` and `articles/a.md`, overridden or extended by `files`."""
    contents: dict[str, str | bytes] = {"issue.toml": ISSUE_TOML, "articles/a.md": ARTICLE}
    contents.update(files or {})
    for name, text in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def without_lines(article: Article) -> Article:
    """The article with source lines and path cleared: what a round trip must preserve."""
    return replace(article, blocks=tuple(replace(b, line=0) for b in article.blocks), source=None)
