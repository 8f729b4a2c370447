"""The build cache: prepared data kept on disk between builds, verified before it is used.

In: a kind (a folder name, e.g. "epub"), a key (a string made of everything the result depends on)
and either bytes or a plain value (see `encode`). Out: the same bytes or value on a later run, or
None. The folder is `$PUBLISH_CACHE_DIR/entries/`, else the user's cache directory
(`platformdirs`) `…/publish/entries/`.

Why a cache: reading the cmap and advances of a 25 MB CJK face takes ~0.3 s and subsetting it for a
whole issue ~2 s; a warm build should spend milliseconds on fonts, parsing and composing.

Trust: nothing read from the cache is used unless it proves itself. Every entry file is
`MAGIC + SHA-256(kind, key, payload) + payload`: a truncated, flipped, swapped (another key's
file copied over) or foreign file fails the check and is a miss — deleted, and rebuilt and replaced
by the caller's `put`. Values are never pickled (whoever can write the cache folder must not be
able to run code as the user): they are `marshal` data of plain values only (str, bytes, numbers,
lists, …) in a tagged form that `decode` turns back into the few types a caller names; marshal
never runs code, and the decoder refuses code objects and any type it was not given.

What a cached result depends on belongs in its key. For results computed by our own code, the key
includes `module_digest(...)`: the source of the named modules and packages (every `.py` file of a
package), so a changed program never serves an old result — by module identity, not a hand-kept
list of files that goes stale when a module is split or moved.

Two builds may run at once: every write goes to a uniquely named temporary file in the same
directory and is then `os.replace`d into place, which is atomic on POSIX and Windows; readers see
either no entry or a complete one.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
import importlib.util
import marshal
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path, PurePath
from typing import Any

ENV_VAR = "PUBLISH_CACHE_DIR"
# Bump when the layout of cached values changes, so old entries are simply not found.
FORMAT_VERSION = "11"
MAGIC = b"PUBCACHE1\n"
_DIGEST_SIZE = 32
# The folder names the cache has used below its base folder (`clear` removes all of them).
_SUBDIR = "entries"
_OLD_SUBDIRS = ("fonts",)


def cache_dir() -> Path:
    """The directory holding the cache entries (not created here)."""
    return _base_dir() / _SUBDIR


def _base_dir() -> Path:
    from publish import settings

    override = settings.cache_dir()  # the Publisher's cache_dir, else $PUBLISH_CACHE_DIR
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_cache_dir("publish", appauthor=False))


# The folder of each kind, by what `cache_dir` is made from (the settings' folder, the environment
# variables it and `platformdirs` read): made once, not for each of the ~200 entries a build looks up
# or writes (four `Path` objects each time: ~13 µs of the ~25 an entry's path took).
_folders: dict[tuple[Any, ...], Path] = {}


def _folder(kind: str) -> Path:
    from publish import settings

    env = os.environ
    where = (kind, settings.current().cache_dir, env.get("PUBLISH_CACHE_DIR"), env.get("XDG_CACHE_HOME"),
             env.get("HOME"), env.get("LOCALAPPDATA"))
    folder = _folders.get(where)
    if folder is None:
        if len(_folders) >= 256:  # (a long-lived process given many cache folders keeps no more)
            _folders.clear()
        folder = _folders[where] = cache_dir() / kind
    return folder


def _entry_path(kind: str, key: str) -> Path:
    """`entries/<kind>/<digest>.bin`: one folder per kind, no folders below it. (Entries used to be
    spread over 256 folders by the digest's first two hex digits: then most new entries of a
    build made a folder too — two new inodes instead of one, ~0.1 ms of system CPU each on an ext4
    disk, in the middle of a new issue's build. A folder of a few thousand files is no burden to
    any current file system's directory index. Entries left in those folders by an older version
    are never read; `clear` removes them with the rest.)"""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{kind}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()
    return _folder(kind) / f"{digest}.bin"


def _seal(kind: str, key: str, payload: bytes) -> bytes:
    h = hashlib.sha256()
    h.update(f"{FORMAT_VERSION}\0{kind}\0{key}\0".encode("utf-8", "surrogatepass"))
    h.update(payload)
    return h.digest()


# --- bytes ------------------------------------------------------------------------------------


def get_bytes(kind: str, key: str) -> bytes | None:
    """The cached bytes for `key`, or None when missing or damaged (a damaged file is removed)."""
    path = _entry_path(kind, key)
    held = _held.get()
    if held is not None:  # written in this build, not yet on disk (`writes_held`)
        entry = held[1].get(path)
        if entry is not None:
            return entry[2]
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _DIGEST_SIZE
    if len(data) >= head and data.startswith(MAGIC):
        payload = data[head:]
        if data[len(MAGIC):head] == _seal(kind, key, payload):
            return payload
    _discard(path)
    return None


def has_entry(kind: str, key: str) -> bool:
    """Is there an entry for `key` (held, or a file; not read, so not checked: `get_bytes` of a
    damaged one is a miss)? For a process deciding whether to make an entry for another to take."""
    path = _entry_path(kind, key)
    held = _held.get()
    if held is not None and path in held[1]:
        return True
    return path.is_file()


def put_bytes(kind: str, key: str, data: bytes, *, at_once: bool = False) -> None:
    """Store `data` under `key` atomically; a cache that cannot be written is not an error. Inside
    `writes_held` (in the process that entered it) the write waits for its `flush`, unless
    `at_once`: an entry the build's other process (the EPUB helper, forked before it was made)
    can use while the build still runs, e.g. the CFF walks (`publish.fonts.cffsubset`)."""
    path = _entry_path(kind, key)
    held = _held.get()
    if at_once:
        if held is not None:
            held[1].pop(path, None)  # an older value held for the same entry must not overwrite it
            held[2].discard(path)
        _write(path, kind, key, data)
        return
    if held is not None and held[0] == os.getpid():
        held[1][path] = (kind, key, data if type(data) is bytes else bytes(data))
        held[2].discard(path)  # written again: this process's to make, whatever was handed over
        return
    _write(path, kind, key, data)


# The writes `writes_held` holds: (the process that holds them, entry path → (kind, key, data), the
# paths handed over to a helper: `hand_over`).
_held: ContextVar[tuple[int, dict[Path, tuple[str, str, bytes]], set[Path]] | None] = ContextVar(
    "publish_cache_held", default=None)


def hand_over() -> list[Path]:
    """Leave the writes held so far to a helper forked next, which makes them (`write_handed`,
    given what this returns): this process's flush passes them by — they stay held, and read —
    until `take_back`. Why: a build's helper that has time to spare (the EPUB helper) makes the
    writes of the build's reading (the parsed articles, some dozens of files) instead of the build.
    (An entry written `at_once` is never held, so it is never handed over: the helper's copy of a
    handed entry is the last value this process held for it.)"""
    held = _held.get()
    if held is None or held[0] != os.getpid():
        return []
    paths = [p for p in held[1] if p not in held[2]]
    held[2].update(paths)
    return paths


def take_back(paths: Iterable[Path]) -> None:
    """The helper the writes `paths` were handed over to failed: they are this process's to make."""
    held = _held.get()
    if held is not None and held[0] == os.getpid():
        held[2].difference_update(paths)


