"""Dataclass methods made from code compiled ahead (publish.dcmethods).

What is specified: with the table installed, every method of every dataclass of `publish` is made
from the table (the table is up to date: else write it again with `python -m publish.dcmethods`)
and is the same method `dataclasses` makes on its own — the same code, globals, defaults,
annotations and closure values — so equality, hashing, repr and frozenness are unchanged; a class
the table does not know is compiled as always; nothing is installed where the running Python
builds its methods' texts otherwise; the `publish` executable installs it and a library import
does not.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from publish import dcmethods

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "publish" / "dcmethods_table.py"

def _table_python() -> tuple[int, int]:
    from publish.dcmethods_table import PYTHON

    return PYTHON


# On the Python version the table was written by, a table that does not match is stale (the tests
# fail: write it again); on another version it may only have been written from other texts.
needs_table_python = pytest.mark.skipif(
    not dcmethods.builds_alike() or sys.version_info[:2] != _table_python(),
    reason="the table was written by another Python version, or this one's dataclasses builds methods "
           "otherwise than publish.dcmethods does")
# The new interpreters may write the table's .pyc (else `install` declines: see the last test).
WRITING = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# In a new interpreter: every dataclass of every module of `publish` (imported with the table
# installed or not), each generated method's fingerprint: where its code comes from, and all that
# makes it the method it is.
_FINGERPRINTS = """
import dataclasses, importlib, json, pkgutil, sys
from publish import dcmethods
before = set(sys.modules)  # modules `import publish` imports: their classes are made before the table is installed
if sys.argv[1] == "table":
    assert dcmethods.install()
import publish

def describe(value):
    if isinstance(value, type):
        return "type " + value.__module__ + "." + value.__qualname__
    return repr(value)

def fingerprint(fn):
    fn = getattr(fn, "__wrapped__", fn)  # __repr__ is wrapped by dataclasses' recursion guard
    c = fn.__code__
    return {"file": c.co_filename,
            "code": [c.co_code.hex(), repr(c.co_consts), c.co_names, c.co_varnames, c.co_freevars, c.co_cellvars,
                     c.co_argcount, c.co_kwonlyargcount, c.co_flags, c.co_qualname, c.co_exceptiontable.hex(),
                     c.co_stacksize],
            "globals": fn.__globals__.get("__name__"), "name": fn.__qualname__,
            "defaults": describe(fn.__defaults__), "kwdefaults": describe(fn.__kwdefaults__),
            "annotations": {k: describe(v) for k, v in fn.__annotations__.items()},
            "closure": [describe(cell.cell_contents) for cell in fn.__closure__ or ()]}

out = {}
for info in pkgutil.walk_packages(publish.__path__, "publish."):
    if info.name in ("publish.dcmethods_table", "publish.__main__"):
        continue
    module = importlib.import_module(info.name)
    for value in vars(module).values():
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == info.name:
            methods = {}
            for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
                fn = value.__dict__.get(name)
                if fn is not None and hasattr(getattr(fn, "__wrapped__", fn), "__code__"):
                    methods[name] = fingerprint(fn)
            out[info.name + "." + value.__qualname__] = {"before": info.name in before, "methods": methods}
