"""A worker thread for the PDF writer's C-heavy work: zlib and Pillow, off the main thread.

In: jobs — a function and its arguments whose result depends on nothing but them (compressing a
page stream, converting and compressing a picture) — submitted to a `Lane`. Out: a `Job` per
submission, whose `result()` is the function's value or raises its exception, in the thread
that asks.

Why: compressing the page streams and converting the pictures is C code (zlib, Pillow, littleCMS)
that lets go of the GIL while it works, so a second core can do it while the main thread draws
the next pages and writes the fonts — the same bytes, since each job is a pure function of its
arguments. Python's other choices do not fit: a process pool would copy the pictures and pay
for its start; `concurrent.futures.ThreadPoolExecutor` keeps its threads after the work is done,
and this build forks its helpers (`publish.worker`) only while no other thread runs.

So a `Lane` runs one thread, started when work is submitted and ended as soon as none is left
(nothing lingers into a later fork), running its jobs in the order submitted, each in a copy of
the submitter's `contextvars` context (the build's settings: its cache folder). A job still
waiting when its result is asked for is run by the asking thread itself, so nothing ever waits
for a job that is not being worked on. `enabled()` says whether work may go to a thread at
all: not with `PUBLISH_JOBS=1` (or `Publisher(fork=False)`): one process, one thread, the same
bytes; nor on a machine with one usable core.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def enabled() -> bool:
    """May the writer hand work to a thread? Not with `PUBLISH_JOBS=1` / `Publisher(fork=False)`
    (asked for one process doing everything in turn), not on a one-core machine (no gain)."""
    from publish import settings

    if not settings.fork_allowed():
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):  # not Linux: Windows and macOS have no affinity call
        return (os.cpu_count() or 1) > 1


class Job(Generic[T]):
    """One submitted call; `result()` waits for it (or runs it, if no thread has started it)."""

    __slots__ = ("_args", "_context", "_done", "_error", "_fn", "_lane", "_state", "_value")

    def __init__(self, lane: Lane | None, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        self._lane = lane
        self._fn = fn
        self._args = args
        self._context = contextvars.copy_context()
        self._done = threading.Event()
        self._state = "waiting"  # → "running" → "done"; changed under the lane's lock
        self._value: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._value = self._context.run(self._fn, *self._args)
        except BaseException as err:  # kept for the thread that asks for the result
            self._error = err
        finally:
            self._fn = self._args = None  # type: ignore[assignment]  # let the inputs go
            self._state = "done"
            self._done.set()

    def result(self) -> T:
        """The call's value; raises what the call raised."""
        lane = self._lane
        if lane is not None and lane._claim(self):
            self._run()  # not started yet: done here rather than waited for
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class Lane:
    """One worker thread running jobs in submission order (see the module docstring); or, when
    not `threaded`, none: each job is run when its result is asked for."""

    def __init__(self, name: str = "publish-pdf", *, threaded: bool | None = None) -> None:
        self.name = name
        self._threaded = threaded
        self._lock = threading.Lock()
        self._waiting: deque[Job[Any]] = deque()
        self._running = False

    @property
    def threaded(self) -> bool:
        """Does submitted work go to the thread (as given, else `enabled()` in the submitter's settings)?"""
        return enabled() if self._threaded is None else self._threaded

    def submit(self, fn: Callable[..., T], *args: Any) -> Job[T]:
        """Start `fn(*args)` on the lane's thread (or, unthreaded, when its result is asked for)."""
        job: Job[T] = Job(self, fn, args)
        if not self.threaded:
            return job
        with self._lock:
            self._waiting.append(job)
            if self._running:
                return job
            self._running = True
        try:
            # not a daemon: a cache entry being written is finished before the interpreter exits
            threading.Thread(target=self._work, name=self.name).start()
        except RuntimeError:  # no thread can be started (interpreter shutting down): asked-for work
            with self._lock:
                self._running = False
        return job

    def _claim(self, job: Job[Any]) -> bool:
        """Take `job` off the queue for the asking thread, if no thread has started it."""
        with self._lock:
            if job._state != "waiting":
                return False
            job._state = "running"
            try:
                self._waiting.remove(job)
            except ValueError:  # unthreaded: it was never queued
                pass
            return True

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self._running = False  # ends with the work: no thread outlives it
                    return
                job = self._waiting.popleft()
                job._state = "running"
            job._run()
