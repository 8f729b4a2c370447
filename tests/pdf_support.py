"""Helpers for the PDF writer's tests: a stand-in font set and hand-made Documents.

In: nothing but system fonts. Out: `UKaiFonts` (the `pdf_font` contract of `publish.fonts` over one
TrueType CJK face, AR PL UKai from fonts-arphic-ukai) and `sample_document()`, a small two-page
Document with a title, two columns of justified body lines, a header, a folio, a rule and an image.

Why a stand-in: the writer only needs `fonts.pdf_font(canvas, face) -> name`, and its tests should
not depend on how the real font set resolves roles. Tests that want the real one use `real_fonts()`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from publish.model import PageStart
from publish.paginate.pages import Document, OutlineEntry, Page, PlacedGlyph, PlacedImage, Rule, TextLine

UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
MM = 72 / 25.4


class UKaiFonts:
    """Every face key maps to AR PL UKai CN (TrueType, subfont 0)."""

    name = "UKaiTest"

    def __init__(self) -> None:
        if not UKAI.exists():
            pytest.skip("AR PL UKai (fonts-arphic-ukai) is not installed")
        try:
            pdfmetrics.getFont(self.name)
        except KeyError:
            pdfmetrics.registerFont(TTFont(self.name, str(UKAI), subfontIndex=0))
        self.calls: list[str] = []

    def pdf_font(self, canvas_or_none: Any, face_key: str) -> str:
        self.calls.append(face_key)
        return self.name

    def advance(self, char: str, size: float) -> float:
        return pdfmetrics.stringWidth(char, self.name, size)


class RealFonts:
    """The project's own font set (`publish.fonts.load_fonts()`: Noto CJK as CID-keyed CFF by
    default), with the same `advance` helper as `UKaiFonts` for setting test lines."""

    def __init__(self) -> None:
        from publish.errors import PublishError

        try:
            from publish.fonts import load_fonts

            self.fontset = load_fonts()
            self._metrics = self.fontset.metrics({"body": 1.0})
        except (ImportError, PublishError) as err:
            pytest.skip(f"the project's fonts are not available: {err}")
        self.calls: list[str] = []

    def pdf_font(self, canvas_or_none: Any, face_key: str) -> str:
        self.calls.append(face_key)
        from publish.pdf.fonts import pdf_font

        return pdf_font(self.fontset, canvas_or_none, face_key)

    def advance(self, char: str, size: float) -> float:
        return self._metrics.advance(char, "body") * size


def font_set(kind: str) -> UKaiFonts | RealFonts:
    return UKaiFonts() if kind == "ukai" else RealFonts()


def set_line(
    text: str,
    x: float,
    y: float,
    size: float,
    fonts: UKaiFonts | RealFonts,
    *,
    measure: float | None = None,
    kind: str = "body",
    article: str = "",
    column: int = 0,
    face: str = "body",
) -> TextLine:
    """A line of `text` set from its natural advances, justified to `measure` by spreading the space
    evenly between glyphs (as the composer would)."""
    widths = [fonts.advance(ch, size) for ch in text]
    extra = 0.0
    if measure is not None and len(text) > 1:
        extra = (measure - sum(widths)) / (len(text) - 1)
    glyphs, pen = [], 0.0
    for ch, w in zip(text, widths, strict=True):
        glyphs.append(PlacedGlyph(ch, pen, w, face))
        pen += w + extra
    return TextLine(x, y, size, tuple(glyphs), kind, article, column)


BODY_LEFT = [
    "巴彦淖尔市第五届人民代表大会常务委员会",
    "第十九次会议于二〇二五年一月召开，会议",
    "听取和审议了市人民政府关于《巴彦淖尔市",
    "<条例>实施情况》的报告。",
]
BODY_RIGHT = [
    "会议强调，要坚持以人民为中心，依法履行",
    "监督职责——推动各项工作落实落细……",
    "GDP增长5.2%，Latin text 2025 ok。",
]


def sample_document(fonts: UKaiFonts | RealFonts, image: Path | None = None, **overrides: Any) -> Document:
    """A 185 × 260 mm, 3 mm bleed, two-page document with two columns on page 1."""
    width, height = 185 * MM, 260 * MM
    size = 10.5
    col = 21 * size
    left_x, right_x = 15 * MM, 15 * MM + col + 6 * MM
    items: list[Any] = [
        set_line("巴彦淖尔人大 /57", width - 15 * MM - 70, height - 12 * MM, 9, fonts, kind="header"),
        set_line("特别报道", 15 * MM, height - 12 * MM, 9, fonts, kind="header"),
        Rule(15 * MM, height - 13.5 * MM, width - 15 * MM, height - 13.5 * MM, 0.5),
        set_line(
            "关于某某条例的审议意见",
            15 * MM,
            height - 30 * MM,
            18,
            fonts,
            kind="title",
            article="a1",
            face="title",
        ),
    ]
    y = height - 45 * MM
    for i, text in enumerate(BODY_LEFT):
        last = i == len(BODY_LEFT) - 1
        items.append(
            set_line(
                text, left_x, y - i * 18, size, fonts, measure=None if last else col, article="a1", column=0
            )
        )
    for i, text in enumerate(BODY_RIGHT):
        last = i == len(BODY_RIGHT) - 1
        items.append(
            set_line(
                text, right_x, y - i * 18, size, fonts, measure=None if last else col, article="a1", column=1
            )
        )
    items.append(set_line("57", width - 20 * MM, 10 * MM, 9, fonts, kind="folio", face="folio"))
    if image is not None:
        items.append(PlacedImage(image, left_x, 30 * MM, 60 * MM, 40 * MM))
    page1 = Page(0, 57, "right", "特别报道", tuple(items))
    page2 = Page(
        1,
        58,
        "left",
        "特别报道",
        (
            set_line("第二页的正文。", left_x, y, size, fonts, article="a2"),
            set_line("58/ 巴彦淖尔人大", 15 * MM, height - 12 * MM, 9, fonts, kind="header"),
        ),
    )
    fields: dict[str, Any] = dict(
        trim_width=width,
        trim_height=height,
        bleed=3 * MM,
        pages=(page1, page2),
        title="巴彦淖尔人大 2025年第1期",
        author="巴彦淖尔市人大常委会办公室",
        subject="巴彦淖尔人大",
        keywords="人大, 期刊",
        language="zh-CN",
        date="2025-01-20",
        outline=(
            OutlineEntry("特别报道", 0, 0, height - 20 * MM),
            OutlineEntry("关于某某条例的审议意见", 1, 0, height - 30 * MM),
            OutlineEntry("第二篇", 1, 1, height - 40 * MM),
        ),
        page_starts=(PageStart(57, "a1", -1, 0), PageStart(58, "a2", 0, 0)),
    )
    fields.update(overrides)
    return Document(**fields)


# ---------------------------------------------------------------------------------------------------
# Reading a PDF back with qpdf (no PDF library needed): objects as JSON, streams decoded.


def qpdf_json(pdf: Path) -> dict[str, Any]:
    """qpdf's JSON v2 view of `pdf`, with every stream's decoded data inline (base64)."""
    import json
    import subprocess

    done = subprocess.run(
        ["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized", str(pdf)],
        capture_output=True,
        check=True,
    )
    data = json.loads(done.stdout)
    objects: dict[str, Any] = {}
    for key, value in data["qpdf"][1].items():
        if key.startswith("obj:"):
            objects[key[4:]] = value
    return {"objects": objects, "trailer": data["qpdf"][1].get("trailer", {}).get("value", {})}


def stream_data(obj: dict[str, Any]) -> bytes:
    import base64

    return base64.b64decode(obj["stream"]["data"])


def page_objects(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The page dictionaries in page order."""
    objects = facts["objects"]
    root = objects[facts["trailer"]["/Root"]]["value"]

    def walk(ref: str) -> list[dict[str, Any]]:
        node = objects[ref]["value"]
        if node.get("/Type") == "/Pages":
            return [page for kid in node["/Kids"] for page in walk(kid)]
        return [node]

    return walk(root["/Pages"])


