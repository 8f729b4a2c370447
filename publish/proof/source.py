"""An article file's text → the `Segment`s the proofreading rules read, with their file lines.

In: the text of an article file (TOML front matter between `+++` lines, then Markdown). Out: one
segment per front-matter string (title, subtitle, bylines), per paragraph, heading and figure
caption, in file order, and the headings' levels with their lines (for `heading-skip`).

Markup is blanked out with spaces rather than removed, so an offset into a segment is the column in
its source line: a finding names the exact line, and `fix-punctuation` rewrites only the characters
it reported. Container fences (`:::`), heading marks (`##`), figure syntax and a link's `[`,
`](target)` are markup; the
text of front-matter keys other than title, subtitle and byline (`kind`, `section`) is not proofread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publish.proof.rules import Segment

_DELIMITER = re.compile(r"^\+\+\+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}:::")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+")
_FIGURE = re.compile(r"^\s*!\[(.*)\]\((.*)\)\s*$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
# a link `[text](target)` (target in <…> when it holds spaces or parentheses): only its text is prose
_LINK = re.compile(r"(?<![!\\])\[([^\]\n]*)\]\((?:<[^>\n]*>|[^()\s]*)\)")
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")
_PROOFREAD_KEYS = ("title", "subtitle", "byline", "unit", "name")


@dataclass(frozen=True)
class HeadingMark:
    level: int  # 1 for ##, 2 for ###
    line: int
    text: str


def _without_links(line: str) -> str:
    """`line` with the markup of its links (`[`, `](target)`) blanked: a web address's ASCII
    colon and parentheses are not Chinese text's punctuation."""
    found = list(_LINK.finditer(line))
    if not found:
        return line
    keep: list[tuple[int, int]] = []
    at = 0
    for m in found:
        keep += [(at, m.start()), (m.start(1), m.end(1))]
        at = m.end()
    keep.append((at, len(line)))
    return _blank(line, keep)


def _blank(line: str, keep: list[tuple[int, int]]) -> str:
    """`line` with every character outside the `keep` spans replaced by a space."""
    out = [" "] * len(line)
    for start, end in keep:
        out[start:end] = line[start:end]
    return "".join(out)


def _front_matter(lines: list[str], end: int) -> list[Segment]:
    """One segment per proofread key: its strings on their lines, everything else blanked — so a
    title given as printed lines is one text (a 《 opened on one line may close on the next)."""
    segments: list[Segment] = []
    key = ""
    rows: list[str] = []
    first = 0

    def flush() -> None:
        if rows and any(r.strip() for r in rows):
            kind = key if key in ("title", "subtitle") else "byline"
            segments.append(Segment("\n".join(rows), first, fixable=False, kind=kind))

    for index in range(1, end):
        line = lines[index]
        found = _KEY.match(line)
        if found and found.group(1) != key and not line[: found.start(1)].strip(" \t{[,"):
            flush()
            key, rows, first = found.group(1), [], index + 1
        elif found and not rows:
            key, first = found.group(1), index + 1
        if key not in _PROOFREAD_KEYS:
            rows.append("")
            continue
        keep = []
        for m in _STRING.finditer(line):
            if key == "byline":
                # inline tables: only the values of unit and name
                owner = _KEY.match(line[: m.start()].rsplit(",", 1)[-1].rsplit("{", 1)[-1])
                if owner is None or owner.group(1) not in ("unit", "name"):
                    continue
            keep.append((m.start(1), m.end(1)))
        if not rows:
            first = index + 1
        rows.append(_blank(line, keep))
    flush()
    return segments


def read_segments(text: str) -> tuple[list[Segment], list[HeadingMark]]:
    """See the module docstring. A file without front matter is read as body from line 1; one whose
    front matter is never closed gives nothing."""
    lines = re.split(r"\r\n|\r|\n", text)
    body_start = 0
    segments: list[Segment] = []
    if lines and _DELIMITER.match(lines[0]):
        closing = next((i for i in range(1, len(lines)) if _DELIMITER.match(lines[i])), None)
        if closing is None:
            return [], []  # where the front matter ends is unknown (a source error says so): nothing to read
        segments.extend(_front_matter(lines, closing))
        body_start = closing + 1
    headings: list[HeadingMark] = []
    paragraph: list[str] = []
    paragraph_start = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph and any(p.strip() for p in paragraph):
            segments.append(Segment("\n".join(paragraph), paragraph_start + 1))
        paragraph = []

    for index in range(body_start, len(lines)):
        line = lines[index]
        if not line.strip() or _FENCE.match(line):
            flush()
            continue
        heading = _HEADING.match(line)
        figure = _FIGURE.match(line)
        if heading:
            flush()
            level = len(heading.group(1)) - 1
            segments.append(Segment(_without_links(_blank(line, [(heading.end(), len(line))])), index + 1,
                                    kind="heading"))
            headings.append(HeadingMark(level, index + 1, line[heading.end():].strip()))
            continue
        if figure and not paragraph:
            flush()
            segments.append(Segment(_blank(line, [(figure.start(1), figure.end(1))]), index + 1, kind="caption"))
            continue
        if not paragraph:
            paragraph_start = index
        paragraph.append(_without_links(line))
    flush()
    return segments, headings
