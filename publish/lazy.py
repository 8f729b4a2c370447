"""Imports made on first use (PEP 562).

`lazy_exports` — lazy exports for our package `__init__`s: a name is imported from its module on
first use. In: the package's `globals()`, a mapping name → module that defines it, and optional
aliases (exported name → the name in that module). Out: the `__getattr__` and `__dir__` the
package assigns at its top level::

    __getattr__, __dir__ = lazy_exports(globals(), {"load_issue": "publish.sources.issue"})

Why: every `publish` command imports the packages on its way to its own module, and their heavy
parts (the Markdown parser, the fonts' tables, ReportLab) cost tens of milliseconds that
`publish --help` and most commands never need. The value is stored in the package's namespace on
first use, so later look-ups are ordinary attribute reads and `from package import name` gives the
very object the defining module holds.

`defer_package_body` — another library's package whose `__init__` runs only when one of its own
names is first looked up, while its submodules import as usual. In: the package's dotted name.
Out: the package in `sys.modules` (True), or nothing done (False). For a build's helper process
only (see the function).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(namespace: dict[str, Any], homes: Mapping[str, str],
                 aliases: Mapping[str, str] | None = None) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for a package whose names in `homes` live in other modules."""
    package = namespace["__name__"]
    renamed = dict(aliases or {})

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), renamed.get(name, name))
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__


def defer_package_body(name: str) -> bool:
    """Put the package `name` in `sys.modules` with its `__init__` not run yet; True when done,
    False (nothing done) when it is imported already or is no package that can be found.

    Its submodules import as usual — the import system needs only the package's `__path__` — and
    the first look-up of any other name on it (an attribute, `from name import x`, `__all__`) runs
    the `__init__`, once, in the same module object, so whoever uses the package's own names gets
    them as from a plain import, and its submodules are the same objects either way.

    Why: `fontTools.subset` imports two submodules of `fontTools.varLib` (its item variation stores,
    to add subsetting methods to them); through a plain import, the package's `__init__` first
    imports the whole variable-font builder (designspaceLib, the merger, colorLib, feaLib's AST …:
    ~28 modules, ~10 ms of CPU and some 2 MB), which no subset calls. That is paid by the EPUB
    helper of every build that embeds fonts (`publish.build._start_epub_child`).

    Only for a process whose imports are all ours and that ends with its work (a build's forked
    helper): until the `__init__` has run, `dir()` of the package lists only its submodules
    imported so far, which a library caller's own process should never see."""
    if name in sys.modules:
        return False
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    loader = spec.loader
    package = importlib.util.module_from_spec(spec)
    namespace = package.__dict__

    def __getattr__(attr: str) -> Any:
        # a submodule not imported yet: the import system imports it (`from name import sub` asks
        # for the attribute first), without the package's body
        if "." not in attr and not attr.startswith("__"):
            try:
                is_submodule = importlib.util.find_spec(f"{name}.{attr}") is not None
            except (ImportError, ValueError):
                is_submodule = False
            if is_submodule:
                raise AttributeError(f"module {name!r} has no attribute {attr!r}")
        # anything else: the body runs now, as it would have at the import (its own names, and
        # its own `__getattr__` if it defines one, replace this one)
        if namespace.get("__getattr__") is __getattr__:
            del namespace["__getattr__"]
        try:
            loader.exec_module(package)
        except BaseException:
            sys.modules.pop(name, None)  # as a failed import leaves it: not imported
            raise
        return getattr(package, attr)

    namespace["__getattr__"] = __getattr__
    sys.modules[name] = package
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, package)  # as the import system binds a submodule
    return True
