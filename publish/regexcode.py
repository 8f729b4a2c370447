"""The code `re` compiles for the regular expressions a build uses, compiled ahead (CPython 3.11/3.12).

In: nothing; `install()` is called as the command line is imported (`publish.cli`, before click:
the `publish` executable and `python -m publish` import it first). Out: while installed, a pattern `re` has to compile (`re.compile`, `re.match` …
with a pattern not in `re`'s own cache) whose text and flags are in `publish/regexcode_table.py` is
made from the code stored there instead of being parsed and compiled again; any other pattern (another
library's, one changed since the table was written, one whose compiling warns) is compiled as `re`
always does. `python -m publish.regexcode` writes the table again.

Why: `re` parses each pattern and compiles it to its engine's code in Python, in every process,
every time: ~0.1 ms a pattern, ~140 patterns (~13 ms of CPU) before a new issue's build forks its
EPUB helper — the markup parser's, the TOML reader's, ours, the stdlib's — so on both of a build's
critical paths; the EPUB helper compiles ~40 more. Made from the table, a pattern costs a few
microseconds (the engine's own constructor, `_sre.compile`).

Why the patterns are the same: `re._compile` calls `re._compiler.compile(pattern, flags)`, which
parses the text, compiles it to a list of integers and hands that to `_sre.compile` with the
final flags, the number of groups and the group names. The table holds exactly those arguments,
recorded from this compiler for the same text and flags; installed, `re._compiler.compile` is
replaced by a function that looks the text and flags up and calls `_sre.compile` with them, else
the real function. What the compiler makes of a text depends only on the text, the flags, the
Python (its `_sre` engine, its Unicode tables) and the `re` package's sources: the table records
them (`fingerprint`: the version, `_sre`'s constants and a checksum of `re`'s compiler, parser,
constants and case-folding sources), and `install` installs nothing unless the running Python's
are the same, unless the table's file has the checksum it was written with (`DIGEST`: an entry
changed by hand or by a merge of two tables is never used), and unless the table's check pattern
(`PROBE`) compiles to what the table holds for it; nor when the table has no .pyc and none may be written (compiling the table's source would
cost more than it spares). A compiled pattern compares equal (`==`: flags, code, text) to the one
`re` makes; tests/test_regexcode.py checks every entry so.

Only in a process that runs our command line (the `publish` executable, the helpers it forks, a
test of the command line): the stdlib function is replaced for the process, for every library's
patterns; `import publish` alone installs nothing.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # (re's engine, which re imports; no type stubs)
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["fingerprint", "install", "installed", "uninstall"]

_compiler: Any = getattr(re, "_compiler", None)  # (re's private compiler module: 3.11+)
_REAL: Callable[..., Any] | None = getattr(_compiler, "compile", None)
_TEXT: dict[tuple[str, int], tuple[Any, ...]] = {}
_BYTES: dict[tuple[bytes, int], tuple[Any, ...]] = {}
_TABLE = Path(__file__).with_name("regexcode_table.py")
# The modules of `re` whose code decides what a pattern compiles to (with the engine, `_sre`).
_SOURCES = ("_parser", "_compiler", "_constants", "_casefix")


def _compile(p: Any, flags: int = 0) -> Any:
    """`re._compiler.compile`, taking the compiled code from the table when it has the text and
    flags (a str and a bytes pattern are looked up apart: comparing them would warn under -b).
    Only an int is looked up as flags (what `re.compile` hands over): a direct caller's 2.0 or
    Decimal(2) equals 2 as a key, and re's own compiler refuses it."""
    kind = type(p)
    if type(flags) is not int:
        entry = None
    else:
        entry = _TEXT.get((p, flags)) if kind is str else _BYTES.get((p, flags)) if kind is bytes else None
    if entry is None:
        return _REAL(p, flags)  # type: ignore[misc]
    return _made(p, entry)


def _made(p: str | bytes, entry: tuple[Any, ...]) -> Any:
    """The pattern object from a table entry: `_sre.compile`'s arguments as the compiler passes them
    (a list of the code, a dict of the group names of its own)."""
    final_flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(p, final_flags, list(code), groups, dict(groupindex), indexgroup)


