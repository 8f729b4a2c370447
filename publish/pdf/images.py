"""Raster images → something a CMYK press can print: DeviceCMYK, DeviceGray, or Indexed over one of
them — never DeviceRGB.

In: the path of a JPEG, PNG, TIFF or WebP, or a one-page PDF (as placed by pagination) and the output
intent's CMYK ICC profile.
Out: a ReportLab `ImageReader` whose data is
- the file itself when it is already a CMYK or grayscale JPEG (no re-encoding),
- grayscale as is (PDF/X allows DeviceGray: it prints on the black plate),
- otherwise RGB converted to CMYK through the image's embedded ICC profile (or sRGB when it has
  none) into the output profile with perceptual rendering (littleCMS via Pillow's ImageCms),
  re-encoded as a CMYK JPEG at quality 95 without chroma subsampling when the source was a JPEG
  (a photo), losslessly (Flate) when it was a PNG (often line art).
Transparency is flattened on white paper first. Why convert here at all: PDF/X (ISO 15930-7 §6.2.4)
forbids DeviceRGB when the output intent is CMYK, and a printer's RIP would otherwise convert with
its own defaults.

`stream(path)` gives the same image as an `ImageStream` — the XObject's encoded data, ready to embed
— and keeps it in the build cache (`publish.cache`, kind "pdf-image"), keyed by the file's content
digest, the output profile and this code: a warm build neither converts nor compresses a picture
again (a full-page cover: ~0.5 s of colour conversion, zlib and ReportLab's MD5 naming).

A palette PNG (a drawn cover, an advertisement) or a grayscale PNG is embedded from the file's own
compressed data (`_png_stream`), as img2pdf does: the PNG's IDAT chunks joined are one zlib stream
of filtered rows, which is what a PDF FlateDecode stream with PNG predictors holds (ISO 32000-1
§7.4.4.4 and Table 8: `/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent n /Columns w >>`,
each row led by its PNG filter-type byte). A palette picture's colour space is
`[/Indexed /DeviceCMYK hival lookup]` (ISO 32000-1 §8.6.6.3), the lookup being its palette
converted to CMYK by the same transform (the picture's ICC profile or sRGB into the output profile,
perceptual) that converts its pixels otherwise — each pixel prints the CMYK it would get converted
one by one; a grayscale one's is DeviceGray. PDF/X-4 (ISO 15930-7 §6.2.4) allows an Indexed space
whose base is DeviceCMYK or DeviceGray under a CMYK output intent. No pixel is decoded, converted or
compressed: a cover costs a few milliseconds instead of ~50 ms. (gAMA, cHRM and sRGB chunks play
no part, as they play none in the conversion: Pillow does not apply them.) The file is never
trusted: every chunk's CRC is checked and the image data inflated once (cheap next to compressing
it) to check its length and each row's filter byte; a PNG that fails any check, or one this cannot
keep exact (transparency, interlacing, 16-bit samples, RGB, animation), takes the conversion path,
which reports a damaged file as it always did.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from publish.errors import BuildError, Problem
from publish.pdf.background import Job, Lane
from publish.pdf.pictures import open_picture

if TYPE_CHECKING:
    # (imported where a reader is made: the build's first helper imports this module before it
    # is forked and converts its pictures without ReportLab — `publish.pdf.ahead`)
    from reportlab.lib.utils import ImageReader


@dataclass(frozen=True)
class ImageStream:
    """An image XObject's stream: pixel size, colour space, filter, the encoded bytes; `inverted`:
    an Adobe CMYK JPEG (its samples stored inverted, drawn with /Decode [1 0 1 0 1 0 1 0]);
    `bits`: bits per sample; `lookup`: when not empty, the samples are indexes into it and the
    colour space is `[/Indexed /DeviceCMYK hival lookup]` (4 bytes an entry);
    `png_rows`: the data is a PNG's (`_png_stream`): rows each led by a PNG filter byte
    (`/DecodeParms` with /Predictor 15); `digest`: of all of it (the XObject's name, so equal
    pictures are embedded once)."""

    width: int
    height: int
    color_space: str  # "DeviceCMYK" or "DeviceGray" (the base of an Indexed space when `lookup`)
    filter: str  # "DCTDecode" or "FlateDecode"
    data: bytes
    inverted: bool = False
    digest: str = ""
    bits: int = 8
    lookup: bytes = b""
    png_rows: bool = False

    @property
    def hival(self) -> int:
        """The highest index of an Indexed space's lookup (over DeviceCMYK: 4 bytes an entry)."""
        return len(self.lookup) // 4 - 1


