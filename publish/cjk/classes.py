"""Character classes for Chinese line composition, and the break rules built on them.

In: a character (or a paragraph's text). Out: a small integer class per character, and per
prohibition level the sets of classes that may not start / may not end a line.

Sources: W3C clreq (https://www.w3.org/TR/clreq/)
§h-pause-or-stop-punctuation-marks, §indication_punctuation_marks and Appendix A
(§table_of_pause_or_stop_punctuation_marks, §table_of_non-bracket_indication_punctuation_marks,
§table_of_bracket_indication_punctuation_marks) for the lists; §prohibition_rules_for_line_start_end
for the levels; §prohibition_rules_for_unbreakable_marks and
§handling_western_text_in_chinese_text_using_proportional_western_fonts for unbreakable units.
Cross-checked with GB/T 15834—2011 (as quoted in typst/typst#560) and the OOXML zh-CN kinsoku
defaults, which add the Latin brackets, `%`, `℃` and currency prefixes we also honour for mixed text.
"""

from __future__ import annotations

import re

# --- class codes (small ints: the composer keeps one per character in a plain list) ---------------
HAN = 0  # ideographs, kana, other full-width letters and symbols: a 1-em box, breakable both sides
OPEN = 1  # opening quotes / brackets / book-title marks (clreq Appendix A, bracket indication marks)
CLOSE = 2  # closing quotes / brackets / book-title marks
PAUSE = 3  # 点号 pause marks: 、，：； (clreq §h-pause-or-stop-punctuation-marks)
STOP = 4  # 点号 stop marks: 。．！？ and the doubled forms
MIDDOT = 5  # 间隔号 interpuncts (clreq Appendix A, non-bracket indication marks)
CONNECTOR = 6  # 连接号: ～ – and a single — (clreq §prohibition_rules_for_line_start_end)
SOLIDUS = 7  # 分隔号: / ／ (listed in clreq's zh text only)
DASH = 8  # 破折号 ——, ⸺: a 2-em unbreakable unit (clreq §prohibition_rules_for_unbreakable_marks)
ELLIPSIS = 9  # 省略号 ……, ⋯⋯: a 2-em unbreakable unit
LATIN = 10  # Latin (and other alphabetic) letters, other ASCII symbols: part of a Western word
DIGIT = 11  # digits: part of a number (UAX #14 NU×NU keeps them together)
SPACE = 12  # a breakable word space (U+0020 and the fixed-width spaces U+2000–U+200A)
NBSP = 13  # U+00A0 (and U+202F, U+2007): a space of the font's advance that never breaks
IDSPACE = 14  # U+3000 ideographic space: a 1-em blank, breakable both sides
LOPEN = 15  # Latin opening brackets ( [ { < : OOXML zh-CN "cannot end" list
LCLOSE = 16  # Latin closing brackets ) ] } > : OOXML "cannot start" list
LPUNCT = 17  # ASCII , . ; : ! ? and quotes as they occur inside Chinese text: not at line start
POSTFIX = 18  # % ℃ ‰ ％ °: stay with their number, never start a line (clreq §1.3 note, OOXML list)
PREFIX = 19  # $ ¥ ￥ £ €: never end a line (OOXML "cannot end" list)
HYPHEN = 20  # ASCII hyphen-minus: a connector in clreq's basic list (not at line start)
NEWLINE = 21  # a hard line break inside a run: kept as a zero-width glyph, breakable after

N_CLASSES = 22

# Marks that are full-width in Chinese fonts and carry adjustable half-em space (clreq
# §h-punctuation_adjustment_space): the space side depends on the class.
FULLWIDTH_MARKS = frozenset({OPEN, CLOSE, PAUSE, STOP, MIDDOT})
# Classes that count as punctuation (not "characters") for 孤字 (clreq §adjustments_of_orphans_and_widows).
PUNCTUATION = frozenset(
    {OPEN, CLOSE, PAUSE, STOP, MIDDOT, CONNECTOR, SOLIDUS, DASH, ELLIPSIS, LOPEN, LCLOSE, LPUNCT,
     POSTFIX, PREFIX, HYPHEN, SPACE, NBSP, IDSPACE, NEWLINE}
)
# Classes that make up Western words and numbers: no break between two of them (clreq §1.3:
# Latin words "should not break across a line-break"; digit runs keep their `.`/`%`/`℃`).
WORDISH = frozenset({LATIN, DIGIT, LOPEN, LCLOSE, LPUNCT, POSTFIX, PREFIX, HYPHEN})
# Classes between which and a Han character clreq §mixed_text_composition_in_horizontal_writing_mode
# puts up to 1/4 em: Western letters and digits (not punctuation of either script).
WESTERN_ALNUM = frozenset({LATIN, DIGIT})