def entry_of(p: str | bytes, flags: int) -> tuple[Any, ...] | None:
    """What the running compiler passes to `_sre.compile` for `p` and `flags` (but the text): the
    final flags, the code, the number of groups, the group names both ways; None when compiling it
    warns (the warning is `re`'s to give, each time it compiles the text) or when `flags` asks for
    re.DEBUG (re prints the parse each time it compiles the text)."""
    import warnings

    assert _compiler is not None
    if flags & re.DEBUG.value:
        return None
    parser = _compiler._parser
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
    if caught:
        return None
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # plain ints: the code holds a named constant or two (MAXREPEAT), an int subclass
    return (int(flags | parsed.state.flags), tuple(int(c) for c in code), parsed.state.groups - 1,
            groupindex, tuple(indexgroup))


def fingerprint() -> tuple[Any, ...] | None:
    """What the code of a pattern depends on besides its text and flags: the Python (name, version),
    its engine's constants and a checksum of `re`'s compiling sources; None when one cannot be
    read."""
    crc, size = 0, 0
    for name in _SOURCES:
        module = sys.modules.get(f"re.{name}")
        path = getattr(module, "__file__", None)
        if path is None:
            return None
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return None
        crc, size = zlib.crc32(data, crc), size + len(data)
    return (sys.implementation.name, tuple(sys.version_info[:3]), _sre.MAGIC, _sre.CODESIZE,
            int(_sre.MAXREPEAT), int(_sre.MAXGROUPS), crc, size)


def installed() -> bool:
    """Whether `re` makes the table's patterns from it in this process now."""
    return _REAL is not None and getattr(_compiler, "compile", None) is _compile


def install() -> bool:
    """Make `re` take the table's patterns' code from it in this process, if the running Python
    compiles them as the one that wrote it (see the module docstring); True when installed."""
    if installed():
        return True
    if _REAL is None or sys.implementation.name != "cpython" or sys.version_info[:2] not in ((3, 11), (3, 12)):
        return False
    if getattr(_REAL, "__module__", None) != "re._compiler" or _compiler.compile is not _REAL:
        return False  # (not the function this module knows, or replaced by someone else)
    from publish.dcmethods import loads_compiled

    # The table's worth is its .pyc (see `publish.dcmethods.install`).
    if not loads_compiled(_TABLE):
        return False
    from publish import regexcode_table as table

    if table.FINGERPRINT != fingerprint() or not _unchanged(table):
        return False
    text: dict[tuple[str, int], tuple[Any, ...]] = table.TEXT
    probe = text.get(table.PROBE)
    if probe is None or probe != entry_of(*table.PROBE):
        return False
    _TEXT.update(text)
    _BYTES.update(table.BYTES)
    _compiler.compile = _compile
    return True


def _unchanged(table: Any) -> bool:
    """Whether the table's file is the one the generator wrote: its bytes up to the `DIGEST` line
    have the checksum that line gives (an entry changed by hand or by a merge of two tables would
    make its pattern match otherwise; ~20 µs)."""
    try:
        with open(table.__file__, "rb") as f:
            data = f.read()
    except (OSError, TypeError, AttributeError):
        return False
    end = data.rfind(b"\nDIGEST = ")
    return end >= 0 and zlib.crc32(data[:end + 1]) == getattr(table, "DIGEST", None)


def uninstall() -> None:
    """`re` compiles every pattern again (tests)."""
    if installed():
        _compiler.compile = _REAL
    _TEXT.clear()
    _BYTES.clear()


# The table's check pattern: case-folded non-ASCII letters, a named group, a range, a look-behind,
# bounded and lazy repeats — compiled by the running compiler at `install` (~0.1 ms: no wide range).
PROBE = (r"(?P<word>[a-zà-ÿ]+)(?<=\w)\s{2,5}(\d*?)$", re.IGNORECASE.value)


