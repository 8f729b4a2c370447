"""Printed lines → paragraphs: widths in em and where a hard-wrapped paragraph ends.

In: body lines (`SourceLine`s) in reading order. Out: the measure of the page (the width of a full
line, in em) and the lines grouped into paragraphs.

Why width *and* punctuation: a paragraph's first line is short by its lost 2-em indent, a line in
the middle is full, its last line can be anything. A line ending in `。` is the paragraph's end only
when the next line is short by an indent (the README: punctuation alone is wrong a third of the
time); a short line ends its paragraph whatever it ends with, unless it is a first line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.importer.pages import SourceLine

HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
# Characters that end a sentence (full and half width) and closers that may follow them.
TERMINAL = set("。！？!?；;…：:")
CLOSERS = set("”’）)」』》")
# Characters a line cannot start with (clreq line-start prohibition: closing punctuation).
NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")


def width(text: str) -> float:
    """Printed width in em: CJK and full-width characters 1, ASCII (and NBSP) half."""
    return sum(0.5 if ord(c) < 0x80 or c == "\u00a0" else 1.0 for c in text)


def ends_sentence(text: str) -> bool:
    """Does the line end with sentence-final punctuation (possibly followed by closers)?"""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in TERMINAL


def measure(lines: Sequence[SourceLine]) -> float:
    """The full measure of a body line, in em.

    Most printed lines of a hard-wrapped column are full, and no body line is wider: the measure is
    the widest width that is common — seen at least twice and at least half as often as the most
    common width. Openings (full − 2) can be as frequent in a short text; title lines, wider, are rare.
    """
    counts: dict[int, int] = {}
    for line in lines:
        if line.width >= 12:
            counts[round(line.width)] = counts.get(round(line.width), 0) + 1
    if not counts:
        return 21.0
    top = max(counts.values())
    common = [w for w, n in counts.items() if n >= max(2, top / 2)]
    # Too little text to tell: the magazine's column (seed README: about 21 characters a line).
    return float(max(common)) if common else 21.0


def looks_first(line: SourceLine, full: float) -> bool:
    """Could this line open a paragraph (short by the 2-em indent, not starting with a closer)?"""
    return line.width <= full - 1.75 and bool(line.text) and line.text[0] not in NO_LINE_START


def opens_paragraph(line: SourceLine, full: float) -> bool:
    """Stricter than `looks_first`: a line as wide as a paragraph's opening line and no wider.

    The seed's opening lines measure 17–18.5 em (the 2-em indent, plus punctuation set tight);
    lines that carry on a paragraph are 19 em or wider unless they end it.
    """
    return full - 4.5 <= line.width <= full - 2.5 and looks_first(line, full)


def ends_paragraph(
    line: SourceLine, is_first: bool, nxt: SourceLine | None, full: float, heading: bool = False
) -> bool:
    """Is `line` the last line of its paragraph, given the line that follows it (or None)?

    `heading`: the paragraph so far opens with a heading number (`一、`, `（一）`).
    """
    if nxt is None:
        return True
    short = line.width < (full - 4.25 if is_first else full - 2.25)
    if short:
        return True
    if ends_sentence(line.text) and looks_first(nxt, full):
        return True
    # A heading (numbered, or a short unnumbered line) ends without punctuation; what shows its end
    # is the next line opening a paragraph.
    if line.text[-1] not in "，、,；;" and opens_paragraph(nxt, full):
        if heading or (is_first and not ends_sentence(nxt.text)):
            return True
    return False


def join_text(lines: Sequence[SourceLine]) -> str:
    return "".join(line.text for line in lines)


def paragraphs(lines: Sequence[SourceLine], full: float) -> list[list[SourceLine]]:
    """Group consecutive body lines into paragraphs."""
    out: list[list[SourceLine]] = []
    current: list[SourceLine] = []
    for i, line in enumerate(lines):
        current.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        heading = len(current) <= 2 and bool(HEADING_NUMBER.match(current[0].text)) and "。" not in join_text(current)
        if ends_paragraph(line, len(current) == 1, nxt, full, heading):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
