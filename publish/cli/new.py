"""`publish new FOLDER`: start an issue folder from the example in `publish.sources.scaffold`.

In: the folder path, optionally `--label` and `--date` (else read from a folder named `YYYY-MM` or
`YYYY-NN`: see `publish.sources.scaffold`). Out: the files created, one a line on stdout, and the next step to take;
an existing non-empty folder is one line on stderr and exit 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors


@click.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--label", default=None, help="The issue's label, e.g. 2025年第2期 (default: from FOLDER's name).")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="The issue's date (default: from FOLDER's name, else today).")
@handle_errors
def new(folder: Path, label: str | None, date_text: str | None) -> None:
    """Create FOLDER: an issue.toml and two example articles to start from. A folder named for the
    issue (2025-02, bayannaoer-2025-02) gives its label (2025年第2期) and date (2025-02-01)."""
    import datetime as dt

    from publish.errors import Problem, SourceError
    from publish.sources.scaffold import scaffold

    date = None
    if date_text is not None:
        try:
            date = dt.date.fromisoformat(date_text)
        except ValueError:
            raise SourceError(Problem(f"--date {date_text!r} is not a date",
                                      fix="write it as YYYY-MM-DD, e.g. --date 2025-02-01")) from None
    for path in scaffold(folder, label=label, date=date):
        click.echo(f"created {path}")
    click.echo(f"next: edit the files, then  publish check {folder}")


commands = [new]
