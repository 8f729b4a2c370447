"""The font cache: prepared font data kept on disk between builds.

In: a key (made from a font file's content hash plus whatever else determines the result, e.g. the
character set of a subset) and bytes. Out: the same bytes on a later run, from
`$PUBLISH_CACHE_DIR` or else the user's cache directory (`platformdirs`), `…/publish/fonts/`.

Why a cache: reading the cmap and advances of a 25 MB CJK face takes ~0.3 s and subsetting it for a
whole issue ~2 s; a warm build should spend milliseconds on fonts. Entries are content-addressed
(the key includes the font file's SHA-256), so a changed font file can never serve stale data.

Two builds may run at once: every write goes to a uniquely named temporary file in the same
directory and is then `os.replace`d into place, which is atomic on POSIX and Windows; readers see
either no entry or a complete one. A corrupt or truncated entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

ENV_VAR = "PUBLISH_CACHE_DIR"
# Bump when the layout of cached objects changes, so old entries are simply not found.
FORMAT_VERSION = "10"


def cache_dir() -> Path:
    """The directory holding the font cache (not created here)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser() / "fonts"
    import platformdirs

    return Path(platformdirs.user_cache_dir("publish", appauthor=False)) / "fonts"


def _entry_path(kind: str, key: str) -> Path:
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{kind}\0{key}".encode()).hexdigest()
    return cache_dir() / kind / digest[:2] / f"{digest}.bin"


def get_bytes(kind: str, key: str) -> bytes | None:
    """The cached bytes for `key`, or None."""
    try:
        return _entry_path(kind, key).read_bytes()
    except OSError:
        return None


def put_bytes(kind: str, key: str, data: bytes) -> None:
    """Store `data` under `key` atomically; a cache that cannot be written is not an error."""
    path = _entry_path(kind, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            with _suppress():
                os.unlink(tmp)
            raise
    except OSError:
        pass


def get_object(kind: str, key: str) -> Any | None:
    """A cached pickled object, or None when missing or unreadable."""
    data = get_bytes(kind, key)
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:
        return None


def put_object(kind: str, key: str, obj: Any) -> None:
    put_bytes(kind, key, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def clear() -> int:
    """Delete the whole font cache; returns the number of files removed."""
    root = cache_dir()
    if not root.exists():
        return 0
    count = sum(1 for p in root.rglob("*") if p.is_file())
    shutil.rmtree(root, ignore_errors=True)
    return count


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, memoised in the cache by (path, size, mtime).

    Hashing the four default CJK faces (~80 MB) costs ~0.1 s; a warm run only stats them.
    """
    st = path.stat()
    stat_key = f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}"
    cached = get_bytes("digest", stat_key)
    if cached is not None and len(cached) == 64:
        return cached.decode("ascii")
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    put_bytes("digest", stat_key, digest.encode("ascii"))
    return digest


def code_digest(files) -> str:
    """SHA-256 of source files (names and contents): part of the key of a cached result that the
    code in them computes, so a changed program never serves an old result."""
    h = hashlib.sha256()
    for f in files:
        f = Path(f)
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True
