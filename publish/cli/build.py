"""`publish build ISSUE_DIR -o OUT_DIR`: the command over `publish.build.build`.

In: the issue folder, the output folder, which editions to write. Out: the files, their paths on
stdout (one a line), warnings on stderr, a progress bar per stage when stderr is a terminal (none
with `--quiet` or when not a terminal), exit status 0, or 1 with one line per problem.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from publish.cli import handle_errors


class _Bars:
    """One click progress bar per stage, drawn only on a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None  # click's ProgressBar while a stage runs
        self.stage = ""
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage or self.bar is None:
            self.close()
            self.stage = stage
            self.done = 0
            self.bar = click.progressbar(length=max(total, 1), label=f"{stage:<9}", file=sys.stderr,
                                         show_eta=False)
            self.bar.__enter__()
        if done > self.done:
            self.bar.update(done - self.done)
            self.done = done
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("build")
@click.argument("issue_dirs", metavar="ISSUE_DIR...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the PDF and EPUB (created if missing).")
@click.option("--pdf/--no-pdf", default=True, help="Write the print PDF.")
@click.option("--screen/--no-screen", default=True,
              help="Write the screen PDF (<issue>-screen.pdf: trim size, RGB, linked contents).")
@click.option("--epub/--no-epub", default=True, help="Write the EPUB 3 edition.")
@click.option("--epub-fonts/--no-epub-fonts", default=True,
              help="Embed subset fonts in the EPUB (off: the reader's own fonts are used).")
@click.option("--strict-fonts", is_flag=True, default=None,
              help="Stop when a role would be set in another font than issue.toml asks for (press builds).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Issues built at once when several are given (default: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars, no output paths, no library chatter.")
@click.option("--allow-outside", is_flag=True,
              help="Accept articles and pictures outside the issue folder (refused by default).")
@handle_errors
def build(issue_dirs: tuple[Path, ...], out_dir: Path, pdf: bool, screen: bool, epub: bool, epub_fonts: bool,
          strict_fonts: bool | None, jobs: int | None, quiet: bool, allow_outside: bool) -> None:
    """Build each ISSUE_DIR into OUT_DIR/<magazine>-<label>.pdf, -screen.pdf and .epub (pagination
    always runs: the EPUB's page-list uses the print folios). Several issues are built at once (-j)."""
    from publish.errors import warning_line

    if quiet:
        from publish.quiet import silence_libraries

        silence_libraries()
    if len(issue_dirs) > 1:
        from publish.batch import build_many

        results = build_many(issue_dirs, out_dir, jobs=jobs, pdf=pdf, screen=screen, epub=epub,
                             epub_fonts=epub_fonts, strict_fonts=strict_fonts or None, allow_outside=allow_outside)
    else:
        import publish.cli
        from publish.build import build as run_build

        if publish.cli.ENDS_PROCESS:
            # The build pauses the cycle collector; switched on again, its first collection would
            # scan every object the build made (~30 ms of a warm build) just before the process
            # ends and frees them all anyway (`publish.cli.run`). So it stays off in this process.
            import gc

            gc.disable()

        bars = _Bars() if not quiet and sys.stderr.isatty() else None
        try:
            results = [run_build(issue_dirs[0], out_dir, pdf=pdf, epub=epub, epub_fonts=epub_fonts,
                                 progress=bars, strict_fonts=strict_fonts or None, screen=screen,
                                 allow_outside=allow_outside)]
        finally:
            if bars is not None:
                bars.close()
    for result in results:
        for w in result.warnings:
            click.echo(warning_line(w), err=True)
        if result.fillers and not quiet:
            what = {"ads": "house advertisement", "notes": "notes", "blank": "blank"}.get(result.filler, result.filler)
            click.echo(f"{result.pages} pages: {result.fillers} {what} page{'s' if result.fillers > 1 else ''} "
                       "added to reach the layout's page multiple", err=True)
    if not quiet:
        for result in results:
            for path in (result.pdf_path, result.cover_path, result.screen_path, result.epub_path):
                if path is not None:
                    click.echo(str(path))


commands = [build]
