"""A long-lived publisher: renders and builds many issues in one process, keeping what it loaded.

In: the settings of a service or script (cache folder, parallel jobs, forked helpers, pausing the
cycle collector, the editions' timestamp). Out: `Publisher.render / build / build_many / validate`,
the module-level functions of `publish` with those settings and with layouts and font sets kept
between calls (a font set holds each face's character map and advances, read once).

Memory stays flat however many issues are rendered (measured by the tests: under 10 MB growth over
40 renders after a warm-up): nothing of a render outlives it but the kept layouts and font sets,
and the fonts a PDF registers in ReportLab's process-wide registry are taken out again when it is
written. Nothing process-wide is changed: the settings hold for the calls made through this object
(in the calling thread), not for the rest of the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from publish import settings
from publish.build import (
    BuildResult,
    FontsChoice,
    LayoutChoice,
    Progress,
    Rendered,
    Source,
)
from publish.build import build as _build
from publish.build import render as _render
from publish.heap import give_back
from publish.loaders import KeptLoaders

if TYPE_CHECKING:
    from publish.errors import Problem
    from publish.model import Issue


class Publisher:
    """Renders and builds issues with shared settings, keeping layouts and fonts loaded.

    - `cache_dir`: folder of the on-disk caches (default: `$PUBLISH_CACHE_DIR`, else the user's
      cache folder).
    - `jobs`: issues built at once by `build_many` (default: one per core; 1: one after another
      in this process).
    - `fork`: may a build fork helper processes — the EPUB made beside the pages, half of the
      text composed on the second core (default: yes unless `PUBLISH_JOBS=1`; only ever on Linux
      with two or more usable cores and no other threads running). Same bytes either way.
    - `pause_gc`: pause Python's cycle collector while a build runs (default True; it would only
      rescan the build's many acyclic objects; cycles are collected when the build ends).
    - `source_date_epoch`: the time the editions claim to be made, in Unix seconds (default:
      `$SOURCE_DATE_EPOCH`, else the issue's date).

    Use it as a context manager; `close()` drops what it kept. One Publisher may be used from
    several threads at once. After each render or build the C heap's free pages are given back to
    the system (`publish.heap`, glibc only): a service that renders now and then stays at its
    working size (the sample: ~87 MB resident between renders instead of 124–136 MB, and no
    arena left grown at random by the writer's threads).

    >>> import publish
    >>> with publish.Publisher(fork=False, source_date_epoch=1737331200) as publisher:
    ...     first = publisher.render("examples/sample", epub=False)
    ...     again = publisher.render("examples/sample", epub=False)
    >>> first.pdf == again.pdf
    True
    """

    def __init__(
        self,
        cache_dir: Path | str | None = None,
        jobs: int | None = None,
        *,
        fork: bool | None = None,
        pause_gc: bool = True,
        source_date_epoch: int | None = None,
    ) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.settings = settings.Settings(
            cache_dir=Path(cache_dir).expanduser() if cache_dir is not None else None,
            fork=fork,
            pause_gc=pause_gc,
            source_date_epoch=source_date_epoch,
        )
        self._loaders = KeptLoaders()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Drop the kept layouts and font sets (the Publisher can still be used: it loads again)."""
        self._loaders.clear()

    clear = close

    def render(
        self,
        source: Source,
        *,
        pdf: bool = True,
        screen: bool = True,
        epub: bool = True,
        epub_fonts: bool = True,
        layout: LayoutChoice = None,
        fonts: FontsChoice = None,
        progress: Progress | None = None,
        strict_fonts: bool | None = None,
        allow_outside: bool = False,
    ) -> Rendered:
        """`publish.render` with this Publisher's settings and kept fonts."""
        try:
            with settings.using(self.settings):
                return _render(source, pdf=pdf, screen=screen, epub=epub, epub_fonts=epub_fonts, layout=layout,
                               fonts=fonts, progress=progress, strict_fonts=strict_fonts, loaders=self._loaders,
                               allow_outside=allow_outside)
        finally:
            give_back()

    def build(
        self,
        source: Source,
        out_dir: Path | str,
        *,
        pdf: bool = True,
        screen: bool = True,
        epub: bool = True,
        epub_fonts: bool = True,
        layout: LayoutChoice = None,
        fonts: FontsChoice = None,
        progress: Progress | None = None,
        strict_fonts: bool | None = None,
        allow_outside: bool = False,
    ) -> BuildResult:
        """`publish.build` with this Publisher's settings and kept fonts."""
        try:
            with settings.using(self.settings):
                return _build(source, out_dir, pdf=pdf, screen=screen, epub=epub, epub_fonts=epub_fonts,
                              layout=layout, fonts=fonts, progress=progress, strict_fonts=strict_fonts,
                              loaders=self._loaders, allow_outside=allow_outside)
        finally:
            give_back()

    def build_many(
        self,
        sources: Iterable[Source],
        out_dir: Path | str,
        *,
        client: Any = None,
        pdf: bool = True,
        screen: bool = True,
        epub: bool = True,
        epub_fonts: bool = True,
        strict_fonts: bool | None = None,
    ) -> list[BuildResult]:
        """`publish.build_many` with this Publisher's settings (and its `jobs`)."""
        from publish.batch import run

        return run(sources, out_dir, jobs=self.jobs, client=client, pdf=pdf, screen=screen, epub=epub,
                   epub_fonts=epub_fonts, strict_fonts=strict_fonts, settings_=self.settings,
                          loaders=self._loaders if client is None else None)

    def validate(self, issue: Issue) -> list[Problem]:
        """`publish.validate`."""
        from publish.sources.validate import validate

        return validate(issue)
