"""The methods `dataclasses` writes for our dataclasses, compiled ahead of time (CPython 3.11/3.12).

In: nothing; `install()` is called by the `publish` executable's own process (`publish.cli.run`)
before it builds. Out: while installed, each method `dataclasses.dataclass` makes (`__init__`,
`__repr__`, `__eq__`, `__hash__`, a frozen class's `__setattr__` and `__delattr__`) whose source
text is in `publish/dcmethods_table.py` is made from that module's compiled code instead of
compiling the same text again; any other text (another library's class, a class changed since the
table was written) is compiled as `dataclasses` always does. `python -m publish.dcmethods` writes
the table again (`tests/test_dcmethods.py` fails while one of our classes is missing from it).

Why: Python 3.11 compiles each generated method of each dataclass from its text as the class is
made, in every process, every time: ~0.4 ms a class, ~33 ms of a build process's CPU (83 classes,
~460 methods: 25 ms of it compiling), most of it before the EPUB helper is forked, so on both of a
build's critical paths; the EPUB helper makes ~20 classes more. The table's code is compiled once,
into its .pyc, like any module's.

Why the methods are the same: `dataclasses` makes each method by compiling
`def __create_fn__(<its locals>): def <method>(…): … return <method>` and calling it with the
locals (field types, defaults, `cls`, …) — `_create_fn`. Installed, that function is replaced by
one that builds the same text the same way, looks it up, and calls the table's `__create_fn__`
for that text, rebuilt with the globals `dataclasses` passes (the class's module), with the same
locals. The method is then the same code with the same globals, closure values and defaults; only
the file name and line numbers a traceback shows differ. `install` first checks on one case of
each kind of method that the text it builds gives exactly the code the running Python's own
`_create_fn` gives, and installs nothing when it does not (another Python version: 3.13 has no
`_create_fn`; a patched one), nor when the table was written by a Python whose dataclasses
writes other texts (another version may name the texts' locals otherwise: every look-up would miss), nor
when the table has no .pyc and none may be written (PYTHONDONTWRITEBYTECODE): compiling the
table's source costs more than it spares.

Only in a process that is ours (the `publish` executable and the helpers it forks): the stdlib
function is replaced for the process, for every library's dataclasses (theirs miss the table and
are compiled as before).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["install", "installed", "uninstall"]

_MISSING = dataclasses.MISSING
_REAL: Callable[..., Any] | None = getattr(dataclasses, "_create_fn", None)
_TABLE: dict[str, Any] | None = None  # text → its `__create_fn__`, once loaded


def _text(name: str, args: Any, body: Any, locals: dict[str, Any], return_type: Any) -> str:
    """The source `dataclasses._create_fn` (3.11) compiles, built the same way (and, like it,
    adding the return type to `locals`)."""
    return_annotation = ""
    if return_type is not _MISSING:
        locals["_return_type"] = return_type
        return_annotation = "->_return_type"
    args = ",".join(args)
    body = "\n".join(f"  {b}" for b in body)
    txt = f" def {name}({args}){return_annotation}:\n{body}"
    local_vars = ", ".join(locals.keys())
    return f"def __create_fn__({local_vars}):\n{txt}\n return {name}"


def _create_fn(name: str, args: Any, body: Any, *, globals: dict[str, Any] | None = None,
               locals: dict[str, Any] | None = None, return_type: Any = _MISSING) -> Any:
    """`dataclasses._create_fn`, taking the compiled code from the table when it has the text."""
    if locals is None:
        locals = {}
    txt = _text(name, args, body, locals, return_type)
    if globals is None:
        globals = vars(dataclasses)  # (as `exec` in dataclasses' own function takes its module's)
    made = _table().get(txt)
    if made is None:
        ns: dict[str, Any] = {}
        exec(_compiled(txt), globals, ns)  # what dataclasses does: a text the table does not have
        return ns["__create_fn__"](**locals)
    # each method its own code object, as compiling the text gives it (the interpreter adapts a
    # method's code to the classes it meets: classes with the same fields must not share it)
    code = made.__code__
    code = code.replace(co_consts=tuple(c.replace() if isinstance(c, types.CodeType) else c for c in code.co_consts))
    return types.FunctionType(code, globals)(**locals)


def _compiled(txt: str) -> types.CodeType:
    """`txt` compiled as `exec` in dataclasses compiles it: without this module's `from __future__
    import annotations` (which would turn the methods' annotations into strings)."""
    return compile(txt, "<string>", "exec", dont_inherit=True)


def _table() -> dict[str, Any]:
    global _TABLE
    table = _TABLE
    if table is None:
        from publish.dcmethods_table import TABLE

        table = _TABLE = TABLE
    return table


def installed() -> bool:
    """Whether `dataclasses` makes its methods from the table in this process now."""
    return _REAL is not None and getattr(dataclasses, "_create_fn", None) is _create_fn


def install() -> bool:
    """Make `dataclasses` take its methods' code from the table in this process, if the running
    Python builds them as this module does (see the module docstring); True when installed."""
    if installed():
        return True
    # The table's worth is its .pyc: compiling its source (~37 ms) costs more than the methods it
    # spares; without one that Python may write (PYTHONDONTWRITEBYTECODE, a read-only install
    # without .pyc files) every process would compile it again.
    if not loads_compiled(Path(__file__).with_name("dcmethods_table.py")):
        return False
    if not builds_alike() or not table_matches():
        return False
    dataclasses._create_fn = _create_fn  # type: ignore[attr-defined]
    return True


def builds_alike() -> bool:
    """Whether the running Python's dataclasses makes its methods from texts built as this module
    builds them (CPython 3.11 and 3.12, checked on one case of each kind of method)."""
    if _REAL is None or sys.implementation.name != "cpython" or sys.version_info[:2] not in ((3, 11), (3, 12)):
        return False
    return all(_same(_REAL, case) for case in _CASES)


def loads_compiled(source: Path) -> bool:
    """Whether importing `source` loads a .pyc: one is there (`compiled_ahead`), or the import
    system may write one (bytecode writing on, its __pycache__ folder writable): a table's first
    import compiles it once. False for PYTHONDONTWRITEBYTECODE or a read-only install without
    .pyc files, where every process would compile the table's source again."""
    import importlib.util

    if compiled_ahead(source):
        return True
    if sys.dont_write_bytecode:
        return False
    try:
        folder = Path(importlib.util.cache_from_source(str(source))).parent
    except (NotImplementedError, ValueError):
        return False
    while not folder.exists() and folder != folder.parent:  # (made by the import: its parent written)
        folder = folder.parent
    return os.access(folder, os.W_OK)


def compiled_ahead(source: Path) -> bool:
    """Whether `source` has a .pyc that the import system will load instead of compiling the
    source: this Python's magic number and, for a timestamp-based one, the source's size and
    modification time (a hash-based one is checked or trusted by the import system itself)."""
    import importlib.util

    try:
        with open(importlib.util.cache_from_source(str(source)), "rb") as f:
            header = f.read(16)
        stat = source.stat()
    except (OSError, NotImplementedError, ValueError):
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    if flags & 1:
        return True  # hash-based
    return (int.from_bytes(header[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(header[12:16], "little") == stat.st_size & 0xFFFFFFFF)


def uninstall() -> None:
    """`dataclasses` compiles every method again (tests)."""
    if installed():
        dataclasses._create_fn = _REAL  # type: ignore[attr-defined]


# One case of each kind of method dataclasses makes (3.11): `__init__` (locals, a return type,
# keyword-only fields and defaults), `__repr__`, `__setattr__` (locals, no return type), `__eq__`,
# `__hash__`. Each is made by the real `_create_fn` and by this module's text (compiled here,
# as a text the table does not have), and must give the same code.
_CASES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], dict[str, Any] | None, Any], ...] = (
    ("__init__", ("self", "a:__dataclass_type_a__", "*", "b:__dataclass_type_b__=__dataclass_dflt_b__"),
     ("__dataclass_builtins_object__.__setattr__(self,'a',a)",
      "__dataclass_builtins_object__.__setattr__(self,'b',__dataclass_dflt_b__() if b is _HAS_DEFAULT_FACTORY else b)"),
     {"__dataclass_type_a__": int, "__dataclass_type_b__": str, "__dataclass_dflt_b__": str, "MISSING": _MISSING,
      "_HAS_DEFAULT_FACTORY": object(), "__dataclass_builtins_object__": object}, None),
    ("__repr__", ("self",), ('return self.__class__.__qualname__ + f"(a={self.a!r})"',), None, _MISSING),
    ("__setattr__", ("self", "name", "value"),
     ("if type(self) is cls or name in ('a',):", ' raise FrozenInstanceError(f"cannot assign to field {name!r}")',
      "super(cls, self).__setattr__(name, value)"),
     {"cls": int, "FrozenInstanceError": dataclasses.FrozenInstanceError}, _MISSING),
    ("__eq__", ("self", "other"),
     ("if other.__class__ is self.__class__:", " return (self.a,)==(other.a,)", "return NotImplemented"), None, _MISSING),
    ("__hash__", ("self",), ("return hash((self.a,))",), None, _MISSING),
)


def _same(real: Callable[..., Any], case: tuple[str, tuple[str, ...], tuple[str, ...], dict[str, Any] | None, Any]) -> bool:
    name, args, body, locals, return_type = case
    scope: dict[str, Any] = {"__name__": "publish.dcmethods.check"}
    kwargs = {} if return_type is _MISSING else {"return_type": return_type}
    theirs = real(name, args, body, globals=scope, locals=dict(locals) if locals is not None else None, **kwargs)
    ours_locals = dict(locals) if locals is not None else {}
    ns: dict[str, Any] = {}
    exec(_compiled(_text(name, args, body, ours_locals, return_type)), scope, ns)
    ours = ns["__create_fn__"](**ours_locals)
    return same_function(theirs, ours)


def same_function(a: Any, b: Any) -> bool:
    """Whether two functions made from dataclass texts are the same method: the same code (but
    for its file name and line numbers), globals, defaults, annotations and closure values."""
    return (_same_code(a.__code__, b.__code__)
            and a.__globals__ is b.__globals__ and a.__defaults__ == b.__defaults__
            and a.__kwdefaults__ == b.__kwdefaults__ and a.__annotations__ == b.__annotations__
            and a.__name__ == b.__name__ and a.__qualname__ == b.__qualname__
            and [c.cell_contents for c in a.__closure__ or ()] == [c.cell_contents for c in b.__closure__ or ()])


def _same_code(ca: types.CodeType, cb: types.CodeType) -> bool:
    """The same code but for its file name and line numbers."""
    return (ca.co_code == cb.co_code and ca.co_consts == cb.co_consts and ca.co_names == cb.co_names
            and ca.co_varnames == cb.co_varnames and ca.co_freevars == cb.co_freevars
            and ca.co_cellvars == cb.co_cellvars and ca.co_argcount == cb.co_argcount
            and ca.co_kwonlyargcount == cb.co_kwonlyargcount and ca.co_posonlyargcount == cb.co_posonlyargcount
            and ca.co_flags == cb.co_flags and ca.co_name == cb.co_name and ca.co_qualname == cb.co_qualname
            and ca.co_exceptiontable == cb.co_exceptiontable and ca.co_stacksize == cb.co_stacksize)


def _inner(outer: Any) -> types.CodeType | None:
    """The method's code in a table entry (`__create_fn__`'s one nested function)."""
    return next((c for c in outer.__code__.co_consts if isinstance(c, types.CodeType)), None)


def table_matches() -> bool:
    """Whether the table was written by a Python whose dataclasses writes the texts this one does:
    `publish.errors.Problem`, made by `import publish` before the table can be installed, has the
    `__init__` the table's entry for it (`PROBE`) holds. Another version may write other texts
    (name their locals otherwise, say): then every look-up would miss."""
    from publish.dcmethods_table import PROBE
    from publish.errors import Problem

    entry = _table().get(PROBE)
    inner = _inner(entry) if entry is not None else None
    return inner is not None and _same_code(inner, Problem.__init__.__code__)


def _probe(found: list[str]) -> str:
    """The text of `publish.errors.Problem.__init__` among `found` (see `table_matches`)."""
    from publish.errors import Problem

    for txt in found:
        if txt.split("\n", 2)[1].startswith(" def __init__("):
            ns: dict[str, Any] = {}
            exec(_compiled(txt), {}, ns)
            inner = _inner(ns["__create_fn__"])
            if inner is not None and _same_code(inner, Problem.__init__.__code__):
                return txt
    raise LookupError("publish.errors.Problem.__init__'s text was not made")


def texts() -> list[str]:
    """The texts of every method of every dataclass our modules define at their import (and the
    libraries they import), in the order they are made: imports every module of `publish` in this
    process, recording."""
    import importlib
    import pkgutil

    import publish

    seen: dict[str, None] = {}
    real = _REAL
    assert real is not None

    def recording(name: str, args: Any, body: Any, *, globals: dict[str, Any] | None = None,
                  locals: dict[str, Any] | None = None, return_type: Any = _MISSING) -> Any:
        seen[_text(name, args, body, dict(locals or {}), return_type)] = None
        kwargs = {} if return_type is _MISSING else {"return_type": return_type}
        return real(name, args, body, globals=globals, locals=locals, **kwargs)

    dataclasses._create_fn = recording  # type: ignore[attr-defined]
    try:
        for info in pkgutil.walk_packages(publish.__path__, "publish."):
            if info.name not in ("publish.dcmethods_table", "publish.__main__"):
                importlib.import_module(info.name)
    finally:
        dataclasses._create_fn = real  # type: ignore[attr-defined]
    return list(seen)


def write_table(path: Any) -> int:
    """Write the table module (`publish/dcmethods_table.py`) from `texts()`, made in a new
    interpreter (so that no module is imported yet); the number of texts."""
    import json
    import subprocess

    # this module loaded on its own first (importing it as `publish.dcmethods` would import the
    # package, and make its first classes, before the recording starts)
    code = ("import importlib.util, json, sys; spec = importlib.util.spec_from_file_location('_dcm', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); found = m.texts(); "
            "print(json.dumps([found, m._probe(found)]))")
    done = subprocess.run([sys.executable, "-c", code, __file__], capture_output=True, text=True, check=True)

    found, probe = json.loads(done.stdout)
    lines = [
        '"""Generated by `python -m publish.dcmethods` from the dataclasses of `publish` (and of the',
        "libraries it imports): each method text `dataclasses` compiles, compiled here once",
        '(`publish.dcmethods`). Do not edit; write it again when a dataclass changes."""',
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "# (no `from __future__ import annotations`: the annotations are evaluated, as in the texts)",
        "",
        f"PYTHON = {tuple(sys.version_info[:2])!r}  # the Python it was written by",
        f"PROBE = {probe!r}  # publish.errors.Problem.__init__ (publish.dcmethods.table_matches)",
        "TABLE = {}",
    ]
    for txt in found:
        lines += ["", txt, f"TABLE[{txt!r}] = __create_fn__"]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(found)


if __name__ == "__main__":
    count = write_table(Path(__file__).with_name("dcmethods_table.py"))
    print(f"{count} method texts written")
