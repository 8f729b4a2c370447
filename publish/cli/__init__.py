"""The `publish` command line: click commands over the public API.

In: command-line arguments. Out: files written by the API, messages on stdout/stderr, and an exit
status: 0 on success, 1 when the sources, fonts, layout or build have a problem the user can fix
(one line per problem, no traceback unless `--debug`), 2 for usage errors (click's own).

This package is the only place that knows about click: one module per command
(`publish/cli/build.py` for `publish build`, …), each exporting `commands = [cmd]` and calling the
library (`publish.build`, `publish.sources`, …); no stage package imports this one. A command is
registered by name in `COMMAND_MODULES`, and its module is imported only when that command is
looked up, so `publish build` pays for no other command's imports; `publish --help` imports them all.

To add a command `NAME`: write `publish/cli/NAME.py` (module docstring with its in/out, a
`@click.command("NAME")` function decorated with `@handle_errors` that imports the library inside
the function, and `commands = [that_function]`), then add `"NAME": "publish.cli.NAME"` below.
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, MutableMapping
from functools import wraps
from typing import Any, TypeVar

from publish import regexcode
from publish.errors import PublishError
from publish.version import __version__

# The command line's process makes the regular expressions it compiles from code compiled ahead
# (`publish.regexcode`; ~12 ms of a build's start): installed before click is imported, whose
# import (and the stdlib modules it imports) compiles ~15 of them.
regexcode.install()

import click  # noqa: E402

F = TypeVar("F", bound=Callable[..., Any])


# Which module holds each command: name → module exporting `commands`. A new command adds its name
# here (tests/test_cli_lazy.py checks this table against the modules' `commands`);
# a name missing from it still works, at the price of importing every command module to find it.
COMMAND_MODULES: dict[str, str] = {
    "new": "publish.cli.new",
    "check": "publish.cli.check",
    "watch": "publish.cli.watch",
    "fix-punctuation": "publish.cli.fix_punctuation",
    "show": "publish.cli.show",
    "fonts": "publish.cli.fonts",
    "import": "publish.cli.import_",  # `import` is a keyword: the module cannot be named so
    "add": "publish.cli.add",
    "build": "publish.cli.build",
    "preview": "publish.cli.preview",
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's name → command mapping, importing a command's module on first look-up.

    Why a mapping and not a `click.Group` subclass: click (and code using `main.commands`) reads
    the group's commands through this one mapping — `get_command` looks a name up, `list_commands`
    and the "No such command" suggestions iterate it — so being lazy here keeps every path
    identical to the eager registration it replaces. Iterating imports every module, so `--help`,
    completion and `len()` see all commands.
    """

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules
        self._commands: dict[str, click.Command] = {}
        self._imported: set[str] = set()

    def _import(self, module_name: str) -> None:
        if module_name in self._imported:
            return
        self._imported.add(module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            # A stage not written yet contributes no commands; any other missing module is a bug.
            if err.name != module_name:
                raise
            return
        for command in module.commands:
            # A command registered explicitly (`main.add_command`) wins over a module's.
            if command.name is not None:
                self._commands.setdefault(command.name, command)

    def _import_all(self) -> None:
        for module_name in dict.fromkeys(self._modules.values()):
            self._import(module_name)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._commands and name in self._modules:
            self._import(self._modules[name])
        if name not in self._commands:
            self._import_all()
        return self._commands[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        self._import_all()
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        self._import_all()
        return iter(list(self._commands))

    def __len__(self) -> int:
        self._import_all()
        return len(self._commands)


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             commands=LazyCommands(COMMAND_MODULES))
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


# True while the `publish` executable runs a command (`run`): the process ends with it.
ENDS_PROCESS = False


def run() -> None:
    """The `publish` executable (pyproject `[project.scripts]`): `main`, then a quick exit.

    Why: once a command is done the process only has to end, but the interpreter's shutdown first
    collects and frees, object by object, everything a build made (font tables, glyphs, PDF
    objects) — about 0.1 s, a tenth of a warm build — before the operating system reclaims the
    memory anyway. Here the exit handlers run and the output is flushed as at a normal exit, then
    the process ends with the same status, leaving the freeing to the system. Anything unusual (a
    thread still running, a status that is not a number, output that cannot be flushed) takes the
    normal way out. In-process callers (tests, `CliRunner`) use `main` and never get here.
    """
    global ENDS_PROCESS
    ENDS_PROCESS = True
    # this process is ours: the dataclasses its command makes take their methods' code compiled
    # ahead instead of compiling it again (~25 ms of a build's start; `publish.dcmethods`)
    from publish import dcmethods

    dcmethods.install()
    try:
        main()
    except SystemExit as exit:
        status = 0 if exit.code is None else exit.code
        if not isinstance(status, int) or threading.active_count() > 1:
            raise
        # What a normal exit does before freeing: the exit handlers (`atexit._run_exitfuncs` runs
        # and then drops them, so the normal way out below cannot run them twice), then a flush.
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            raise exit from None  # e.g. a closed pipe: Python's own exit reports it as usual
        os._exit(status)
