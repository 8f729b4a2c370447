"""Proofreading rules over plain text: where Chinese punctuation is written the ASCII way, marks that
are never closed, full-width digits, single dashes and ellipses, doubled stops.

In: a `Segment` — one paragraph, heading, caption or front-matter string, as the characters of its
source lines (markup blanked out with spaces, so offsets map back to line and column). Out:
`Finding`s with the offset, the code (publish/proof/codes.py), the message, what to do, and — where
the rewrite is unambiguous — the replacement text `publish fix-punctuation` may offer. The text itself
is never changed here.

Why "next to Chinese" and not "between two Chinese characters": the typical slip is `说:"要…` — the
colon stands between 说 and an ASCII quote. A mark counts as being in Chinese text when the character
before it is Chinese (a Han character or Chinese punctuation) or, for opening marks and stops, the
character after it is a Han character. `10:30`, `1,000`, `don't` and `(1)` stay untouched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

# Han ideographs (URO, Extension A, compatibility, the supplementary planes' extensions).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Chinese punctuation: CJK symbols (、。〈〉《》「」【】〔〕 …), full-width forms, curly quotes, … and —.
ZH_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"
_HAN_RE = re.compile(f"[{HAN}]")
_ZH_RE = re.compile(f"[{HAN}{ZH_PUNCT}]")


def is_han(ch: str) -> bool:
    return bool(ch) and _HAN_RE.match(ch) is not None


def is_zh(ch: str) -> bool:
    return bool(ch) and _ZH_RE.match(ch) is not None


@dataclass(frozen=True)
class Finding:
    """One problem in a segment: `offset` into its text, `length` characters long."""

    offset: int
    length: int
    code: str
    message: str
    fix: str
    replacement: str | None = None  # what fix-punctuation writes instead, or None: left to the editor


@dataclass
class Segment:
    """A piece of text proofread as one unit (marks must balance within it).

    `text` is the source lines joined by "\\n", with markup replaced by spaces; `first_line` is the
    file line of its first line; `fixable` is False where a replacement could break the file's syntax
    (TOML strings with escapes)."""

    text: str
    first_line: int
    fixable: bool = True
    kind: str = "paragraph"  # paragraph, heading, title, subtitle, byline, caption
    _starts: list[int] = field(default_factory=list, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """(file line, 0-based column) of an offset into `text`."""
        if not self._starts:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = bisect_right(self._starts, offset) - 1
        return self.first_line + index, offset - self._starts[index]


_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_CODES = {",": "ascii-comma", ":": "ascii-colon", ";": "ascii-semicolon", "?": "ascii-question",
                "!": "ascii-exclamation", "(": "ascii-paren", ")": "ascii-paren"}


def _ascii_marks(text: str) -> Iterator[Finding]:
    quotes: list[int] = []
    singles: list[int] = []
    # Parentheses in pairs: Chinese when they hold Chinese or follow it (`会议(第一次)`, `列表(1)`),
    # not in a formula `f(x)` or a Latin aside; an unpaired one by its neighbours alone.
    paired: dict[int, bool] = {}
    for m in re.finditer(r"\(([^()\n]*)\)", text):
        chinese = bool(_HAN_RE.search(m.group(1))) or is_zh(text[m.start() - 1:m.start()])
        paired[m.start()] = paired[m.end() - 1] = chinese
    for m in re.finditer(r"""[,:;?!()"']""", text):
        i = m.start()
        ch = m.group()
        if i in paired:
            if paired[i]:
                yield Finding(i, 1, "ascii-paren", f"ASCII {ch} in Chinese text",
                              f"write the full-width {_FULL[ch]}", _FULL[ch])
            continue
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch in "\"'":
            # a quote belongs to the Chinese text when either neighbour is Chinese, or it sits at
            # a stop that is itself an ASCII mark in Chinese (说:"要)
            near = is_zh(before) or is_zh(after) or (before in ",:;?!" and is_zh(text[i - 2:i - 1]))
            if near:
                (quotes if ch == '"' else singles).append(i)
            continue
        if ch == ")":
            chinese = is_han(before) or is_zh(after)
        elif ch == "(":
            chinese = is_zh(before) or is_han(after)
        else:
            # a stop after Chinese text, or before a Han character with no Latin letter or digit
            # before it (`GDP,增长` is Chinese text too; `1:2` and `a,b` are not)
            chinese = is_zh(before) or (is_han(after) and not (before.isascii() and before.isalnum()
                                                                 and text[i + 1:i + 2].isascii()))
        if chinese:
            yield Finding(i, 1, _ASCII_CODES[ch], f"ASCII {ch} in Chinese text",
                          f"write the full-width {_FULL[ch]}", _FULL[ch])
    for marks, mark, pair in ((quotes, '"', "“ ”"), (singles, "'", "‘ ’")):
        # Paired in order when their number is even: the rewrite is then unambiguous.
        even = len(marks) % 2 == 0
        for n, i in enumerate(marks):
            replacement = (pair[0] if n % 2 == 0 else pair[2]) if even else None
            yield Finding(i, 1, "ascii-quote", f"ASCII quotation mark {mark} in Chinese text",
                          f"write the Chinese quotation marks {pair}", replacement)


