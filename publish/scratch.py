"""A build's private scratch folder inside the output folder, and the clean-up of earlier ones.

In: the output folder. Out: a fresh `OUT/.publish-XXXXXXXX/` folder (same file system as the final
files, so moving them into place is an atomic rename), removed when the build ends; and, before it
is made, every earlier scratch folder in `OUT` that no running build holds is removed.

Why the sweep: a build killed with `kill -9` (or a power cut) runs no clean-up, and its folder holds
full-size files. The next build into the same folder removes it.

How "no running build holds it" is told: each scratch folder has a `.lock` file that its build
keeps locked while it runs (`fcntl.flock` on POSIX, `msvcrt.locking` on Windows). The operating
system drops the lock when the process ends however it ends, so a folder whose lock can be taken is
left over. A folder without a lock file (a build that has just made it, or one from before locks)
is left alone unless it is older than `UNLOCKED_GRACE_S`. Concurrent builds into one folder each
keep their own.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

PREFIX = ".publish-"
LOCK_NAME = ".lock"
# A scratch folder gets its lock within microseconds of being made; one without a lock this old
# is left over (e.g. from a version without locks).
UNLOCKED_GRACE_S = 600.0


class Scratch:
    """`with Scratch(out) as folder:` — the build's scratch folder, removed at the end."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path: Path | None = None
        self._lock_fd: int | None = None

    def __enter__(self) -> Path:
        sweep(self.out)
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.out))
        try:
            self._lock_fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(self._lock_fd):  # pragma: no cover - a new file cannot be locked by anyone
                raise OSError("cannot lock a new scratch folder")
        except BaseException:
            self._release()
            raise
        return self.path

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._release()

    def _release(self) -> None:
        # removed while still locked (a concurrent sweep must not see it unlocked and half-removed)
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def sweep(out: Path) -> list[Path]:
    """Remove every scratch folder in `out` that no running build holds; returns those removed."""
    removed: list[Path] = []
    try:
        candidates = [p for p in out.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return removed
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir():
            continue
        if _left_over(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _left_over(folder: Path) -> bool:
    lock = folder / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        # the lock is dropped again before the folder is removed: no build ever takes over an
        # existing folder, so nothing can claim it in between
        return _try_lock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on `fd` without waiting; False when another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks: treat the folder as in use (never remove it)
        return False
