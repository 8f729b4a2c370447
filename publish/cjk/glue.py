"""The glue model: each character as a fixed box plus adjustable space, in the style of LuaTeX-ja's JFM.

In: a paragraph's text, its per-character faces (font face keys), the metrics and the style. Out: a `Prepared`
paragraph — plain per-character lists (box, own glue on each side and its reduction priority,
Han–Western space, expandable gaps) and prefix sums from which the breaker reads any line's natural
width, reducible and expandable space in O(1).

The model (clreq, https://www.w3.org/TR/clreq/: punctuation width, adjustment and line
adjustment; why this model, docs/design/composer.md):
- A full-width mark is a half-em box plus a half em of adjustable space on its open side (clreq
  §h-punctuation_adjustment_space): closing marks and pause/stop marks on the right, opening marks
  on the left, interpuncts a quarter em on each side. The space can be reduced to nothing.
- Two adjacent full-width marks are set to `adjacent_compression` em (clreq
  §h-adjustment_of_adjacent_punctuation_marks): the space between them goes first, then (1-em
  style) the outer space.
- A line-end mark is set half width (GB/T 15834 §5.1.10: SHALL): the space after the last
  character of a line is discarded at the break, like TeX's glue — except an interpunct's, whose
  ink is centred in its em box: it keeps its quarter em on both sides, so it stays within the measure. An opening mark at line start loses
  its leading space when `trim_opening_at_line_start` (clreq §h-compression_of_punctuation_marks_at_line_start).
- Han–Han: no space, expandable (priority 3 of clreq's expansion order).
- Han–Western letter/digit: ¼ em, reducible to ⅛ em (reduction step 6), expandable to ½ em
  (expansion step 2); none at line start or end, none next to punctuation (clreq §1.7).
- Word spaces: the font's space, reducible to ¼ em (reduction step 2), expandable to ½ em
  (expansion step 1). At a line end a space is set with zero width.

Reduction priorities (clreq §procedures_for_inter-character_spacing_reduction), as numbers:
2 word spaces, 3 interpuncts, 4 brackets and quotes, 5 commas/enumeration commas/semicolons/colons,
6 Han–Western space, 7 periods/question/exclamation marks (only with `compress_periods`).
Step 1 (the line-end mark) is not a choice here: it is always halved.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from publish.cjk.classes import (
    BREAK_TABLES,
    CLOSE,
    CONNECTOR,
    DASH,
    ELLIPSIS,
    HAN,
    HYPHEN,
    LCLOSE,
    LOPEN,
    MIDDOT,
    N_CLASSES,
    NBSP,
    NEWLINE,
    OPEN,
    PAUSE,
    PUNCTUATION,
    SOLIDUS,
    SPACE,
    SPECIAL_RE,
    STOP,
    UNIT_MARKS_RE,
    WESTERN_ALNUM,
    WORDISH,
    classify,
    fix_unit_runs,
)
from publish.cjk.metrics import Metrics
from publish.cjk.style import Run, Style

# Reduction priority of each class's own adjustable space (clreq §procedures_for_inter-character_spacing_reduction).
P_SPACE, P_MIDDOT, P_BRACKET, P_COMMA, P_HANLATIN, P_PERIOD = 2, 3, 4, 5, 6, 7
_GLUE_PRIORITY = {OPEN: P_BRACKET, CLOSE: P_BRACKET, PAUSE: P_COMMA, STOP: P_PERIOD, MIDDOT: P_MIDDOT}
# Below this share of an em a "full-width" mark is taken as already narrow (a proportional glyph in a
# Western face, e.g. U+00B7 in many CJK fonts): it gets no adjustable space.
FULLWIDTH_MIN = 0.75
NO_EXPAND_NEIGHBOURS = frozenset({CONNECTOR, SOLIDUS, HYPHEN, SPACE, NBSP, NEWLINE})


@dataclass(slots=True)
class Prepared:
    """A paragraph ready for breaking: per-character sequences (index k) and prefix sums (index 0..n)."""

    text: str
    faces: tuple[str, ...]  # face key of each character
    cls: list[int]
    em: list[float]  # em of each character's face, pt
    base_em: float  # em of the paragraph's first run: indent and thresholds are in this unit
    box: list[float]  # fixed part of each character's advance, pt
    dlg: list[float]  # designed space left of the ink inside the advance (opening marks, interpuncts)
    lg: list[float]  # own adjustable space on the left as set naturally (after adjacency)
    rg: list[float]  # own adjustable space on the right
    gpr: list[int]  # reduction priority of the own space (0: none)
    hl: list[float]  # Han–Western space in the gap before k
    x3: list[int]  # gap before k expandable by even letter-spacing (expansion step 3)
    x4: list[int]  # gap before k openable as a last resort (inside Western words)
    ok: list[bool]  # ok[i]: a break may fall before character i (ok[n] is the paragraph end)
    special: list[int]  # positions of non-Han characters, ascending (everything else is a plain box)
    nat: list[float]  # natural set width of each character (own spaces included, after adjacency)
    # prefix sums: line (j, i) natural = E[i] - S[j], reducible = ESH[i] - SSH[j], expandable at
    # priorities 1–2 = EST[i] - SST[j], expandable gaps = EG3[i] - SG3[j]
    C: list[float]  # natural width of text[0:k] (non-decreasing; E[k] <= C[k])
    S: list[float]
    E: list[float]
    SSH: list[float]
    ESH: list[float]
    SST: list[float]
    EST: list[float]
    SG3: list[int]
    EG3: list[int]
    orphan_after: int  # a last line starting after this position would be a 孤字
    chars: tuple[str, ...]  # the text as one string object per character (tuples: a line's glyphs are slices)
    lead: list[float]  # left space kept by character j when it starts a line
    hang: list[bool]  # hang[i]: the mark before break i hangs past the measure
    _G4: list[int] | None = None

    def g4(self, j: int, i: int) -> int:
        """Gaps of line (j, i) that may open as a last resort (made on first use: rarely needed)."""
        if self._G4 is None:
            self._G4 = list(accumulate(self.x4, initial=0))
        return self._G4[i] - self._G4[j + 1]


# Per-character properties, memoised per metrics object, face and the style switches they depend on.
# Field order of the tuples:
(F_CLS, F_EM, F_BOX, F_DLG, F_LG, F_RG, F_GPR, F_FW, F_LET, F_LEAD, F_SH, F_ST, F_RG_SH, F_SP_SH, F_TRAIL, F_NAT,
 F_LG_SH, F_SP_ST) = range(18)
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _weak(metrics: Metrics) -> Metrics:
    """A weak proxy of `metrics` (itself, for an object that cannot be weakly referenced)."""
    try:
        return weakref.proxy(metrics)
    except TypeError:
        return metrics


class _Advances(dict):
    """char → natural advance in pt (a hard line break: 0), asked of the metrics once."""

    def __init__(self, metrics: Metrics, face: str) -> None:
        super().__init__()
        # A weak proxy: this table is a value of `_TABLES`, whose weak key is `metrics`; a strong
        # reference back would keep every metrics object (and its tables) alive for ever — ~85 KB
        # a build in a process that builds again and again.
        self.metrics, self.face = _weak(metrics), face

    def __missing__(self, ch: str) -> float:
        a = self[ch] = 0.0 if ch in "\n\r" else float(self.metrics.advance(ch, self.face))
        return a


class _CharTable(dict):
    """char → properties tuple, computed on first use (`__missing__`), so a paragraph's lookups
    are one C-level dict access per character."""

    def __init__(self, metrics: Metrics, face: str, kaiming: bool, periods: bool, trim: bool) -> None:
        super().__init__()
        self.metrics, self.face, self.kaiming, self.periods, self.trim = _weak(metrics), face, kaiming, periods, trim
        self.em = float(metrics.em(face))
        self.advances = _Advances(metrics, face)

    def __missing__(self, ch: str) -> tuple:
        c = classify(ch)
        e = self.em
        a = self.advances[ch]
        box, dlg, lg, rg, gpr, fw = a, 0.0, 0.0, 0.0, 0, False
        p = _GLUE_PRIORITY.get(c)
        if p is not None and a >= FULLWIDTH_MIN * e:
            fw = True
            gpr = 0 if (p == P_PERIOD and not self.periods) else p
            half = 0.5 * e
            box = a - half
            if c == MIDDOT:
                dlg = lg = rg = half / 2
            elif c == OPEN:
                dlg = half
                lg = 0.0 if self.kaiming else half
            else:
                # 开明式: only 。！？ keep their full width (clreq §punctuation_width_adjustment)
                rg = half if (c == STOP or not self.kaiming) else 0.0
        lead = 0.0 if (self.trim and c == OPEN) else lg
        lg_sh = lg if gpr else 0.0
        rg_sh = rg if gpr else 0.0
        sp_sh = sp_st = 0.0
        if c == SPACE:
            sp_sh = max(0.0, a - 0.25 * e)  # word space reducible to ¼ em
            sp_st = max(0.0, 0.5 * e - a)  # and expandable to ½ em
        trail = box if c in (SPACE, NEWLINE) else 0.0
        let = 0 if c in PUNCTUATION else 1
        props = (c, e, box, dlg, lg, rg, gpr, fw, let, lead, lg_sh + rg_sh + sp_sh, sp_st, rg_sh, sp_sh, trail,
                 lg + box + rg, lg_sh, sp_st)
        self[ch] = props
        return props


class _ClassTable(dict):
    def __missing__(self, ch: str) -> int:
        c = self[ch] = classify(ch)
        return c


_CLASSES = _ClassTable()


def _table(metrics: Metrics, face: str, style: Style) -> _CharTable:
    key = (face, style.punctuation == "kaiming", style.compress_periods, style.trim_opening_at_line_start)
    try:
        per = _TABLES.get(metrics)
        if per is None:
            per = _TABLES[metrics] = {}
    except TypeError:  # metrics that cannot be weakly referenced: memoise for this call only
        per = {}
    t = per.get(key)
    if t is None:
        t = per[key] = _CharTable(metrics, face, *key[1:])
    return t


def _gap_tables(hls: bool) -> tuple[list[list[int]], list[list[int]]]:
    """x3[a][b], x4[a][b]: may the gap between classes a and b open up (expansion step 3 / last resort)?"""
    x3 = [[1] * N_CLASSES for _ in range(N_CLASSES)]
    x4 = [[1] * N_CLASSES for _ in range(N_CLASSES)]
    for a in range(N_CLASSES):
        for b in range(N_CLASSES):
            if hls and ((a == HAN and b in WESTERN_ALNUM) or (b == HAN and a in WESTERN_ALNUM)):
                x3[a][b] = x4[a][b] = 0  # this gap is Han–Western space: it expands at priority 2
            elif (a == b and a in (DASH, ELLIPSIS)) or NEWLINE in (a, b):
                x3[a][b] = x4[a][b] = 0  # never inside 2-em marks (clreq §procedures_for_inter-character_space_expansion)
            elif a in WORDISH and b in WORDISH:
                x3[a][b] = 0  # inside a Western word or number: only as a last resort
            elif a in NO_EXPAND_NEIGHBOURS or b in NO_EXPAND_NEIGHBOURS:
                x3[a][b] = 0  # avoid expanding around connectors and solidi; word spaces stretch themselves
            elif a in (OPEN, LOPEN) or b in (CLOSE, LCLOSE):
                x3[a][b] = 0  # brackets hug what they enclose (clreq §h-adjustment_of_adjacent_punctuation_marks)
    return x3, x4


GAP_TABLES = {True: _gap_tables(True), False: _gap_tables(False)}


def _sparse_prefix(values: list[float], special: list[int], extra: list[int], n: int) -> list[float]:
    """Prefix sums of `values`, which are zero except at `special` and `extra` positions: filled
    run by run (C-level list fills) instead of adding n numbers."""
    out = [0.0] * (n + 1)
    cur = 0.0
    start = 1
    for k in sorted(set(special).union(extra)) if extra else special:
        v = values[k]
        if v:
            if cur:
                out[start : k + 1] = [cur] * (k + 1 - start)
            cur += v
            start = k + 1
    if cur:
        out[start:] = [cur] * (n + 1 - start)
    return out


def prepare(runs: Sequence[Run], metrics: Metrics, style: Style) -> Prepared:
    """Prepare a paragraph given as runs (empty runs are skipped; the text must not be empty)."""
    # Han characters are plain boxes with no adjustable space: whole columns are made with C-level
    # list operations (slices, `map`, `accumulate`), and only the non-Han `special` positions are
    # visited one by one to add their space, adjacency and Han–Western corrections.
    parts = []
    chars: list[str] = []
    faces: list[str] = []
    box: list[float] = []
    em: list[float] = []
    tables = []
    marks: list[tuple[int, int]] = []  # [start, end) of note-mark runs (role "…@sup")
    for run in runs:
        t = run.text
        if not t:
            continue
        table = _table(metrics, run.face, style)
        if "@" in run.face:
            marks.append((len(chars), len(chars) + len(t)))
        parts.append(t)
        # one Python string per character, made once: later lookups and the glyphs reuse them
        # (and their cached hashes) instead of slicing the text again
        cs = list(t)
        chars += cs
        faces += [run.face] * len(t)
        em += [table.em] * len(t)
        box += map(table.advances.__getitem__, cs)
        tables.append((len(box), table))
    text = "".join(parts)
    n = len(text)
    special = [m.start() for m in SPECIAL_RE.finditer(text)]  # every non-Han position
    cls = [HAN] * n
    for k in special:
        cls[k] = _CLASSES[chars[k]]
    base_em = em[0]
    if marks and marks[0][0] == 0 and marks[0][1] < n:  # a paragraph opening with a note mark
        base_em = em[marks[0][1]]
    last = n - 1
    if "\u2014" in text:  # a lone U+2014 is a connector, two or more a dash (clreq §prohibition_rules_for_unbreakable_marks)
        for k in special:
            if text[k] == "\u2014" and (k == 0 or text[k - 1] != "\u2014") and (k == last or text[k + 1] != "\u2014"):
                cls[k] = CONNECTOR

    nat = box[:]  # natural set width; for Han the advance
    dlg = [0.0] * n
    lg = [0.0] * n
    rg = [0.0] * n
    gpr = [0] * n
    lead = [0.0] * n
    fw = [False] * n
    sh = [0.0] * n  # reducible space of each character (own spaces, word space)
    st = [0.0] * n  # expandable space (word space)
    has_space = False
    ti = 0
    for k in special:
        while k >= tables[ti][0]:
            ti += 1
        props = tables[ti][1][chars[k]]
        c = cls[k]
        if props[F_FW]:
            fw[k] = True
            box[k] = props[F_BOX]
            dlg[k] = props[F_DLG]
            lg[k] = props[F_LG]
            rg[k] = props[F_RG]
            gpr[k] = props[F_GPR]
            lead[k] = props[F_LEAD]
            sh[k] = props[F_SH]
        elif c == SPACE:
            has_space = True
            sh[k] = props[F_SP_SH]
            st[k] = props[F_SP_ST]
        elif c == NEWLINE:
            nat[k] = box[k] = 0.0

    # adjacent full-width marks: at most `adjacent_compression` em for the pair
    target = style.adjacent_compression
    prev = -2
    for k in special:
        if fw[k] and prev == k - 1 and fw[prev]:
            e = em[k]
            r = lg[prev] + box[prev] + rg[prev] + lg[k] + box[k] + rg[k] - target * e
            if r > 1e-9:
                cut = min(r, lg[k])
                lg[k] -= cut
                r -= cut
                cut = min(r, rg[prev])
                rg[prev] -= cut
                r -= cut
                if r > 1e-9:  # 1-em style: the outer spaces too
                    cut = min(r, rg[k])
                    rg[k] -= cut
                    r -= cut
                    cut = min(r, lg[prev])
                    lg[prev] -= cut
                for q in (prev, k):
                    sh[q] = lg[q] + rg[q] if gpr[q] else 0.0
        prev = k
    for k in special:
        if fw[k]:
            nat[k] = lg[k] + box[k] + rg[k]

    # Han–Western space (clreq §1.7), in the gap before a position: ¼ em, reducible to ⅛ em,
    # expandable to ½ em
    hl = [0.0] * n
    hl_at = []
    if style.han_latin_space:
        for k in special:
            if cls[k] in WESTERN_ALNUM:
                if k and cls[k - 1] == HAN:
                    hl[k] = 0.25 * em[k - 1]
                    hl_at.append(k)
                if k < last and cls[k + 1] == HAN:
                    hl[k + 1] = 0.25 * em[k + 1]
                    hl_at.append(k + 1)

    # expandable gaps: every Han–Han gap; the others by class pair
    X3, X4 = GAP_TABLES[style.han_latin_space]
    x3 = [1] * n
    x4 = [1] * n
    x3[0] = x4[0] = 0
    # and the break opportunities (publish.cjk.classes.breakable, inlined: same loop)
    brk = BREAK_TABLES[style.prohibition]
    ok = [True] * (n + 1)
    ok[0] = False
    for k in special:
        c = cls[k]
        if k:
            a = cls[k - 1]
            x3[k] = X3[a][c]
            x4[k] = X4[a][c]
            ok[k] = brk[a][c]
        if k < last:
            b = cls[k + 1]
            x3[k + 1] = X3[c][b]
            x4[k + 1] = X4[c][b]
            ok[k + 1] = brk[c][b]
    if UNIT_MARKS_RE.search(text) and (DASH in cls or ELLIPSIS in cls):  # (a text scan first: rarely any)
        fix_unit_runs(ok, cls, brk)
    ok[n] = True

    for a, b in marks:
        # A note mark (①, or a raised 1) belongs to the character before it: no break, no
        # Han–Western space and no opened gap before it or inside it.
        for k in range(a, b):
            if k:
                ok[k] = False
                x3[k] = x4[k] = 0
            hl[k] = 0.0
        if b <= last and cls[b] in WESTERN_ALNUM:
            hl[b] = 0.0
        hl_at = [k for k in hl_at if hl[k]]

    c_contrib = nat
    if hl_at:
        c_contrib = nat[:]
        sh_c = sh[:]
        st_c = st[:]
        for k in hl_at:
            h = hl[k]
            c_contrib[k] += h
            sh_c[k] += 0.5 * h
            st_c[k] += h
    else:
        sh_c, st_c = sh, st
    C = list(accumulate(c_contrib, initial=0.0))
    SH = _sparse_prefix(sh_c, special, hl_at, n)
    ST = _sparse_prefix(st_c, special, hl_at, n) if (hl_at or has_space) else [0.0] * (n + 1)
    G3 = list(accumulate(x3, initial=0))
    # 孤字: a last line starting after `orphan_after` holds fewer than two characters besides
    # punctuation (clreq §adjustments_of_orphans_and_widows)
    orphan_after = -1
    seen = 0
    for k in range(last, -1, -1):
        if cls[k] not in PUNCTUATION:
            seen += 1
            if seen == 2:
                orphan_after = k
                break

    # line (j, i): the start side drops the gap before j and keeps `lead` of an opening mark; the
    # end side drops the right space of the last character (line-end mark set half width, GB/T
    # 15834 §5.1.10) and a trailing word space. Han positions need no correction.
    S = C[:]
    SSH = SH[:]
    SST = ST[:] if hl_at else ST
    E = C[:]
    ESH = SH[:]
    EST = ST[:] if has_space else ST
    for k in special:
        if fw[k]:
            S[k] += lg[k] - lead[k]
            if gpr[k]:
                SSH[k] += lg[k] - lead[k]
                ESH[k + 1] -= rg[k]
            # An interpunct keeps its right quarter em at the line end (not reducible there): its
            # ink is centred in its em box, so dropping that space would push the box a quarter
            # em past the measure (clreq: interpuncts are set equally on both sides).
            if cls[k] != MIDDOT:
                E[k + 1] -= rg[k]
        else:
            c = cls[k]
            if c == SPACE:
                E[k + 1] -= box[k]
                ESH[k + 1] -= sh[k]
                EST[k + 1] -= st[k]
            elif c == NEWLINE:
                E[k + 1] -= box[k]
    for k in hl_at:
        h = hl[k]
        S[k] += h
        SSH[k] += 0.5 * h
        SST[k] += h

    hang = [False] * (n + 1)
    EG3 = G3
    if style.hanging:
        EG3 = G3[:]
        for k in special:
            c = cls[k]
            if (c == PAUSE or c == STOP) and fw[k] and (k == 0 or cls[k - 1] not in PUNCTUATION):
                hang[k + 1] = True
                E[k + 1] -= box[k]
                # the hung mark stays attached to the character before it: that gap never opens
                EG3[k + 1] -= x3[k]

    return Prepared(
        text=text, faces=tuple(faces), cls=cls, em=em, base_em=base_em, box=box, dlg=dlg, lg=lg, rg=rg,
        gpr=gpr, hl=hl, x3=x3, x4=x4, ok=ok, special=special, nat=nat, C=C, S=S, E=E, SSH=SSH, ESH=ESH,
        SST=SST, EST=EST, SG3=[*G3[1:], G3[n]], EG3=EG3, orphan_after=orphan_after, chars=tuple(chars),
        lead=lead, hang=hang,
    )
