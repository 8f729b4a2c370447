"""Lazy exports for package `__init__`s (PEP 562): a name is imported from its module on first use.

In: the package's `globals()`, a mapping name → module that defines it, and optional aliases
(exported name → the name in that module). Out: the `__getattr__` and `__dir__` the package
assigns at its top level::

    __getattr__, __dir__ = lazy_exports(globals(), {"load_issue": "publish.sources.issue"})

Why: every `publish` command imports the packages on its way to its own module, and their heavy
parts (the Markdown parser, the fonts' tables, ReportLab) cost tens of milliseconds that
`publish --help` and most commands never need. The value is stored in the package's namespace on
first use, so later look-ups are ordinary attribute reads and `from package import name` gives the
very object the defining module holds.
"""

from __future__ import annotations

import importlib
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
