"""The build cache (publish.cache): relocatable, safe for concurrent builds, clearable, keyed by
module identity, and never trusted: every entry proves itself with a digest, a damaged one is a
miss that is rebuilt and replaced, and nothing read from it can run code."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import multiprocessing
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from fonts_support import need_cjk_fonts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish import cache

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cache_dir_follows_the_environment_variable(in_tmp):
    assert cache.cache_dir() == in_tmp / "entries"
    cache.put_bytes("t", "k", b"data")
    assert cache.get_bytes("t", "k") == b"data"
    assert any((in_tmp / "entries").rglob("*.bin"))


def test_entries_follow_the_cache_folder_wherever_it_is_moved_to_between_calls(tmp_path, monkeypatch):
    """The kinds' folders are remembered by what names the cache folder (settings, environment):
    a folder given later — another $PUBLISH_CACHE_DIR, a Publisher's `cache_dir` — is used at once,
    and the first is used again when it is given again."""
    from publish import settings as publish_settings

    first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(first))
    cache.put_bytes("t", "k", b"one")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(second))
    assert cache.get_bytes("t", "k") is None
    cache.put_bytes("t", "k", b"two")
    with publish_settings.using(publish_settings.Settings(cache_dir=third)):
        assert cache.get_bytes("t", "k") is None
        cache.put_bytes("t", "k", b"three")
        assert cache.get_bytes("t", "k") == b"three"
    assert cache.get_bytes("t", "k") == b"two"
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(first))
    assert cache.get_bytes("t", "k") == b"one"
    for folder, data in ((first, b"one"), (second, b"two"), (third, b"three")):
        (entry,) = (folder / "entries" / "t").glob("*.bin")
        assert entry.read_bytes().endswith(data)


def test_the_entries_of_a_kind_are_files_in_one_folder_with_no_folder_made_per_entry(in_tmp):
    """A new entry is one new file: the kind's folder holds the entries themselves (a folder per
    digest prefix would make most new entries of a build a new folder too)."""
    for n in range(40):
        cache.put_bytes("t", f"key {n}", b"data %d" % n)
    folder = in_tmp / "entries" / "t"
    assert sorted(p.suffix for p in folder.iterdir()) == [".bin"] * 40
    assert [cache.get_bytes("t", f"key {n}") for n in range(40)] == [b"data %d" % n for n in range(40)]


def test_clear_removes_everything(in_tmp):
    cache.put_bytes("t", "a", b"1")
    cache.put_bytes("t", "b", b"2")
    old = in_tmp / "fonts" / "x" / "old.bin"  # the folder of the previous cache format
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    cleared = cache.clear()
    assert cleared.removed == 3 and cleared.failed == ()
    assert cache.get_bytes("t", "a") is None
    assert not old.exists()


def _read_only(monkeypatch):
    """Unlinking fails as on a read-only file system (root ignores permission bits, so chmod
    would not do it in CI)."""
    def refuse(self, missing_ok=False):
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", refuse)


def test_clear_on_a_read_only_cache_reports_what_it_could_not_remove(in_tmp, monkeypatch):
    cache.put_bytes("t", "a", b"1")
    _read_only(monkeypatch)
    cleared = cache.clear()
    assert cleared.removed == 0
    assert [reason for _, reason in cleared.failed] == ["Read-only file system"]


def test_fonts_clear_cache_on_a_read_only_cache_fails_with_a_message(in_tmp, monkeypatch):
    from click.testing import CliRunner

    from publish.cli import main

    cache.put_bytes("t", "a", b"1")
    _read_only(monkeypatch)
    result = CliRunner().invoke(main, ["fonts", "--clear-cache"])
    assert result.exit_code == 1
    assert "cannot clear the cache" in result.output and "Read-only file system" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1],
        lambda b: b[: len(b) // 2],
        lambda b: b"",
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),
        lambda b: bytes([b[0] ^ 0x80]) + b[1:],
        lambda b: b + b"\0",
        lambda b: b"\x80garbage",
    ],
    ids=["last-byte-cut", "half", "empty", "last-bit", "magic-bit", "appended", "garbage"],
)
def test_a_damaged_entry_is_a_miss_and_is_removed(in_tmp, damage):
    cache.put_value("t", "k", {"a": 1})
    (entry,) = (in_tmp / "entries").rglob("*.bin")
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.get_value("t", "k") is None
    assert not entry.exists()
    cache.put_value("t", "k", {"a": 2})  # and the caller's rebuilt value replaces it
    assert cache.get_value("t", "k") == {"a": 2}


def test_an_entry_copied_over_another_keys_file_is_a_miss(in_tmp):
    cache.put_bytes("t", "one", b"first")
    cache.put_bytes("t", "two", b"second")
    one, two = sorted((in_tmp / "entries").rglob("*.bin"))
    shutil.copyfile(one, two)  # both files now hold a well-formed entry, one of them for another key
    assert {cache.get_bytes("t", "one"), cache.get_bytes("t", "two")} == {b"first", None}


def test_values_round_trip_through_plain_data(in_tmp):
    from publish.model import Article, Byline, Paragraph, Text

    article = Article("a", ("标题",), (Paragraph((Text("正文"),), line=3),), bylines=(Byline("单位", "名"),),
                      source=Path("/x/a.md"))
    value = {"article": article, "when": dt.date(2025, 1, 2), "n": [1, 2.5, None, True, b"\0"], 3: ("t",)}
    cache.put_value("t", "k", value)
    types = (Article, Byline, Paragraph, Text)
    assert cache.get_value("t", "k", types) == value
    assert cache.get_value("t", "k") is None  # a class not named by the reader is never constructed


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_nothing_from_the_cache_is_unpickled_even_with_a_valid_digest(in_tmp, monkeypatch):
    monkeypatch.chdir(in_tmp)
    # An attacker who can write the cache can also compute the digest: the payload must still not run.
    cache.put_bytes("t", "k", pickle.dumps(_Boom()))
    assert cache.get_value("t", "k") is None
    assert not (in_tmp / "pwned").exists()
    import marshal

    cache.put_bytes("t", "k", marshal.dumps(compile("open('pwned', 'w')", "x", "exec")))
    assert cache.get_value("t", "k") is None  # a code object is refused (and never called)
    assert not (in_tmp / "pwned").exists()


def test_no_module_of_the_package_uses_pickle():
    for path in (ROOT / "publish").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("pickle", "cPickle", "dill", "shelve") for n in names), path


def test_module_digest_covers_every_file_of_a_package(tmp_path, monkeypatch):
    pkg = tmp_path / "digestpkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "deep.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = cache.module_digest.__wrapped__("digestpkg")
    (pkg / "sub" / "deep.py").write_text("X = 2\n")
    cache._module_sources.cache_clear()  # (a process reads a package's sources once, like the digest)
    assert cache.module_digest.__wrapped__("digestpkg") != before
    (pkg / "sub" / "new.py").write_text("")  # a module split off: still part of the identity
    cache._module_sources.cache_clear()
    assert cache.module_digest.__wrapped__("digestpkg") not in (before,)
    assert cache.module_digest.__wrapped__("no_such_module_here") == cache.module_digest.__wrapped__(
        "no_such_module_here")


def test_a_packages_sources_are_the_py_files_pathlib_finds_in_the_same_order(tmp_path, monkeypatch):
    pkg = tmp_path / "walkpkg"
    for rel in ("__init__.py", "a.py", "B.py", "a/z.py", "a/b/c.py", "a-b/x.py", ".hidden/h.py", "ab.py",
                "notes.txt", "data/x.pyc", "a/b/.py"):
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(f"# {rel}\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "far.py").write_text("")
    (pkg / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)  # not entered
    monkeypatch.syspath_prepend(str(tmp_path))
    cache._module_sources.cache_clear()
    expected = [(f.relative_to(pkg).as_posix(), f.read_bytes()) for f in sorted(pkg.rglob("*.py"))]
    assert list(cache._module_sources("walkpkg")) == expected
    names = [rel for rel, _ in expected]
    assert len(names) == 9 and ".hidden/h.py" in names and "a/b/.py" in names and "linked/far.py" not in names
    h = hashlib.sha256()
    h.update(b"\0module walkpkg\0")
    for rel, data in expected:
        h.update(f"\0{rel}\0{len(data)}\0".encode())
        h.update(data)
    assert cache.module_digest.__wrapped__("walkpkg") == h.hexdigest()


def _writer(args):
    root, n = args
    os.environ["PUBLISH_CACHE_DIR"] = root
    from publish import cache as c

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
    assert not list((tmp_path / "entries").rglob(".tmp-*"))


def test_a_warm_load_reads_the_cache_and_is_fast(in_tmp):
    need_cjk_fonts()
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


# --- any damage to any cache file: the same output bytes as a clean build -----------------------


def _build(out: Path) -> tuple[bytes, bytes]:
    from publish.build import build
    from publish.fonts import faceinfo

    faceinfo._memo.clear()  # as a new process: everything comes from the cache or the fonts
    result = build(SAMPLE, out)
    return result.pdf_path.read_bytes(), result.epub_path.read_bytes()


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    need_cjk_fonts()
    base = tmp_path_factory.mktemp("damage")
    mp = pytest.MonkeyPatch()
    mp.setenv("PUBLISH_CACHE_DIR", str(base / "cache"))
    mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
    try:
        clean = _build(base / "clean")
        files = sorted(p for p in (base / "cache").rglob("*") if p.is_file())
        yield base, clean, files, mp
    finally:
        mp.undo()


_DAMAGE = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("replace"), st.binary(max_size=64)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=16)),
)


def _damage(data: bytes, how: tuple) -> bytes:
    kind = how[0]
    if kind == "truncate":
        return data[: int(how[1] * len(data))] if data else data
    if kind == "flip" and data:
        i = min(int(how[1] * len(data)), len(data) - 1)
        return data[:i] + bytes([data[i] ^ how[2]]) + data[i + 1:]
    if kind == "replace":
        return how[1]
    if kind == "append":
        return data + how[1]
    return data


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.integers(min_value=0), how=_DAMAGE, data=st.data())
def test_any_damage_to_any_cache_file_gives_the_clean_builds_bytes(warm_cache, pick, how, data):
    base, clean, files, _ = warm_cache
    present = [f for f in files if f.exists()]
    target = present[pick % len(present)]
    target.write_bytes(_damage(target.read_bytes(), how))
    out = base / f"out-{data.draw(st.integers(0, 10**9))}"
    assert _build(out) == clean
    shutil.rmtree(out)


def test_every_cache_file_damaged_at_once_still_gives_the_clean_builds_bytes(warm_cache):
    base, clean, _files, _ = warm_cache
    for f in (p for p in (base / "cache").rglob("*") if p.is_file()):
        data = f.read_bytes()
        f.write_bytes(data[: len(data) // 2] + bytes([(data[len(data) // 2] ^ 1) if data else 0]))
    assert _build(base / "all-damaged") == clean
    assert _build(base / "after-repair") == clean  # the rebuilt entries replaced the damaged ones


def _on_disk(kind: str, key: str) -> bool:
    return cache._entry_path(kind, key).is_file()


def test_held_writes_wait_for_the_flush_and_are_read_meanwhile(in_tmp):
    with cache.writes_held() as flush:
        cache.put_bytes("held", "a", b"first")
        cache.put_value("held", "b", {"x": (1, 2.5)})
        assert not _on_disk("held", "a") and not _on_disk("held", "b")
        assert cache.get_bytes("held", "a") == b"first" and cache.get_value("held", "b") == {"x": (1, 2.5)}
        flush()
        assert _on_disk("held", "a") and _on_disk("held", "b")
        cache.put_bytes("held", "c", bytearray(b"late"))  # made at the end of the block
        assert not _on_disk("held", "c")
    assert cache.get_bytes("held", "c") == b"late" and _on_disk("held", "c")
    cache.put_bytes("held", "d", b"outside")  # no hold: at once
    assert _on_disk("held", "d")


def test_a_write_at_once_is_on_disk_during_a_hold_and_not_overwritten_by_an_older_held_value(in_tmp):
    with cache.writes_held() as flush:
        cache.put_bytes("held", "a", b"older, held")
        cache.put_bytes("held", "a", b"newer, at once", at_once=True)
        assert _on_disk("held", "a")
        assert cache.get_bytes("held", "a") == b"newer, at once"
        flush()
    assert cache.get_bytes("held", "a") == b"newer, at once"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_an_entry_being_made_elsewhere_is_waited_for_up_to_the_limit(in_tmp):
    import time

    from publish.worker import Worker

    def other(channel) -> None:
        with cache.making("lock", "a"):
            channel.reply("making")
            time.sleep(0.4)
            cache.put_bytes("lock", "a", b"made elsewhere")

    child = Worker.start(other)
    if child is None:
        pytest.skip("no helper process here (one core, or PUBLISH_JOBS=1)")
    assert child.receive() == "making"
    with cache.making("lock", "a"):
        assert cache.get_bytes("lock", "a") == b"made elsewhere"
    assert child.wait()

    child = Worker.start(other)
    assert child is not None and child.receive() == "making"
    t = time.monotonic()
    with cache.making("lock", "a", wait=0.05):  # held too long: made here anyway
        assert time.monotonic() - t < 0.3
    assert child.wait()


def test_an_entry_is_made_where_no_lock_can_be_taken(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    with cache.making("lock", "a"):
        cache.put_bytes("lock", "a", b"x")  # not written (no folder), and no error
    assert cache.get_bytes("lock", "a") is None


def test_writes_handed_over_are_passed_by_by_the_flush_made_by_the_helper_or_taken_back(in_tmp):
    from publish.worker import Worker

    with cache.writes_held() as flush:
        cache.put_bytes("held", "read", b"parsed")
        handed = cache.hand_over()
        assert len(handed) == 1 and cache.hand_over() == []  # nothing new to hand over
        cache.put_bytes("held", "paged", b"pages")  # after the hand-over: this process's

        def work(channel) -> None:
            cache.write_handed(handed)
            channel.reply(_on_disk("held", "read"))

        child = Worker.start(work)
        if child is None:
            pytest.skip("no helper process here")
        assert child.receive() is True and child.wait()
        flush()
        assert _on_disk("held", "paged")
        assert cache.get_bytes("held", "read") == b"parsed"  # still held here, and read

    # a helper that failed: the flush makes them after all
    (in_tmp / "entries").rename(in_tmp / "old")
    with cache.writes_held() as flush:
        cache.put_bytes("held", "read", b"parsed")
        handed = cache.hand_over()
        flush()
        assert not _on_disk("held", "read")  # passed by: the helper's
        cache.take_back(handed)
        flush()
        assert _on_disk("held", "read")
    # written again after the hand-over: this process's again
    with cache.writes_held() as flush:
        cache.put_bytes("held", "again", b"one")
        cache.hand_over()
        cache.put_bytes("held", "again", b"two")
        flush()
    assert cache.get_bytes("held", "again") == b"two" and _on_disk("held", "again")


def test_held_writes_are_dropped_when_the_block_fails(in_tmp):
    with pytest.raises(RuntimeError), cache.writes_held():
        cache.put_bytes("held", "a", b"data")
        raise RuntimeError("the build fails")
    assert cache.get_bytes("held", "a") is None and not _on_disk("held", "a")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_helper_writes_at_once_and_reads_what_was_held_before(in_tmp):
    from publish.worker import Worker

    with cache.writes_held():
        cache.put_bytes("held", "parent", b"from the build")

        def work(channel) -> None:
            channel.reply(cache.get_bytes("held", "parent"))
            cache.put_bytes("held", "child", b"from the helper")
            channel.reply(_on_disk("held", "child"))

        child = Worker.start(work)
        if child is None:
            pytest.skip("no helper process here")
        assert child.receive() == b"from the build"
        assert child.receive() is True
        assert child.wait()
        assert not _on_disk("held", "parent")  # still held here
    assert _on_disk("held", "parent")


# ── file digests hashed on a thread while a cold build reads its faces ───────────────────────
def _digest_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "publish-digests"]


def _hashed_where(monkeypatch) -> list[str]:
    import threading

    where: list[str] = []
    real = cache._sha256_of

    def sha256_of(path):
        where.append(threading.current_thread().name)
        return real(path)

    monkeypatch.setattr(cache, "_sha256_of", sha256_of)
    return where


def test_a_file_given_to_digest_soon_is_hashed_on_a_thread_and_taken_by_file_digest(in_tmp, monkeypatch):
    import hashlib

    files = [in_tmp / f"f{k}.bin" for k in range(3)]
    for k, f in enumerate(files):
        f.write_bytes(bytes([k]) * (3 << 20))
    where = _hashed_where(monkeypatch)
    cache.digest_soon(files)
    assert cache.file_digest(files[1]) == hashlib.sha256(files[1].read_bytes()).hexdigest()
    cache.digests_done()
    assert where == ["publish-digests"] * 3  # none of them hashed here
    assert not _digest_threads()  # nothing left running: the build may fork now
    # the one nobody asked for is memoised too, and a memoised file is neither queued nor hashed
    assert cache.known_digest(files[2]) == hashlib.sha256(files[2].read_bytes()).hexdigest()
    cache.digest_soon(files)
    assert [cache.file_digest(f) for f in files] == [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    cache.digests_done()
    assert len(where) == 3


def test_a_file_the_thread_cannot_read_fails_where_its_digest_is_asked_for(in_tmp, monkeypatch):
    f = in_tmp / "gone.bin"
    f.write_bytes(b"x" * 4096)
    real = cache._sha256_of

    def unreadable(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cache, "_sha256_of", unreadable)
    cache.digest_soon([f])
    with pytest.raises(OSError):
        cache.file_digest(f)
    cache.digests_done()
    monkeypatch.setattr(cache, "_sha256_of", real)
    assert cache.known_digest(f) is None  # nothing wrong was memoised
    assert cache.known_digest(in_tmp / "missing.bin") is None


def test_a_face_changed_in_the_last_seconds_is_read_while_its_file_is_hashed_on_the_thread(in_tmp, monkeypatch):
    import hashlib

    from fonts_support import need_cjk_fonts

    from publish.fonts import faceinfo, load_fonts

    need_cjk_fonts()
    face = load_fonts().face("body")
    path = in_tmp / face.path.name
    shutil.copyfile(face.path, path)  # written just now: not settled
    monkeypatch.setattr(faceinfo, "_memo", {})
    where = _hashed_where(monkeypatch)
    info = faceinfo.face_info(path, face.index)
    assert where == ["publish-digests"]
    assert info.identity == hashlib.sha256(path.read_bytes()).hexdigest()
    cache.digests_done()
    assert not _digest_threads()


# ── a settled file's identity, told by the file system ──────────────────────────────────────
def _aged(monkeypatch) -> None:
    """Every file counts as settled (as if its last change were an hour older)."""
    monkeypatch.setattr(cache, "SETTLED_S", -3600.0)


def _never_hashed(monkeypatch) -> None:
    monkeypatch.setattr(cache, "_sha256_of", lambda path: pytest.fail(f"{path} hashed"))


def _rewritten_unseen_by_mtime(path: Path, data: bytes) -> None:
    """`data` written over `path` in place (same inode), with its old modification time put back;
    waits until the system's change time has moved (its clock ticks in steps)."""
    before = path.stat()
    deadline = time.monotonic() + 5
    while True:
        with path.open("r+b") as f:
            f.write(data)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        now = path.stat()
        if now.st_ctime_ns != before.st_ctime_ns or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert (now.st_size, now.st_mtime_ns, now.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_a_settled_files_identity_is_told_without_reading_it_and_changes_with_every_write(in_tmp, monkeypatch):
    f = in_tmp / "face.otf"
    f.write_bytes(b"A" * 70000)
    _aged(monkeypatch)
    _never_hashed(monkeypatch)
    first = cache.file_identity(f)
    assert first == cache.file_identity(f) == cache.known_identity(f)  # stable, and known without hashing
    assert first.startswith("stat-") and cache.known_digest(f) is None
    # the same size, the old modification time put back: the change time (which utime cannot
    # set) still tells the write
    _rewritten_unseen_by_mtime(f, b"B" * 70000)
    assert cache.file_identity(f) != first
    # another file, the same bytes: another identity (a kept result is never taken for a file
    # the system does not vouch is the same one)
    g = in_tmp / "copy.otf"
    shutil.copy2(f, g)
    assert cache.file_identity(g) not in (first, cache.file_identity(f))
    with pytest.raises(OSError):
        cache.file_identity(in_tmp / "missing.otf")
    assert cache.known_identity(in_tmp / "missing.otf") is None


def test_a_file_changed_in_the_last_seconds_is_identified_by_its_content(in_tmp, monkeypatch):
    import hashlib

    f = in_tmp / "face.otf"
    f.write_bytes(b"A" * 70000)
    assert cache.known_identity(f) is None  # not settled, not hashed yet
    where = _hashed_where(monkeypatch)
    cache.identities_soon([f, in_tmp / "missing.otf"])
    assert cache.file_identity(f) == hashlib.sha256(b"A" * 70000).hexdigest()
    cache.digests_done()
    assert where == ["publish-digests"]
    _aged(monkeypatch)
    cache.identities_soon([f])  # settled now: nothing to hash
    cache.digests_done()
    assert where == ["publish-digests"] and cache.file_identity(f).startswith("stat-")


def test_a_settled_font_rewritten_in_place_unseen_by_size_and_mtime_is_read_again(in_tmp, monkeypatch):
    from fontTools.fontBuilder import FontBuilder

    from publish.fonts import faceinfo

    def font(family: str, advance: int) -> bytes:
        fb = FontBuilder(1000, isTTF=False)
        fb.setupGlyphOrder([".notdef", "uni4E00"])
        fb.setupCharacterMap({0x4E00: "uni4E00"})
        from fontTools.pens.t2CharStringPen import T2CharStringPen

        pen = T2CharStringPen(advance, None)
        pen.moveTo((0, 0))
        pen.lineTo((500, 0))
        pen.lineTo((250, 700))
        pen.closePath()
        fb.setupCFF(f"{family}-Regular", {"FullName": f"{family} Regular"},
                    {".notdef": pen.getCharString(), "uni4E00": pen.getCharString()}, {})
        fb.setupHorizontalMetrics({".notdef": (advance, 0), "uni4E00": (advance, 0)})
        fb.setupHorizontalHeader(ascent=880, descent=-120)
        fb.setupNameTable({"familyName": family, "styleName": "Regular"})
        fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWeightClass=400)
        fb.setupPost()
        path = in_tmp / "built.otf"
        fb.save(str(path))
        return path.read_bytes()

    one, two = font("Probe", 1000), font("Other", 900)
    size = max(len(one), len(two)) + 64
    one, two = one.ljust(size, b"\0"), two.ljust(size, b"\0")  # tables are found by offset: padding is ignored
    path = in_tmp / "face.otf"
    path.write_bytes(one)
    _aged(monkeypatch)
    _never_hashed(monkeypatch)
    monkeypatch.setattr(faceinfo, "_memo", {})
    first = faceinfo.face_info(path)
    assert (first.family, first.advance_units("一")) == ("Probe", 1000)
    monkeypatch.setattr(faceinfo, "_memo", {})
    assert faceinfo.face_info(path).identity == first.identity  # kept: found again, not read
    _rewritten_unseen_by_mtime(path, two)
    monkeypatch.setattr(faceinfo, "_memo", {})
    second = faceinfo.face_info(path)
    assert (second.family, second.advance_units("一")) == ("Other", 900)


