"""`publish import TEXT_FILE -o ISSUE_DIR`: a printed issue's text layer → issue sources.

In: the path of the extracted text, the output folder, optional issue metadata. Out: the issue
folder (issue.toml, articles/*.md, import-report.json), written whole or not at all, and a short
summary on stdout. Bad input (empty, binary, no page structure) is one line on stderr and exit 1.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from publish.cli import handle_errors
from publish.errors import ImportError_, Problem


def _date(value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ImportError_(Problem(f"--date {value!r} is not a date", None, None, "write it as YYYY-MM-DD")) from None


@click.command("import")
@click.argument("text_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="Issue folder to create.")
@click.option("--label", default=None, help="Issue label, e.g. 2025年第1期 (default: from the latest date in the text).")
@click.option("--date", "date", default=None, help="Issue date YYYY-MM-DD (default: the latest date in the text).")
@click.option("--magazine", default=None, help="Magazine title (default: from the running headers).")
@click.option("--force", is_flag=True, help="Replace the output folder if it exists.")
@handle_errors
def import_(text_file: Path, output: Path, label: str | None, date: str | None, magazine: str | None, force: bool) -> None:
    """Reassemble a printed issue from its text layer into issue sources."""
    from publish.importer import import_file, write_import

    if not text_file.exists():
        raise ImportError_(Problem("no such file", text_file, None, "give the extracted text of an issue"))
    result = import_file(text_file, label=label, date=_date(date), magazine=magazine)
    write_import(result, output, force=force)
    click.echo(result.report.summary())
    click.echo(f"wrote {output}")


commands = [import_]
