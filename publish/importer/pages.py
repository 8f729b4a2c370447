"""Split an extracted text layer into printed pages; recognise running headers and folios.

In: the decoded text of the extraction. Out: a list of `Page`s, each with its body lines
(`SourceLine`: 1-based line number, text without the page-start space or padding, width in em),
the running header (section name) and folio printed on it if the extraction kept them, and the
folio of every page — read where printed, inferred from the folios seen elsewhere.

What a page start looks like (seed README): a line beginning with a single ASCII space, or a
running header — the section name padded with spaces (often after several blank lines), then
`巴彦淖尔人大 /57` (odd, right-hand page) or `62/ 巴彦淖尔人大` (even, left-hand page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from publish.importer.lines import width

# Folio lines of both page sides. The magazine name must not look like a sentence (no CJK
# sentence punctuation) and the folio is at most three digits.
_ODD = re.compile(r"^\s*(?P<name>[^\s/\d，。、；：！？][^/，。、；：！？]{1,30}?)\s*/\s*(?P<folio>\d{1,3})\s*$")
_EVEN = re.compile(r"^\s*(?P<folio>\d{1,3})\s*/\s*(?P<name>[^\s/\d，。、；：！？][^/，。、；：！？]{1,30}?)\s*$")
_PAGE_START = re.compile(r"^ (?=\S)")


@dataclass(frozen=True)
class SourceLine:
    """One printed line: where it is in the input and how wide it is."""

    no: int  # 1-based line number in the input
    text: str  # without the page-start space and the trailing padding
    width: float  # in em, ASCII half width
    lead: int  # leading spaces kept in the input (right-aligned signature lines have many)
    adjacent: bool  # no blank line between this and the previous printed line of the page


@dataclass
class Page:
    """One printed page as the extraction gives it."""

    index: int
    start: int  # first input line number of the chunk
    end: int  # last input line number of the chunk
    lines: list[SourceLine] = field(default_factory=list)
    header: str = ""  # running header (section name) printed on the page
    header_line: int | None = None
    folio_line: int | None = None
    folio_printed: int | None = None
    magazine: str = ""
    folio: int = 0
    folio_inferred: bool = True


def _folio(line: str) -> tuple[str, int] | None:
    for pattern in (_ODD, _EVEN):
        m = pattern.match(line)
        if m:
            return m.group("name").strip(), int(m.group("folio"))
    return None


def _is_header_line(lines: list[str], i: int) -> bool:
    """Is input line i the section half of a running header (padded, set apart by blank lines)?"""
    line = lines[i]
    text = line.strip()
    if not text or len(text) > 12 or _PAGE_START.match(line) or _folio(line) is not None:
        return False
    padding = len(line) - len(line.rstrip())
    blanks_before = 0
    j = i - 1
    while j >= 0 and not lines[j].strip():
        blanks_before += 1
        j -= 1
    # Why both signals: the extractor pads the header to the column width and leaves the space
    # of the missing body lines above it as blank lines; a body line has neither.
    return padding >= 4 or blanks_before >= 2


def split_pages(text: str) -> list[Page]:
    """The page chunks of the text, with headers and folios taken out of their lines."""
    raw = text.split("\n")
    starts: list[int] = []
    header_of: dict[int, tuple[int | None, int]] = {}  # page start index → (header idx, folio idx)
    for i, line in enumerate(raw):
        if not line.strip():
            continue
        folio = _folio(line)
        if folio is not None:
            j = i - 1
            while j >= 0 and not raw[j].strip():
                j -= 1
            header_idx = j if j >= 0 and _is_header_line(raw, j) else None
            start = header_idx if header_idx is not None else i
            if starts and starts[-1] >= start:  # a page-start space right before is the same page
                starts.pop()
            starts.append(start)
            header_of[start] = (header_idx, i)
        elif _PAGE_START.match(line) or not starts:
            starts.append(i)
    pages: list[Page] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(raw) - 1
        page = Page(index=k, start=start + 1, end=end + 1)
        skip: set[int] = set()
        if start in header_of:
            header_idx, folio_idx = header_of[start]
            name, number = _folio(raw[folio_idx]) or ("", 0)
            page.magazine, page.folio_printed, page.folio_line = name, number, folio_idx + 1
            skip.add(folio_idx)
            if header_idx is not None:
                page.header, page.header_line = raw[header_idx].strip(), header_idx + 1
                skip.add(header_idx)
        previous_blank = True
        for i in range(start, end + 1):
            line = raw[i]
            if not line.strip():
                previous_blank = True
                continue
            if i in skip:
                previous_blank = True
                continue
            body = line[1:] if i == start and _PAGE_START.match(line) else line
            stripped = body.strip()
            lead = len(body) - len(body.lstrip())
            page.lines.append(
                SourceLine(i + 1, stripped, width(stripped), lead, adjacent=not previous_blank and bool(page.lines))
            )
            previous_blank = False
        pages.append(page)
    return [p for p in pages if p.lines or p.header or p.folio_line]


def infer_folios(pages: list[Page]) -> list[str]:
    """Give every page a folio from the folios printed on some of them; returns doubts found.

    Pages carry consecutive folios (cover pages without text are simply absent at the start), so
    each printed folio fixes `folio - index`; pages between two printed folios take the offset of
    the nearest one before them (after them for the first pages).
    """
    doubts: list[str] = []
    seen = [(p.index, p.folio_printed) for p in pages if p.folio_printed is not None]
    if not seen:
        for p in pages:
            p.folio, p.folio_inferred = p.index + 1, True
        doubts.append("no folio printed on any page: pages numbered from 1")
        return doubts
    offsets = sorted({f - i for i, f in seen})
    if len(offsets) > 1:
        doubts.append(
            "printed folios are not consecutive over the page chunks (offsets "
            + ", ".join(str(o) for o in offsets)
            + "): a page without text or a missed page start; folios taken from the nearest printed one"
        )
    for p in pages:
        before = [(i, f) for i, f in seen if i <= p.index]
        i, f = before[-1] if before else seen[0]
        p.folio = f + (p.index - i)
        p.folio_inferred = p.folio_printed is None
    return doubts
