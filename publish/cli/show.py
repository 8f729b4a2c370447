"""`publish show ISSUE_DIR`: the issue as a tree.

In: the issue folder. Out on stdout: sections, articles (title, slug, kind, subtitle, bylines),
block counts and characters; a problem in the sources is one line per problem and exit 1.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from publish.cli import handle_errors
from publish.cli.counts import characters, plural
from publish.model import Article, Issue

BLOCK_NAMES = {
    "Paragraph": ("paragraph", "paragraphs"),
    "Heading": ("heading", "headings"),
    "Salutation": ("salutation", "salutations"),
    "Signature": ("signature", "signatures"),
    "Note": ("note", "notes"),
    "ListItem": ("item", "items"),
    "Figure": ("figure", "figures"),
    "Table": ("table", "tables"),
}


def _block_summary(article: Article) -> str:
    counts = Counter(type(b).__name__ for b in article.blocks)
    parts = [plural(counts[name], *BLOCK_NAMES[name]) for name in BLOCK_NAMES if counts[name]]
    return f"{plural(len(article.blocks), 'block', 'blocks')} ({', '.join(parts)})"


def render_tree(issue: Issue) -> list[str]:
    """The issue's structure as the lines `publish show` prints."""
    total = sum(characters(a) for a in issue.articles)
    lines = [
        f"{issue.magazine} {issue.label}  ({issue.date.isoformat()}, first folio {issue.first_folio}, "
        f"layout {issue.layout})",
        f"{plural(len(issue.sections), 'section', 'sections')}, "
        f"{plural(len(issue.articles), 'article', 'articles')}, {total:,} characters",
    ]
    for s_index, section in enumerate(issue.sections):
        last_section = s_index == len(issue.sections) - 1
        chars = sum(characters(a) for a in section.articles)
        lines.append(
            f"{'└─' if last_section else '├─'} {section.title}  "
            f"({plural(len(section.articles), 'article', 'articles')}, {chars:,} characters)"
        )
        stem = "   " if last_section else "│  "
        for a_index, article in enumerate(section.articles):
            last_article = a_index == len(section.articles) - 1
            lines.append(f"{stem}{'└─' if last_article else '├─'} {' / '.join(article.title)}")
            inner = stem + ("     " if last_article else "│    ")
            lines.append(f"{inner}{article.slug}" + (f"  [{article.kind}]" if article.kind else ""))
            if article.subtitle:
                lines.append(f"{inner}{article.subtitle}")
            for byline in article.bylines:
                lines.append(f"{inner}● {byline.text}")
            lines.append(f"{inner}{_block_summary(article)}, {characters(article):,} characters")
    return lines


@click.command("show")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@handle_errors
def show(issue_dir: Path) -> None:
    """Print ISSUE_DIR's structure: sections, articles, bylines, block counts, characters."""
    from publish.sources import load_issue

    for line in render_tree(load_issue(issue_dir)):
        click.echo(line)


commands = [show]