def test_a_cold_preflight_queues_its_fresh_font_files_before_reading_them_and_leaves_no_thread(in_tmp, monkeypatch):

    from fonts_support import EXAMPLES, need_cjk_fonts

    from publish.fonts import faceinfo
    from publish.preflight import preflight

    need_cjk_fonts()
    monkeypatch.setattr(cache, "SETTLED_S", 1e12)  # every font file as if changed just now
    monkeypatch.setattr(faceinfo, "_memo", {})
    events: list[tuple[str, object]] = []
    real_soon, real_read = cache.digest_soon, faceinfo._read

    def soon(paths):
        paths = list(paths)
        events.append(("queued", {str(p) for p in paths}))
        return real_soon(paths)

    def read(path, index, identity):
        events.append(("read", str(path)))
        return real_read(path, index, identity)

    monkeypatch.setattr(cache, "digest_soon", soon)
    monkeypatch.setattr(faceinfo, "_read", read)
    where = _hashed_where(monkeypatch)
    checked = preflight(EXAMPLES / "sample")
    assert checked.ok and where and set(where) == {"publish-digests"}
    assert not _digest_threads()
    # every file read was queued at once, before the first face was read
    assert events[0][0] == "queued"
    assert {f for kind, f in events if kind == "read"} <= events[0][1]
    assert len(events[0][1]) >= 2
    # what was read is kept under each file's digest: a second reading finds it
    monkeypatch.setattr(faceinfo, "_memo", {})
    monkeypatch.setattr(faceinfo, "_read", lambda *a: pytest.fail("read again"))
    assert preflight(EXAMPLES / "sample").ok


