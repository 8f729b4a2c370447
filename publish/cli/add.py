"""`publish add ISSUE_DIR FILE.docx… [--section TITLE] [--dry-run]`: Word manuscripts → articles.

In: the issue folder and Word files. Out: the articles, pictures, reports and issue.toml written by
`publish.word.add` (all or nothing), and the report on stdout. Bad input is one line per file on
stderr and exit 1, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors


@click.command("add")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--section", default=None, help="Section (栏目) to add the articles to; created if new.")
@click.option("--dry-run", is_flag=True, help="Convert and report, but write nothing.")
@handle_errors
def add(issue_dir: Path, files: tuple[Path, ...], section: str | None, dry_run: bool) -> None:
    """Turn Word manuscripts (.docx) into articles of the issue in ISSUE_DIR."""
    from publish.word import add as add_files

    report = add_files(issue_dir, list(files), section, dry_run=dry_run)
    click.echo(report.summary())


commands = [add]
