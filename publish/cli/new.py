"""`publish new FOLDER`: start an issue folder from the example in `publish.sources.scaffold`.

In: the folder path. Out: the files created, one a line on stdout, and the next step to take;
an existing non-empty folder is one line on stderr and exit 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors


@click.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@handle_errors
def new(folder: Path) -> None:
    """Create FOLDER: an issue.toml and two example articles to start from."""
    from publish.sources.scaffold import scaffold

    for path in scaffold(folder):
        click.echo(f"created {path}")
    click.echo(f"next: edit the files, then  publish check {folder}")


commands = [new]