_EXPLICIT: dict[str, int] = {}


def _add(chars: str, cls: int) -> None:
    for ch in chars:
        _EXPLICIT[ch] = cls


# clreq Appendix A: "Must not start a line (basic)" and "must not end a line".
_add("\u201c\u2018\u300c\u300e\uff08\u300a\u3008\u3010\u3016\u3014\uff3b\uff5b\u301d\u2985\uff5f", OPEN)
_add("\u201d\u2019\u300d\u300f\uff09\u300b\u3009\u3011\u3017\u3015\uff3d\uff5d\u301e\u301f\u2986\uff60", CLOSE)
_add("\u3001\uff0c\uff1a\uff1b", PAUSE)  # 、，：；
_add("\u3002\uff0e\uff01\uff1f\u203c\u2047\u2048\u2049", STOP)  # 。．！？‼⁇⁈⁉
_add("\u00b7\u30fb\u2027", MIDDOT)  # · ・ ‧
_add("\uff5e\u2013\u301c", CONNECTOR)  # ～ – 〜 ; a lone U+2014 is reclassified per paragraph
_add("/\uff0f", SOLIDUS)
_add("\u2014\u2e3a\u2e3b", DASH)
_add("\u2026\u22ef", ELLIPSIS)
_add("0123456789", DIGIT)
_add(" \u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\t", SPACE)
_add("\u00a0\u202f\u2007", NBSP)
_add("\u3000", IDSPACE)
_add("([{<", LOPEN)
_add(")]}>", LCLOSE)
_add(",.;:!?'\"", LPUNCT)
_add("%\u2103\u2030\uff05\u00b0\u2109\u2032\u2033", POSTFIX)
_add("$\u00a5\uffe5\u00a3\u20ac\uffe1\uff04", PREFIX)
_add("-", HYPHEN)
_add("\n\r", NEWLINE)


def classify(ch: str) -> int:
    """The class of one character: explicit tables first, then by code point range."""
    cls = _EXPLICIT.get(ch)
    if cls is not None:
        return cls
    cp = ord(ch)
    if cp < 0x2E80:
        # Below the CJK radicals block: Latin, Greek, Cyrillic, symbols — Western text.
        if 0x2460 <= cp <= 0x27BF or 0x25A0 <= cp <= 0x25FF:
            return HAN  # enclosed numbers, geometric shapes (● in bylines): 1-em symbols
        return LATIN
    if 0xFF10 <= cp <= 0xFF19:
        return HAN  # full-width digits behave as 1-em boxes
    return HAN


def _special_pattern() -> re.Pattern[str]:
    """A regex matching exactly the characters whose class is not HAN (checked by a test against
    `classify` over the BMP): the composer finds a paragraph's non-Han positions with it in C,
    without making a Python object per Han character."""
    ranges = ["\\x00-\u245f", "\u27c0-\u2e7f"]  # below the CJK blocks, except enclosed/symbol ranges
    singles = sorted(ch for ch, c in _EXPLICIT.items() if c != HAN and ord(ch) >= 0x2460 and not 0x27C0 <= ord(ch) <= 0x2E7F)
    return re.compile("[" + "".join(ranges) + "".join(re.escape(ch) for ch in singles) + "]")


SPECIAL_RE = _special_pattern()
# The characters of the 2-em units (——, ……): a text without any needs no look at its classes' runs.
UNIT_MARKS_RE = re.compile("[" + "".join(sorted(ch for ch, c in _EXPLICIT.items() if c in (DASH, ELLIPSIS))) + "]")

_CACHE: dict[str, int] = {}


