"""Images in the print PDF are press-ready: CMYK or grayscale, never DeviceRGB, at the placed size.

Specification:
- an RGB JPEG becomes a CMYK JPEG (DCTDecode), an RGB(A) PNG becomes lossless CMYK (Flate), with
  transparency flattened onto white; a grayscale image stays DeviceGray; a CMYK JPEG is embedded as is;
- red in sRGB comes out as a magenta/yellow mix, not as black, i.e. colour-managed conversion;
- each image is drawn where and as large as pagination placed it;
- an image used twice is embedded once; a missing image is a clear error naming the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_support import MM, UKaiFonts, qpdf_json, sample_document, stream_data
from PIL import Image

from publish.errors import BuildError
from publish.paginate.pages import Document, Page, PlacedImage
from publish.pdf import write_pdf
from publish.pdf.pdfx import find_default_profile


@pytest.fixture(scope="module")
def fonts() -> UKaiFonts:
    if find_default_profile() is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    return UKaiFonts()


def images_in(pdf: Path) -> list[dict]:
    facts = qpdf_json(pdf)
    found = []
    for obj in facts["objects"].values():
        stream = obj.get("stream") if isinstance(obj, dict) else None
        if stream and stream["dict"].get("/Subtype") == "/Image":
            found.append({**stream["dict"], "data": stream_data(obj)})
    return found


def one_image_pdf(tmp_path: Path, fonts: UKaiFonts, image: Path, times: int = 1) -> Path:
    items = tuple(PlacedImage(image, 20 * MM + 5 * i, 30 * MM, 40 * MM, 30 * MM) for i in range(times))
    doc = Document(100 * MM, 150 * MM, 3 * MM, (Page(0, 1, "right", "", items),), title="图")
    return write_pdf(doc, fonts, tmp_path / "img.pdf")


def red(mode: str = "RGB") -> Image.Image:
    return Image.new(mode, (40, 30), (220, 20, 30) if mode == "RGB" else (220, 20, 30, 128))


def test_rgb_jpeg_becomes_cmyk_jpeg(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "photo.jpg"
    red().save(src, quality=95)
    [image] = images_in(one_image_pdf(tmp_path, fonts, src))
    assert image["/ColorSpace"] == "/DeviceCMYK"
    assert image["/Filter"] in ("/DCTDecode", ["/DCTDecode"])
    assert (image["/Width"], image["/Height"]) == (40, 30)


def test_rgb_png_becomes_lossless_cmyk_and_red_is_magenta_and_yellow(
    tmp_path: Path, fonts: UKaiFonts
) -> None:
    src = tmp_path / "chart.png"
    red().save(src)
    [image] = images_in(one_image_pdf(tmp_path, fonts, src))
    assert image["/ColorSpace"] == "/DeviceCMYK"
    assert image["/BitsPerComponent"] == 8
    c, m, y, k = image["data"][:4]  # qpdf decoded the Flate data: the first pixel's CMYK
    assert m > 180 and y > 150 and c < 60 and k < 60, (c, m, y, k)


def test_transparent_png_is_flattened_on_white(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "logo.png"
    red("RGBA").save(src)
    [image] = images_in(one_image_pdf(tmp_path, fonts, src))
    assert image["/ColorSpace"] == "/DeviceCMYK"
    assert "/SMask" not in image and "/Mask" not in image
    _c, m, _y, _k = image["data"][:4]
    assert 40 < m < 200, "half-transparent red on white is a light red"


def test_grayscale_stays_gray(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "scan.png"
    Image.new("L", (10, 10), 128).save(src)
    [image] = images_in(one_image_pdf(tmp_path, fonts, src))
    assert image["/ColorSpace"] == "/DeviceGray"


def test_cmyk_jpeg_is_embedded_untouched(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "press.jpg"
    Image.new("CMYK", (16, 16), (0, 100, 100, 0)).save(src, quality=90)
    [image] = images_in(one_image_pdf(tmp_path, fonts, src))
    assert image["/ColorSpace"] == "/DeviceCMYK"
    assert image["data"] == src.read_bytes()


def test_an_image_used_twice_is_embedded_once(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "photo.jpg"
    red().save(src)
    assert len(images_in(one_image_pdf(tmp_path, fonts, src, times=2))) == 1


def test_image_is_drawn_at_its_placed_size(tmp_path: Path, fonts: UKaiFonts) -> None:
    import pdfplumber

    src = tmp_path / "photo.jpg"
    red().save(src)
    pdf = one_image_pdf(tmp_path, fonts, src)
    with pdfplumber.open(pdf) as plumber:
        [placed] = plumber.pages[0].images
        trim_x0 = float(plumber.pages[0].trimbox[0])
        trim_y0 = float(plumber.pages[0].mediabox[3]) - float(plumber.pages[0].trimbox[3])
    assert placed["x0"] - trim_x0 == pytest.approx(20 * MM, abs=0.01)
    assert placed["width"] == pytest.approx(40 * MM, abs=0.01)
    assert placed["height"] == pytest.approx(30 * MM, abs=0.01)
    assert trim_y0 >= 0


def test_the_sample_document_with_a_photo_has_no_rgb(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "photo.jpg"
    red().save(src)
    pdf = write_pdf(sample_document(fonts, image=src), fonts, tmp_path / "s.pdf")
    assert "/DeviceRGB" not in str(qpdf_json(pdf)["objects"])


def test_a_missing_image_is_a_clear_error(tmp_path: Path, fonts: UKaiFonts) -> None:
    with pytest.raises(BuildError, match=r"missing\.jpg not found"):
        one_image_pdf(tmp_path, fonts, tmp_path / "missing.jpg")
    assert not (tmp_path / "img.pdf").exists()


def test_a_file_that_is_not_an_image_is_a_clear_error(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "notes.png"
    src.write_text("not a picture")
    with pytest.raises(BuildError, match="cannot be read"):
        one_image_pdf(tmp_path, fonts, src)


def test_an_image_placed_with_no_area_is_a_clear_error(tmp_path: Path, fonts: UKaiFonts) -> None:
    src = tmp_path / "photo.jpg"
    red().save(src)
    page = Page(0, 1, "right", "", (PlacedImage(src, 10, 10, 0, 30),))
    with pytest.raises(BuildError, match="placed 0"):
        write_pdf(Document(100 * MM, 150 * MM, 3 * MM, (page,), title="图"), fonts, tmp_path / "z.pdf")


def test_a_converted_picture_comes_from_the_build_cache_until_the_file_changes(tmp_path: Path, monkeypatch) -> None:
    from publish.pdf.images import ImageConverter

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    profile = find_default_profile().read_bytes()
    png = tmp_path / "red.png"
    red().save(png)
    first = ImageConverter(profile).stream(png)
    assert (first.color_space, first.filter, first.width) == ("DeviceCMYK", "FlateDecode", red().width)

    def no_conversion(path):
        raise AssertionError("converted again")

    warm = ImageConverter(profile)
    monkeypatch.setattr(warm, "_convert", no_conversion)
    assert warm.stream(png) == first  # a later build: nothing converted or compressed

    Image.new("RGB", (40, 30), (0, 0, 255)).save(png)  # the editor replaces the picture
    again = ImageConverter(profile).stream(png)
    assert again != first and (again.width, again.height) == (40, 30)


@pytest.mark.parametrize("colours", [1, 2, 17, 256])
def test_a_palette_image_converts_as_its_pixels_would(tmp_path: Path, fonts: UKaiFonts, colours: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # a palette image's colours are converted once each (fast); every pixel must come out as the
    # per-pixel conversion of the same image in RGB makes it. (A TIFF: a palette PNG is embedded
    # from its own rows instead, tests/test_pdf_png_rows.py.)
    import random
    import zlib

    from PIL import ImageCms

    from publish.pdf.images import ImageConverter

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))  # converted here, not found
    rng = random.Random(colours)
    im = Image.new("P", (97, 61))
    im.putpalette([rng.randrange(256) for _ in range(3 * colours)])
    im.putdata([rng.randrange(colours) for _ in range(97 * 61)])
    path = tmp_path / "palette.tif"
    # one with an embedded profile, as a picture may carry one
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if colours == 17 else None
    im.save(path, icc_profile=icc)
    profile = find_default_profile()
    assert profile is not None
    converter = ImageConverter(profile.read_bytes())
    reopened = Image.open(path)
    assert reopened.mode == "P" and reopened.info.get("icc_profile") == icc
    got = converter.stream(path)
    expected = converter._transform(icc or b"").apply(reopened.convert("RGB"))
    assert (got.width, got.height, got.color_space, got.filter) == (97, 61, "DeviceCMYK", "FlateDecode")
    assert zlib.decompress(got.data) == expected.tobytes()


def test_a_palette_picture_is_recoloured_in_place_not_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full-page palette picture (a cover) is 3 MB of pixels once decoded: the stream is made
    # from that one decoded image (its palette replaced), never from a second whole copy of it —
    # and the bytes are those of the pixels' own conversion, band after band. (A TIFF: a palette
    # PNG's own rows are embedded instead, tests/test_pdf_png_rows.py.)
    import zlib

    from publish.pdf.images import _BAND, ImageConverter

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    width, height = 53, 2 * _BAND + 7  # three bands, the last one short
    im = Image.new("P", (width, height))
    im.putpalette([0, 0, 0, 255, 255, 255, 200, 30, 40])
    im.putdata([(x * 7 + y) % 3 for y in range(height) for x in range(width)])
    path = tmp_path / "cover.tif"
    im.save(path)
    profile = find_default_profile()
    if profile is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    converter = ImageConverter(profile.read_bytes())
    expected = converter._transform(b"").apply(Image.open(path).convert("RGB")).tobytes()

    whole_copies: list[tuple[int, int]] = []
    copy = Image.Image.copy

    def counted_copy(self: Image.Image) -> Image.Image:
        if self.size == (width, height):
            whole_copies.append(self.size)
        return copy(self)

    monkeypatch.setattr(Image.Image, "copy", counted_copy)
    got = converter.stream(path)
    assert whole_copies == []
    assert (got.width, got.height, got.color_space, got.filter) == (width, height, "DeviceCMYK", "FlateDecode")
    assert zlib.decompress(got.data) == expected


def test_the_output_profile_is_serialised_once_for_every_picture_a_converter_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pillow's transform writes the whole CMYK output profile, serialised anew, into every result's
    # info (~2.6 ms even for a palette's 256-colour swatch); its bytes never change: made once.
    import zlib

    from PIL import ImageCms

    from publish.pdf.images import ImageConverter

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    profile = find_default_profile()
    if profile is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    serialised: list[int] = []
    tobytes = ImageCms.ImageCmsProfile.tobytes

    def counted(self: ImageCms.ImageCmsProfile) -> bytes:
        serialised.append(1)
        return tobytes(self)

    monkeypatch.setattr(ImageCms.ImageCmsProfile, "tobytes", counted)
    converter = ImageConverter(profile.read_bytes())
    for n in range(3):
        im = Image.new("P", (31, 17))
        im.putpalette([40 * n, 200, 90, 255, 255 - 50 * n, 0])
        im.putdata([(x + y) % 2 for y in range(17) for x in range(31)])
        path = tmp_path / f"picture-{n}.tif"  # (converted: a palette PNG's lookup is, the same way)
        im.save(path)
        got = converter.stream(path)
        expected = converter._transform(b"").apply(Image.open(path).convert("RGB"))
        assert zlib.decompress(got.data) == expected.tobytes()
        assert expected.info["icc_profile"] == tobytes(converter._target)  # what Pillow writes there
    assert len(serialised) == 1
