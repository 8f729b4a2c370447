"""A palette or grayscale PNG reaches the print PDF with its own compressed rows, printing exactly
what the conversion printed.

Specification:
- a palette PNG (1, 2, 4 or 8 bits an index) is embedded as an Indexed image over DeviceCMYK whose
  data is the PNG's IDAT data unchanged, with PNG predictors (/Predictor 15) in /DecodeParms; its
  lookup is the palette converted by the same transform as the picture's pixels (sRGB or the PNG's
  own ICC profile into the output profile), so every pixel decodes to the CMYK the per-pixel
  conversion gives — read back by qpdf and pikepdf, and printed identically by Ghostscript's CMYK
  separations;
- a grayscale PNG without alpha (1, 2, 4, 8 bits) is DeviceGray the same way;
- a damaged PNG (bad zlib data, rows too short or too long, a filter type above 4, a truncated
  file, a chunk whose CRC is wrong, data after the zlib stream) is never embedded as it is: the
  picture is decoded and converted as before, which reports what Pillow cannot read;
- what cannot be kept exact takes the conversion as before: transparency (tRNS, alpha), interlacing,
  16-bit samples, RGB, animation (APNG);
- such a stream is kept in the build cache and taken from it whole; the print PDF has no DeviceRGB.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pdf_support import MM, UKaiFonts, qpdf_json, stream_data
from PIL import Image, ImageCms

from publish.errors import BuildError
from publish.paginate.pages import Document, Page, PlacedImage
from publish.pdf import write_pdf
from publish.pdf.images import ImageConverter, ImageStream
from publish.pdf.pdfx import find_default_profile

# --- PNG files written by hand (so that each byte, good or damaged, is the test's choice) ---------

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, body: bytes, crc: int | None = None) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) if crc is None else crc)


def packed(samples: list[int], depth: int) -> bytes:
    """One row's samples, `depth` bits each, most significant first, the last byte padded."""
    if depth == 8:
        return bytes(samples)
    out, acc, used = bytearray(), 0, 0
    for s in samples:
        acc, used = (acc << depth) | s, used + depth
        if used == 8:
            out.append(acc)
            acc, used = 0, 0
    if used:
        out.append(acc << (8 - used))
    return bytes(out)


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def filtered(rows: list[bytes], bpp: int = 1) -> bytes:
    """The rows with PNG filters 0–4 in turn (PNG §9.2): every predictor a reader must undo."""
    out, prior = bytearray(), bytes(len(rows[0]))
    for y, row in enumerate(rows):
        kind = y % 5
        out.append(kind)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            predicted = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
            out.append((x - predicted) & 0xFF)
        prior = row
    return bytes(out)


def png(width: int, height: int, depth: int, colour_type: int, pixels: list[list[int]], *,
        palette: bytes = b"", raw: bytes | None = None, extra: tuple[bytes, ...] = (),
        interlace: int = 0, idat: bytes | None = None, tail: bytes = b"") -> bytes:
    """A PNG file; `raw`: the filtered rows instead of `pixels`' (damaged ones); `idat`: the zlib
    stream instead; `extra`: chunks before the IDAT; `tail`: bytes after IEND's chunk."""
    if raw is None:
        raw = filtered([packed(row, depth) for row in pixels])
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace)
    body = chunk(b"IHDR", header) + (chunk(b"PLTE", palette) if palette else b"") + b"".join(extra)
    data = zlib.compress(raw) if idat is None else idat
    # the data in two IDAT chunks, as encoders split it
    half = len(data) // 2
    return SIGNATURE + body + chunk(b"IDAT", data[:half]) + chunk(b"IDAT", data[half:]) + chunk(b"IEND", b"") + tail


def pattern(width: int, height: int, values: int) -> list[list[int]]:
    return [[(x * 7 + y * 3 + x * y) % values for x in range(width)] for y in range(height)]


def rgb_palette(n: int) -> bytes:
    return bytes((37 * i + 11) % 256 for i in range(3 * n))