_PAIRS = (("“", "”", "unbalanced-quote"), ("‘", "’", "unbalanced-quote"),
          ("《", "》", "unbalanced-title-mark"), ("（", "）", "unbalanced-paren"))


def unclosed(text: str, opening: str, closing: str) -> tuple[list[int], list[int]]:
    """(offsets of openings never closed, offsets of closings never opened) — nesting counted."""
    stack: list[int] = []
    stray: list[int] = []
    for m in re.finditer(f"[{re.escape(opening)}{re.escape(closing)}]", text):
        if m.group() == opening:
            stack.append(m.start())
        elif stack:
            stack.pop()
        else:
            stray.append(m.start())
    return stack, stray


def _balance(text: str, continued: bool = False) -> Iterator[Finding]:
    for opening, closing, code in _PAIRS:
        open_, stray = unclosed(text, opening, closing)
        if continued and opening == "“":
            # A quotation running over several paragraphs opens each and closes only the last
            # (GB/T 15834 4.1.3.4): an unclosed “ before a paragraph that opens with “ is fine.
            open_ = []
        for i in open_:
            yield Finding(i, 1, code, f"{opening} is never closed", f"add the closing {closing} (or remove {opening})")
        for i in stray:
            yield Finding(i, 1, code, f"{closing} closes nothing", f"add the opening {opening} (or remove {closing})")


_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")


def _fullwidth(text: str) -> Iterator[Finding]:
    for m in _FULLWIDTH.finditer(text):
        narrow = "".join(chr(ord(c) - 0xFEE0) for c in m.group())
        yield Finding(m.start(), len(m.group()), "fullwidth-alnum",
                      f"full-width {'digits' if narrow.isdigit() else 'letters'} {m.group()}",
                      f"write {narrow}", narrow)


_RANGE_END = re.compile(r"[0-9年月日号時时点期版]")


def _dashes(text: str) -> Iterator[Finding]:
    for m in re.finditer(r"—+|-+", text):
        run = m.group()
        i, j = m.start(), m.end()
        # neighbours across spaces: `目标 — 建设` and `北京 - 上海` are the same slip
        before = text[:i].rstrip(" \t\u3000")[-1:]
        after = text[j:].lstrip(" \t\u3000")[:1]
        if run[0] == "—":
            if len(run) != 1:
                continue  # —— is right; longer runs are the editor's business
            # a range (2011年—2012年, 3—5月) uses the single dash rightly, and so does a chain of
            # connected items (苏木—嘎查—网格员: the connecting dash, GB/T 15834 4.13)
            if _RANGE_END.match(before or " ") and after.isdigit():
                continue
            if re.search(r"(?<!—)—(?!—)", text[max(0, i - 8):i]) or re.search(r"(?<!—)—(?!—)", text[j:j + 8]):
                continue
            if (is_zh(before) or not before.strip()) and (is_zh(after) or after in "“‘《（"):
                yield Finding(i, 1, "single-dash", "single dash — in Chinese text",
                              "the Chinese dash is two: ——", "——")
        elif len(run) <= 2 and is_han(before) and is_han(after):
            yield Finding(i, len(run), "single-dash", f"hyphen {run} between Chinese characters",
                          "write the dash —— (or ～ or — for a range)")


def _ellipses(text: str) -> Iterator[Finding]:
    for m in re.finditer(r"\.{3,}|。{3,}|…+|·{3,}", text):
        run = m.group()
        if run[0] == "…":
            if len(run) == 1:
                yield Finding(m.start(), 1, "single-ellipsis", "single ellipsis …",
                              "the Chinese ellipsis is two: ……", "……")
            continue
        if run[0] == "." and not (is_zh(text[m.start() - 1:m.start()]) or is_zh(text[m.end():m.end() + 1])):
            continue  # an English "..." in English text
        yield Finding(m.start(), len(run), "ascii-ellipsis", f"ellipsis written {run}",
                      "write the Chinese ellipsis ……", "……")


_STOPS = "，。、；："


def _doubled(text: str) -> Iterator[Finding]:
    for m in re.finditer(f"[{_STOPS}]{{2,}}|([？！])\\1+|,,+", text):
        run = m.group()
        if set(run) == {"。"} and len(run) >= 3:
            continue  # 。。。 is an ellipsis, reported as such
        replacement = run[0] if len(set(run)) == 1 else None
        yield Finding(m.start(), len(run), "doubled-punctuation", f"doubled punctuation {run}",
                      "keep one mark", replacement)


def check_segment(segment: Segment, *, continued: bool = False) -> list[Finding]:
    """Every finding in one segment, in text order. `continued`: the next paragraph opens with “."""
    text = segment.text
    found = [*_ascii_marks(text), *_balance(text, continued), *_fullwidth(text), *_dashes(text),
             *_ellipses(text), *_doubled(text)]
    found.sort(key=lambda f: (f.offset, f.code))
    return found
