"""Giving freed memory back to the operating system.

In: nothing. Out: `give_back()` returns the C heap's free pages (glibc `malloc_trim`); elsewhere
(macOS, Windows, musl) it does nothing. Python frees objects into the C allocator, which keeps the
pages for later use: a process that has finished a big piece of work and then waits keeps them
all. The EPUB helper is such a process: its font subsets grow it by ~45 MB, then it waits for the
page starts while the build makes the PDF — the moment the build's whole process tree is largest
(docs/benchmarks.md). Trimming once the subsets are made gives back ~14 MB of it, in well under a
millisecond.
"""

from __future__ import annotations

import sys


def give_back() -> None:
    """Return free heap pages to the OS where the C library can (glibc); never raises."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # no C library to load, or one without malloc_trim (musl)
        pass
