"""The typographic cover: magazine title, issue label and the issue's highlights, drawn with Pillow.

In: an `Issue` and the font files to draw with (`CoverFonts`; `find_cover_fonts()` picks them).
Out: PNG bytes (1280 × 1800 px, the 185 × 260 mm page's proportions) and the text shown on it,
which the cover page repeats as the image's text alternative.

Why drawn and not the PDF's first page rendered: the EPUB must build with `--no-pdf`, and the
magazine's printed cover is a photograph the sources do not contain; a typographic cover made
from the issue's own metadata is always available, is legible as a thumbnail and costs ~0.3 s.

Fonts: the cover is drawn with Noto Serif CJK SC Bold (magazine title, contents) and Noto Sans
CJK SC (labels), which `make` installs (fonts-noto-cjk); when they are missing, the faces the fonts
stage resolved for the title and body roles are used instead. The fonts are only rasterised, not
embedded, so no licence question arises for the EPUB.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from publish.errors import BuildError, Problem
from publish.model import Issue

if TYPE_CHECKING:
    import mmap

T = TypeVar("T")
WIDTH, HEIGHT = 1280, 1800
RED = (166, 27, 27)
PAPER = (247, 242, 232)
INK = (38, 34, 30)
GREY = (110, 100, 92)

# (file name, family inside the file) looked for in the usual font folders.
_SERIF_BOLD = [("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"), ("NotoSerifCJKsc-Bold.otf", "Noto Serif CJK SC"),
               ("SourceHanSerifSC-Bold.otf", "Source Han Serif SC")]
_SANS = [("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"), ("NotoSansCJKsc-Regular.otf", "Noto Sans CJK SC"),
         ("SourceHanSansSC-Regular.otf", "Source Han Sans SC")]
_FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
              Path.home() / ".fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]


@dataclass(frozen=True)
class CoverText:
    """Everything of the issue the drawn cover shows (with its two faces, all the drawing depends
    on): made from an `Issue` (`of`), or guessed from the sources before they are read
    (`publish.epub.ahead`)."""

    magazine: str
    label: str
    date: dt.date
    publisher: str
    highlights: tuple[tuple[str, str], ...]  # (section, article title), as `highlights` picks them

    @classmethod
    def of(cls, issue: Issue) -> CoverText:
        return cls(issue.magazine, issue.label, issue.date, issue.publisher, tuple(highlights(issue)))


@dataclass(frozen=True)
class FaceFile:
    path: Path
    index: int = 0


@dataclass(frozen=True)
class CoverFonts:
    display: FaceFile  # magazine title and contents
    label: FaceFile  # issue label, section names, date


def _face_index(path: Path, family: str) -> int | None:
    """The index of the face of `path` whose family (name ID 1 or 16, as fontTools' `getDebugName`
    gives it) is `family`, or None. Read with struct: importing fontTools to read two names costs a
    warm build (which needs no other fontTools module) more than drawing nothing else; a file the
    direct reader finds unusual is read by fontTools, as before."""
    import struct

    from publish.fonts.names import Unusual as _Unusual

    try:
        return _face_index_direct(path, family)
    except (_Unusual, struct.error, ValueError, LookupError, OSError):
        return _face_index_fonttools(path, family)


def _face_index_direct(path: Path, family: str) -> int | None:
    import mmap

    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _index_in(data, family)


def _index_in(data: bytes | mmap.mmap, family: str) -> int | None:
    import struct

    from publish.fonts.names import Unusual as _Unusual
    from publish.fonts.names import decode as _decode

    if data[:4] == b"ttcf":
        (count,) = struct.unpack_from(">I", data, 8)
        bases = list(struct.unpack_from(f">{count}I", data, 12))
    elif data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        bases = [0]
    else:
        raise _Unusual
    for i, base in enumerate(bases):
        (num_tables,) = struct.unpack_from(">H", data, base + 4)
        tables = dict(struct.unpack_from(">4s4xI4x", data, base + 12 + 16 * k) for k in range(num_tables))
        if b"name" not in tables:
            raise _Unusual
        off = tables[b"name"]
        _fmt, n, strings = struct.unpack_from(">HHH", data, off)
        debug: dict[int, tuple[str | None, str | None]] = {}  # name id → (English, last decodable)
        for k in range(n):
            pid, eid, lid, nid, length, at = struct.unpack_from(">HHHHHH", data, off + 6 + 12 * k)
            if nid not in (1, 16) or debug.get(nid, (None, None))[0] is not None:
                continue
            raw = data[off + strings + at: off + strings + at + length]
            if len(raw) != length:
                raise _Unusual
            try:
                text = _decode(pid, eid, lid, raw)
            except UnicodeError:
                continue  # as getDebugName: a record that does not decode is passed over
            english = text if (pid, lid) in ((1, 0), (3, 0x409)) else None
            debug[nid] = (english, text)
        if family in {english or some for english, some in debug.values()}:
            return i
    return None


def _face_index_fonttools(path: Path, family: str) -> int | None:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts
        else:
            fonts = [TTFont(str(path), lazy=True)]
    except Exception:
        return None
    for i, font in enumerate(fonts):
        names = {font["name"].getDebugName(1), font["name"].getDebugName(16)}
        if family in names:
            return i
    return None


def _find(candidates: Sequence[tuple[str, str]]) -> FaceFile | None:
    for file_name, family in candidates:
        for folder in _FONT_DIRS:
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob(file_name)):
                index = _face_index(path, family)
                if index is not None:
                    return FaceFile(path, index)
    return None


def _role_face(fonts: object | None, role: str) -> FaceFile | None:
    """The first face the fonts stage resolved for `role` (duck-typed: path and index)."""
    if fonts is None:
        return None
    resolved = getattr(fonts, "roles", {}).get(role)
    for attr in ("faces", "chain"):
        chain = getattr(resolved, attr, None)
        if chain:
            face = chain[0]
            path = getattr(face, "path", None)
            if path:
                return FaceFile(Path(path), int(getattr(face, "index", 0) or 0))
    return None


def find_cover_fonts(fonts: object | None = None) -> CoverFonts:
    display = _find(_SERIF_BOLD) or _role_face(fonts, "title") or _role_face(fonts, "body")
    label = _find(_SANS) or _role_face(fonts, "body") or display
    if display is None or label is None:
        raise BuildError(Problem("no CJK font found to draw the EPUB cover",
                                 fix="install fonts-noto-cjk (make setup) or pass a cover image"))
    return CoverFonts(display, label)


def highlights(issue: Issue, limit: int = 7) -> list[tuple[str, str]]:
    """(section, article title) pairs for the cover: each section's lead article first."""
    chosen = highlights_of([(s.title, s.articles) for s in issue.sections], lambda a: a.title_text, limit)
    assert chosen is not None  # (every article has a title)
    return list(chosen)