def recorder() -> Callable[[], list[tuple[str | bytes, int]]]:
    """Start recording every pattern `re` compiles in this process (with `install` declining: the
    compiler is no longer the one it knows); the function returned stops and gives them (text,
    flags), in the order first compiled."""
    assert _compiler is not None and _REAL is not None
    seen: dict[tuple[type, str | bytes, int], None] = {}
    real = _REAL

    def recording(p: Any, flags: int = 0) -> Any:
        if type(p) in (str, bytes):
            seen[type(p), p, int(flags)] = None
        return real(p, flags)

    def stop() -> list[tuple[str | bytes, int]]:
        _compiler.compile = real
        return [(p, flags) for _, p, flags in seen]

    _compiler.compile = recording
    return stop


# Run by `write_table` in a new interpreter: this module loaded on its own (importing it as
# `publish.regexcode` would import the package, and compile its first patterns, before the
# recording starts), then a cold and a warm `publish build` of each example issue on one core (every
# helper's work done in this process), as the command line runs them.
_RECORD = """
import importlib.util, os, pathlib, shutil, sys, tempfile
spec = importlib.util.spec_from_file_location("_rxc", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
stop = m.recorder()
work = tempfile.mkdtemp(prefix="regexcode-")
os.environ.update(PUBLISH_JOBS="1", PUBLISH_CACHE_DIR=os.path.join(work, "cache"), SOURCE_DATE_EPOCH="1700000000")
from publish.cli import main
for issue in ("sample", "bayannaoer-2025-01"):
    for _ in range(2):
        try:
            main(["build", str(pathlib.Path(sys.argv[2], issue)), "-o", os.path.join(work, "out"), "-q"])
        except SystemExit as exit:
            if exit.code:
                raise
found = stop()
shutil.rmtree(work, ignore_errors=True)
print(repr(found))
"""


def write_table(path: Path, examples: Path) -> int:
    """Write the table module (`publish/regexcode_table.py`) from the patterns a cold and a warm
    build of each example issue under `examples` compile (recorded in a new interpreter: `_RECORD`);
    the number of patterns."""
    import ast
    import os
    import subprocess

    # Recorded twice, under two string-hash seeds: a pattern whose text depends on the seed (made
    # from a set's items, in their order) is left out — it would not be met again.
    runs = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", _RECORD, __file__, str(examples)], capture_output=True,
                              text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        runs.append(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
    again = set(runs[1])
    found: list[tuple[str | bytes, int]] = [pattern for pattern in runs[0] if pattern in again]
    text: dict[tuple[str, int], tuple[Any, ...]] = {}
    binary: dict[tuple[bytes, int], tuple[Any, ...]] = {}
    for p, flags in [*found, PROBE]:
        entry = entry_of(p, flags)
        if entry is None:
            continue
        if isinstance(p, str):
            text[p, flags] = entry
        else:
            binary[p, flags] = entry
    lines = [
        '"""Generated by `python -m publish.regexcode` from the patterns `re` compiles in a cold and a warm',
        "build of the example issues: each pattern's text and flags → the arguments `re`'s compiler",
        "passes to `_sre.compile` for it (`publish.regexcode`). Do not edit; write it again when a",
        'pattern changes or Python is upgraded."""',
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "",
        f"FINGERPRINT = {fingerprint()!r}  # the Python and re sources it was written by",
        f"PROBE = {PROBE!r}  # publish.regexcode.install checks this one",
        "TEXT = {",
        *(f"    {key!r}: {entry!r}," for key, entry in text.items()),
        "}",
        "BYTES = {",
        *(f"    {key!r}: {entry!r}," for key, entry in binary.items()),
        "}",
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    # (written as bytes, so the checksum is of the file's own bytes wherever it is written)
    path.write_bytes(data + f"DIGEST = {zlib.crc32(data)}  # crc32 of the bytes above (install checks it)\n".encode())
    return len(text) + len(binary)


if __name__ == "__main__":
    count = write_table(_TABLE, Path(__file__).resolve().parent.parent / "examples")
    print(f"{count} patterns written")
