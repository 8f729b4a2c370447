"""Column-wise sequences of small records: the glyphs of a line stored as parallel tuples.

In: equal-length tuples, one per field (characters, x positions, widths, face keys, …). Out: an
immutable `Sequence` whose items are the record type (`publish.cjk.Glyph`,
`publish.paginate.pages.PlacedGlyph`), made only when someone indexes or iterates.

Why: an issue sets some 70,000 glyphs. Making one record object per glyph in the composer, again
in pagination and reading it back field by field in the PDF writer cost about a third of a build.
The hot consumers (pagination, the PDF writer) read the columns directly; everyone else — tests,
the checker, the contents — sees an ordinary sequence of records, equal (and hashing equal) to the
tuple of those records, so the stage contracts (docs/architecture.md) are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


class Columns(Sequence):
    """Base: subclasses name their columns in `FIELDS` (in record field order) and `_make` a record."""

    __slots__ = ()
    FIELDS: tuple[str, ...] = ()

    def _columns(self) -> tuple[tuple, ...]:
        return tuple(getattr(self, f) for f in self.FIELDS)

    def _make(self, values: tuple) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __len__(self) -> int:
        return len(getattr(self, self.FIELDS[0]))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(map(self._make, zip(*(c[index] for c in self._columns()), strict=True)))
        return self._make(tuple(c[index] for c in self._columns()))

    def __iter__(self) -> Iterator:
        return map(self._make, zip(*self._columns(), strict=True))

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._columns() == other._columns()  # type: ignore[attr-defined]
        if isinstance(other, Sequence) and not isinstance(other, str):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # equal to the tuple of records, so it must hash like it

    def __repr__(self) -> str:
        return f"{type(self).__name__}({tuple(self)!r})"

    @property
    def text(self) -> str:
        """The characters of the records, in order."""
        return "".join(self.chars)  # type: ignore[attr-defined]
