"""publish.heap.give_back: freed heap pages go back to the OS (glibc), and nothing happens elsewhere."""

from __future__ import annotations

import platform
import sys

import pytest

from publish import heap


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_freed_heap_pages_go_back_to_the_os():
    blocks = [bytes(4000) for _ in range(20000)]  # ~80 MB of malloc'd blocks, pages touched
    pins = blocks[::50]  # every 50th kept: the heap cannot simply shrink from its top
    del blocks
    freed = _rss_mb()
    heap.give_back()
    assert freed - _rss_mb() > 40, "the free pages between the kept blocks were not given back"
    assert len(pins) == 400


def test_elsewhere_it_does_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    heap.give_back()  # returns without loading a C library
    monkeypatch.setattr(sys, "platform", "linux")
    import ctypes

    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: object())  # a C library without malloc_trim
    heap.give_back()