def write_handed(paths: Iterable[Path]) -> None:
    """In a helper: make the writes its parent handed over to it (`hand_over`), as held at the fork."""
    held = _held.get()
    if held is None:
        return
    for path in paths:
        entry = held[1].get(path)
        if entry is not None:
            _write(path, *entry)


@contextmanager
def writes_held() -> Iterator[Callable[[], None]]:
    """Hold this process's cache writes until the `flush` this yields is called, or the block ends
    (an error ending it drops them: a cache entry is only ever a saving). Reads see held entries.

    Why: a build writes some dozens of entries (parsed articles, composed text, pages, page
    streams, pictures) on its critical path, while later it only waits for its EPUB helper; the
    build flushes them then. A helper forked meanwhile reads what was held before the fork and
    writes its own entries at once (it is another process: the hold is this process's only); the
    writes held before the fork can be left to it (`hand_over`).
    """
    held: dict[Path, tuple[str, str, bytes]] = {}
    handed: set[Path] = set()  # left to a helper (`hand_over`): passed by, but kept for reading
    token = _held.set((os.getpid(), held, handed))

    def flush() -> None:
        while True:  # again until none is left: a worker thread in this context may add some
            todo = [p for p in held if p not in handed]
            if not todo:
                return
            for path in todo:
                kind, key, data = held.pop(path)
                _write(path, kind, key, data)

    try:
        yield flush
        flush()
    finally:
        _held.reset(token)