def _stream(width: int, height: int, color_space: str, filter_: str, data: bytes, inverted: bool,
            bits: int = 8, lookup: bytes = b"", png_rows: bool = False) -> ImageStream:
    head = f"{width}x{height} {color_space} {filter_} {inverted}"
    if (bits, lookup, png_rows) != (8, b"", False):  # (a converted picture is named as it always was)
        head += f" {bits} {png_rows} {lookup.hex()}"
    h = hashlib.sha256(f"{head}\0".encode())
    h.update(data)
    return ImageStream(width, height, color_space, filter_, data, inverted, h.hexdigest()[:32],
                       bits, lookup, png_rows)


def _as_stream(kept: str | None, encoded: Image.Image | bytes | None) -> ImageStream:
    """The stream of what `_converted` produced: a JPEG file to embed as is (`kept`), a JPEG it
    encoded, or an image to compress losslessly."""
    if kept is not None:
        data = Path(kept).read_bytes()
        with Image.open(io.BytesIO(data)) as im:
            cmyk = im.mode == "CMYK"
            return _stream(im.width, im.height, "DeviceCMYK" if cmyk else "DeviceGray", "DCTDecode", data, cmyk)
    if isinstance(encoded, bytes):
        with Image.open(io.BytesIO(encoded)) as im:
            cmyk = im.mode == "CMYK"
            return _stream(im.width, im.height, "DeviceCMYK" if cmyk else "DeviceGray", "DCTDecode", encoded, cmyk)
    assert encoded is not None
    space = "DeviceCMYK" if encoded.mode == "CMYK" else "DeviceGray"
    return _stream(encoded.width, encoded.height, space, "FlateDecode", zlib.compress(encoded.tobytes()), False)


def _entry(stream: ImageStream) -> tuple[Any, ...]:
    """What the build cache keeps of a stream (`_cached` reads it back)."""
    return (stream.width, stream.height, stream.color_space, stream.filter, stream.data, stream.inverted,
            stream.bits, stream.lookup, stream.png_rows)


def _cached(key: str) -> ImageStream | None:
    """The stream the build cache holds under `key`, if a whole one of the right shape (the entry
    itself is sealed against damage by `publish.cache`; its fields are checked here all the same)."""
    from publish import cache

    hit = cache.get_value("pdf-image", key)
    if not isinstance(hit, list | tuple) or len(hit) not in (6, 9):
        return None
    width, height, space, filter_, data, inverted, *more = hit
    bits, lookup, png_rows = more or (8, b"", False)
    if not (isinstance(width, int) and isinstance(height, int) and space in ("DeviceCMYK", "DeviceGray")
            and filter_ in ("DCTDecode", "FlateDecode") and isinstance(data, bytes)
            and isinstance(inverted, bool) and bits in (1, 2, 4, 8) and isinstance(lookup, bytes)
            and isinstance(png_rows, bool) and (png_rows or (bits == 8 and not lookup))
            and (not lookup or (space == "DeviceCMYK" and len(lookup) == 4 << bits))):
        return None
    return _stream(width, height, space, filter_, data, inverted, bits, lookup, png_rows)


# Streams being made on a worker thread (`ImageConverter.prefetch`), by build-cache key: the key
# names the picture's content, the profile and this code, so whoever takes a stream takes the one
# `stream` would make. Taken once; at most `_AHEAD_LIMIT` are kept waiting.
_AHEAD: dict[str, Job[ImageStream]] = {}
_AHEAD_LOCK = threading.Lock()
_AHEAD_LIMIT = 64


def _take_ahead(key: str) -> Job[ImageStream] | None:
    with _AHEAD_LOCK:
        return _AHEAD.pop(key, None)