print(json.dumps(out))
"""


def _fingerprints(how: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _FINGERPRINTS, how], capture_output=True, text=True,
                          check=False, cwd=ROOT, env=WRITING)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_table_python
def test_every_dataclass_method_comes_from_the_table_and_is_the_method_dataclasses_makes():
    assert dcmethods.table_matches(), "the table is stale: python -m publish.dcmethods"
    table, plain = _fingerprints("table"), _fingerprints("plain")
    assert table.keys() == plain.keys() and len(table) > 80
    stale = []
    for cls, found in table.items():
        methods, theirs = found["methods"], plain[cls]["methods"]
        assert methods.keys() == theirs.keys(), cls
        for name, made in methods.items():
            # (the few classes `import publish` itself makes exist before the table is installed)
            if not made["file"].endswith("dcmethods_table.py") and not found["before"]:
                stale.append(f"{cls}.{name}")
            assert theirs[name]["file"] == "<string>"
            assert {k: v for k, v in made.items() if k != "file"} == \
                   {k: v for k, v in theirs[name].items() if k != "file"}, f"{cls}.{name}"
    assert sum(not found["before"] for found in table.values()) > 80
    assert not stale, f"not in the table (write it again: python -m publish.dcmethods): {stale}"


@needs_table_python
def test_a_class_the_table_does_not_know_is_compiled_as_always_and_behaves_the_same():
    def make():
        @dataclasses.dataclass(frozen=True)
        class Unheard:  # a class of no module of publish: its texts are not in the table
            """A test class."""
            zeta_field: int
            other_field: tuple[str, ...] = ()
            listed: list[int] = dataclasses.field(default_factory=list, compare=False)

        return Unheard

    plain = make()
    assert dcmethods.install()
    try:
        tabled = make()
    finally:
        dcmethods.uninstall()
    assert tabled.__init__.__code__.co_filename == "<string>"
    for cls in (plain, tabled):
        a, b = cls(1, ("x",)), cls(1, ("x",), [5])
        assert a == b and hash(a) == hash(b) and a.listed == [] and b.listed == [5]
        assert repr(a) == "test_a_class_the_table_does_not_know_is_compiled_as_always_and_behaves_the_same." \
                          "<locals>.make.<locals>.Unheard(zeta_field=1, other_field=('x',), listed=[])"
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.zeta_field = 2  # type: ignore[misc]
        assert dataclasses.replace(a, zeta_field=3).zeta_field == 3
    # the same text compiled the same way (`__setattr__` and `__delattr__` hold their own class)
    for name in ("__init__", "__eq__", "__hash__"):
        assert dcmethods.same_function(getattr(plain, name), getattr(tabled, name)), name
    assert dcmethods.same_function(plain.__repr__.__wrapped__, tabled.__repr__.__wrapped__)


@needs_table_python
def test_classes_with_the_same_fields_get_methods_of_their_own():
    from publish.model import Note, Paragraph, Salutation  # (fields `runs` and `line` each)

    assert dcmethods.install()
    try:
        made = [dataclasses.dataclass(frozen=True)(type(cls.__name__, (), {"__annotations__": {"runs": "tuple",
                "line": "int"}, "line": 0, "__module__": cls.__module__})) for cls in (Paragraph, Salutation, Note)]
    finally:
        dcmethods.uninstall()
    for name in ("__init__", "__eq__", "__hash__", "__setattr__"):
        codes = [getattr(cls, name).__code__ for cls in made]
        assert codes[0].co_filename.endswith("dcmethods_table.py"), name  # from the table: the same text
        assert len({id(code) for code in codes}) == 3 and codes[0] == codes[1] == codes[2], name


@needs_table_python
def test_model_classes_made_from_the_table_compare_hash_print_and_refuse_changes_as_before():
    code = textwrap.dedent("""
        import dataclasses, sys
        from publish import dcmethods
        if sys.argv[1] == "table":
            assert dcmethods.install()
        from publish.model import Paragraph, Text
        a = Paragraph(runs=(Text("人大"),), line=3)
        b = Paragraph((Text("人大"),), 3)
        print(a == b, hash(a) == hash(b), a == Paragraph(runs=(Text("代表"),)), repr(a))
        try:
            a.runs = ()
        except dataclasses.FrozenInstanceError as e:
            print("frozen", e)
        print(Paragraph.__init__.__code__.co_filename.endswith("dcmethods_table.py"))
    """)
    out = {}
    for how in ("table", "plain"):
        done = subprocess.run([sys.executable, "-c", code, how], capture_output=True, text=True, check=False,
                              cwd=ROOT, env=WRITING)
        assert done.returncode == 0, done.stderr
        out[how] = done.stdout.splitlines()
    assert out["table"][:-1] == out["plain"][:-1]
    assert out["table"][0].startswith("True True False Paragraph(")
    assert out["table"][1].startswith("frozen cannot assign to field")
    assert (out["table"][-1], out["plain"][-1]) == ("True", "False")


def test_nothing_is_installed_where_dataclasses_builds_its_methods_otherwise(monkeypatch):
    real = dcmethods._REAL
    if real is None:
        pytest.skip("this Python's dataclasses has no _create_fn: the table is never used")

    def other_builder(name, args, body, *, globals=None, locals=None, return_type=dataclasses.MISSING):
        kwargs = {} if return_type is dataclasses.MISSING else {"return_type": return_type}
        return real(name, (*args, "__extra=None") if name == "__hash__" else args, body, globals=globals,
                    locals=locals, **kwargs)

    monkeypatch.setattr(dcmethods, "_REAL", other_builder)
    assert dcmethods.install() is False
    assert not dcmethods.installed()
    assert dataclasses._create_fn is real  # type: ignore[attr-defined]


@needs_table_python
def test_the_executable_installs_the_table_and_a_library_import_does_not():
    code = textwrap.dedent("""
        import sys
        import publish, publish.build
        from publish import dcmethods
        print("import", dcmethods.installed())
        from publish.cli import run
        import publish.cli as cli
        def command():
            print("run", dcmethods.installed())
        cli.main = command
        sys.argv = ["publish"]
        run()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT,
                          env=WRITING)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["import False", "run True"]


