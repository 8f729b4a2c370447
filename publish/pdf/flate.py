"""Flate (zlib) compression of the large, rarely changing streams of a PDF, remembered between builds.

In: the bytes of a stream that a second build of the same issue embeds again unchanged — a font
subset program, its ToUnicode CMap, the output intent's ICC profile. Out: exactly what
`zlib.compress(data)` returns (ReportLab's `PDFZCompress`, default level), read from the on-disk
cache (`publish.cache`, kind "flate") when an earlier build compressed the same bytes.

Why: compressing those streams is a fifth of the PDF writer's time on a warm build (a 500 KB CJK
subset alone takes ~30 ms), while reading a cached result takes well under a millisecond. The
output bytes are the same either way: the key is the data's SHA-256 plus the zlib version and level,
so a different zlib (which could compress differently) never serves another's result. An entry is
used only when its zlib header is sound and its Adler-32 trailer matches the data (RFC 1950 §2.2),
so a truncated or foreign file is a miss, never a broken stream. Page content streams, which change
with every edit, are not cached one by one: `LastBuildStreams` keeps the last build's page streams
of each document in one entry, replaced by the next build.
"""

from __future__ import annotations

import hashlib
import queue
import zlib
from typing import Any, Protocol

from publish import cache
from publish.pdf.background import Job, Lane

CACHE_KIND = "flate"
# Below this size compressing is about as fast as a cache lookup (a file read): not worth an entry.
MIN_CACHED_SIZE = 8 * 1024
_LEVEL = -1  # zlib's default (6), what ReportLab's PDFZCompress uses


def compress(data: bytes) -> bytes:
    """`zlib.compress(data)`, from the cache when possible."""
    if len(data) < MIN_CACHED_SIZE:
        return zlib.compress(data)
    key = f"{zlib.ZLIB_RUNTIME_VERSION}\0{_LEVEL}\0{len(data)}\0{hashlib.sha256(data).hexdigest()}"
    hit = cache.get_bytes(CACHE_KIND, key)
    if hit is not None and _is_deflate_of(hit, data):
        return hit
    packed = zlib.compress(data)
    cache.put_bytes(CACHE_KIND, key, packed)
    return packed


# The worker thread of `compress_soon` (`publish.pdf.background`).
_SOON = Lane("publish-pdf-flate")


def compress_soon(data: bytes) -> Job[bytes]:
    """`compress(data)` started on a worker thread (zlib lets go of the GIL): the font programs of
    a PDF are compressed while the next face is subset. `.result()` is the same bytes as
    `compress(data)`; it waits for them, or makes them here if the thread has not started (and with
    one thread, `PUBLISH_JOBS=1`, it is simply `compress(data)` then)."""
    return _SOON.submit(compress, data)


def _is_deflate_of(packed: bytes, data: bytes) -> bool:
    """A zlib stream's header is valid and its trailer is the Adler-32 of `data` (RFC 1950 §2.2)."""
    return (
        len(packed) >= 6
        and packed[0] & 0x0F == 8  # CM = 8: deflate
        and int.from_bytes(packed[:2], "big") % 31 == 0  # FCHECK
        and packed[-4:] == zlib.adler32(data).to_bytes(4, "big")
    )


class CachedFlate:
    """A ReportLab stream filter, interchangeable with `pdfdoc.PDFZCompress` (same /FlateDecode,
    same bytes) but compressing through the cache."""

    pdfname = "FlateDecode"

    def encode(self, text: bytes | str) -> bytes:
        if isinstance(text, str):
            text = text.encode("utf8")  # as PDFZCompress does
        return compress(text)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


CACHED_FLATE = CachedFlate()


# ── page content streams: the last build's, by document ────────────────────────────────────────
PAGES_KIND = "flate-pages"


class LastBuildStreams:
    """A ReportLab stream filter for a document's page streams (the same /FlateDecode and bytes as
    `pdfdoc.PDFZCompress`) that takes a page's compressed stream from the last build of the same
    document when the page's content is unchanged — a rebuild of unchanged sources compresses no
    page again (~25 ms a PDF of the complete example), an edit only the pages it changed.

    The pages change with every edit, so they are not cached one entry per stream (that would
    grow with every build) but as one entry per document and edition (`name`), replaced by each
    build that compressed a page anew: {SHA-256 of the page's content: its compressed bytes}. A
    stream is used only when it is the Flate of exactly this content (`_is_deflate_of`: zlib
    header and Adler-32 trailer), so a damaged or foreign entry is a miss."""

    pdfname = "FlateDecode"

    def __init__(self, name: str) -> None:
        import marshal

        self._key = f"{zlib.ZLIB_RUNTIME_VERSION}\0{_LEVEL}\0{name}"
        self._last: dict[bytes, bytes] = {}
        self._now: dict[bytes, bytes] = {}
        self._new = False
        raw = cache.get_bytes(PAGES_KIND, self._key)
        if raw is not None:
            try:
                last = marshal.loads(raw)
            except (EOFError, ValueError, TypeError):
                last = None
            if isinstance(last, dict):
                self._last = last

    def encode(self, text: bytes | str) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text  # as PDFZCompress does
        digest, packed = self.lookup(text, data)
        new = packed is None
        if packed is None:
            packed = zlib.compress(data)
        self.record(digest, packed, new)
        return packed

    def lookup(self, text: bytes | str, data: bytes) -> tuple[bytes, bytes | None]:
        """(The key `record` takes, the last build's compressed `data` or None) — `text` is the
        stream as ReportLab holds it, `data` its bytes (`PageStreams`)."""
        digest = hashlib.sha256(data).digest()
        packed = self._last.get(digest)
        return digest, packed if isinstance(packed, bytes) and _is_deflate_of(packed, data) else None

    def record(self, digest: bytes, packed: bytes, new: bool) -> None:
        """This build's stream, for the next build (`new`: compressed anew, not taken)."""
        self._now[digest] = packed
        self._new = self._new or new

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)

    def store(self) -> None:
        """Keep this build's streams for the next build (when any page was compressed anew)."""
        import marshal

        if self._new:
            cache.put_bytes(PAGES_KIND, self._key, marshal.dumps(self._now))


