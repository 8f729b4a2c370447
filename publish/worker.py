"""Helper processes: the one primitive with which a build does work beside itself.

In: a function `work(channel)` run in a forked child, and plain values passed both ways. Out: a
`Worker` handle in the parent — `send` a value to the child, `receive` the child's reply, `wait`
for it to exit (True when `work` returned without an error), `cancel` it. `start` returns None when
this process should do the work itself (`usable`).

One protocol for every message, both ways: an 8-byte little-endian length and `marshal` data of
plain values (str, bytes, numbers, None, tuples, lists, dicts of those; no classes, no code, no
pickle). Callers turn their objects into such tuples and back (the composed lines' columns, the
EPUB's page starts).

The child is the parent's helper and nothing more:
- it dies with its parent. On Linux the kernel kills it when the parent exits for any reason, even
  `kill -9` (`PR_SET_PDEATHSIG`); everywhere, a child waiting for a message reads end-of-file when
  the parent is gone and exits, and a reply to a dead parent fails with a broken pipe;
- it never decides anything: if it fails, is killed, or cannot be started, the caller does the same
  work itself (so errors are raised exactly as without it, and the output is the same bytes);
- it leaves with `os._exit`: it runs no clean-up of the parent (no `finally`, no atexit handler,
  no flush of inherited stdio buffers) and prints nothing.

When no child is started (`usable`): where forking is unsafe or unavailable (Windows; macOS, where
forking a process that may hold system frameworks is unsafe), with one usable core, with threads
running (a lock held by another thread at the fork would stay held in the child), or under
`PUBLISH_JOBS=1`. Forking is only ever a speed-up: the pure path is the same code without it.
"""

from __future__ import annotations

import marshal
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Channel", "Claim", "Done", "Worker", "spare_cores", "usable"]

_LENGTH = struct.Struct("<Q")
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_RUNNING: dict[int, Worker] = {}  # this process's helpers not yet known to have exited, by pid


class Channel:
    """The child's end: `receive` the parent's next message, `reply` to it."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._read_fd, self._write_fd = read_fd, write_fd

    def receive(self) -> Any:
        """The parent's next message; raises EOFError when the parent closed its end (or died)."""
        value = _read_frame(self._read_fd)
        if value is None:
            raise EOFError("the parent sent nothing more")
        return value[0]

    def reply(self, value: Any) -> None:
        """Send `value` to the parent (OSError when the parent is gone)."""
        _write_all(self._write_fd, _frame(value))