class ImageConverter:
    """Converts placed images once per path for one PDF (a photo used twice is embedded once)."""

    def __init__(self, cmyk_profile: bytes) -> None:
        # littleCMS (PIL.ImageCms) is loaded and the profile parsed only when an RGB image needs
        # converting: most pages, and many issues, have none.
        self._profile = cmyk_profile
        self._target: Any = None
        self._transforms: dict[bytes, Any] = {}
        self._done: dict[Path, ImageReader | str] = {}
        self._streams: dict[Path, ImageStream] = {}
        self._profile_sha: str | None = None

    def stream(self, path: Path) -> ImageStream:
        """The picture at `path` as an embeddable stream (see the module docstring)."""
        path = Path(path)
        done = self._streams.get(path)
        if done is not None:
            return done
        key = self._key(path)
        ahead = _take_ahead(key) if key else None
        result = None
        if ahead is not None:
            try:
                result = ahead.result()
            except Exception:  # made again below, which raises it as the one-thread path would
                result = None
        if result is None:
            result = self._made(path, key)
        self._streams[path] = result
        return result

    def cache_stream(self, path: Path) -> None:
        """Make the picture's stream and put it in the build cache (unless an entry is there:
        read and checked by whoever takes it), for another process to take (`publish.pdf.ahead`);
        kept nowhere here."""
        key = self._key(Path(path))
        if key and not self._has_entry(key):
            self._made(Path(path), key)

    def is_cached(self, path: Path) -> bool:
        """Is the picture's stream in the build cache (made ahead by another process, or by an
        earlier build)? Looked for, not read: whoever takes it checks it."""
        key = self._key(Path(path))
        return bool(key) and self._has_entry(key)

    @staticmethod
    def _has_entry(key: str) -> bool:
        from publish import cache

        return cache.has_entry("pdf-image", key)

    def _key(self, path: Path) -> str:
        """The picture's build-cache key ("" for a file that cannot be read: `_convert` names it)."""
        from publish import cache

        try:
            return "\0".join((cache.file_digest(path), self._profile_digest(),
                               cache.module_digest("publish.pdf.images", "publish.pdf.pictures")))
        except OSError:
            return ""

    def _profile_digest(self) -> str:
        if self._profile_sha is None:
            self._profile_sha = hashlib.sha256(self._profile).hexdigest()
        return self._profile_sha

    def _made(self, path: Path, key: str) -> ImageStream:
        """The stream from the build cache, or converted and compressed (and then cached)."""
        from publish import cache

        if not key:
            return self._made_here(path)
        hit = _cached(key)
        if hit is not None:
            return hit
        # A picture another process is making (`publish.pdf.ahead`: the helper forked as the
        # build starts) is waited for, then taken from the cache, rather than made twice.
        with cache.making("pdf-image", key):
            hit = _cached(key)
            if hit is not None:
                return hit
            result = self._made_here(path)
            # written at once, not held for the build's flush: the other process may look for it
            cache.put_value("pdf-image", key, _entry(result), at_once=True)
        return result

    def _made_here(self, path: Path) -> ImageStream:
        """The stream converted and compressed in this process (or a PNG's own, `_png_stream`)."""
        streamed = self._png_stream(path) or self._palette_stream(path)
        if streamed is not None:
            result = streamed
        else:
            kept, encoded = self._converted(path)
            result = _as_stream(kept, encoded)
            # the converted pixels (a full page: 12 MB of CMYK) are not needed once compressed
            del kept, encoded
        return result

    def prefetch(self, paths: Iterable[Path], lane: Lane) -> None:
        """Start making the streams of `paths` on `lane`'s thread (in this order), for any
        `ImageConverter` with the same output profile to take (`stream`) — the same bytes as made
        there: a job is a pure function of the picture's content, and one that fails is made
        again by `stream`, which raises its error. Pictures already started are not started again."""
        if not lane.threaded:
            return  # made by `stream` in turn
        worker: ImageConverter | None = None
        for path in dict.fromkeys(Path(p) for p in paths):
            if path in self._streams:
                continue
            key = self._key(path)
            if not key:
                continue
            with _AHEAD_LOCK:
                if key in _AHEAD:
                    continue
                if worker is None:
                    worker = ImageConverter(self._profile)  # (its transforms are made on the thread)
                _AHEAD[key] = lane.submit(worker._made, path, key)
                while len(_AHEAD) > _AHEAD_LIMIT:  # never taken (a build that failed): the oldest go
                    del _AHEAD[next(iter(_AHEAD))]

    def _png_stream(self, path: Path) -> ImageStream | None:
        """A palette or grayscale PNG's stream made of the file's own compressed rows (see the
        module docstring): a palette one Indexed over DeviceCMYK, its lookup the palette converted
        as `_palette_stream` converts it — the same CMYK for every pixel; a grayscale one DeviceGray,
        as `_convert` keeps it. None for any other file, and for one whose data fails a check
        (`_png_data`): the conversion then decides, and names what is wrong."""
        if path.suffix.lower() == ".pdf":
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        png = _png_data(data)
        if png is None:
            return None
        width, height, depth, colour_type, palette, idat = png
        try:
            # The header read as the conversion reads it (Pillow stops before the image data): what
            # it refuses is refused here too, and a palette picture's ICC profile is the one it
            # converts with. The palette is the PLTE chunk's, which is what Pillow's `getpalette`
            # gives — asking Pillow would decode every pixel first.
            with Image.open(io.BytesIO(data)) as im:
                if im.size != (width, height) or "transparency" in im.info:
                    return None
                if colour_type == 0:
                    if im.mode not in ("1", "L"):
                        return None
                    return _stream(width, height, "DeviceGray", "FlateDecode", idat, False, depth, b"", True)
                if im.mode != "P" or im.palette is None or im.palette.mode != "RGB":
                    return None
                icc = im.info.get("icc_profile") or b""
        except (OSError, ValueError):
            return None
        lookup = _palette_cmyk(palette, self._transform(icc))[: 4 << depth]  # (n bits: 2**n entries)
        return _stream(width, height, "DeviceCMYK", "FlateDecode", idat, False, depth, lookup, True)

    def _palette_stream(self, path: Path) -> ImageStream | None:
        """A palette picture (a PNG advertisement, a drawn cover) as `stream` makes it through
        `_convert`, with a tenth of the memory: its colours converted once (`_through_palette`),
        then CMYK made and compressed a band of rows at a time (zlib's stream is the same whatever
        pieces it is fed in) instead of holding the page's 12 MB of CMYK twice. None when `_convert`
        must decide (another kind of picture, or one that cannot be read: it names the error)."""
        if path.suffix.lower() == ".pdf":
            return None  # rendered to RGB by `open_picture`
        try:
            im = Image.open(path)  # the header only, until it is known to be a palette picture
            if (im.mode != "P" or "transparency" in im.info or im.format in ("JPEG", "WEBP")
                    or im.palette is None or im.palette.mode != "RGB"):
                return None
            im.load()  # as `open_picture` does
        except (OSError, ValueError):
            return None
        transform = self._transform(im.info.get("icc_profile") or b"")
        recoloured = _recoloured(im, transform, copy=False)  # (decoded here: no second 3 MB copy needed)
        compressor = zlib.compressobj()
        parts = []
        width, height = im.size
        for top in range(0, height, _BAND):
            band = recoloured.crop((0, top, width, min(height, top + _BAND)))
            parts.append(compressor.compress(band.convert("RGBA").tobytes()))
        parts.append(compressor.flush())
        return _stream(width, height, "DeviceCMYK", "FlateDecode", b"".join(parts), False)

    def reader(self, path: Path) -> ImageReader | str:
        path = Path(path)
        if path not in self._done:
            self._done[path] = self._convert(path)
        return self._done[path]

    def _convert(self, path: Path) -> ImageReader | str:
        kept, encoded = self._converted(path)
        return kept if kept is not None else _reader(encoded)

    def _converted(self, path: Path) -> tuple[str | None, Image.Image | bytes | None]:
        """The path of a JPEG to embed as it is (then None), or None and what `_as_stream` embeds
        of the converted picture (`_encoded`; its reader is `_reader`'s: a stream needs none)."""
        try:
            im = open_picture(path)  # a one-page PDF (a cover, an advertisement) is rendered first
        except FileNotFoundError:
            raise BuildError(
                Problem(f"image {path} not found", path, fix="check the figure's path in the article")
            ) from None
        except (OSError, ValueError) as err:
            raise BuildError(
                Problem(f"image {path} cannot be read ({err})", path, fix="save it as JPEG or PNG")
            ) from None
        # A WebP (a phone's photo) is re-encoded as a JPEG like one; TIFF, like PNG, losslessly.
        is_jpeg = im.format in ("JPEG", "WEBP")
        if im.format == "JPEG" and im.mode in ("CMYK", "L"):
            return str(path), None  # already printable: embed the file untouched (DCTDecode)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            im = _flatten_on_white(im)
        if im.mode in ("1", "L", "I;16", "I"):
            out = im if im.mode == "L" else _to_8bit_gray(im)
        elif im.mode == "CMYK":
            out = im
        else:
            transform = self._transform(im.info.get("icc_profile") or b"")
            if im.mode == "P" and im.palette is not None and im.palette.mode == "RGB":
                out = _through_palette(im, transform)
            else:
                out = transform.apply(im.convert("RGB"))  # what ImageCms.applyTransform does (not in place)
        return None, _encoded(out, is_jpeg)

    def _transform(self, icc: bytes) -> Any:
        from PIL import ImageCms

        if self._target is None:
            self._target = ImageCms.ImageCmsProfile(io.BytesIO(self._profile))
        if icc not in self._transforms:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else ImageCms.createProfile("sRGB")
            try:
                transform = ImageCms.buildTransform(
                    source, self._target, "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL
                )
            except ImageCms.PyCMSError:
                transform = ImageCms.buildTransform(
                    source, self._target, "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC
                )
            self._transforms[icc] = _profile_serialised_once(transform)
        return self._transforms[icc]


