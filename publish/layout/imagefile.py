"""Reading a figure's image file for the checks: its real type, its size, and whether it decodes.

In: the path of an image a figure names (JPEG, PNG, TIFF or WebP). Out: `ImageFacts(kind, width, height)`, or an
`ImageFileError` saying what is wrong in words an editor can act on (with a stable `code`).

Done once, in the checks that `publish check` and every build run before anything is written, so
that a broken picture is an error naming the article and line — not a failure in the middle of
writing the PDF, nor an EPUB carrying it:
- the real type is sniffed from the file's first bytes: PNG bytes named `.jpg` would be declared
  `image/jpeg` in the EPUB (EPUBCheck rejects it) and are refused with the name to give the file;
- the pixel count is read from the header and bounded *before* decoding (`MAX_PIXELS`): a 446 KB
  PNG of 12000 × 12000 pixels would take 1.7 GB to decode;
- the whole image is decoded, so a truncated or damaged file is found here;
- Pillow's own warnings (e.g. DecompressionBombWarning) are never printed: the limit above speaks.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

# 50 megapixels: a 185 × 260 mm page at 600 dpi is 27 MP; more is a mistake or an attack.
MAX_PIXELS = 50_000_000
# The figure formats (Pillow's names) and the file name endings each may have.
KINDS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "TIFF": (".tif", ".tiff"), "WEBP": (".webp",)}
_SIGNATURES = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"II*\0", "TIFF"),
               (b"MM\0*", "TIFF"))
_OTHER = ((b"GIF8", "GIF"), (b"BM", "BMP"), (b"%PDF", "PDF"), (b"\0\0\0", "HEIC or another ISO media"))


@dataclass(frozen=True)
class ImageFacts:
    kind: str  # "JPEG" or "PNG", from the bytes
    width: int
    height: int


class ImageFileError(Exception):
    def __init__(self, message: str, fix: str, code: str) -> None:
        super().__init__(message)
        self.message, self.fix, self.code = message, fix, code


def sniff(head: bytes) -> str | None:
    """The figure format ("JPEG", "PNG", "TIFF", "WEBP") from a file's first bytes, else None."""
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    return next((kind for sig, kind in _SIGNATURES if head.startswith(sig)), None)


def inspect(path: Path) -> ImageFacts:
    """See the module docstring; raises `ImageFileError` (and OSError when the file cannot be read)."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(16)
    kind = sniff(head)
    if kind is None:
        other = next((name for sig, name in _OTHER if head.startswith(sig)), None)
        what = f"a {other} file" if other else "not a JPEG, PNG, TIFF or WebP file"
        raise ImageFileError(f"image {path.name} is {what}", "save it as JPEG (photos) or PNG (drawings)",
                             "image-unsupported")
    if path.suffix.lower() not in KINDS[kind]:
        right = path.with_suffix(KINDS[kind][0]).name
        shown = "WebP" if kind == "WEBP" else kind
        raise ImageFileError(f"image {path.name} is a {shown} file, not what its name says",
                             f"rename it to {right} (and the figure's path)", "image-wrong-type")
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: our own limit is below
        try:
            with Image.open(path, formats=[kind]) as im:
                width, height = im.size
                if width * height > MAX_PIXELS:
                    raise ImageFileError(
                        f"image {path.name} has {width} × {height} pixels ({width * height / 1e6:.0f} megapixels, "
                        f"more than {MAX_PIXELS // 1_000_000})", "scale it down: 300 dpi at its printed size is enough",
                        "image-too-large")
                im.load()  # decode it all: a truncated or damaged file fails here, not in the build
        except ImageFileError:
            raise
        except Image.DecompressionBombError:
            raise ImageFileError(f"image {path.name} has too many pixels to decode safely",
                                 "scale it down: 300 dpi at its printed size is enough", "image-too-large") from None
        except (OSError, ValueError, SyntaxError, EOFError) as err:  # PIL's errors for damaged data
            reason = str(err) or type(err).__name__
            raise ImageFileError(f"image {path.name} is damaged ({reason})", "export or save the image again",
                                 "image-damaged") from None
    return ImageFacts(kind, width, height)
