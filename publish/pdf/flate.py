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
with every edit, are not cached: ReportLab compresses them as before.
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
