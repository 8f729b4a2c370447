"""Setting one line: reduction in clreq's priority order, or expansion, then glyph positions.

In: a prepared paragraph, a line's character range (j, i), its measure and alignment. Out: a `Line`
of `Glyph`s with pen positions, set widths and the adjustment ratio.

Reduction (clreq §procedures_for_inter-character_spacing_reduction): the line-end mark is already
half width (step 1, see publish.cjk.glue); then word spaces to ¼ em (2), interpuncts (3), brackets
and quotes (4), commas / enumeration commas / semicolons / colons (5), Han–Western space to ⅛ em
(6), and periods / question / exclamation marks (7, only with `compress_periods`). Each step is
used fully before the next starts; items of one step share it in proportion to their space ("at the
same time, with equal treatment").

Expansion (clreq §procedures_for_inter-character_space_expansion): word spaces up to ½ em (1),
Han–Western space up to ½ em (2), then every expandable gap equally (3); gaps inside Western
words only when a line has no other (a last resort, never inside `——`/`……`).

Speed: Han characters are plain boxes, so widths and gaps start as list slices and only the
paragraph's `special` (non-Han) positions inside the line are visited one by one; positions come
from `itertools.accumulate`, and the line keeps them column-wise (`GlyphRun`): no object per glyph.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from operator import add

from publish.cjk.classes import HAN, MIDDOT, NEWLINE, SPACE
from publish.cjk.glue import P_HANLATIN, P_SPACE, Prepared
from publish.cjk.style import GlyphRun, Line, make_line


def set_line(
    p: Prepared, j: int, i: int, measure: float, indent: float, last: bool, align: str
) -> Line:
    cls, box, lg, rg, gpr, hl, em, lead = p.cls, p.box, p.lg, p.rg, p.gpr, p.hl, p.em, p.lead
    sp = p.special
    spec = sp[bisect_left(sp, j) : bisect_left(sp, i)]
    m = measure - indent
    nat = p.E[i] - p.S[j]
    diff = m - nat
    justify = align == "justify"
    end = i - 1
    hung = p.hang[i]
    if hung and (last or not justify) and nat + box[end] <= m + 1e-9:
        # a line set at natural width hangs its mark only if the mark would cross the measure
        hung = False
        nat += box[end]
        diff = m - nat

    # how far each reduction step is used (index = priority), or the expansion amounts
    f = [0.0] * 8
    sp_st_f = hl_st_f = e3 = e4 = ratio = 0.0
    if diff < -1e-12:
        red = [0.0] * 8
        for k in spec:
            pr = gpr[k]
            if pr:
                red[pr] += (lg[k] if k > j else lead[k]) + (rg[k] if k < end else 0.0)
            elif cls[k] == SPACE and k < end:
                red[P_SPACE] += max(0.0, box[k] - 0.25 * em[k])
            if k > j:
                red[P_HANLATIN] += 0.5 * hl[k]
            if k < end and cls[k + 1] == HAN:
                red[P_HANLATIN] += 0.5 * hl[k + 1]
        need = -diff
        total = sum(red)
        for pr in range(2, 8):
            if need <= 0:
                break
            if red[pr] > 0:
                take = min(need, red[pr])
                f[pr] = take / red[pr]
                need -= take
        ratio = max(-1.0, diff / total) if total > 0 else -1.0
    elif diff > 1e-12 and justify and not last:
        st1 = st2 = 0.0
        for k in spec:
            if cls[k] == SPACE and k < end:
                st1 += max(0.0, 0.5 * em[k] - box[k])
            if k > j:
                st2 += hl[k]
            if k < end and cls[k + 1] == HAN:
                st2 += hl[k + 1]
        rem = diff
        if st1 > 0:
            take = min(rem, st1)
            sp_st_f = take / st1
            rem -= take
        if st2 > 0 and rem > 0:
            take = min(rem, st2)
            hl_st_f = take / st2
            rem -= take
        g3 = p.EG3[i] - p.SG3[j]
        if rem > 0:
            if g3 > 0:
                e3 = rem / g3
            else:
                g4 = p.g4(j, i) - (p.x4[end] if hung else 0)  # a hung mark's gap never opens
                if g4 > 0:
                    e4 = rem / g4
        cap = st1 + st2 + 0.1 * p.base_em * g3
        ratio = diff / cap if cap > 0 else float("inf")

    # widths (Han: the box) and the gaps before each character but the first (None: all zero)
    ws = p.nat[j:i]
    if e3:
        gaps = [e3 * x for x in p.x3[j + 1 : i]]
    elif e4:
        gaps = [e4 * x for x in p.x4[j + 1 : i]]
    else:
        gaps = None
    if gaps is not None and hung and i - j > 1:
        gaps[-1] = 0.0  # a hung mark stays attached to the character before it
    offs: list[float] | None = None  # made for the first glyph drawn left of its set box
    shifted = []  # (t, offset) of glyphs drawn left of their set box: opening marks, interpuncts
    hl_factor = 1.0 - 0.5 * f[P_HANLATIN] + hl_st_f
    dlg = p.dlg
    for k in spec:
        t = k - j
        pr = gpr[k]
        keep = 1.0 - f[pr] if pr else 1.0
        left = (lg[k] if k > j else lead[k]) * keep
        c = cls[k]
        # at the line end the space after a mark goes, but an interpunct keeps its quarter em (glue)
        right = rg[k] * keep if k < end else (rg[k] if c == MIDDOT else 0.0)
        b = box[k]
        if c == SPACE:
            if k == end:
                b = 0.0
            else:
                e = em[k]
                b = b - max(0.0, b - 0.25 * e) * f[P_SPACE] + max(0.0, 0.5 * e - b) * sp_st_f
        elif c == NEWLINE:
            b = 0.0
        ws[t] = left + b + right
        off = dlg[k] - left
        if off:
            if offs is None:
                offs = [0.0] * (i - j)
            offs[t] = off
            shifted.append((t, off))
        h = hl[k]
        if k > j and h:
            if gaps is None:
                gaps = [0.0] * (i - j - 1)
            gaps[t - 1] += h * hl_factor
        if k < end and cls[k + 1] == HAN:
            h = hl[k + 1]
            if h:
                if gaps is None:
                    gaps = [0.0] * (i - j - 1)
                gaps[t] += h * hl_factor

    shift = 0.0
    if not justify and diff > 0:
        if align == "center":
            shift = diff / 2
        elif align == "right":
            shift = diff
    # set-box starts: start, then each previous width plus the gap before; pens = starts − offsets
    if gaps is None:
        starts = accumulate(ws[:-1], initial=shift + indent)
    else:
        starts = accumulate(map(add, ws, gaps), initial=shift + indent)
    xs: tuple[float, ...]
    if offs is None:  # (most lines) the starts are the pens: made as the tuple they end as
        xs = tuple(starts)
        line_end = xs[-1] if hung else xs[-1] + ws[-1]
        offsets: tuple[float, ...] = (0.0,) * (i - j)
    else:
        pens = list(starts)
        line_end = pens[-1] if hung else pens[-1] + ws[-1]
        for t, off in shifted:
            pens[t] -= off
        xs = tuple(pens)
        offsets = tuple(offs)
    glyphs = GlyphRun(p.chars[j:i], xs, tuple(ws), p.faces[j:i], offsets)
    return make_line(glyphs, indent + nat, line_end - shift, ratio, last, indent, align, hung)
