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

from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")
_new = object.__new__

# A record's field for each column name (`GlyphRun.chars` holds the `Glyph.char`s, …).
RECORD_FIELD = {"chars": "char", "xs": "x", "widths": "width", "faces": "face", "offsets": "offset"}


def frozen_record(cls: type[T], fields: tuple[str, ...], values: Iterable[Any]) -> T:
    """An instance of the frozen dataclass `cls` with `fields` set to `values`, made without its
    `__init__` — the same instance, equal and hashing the same. Why: a frozen dataclass's
    `__init__` sets each field through `object.__setattr__`, several times slower, and the glyphs
    of a page are made tens of thousands of times. `cls` must be a plain (not slotted) dataclass."""
    record = _new(cls)
    record.__dict__.update(zip(fields, values, strict=True))
    return record


def columns(glyphs: Sequence[Any], *names: str) -> tuple[Sequence[Any], ...]:
    """The named columns (`"chars"`, `"xs"`, `"widths"`, `"faces"`, `"offsets"`) of a line's glyphs:
    read directly from a `Columns` (the composer's and pagination's), else gathered from any
    sequence of records (a stand-in composer's, a test's). The one place that tells them apart."""
    # Called for every line several times a build: a dict lookup by type instead of the ABC's
    # isinstance (Columns is a Sequence), and one C getter per set of names.
    cls = type(glyphs)
    is_columns = _IS_COLUMNS.get(cls)
    if is_columns is None:
        is_columns = _IS_COLUMNS[cls] = isinstance(glyphs, Columns)
    if is_columns:
        getter = _GETTERS.get(names)
        if getter is None:
            getter = _GETTERS[names] = attrgetter(*names, *names) if len(names) == 1 else attrgetter(*names)
        got = getter(glyphs)
        return got[:1] if len(names) == 1 else got
    return tuple(tuple(getattr(g, RECORD_FIELD[name]) for g in glyphs) for name in names)


_IS_COLUMNS: dict[type, bool] = {}
_GETTERS: dict[tuple[str, ...], Any] = {}


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