def highlights_of(sections: Sequence[tuple[str, Sequence[T]]], title_of: Callable[[T], str | None],
                  limit: int = 7) -> tuple[tuple[str, str], ...] | None:
    """`highlights` of sections given as (title, articles), each article's title `title_of` it —
    asked only for the articles chosen; None when it answers None for one of them."""
    chosen: list[tuple[str, str]] = []
    rounds = max((len(articles) for _, articles in sections), default=0)
    for r in range(rounds):
        for section, articles in sections:
            if r < len(articles) and len(chosen) < limit:
                title = title_of(articles[r])
                if title is None:
                    return None
                chosen.append((section, title))
    return tuple(chosen)


def cover_text(issue: Issue) -> str:
    """What the cover shows, as text (the cover image's alt text)."""
    items = "；".join(title for _, title in highlights(issue))
    text = f"封面：{issue.magazine}，{issue.label}。"
    if items:
        text += f"本期要目：{items}。"
    return text


def _font(face: FaceFile, size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.truetype(str(face.path), size=size, index=face.index)


def _fit(draw, text: str, font, width: int) -> str:  # type: ignore[no-untyped-def]
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "……", font=font) > width:  # 省略号: two U+2026
        text = text[:-1]
    return text + "……"


def draw_cover(issue: Issue | CoverText, fonts: CoverFonts) -> bytes:
    """The cover as PNG bytes (deterministic: same issue — or cover text — and fonts → same bytes)."""
    from PIL import Image, ImageDraw

    items = issue.highlights if isinstance(issue, CoverText) else highlights(issue)
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    # Each face is let go as soon as its last text is drawn: FreeType maps the font file and keeps
    # every page it read mapped until the face is closed (~1–3 MB of a CJK collection per face,
    # counted in the EPUB helper's memory), so faces kept to the end held them all through the
    # palette quantisation: ~39 MB at the drawing's peak instead of ~28. The pixels are the same.
    margin = 100
    inner = WIDTH - 2 * margin

    # The masthead: the magazine title large on a red band, the issue label under it.
    band = 640
    d.rectangle([0, 0, WIDTH, band], fill=RED)
    size = 230
    title_font = _font(fonts.display, size)
    while size > 60 and d.textlength(issue.magazine, font=title_font) > inner:
        size -= 10
        title_font = _font(fonts.display, size)
    d.text((WIDTH / 2, 290), issue.magazine, font=title_font, fill=PAPER, anchor="mm")
    del title_font
    d.text((WIDTH / 2, 520), issue.label, font=_font(fonts.label, 64), fill=PAPER, anchor="mm")

    # 本期要目: section name small in red, the article title under it.
    y = band + 110
    d.text((margin, y), "本期要目", font=_font(fonts.display, 60), fill=RED, anchor="ls")
    d.line([margin, y + 28, WIDTH - margin, y + 28], fill=RED, width=4)
    y += 110
    section_font = _font(fonts.label, 34)
    item_font = _font(fonts.display, 48)
    for section, title in items:
        if y > HEIGHT - 230:
            break
        d.text((margin, y), section, font=section_font, fill=RED, anchor="ls")
        y += 62
        d.text((margin, y), _fit(d, title, item_font, inner), font=item_font, fill=INK, anchor="ls")
        y += 88
    del section_font, item_font

    # Foot: date and publisher.
    foot = f"{issue.date.year}年{issue.date.month}月{issue.date.day}日"
    if issue.publisher:
        foot += f"　{issue.publisher}"
    d.line([margin, HEIGHT - 150, WIDTH - margin, HEIGHT - 150], fill=GREY, width=2)
    d.text((WIDTH / 2, HEIGHT - 90), foot, font=_font(fonts.label, 38), fill=GREY, anchor="mm")

    # A 64-colour palette keeps the flat design sharp and the file small (~70 KB; JPEG ~220 KB with
    # ringing around the type). Fast octree without PNG `optimize`: 0.14 s instead of 0.7 s, +10 %.
    out = io.BytesIO()
    img.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()


