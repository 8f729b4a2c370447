"""Column filling on the line grid: which rows go into which column, obeying break rules.

In: a sequence of `Row`s (each a whole number of grid lines high, with whether a column may end just
before it) and column capacities. Out: (first, end) index ranges per column. No fonts, no geometry:
the break rules (no widow/orphan lines, headings kept with what follows, figures never split) are
encoded in `Row.breakable` by `publish.paginate.setting`, and obeyed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    """A unit of the flow. `breakable`: a column may end just before this row. `space`: blank
    space (before a heading), dropped when it would open a column. `span`: across all columns."""

    height: int
    breakable: bool = True
    space: bool = False
    payload: Any = None
    span: bool = False  # spans all columns (a page-width figure): pagination places it between segments
    # A table's header row, repeated at the top of a column that begins with this row (its
    # height is counted there), and what closes a column that ends after this row (a table's
    # bottom rule: payload items drawn at the row's foot).
    repeat: Row | None = None
    closing: Any = None
    # A zero-height anchor: where a spanning band (a wide table, page-wide pictures: its rows) is
    # referenced in the flow. The band is set at the top or bottom of a page (`place`), not here.
    band: tuple[Row, ...] | None = None


def fit(rows: Sequence[Row], start: int, capacity: int, *, force: bool) -> tuple[int, int]:
    """Rows for one column of `capacity` lines from `start`: returns (first, end).

    Leading space rows are skipped (`first`). `end` is the last legal break that fits; with no
    legal break that fits, `end == first` (nothing placed) unless `force` (a fresh, full column,
    where nothing better can come) — then as many rows as fit, at least one.
    """
    n = len(rows)
    first = start
    while first < n and rows[first].space:
        first += 1
    used = lead(rows, first)
    j = first
    best = None
    while j < n and used + rows[j].height <= capacity:
        used += rows[j].height
        j += 1
        if j == n or rows[j].breakable:
            best = j
    if best is None:
        best = max(j, first + 1) if force and first < n else first
    return first, min(best, n)


def lead(rows: Sequence[Row], first: int) -> int:
    """Grid lines a column beginning at row `first` needs before it: a table's repeated header."""
    if first < len(rows):
        repeat = rows[first].repeat
        if repeat is not None:
            return repeat.height
    return 0


def height(rows: Sequence[Row], first: int, end: int) -> int:
    """Grid lines of rows[first:end] set in one column (with a repeated header it begins with)."""
    return sum(r.height for r in rows[first:end]) + (lead(rows, first) if end > first else 0)


def fill(rows: Sequence[Row], start: int, columns: int, capacity: int, *, force: bool) -> list[tuple[int, int, int]]:
    """Fill up to `columns` columns of `capacity` lines from `start`: [(column, first, end)]."""
    out: list[tuple[int, int, int]] = []
    i = start
    for col in range(columns):
        if i >= len(rows):
            break
        first, end = fit(rows, i, capacity, force=force)
        if end > first:
            out.append((col, first, end))
        i = end if end > first else first
        if end == first and not force:
            # Nothing fits in this column with a legal break; the next column is no taller.
            break
    return out


def balance(rows: Sequence[Row], start: int, columns: int, capacity: int) -> tuple[int, list[tuple[int, int, int]]] | None:
    """The shortest equal column height ≤ `capacity` that takes all rows from `start` in
    `columns` columns under the break rules: (height, placements), or None if there is none."""
    first = start
    while first < len(rows) and rows[first].space:
        first += 1
    total = height(rows, first, len(rows))
    if total == 0:
        return 0, []
    lo = max(1, -(-total // columns))
    for h in range(lo, capacity + 1):
        placed = fill(rows, first, columns, h, force=False)
        if placed and placed[-1][2] == len(rows):
            used = max(height(rows, f, e) for _c, f, e in placed)
            return used, placed
    return None
