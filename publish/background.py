"""Work done in a forked child process while this process does something else.

In: a `prepare()` function (run in the child at once) and a `finish(prepared, message)` function
(run in the child once this process sends it one message). Out: a `Background` handle whose
`wait()` says whether the child did both without an error. The child returns nothing but its exit
status: it writes its result where `finish` puts it (a build: the EPUB in the build's temporary
folder).

Why: a build writes two files whose work is mostly independent. The EPUB's fonts, cover and
stylesheet need nothing from the pages and its documents need only where each page starts, while
setting the pages and writing the PDF are a single sequential line of work. On two cores the EPUB
is made beside them (measured on the real issue: a warm PDF+EPUB build 1.30 → ~1.0 s).

The child never decides anything for the build: if it fails, is killed, or cannot be started, the
caller does the same work itself (so its errors are raised exactly as without the child, and the
output is the same bytes either way). It exits with `os._exit`: it runs no clean-up of this process
(no `finally` of the caller, no atexit handler, no flush of inherited stdio buffers).

When it is not used (`usable`, also the parallel composer's rule): where forking is unsafe or
unavailable, with one usable core, with threads running, or under `PUBLISH_JOBS=1`.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any

_LENGTH = struct.Struct("<Q")


class Background:
    """A forked child running `prepare()` and then `finish(prepared, message)`."""

    def __init__(self, pid: int, write_fd: int) -> None:
        self._pid = pid
        self._write_fd: int | None = write_fd
        self._status: int | None = None

    @classmethod
    def start(cls, prepare: Callable[[], Any], finish: Callable[[Any, Any], None]) -> Background | None:
        """Fork the child; None when this process should do the work itself."""
        if not usable():
            return None
        forked = fork_with_pipe()
        if forked is None:
            return None
        pid, read_fd, write_fd = forked
        if pid == 0:  # the child: never returns into the caller's code
            status = 1
            try:
                os.close(write_fd)
                prepared = prepare()
                message = _receive(read_fd)
                if message is not None:
                    finish(prepared, message)
                    status = 0
            except BaseException:  # the parent redoes the work, and reports the error
                pass
            finally:
                os._exit(status)
        os.close(read_fd)
        return cls(pid, write_fd)

    def send(self, message: Any) -> bool:
        """Give the child its message; False when the child is already gone."""
        if self._write_fd is None:
            return False
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            # a message larger than the pipe's buffer waits here until the child has prepared
            _write_all(self._write_fd, _LENGTH.pack(len(data)) + data)
            return True
        except OSError:  # BrokenPipeError: the child has exited
            return False
        finally:
            os.close(self._write_fd)
            self._write_fd = None

    def wait(self) -> bool:
        """Wait for the child; True when it finished without an error."""
        if self._status is None:
            if self._write_fd is not None:  # never sent: the child reads end-of-file and exits
                os.close(self._write_fd)
                self._write_fd = None
            _, self._status = os.waitpid(self._pid, 0)
        return self._status == 0

    def cancel(self) -> None:
        """Stop the child if it is still running (the caller failed or will not use its work)."""
        if self._status is None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.wait()


def usable() -> bool:
    """May this process fork helpers? (Linux with fork, more than one usable core, no other
    threads — a lock held by another thread at the fork would stay held in the child — and not
    `PUBLISH_JOBS=1`.)"""
    if os.environ.get("PUBLISH_JOBS", "").strip() == "1":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):  # pragma: no cover - Linux always has it
        return (os.cpu_count() or 1) > 1


def fork_with_pipe() -> tuple[int, int, int] | None:
    """`os.fork()` with a pipe made before it: (pid — 0 in the child —, read end, write end), or
    None when the fork failed (the pipe is closed again)."""
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    return pid, read_fd, write_fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> Any | None:
    """The parent's one message, or None when it closed the pipe without sending one."""
    with os.fdopen(fd, "rb") as pipe:
        head = pipe.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            return None
        (size,) = _LENGTH.unpack(head)
        data = pipe.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)