@contextmanager
def making(kind: str, key: str, wait: float = 2.0) -> Iterator[None]:
    """Hold the entry's advisory lock (POSIX `flock` on a `.lock` file beside it) while making it:
    another process making the same entry waits, then finds it made instead of making it too.

    Why: a build's EPUB helper subsets the same faces as the build at the same time; what one
    walks (`publish.fonts.cffsubset`) the other need not walk again. The lock is only ever a
    saving: where there is none (Windows, a read-only cache) or it is not free within `wait`
    seconds (a stopped process holding it), the block runs anyway, and every write is atomic."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): each process makes it
        yield
        return
    lock = _entry_path(kind, key).with_suffix(".lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                # polled, not blocking: a lock never freed must not stop the build
                now = time.monotonic()
                deadline = deadline or now + wait
                if now >= deadline:
                    break
                time.sleep(0.002)
            except OSError:  # a file system without locks
                break
        yield
    finally:
        os.close(fd)  # releases the lock


def _write(path: Path, kind: str, key: str, data: bytes) -> None:
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        except FileNotFoundError:  # the kind's folder is not there yet (not asked before each write)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC)
                f.write(_seal(kind, key, data))
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # a read-only cache: the entry stays a miss until it is replaced
        pass


# --- plain values -----------------------------------------------------------------------------


def get_value(kind: str, key: str, types_: Iterable[type] = ()) -> Any | None:
    """A cached value (see `encode`), or None when missing, damaged or not decodable with `types_`."""
    data = get_bytes(kind, key)
    if data is None:
        return None
    try:
        return decode(marshal.loads(data), types_)
    except Exception:  # verified but undecodable (e.g. written by another version): a miss
        return None


def put_value(kind: str, key: str, value: Any, *, at_once: bool = False) -> None:
    """Store a plain value (see `encode`); a value that cannot be encoded is simply not stored.
    `at_once`: as `put_bytes`."""
    try:
        data = marshal.dumps(encode(value))
    except (TypeError, ValueError):
        return
    put_bytes(kind, key, data, at_once=at_once)


# Tags of the encoded form: a list is always [tag, ...], so plain scalars need no tag.
_TUPLE, _LIST, _DICT, _CLASS, _PATH, _DATE = "t", "l", "d", "c", "p", "D"
_SCALARS = (str, bytes, int, float, bool, type(None))


def encode(value: Any) -> Any:
    """`value` as marshal-safe plain data: str, bytes, int, float, bool, None, and tuples, lists,
    dicts, `Path`s, dates and dataclass instances of those (by class name; `decode` rebuilds only
    the classes it is given)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return [_TUPLE, *(encode(v) for v in value)]
    if isinstance(value, list):
        return [_LIST, *(encode(v) for v in value)]
    if isinstance(value, dict):
        out: list[Any] = [_DICT]
        for k, v in value.items():
            out.append(encode(k))
            out.append(encode(v))
        return out
    if isinstance(value, PurePath):
        return [_PATH, str(value)]
    if type(value) is _dt.date:
        return [_DATE, value.isoformat()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = [f for f in dataclasses.fields(value) if f.init]
        return [_CLASS, f"{cls.__module__}.{cls.__qualname__}", *(encode(getattr(value, f.name)) for f in fields)]
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(data: Any, types_: Iterable[type] = ()) -> Any:
    """The value `encode` made `data` from; dataclasses only of `types_`. Raises ValueError on
    anything else (a code object, an unknown class, a malformed list)."""
    known = {f"{t.__module__}.{t.__qualname__}": t for t in types_}
    return _decode(data, known)


def _decode(data: Any, known: Mapping[str, type]) -> Any:
    if isinstance(data, _SCALARS):
        return data
    if type(data) is not list or not data or type(data[0]) is not str:
        raise ValueError(f"not cached data: {type(data).__name__}")
    tag = data[0]
    if tag == _TUPLE:
        return tuple(_decode(v, known) for v in data[1:])
    if tag == _LIST:
        return [_decode(v, known) for v in data[1:]]
    if tag == _DICT:
        items = data[1:]
        if len(items) % 2:
            raise ValueError("odd dict")
        return {_decode(items[i], known): _decode(items[i + 1], known) for i in range(0, len(items), 2)}
    if tag == _PATH and len(data) == 2 and type(data[1]) is str:
        return Path(data[1])
    if tag == _DATE and len(data) == 2 and type(data[1]) is str:
        return _dt.date.fromisoformat(data[1])
    if tag == _CLASS and len(data) >= 2 and type(data[1]) is str:
        cls = known.get(data[1])
        if cls is None:
            raise ValueError(f"class not allowed: {data[1]}")
        return cls(*(_decode(v, known) for v in data[2:]))
    raise ValueError(f"unknown tag {tag!r}")


# --- keys -------------------------------------------------------------------------------------


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, memoised in the cache by (path, size, mtime).

    Hashing the four default CJK faces (~80 MB) costs ~0.07 s; a warm run only stats them. A file
    `digest_soon` was given is taken from its thread (waited for).
    """
    stat_key = _stat_key(path)
    cached = get_bytes("digest", stat_key)
    if cached is not None and len(cached) == 64:
        return cached.decode("ascii")
    digest = _hasher.take(stat_key)
    if digest is None:
        digest = _sha256_of(path)
    put_bytes("digest", stat_key, digest.encode("ascii"))
    return digest


# A file whose last change (of its content: mtime; of anything: ctime) is older than this has
# settled: a later change gets a later timestamp even where the file system keeps them to the
# second or to two (FAT's modification times), so its identity can be told from `os.stat`.
SETTLED_S = 3.0


def file_identity(path: Path) -> str:
    """What a result computed from a file's content is kept under (a font's metrics, its glyph
    walks and subsets): for a settled file (`SETTLED_S`) what the file system vouches for — the
    resolved path, device, inode, size, modification and change times —, else its content digest
    (`file_digest`).

    Why not always the digest: hashing a book's faces (~80 MB) cost a cold build ~0.06 s of CPU,
    and the build waited for it before forking its helpers; a warm build already trusted the file
    system for it (the digest is memoised by path, size and mtime). The change time is stricter
    than that memo: the system sets it at every write and `utime` cannot set it back, so a font
    rewritten in place — same size, old modification time put back — has another identity, and
    a renamed-in file (an upgrade) another inode. A file changed in the last seconds could change
    again within the same timestamp tick unseen: it is identified by its content. (On Windows
    `st_ctime` is the creation time: there, as for the memo everywhere, a same-size rewrite with
    its modification time put back would not be seen.) Raises OSError for a file that cannot be
    looked at."""
    st = path.stat()
    if _settled(st):
        return _stat_identity(path, st)
    return file_digest(path)


def known_identity(path: Path) -> str | None:
    """`file_identity(path)` when it needs no hashing (a settled file, or a memoised digest), else
    None (also for a file that cannot be looked at: `file_identity` then says why)."""
    try:
        st = path.stat()
    except OSError:
        return None
    if _settled(st):
        return _stat_identity(path, st)
    return known_digest(path)


def identities_soon(paths: Iterable[Path]) -> None:
    """`digest_soon` for the files whose `file_identity` will need their content hashed (those
    not settled); `digests_done` must be called before the process forks."""
    fresh = []
    for path in paths:
        try:
            if _settled(path.stat()):
                continue
        except OSError:
            pass  # `digest_soon` skips it; `file_identity` raises where it is needed
        fresh.append(path)
    if fresh:
        digest_soon(fresh)


def _settled(st: os.stat_result) -> bool:
    return time.time() - max(st.st_mtime, st.st_ctime) > SETTLED_S


def _stat_identity(path: Path, st: os.stat_result) -> str:
    fields = (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return "stat-" + hashlib.sha256(repr(fields).encode("utf-8")).hexdigest()


def known_digest(path: Path) -> str | None:
    """`file_digest(path)` when it is memoised (a stat and a cache read, no hashing), else None
    (also for a file that cannot be looked at: `file_digest` then says why)."""
    try:
        cached = get_bytes("digest", _stat_key(path))
    except OSError:
        return None
    return cached.decode("ascii") if cached is not None and len(cached) == 64 else None


def digest_soon(paths: Iterable[Path]) -> None:
    """Start hashing these files (those whose digest is not memoised yet) on a thread, in order,
    for `file_digest` to take later. Why: a cold build reads its faces' tables while the second
    core has nothing to do yet — the EPUB helper starts after the fonts are checked — so the
    faces' files (~80 MB, ~0.07 s) are hashed there meanwhile (hashlib and file reads leave the
    GIL). `digests_done` must be called before the process forks."""
    for path in paths:
        try:
            stat_key = _stat_key(path)
        except OSError:
            continue  # `file_digest` raises it where it is needed
        if get_bytes("digest", stat_key) is None:
            _hasher.add(stat_key, path)


def digests_done() -> None:
    """Wait for `digest_soon`'s thread and memoise what it hashed that nobody took: after this,
    the process runs no thread of this module (a build forks its helpers next)."""
    for stat_key, digest in _hasher.finish():
        put_bytes("digest", stat_key, digest.encode("ascii"))


def _stat_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}"


def _sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class _Hasher:
    """One thread hashing queued files in order; `take` waits for one file's digest (None when it
    was never queued, or could not be read: then the caller hashes it and meets the error)."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._queue: list[tuple[str, Path]] = []
        self._jobs: dict[str, Any] = {}  # stat key → threading.Event, set once hashed
        self._done: dict[str, str | None] = {}
        self._running = False
        self._thread: Any = None  # the last thread started (joined by `finish`, even once it is done)

    def add(self, stat_key: str, path: Path) -> None:
        import threading

        with self._lock:
            if stat_key in self._jobs:
                return
            self._jobs[stat_key] = threading.Event()
            self._queue.append((stat_key, path))
            if not self._running:
                self._running = True
                self._thread = threading.Thread(target=self._run, name="publish-digests", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                stat_key, path = self._queue.pop(0)
            try:
                digest: str | None = _sha256_of(path)
            except OSError:
                digest = None
            with self._lock:
                self._done[stat_key] = digest
                self._jobs[stat_key].set()

    def take(self, stat_key: str) -> str | None:
        with self._lock:
            job = self._jobs.get(stat_key)
        if job is None:
            return None
        job.wait()
        with self._lock:
            del self._jobs[stat_key]
            return self._done.pop(stat_key)

    def finish(self) -> list[tuple[str, str]]:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._lock:
            left = [(k, d) for k, d in self._done.items() if d is not None]
            self._done.clear()
            self._jobs.clear()
            return left


_hasher = _Hasher()


@functools.cache
def module_digest(*names: str) -> str:
    """SHA-256 of the source of the named modules and packages (a package: every `.py` file below
    its folder, by relative path): part of the key of a result that code in them computes.
    A name that cannot be found (an optional dependency) counts as absent, which is also a key."""
    h = hashlib.sha256()
    for name in names:
        h.update(f"\0module {name}\0".encode())
        for rel, data in _module_sources(name):
            h.update(f"\0{rel}\0{len(data)}\0".encode())
            h.update(data)
    return h.hexdigest()


@functools.cache
def _module_sources(name: str) -> tuple[tuple[str, bytes], ...]:
    """(relative path, content) of each source file of a module or package, in path order.
    Remembered per name, like `module_digest`: several digests of one build name the same
    packages (the composed text's and the kept pages' both name the composer, the model, the
    layout, the fonts and pagination), and each file is read once."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not os.path.isfile(spec.origin):
        return ()
    origin = Path(spec.origin)
    if spec.submodule_search_locations is None:  # a module: its one file
        return ((origin.name, origin.read_bytes()),)
    out = []
    for folder in spec.submodule_search_locations:
        for rel in sorted(_py_files(folder, ""), key=lambda rel: rel.split("/")):
            with open(os.path.join(folder, rel), "rb") as f:
                out.append((rel, f.read()))
    return tuple(out)


def _py_files(folder: str, prefix: str) -> Iterator[str]:
    """The `.py` files below `folder` as `prefix`-relative POSIX paths: what `Path.rglob("*.py")`
    finds (folders reached through a symbolic link are not entered), from `os.scandir` — pathlib's
    walk cost ~0.8 ms of a digest's ~1.6 ms."""
    with os.scandir(folder) as entries:
        found = list(entries)
    for entry in found:
        if entry.name.endswith(".py") and entry.is_file():
            yield prefix + entry.name
        elif entry.is_dir() and not entry.is_symlink():
            yield from _py_files(entry.path, prefix + entry.name + "/")


def code_digest(files: Iterable[Path | str]) -> str:
    """SHA-256 of source files (names and contents); prefer `module_digest`."""
    h = hashlib.sha256()
    for f in files:
        f = Path(f)
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


# --- clearing ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cleared:
    """What `clear` did: files removed, and the files (with the reason) it could not remove."""

    removed: int
    failed: tuple[tuple[Path, str], ...] = ()


def clear() -> Cleared:
    """Delete every cache entry (and the folders of older cache formats)."""
    removed = 0
    failed: list[tuple[Path, str]] = []
    base = _base_dir()
    for sub in (_SUBDIR, *_OLD_SUBDIRS):
        root = base / sub
        if not root.is_dir():
            continue
        for dirpath, _dirnames, filenames in os.walk(root, topdown=False):
            for name in filenames:
                p = Path(dirpath) / name
                try:
                    p.unlink()
                    removed += 1
                except OSError as err:
                    failed.append((p, err.strerror or str(err)))
            try:
                os.rmdir(dirpath)
            except OSError:
                pass  # not empty: a file above could not be removed (already reported)
    return Cleared(removed, tuple(failed))


__all__ = [
    "ENV_VAR", "Cleared", "cache_dir", "clear", "code_digest", "decode", "digest_soon", "digests_done", "encode",
    "file_digest",
    "get_bytes", "get_value", "known_digest", "making", "module_digest", "put_bytes", "put_value", "writes_held",
]  # fmt: skip