class _SerialisedOnce:
    """An output profile whose `tobytes()` is made once (see `_profile_serialised_once`); anything
    else is the profile's own."""

    def __init__(self, profile: Any) -> None:
        self._profile = profile
        self._bytes: bytes | None = None

    def tobytes(self) -> bytes:
        if self._bytes is None:
            self._bytes = self._profile.tobytes()
        return self._bytes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._profile, name)


def _profile_serialised_once(transform: Any) -> Any:
    """`transform`, its output profile serialised once instead of at every `apply`.

    Why: Pillow's `ImageCmsTransform.apply` stores the output profile in each result's `info`,
    serialising the whole CMYK profile anew every time (~2.6 ms, whatever the picture's size: a
    palette's 256-pixel swatch costs that much). The bytes are the same each time, and the pixels
    — all this module takes of a result — do not depend on them. A Pillow without the attribute is
    left as it is."""
    profile = getattr(transform, "output_profile", None)
    if profile is not None and callable(getattr(profile, "tobytes", None)):
        transform.output_profile = _SerialisedOnce(profile)
    return transform


def _through_palette(im: Image.Image, transform: Any) -> Image.Image:
    """A palette image in CMYK, its ≤ 256 colours converted instead of its millions of pixels.

    The colour transform maps each pixel on its own, so converting each palette colour once
    gives every pixel the value it would get (a full-page PNG advertisement: 64 colours, 3.1
    million pixels, ~0.15 s of littleCMS). The CMYK colours then become an RGBA palette, whose
    four bytes a pixel Pillow expands in C and which are read back as C, M, Y, K."""
    return Image.frombytes("CMYK", im.size, _recoloured(im, transform).convert("RGBA").tobytes())


