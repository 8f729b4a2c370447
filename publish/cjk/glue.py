"""The glue model: each character as a fixed box plus adjustable space, in the style of LuaTeX-ja's JFM.

In: a paragraph's text, its per-character font roles, the metrics and the style. Out: a `Prepared`
paragraph — plain per-character lists (box, own glue on each side and its reduction priority,
Han–Western space, expandable gaps) and prefix sums from which the breaker reads any line's natural
width, reducible and expandable space in O(1).

The model (clreq.md §1.4, §1.5, §1.7; DESIGN.md §3):
- A full-width mark is a half-em box plus a half em of adjustable space on its open side (clreq
  §h-punctuation_adjustment_space): closing marks and pause/stop marks on the right, opening marks
  on the left, interpuncts a quarter em on each side. The space can be reduced to nothing.
- Two adjacent full-width marks are set to `adjacent_compression` em (clreq
  §h-adjustment_of_adjacent_punctuation_marks): the space between them goes first, then (1-em
  style) the outer space.
- A line-end mark is set half width (GB/T 15834 §5.1.10: SHALL): the space after the last
  character of a line is discarded at the break, like TeX's glue. An opening mark at line start loses
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

from dataclasses import dataclass

from publish.cjk.classes import (
    CLOSE,
    CONNECTOR,
    DASH,
    ELLIPSIS,
    HAN,
    HYPHEN,
    LCLOSE,
    LOPEN,
    MIDDOT,
    NBSP,
    NEWLINE,
    OPEN,
    PAUSE,
    PUNCTUATION,
    SOLIDUS,
    SPACE,
    STOP,
    WESTERN_ALNUM,
    WORDISH,
    breakable,
    classes_of,
)
from publish.cjk.metrics import Metrics
from publish.cjk.style import Style

# Reduction priority of each class's own adjustable space (clreq §procedures_for_inter-character_spacing_reduction).
P_SPACE, P_MIDDOT, P_BRACKET, P_COMMA, P_HANLATIN, P_PERIOD = 2, 3, 4, 5, 6, 7
_GLUE_PRIORITY = {OPEN: P_BRACKET, CLOSE: P_BRACKET, PAUSE: P_COMMA, STOP: P_PERIOD, MIDDOT: P_MIDDOT}
# Below this share of an em a "full-width" mark is taken as already narrow (a proportional glyph in a
# Western face, e.g. U+00B7 in many CJK fonts): it gets no adjustable space.
FULLWIDTH_MIN = 0.75
NO_EXPAND_NEIGHBOURS = frozenset({CONNECTOR, SOLIDUS, HYPHEN, SPACE, NBSP, NEWLINE})


@dataclass(slots=True)
class Prepared:
    """A paragraph ready for breaking: per-character lists (index k) and prefix sums (index 0..n)."""

    text: str
    roles: list[str]
    cls: list[int]
    em: list[float]  # em of each character's role, pt
    base_em: float  # em of the paragraph's first run: indent and thresholds are in this unit
    box: list[float]  # fixed part of each character's advance, pt
    dlg: list[float]  # designed space left of the ink inside the advance (opening marks, interpuncts)
    lg: list[float]  # own adjustable space on the left as set naturally (after adjacency)
    rg: list[float]  # own adjustable space on the right
    lg0: list[float]  # own left space before adjacency: what a line-start mark keeps if not trimmed
    gpr: list[int]  # reduction priority of the own space (0: none)
    hl: list[float]  # Han–Western space in the gap before k
    x3: list[int]  # gap before k expandable by even letter-spacing (expansion step 3)
    x4: list[int]  # gap before k openable as a last resort (inside Western words)
    ok: list[bool]  # ok[i]: a break may fall before character i (ok[n] is the paragraph end)
    # prefix sums: line (j, i) natural = E[i] - S[j], reducible = ESH[i] - SSH[j], expandable at
    # priorities 1–2 = EST[i] - SST[j], expandable gaps = EG3[i] - SG3[j] (and 4 likewise)
    S: list[float]
    E: list[float]
    SSH: list[float]
    ESH: list[float]
    SST: list[float]
    EST: list[float]
    SG3: list[int]
    EG3: list[int]
    SG4: list[int]
    EG4: list[int]
    LET: list[int]  # prefix count of non-punctuation characters (for 孤字)
    lead: list[float]  # left space kept by character j when it starts a line
    hang: list[bool]  # hang[i]: the mark before break i hangs past the measure


def prepare(text: str, roles: list[str], metrics: Metrics, style: Style) -> Prepared:
    n = len(text)
    cls = classes_of(text)
    # advances and ems, memoised per role for this call (metrics calls are the slow part)
    em_of: dict[str, float] = {}
    adv_of: dict[str, dict[str, float]] = {}
    em: list[float] = [0.0] * n
    adv: list[float] = [0.0] * n
    for k, ch in enumerate(text):
        r = roles[k]
        table = adv_of.get(r)
        if table is None:
            table = adv_of[r] = {}
            em_of[r] = float(metrics.em(r))
        a = table.get(ch)
        if a is None:
            a = table[ch] = 0.0 if cls[k] == NEWLINE else float(metrics.advance(ch, r))
        adv[k] = a
        em[k] = em_of[r]
    base_em = em[0] if n else 12.0

    kaiming = style.punctuation == "kaiming"
    allow = [True] * 8
    allow[P_PERIOD] = style.compress_periods
    box = adv[:]
    dlg = [0.0] * n
    lg = [0.0] * n
    rg = [0.0] * n
    gpr = [0] * n
    fw = [False] * n
    for k in range(n):
        c = cls[k]
        p = _GLUE_PRIORITY.get(c)
        if p is None:
            continue
        e = em[k]
        a = adv[k]
        if a < FULLWIDTH_MIN * e:
            continue
        fw[k] = True
        gpr[k] = p if allow[p] else 0
        half = 0.5 * e
        if c == MIDDOT:
            dlg[k] = lg[k] = rg[k] = half / 2
            box[k] = a - half
        elif c == OPEN:
            dlg[k] = half
            box[k] = a - half
            lg[k] = 0.0 if kaiming else half
        else:
            box[k] = a - half
            # 开明式: only 。！？ keep their full width (clreq §punctuation_width_adjustment)
            rg[k] = half if (c == STOP or not kaiming) else 0.0
    lg0 = lg[:]

    # adjacent full-width marks: at most `adjacent_compression` em for the pair
    target = style.adjacent_compression
    for k in range(1, n):
        if fw[k] and fw[k - 1]:
            e = em[k]
            pair = lg[k - 1] + box[k - 1] + rg[k - 1] + lg[k] + box[k] + rg[k]
            r = pair - target * e
            if r > 1e-9:
                t = min(r, lg[k])
                lg[k] -= t
                r -= t
                t = min(r, rg[k - 1])
                rg[k - 1] -= t
                r -= t
                if r > 1e-9:  # 1-em style: the outer spaces too
                    t = min(r, rg[k])
                    rg[k] -= t
                    r -= t
                    t = min(r, lg[k - 1])
                    lg[k - 1] -= t

    # Han–Western spaces and expandable gaps
    hl = [0.0] * n
    x3 = [0] * n
    x4 = [0] * n
    hls = style.han_latin_space
    for k in range(1, n):
        a, b = cls[k - 1], cls[k]
        if hls and ((a == HAN and b in WESTERN_ALNUM) or (b == HAN and a in WESTERN_ALNUM)):
            hl[k] = 0.25 * (em[k] if b == HAN else em[k - 1])
            continue  # this gap expands at priority 2, not by letter-spacing
        if a == b and (a == DASH or a == ELLIPSIS):
            continue  # never inside 2-em marks (clreq §procedures_for_inter-character_space_expansion)
        if a == NEWLINE or b == NEWLINE:
            continue
        x4[k] = 1
        if a in WORDISH and b in WORDISH:
            continue  # inside a Western word or number: only as a last resort
        if a in NO_EXPAND_NEIGHBOURS or b in NO_EXPAND_NEIGHBOURS:
            continue  # avoid expanding around connectors and solidi; word spaces stretch themselves
        if a == OPEN or a == LOPEN or b == CLOSE or b == LCLOSE:
            continue  # brackets hug what they enclose (clreq §h-adjustment_of_adjacent_punctuation_marks)
        x3[k] = 1

    # per-character reducible / expandable amounts
    lg_sh = [lg[k] if gpr[k] else 0.0 for k in range(n)]
    rg_sh = [rg[k] if gpr[k] else 0.0 for k in range(n)]
    hl_sh = [h * 0.5 for h in hl]  # ¼ em down to ⅛ em
    hl_st = [h for h in hl]  # ¼ em up to ½ em
    sp_sh = [0.0] * n
    sp_st = [0.0] * n
    for k in range(n):
        if cls[k] == SPACE:
            e = em[k]
            sp_sh[k] = max(0.0, box[k] - 0.25 * e)
            sp_st[k] = max(0.0, 0.5 * e - box[k])

    trim = style.trim_opening_at_line_start
    lead = [0.0] * n
    for k in range(n):
        if lg0[k] and not (trim and cls[k] == OPEN):
            lead[k] = lg0[k]

    hang = [False] * (n + 1)
    if style.hanging:
        for i in range(1, n + 1):
            c = cls[i - 1]
            if (c == PAUSE or c == STOP) and fw[i - 1] and (i < 2 or cls[i - 2] not in PUNCTUATION):
                hang[i] = True

    C = [0.0] * (n + 1)
    SH = [0.0] * (n + 1)
    ST = [0.0] * (n + 1)
    G3 = [0] * (n + 1)
    G4 = [0] * (n + 1)
    LET = [0] * (n + 1)
    c_ = sh_ = st_ = 0.0
    g3 = g4 = let = 0
    for k in range(n):
        c_ += hl[k] + lg[k] + box[k] + rg[k]
        sh_ += hl_sh[k] + lg_sh[k] + rg_sh[k] + sp_sh[k]
        st_ += hl_st[k] + sp_st[k]
        g3 += x3[k]
        g4 += x4[k]
        if cls[k] not in PUNCTUATION:
            let += 1
        C[k + 1] = c_
        SH[k + 1] = sh_
        ST[k + 1] = st_
        G3[k + 1] = g3
        G4[k + 1] = g4
        LET[k + 1] = let

    S = [0.0] * (n + 1)
    SSH = [0.0] * (n + 1)
    SST = [0.0] * (n + 1)
    SG3 = [0] * (n + 1)
    SG4 = [0] * (n + 1)
    for j in range(n):
        S[j] = C[j] + hl[j] + lg[j] - lead[j]
        SSH[j] = SH[j] + hl_sh[j] + lg_sh[j] - (lead[j] if gpr[j] else 0.0)
        SST[j] = ST[j] + hl_st[j]
        SG3[j] = G3[j + 1]
        SG4[j] = G4[j + 1]
    E = [0.0] * (n + 1)
    ESH = [0.0] * (n + 1)
    EST = [0.0] * (n + 1)
    for i in range(1, n + 1):
        k = i - 1
        trail = box[k] if cls[k] == SPACE or cls[k] == NEWLINE else 0.0
        E[i] = C[i] - rg[k] - trail - (box[k] if hang[i] else 0.0)
        ESH[i] = SH[i] - rg_sh[k] - sp_sh[k]
        EST[i] = ST[i] - sp_st[k]
    ok = breakable(text, cls, style.prohibition) if n else [True]

    return Prepared(
        text=text, roles=roles, cls=cls, em=em, base_em=base_em, box=box, dlg=dlg, lg=lg, rg=rg,
        lg0=lg0, gpr=gpr, hl=hl, x3=x3, x4=x4, ok=ok, S=S, E=E, SSH=SSH, ESH=ESH, SST=SST, EST=EST,
        SG3=SG3, EG3=G3, SG4=SG4, EG4=G4, LET=LET, lead=lead, hang=hang,
    )