def test_a_cold_preflight_of_settled_font_files_hashes_none_of_them(in_tmp, monkeypatch):
    from fonts_support import EXAMPLES, need_cjk_fonts

    from publish.fonts import faceinfo
    from publish.preflight import preflight

    need_cjk_fonts()
    _aged(monkeypatch)
    _never_hashed(monkeypatch)
    monkeypatch.setattr(faceinfo, "_memo", {})
    read: list[str] = []
    real_read = faceinfo._read
    monkeypatch.setattr(faceinfo, "_read", lambda path, *a: read.append(str(path)) or real_read(path, *a))
    assert preflight(EXAMPLES / "sample").ok
    assert len(set(read)) >= 2 and not _digest_threads()
    # kept under each file's identity: a second reading finds it
    monkeypatch.setattr(faceinfo, "_memo", {})
    monkeypatch.setattr(faceinfo, "_read", lambda *a: pytest.fail("read again"))
    assert preflight(EXAMPLES / "sample").ok


def test_has_entry_sees_held_and_written_entries_without_reading_them(in_tmp):
    assert not cache.has_entry("k", "a")
    with cache.writes_held():
        cache.put_bytes("k", "a", b"held")
        assert cache.has_entry("k", "a")  # held for the flush, not on disk yet
        assert not cache.has_entry("k", "b")
    cache.put_bytes("k", "b", b"written")
    assert cache.has_entry("k", "b")
    cache._entry_path("k", "b").write_bytes(b"damaged")
    assert cache.has_entry("k", "b") and cache.get_bytes("k", "b") is None  # taking it checks it
