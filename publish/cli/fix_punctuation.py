"""`publish fix-punctuation ISSUE_DIR [--dry-run]`: rewrite the punctuation slips that have one answer.

In: the issue folder. Out: with `--dry-run`, a unified diff on stdout of what would change (nothing
written; apply it with `patch -p0` or accept it by running without `--dry-run`); without it, the
article files rewritten (each atomically) and their names printed. What is rewritten is listed in
`publish.proof.fixed_text`: an ASCII mark in Chinese text by its full-width form, paired ASCII quotes
by “ ”, `...`/`。。。`/`…` by `……`, full-width digits and letters by ASCII, a lone — by ——, a doubled
stop by one. Everything else `check` warns about is left for the editor.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors


@click.command("fix-punctuation")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only print the changes as a diff; write nothing.")
@handle_errors
def fix_punctuation(issue_dir: Path, dry_run: bool) -> None:
    """Rewrite ISSUE_DIR's unambiguous punctuation slips (see `publish check`); --dry-run shows a diff."""
    from publish.proof.fix import fix_issue

    changes = fix_issue(issue_dir, write=not dry_run)
    if dry_run:
        for change in changes:
            click.echo(change.diff, nl=False)
        click.echo(f"{len(changes)} file(s) would change; run without --dry-run to write them", err=True)
    else:
        for change in changes:
            click.echo(f"fixed {change.shown} ({change.count} change{'s' if change.count != 1 else ''})")
        if not changes:
            click.echo("nothing to fix")


commands = [fix_punctuation]
