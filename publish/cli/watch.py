"""`publish watch ISSUE_DIR [-o OUT] [--port N] [--open]`: a live preview in the browser.

In: the issue folder, the output folder for the PDF, a port on 127.0.0.1. Out: the PDF, rebuilt on
every save of a source, picture, layout or font file; a page at http://127.0.0.1:PORT/ showing the
issue as spreads, refreshed page by page; one line per rebuild on stdout. Runs until Ctrl-C, then
exits 0 with nothing left running. A port given with --port that is taken is an error (exit 1)
naming it; without --port, 8000 is tried first, then any free port.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors


@click.command("watch")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the PDF (created if missing).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port of the preview on 127.0.0.1 (default 8000, or a free one if 8000 is taken; 0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@handle_errors
def watch(issue_dir: Path, out_dir: Path, port: int | None, open_browser: bool) -> None:
    """Build ISSUE_DIR, show it at http://127.0.0.1:PORT/ and rebuild on every save (Ctrl-C stops)."""
    from publish.quiet import silence_libraries
    from publish.watch import watch as run_watch

    silence_libraries()  # the terminal is the editor's log of rebuilds: no library chatter in it
    run_watch(issue_dir, out_dir, port=port, open_browser=open_browser,
              echo=lambda line: click.echo(line))


commands = [watch]
