"""The metrics the composer needs, as a protocol, and a fixed-width stand-in for tests.

In: a character and a face key (`Run.face`: "body", "body~1", …). Out: its advance in pt and the
face's em size in pt. The fonts stage supplies the real implementation (`FontSet.metrics(sizes)`).
"""

from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    def em(self, face: str) -> float: ...  # font size in pt for the face

    def advance(self, char: str, face: str) -> float: ...  # natural advance in pt


class FixedMetrics:
    """Every character 1 em wide, except Latin-1 (ASCII, U+00A0, ·) at 0.5 em: the shape of a CJK
    font with half-width Western glyphs, so tests can reason in whole and half ems."""

    def __init__(self, size: float = 10.0, sizes: dict[str, float] | None = None) -> None:
        self.size = size
        self.sizes = dict(sizes or {})

    def em(self, face: str) -> float:
        return self.sizes.get(face, self.size)

    def advance(self, char: str, face: str) -> float:
        em = self.sizes.get(face, self.size)
        return em * 0.5 if ord(char) < 0x100 else em