def test_the_table_is_generated_code_of_method_texts_only():
    source = TABLE.read_text(encoding="utf-8")
    assert "from __future__ import" not in source.replace("`from __future__ import annotations`", "")  # annotations evaluated, as in the texts
    namespace: dict = {}
    exec(compile(source, str(TABLE), "exec", dont_inherit=True), namespace)
    for text, fn in namespace["TABLE"].items():
        assert text.startswith("def __create_fn__(") and fn.__name__ == "__create_fn__"
        inner = [c for c in fn.__code__.co_consts if hasattr(c, "co_name")]
        assert len(inner) == 1 and inner[0].co_name in {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__",
                                                    "__delattr__", "__lt__", "__le__", "__gt__", "__ge__"}


def test_the_table_is_used_only_with_its_compiled_form_when_none_may_be_written(tmp_path, monkeypatch):
    import importlib.util
    import py_compile

    source = tmp_path / "mod.py"
    source.write_text("X = 1\n")
    assert dcmethods.compiled_ahead(source) is False  # no .pyc
    py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(source)))
    assert dcmethods.compiled_ahead(source) is True
    source.write_text("X = 12\n")  # changed since: the import system would compile the source
    assert dcmethods.compiled_ahead(source) is False

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setattr(dcmethods, "compiled_ahead", lambda path: False)
    assert dcmethods.install() is False and not dcmethods.installed()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # its .pyc is written at the first import
    try:
        assert dcmethods.install() is dcmethods.builds_alike()
    finally:
        dcmethods.uninstall()


@needs_table_python
def test_a_table_written_from_other_texts_is_not_installed(monkeypatch):
    import publish.dcmethods_table as table

    assert table.PROBE.split("\n")[1].startswith(" def __init__(self,message:")  # publish.errors.Problem's
    other = next(t for t in table.TABLE if t.split("\n")[1].startswith(" def __init__(") and t != table.PROBE)
    monkeypatch.setattr(table, "PROBE", other)  # as if Problem's text were another: written elsewhere
    assert dcmethods.table_matches() is False
    assert dcmethods.install() is False and not dcmethods.installed()
    monkeypatch.setattr(table, "PROBE", "def __create_fn__():\n def __init__(self):\n  pass\n return __init__")
    assert dcmethods.table_matches() is False


def test_the_table_is_not_used_without_its_compiled_form_where_none_can_be_written(monkeypatch):
    # (a read-only install without .pyc files: every process would compile the table's source again)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(dcmethods, "compiled_ahead", lambda path: False)
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: False)  # (as root, a chmod would not do)
    try:
        assert dcmethods.install() is False and not dcmethods.installed()
    finally:
        dcmethods.uninstall()
    monkeypatch.undo()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(dcmethods, "compiled_ahead", lambda path: False)  # may be written: it is, once
    try:
        assert dcmethods.install() is dcmethods.builds_alike()
    finally:
        dcmethods.uninstall()
