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
import zlib

from publish import cache

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
        if isinstance(text, str):
            text = text.encode("utf8")  # as PDFZCompress does
        digest = hashlib.sha256(text).digest()
        packed = self._last.get(digest)
        if not (isinstance(packed, bytes) and _is_deflate_of(packed, text)):
            packed = zlib.compress(text)
            self._new = True
        self._now[digest] = packed
        return packed

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)

    def store(self) -> None:
        """Keep this build's streams for the next build (when any page was compressed anew)."""
        import marshal

        if self._new:
            cache.put_bytes(PAGES_KIND, self._key, marshal.dumps(self._now))