class Worker:
    """A forked child running `work(channel)`."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self.pid = pid
        self._to_child: int | None = to_child
        self._from_child: int | None = from_child
        self._status: int | None = None

    @classmethod
    def start(cls, work: Callable[[Channel], None]) -> Worker | None:
        """Fork a child running `work`; None when this process should do the work itself."""
        if not usable():
            return None
        parent = os.getpid()
        down_r, down_w = os.pipe()  # parent → child
        up_r, up_w = os.pipe()  # child → parent
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return None
        if pid == 0:  # the child: never returns into the caller's code
            status = 1
            _RUNNING.clear()  # the parent's helpers are not this child's
            try:
                os.close(down_w)
                os.close(up_r)
                _die_with_parent(parent)
                work(Channel(down_r, up_w))
                status = 0
            except BaseException:  # the parent redoes the work, and reports the error
                pass
            finally:
                os._exit(status)
        os.close(down_r)
        os.close(up_w)
        worker = cls(pid, down_w, up_r)
        _RUNNING[pid] = worker
        return worker

    def send(self, message: Any) -> bool:
        """Give the child a message; False when the child is already gone. A message larger than
        the pipe's buffer waits here until the child reads it."""
        if self._to_child is None:
            return False
        try:
            _write_all(self._to_child, _frame(message))
            return True
        except OSError:  # BrokenPipeError: the child has exited
            self.close_input()
            return False

    def close_input(self) -> None:
        """No more messages: a child waiting in `receive` gets EOFError."""
        if self._to_child is not None:
            os.close(self._to_child)
            self._to_child = None

    def receive(self) -> Any | None:
        """The child's next reply, or None when it exited without one (failed, or was killed)."""
        if self._from_child is None:
            return None
        got = _read_frame(self._from_child)
        if got is None:
            self._close_output()
            return None
        return got[0]

    def replied(self) -> bool:
        """Is a reply (or the child's end) there to `receive` without waiting? False while the
        child is still working towards its next reply."""
        if self._from_child is None:
            return True
        import select

        return bool(select.select([self._from_child], [], [], 0)[0])

    def _close_output(self) -> None:
        if self._from_child is not None:
            os.close(self._from_child)
            self._from_child = None

    def wait(self) -> bool:
        """Wait for the child to exit; True when its work returned without an error."""
        self.close_input()
        self._close_output()  # first, so that a child still replying gets a broken pipe
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)
            _RUNNING.pop(self.pid, None)
        return self._status == 0

    def running(self) -> bool:
        """Is the child still there (working, or waiting for a message)? A child that has exited
        is reaped here (its status kept for `wait`)."""
        if self._status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere (a caller's own waitpid(-1))
                pid, status = self.pid, 1
            if pid == 0:
                return True
            self._status = status
            _RUNNING.pop(self.pid, None)
        return False

    def cancel(self) -> None:
        """Stop the child if it is still running (the caller failed or will not use its work)."""
        if self._status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.wait()  # (its pipes closed even when `running` reaped it already)


class Claim:
    """A piece of work that the parent or its helper may do, whichever is free first: `take()` is
    True in exactly one of the processes that hold it (and in no later call).

    Why: which process has time left depends on the issue and the cache (a new issue's EPUB fonts
    keep the helper busy; a warm build's helper waits for the pages), so a job that either could do
    goes to the first that asks. Made before `Worker.start` (the child inherits it). How: a pipe
    holding one byte, its writing end closed at once: reading a byte from a pipe is atomic, so one
    `read` gets it and every other one reads end-of-file. A claim taken by a helper that then fails
    is the parent's to redo, like any helper work.
    """

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            os.write(write_fd, b"1")
        finally:
            os.close(write_fd)
        self._fd: int | None = read_fd

    def take(self) -> bool:
        """True once, in the first process to ask; False after it was taken (here or elsewhere)."""
        if self._fd is None:
            return False
        try:
            return os.read(self._fd, 1) == b"1"
        except OSError:
            return False

    def close(self) -> None:
        """Give up this process's hold on it (it can no longer be taken here)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Done:
    """A piece of work one helper does that processes forked after it wait for: `wait()` returns once
    that helper has said `done()`, or has exited (finished, failed or killed) — never earlier.

    Why: a helper forked later (the EPUB helper) can take what an earlier one (the build's first
    helper) makes, if it knows when to look; it cannot wait for a sibling, only for a file
    descriptor. How: a pipe whose writing end only the working helper keeps — made before that
    helper's `Worker.start`, the parent gives up its own end with `started()` right after, so helpers
    forked later never hold it — and which nobody writes: `wait` reads end-of-file once every
    writing end is closed, by `done()` or by the helper's exit."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self._read_fd: int | None = read_fd
        self._write_fd: int | None = write_fd

    def started(self) -> None:
        """In the parent, once the working helper is forked (or could not be): only it holds on."""
        self.done()

    def done(self) -> None:
        """In the working helper: the work is done (what waits goes on)."""
        if self._write_fd is not None:
            os.close(self._write_fd)
            self._write_fd = None

    def wait(self) -> None:
        """Until the work is done (at once when this process holds the writing end itself: there is
        no one else to wait for)."""
        if self._write_fd is not None or self._read_fd is None:
            return
        try:
            while os.read(self._read_fd, 1):
                pass  # (nobody writes: a byte would only be a mistake to pass over)
        except OSError:
            pass

    def close(self) -> None:
        """This process will not wait (again)."""
        self.done()
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None


def usable() -> bool:
    """May this process fork helpers? (Linux with fork, more than one usable core, no other
    threads, and not `PUBLISH_JOBS=1`.)"""
    from publish import settings

    if not settings.fork_allowed():  # Publisher(fork=False), or PUBLISH_JOBS=1
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() > 1:
        return False
    return _cores() > 1


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - Linux always has it
        return os.cpu_count() or 1


def spare_cores() -> int:
    """How many more processes could run now without taking a core from one already running:
    the usable cores less this process and its helpers that have not exited (0 where `usable`
    is False).

    Why: a build is CPU-bound. A helper that only shares its work with this process (composing half
    the text) is worth its fork, its messages and its rebuilt lines only on a core nobody else
    uses; on two cores with the EPUB helper running it takes that core's time from the EPUB helper
    and adds its overhead (measured on the example issue: a new issue's tree 1.32 → 1.28 s of CPU
    and 0.745 → 0.716 s of wall without it)."""
    if not usable():
        return 0
    busy = sum(1 for worker in list(_RUNNING.values()) if worker.running())
    return max(0, _cores() - 1 - busy)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this child when its parent exits; exit now if it already has."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: pipe end-of-file still ends a waiting child
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _frame(value: Any) -> bytes:
    data = marshal.dumps(value)
    return _LENGTH.pack(len(data)) + data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def _read_frame(fd: int) -> tuple[Any] | None:
    """(value,) or None at end-of-file (also mid-frame: a writer that died)."""
    head = _read_exactly(fd, _LENGTH.size)
    if head is None:
        return None
    (size,) = _LENGTH.unpack(head)
    data = _read_exactly(fd, size)
    if data is None:
        return None
    return (marshal.loads(data),)
