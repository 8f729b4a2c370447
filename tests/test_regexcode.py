"""Regular expressions made from code compiled ahead (publish.regexcode).

What is specified: every pattern in the table, made from it, is the pattern `re` makes on its own
(equal: the same flags, code and text; the same groups); once installed, a pattern the table holds
is not compiled again and any other is compiled as always (warnings included); nothing is installed
where the running Python, its `re` sources or the table's check pattern differ from what the table
was written by, nor where the table has no compiled form and none may be written; the command
line installs it (before click is imported) and a library import does not; and the table is up to date with our own
patterns (else write it again with `python -m publish.regexcode`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from publish import regexcode

ROOT = Path(__file__).resolve().parent.parent
# The new interpreters may write the table's .pyc (else `install` declines: see below).
WRITING = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _table():
    from publish import regexcode_table

    return regexcode_table


# On the Python the table was written by, a mismatch is a stale table (the tests fail: write it
# again); on another one the table only does not apply (and `install` declines, tested below).
needs_table_python = pytest.mark.skipif(
    _table().FINGERPRINT != regexcode.fingerprint(),
    reason="the table was written by another Python (or other re sources): install declines here")


@pytest.fixture
def uninstalled(monkeypatch):
    # These tests are about the table's use, not about this checkout's .pyc: they run as a process
    # that may write one (with PYTHONDONTWRITEBYTECODE in the shell and the table's .pyc stale after
    # a rebase, `install` would rightly decline; the tests of that condition set the flag themselves).
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    regexcode.uninstall()
    re.purge()
    yield
    regexcode.uninstall()
    re.purge()


@needs_table_python
def test_every_pattern_made_from_the_table_is_the_pattern_re_makes():
    table = _table()
    entries = [*table.TEXT.items(), *table.BYTES.items()]
    assert len(entries) > 100
    for (text, flags), entry in entries:
        ours = regexcode._made(text, entry)
        theirs = regexcode._REAL(text, flags)
        assert ours == theirs, text  # flags, code and text
        assert (ours.groups, ours.groupindex, ours.flags) == (theirs.groups, theirs.groupindex, theirs.flags), text


@needs_table_python
def test_installed_a_known_pattern_is_not_compiled_again_and_any_other_is(uninstalled, monkeypatch):
    known, flags = next(iter(_table().TEXT))
    assert regexcode.install()
    assert regexcode.installed()
    reference = regexcode._REAL(known, flags)

    parsed = []
    real_parse = re._compiler._parser.parse
    monkeypatch.setattr(re._compiler._parser, "parse", lambda *args: parsed.append(args) or real_parse(*args))
    made = re._compiler.compile(known, flags)  # (what re.compile calls for a pattern not in its cache)
    assert parsed == []
    assert made == reference and made.groupindex == reference.groupindex
    unknown = re._compiler.compile("a pattern no table holds: (?P<x>[0-9]+)", 0)
    assert parsed == [("a pattern no table holds: (?P<x>[0-9]+)", 0)]
    assert unknown == regexcode._REAL("a pattern no table holds: (?P<x>[0-9]+)", 0)
    # the same text with other flags, or as bytes, is another pattern: compiled, not looked up by its text
    text = next(t for t, f in _table().TEXT if f == 0 and t.isascii() and (t.encode(), 0) not in _table().BYTES)
    parsed.clear()
    folded = re._compiler.compile(text, re.IGNORECASE.value)
    as_bytes = re._compiler.compile(text.encode(), 0)
    assert parsed == [(text, re.IGNORECASE.value), (text.encode(), 0)]
    assert folded == regexcode._REAL(text, re.IGNORECASE.value) and folded.flags & re.IGNORECASE
    assert as_bytes == regexcode._REAL(text.encode(), 0) and isinstance(as_bytes.pattern, bytes)
    monkeypatch.undo()
    other = re.compile("a pattern no table holds: (?P<x>[0-9]+)")
    assert other.match("a pattern no table holds: 42")["x"] == "42"


def test_a_pattern_whose_compiling_warns_is_never_taken_from_a_table_and_still_warns(uninstalled):
    nested = "[[a]"  # FutureWarning: possible nested set
    assert regexcode.entry_of(nested, 0) is None
    regexcode.install()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        re.compile(nested)
    assert any(issubclass(w.category, FutureWarning) for w in caught)


def test_nothing_is_installed_where_the_python_or_its_re_sources_differ(uninstalled, monkeypatch):
    table = _table()
    monkeypatch.setattr(table, "FINGERPRINT", (*table.FINGERPRINT[:-2], 0, 0))  # another re source
    assert not regexcode.install()
    assert not regexcode.installed()
    assert re._compiler.compile is regexcode._REAL
    monkeypatch.undo()
    monkeypatch.setattr(sys, "version_info", (3, 10, 0, "final", 0))
    assert not regexcode.install()


@needs_table_python
def test_nothing_is_installed_when_the_check_pattern_compiles_otherwise(uninstalled, monkeypatch):
    table = _table()
    final, code, groups, groupindex, indexgroup = table.TEXT[table.PROBE]
    monkeypatch.setitem(table.TEXT, table.PROBE, (final, (*code[:-1], 0), groups, groupindex, indexgroup))
    assert not regexcode.install()
    assert not regexcode.installed()
    monkeypatch.setitem(table.TEXT, table.PROBE, (final, code, groups, groupindex, indexgroup))
    assert regexcode.install()


def test_the_table_is_used_only_with_its_compiled_form_when_none_may_be_written(uninstalled, monkeypatch):
    from publish import dcmethods

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setattr(dcmethods, "compiled_ahead", lambda source: False)
    assert not regexcode.install()


def test_the_command_line_installs_the_table_before_click_and_a_library_import_does_not():
    code = textwrap.dedent("""
        import sys
        import publish, publish.build
        from publish import regexcode
        print("import", regexcode.installed(), "click" in sys.modules)
        import publish.cli
        print("cli", regexcode.installed())
        print("click's own", re.compile(r"\\033\\[[0-?]*[ -/]*[@-~]") is not None)
    """).replace("import sys", "import re, sys")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT,
                          env=WRITING)
    assert done.returncode == 0, done.stderr
    expected = "True" if _table().FINGERPRINT == regexcode.fingerprint() else "False"
    assert done.stdout.splitlines() == ["import False False", f"cli {expected}", "click's own True"]


@needs_table_python
def test_the_patterns_click_compiles_as_it_is_imported_come_from_the_table():
    code = textwrap.dedent("""
        import re
        from publish import regexcode
        real = re._compiler._parser.parse  # (what compiling a pattern not in the table calls)
        missed = []
        re._compiler._parser.parse = lambda p, flags=0, state=None: missed.append(p) or real(p, flags, state)
        import publish.cli
        assert regexcode.installed()
        print(repr([p for p in missed if p != regexcode.PROBE[0]]))  # (install's own check compiles it)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT,
                          env=WRITING)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