# --- what the conversion makes of a picture, and what a stream prints --------------------------


@pytest.fixture
def converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ImageConverter:
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))  # made here, not found
    profile = find_default_profile()
    if profile is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    return ImageConverter(profile.read_bytes())


def converted(converter: ImageConverter, path: Path) -> ImageStream:
    """The stream the conversion path makes of `path` (as before the PNG's own rows were used)."""
    other = ImageConverter(converter._profile)
    setattr(other, "_png_stream", lambda path: None)  # noqa: B010 (a method replaced on one object)
    return other._made_here(path)


def converted_pixels(converter: ImageConverter, path: Path) -> bytes:
    stream = converted(converter, path)
    assert stream.filter == "FlateDecode" and not stream.png_rows
    return zlib.decompress(stream.data)


def per_pixel_cmyk(converter: ImageConverter, path: Path, icc: bytes = b"") -> bytes:
    """Each pixel of the picture converted on its own (the reference of every palette test)."""
    return converter._transform(icc).apply(Image.open(path).convert("RGB")).tobytes()


def unfiltered(data: bytes, stride: int, height: int) -> bytes:
    """Undo PNG predictors (ISO 32000-1 Table 8: /Predictor 15), one sample byte per pixel step."""
    raw = zlib.decompress(data)
    out, prior = bytearray(), bytes(stride - 1)
    for y in range(height):
        kind, row = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for i in range(len(row)):
            a = row[i - 1] if i else 0
            b = prior[i]
            c = prior[i - 1] if i else 0
            row[i] = (row[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]) & 0xFF
        out += row
        prior = bytes(row)
    return bytes(out)


