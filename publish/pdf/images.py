"""Raster images → something a CMYK press can print: DeviceCMYK or DeviceGray, never DeviceRGB.

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
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from reportlab.lib.utils import ImageReader

from publish.errors import BuildError, Problem
from publish.pdf.pictures import open_picture


class ImageConverter:
    """Converts placed images once per path for one PDF (a photo used twice is embedded once)."""

    def __init__(self, cmyk_profile: bytes) -> None:
        # littleCMS (PIL.ImageCms) is loaded and the profile parsed only when an RGB image needs
        # converting: most pages, and many issues, have none.
        self._profile = cmyk_profile
        self._target: Any = None
        self._transforms: dict[bytes, Any] = {}
        self._done: dict[Path, ImageReader | str] = {}

    def reader(self, path: Path) -> ImageReader | str:
        path = Path(path)
        if path not in self._done:
            self._done[path] = self._convert(path)
        return self._done[path]

    def _convert(self, path: Path) -> ImageReader | str:
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
            return str(path)  # already printable: embed the file untouched (DCTDecode)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            im = _flatten_on_white(im)
        if im.mode in ("1", "L", "I;16", "I"):
            gray = im if im.mode == "L" else _to_8bit_gray(im)
            return _encode(gray, is_jpeg)
        if im.mode == "CMYK":
            return _encode(im, is_jpeg)
        rgb = im.convert("RGB")
        transform = self._transform(im.info.get("icc_profile") or b"")

        cmyk = transform.apply(rgb)  # what ImageCms.applyTransform does (not in place)
        return _encode(cmyk, is_jpeg)

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
            self._transforms[icc] = transform
        return self._transforms[icc]


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


def _encode(im: Image.Image, as_jpeg: bool) -> ImageReader:
    if as_jpeg:
        buffer = io.BytesIO()
        # Pillow writes Adobe-style (inverted) CMYK JPEGs, which is what ReportLab's /Decode assumes.
        im.save(buffer, format="JPEG", quality=95, subsampling=0, optimize=False)
        buffer.seek(0)
        return ImageReader(buffer)
    return ImageReader(im)