def cover_key(text: CoverText, fonts: CoverFonts) -> str | None:
    """The cache key (kind "cover") of the cover `draw_cover` makes of `text` with `fonts`: what it
    shows, the font files (content hash and face index), the drawing code (this module's source)
    and the rasteriser (Pillow, FreeType, raqm); None when one of them cannot be known (then the
    cover is drawn, not kept)."""
    import hashlib

    from publish import cache

    try:
        from PIL import __version__ as pillow
        from PIL import features

        raster = (pillow, features.version("freetype2"), features.version("raqm"))
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        font_ids = [(cache.file_identity(f.path), f.index) for f in (fonts.display, fonts.label)]
    except (ImportError, OSError):
        return None
    return repr((text.magazine, text.label, text.date.isoformat(), text.publisher, list(text.highlights),
                 font_ids, code, raster))


def made_ahead(issue: Issue, fonts: object | None) -> bytes | None:
    """The cover of `issue` with the faces `find_cover_fonts(fonts)` picks, as the build cache holds
    it — drawn ahead by the helper a build forks first (`publish.epub.ahead`), or by an earlier
    build — or None."""
    from publish import cache

    try:
        key = cover_key(CoverText.of(issue), find_cover_fonts(fonts))
    except BuildError:
        return None
    png = cache.get_bytes("cover", key) if key is not None else None
    return png if png is not None and is_png(png) else None


def is_png(data: bytes) -> bool:
    """Does `data` look like a whole PNG file (its signature first, its IEND chunk last)?"""
    return data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def image_type(data: bytes) -> tuple[str, str]:
    """(extension, media type) of a cover image given as bytes: PNG or JPEG only."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ".png", "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return ".jpg", "image/jpeg"
    raise BuildError(Problem("the cover image is neither PNG nor JPEG", fix="pass a PNG or JPEG file as the cover"))