def samples(rows: bytes, width: int, height: int, bits: int) -> list[int]:
    stride = (width * bits + 7) // 8
    out = []
    for y in range(height):
        row = rows[y * stride:(y + 1) * stride]
        for x in range(width):
            bit = x * bits
            out.append((row[bit // 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1))
    return out


def printed(stream: ImageStream) -> bytes:
    """What an Indexed stream's pixels are in CMYK: its samples looked up, 4 bytes each."""
    rows = unfiltered(stream.data, 1 + (stream.width * stream.bits + 7) // 8, stream.height)
    return b"".join(stream.lookup[4 * i:4 * i + 4] for i in samples(rows, stream.width, stream.height, stream.bits))


def idat_of(data: bytes) -> bytes:
    pos, found = 8, []
    while pos < len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"IDAT":
            found.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    return b"".join(found)


# --- palette pictures ---------------------------------------------------------------------------


@pytest.mark.parametrize(("depth", "colours"), [(1, 2), (2, 3), (4, 16), (8, 17), (8, 256)])
def test_a_palette_png_is_indexed_cmyk_over_its_own_data_and_prints_each_pixel_as_converted(
        tmp_path: Path, converter: ImageConverter, depth: int, colours: int) -> None:
    width, height = 37, 23  # rows that do not end on a byte boundary at 1, 2 and 4 bits
    path = tmp_path / "cover.png"
    path.write_bytes(png(width, height, depth, 3, pattern(width, height, colours), palette=rgb_palette(colours)))
    got = converter.stream(path)
    assert got.png_rows and got.filter == "FlateDecode" and got.color_space == "DeviceCMYK"
    assert got.bits == depth and len(got.lookup) == 4 * 2 ** depth and got.hival == 2 ** depth - 1
    assert got.data == idat_of(path.read_bytes())  # the file's own compressed rows, untouched
    assert printed(got) == per_pixel_cmyk(converter, path)


def test_a_palette_png_with_an_icc_profile_is_looked_up_through_that_profile(
        tmp_path: Path, converter: ImageConverter) -> None:
    # the picture's own profile converts its colours, as it converts its pixels on the other path
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im = Image.new("P", (29, 13))
    im.putpalette(list(rgb_palette(40)))
    im.putdata([v for row in pattern(29, 13, 40) for v in row])
    path = tmp_path / "ad.png"
    im.save(path, icc_profile=icc)
    assert Image.open(path).info["icc_profile"] == icc
    got = converter.stream(path)
    assert got.png_rows and printed(got) == per_pixel_cmyk(converter, path, icc)
    assert got.lookup[:4 * 40] == converter._transform(icc).apply(
        Image.frombytes("RGB", (40, 1), rgb_palette(40))).tobytes()


def test_indexes_past_the_palette_print_as_the_conversion_prints_them(
        tmp_path: Path, converter: ImageConverter) -> None:
    # a PNG may use an index its palette does not have (invalid, but decoders cope): the lookup has
    # an entry for every index the depth allows, each as the conversion colours that pixel
    path = tmp_path / "short-palette.png"
    path.write_bytes(png(20, 10, 8, 3, pattern(20, 10, 9), palette=rgb_palette(5)))
    got = converter.stream(path)
    assert got.png_rows and printed(got) == converted_pixels(converter, path)


# --- grayscale pictures -------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 2, 4, 8])
def test_a_grayscale_png_is_devicegray_over_its_own_data(tmp_path: Path, converter: ImageConverter,
                                                         depth: int) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(png(41, 19, depth, 0, pattern(41, 19, 2 ** depth)))
    got = converter.stream(path)
    assert got.png_rows and got.color_space == "DeviceGray" and got.bits == depth and got.lookup == b""
    assert got.data == idat_of(path.read_bytes())
    levels = samples(unfiltered(got.data, 1 + (41 * depth + 7) // 8, 19), 41, 19, depth)
    # DeviceGray maps 0 … 2**depth - 1 onto 0 … 1: what the conversion's 8-bit gray holds
    assert bytes(v * 255 // (2 ** depth - 1) for v in levels) == converted_pixels(converter, path)


# --- damaged files are never embedded as they are -------------------------------------------------

GOOD_ROWS = [packed(row, 8) for row in pattern(30, 12, 4)]
PALETTE = rgb_palette(4)


def damaged(case: str) -> bytes:
    raw = filtered(GOOD_ROWS)

    def made(**kw) -> bytes:
        return png(30, 12, 8, 3, [], palette=PALETTE, **kw)

    if case == "bad zlib data":
        data = bytearray(zlib.compress(raw))
        data[len(data) // 2:len(data) // 2 + 4] = b"\xff\xff\xff\xff"
        return made(raw=raw, idat=bytes(data))
    if case == "rows too short":
        return made(raw=raw[:-7])
    if case == "rows too long":
        return made(raw=raw + bytes(31))
    if case == "a filter type above 4":
        bad = bytearray(raw)
        bad[5 * 31] = 5
        return made(raw=bytes(bad))
    if case == "a truncated file":
        whole = made(raw=raw)
        return whole[:whole.rindex(b"IDAT") + 6]
    if case == "a CRC that does not match":
        whole = bytearray(made(raw=raw))
        at = whole.index(b"IDAT")
        length = int.from_bytes(whole[at - 4:at], "big")
        whole[at + 4 + length] ^= 0x01  # the first IDAT's CRC, one bit off
        return bytes(whole)
    if case == "data after the zlib stream":
        return made(raw=raw, idat=zlib.compress(raw) + b"\x00junk")
    if case == "no end chunk":
        whole = made(raw=raw)
        return whole[:whole.rindex(b"IEND") - 4]
    raise AssertionError(case)


READ_ERRORS = ("bad zlib data", "rows too short", "a filter type above 4", "a truncated file")
DECODED_ANYWAY = ("rows too long", "a CRC that does not match", "data after the zlib stream", "no end chunk")


@pytest.mark.parametrize("case", READ_ERRORS)
def test_a_damaged_png_is_an_error_naming_it_not_embedded(tmp_path: Path, converter: ImageConverter,
                                                          case: str) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(damaged(case))
    with pytest.raises(BuildError, match=r"broken\.png cannot be read"):
        converter.stream(path)


@pytest.mark.parametrize("case", DECODED_ANYWAY)
def test_a_png_with_a_flaw_the_decoder_tolerates_is_converted_as_before_not_embedded(
        tmp_path: Path, converter: ImageConverter, case: str) -> None:
    # Pillow decodes these (it does not check the CRC of image data, stops at the rows it needs);
    # a PDF reader might not, or differently: the conversion's pixels are embedded, as before
    path = tmp_path / "flawed.png"
    path.write_bytes(damaged(case))
    got = converter.stream(path)
    assert not got.png_rows and got.lookup == b""
    assert got == converted(converter, path)


def test_the_damage_cases_are_damage_to_an_otherwise_good_png(tmp_path: Path, converter: ImageConverter) -> None:
    # (so that each case above fails for its damage alone)
    path = tmp_path / "good.png"
    path.write_bytes(png(30, 12, 8, 3, [], palette=PALETTE, raw=filtered(GOOD_ROWS)))
    assert converter.stream(path).png_rows


# --- what keeps the conversion -------------------------------------------------------------------


def adam7(width: int, height: int, pixels: list[list[int]]) -> bytes:
    """An 8-bit picture's rows in Adam7 order (PNG §8.2), each reduced image's rows unfiltered."""
    raw = bytearray()
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                           (0, 1, 1, 2)):
        for y in range(y0, height, dy):
            row = [pixels[y][x] for x in range(x0, width, dx)]
            if row:
                raw += b"\0" + bytes(row)
    return bytes(raw)


def kept_cases() -> dict[str, Callable[[Path], None]]:
    pixels = pattern(21, 11, 6)

    def transparent(path: Path) -> None:
        path.write_bytes(png(21, 11, 8, 3, pixels, palette=rgb_palette(6), extra=(chunk(b"tRNS", b"\x00\x80"),)))

    def interlaced(path: Path) -> None:
        path.write_bytes(png(21, 11, 8, 3, [], palette=rgb_palette(6), raw=adam7(21, 11, pixels), interlace=1))

    def rgb(path: Path) -> None:
        Image.new("RGB", (21, 11), (200, 30, 40)).save(path)

    def gray16(path: Path) -> None:
        Image.new("I;16", (21, 11), 40000).save(path)

    def gray_alpha(path: Path) -> None:
        Image.new("LA", (21, 11), (90, 128)).save(path)

    def animated(path: Path) -> None:
        frames = []
        for shift in (0, 3):
            frame = Image.new("P", (21, 11))
            frame.putpalette(list(rgb_palette(6)))
            frame.putdata([(v + shift) % 6 for row in pixels for v in row])
            frames.append(frame)
        frames[0].save(path, save_all=True, append_images=frames[1:])

    return {"a palette with transparency": transparent, "an interlaced palette": interlaced, "RGB": rgb,
            "16-bit grayscale": gray16, "grayscale with alpha": gray_alpha, "an animated palette": animated}


@pytest.mark.parametrize("case", list(kept_cases()))
def test_what_cannot_be_kept_exact_is_converted_as_before(tmp_path: Path, converter: ImageConverter,
                                                          case: str) -> None:
    path = tmp_path / "picture.png"
    kept_cases()[case](path)
    Image.open(path).load()  # a sound file: it is its kind, not damage, that keeps the conversion
    got = converter.stream(path)
    assert not got.png_rows and got.lookup == b"" and got.bits == 8
    assert got == converted(converter, path)
    if case == "an interlaced palette":  # (the hand-made Adam7 file decodes to its pixels)
        assert list(Image.open(path).tobytes()) == [v for row in pattern(21, 11, 6) for v in row]


# --- the cache -------------------------------------------------------------------------------------


def test_a_png_stream_comes_whole_from_the_build_cache(tmp_path: Path, converter: ImageConverter,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(png(33, 17, 4, 3, pattern(33, 17, 11), palette=rgb_palette(11)))
    first = converter.stream(path)
    assert first.png_rows
    warm = ImageConverter(converter._profile)

    def not_again(*args: object) -> None:
        raise AssertionError("made again")

    monkeypatch.setattr(warm, "_made_here", not_again)
    assert warm.stream(path) == first  # every field: bits, lookup, png_rows, digest


def test_a_cache_entry_of_the_wrong_shape_is_made_again(tmp_path: Path, converter: ImageConverter) -> None:
    from publish import cache

    path = tmp_path / "cover.png"
    path.write_bytes(png(33, 17, 8, 3, pattern(33, 17, 11), palette=rgb_palette(11)))
    key = converter._key(path)
    cache.put_value("pdf-image", key, (33, 17, "DeviceCMYK", "FlateDecode", b"x", False, 3, b"", True),
                    at_once=True)  # 3 bits a sample: no stream this code makes
    got = converter.stream(path)
    assert got.png_rows and got.bits == 8 and got.data == idat_of(path.read_bytes())


# --- in the PDF --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fonts() -> UKaiFonts:
    if find_default_profile() is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    return UKaiFonts()


def one_image_pdf(folder: Path, fonts: UKaiFonts, image: Path, name: str = "img.pdf") -> Path:
    doc = Document(100 * MM, 150 * MM, 3 * MM, (Page(0, 1, "right", "", (PlacedImage(image, 20 * MM, 30 * MM, 40 * MM, 30 * MM),)),),
                   title="图")
    return write_pdf(doc, fonts, folder / name)


def image_objects(pdf: Path) -> list[dict]:
    found = []
    for obj in qpdf_json(pdf)["objects"].values():
        stream = obj.get("stream") if isinstance(obj, dict) else None
        if stream and stream["dict"].get("/Subtype") == "/Image":
            found.append({**stream["dict"], "data": stream_data(obj)})
    return found


@pytest.mark.parametrize("depth", [2, 8])
def test_the_print_pdf_holds_an_indexed_cmyk_image_that_qpdf_decodes_to_the_converted_cmyk(
        tmp_path: Path, fonts: UKaiFonts, monkeypatch: pytest.MonkeyPatch, depth: int) -> None:
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    width, height, colours = 45, 26, 2 ** depth - 1
    path = tmp_path / "cover.png"
    path.write_bytes(png(width, height, depth, 3, pattern(width, height, colours), palette=rgb_palette(colours)))
    pdf = one_image_pdf(tmp_path, fonts, path)
    [image] = image_objects(pdf)
    indexed, base, hival, lookup = image["/ColorSpace"]
    assert (indexed, base, hival) == ("/Indexed", "/DeviceCMYK", 2 ** depth - 1)
    assert (image["/BitsPerComponent"], image["/Width"], image["/Height"]) == (depth, width, height)
    [(written, data)] = written_images(pdf)  # (qpdf's JSON above has the stream decoded)
    assert written["/Filter"] == "/FlateDecode" and data == idat_of(path.read_bytes())
    assert written["/DecodeParms"] == {"/Predictor": 15, "/Colors": 1, "/BitsPerComponent": depth, "/Columns": width}
    table = bytes.fromhex(lookup.removeprefix("b:"))  # (qpdf's JSON form of a binary string)
    assert written["/ColorSpace"] == ["/Indexed", "/DeviceCMYK", 2 ** depth - 1, table]
    # qpdf undid the predictors: the data are the packed indexes
    cmyk = b"".join(table[4 * i:4 * i + 4] for i in samples(image["data"], width, height, depth))
    profile = find_default_profile()
    assert profile is not None
    assert cmyk == per_pixel_cmyk(ImageConverter(profile.read_bytes()), path)
    assert "/DeviceRGB" not in str(qpdf_json(pdf)["objects"])


def plain(value: object) -> object:
    """A pikepdf value as Python's: names as "/Name", strings as bytes."""
    if isinstance(value, pikepdf.Dictionary):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, pikepdf.Array):
        return [plain(v) for v in value]
    if isinstance(value, pikepdf.Name):
        return str(value)
    if isinstance(value, pikepdf.String):
        return bytes(value)
    return int(value)  # type: ignore[call-overload]


def written_images(pdf: Path) -> list[tuple[dict, bytes]]:
    """Each image XObject's dictionary and data, as written in the file."""
    with pikepdf.open(pdf) as opened:
        return [(plain(obj.stream_dict), obj.read_raw_bytes()) for obj in opened.objects  # type: ignore[misc]
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]


def separations(pdf: Path, out: Path) -> bytes:
    """The page printed by Ghostscript as CMYK separations (8 bits a plate)."""
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", "-r200",
                    f"-sOutputFile={out}", str(pdf)], check=True, capture_output=True)
    with Image.open(out) as im:
        assert im.mode == "CMYK"
        return im.tobytes()


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript is not installed")
@pytest.mark.parametrize(("colour_type", "depth"), [(3, 1), (3, 2), (3, 4), (3, 8), (0, 1), (0, 2), (0, 4), (0, 8)])
def test_ghostscript_prints_the_same_plates_as_from_the_converted_picture(
        tmp_path: Path, fonts: UKaiFonts, monkeypatch: pytest.MonkeyPatch, colour_type: int, depth: int) -> None:
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "picture.png"
    n = 2 ** depth
    path.write_bytes(png(45, 26, depth, colour_type, pattern(45, 26, n),
                         palette=rgb_palette(n) if colour_type == 3 else b""))
    own_rows = one_image_pdf(tmp_path, fonts, path, "rows.pdf")
    assert [("/DecodeParms" in image) for image, _ in written_images(own_rows)] == [True]
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache-2"))
    monkeypatch.setattr(ImageConverter, "_png_stream", lambda self, path: None)  # the conversion only
    converted_pdf = one_image_pdf(tmp_path, fonts, path, "converted.pdf")
    assert [("/DecodeParms" in image) for image, _ in written_images(converted_pdf)] == [False]
    assert separations(own_rows, tmp_path / "rows.tif") == separations(converted_pdf, tmp_path / "converted.tif")


def test_the_example_covers_are_indexed_cmyk_over_their_own_rows_and_nothing_is_rgb(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.build import build

    if find_default_profile() is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    issue = Path(__file__).resolve().parents[1] / "examples" / "bayannaoer-2025-01"
    result = build(issue, tmp_path / "out", screen=False, epub=False)
    assert result.cover_path is not None
    covers = {idat_of(p.read_bytes()) for p in (issue / "covers").glob("*.png")}
    images = written_images(result.cover_path)
    assert len(images) == len(covers) == 4
    for image, data in images:
        space = image["/ColorSpace"]
        assert space[:3] == ["/Indexed", "/DeviceCMYK", 255] and len(space[3]) == 4 * 256
        assert data in covers  # each picture's own compressed rows
    for pdf in (result.cover_path, result.pdf_path):
        assert "/DeviceRGB" not in str(qpdf_json(pdf)["objects"])
    # pikepdf decodes the front cover to the CMYK the conversion gives it, pixel for pixel
    front = idat_of((issue / "covers" / "front.png").read_bytes())
    with pikepdf.open(result.cover_path) as opened:
        [xobject] = [o for o in opened.objects if isinstance(o, pikepdf.Stream)
                     and o.get("/Subtype") == "/Image" and o.read_raw_bytes() == front]
        decoded = pikepdf.PdfImage(xobject).as_pil_image()
    assert decoded.mode == "CMYK"
    profile = find_default_profile()
    assert profile is not None
    assert decoded.tobytes() == converted_pixels(ImageConverter(profile.read_bytes()), issue / "covers" / "front.png")