# ── page content streams compressed while the next pages are drawn ─────────────────────────────
class StreamMemory(Protocol):
    """Where a document's page streams may already be compressed: `LastBuildStreams`, or a
    long-lived process's `publish.pdf.reuse.PageReuse`."""

    def lookup(self, text: Any, data: bytes) -> tuple[Any, bytes | None]: ...

    def record(self, key: Any, packed: bytes, new: bool) -> None: ...


class BothMemories:
    """Two `StreamMemory`s as one: a stream is taken from the first that has it, and both are
    told of each (a build's print and screen PDFs share a `PageReuse` for their line operators and
    still take unchanged pages' streams from the last build)."""

    def __init__(self, first: StreamMemory, second: StreamMemory) -> None:
        self.first, self.second = first, second

    def lookup(self, text: Any, data: bytes) -> tuple[Any, bytes | None]:
        key1, packed = self.first.lookup(text, data)
        key2, other = self.second.lookup(text, data)
        return (key1, key2), packed if packed is not None else other

    def record(self, key: Any, packed: bytes, new: bool) -> None:
        self.first.record(key[0], packed, new)
        self.second.record(key[1], packed, new)


class PageStreams:
    """A ReportLab stream filter for one document's page streams: /FlateDecode, the bytes of
    `zlib.compress` (what `pdfdoc.PDFZCompress` writes), taken from `memory` when it has them.

    With a threaded `lane`, each page's stream is handed to one job on the lane's thread as soon
    as the page is finished (`start`), which compresses the pages in turn while the main thread
    goes on drawing, until `finish`; ReportLab's `encode`, when it writes the file, then takes the
    results. One job for all the pages, not one each: a thread is started once, not per page.
    The output is the same: `zlib.compress` of the same bytes, and `memory` is looked up and told
    in page order either way (`record` is called from `encode`, on the writing thread). A stream
    the job has not compressed (none started, a lane without a thread, a job that stopped waiting)
    is compressed by `encode` itself."""

    pdfname = "FlateDecode"

    def __init__(self, memory: StreamMemory | None, lane: Lane | None = None) -> None:
        self.memory = memory
        self.lane = lane if lane is not None and lane.threaded else None
        # id(text) → (text, the memory's key, its kept stream or None: compressed by the job, new?)
        self._started: dict[int, tuple[Any, Any, bytes | None, bool]] = {}
        self._pages: queue.SimpleQueue[tuple[int, bytes] | None] | None = None
        self._jobs: list[Job[None]] = []
        self._compressed: dict[int, bytes] = {}

    def start(self, text: str | bytes) -> None:
        """A page is finished: `text` is its whole content stream."""
        if self.lane is None or not text:
            return
        data = text.encode("utf8") if isinstance(text, str) else text
        key, packed = self.memory.lookup(text, data) if self.memory is not None else (None, None)
        self._started[id(text)] = (text, key, packed, packed is None)
        if packed is None:
            if self._pages is None:
                self._pages = queue.SimpleQueue()
                self._jobs.append(self.lane.submit(_compress_each, self._pages, self._compressed))
            self._pages.put((id(text), data))

    def finish(self) -> None:
        """No more pages (drawn, or the drawing failed): the job ends once it has compressed the
        pages handed to it."""
        if self._pages is not None:
            self._pages.put(None)
            self._pages = None

    def encode(self, text: str | bytes) -> bytes:
        started = self._started.pop(id(text), None)
        packed: bytes | None = None
        if started is not None and started[0] is text:  # (the very object: ids are reused)
            _, key, packed, new = started
            if packed is None:
                packed = self._compressed.pop(id(text), None)
            if packed is None and self._jobs:
                self.finish()
                for job in self._jobs:
                    job.result()  # (run here if the thread has not started it)
                self._jobs.clear()
                packed = self._compressed.pop(id(text), None)
        else:
            data = text.encode("utf8") if isinstance(text, str) else text
            key, packed = self.memory.lookup(text, data) if self.memory is not None else (None, None)
            new = packed is None
        if packed is None:
            packed = zlib.compress(text.encode("utf8") if isinstance(text, str) else text)
        if self.memory is not None:
            self.memory.record(key, packed, new)
        return packed

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


# How long the page job waits for the next page before it gives up (its pages, if any more come,
# are then compressed by `encode`): far longer than a page takes to draw, short enough that a
# writer that never calls `finish` keeps no thread for long.
_NEXT_PAGE_TIMEOUT = 2.0


def _compress_each(pages: queue.SimpleQueue[tuple[int, bytes] | None], into: dict[int, bytes]) -> None:
    """The page job: compress each page handed over, until `None` (`PageStreams.finish`)."""
    while True:
        try:
            page = pages.get(timeout=_NEXT_PAGE_TIMEOUT)
        except queue.Empty:
            return
        if page is None:
            return
        ident, data = page
        into[ident] = zlib.compress(data)
