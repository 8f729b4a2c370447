"""A title given as print lines, joined into one line for the contents, the PDF outline and the
EPUB's navigation.

In: the title's lines as the source gives them (`Article.title`) and how many characters fill a
title line of the layout. Out: one string — the lines joined with the separator each break needs.

A printed title breaks either where its measure is full (a sentence wrapped: joined with nothing,
as Chinese needs no space between words) or between two phrases (`依法履行监督职权` /
`助推全方位建设模范自治区`: joined with a full-width space, so they do not run together). The rule,
at each break, in order:

1. a letter or digit on both sides: an ordinary space (`Windows` / `11`);
2. a separating mark ends the first line or an opening mark begins the second (，、；：。！？—…
   and 《“（〈【 —): nothing, the mark separates;
3. inside an open 《…》, “…” or （…）: nothing (a name or a quotation is broken);
4. the first line is full (at least `full` characters: the measure broke it, not the sense), or
   the title is a 关于… phrase (`关于` in the first line or opening the second), or the second line
   opens with a word that carries the sentence on (在 于 与 和 及 暨 并 对 向 从 把 被 由 以 赴 的 之
   等 第): nothing;
5. otherwise the lines are phrases: a full-width space.
"""

from __future__ import annotations

from collections.abc import Sequence

FULL_WIDTH_SPACE = "\u3000"
SEPARATING_END = set("，、；：。！？,;:!?—…")
OPENING_START = set("《“‘（(〈【「『—")
CONTINUING = ("在", "于", "与", "和", "及", "暨", "并", "对", "向", "从", "把", "被", "由", "以", "赴", "的", "之", "等", "第")
PAIRS = {"《": "》", "“": "”", "（": "）", "(": ")", "〈": "〉", "【": "】", "「": "」", "『": "』"}


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _open_at_end(text: str) -> bool:
    depth: dict[str, int] = {}
    for ch in text:
        if ch in PAIRS:
            depth[ch] = depth.get(ch, 0) + 1
        else:
            for opening, closing in PAIRS.items():
                if ch == closing and depth.get(opening, 0) > 0:
                    depth[opening] -= 1
    return any(v > 0 for v in depth.values())


def separator(before: str, line: str, after: str, *, full: int = 20, first: str = "") -> str:
    """The separator between print line `line` of a title and the next line `after` (see the
    module docstring); `before`: the title up to and including `line` (for open quotes), `first`:
    its first line."""
    a, b = line.rstrip(), after.lstrip()
    if not a or not b:
        return ""
    if _alnum(a[-1]) and _alnum(b[0]):
        return " "
    if a[-1] in SEPARATING_END or a[-1].isspace() or b[0] in OPENING_START:
        return ""
    if _open_at_end(before):
        return ""
    if len(a) >= full or "关于" in (first or a) or b.startswith("关于") or b.startswith(CONTINUING):
        return ""
    return FULL_WIDTH_SPACE


def join_title(lines: Sequence[str], *, full: int = 20) -> str:
    """The title's lines joined (see the module docstring)."""
    parts = [line for line in lines if line]
    if not parts:
        return ""
    out = parts[0]
    for k in range(1, len(parts)):
        out += separator(out, parts[k - 1], parts[k], full=full, first=parts[0]) + parts[k]
    return out
