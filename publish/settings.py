"""Settings of one render or build that the environment gave before there was an API for them.

In: a `Settings` value (what `publish.Publisher` and the API functions are given). Out: the values
the stages consult while a build runs — the cache folder, whether helpers may be forked, whether the
cycle collector is paused, the timestamp the editions carry. Each one left `None` falls back to its
environment variable, as before: `PUBLISH_CACHE_DIR`, `PUBLISH_JOBS=1` (no forked helpers, no writer threads),
`SOURCE_DATE_EPOCH`.

Why a context variable and not module globals or `os.environ`: a service renders issues in several
threads (or asyncio tasks) with different settings at once; a `ContextVar` belongs to the thread
(task) that set it, so nothing here changes state for the rest of the process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """What a build may be told besides its sources; `None` means "as the environment says".

    - `cache_dir`: folder of the on-disk caches (default `$PUBLISH_CACHE_DIR`, else the user's
      cache folder); a cache that cannot be written is no error.
    - `fork`: may a build fork helper processes (the EPUB beside the pages, half of the
      composing)? Default: yes unless `PUBLISH_JOBS=1`; either way only on Linux, with more
      than one usable core and no other threads running. `False` (or `PUBLISH_JOBS=1`) also keeps
      the PDF writer's C work — zlib, picture conversion — on the build's own thread instead of
      worker threads (`publish.pdf.background`; those run on every system with two cores or more).
      The output is the same bytes either way.
    - `pause_gc`: pause Python's cycle collector during a build (default True: it would rescan
      the build's many small objects for nothing; cycles are collected afterwards).
    - `source_date_epoch`: the time (Unix seconds) the editions claim to be made (default
      `$SOURCE_DATE_EPOCH`, else the issue's date).
    """

    cache_dir: Path | None = None
    fork: bool | None = None
    pause_gc: bool = True
    source_date_epoch: int | None = None


_current: ContextVar[Settings] = ContextVar("publish_settings", default=Settings())  # noqa: B039 - immutable


def current() -> Settings:
    """The settings in force in this thread / task."""
    return _current.get()


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Run the body with `settings` in force (in this thread / task only)."""
    token = _current.set(settings)
    try:
        yield settings
    finally:
        _current.reset(token)


def cache_dir() -> Path | None:
    """The cache folder given by the settings or `$PUBLISH_CACHE_DIR`; None: the default place."""
    given = current().cache_dir
    if given is not None:
        return Path(given).expanduser()
    env = os.environ.get("PUBLISH_CACHE_DIR")
    return Path(env).expanduser() if env else None


def fork_allowed() -> bool:
    """May helpers be forked (before the platform checks of `publish.worker.usable`)?"""
    fork = current().fork
    if fork is not None:
        return fork
    return os.environ.get("PUBLISH_JOBS", "").strip() != "1"


def source_date_epoch() -> str:
    """`SOURCE_DATE_EPOCH` as text ("" when unset), from the settings first."""
    given = current().source_date_epoch
    if given is not None:
        return str(given)
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip()
