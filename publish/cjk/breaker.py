"""Total-fit line breaking (Knuth–Plass style) over a prepared paragraph.

In: a `Prepared` paragraph (publish.cjk.glue), the measure of the first and of the other lines, and
whether lines are justified. Out: the break positions (character indices; the last is len(text)).

Each candidate line (j, i) gets a cost from its natural width and its reducible / expandable space
(all O(1) from prefix sums); the cheapest sum of costs over the paragraph wins. The costs encode:
- reduction before expansion (clreq 先挤压、后拉伸): reducing punctuation space costs at most ~80,
  while opening Han gaps by 0.05 em already costs 125 and by 0.1 em 1000 — so pulling a mark back
  onto a line by compressing punctuation (先挤进) wins over pushing a character down (后推出)
  whenever compression can do it;
- a cost for very loose lines (cubic in the per-gap letter-spacing, as TeX's badness);
- a strong penalty for a last line with fewer than two characters (孤字, clreq
  §adjustments_of_orphans_and_widows);
- prohibitions and unbreakable units are hard: such positions are not break candidates at all.

Speed: only break positions are candidates, and a line start j only tries ends i whose natural width
lies within `window` of the measure (found by bisection) up to the first overfull end. If that finds
no solution (pathological text), the search is repeated with no window, and then once more with the
prohibitions turned into large penalties and overfull lines allowed — so composing never fails and
never loses text. That relaxed search tries, from each start, only the ends up to a bounded overflow
(`RELAX_OVERFLOW_EM`), so it is linear in the length of text it cannot break (a long URL, a run of
digits), not quadratic. Every cost is a named constant below.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate, compress

from publish.cjk.classes import breakable
from publish.cjk.glue import Prepared

INF = float("inf")
# The cost of a line, in the order in which the breaker would rather pay them:
LINE_COST = 1.0  # every line: fewer lines when all else is equal
SHRINK_COST = 30.0  # × r², r = share of the line's reducible punctuation space used (先挤压)
STRETCH_COST = 20.0  # × r², r = share of the line's word/Han–Western space stretch used
LOOSE_COST = 1000.0  # × x³, x = letter-spacing between Han characters in tenths of an em (后拉伸)
LETTERSPACE_COST = 5000.0  # + LOOSE_COST × x³: letter-spacing inside a Western word, a last resort
ORPHAN_PENALTY = 1e7  # 孤字: outweighs any realistic sum of line costs
RELAXED_BREAK_PENALTY = 1e8  # a break the prohibition level forbids (remedy of clreq note n033)
UNBREAKABLE_PENALTY = 1e10  # a break inside a Western word, number or 2-em mark
OVERFULL_PENALTY = 1e9  # × (1 + overflow in em)²: a line wider than the measure
# The relaxed search never tries a line overfull by more than this many em (or times the measure,
# whichever is more): such a line costs OVERFULL_PENALTY × (1 + 16)² ≈ 2.9e11, more than breaking it
# up at forbidden positions does (UNBREAKABLE_PENALTY per extra line of at least an em). The bound
# keeps the relaxed search linear on text it cannot break (a 16,000-character run: every position a
# candidate, each start trying only the ends within a measure plus the bound); the tests compare it
# with the unbounded search.
RELAX_OVERFLOW_EM, RELAX_OVERFLOW_MEASURES = 16.0, 2.0
# First pass: only lines at most 0.08 em per character of the measure shorter than it (at least
# 1.5 em) — about the letter-spacing the quality checks accept (0.1 em). Looser lines are tried only
# if nothing within the window works, or if the window leaves a 孤字. On the seed at 21 em the
# window changes no break and needs no second pass, and saves a third of the work.
WINDOW_SHARE, WINDOW_MIN_EM = 0.08, 1.5
EPS = 1e-9


def find_breaks(p: Prepared, measure: float, first_measure: float, justify: bool) -> list[int]:
    """Break positions for the paragraph (the last is len(p.text))."""
    n = len(p.text)
    if n == 0:
        return []
    if p.E[n] - p.S[0] <= first_measure + EPS:
        return [n]  # the whole paragraph fits on its first line (titles, short items): nothing to choose
    em = p.base_em
    window = max(WINDOW_MIN_EM * em, WINDOW_SHARE * measure)
    result = _search(p, measure, first_measure, justify, window, relax=False)
    if result is not None and len(result) > 1 and result[-2] > p.orphan_after:
        # a 孤字 left by the window: the cure may need a looser line than the window admits
        result = _search(p, measure, first_measure, justify, INF, relax=False) or result
    if result is None:
        result = _search(p, measure, first_measure, justify, INF, relax=False)
    if result is None:
        result = _search(p, measure, first_measure, justify, INF, relax=True)
    assert result is not None  # the relaxed search accepts every position and every width
    return result


def _search(p: Prepared, measure: float, first: float, justify: bool, window: float, relax: bool):
    if relax or not justify:
        overflow = max(RELAX_OVERFLOW_EM * p.base_em, RELAX_OVERFLOW_MEASURES * max(measure, first))
        return _search_general(p, measure, first, justify, window, relax, overflow)
    return _search_justified(p, measure, first, window)


def _search_justified(p: Prepared, measure: float, first: float, window: float):
    """The common case, kept lean: justified lines, hard prohibitions. Same costs as `_search_general`.

    No per-paragraph tables beyond `dp`/`prev`: the first end worth trying from a start is found by
    bisection on the natural-width prefix sums C (non-decreasing, and never below E, so no end
    within the window is skipped), then ends are scanned until the line is overfull.
    """
    n = len(p.text)
    ok, C, E, ESH, EST, EG3 = p.ok, p.C, p.E, p.ESH, p.EST, p.EG3
    S, SSH, SST, SG3 = p.S, p.SSH, p.SST, p.SG3
    has_st = EST[n] > 0  # any word space or Han–Western space at all?
    En = E[n]
    ESHn = ESH[n]
    orphan_after = p.orphan_after  # a last line from j > this holds < 2 characters: 孤字
    dp = [INF] * (n + 1)
    prev = [-1] * (n + 1)
    dp[0] = 0.0
    # badness of letter-spacing d pt per gap: LOOSE_COST × (d / 0.1 em)³, the cube folded into one constant
    k3 = LOOSE_COST * (10.0 / p.base_em) ** 3
    line_cost, shrink_cost, stretch_cost, letterspace_cost = LINE_COST, SHRINK_COST, STRETCH_COST, LETTERSPACE_COST
    neg_eps = -EPS
    m = first
    for j in range(n):
        dj = dp[j]
        if dj == INF:
            continue
        dj += line_cost
        if j:
            m = measure
        Sj = S[j]
        base = m + Sj
        SSHj = SSH[j]
        SSTj = SST[j]
        SG3j = SG3[j]
        for i in range(bisect_left(C, base - window, j + 1), n):
            if not ok[i]:
                continue
            diff = base - E[i]
            if diff >= neg_eps:
                st = EST[i] - SSTj if has_st else 0.0
                if diff <= st:
                    r = diff / st if st > 0 else 0.0
                    bad = stretch_cost * r * r
                else:
                    g = EG3[i] - SG3j
                    if g > 0:
                        d = (diff - st) / g
                        bad = stretch_cost + k3 * d * d * d
                    else:
                        g = p.g4(j, i)
                        if g <= 0:
                            continue  # nothing on this line can open: it cannot be justified
                        d = (diff - st) / g  # letter-spacing inside a Western word
                        bad = letterspace_cost + k3 * d * d * d
            else:
                sh = ESH[i] - SSHj
                if diff + sh < neg_eps:
                    break  # overfull even fully reduced; every later end is longer still
                r = diff / sh
                bad = shrink_cost * r * r
            c = dj + bad
            if c < dp[i]:
                dp[i] = c
                prev[i] = j
        else:
            # the paragraph's last line from j: natural width, unless it must be reduced
            diff = base - En
            if diff >= neg_eps:
                c = dj
            else:
                sh = ESHn - SSHj
                if diff + sh < neg_eps:
                    continue
                r = diff / sh
                c = dj + shrink_cost * r * r
            if j > orphan_after and j:
                c += ORPHAN_PENALTY
            if c < dp[n]:
                dp[n] = c
                prev[n] = j
    return _path(dp, prev, n)


def _path(dp: list[float], prev: list[int], n: int) -> list[int] | None:
    if dp[n] == INF:
        return None
    out = []
    i = n
    while i > 0:
        out.append(i)
        i = prev[i]
    out.reverse()
    return out


def _search_general(p: Prepared, measure: float, first: float, justify: bool, window: float, relax: bool,
                    overflow: float = INF):
    """Any alignment; with `relax`, every position is a candidate (forbidden ones at a penalty)
    and overfull or unjustifiable lines are allowed at a penalty (up to `overflow` pt beyond the
    measure), so a solution always exists."""
    n = len(p.text)
    ok = p.ok
    if relax:
        words_ok = breakable(p.text, p.cls, "none")
        cand = list(range(1, n + 1))
        pen = [0.0] * (n + 1)
        for i in range(1, n):
            if not ok[i]:
                pen[i] = RELAXED_BREAK_PENALTY if words_ok[i] else UNBREAKABLE_PENALTY
    else:
        cand = list(compress(range(1, n + 1), ok[1:]))
        pen = None
    E, S, ESH, SSH, EST, SST = p.E, p.S, p.ESH, p.SSH, p.EST, p.SST
    EG3, SG3 = p.EG3, p.SG3
    em = p.base_em
    key = list(accumulate(map(E.__getitem__, cand), max))
    ncand = len(cand)
    dp = [INF] * (n + 1)
    prev = [-1] * (n + 1)
    dp[0] = 0.0
    inv_tenth = 10.0 / em
    first_after = 0
    for j in (0, *cand[:-1]):
        dj = dp[j]
        while first_after < ncand and cand[first_after] <= j:
            first_after += 1
        if dj == INF:
            continue
        m = first if j == 0 else measure
        Sj = S[j]
        SSHj = SSH[j]
        SSTj = SST[j]
        SG3j = SG3[j]
        lo = first_after if window == INF else bisect_left(key, Sj + m - window, first_after)
        lo = min(lo, ncand - 1)
        for t in range(lo, ncand):
            i = cand[t]
            diff = m - (E[i] - Sj)
            last = i == n
            if diff < -EPS:
                sh = ESH[i] - SSHj
                if -diff > sh + EPS:
                    if not relax:
                        break  # overfull even fully reduced; every later end is longer still
                    if -(diff + sh) > overflow and t > lo:
                        break  # later ends are overfull by more still (E and ESH grow with i)
                    over = 1.0 - (diff + sh) / em  # 1 + overflow in em: grows fast, so a word wider
                    bad = OVERFULL_PENALTY * over * over  # than the measure is split rather than left sticking out
                else:
                    r = -diff / sh
                    bad = SHRINK_COST * r * r
            elif last or not justify:
                # a last line, or a ragged one: set at natural width; ragged lines prefer fullness
                bad = 0.0 if last else (diff / em) ** 2
            else:
                st = EST[i] - SSTj
                if diff <= st:
                    r = diff / st if st > 0 else 0.0
                    bad = STRETCH_COST * r * r
                else:
                    g = EG3[i] - SG3j
                    if g > 0:
                        x = (diff - st) / g * inv_tenth
                        bad = STRETCH_COST + LOOSE_COST * x * x * x
                    else:
                        g = p.g4(j, i)
                        if g > 0:  # letter-spacing inside a Western word: a last resort
                            x = (diff - st) / g * inv_tenth
                            bad = LETTERSPACE_COST + LOOSE_COST * x * x * x
                        elif relax:
                            bad = OVERFULL_PENALTY
                        else:
                            continue  # cannot be justified
            c = dj + LINE_COST + bad
            if last and j and j > p.orphan_after:
                c += ORPHAN_PENALTY
            if pen is not None:
                c += pen[i]
            if c < dp[i]:
                dp[i] = c
                prev[i] = j
    return _path(dp, prev, n)
