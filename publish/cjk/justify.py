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
"""

from __future__ import annotations

from publish.cjk.classes import NEWLINE, SPACE
from publish.cjk.glue import P_HANLATIN, P_SPACE, Prepared
from publish.cjk.style import Glyph, Line


def set_line(
    p: Prepared, j: int, i: int, measure: float, indent: float, last: bool, align: str
) -> Line:
    text, cls, box, dlg, lg, rg, gpr, hl, em = p.text, p.cls, p.box, p.dlg, p.lg, p.rg, p.gpr, p.hl, p.em
    lead = p.lead
    m = measure - indent
    nat = p.E[i] - p.S[j]
    diff = m - nat
    justify = align == "justify"
    hung = p.hang[i]

    # fractions of each reduction step used (index = priority), and the expansion amounts
    f = [0.0] * 8
    sp_f_stretch = 0.0
    hl_f_stretch = 0.0
    e3 = e4 = 0.0
    ratio = 0.0
    if diff < -1e-12:
        red = [0.0] * 8
        for k in range(j, i):
            pr = gpr[k]
            if k > j:
                if pr and lg[k]:
                    red[pr] += lg[k]
                if hl[k]:
                    red[P_HANLATIN] += 0.5 * hl[k]
            elif pr and lead[k]:
                red[pr] += lead[k]
            if k < i - 1:
                if pr and rg[k]:
                    red[pr] += rg[k]
                if cls[k] == SPACE:
                    red[P_SPACE] += max(0.0, box[k] - 0.25 * em[k])
        need = -diff
        total = sum(red)
        for pr in range(2, 8):
            if need <= 0:
                break
            if red[pr] > 0:
                take = min(need, red[pr])
                f[pr] = take / red[pr]
                need -= take
        ratio = diff / total if total > 0 else -1.0
        if ratio < -1.0:
            ratio = -1.0
    elif diff > 1e-12 and justify and not last:
        st1 = st2 = 0.0
        for k in range(j, i):
            if k > j and hl[k]:
                st2 += hl[k]
            if cls[k] == SPACE and k < i - 1:
                st1 += max(0.0, 0.5 * em[k] - box[k])
        rem = diff
        if st1 > 0:
            take = min(rem, st1)
            sp_f_stretch = take / st1
            rem -= take
        if st2 > 0 and rem > 0:
            take = min(rem, st2)
            hl_f_stretch = take / st2
            rem -= take
        g3 = p.EG3[i] - p.SG3[j]
        if rem > 0:
            if g3 > 0:
                e3 = rem / g3
            else:
                g4 = p.EG4[i] - p.SG4[j]
                if g4 > 0:
                    e4 = rem / g4
        cap = st1 + st2 + 0.1 * p.base_em * g3
        ratio = diff / cap if cap > 0 else float("inf")

    # where the content starts: indent, plus the alignment's share of what is left over
    shift = 0.0
    if not justify and diff > 0:
        if align == "center":
            shift = diff / 2
        elif align == "right":
            shift = diff
    cursor = shift + indent
    x3, x4, roles = p.x3, p.x4, p.roles
    glyphs = []
    append = glyphs.append
    hl_factor = 1.0 - 0.5 * f[P_HANLATIN] + hl_f_stretch
    end = i - 1
    line_end = 0.0
    for k in range(j, i):
        c = cls[k]
        pr = gpr[k]
        if k > j:
            h = hl[k]
            if h:
                cursor += h * hl_factor
            if e3 and x3[k]:
                cursor += e3
            elif e4 and x4[k]:
                cursor += e4
            left = lg[k] * (1.0 - f[pr]) if pr else lg[k]
        else:
            left = lead[k] * (1.0 - f[pr]) if pr else lead[k]
        if k == end:
            right = 0.0
            if hung:
                line_end = cursor
        else:
            right = rg[k] * (1.0 - f[pr]) if pr else rg[k]
        b = box[k]
        if c == SPACE:
            if k == end:
                b = 0.0
            else:
                e = em[k]
                b = b - max(0.0, b - 0.25 * e) * f[P_SPACE] + max(0.0, 0.5 * e - b) * sp_f_stretch
        elif c == NEWLINE:
            b = 0.0
        w = left + b + right
        off = dlg[k] - left
        append(Glyph(text[k], cursor - off, w, roles[k], off))
        cursor += w
    if not hung:
        line_end = cursor
    width = line_end - shift
    return Line(
        glyphs=tuple(glyphs),
        natural=indent + nat,
        width=width,
        ratio=ratio,
        last=last,
        indent=indent,
        align=align,
        hung=hung,
    )