_MISSES = """
import os, re, sys
from publish import regexcode
assert regexcode.install()
real = regexcode._REAL
missed = []
def counting(p, flags=0):
    frame = sys._getframe(1)
    while frame is not None and (frame.f_globals.get("__name__") in ("re", "publish.regexcode")
                                 or frame.f_globals.get("__name__", "").startswith("re.")):
        frame = frame.f_back
    missed.append((frame.f_globals.get("__name__", "?") if frame else "?", p))
    return real(p, flags)
regexcode._REAL = counting
os.environ.update(PUBLISH_JOBS="1", PUBLISH_CACHE_DIR=sys.argv[2], SOURCE_DATE_EPOCH="1700000000")
from publish.cli import main
try:
    main(["build", sys.argv[1], "-o", sys.argv[3], "-q"])
except SystemExit as exit:
    assert not exit.code
print(repr([m for m in missed if m[0].startswith("publish")]))
print(len(missed))
"""


@needs_table_python
def test_the_table_holds_every_pattern_our_modules_compile_in_a_build(tmp_path):
    done = subprocess.run([sys.executable, "-c", _MISSES, str(ROOT / "examples" / "sample"), str(tmp_path / "cache"),
                           str(tmp_path / "out")], capture_output=True, text=True, check=False, cwd=tmp_path,
                          env=WRITING)
    assert done.returncode == 0, done.stderr
    ours, total = done.stdout.strip().splitlines()[-2:]
    assert ours == "[]", f"patterns missing from the table — write it again: python -m publish.regexcode\n{ours}"
    assert int(total) < 10  # (libraries' patterns whose text changes from run to run, built from sets)


def test_the_table_is_generated_data_only():
    import ast

    source = (ROOT / "publish" / "regexcode_table.py").read_text(encoding="utf-8")
    assert source.startswith('"""Generated by `python -m publish.regexcode`')
    body = ast.parse(source).body[1:]  # (after the docstring)
    assert [node.targets[0].id for node in body] == ["FINGERPRINT", "PROBE", "TEXT", "BYTES", "DIGEST"]  # type: ignore[attr-defined]
    for node in body:
        ast.literal_eval(node.value)  # type: ignore[attr-defined]  (plain data: no name, no call)


@needs_table_python
def test_flags_that_are_not_an_int_are_compiled_as_re_compiles_them(uninstalled):
    # (re.compile hands the compiler an int; a direct caller's 2.0 equals 2 as a key, but re's own
    # compiler refuses it: the table must not answer for it)
    known, flags = next((t, f) for t, f in _table().TEXT if f)
    assert regexcode.install()
    with pytest.raises(TypeError):
        regexcode._REAL(known, float(flags))
    with pytest.raises(TypeError):
        re._compiler.compile(known, float(flags))


def test_a_pattern_compiled_with_the_debug_flag_is_never_taken_from_a_table():
    # (re prints such a pattern's parse each time it compiles it)
    assert regexcode.entry_of("a+b", 0) is not None
    assert regexcode.entry_of("a+b", re.DEBUG.value) is None


def _load_table(path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("publish.regexcode_table", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_table_python
def test_nothing_is_installed_from_a_table_file_changed_since_it_was_written(uninstalled, monkeypatch, tmp_path):
    import publish

    source = (ROOT / "publish" / "regexcode_table.py").read_text(encoding="utf-8")
    # an entry's code changed (by hand, or a merge of two tables): its pattern would match otherwise
    (text, flags), (final, code, *rest) = next((k, e) for k, e in _table().TEXT.items() if k != _table().PROBE)
    old = f"    {(text, flags)!r}: {(final, code, *rest)!r},"
    assert old in source
    changed = source.replace(old, f"    {(text, flags)!r}: {(final, (*code[:-1], 0), *rest)!r},")
    for body, installs in ((source, True), (changed, False)):
        path = tmp_path / "regexcode_table.py"
        path.write_bytes(body.encode("utf-8"))
        module = _load_table(path)
        monkeypatch.setitem(sys.modules, "publish.regexcode_table", module)
        monkeypatch.setattr(publish, "regexcode_table", module, raising=False)
        assert regexcode.install() is installs
        assert regexcode.installed() is installs
        regexcode.uninstall()


@needs_table_python
def test_the_table_is_not_used_without_its_compiled_form_where_none_can_be_written(uninstalled, monkeypatch):
    from publish import dcmethods

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(dcmethods, "compiled_ahead", lambda source: False)
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: False)  # a read-only install without .pyc
    assert not regexcode.install()
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: True)  # written at the first import
    assert regexcode.install()