def classes_of(text: str) -> list[int]:
    """Class codes of every character of `text`, with `—` alone reclassified as a connector.

    clreq §1.2 lists `—` (U+2014) "when used singly" as a connector mark; two or more in a row are
    a 破折号 (dash) made of 2-em units.
    """
    cache = _CACHE
    out = []
    for ch in text:
        c = cache.get(ch)
        if c is None:
            c = cache[ch] = classify(ch)
        out.append(c)
    if "\u2014" in text:
        n = len(text)
        for k, ch in enumerate(text):
            if ch == "\u2014" and (k == 0 or text[k - 1] != "\u2014") and (k + 1 == n or text[k + 1] != "\u2014"):
                out[k] = CONNECTOR
    return out


LEVELS = ("none", "basic", "gb", "strict")


def _levels() -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
    # clreq §prohibition_rules_for_line_start_end (https://www.w3.org/TR/clreq/).
    basic_start = frozenset(
        {PAUSE, STOP, CLOSE, CONNECTOR, MIDDOT, SOLIDUS, HYPHEN,
         # mixed-text extensions from the OOXML zh-CN kinsoku list (a cross-check of clreq's lists)
         LCLOSE, LPUNCT, POSTFIX}
    )
    basic_end = frozenset({OPEN, LOPEN, PREFIX})
    not_start = {
        "none": frozenset(),
        "basic": basic_start,
        "gb": basic_start,  # GB-style adds only a line-end rule
        "strict": basic_start | {DASH, ELLIPSIS},  # strict: 2-em dashes and ellipses not at line start
    }
    not_end = {
        "none": frozenset(),
        "basic": basic_end,
        "gb": basic_end | {SOLIDUS},  # GB-style: solidi not at line end
        "strict": basic_end | {SOLIDUS},
    }
    return not_start, not_end


NOT_START, NOT_END = _levels()


def break_table(level: str) -> list[list[bool]]:
    """`table[a][b]`: may a line break fall between a character of class a and one of class b?

    Beyond the level's prohibitions, at every level: no break before a word space (it stays at the
    end of the line it follows), none next to a no-break space, none inside a Western word or
    number, none after an opening or before a closing Latin bracket's content run. Breaks inside a
    run of dashes or ellipses are decided per position (see `breakable`).
    """
    ns, ne = NOT_START[level], NOT_END[level]
    table = []
    for a in range(N_CLASSES):
        row = []
        for b in range(N_CLASSES):
            ok = a not in ne and b not in ns
            if b in (SPACE, NEWLINE) or a == NBSP or b == NBSP:
                ok = False
            if a in WORDISH and b in WORDISH:
                ok = False
            if a == NEWLINE:
                ok = True  # a hard break is always a break
            row.append(ok)
        table.append(row)
    return table


BREAK_TABLES = {level: break_table(level) for level in LEVELS}


def breakable(text: str, classes: list[int], level: str, special: list[int] | None = None) -> list[bool]:
    """`ok[i]` for 0 < i < len(text): may a line break fall between text[i-1] and text[i]?
    (`ok[len(text)]`, the paragraph end, is True.)

    Runs of DASH / ELLIPSIS characters break only at even offsets from the run's start, so each
    `——` / `……` pair stays whole; several together may be split between pairs (clreq
    §prohibition_rules_for_unbreakable_marks: "When several such marks occur together, they may
    be split").

    Between two Han characters a break is always allowed, so only the gaps next to the `special`
    (non-Han) positions are looked up — the composer passes the list it already has.
    """
    table = BREAK_TABLES[level]
    n = len(classes)
    ok = [True] * (n + 1)
    ok[0] = False
    if special is None:
        special = [k for k, c in enumerate(classes) if c != HAN]
    last = n - 1
    for k in special:
        c = classes[k]
        row = table[c]
        if k:
            ok[k] = table[classes[k - 1]][c]
        if k < last:
            ok[k + 1] = row[classes[k + 1]]
    if DASH in classes or ELLIPSIS in classes:
        fix_unit_runs(ok, classes, table)
    ok[n] = True
    return ok


def fix_unit_runs(ok: list[bool], classes: list[int], table: list[list[bool]]) -> None:
    """Inside a run of DASH or ELLIPSIS characters, allow a break only between whole pairs, never
    leaving a lone half behind (see `breakable`)."""
    n = len(classes)
    k = 0
    while k < n:
        c = classes[k]
        if c != DASH and c != ELLIPSIS:
            k += 1
            continue
        end = k + 1
        while end < n and classes[end] == c:
            end += 1
        for i in range(k + 1, end):
            ok[i] = (i - k) % 2 == 0 and end - i >= 2 and table[c][c]
        k = end