_BAND = 128  # rows of a palette picture made and compressed at a time (`_palette_stream`)


def _recoloured(im: Image.Image, transform: Any, *, copy: bool = True) -> Image.Image:
    """`im` with its palette converted: each entry's C, M, Y, K as R, G, B, A — a copy, or (`copy`
    False: a picture only the caller holds) `im` itself, its palette replaced."""
    recoloured = im.copy() if copy else im
    recoloured.putpalette(_palette_cmyk(im.getpalette() or [], transform), rawmode="RGBA")
    return recoloured


def _palette_cmyk(palette: bytes | list[int], transform: Any) -> bytes:
    """The CMYK (4 bytes) of each of the 256 indexes of a palette (R, G, B a colour, as Pillow's
    `getpalette` gives it): a swatch of them converted as a picture's pixels would be."""
    swatch = Image.frombytes("P", (256, 1), bytes(range(256)))
    swatch.putpalette(palette)
    cmyk: bytes = transform.apply(swatch.convert("RGB")).tobytes()
    return cmyk


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INFLATE_PIECE = 1 << 20  # bytes of rows inflated at a time while checking (`_png_data`)


def _png_data(data: bytes) -> tuple[int, int, int, int, bytes, bytes] | None:
    """(width, height, bit depth, colour type, PLTE, the IDAT chunks joined) of a PNG whose data a
    PDF reader can take as it is (`_png_stream`): a grayscale (type 0) or palette (type 3) picture
    of 1, 2, 4 or 8 bits, not interlaced, without transparency (tRNS), whole and sound — each
    chunk's CRC right, the IDATs one run, the zlib stream complete with nothing after it, inflating
    to exactly a filter byte and the packed samples per row, each filter byte 0–4 (PNG §9.2) —
    and no critical chunk it does not know. None otherwise (the file is then decoded and converted,
    which names what is wrong with it, or copes as it always did)."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    pos, end = len(_PNG_SIGNATURE), len(data)
    header: tuple[int, ...] | None = None
    idat: list[bytes] = []
    idat_ended = False
    palette = b""
    while True:
        if pos + 12 > end:
            return None  # truncated: no IEND
        length, kind = struct.unpack_from(">I4s", data, pos)
        body_end = pos + 8 + length
        if length > 0x7FFFFFFF or body_end + 4 > end:
            return None
        if zlib.crc32(data[pos + 4:body_end]) != int.from_bytes(data[body_end:body_end + 4], "big"):
            return None
        if header is None and kind != b"IHDR":
            return None
        if kind == b"IHDR":
            if header is not None or length != 13:
                return None
            header = struct.unpack_from(">IIBBBBB", data, pos + 8)
        elif kind == b"IDAT":
            if idat_ended:
                return None  # IDAT chunks must follow one another (PNG §5.6)
            idat.append(data[pos + 8:body_end])
        elif kind == b"tRNS":
            return None  # transparency: flattened on white by the conversion
        elif kind == b"acTL":
            return None  # an animated PNG: which frame Pillow shows first is Pillow's to say
        elif kind == b"PLTE":
            if palette or idat or length % 3 or not 0 < length <= 768:
                return None  # one palette of 1–256 colours, before the data (PNG §11.2.3)
            palette = data[pos + 8:body_end]
        elif kind == b"IEND":
            break
        elif not kind[0] & 0x20:
            return None  # a critical chunk not known here: a decoder must not guess (PNG §5.4)
        if idat and kind != b"IDAT":
            idat_ended = True
        pos = body_end + 4
    assert header is not None
    width, height, depth, colour_type, compression, filter_method, interlace = header
    if (not idat or width == 0 or height == 0 or depth not in (1, 2, 4, 8) or colour_type not in (0, 3)
            or (colour_type == 3) != bool(palette) or (compression, filter_method, interlace) != (0, 0, 0)):
        return None
    joined = b"".join(idat)
    stride = 1 + (width * depth + 7) // 8  # a row: its filter byte, then its packed samples
    if not _rows_sound(joined, stride, height * stride):
        return None
    return width, height, depth, colour_type, palette, joined


def _rows_sound(stream: bytes, stride: int, expected: int) -> bool:
    """Whether `stream` is one whole zlib stream, nothing after it, inflating to `expected` bytes
    of rows of `stride` bytes whose first (the filter type) is 0–4. Inflated a piece at a time and
    dropped: the check holds a megabyte, never the whole picture."""
    inflater = zlib.decompressobj()
    done = 0
    pending = stream
    try:
        while not inflater.eof:
            piece = inflater.decompress(pending, _INFLATE_PIECE)
            if not piece and len(inflater.unconsumed_tail) == len(pending):
                return False  # the stream ends early (or zlib cannot go on)
            pending = inflater.unconsumed_tail
            if done + len(piece) > expected:
                return False
            if max(piece[(-done) % stride::stride], default=0) > 4:
                return False
            done += len(piece)
    except zlib.error:
        return False
    return done == expected and not inflater.unused_data and not pending


def _flatten_on_white(im: Image.Image) -> Image.Image:
    rgba = im.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    paper.alpha_composite(rgba)
    flat = paper.convert("RGB")
    if im.mode == "LA":
        flat = flat.convert("L")
    if "icc_profile" in im.info:
        flat.info["icc_profile"] = im.info["icc_profile"]
    return flat


def _to_8bit_gray(im: Image.Image) -> Image.Image:
    if im.mode == "1":
        return im.convert("L")
    # 16-bit grayscale: scale to 8 bits rather than clip.
    return im.convert("I").point(lambda v: v / 256).convert("L")


def _encode(im: Image.Image, as_jpeg: bool) -> tuple[ImageReader, Image.Image | bytes]:
    """A reader of the image, and what `ImageStream` embeds: the JPEG bytes, or the image."""
    encoded = _encoded(im, as_jpeg)
    return _reader(encoded), encoded


def _encoded(im: Image.Image, as_jpeg: bool) -> Image.Image | bytes:
    """What `ImageStream` embeds of the image: the JPEG bytes, or the image."""
    if as_jpeg:
        buffer = io.BytesIO()
        # Pillow writes Adobe-style (inverted) CMYK JPEGs, which is what ReportLab's /Decode assumes.
        im.save(buffer, format="JPEG", quality=95, subsampling=0, optimize=False)
        return buffer.getvalue()
    return im


def _reader(encoded: Image.Image | bytes | None) -> ImageReader:
    """ReportLab's reader of what `_encoded` made. (ReportLab is imported here, not with this
    module: converting into the cache needs no reader, and the build's first helper converts —
    `publish.pdf.ahead` — without importing it.)"""
    from reportlab.lib.utils import ImageReader

    assert encoded is not None
    return ImageReader(io.BytesIO(encoded)) if isinstance(encoded, bytes) else ImageReader(encoded)


class ScreenImages:
    """The screen edition's images: RGB and grayscale files as they are, anything else (a CMYK
    JPEG, a palette or transparent PNG) converted to RGB once (transparency flattened on white)."""

    def __init__(self) -> None:
        self._done: dict[Path, ImageReader | str] = {}
        self._cropped: dict[tuple[Path, tuple[float, ...]], ImageReader] = {}

    def reader(self, path: Path) -> ImageReader | str:
        path = Path(path)
        hit = self._done.get(path)
        if hit is None:
            hit = self._done[path] = self._convert(path)
        return hit

    def cropped(self, path: Path, fractions: tuple[float, float, float, float]) -> ImageReader:
        """The part of the image between the (left, top, right, bottom) fractions of its size."""
        key = (Path(path), tuple(round(f, 6) for f in fractions))
        hit = self._cropped.get(key)
        if hit is None:
            with Image.open(path) as opened:
                opened.load()
                im: Image.Image = opened
                if im.mode in ("RGBA", "LA", "P", "PA") or "transparency" in im.info:
                    im = _flatten_on_white(im)
                if im.mode not in ("RGB", "L"):
                    im = im.convert("RGB")
                width, height = im.size
                left, top, right, bottom = fractions
                x0, y0 = round(left * width), round(top * height)
                box = (x0, y0, max(round(right * width), x0 + 1), max(round(bottom * height), y0 + 1))
                as_jpeg = Path(path).suffix.lower() in (".jpg", ".jpeg")
                hit = self._cropped[key] = _encode(im.crop(box), as_jpeg=as_jpeg)[0]
        return hit

    @staticmethod
    def _convert(path: Path) -> ImageReader | str:
        from reportlab.lib.utils import ImageReader

        try:
            with Image.open(path) as opened:
                opened.load()
                im: Image.Image = opened
                if im.mode in ("RGB", "L") and im.format == "JPEG":
                    # Embedded as it is, but read from its bytes: ReportLab names an image given by
                    # file name after that name, which would make the PDF depend on where the issue
                    # folder lies; a reader is named after the picture's own data.
                    return ImageReader(io.BytesIO(path.read_bytes()))
                if im.mode in ("RGBA", "LA", "P", "PA") or "transparency" in im.info:
                    im = _flatten_on_white(im)
                if im.mode not in ("RGB", "L"):
                    im = im.convert("RGB")
                return _encode(im, as_jpeg=path.suffix.lower() in (".jpg", ".jpeg"))[0]
        except OSError as err:
            raise BuildError(Problem(f"cannot read image {path.name}: {err}", path,
                                     fix="check that the file is a JPEG or PNG")) from None

