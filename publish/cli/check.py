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
@click.option("--strict-fonts", is_flag=True, default=None,
              help="A role set in another font than issue.toml asks for is an error (for press builds).")
@click.option("--allow-outside", is_flag=True,
              help="Accept articles and pictures outside the issue folder (refused by default).")
@handle_errors
def check(issue_dir: Path, strict_fonts: bool | None, allow_outside: bool) -> None:
    """Check ISSUE_DIR without rendering: sources, font coverage, layout, fonts substituted,
    proofreading. Exit 1 on any error; warnings (`path:line: warning[code]: …`) do not fail it."""
    from publish.errors import warning_line
    from publish.preflight import preflight

    # The build's own preflight (publish.preflight): what `check` passes, `build` accepts.
    checked = preflight(issue_dir, strict_fonts=strict_fonts or None, proofread=True, allow_outside=allow_outside)
    # A photo under 300 dpi is reported but, as in the build, does not fail the check: the
    # editor may accept it for a small picture, and the printer's preflight flags it anyway.
    if checked.errors:
        for warning in checked.warnings:
            click.echo(warning_line(warning), err=True)
        raise PublishError(*checked.errors)
    for warning in checked.warnings:
        click.echo(warning_line(warning))
    issue = checked.issue
    assert issue is not None  # no errors: the sources were read
    for note in checked.notes():
        click.echo(f"note: {note}")
    click.echo(
        f"ok: {issue_dir} — {len(issue.sections)} sections, {len(issue.articles)} articles, "
        f"{sum(characters(a) for a in issue.articles):,} characters"
    )


commands = [check]
