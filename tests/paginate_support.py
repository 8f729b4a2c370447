"""Stand-ins for pagination tests: a tiny composer and font set with predictable metrics, and
issue builders.

In: nothing. Out: `FAKE` (a composer module stand-in: `compose`, `Style`), `FakeFonts` (`runs`,
`metrics`, `pdf_font` is not needed), `make_issue(...)`.

Why: pagination's rules (grid, columns, widows, headings, balancing, folios, contents) must be
testable without the real composer and fonts; every CJK character is 1 em and ASCII ½ em, so a test
can count lines by hand. The stand-in keeps the composer contract (docs/architecture.md): glyphs
concatenate to the input, non-last justified lines are exactly `measure` wide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from publish.cjk import Style
from publish.model import Article, Byline, Heading, Issue, Paragraph, Section, Text

NO_START = set("，。、；：？！）》」』”’")


@dataclass(frozen=True)
class Run:
    text: str
    face: str


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float
    width: float
    face: str


@dataclass(frozen=True)
class Line:
    glyphs: tuple
    natural: float
    width: float
    ratio: float
    last: bool
    indent: float


# The style is the real one: pagination must hand the stand-in exactly what it hands the composer.
class FakeMetrics:
    def __init__(self, sizes: dict[str, float]) -> None:
        self.sizes = sizes

    def em(self, face: str) -> float:
        return self.sizes[face.split("~")[0]]

    def advance(self, char: str, face: str) -> float:
        return self.em(face) * (0.5 if ord(char) < 0x2E80 else 1.0)


class FakeFonts:
    def runs(self, text: str, role: str) -> list[Run]:
        return [Run(text, role)]

    def metrics(self, sizes: dict[str, float]) -> FakeMetrics:
        return FakeMetrics(sizes)


def compose(runs, measure: float, metrics, style: Style) -> list[Line]:
    chars = [(ch, r.face, metrics.advance(ch, r.face)) for r in runs for ch in r.text]
    if not chars:
        return []
    em = metrics.em(runs[0].face)
    lines: list[list] = []
    cur: list = []
    width = style.indent_em * em if style.align in ("justify", "left") else 0.0
    first_indent = width
    for c in chars:
        if cur and width + c[2] > measure + 1e-6:
            # Prohibition: a closing mark may not open a line — take one character down with it.
            if c[0] in NO_START and len(cur) > 1:
                moved = cur.pop()
                lines.append(cur)
                cur = [moved]
                width = moved[2]
            else:
                lines.append(cur)
                cur = []
                width = 0.0
        cur.append(c)
        width += c[2]
    lines.append(cur)
    out = []
    for k, ln in enumerate(lines):
        indent = first_indent if k == 0 else 0.0
        natural = indent + sum(c[2] for c in ln)
        last = k == len(lines) - 1
        extra = 0.0
        gap = 0.0
        if style.align == "justify" and not last and len(ln) > 1:
            gap = (measure - natural) / (len(ln) - 1)
        elif style.align == "center":
            extra = (measure - natural) / 2
        elif style.align == "right":
            extra = measure - natural
        x = indent + extra
        glyphs = []
        for c in ln:
            glyphs.append(Glyph(c[0], x, c[2], c[1]))
            x += c[2] + gap
        w = measure if gap else natural
        out.append(Line(tuple(glyphs), natural, w, 0.0, last, indent))
    return out


FAKE = SimpleNamespace(compose=compose, Style=Style, Run=Run)

HAN = "人大常委会议审定条例监督工作代表建议办理民生实事依法履职调研报告"


def body_text(n: int, seed: int = 0) -> str:
    """`n` characters of Chinese-looking text ending with 。"""
    s = "".join(HAN[(seed + i * 7) % len(HAN)] for i in range(n - 1))
    return s + "。"


def article(slug: str, paragraphs: list[int], *, title: str | None = None, heading_at: dict[int, str] | None = None,
            bylines: tuple[Byline, ...] = (Byline("市人大常委会办公室", "张三"),)) -> Article:
    blocks: list = []
    for k, n in enumerate(paragraphs):
        if heading_at and k in heading_at:
            blocks.append(Heading(1, (Text(heading_at[k]),), line=k + 1))
        blocks.append(Paragraph((Text(body_text(n, k)),), line=k + 1))
    return Article(slug=slug, title=(title or f"关于{slug}的报告",), blocks=tuple(blocks), bylines=bylines,
                   source=Path(f"articles/{slug}.md"))


def make_issue(sections: list[tuple[str, list[Article]]], *, first_folio: int = 3, layout: str = "magazine-16k") -> Issue:
    return Issue(
        magazine="巴彦淖尔人大",
        label="2025年第1期",
        date=dt.date(2025, 1, 20),
        sections=tuple(Section(t, tuple(arts)) for t, arts in sections),
        first_folio=first_folio,
        layout=layout,
    )
