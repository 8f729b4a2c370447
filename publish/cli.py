"""The `publish` command line: click commands over the public API.

In: command-line arguments. Out: files written by the API, messages on stdout/stderr, and an exit
status: 0 on success, 1 when the sources, fonts, layout or build have a problem the user can fix
(one line per problem, no traceback unless `--debug`), 2 for usage errors (click's own).

Each command lives with its stage (e.g. `publish/fonts/cli.py`) and is registered at the bottom.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from publish import __version__
from publish.errors import PublishError

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
@click.option("--debug", is_flag=True, help="Show a traceback for errors (for developers).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn a magazine issue into a print-ready PDF and an EPUB 3 edition."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def handle_errors(func: F) -> F:
    """Turn the library's errors into one line per problem on stderr and exit status 1.

    Why here and not in each command: every command must behave the same for bad input, and a
    traceback is only useful to developers (`publish --debug …`).
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PublishError as err:
            ctx = click.get_current_context(silent=True)
            if ctx is not None and (ctx.find_root().obj or {}).get("debug"):
                raise
            for problem in err.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


# Commands registered by their stages (imported here so `publish --help` lists them all).
def _register() -> None:
    import importlib

    for module_name, attr in [
        ("publish.sources.cli", "commands"),
        ("publish.fonts.cli", "commands"),
        ("publish.importer_cli", "commands"),
        ("publish.build_cli", "commands"),
        ("publish.pdf.cli", "commands"),
    ]:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            # A stage not written yet contributes no commands; any other missing module is a bug.
            if err.name != module_name:
                raise
            continue
        for command in getattr(module, attr):
            main.add_command(command)


_register()
