"""Where a build's layouts and font sets come from: loaded afresh, or kept between builds.

In: a layout name or path and the issue folder; the issue folder and its font choices. Out: the
loaded `Layout` / `FontSet`. `Loaders` loads afresh each time (a single build); `KeptLoaders` keeps
them (a `Publisher`, a batch worker): a layout is reloaded when its file changes, a font set is kept
per issue folder and font choice.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.fonts import FontSet
    from publish.layout import Layout


class Loaders:
    """Where layouts and font sets come from: loaded afresh for each build here; a `Publisher`
    keeps them between builds."""

    def layout(self, name: str | Path, root: Path | None) -> Layout:
        from publish.layout import load_layout

        return load_layout(name, root)

    def fonts(self, root: Path | None, overrides: dict[str, list[str]]) -> FontSet:
        from publish.fonts import load_fonts

        return load_fonts(root, overrides)


class KeptLoaders(Loaders):
    """Layouts and font sets kept between builds. A layout is reloaded when its file changes; a
    font set is kept per issue folder and font choice (a changed font file needs a new Publisher,
    or `Publisher.clear()`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._layouts: dict[tuple[str, str, int, int], Layout] = {}
        self._fonts: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], FontSet] = {}

    def layout(self, name: str | Path, root: Path | None) -> Layout:
        from publish.layout import find_layout

        path = find_layout(name, root)
        st = path.stat()
        key = (str(name), str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            found = self._layouts.get(key)
        if found is None:
            found = super().layout(name, root)
            with self._lock:
                self._layouts = {k: v for k, v in self._layouts.items() if k[:2] != key[:2]}
                self._layouts[key] = found
        return found

    def fonts(self, root: Path | None, overrides: dict[str, list[str]]) -> FontSet:
        key = (str(root), tuple(sorted((role, tuple(c)) for role, c in overrides.items())))
        with self._lock:
            found = self._fonts.get(key)
        if found is None:
            found = super().fonts(root, overrides)
            with self._lock:
                found = self._fonts.setdefault(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._layouts.clear()
            self._fonts.clear()
