"""Test and benchmark support: paragraphs of the seed issue's text layer, for the composer.

In: the seed text file (`../shared/seed/000_*.txt`: one printed line per non-blank line, at a
21-character measure; see the seed's README). Out: a list of paragraph strings.

A deliberately simple join, enough to give the composer realistic paragraphs (the importer does
the real recovery): running headers are dropped; a line ends its paragraph when it is visibly short
of the measure (< 20 em), except a paragraph's first line, which prints 2 em short (its indent).
"""

from __future__ import annotations

import re
from pathlib import Path

_HEADER = re.compile(r"(巴彦淖尔人大\s*/\s*\d+\s*$)|(^\s*\d+\s*/\s*巴彦淖尔人大)")


def _width(line: str) -> float:
    return sum(0.5 if ord(c) < 0x100 else 1.0 for c in line)


def seed_paragraphs(path: Path) -> list[str]:
    paras: list[str] = []
    cur: list[str] = []
    for raw in path.read_text(encoding="utf-8").split("\n"):
        line = raw.strip(" \u00a0")
        if not line or _HEADER.search(raw):
            continue
        w = _width(line)
        first = not cur
        cur.append(line)
        if w < 20.0 and not (first and 18.0 <= w < 20.0):
            paras.append("".join(cur))
            cur = []
    if cur:
        paras.append("".join(cur))
    return paras
