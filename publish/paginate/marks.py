"""Note marks out of a text line: the raised, smaller ①②③ of note references.

In: a `TextLine` from pagination whose glyphs include note marks (face keys ending in `@sup`, see
`publish.paginate.setting`). Out: the line without them, plus one `TextLine` (kind "noteref") per
run of marks at the mark size (its `offset`: where the mark stands in its block's text), raised so that the marks' em box tops meet the text's em box top
(CJK faces centre their ink in the em box, so ① sits like a superscript). The composer already
gave each mark its small advance, so every glyph keeps its x.
"""

from __future__ import annotations

from publish.columns import columns
from publish.paginate.pages import PlacedRun, TextLine

MARK = "@sup"


def split_marks(line: TextLine, scale: float) -> tuple[TextLine, ...]:
    """`line` split into text and raised marks (the line itself when it has no marks)."""
    chars, xs, widths, faces = columns(line.glyphs, "chars", "xs", "widths", "faces")
    first = faces[0] if faces else ""
    if MARK not in first and (faces.count(first) == len(faces) or not any(MARK in face for face in set(faces))):
        return (line,)  # (nearly every line is in one face, told by one C-level count)
    rows = list(zip(chars, xs, widths, faces, strict=True))
    small = line.size * scale
    rise = 0.88 * (line.size - small)  # tops of the two em boxes level (baseline at 0.88 em)
    text = [r for r in rows if MARK not in r[3]]
    out: list[TextLine] = []
    if text:
        out.append(_line(line, text, line.y, line.size, line.kind, line.offset))
    group: list[tuple] = []
    before = 0  # text glyphs before the mark: a mark line's offset is where it stands in the text
    for r in [*rows, ("", 0.0, 0.0, "")]:
        if MARK in r[3]:
            group.append((r[0], r[1], r[2], r[3].split("@", 1)[0]))
            continue
        if group:
            out.append(_line(line, group, line.y + rise, small, "noteref", line.offset + before))
            group = []
        before += 1
    return tuple(out)


def _line(line: TextLine, rows: list[tuple], y: float, size: float, kind: str, offset: int) -> TextLine:
    chars, xs, widths, faces = (tuple(c) for c in zip(*rows, strict=True))
    return TextLine(line.x, y, size, PlacedRun(chars, xs, widths, faces), kind, line.article, line.column,
                    line.block, line.target, offset, line.repeat, line.note)
