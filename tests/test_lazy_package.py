"""A package whose `__init__` runs on first use (publish.lazy.defer_package_body).

What is specified: the package's submodules import without its body running; the first look-up of
one of its own names runs the body once, in the same module object, and then the package holds what a
plain import gives (its names, its submodules as the same objects, its own `__getattr__`); a
missing name is an AttributeError as usual; an imported or unknown package is left alone; a
body that fails leaves the package not imported. And for what it is used for: in the EPUB
helper, `fontTools.subset` imports without the variable-font builder, and the EPUB subsets it then
makes are the bytes made with a plain import.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from publish.lazy import defer_package_body

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package `deferme` whose body counts its runs in `runs.txt` and imports its submodule `sub`."""
    folder = tmp_path / "deferme"
    folder.mkdir()
    (folder / "__init__.py").write_text(textwrap.dedent(f"""
        with open({str(tmp_path / "runs.txt")!r}, "a") as f:
            f.write("run\\n")
        from deferme import sub
        VALUE = sub.PART + 1
        def __getattr__(name):
            if name == "COMPUTED":
                return 42
            raise AttributeError(name)
    """))
    (folder / "sub.py").write_text("PART = 1\n")
    (folder / "other.py").write_text("from deferme import sub\nOTHER = sub.PART * 10\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / "runs.txt"
    for name in [n for n in sys.modules if n == "deferme" or n.startswith("deferme.")]:
        del sys.modules[name]


def test_submodules_import_without_the_body_which_runs_once_on_first_use(package):
    assert defer_package_body("deferme") is True
    import deferme.sub
    from deferme import other

    assert other.OTHER == 10 and deferme.sub.PART == 1
    assert not package.exists()  # the body has not run
    deferme_module = sys.modules["deferme"]
    assert deferme_module.VALUE == 2  # a name of the body: it runs now
    assert package.read_text() == "run\n"
    from deferme import VALUE

    assert VALUE == 2 and deferme_module.sub is sys.modules["deferme.sub"]
    assert deferme_module.other is other  # the submodules imported before are the same objects
    assert deferme_module.COMPUTED == 42  # the body's own __getattr__ took over
    with pytest.raises(AttributeError):
        deferme_module.MISSING  # noqa: B018
    assert package.read_text() == "run\n"  # once


def test_from_import_of_a_body_name_runs_the_body(package):
    assert defer_package_body("deferme") is True
    from deferme import VALUE

    assert VALUE == 2 and package.read_text() == "run\n"


def test_an_imported_or_unknown_package_or_a_plain_module_is_left_alone(package):
    import deferme

    assert package.read_text() == "run\n"
    assert defer_package_body("deferme") is False
    assert sys.modules["deferme"] is deferme
    assert defer_package_body("no_such_package_here") is False
    assert "no_such_package_here" not in sys.modules
    assert defer_package_body("deferme.other") is False  # a module, not a package
    assert "deferme.other" not in sys.modules


def test_a_body_that_fails_leaves_the_package_not_imported(package, tmp_path):
    (tmp_path / "deferme" / "__init__.py").write_text("raise RuntimeError('broken')\n")
    assert defer_package_body("deferme") is True
    import deferme.sub  # a submodule: the body does not run

    with pytest.raises(RuntimeError, match="broken"):
        deferme.VALUE  # noqa: B018
    assert "deferme" not in sys.modules


def _fresh(code: str) -> str:
    """Run `code` in a new interpreter with this checkout first on the path; its stdout."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fonttools_subset_imports_without_the_variable_font_builder_and_has_it_on_use():
    out = _fresh("""
        import sys
        from publish.lazy import defer_package_body
        assert defer_package_body("fontTools.varLib")
        before = set(sys.modules)
        import fontTools.subset
        light = set(sys.modules)
        print("designspace", "fontTools.designspaceLib" in light, "merger", "fontTools.varLib.merger" in light)
        import fontTools.varLib as varLib
        print("stores", varLib.varStore is sys.modules["fontTools.varLib.varStore"],
              fontTools.subset.multiVarStore is sys.modules["fontTools.varLib.multiVarStore"])
        from fontTools.varLib import build  # a name of the package's body: it runs now
        print("build", build.__module__, "merger", "fontTools.varLib.merger" in sys.modules)
        print("names", sorted(n for n in dir(varLib) if not n.startswith("__")))
    """).splitlines()
    plain = _fresh("""
        import fontTools.subset, fontTools.varLib as varLib
        print("names", sorted(n for n in dir(varLib) if not n.startswith("__")))
    """).splitlines()
    assert out[0] == "designspace False merger False"
    assert out[1] == "stores True True"
    assert out[2] == "build fontTools.varLib merger True"
    assert out[3] == plain[0]  # the same package as a plain import's, once used


def test_epub_subsets_made_with_the_deferred_package_are_the_plain_imports_bytes(tmp_path):
    from fonts_support import need_cjk_fonts

    need_cjk_fonts()
    code = """
        import hashlib, sys
        if sys.argv[1] == "deferred":
            from publish.lazy import defer_package_body
            assert defer_package_body("fontTools.varLib")
        from publish.fonts import load_fonts, programs
        fonts = load_fonts()
        text = "人大代表审议报告，。、《》（）“”：；！？直骨角Ａ1a·—"
        for key in ("body", "heading", "byline"):
            info = fonts.face(key).info
            fast = fonts.subset(key, text, language="zh-CN")
            general = programs._epub_subset(info, text, "", "zh-CN")  # fontTools' subsetter alone
            print(key, hashlib.sha256(fast).hexdigest(), hashlib.sha256(general).hexdigest())
        print("merger", "fontTools.varLib.merger" in sys.modules)
    """
    runs = {}
    for how in ("deferred", "plain"):
        env_cache = tmp_path / how
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), how], capture_output=True, text=True,
                              check=False, cwd=ROOT, env={**os.environ, "PUBLISH_CACHE_DIR": str(env_cache)})
        assert done.returncode == 0, done.stderr
        runs[how] = done.stdout.splitlines()
    assert runs["deferred"][:-1] == runs["plain"][:-1]
    assert runs["deferred"][-1] == "merger False" and runs["plain"][-1] == "merger True"

