"""`publish check ISSUE_DIR`: everything that can be checked without rendering.

In: the issue folder. Out: one line per problem on stderr and exit 1, or warnings, notes (fallback
fonts) and a one-line summary (sections, articles, characters) on stdout and exit 0.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors
from publish.cli.counts import characters
from publish.errors import PublishError


@click.command("check")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@handle_errors
def check(issue_dir: Path) -> None:
    """Check ISSUE_DIR without rendering: sources, font coverage, layout. Exit 1 on any problem."""
    from publish.check import check_issue_dir, check_notes

    problems = check_issue_dir(issue_dir)
    # A photo under 300 dpi is reported but, as in the build, does not fail the check: the
    # editor may accept it for a small picture, and the printer's preflight flags it anyway.
    warnings = [p for p in problems if p.is_warning]
    errors = [p for p in problems if not p.is_warning]
    if errors:
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        raise PublishError(*errors)
    for warning in warnings:
        click.echo(f"warning: {warning}")
    from publish.sources import load_issue

    issue = load_issue(issue_dir)
    for note in check_notes(issue_dir):
        click.echo(f"note: {note}")
    click.echo(
        f"ok: {issue_dir} — {len(issue.sections)} sections, {len(issue.articles)} articles, "
        f"{sum(characters(a) for a in issue.articles):,} characters"
    )


commands = [check]