def page_content(facts: dict[str, Any], page: dict[str, Any]) -> bytes:
    refs = page["/Contents"]
    refs = refs if isinstance(refs, list) else [refs]
    return b"\n".join(stream_data(facts["objects"][ref]) for ref in refs)


_DELIMS = b"()<>[]{}/%"
_WHITE = b" \t\r\n\f\0"


def content_operators(data: bytes) -> list[tuple[str, list[bytes]]]:
    """Tokenise a content stream into (operator, operands) pairs (PDF 32000-1 §7.2, §7.8.2).
    Strings, names, numbers and arrays are operands; anything else is an operator."""
    ops: list[tuple[str, list[bytes]]] = []
    operands: list[bytes] = []
    i, n = 0, len(data)
    while i < n:
        c = data[i : i + 1]
        if c in (b" ", b"\t", b"\r", b"\n", b"\f", b"\0"):
            i += 1
        elif c == b"%":
            while i < n and data[i : i + 1] not in (b"\r", b"\n"):
                i += 1
        elif c == b"(":
            depth, j = 1, i + 1
            while depth:
                d = data[j : j + 1]
                if d == b"\\":
                    j += 2
                    continue
                depth += {b"(": 1, b")": -1}.get(d, 0)
                j += 1
            operands.append(data[i:j])
            i = j
        elif c == b"<" and data[i + 1 : i + 2] != b"<":
            j = data.index(b">", i)
            operands.append(data[i : j + 1])
            i = j + 1
        elif c in (b"[", b"]", b"<", b">"):
            operands.append(c)
            i += 1
        else:
            j = i + 1
            while j < n and data[j] not in _WHITE and data[j] not in _DELIMS:
                j += 1
            token = data[i:j]
            if c == b"/" or token[:1] in b"+-.0123456789":
                if c == b"/" and j == i + 1:  # a name: read past its first slash
                    j = i + 1
                    while j < n and data[j] not in _WHITE and data[j] not in _DELIMS:
                        j += 1
                    token = data[i:j]
                operands.append(token)
            else:
                ops.append((token.decode("latin-1"), operands))
                operands = []
            i = j
    return ops
