"""The font cache: content-addressed, relocatable, safe for concurrent builds, clearable."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from fonts_support import need_cjk_fonts

from publish.fonts import cache


def test_cache_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "fonts"
    cache.put_bytes("t", "k", b"data")
    assert cache.get_bytes("t", "k") == b"data"
    assert any((tmp_path / "fonts").rglob("*.bin"))


def test_clear_removes_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    cache.put_bytes("t", "a", b"1")
    cache.put_bytes("t", "b", b"2")
    assert cache.clear() == 2
    assert cache.get_bytes("t", "a") is None


def test_a_corrupt_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    cache.put_object("t", "k", {"a": 1})
    (entry,) = (tmp_path / "fonts").rglob("*.bin")
    entry.write_bytes(b"\x80garbage")
    assert cache.get_object("t", "k") is None


def _writer(args):
    root, n = args
    import os

    os.environ["PUBLISH_CACHE_DIR"] = root
    from publish.fonts import cache as c

    payload = bytes([n % 256]) * 200_000
    for _ in range(20):
        c.put_bytes("race", "same-key", payload)
        got = c.get_bytes("race", "same-key")
        # A reader sees a complete entry written by someone, never a torn one.
        assert got is not None and len(got) == 200_000 and len(set(got)) == 1
    return True


def test_concurrent_writers_never_leave_a_torn_entry(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert all(pool.map(_writer, [(str(tmp_path), n) for n in range(4)]))
    assert not list((tmp_path / "fonts").rglob(".tmp-*"))


def test_a_warm_load_reads_the_cache_and_is_fast(tmp_path, monkeypatch):
    need_cjk_fonts()
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    from publish.fonts import faceinfo, load_fonts

    faceinfo._memo.clear()
    cold = load_fonts()
    faceinfo._memo.clear()  # a new process would not have these in memory
    t = time.perf_counter()
    warm = load_fonts()
    elapsed = time.perf_counter() - t
    assert warm.roles["body"].path == cold.roles["body"].path
    assert warm.face("body").info.cmap == cold.face("body").info.cmap
    # Generous bound (a shared 2-core machine); bench/fonts.py measures the real number.
    assert elapsed < 1.0
    pytest.importorskip("platformdirs")
