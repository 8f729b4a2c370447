"""Counts the `show` and `check` commands print (a helper module, not a command).

In: an `Article`. Out: its body's characters; a count with its noun in singular or plural.
"""

from __future__ import annotations

from publish.model import Article


def characters(article: Article) -> int:
    """Characters of the body (every block's text), the measure `show` and `check` report."""
    return sum(len(block.text) for block in article.blocks)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
