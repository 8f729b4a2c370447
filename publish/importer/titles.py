"""Find title blocks on a page and parse them into title lines, subtitle, bylines and notes.

In: one page's lines and the body measure. Out: the page cut into body runs and `TitleBlock`s in
the extraction's order.

What marks a title block (the PDF puts it *after* the page's body): a byline `●unit  name`, a
subtitle `——…`, an adoption note `（…通过）`/`（讨论稿）`, a line wider than the body measure
(titles are set larger but on the full page width), lines with no blank line between them (the
extractor keeps a title's lines together), and at the end of a page short lines that end no
sentence and open no heading (a body's last line ends with punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from publish.importer.lines import NO_LINE_START, ends_sentence
from publish.importer.pages import SourceLine

HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d))")
NOTE = re.compile(r"^[（(][^（）()]*(?:通过|讨论稿|征求意见稿|草案|稿)[）)]$")
_OPEN = "《（(“‘「『【"
_CLOSE = "》）)”’」』】"


def is_byline(text: str) -> bool:
    return text.startswith("●")


def is_subtitle(text: str) -> bool:
    return text.startswith("——")


def is_note(text: str) -> bool:
    return bool(NOTE.match(text))


def _strong(lines: list[SourceLine], i: int, full: float) -> bool:
    line = lines[i]
    t = line.text
    if is_byline(t) or is_subtitle(t) or is_note(t):
        return True
    if line.width > full + 0.75 and not any(c in t for c in "。，；！？,;"):
        # Wider than a body line: a title, unless the extractor's half-width digits made a body line
        # look wide — then the next line carries on at full width (a title is followed by another
        # title line, a shorter paragraph opening, or nothing).
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        return nxt is None or nxt.adjacent or nxt.width < full - 1 or _strong_marker(nxt.text)
    return False


def line_full(line: SourceLine, full: float) -> bool:
    return line.width > full - 1.75


def _strong_marker(text: str) -> bool:
    return is_byline(text) or is_subtitle(text) or is_note(text)


def _weak(lines: list[SourceLine], i: int, full: float) -> bool:
    """Could line i be a title line by its shape alone (short, no sentence end, no heading)?"""
    line = lines[i]
    t = line.text
    if not t or ends_sentence(t) or HEADING_START.match(t) or line.lead >= 2 or t[0] in NO_LINE_START:
        return False
    # A title line is no wider than a body line and has no clause punctuation; a line that closes a
    # bracket it did not open is the middle of a sentence.
    if line.width > full - 0.5 or t[-1] in "、" or any(c in t for c in "，。；,;") or not _never_negative(t):
        return False
    if i > 0:
        prev = lines[i - 1].text
        # The short tail of a heading that began on the line before is the heading's, not a title.
        if HEADING_START.match(prev) and not ends_sentence(prev) and lines[i - 1].width >= full - 4.5:
            return False
    return True


@dataclass
class TitleBlock:
    """One article's title block as printed: title lines, subtitle, bylines, notes."""

    title: list[SourceLine] = field(default_factory=list)
    subtitle: list[SourceLine] = field(default_factory=list)
    bylines: list[SourceLine] = field(default_factory=list)
    notes: list[SourceLine] = field(default_factory=list)
    page: int = 0

    @property
    def lines(self) -> list[SourceLine]:
        return sorted(self.title + self.subtitle + self.bylines + self.notes, key=lambda s: s.no)

    @property
    def title_text(self) -> str:
        return "".join(s.text for s in self.title)


@dataclass
class PagePart:
    """A run of body lines, or a group of title lines, in the page's extraction order."""

    kind: str  # "body" or "title"
    lines: list[SourceLine]


def mark_titles(lines: list[SourceLine], full: float) -> list[bool]:
    """Which lines of a page belong to title blocks."""
    n = len(lines)
    mark = [i > 0 and _strong(lines, i, full) for i in range(len(lines))]
    # Body lines are always set apart by a blank line; two lines without one are a title block.
    for i in range(2, n):
        if lines[i].adjacent:
            mark[i] = mark[i - 1] = True
    changed = True
    while changed:  # lines printed without a blank between them stay together
        changed = False
        for i in range(1, n):
            if lines[i].adjacent and mark[i] != mark[i - 1] and (mark[i] or mark[i - 1]):
                if i - 1 == 0 and not mark[0]:
                    continue
                mark[i] = mark[i - 1] = True
                changed = True
    # The page's tail: up to three short lines ending no sentence before the page ends.
    i, weak = n - 1, 0
    while i > 0:
        if mark[i]:
            i -= 1
            continue
        if weak < 3 and _weak(lines, i, full):
            mark[i] = True
            weak += 1
            i -= 1
            continue
        # A full line right after a finished paragraph cannot be body (a paragraph's first line is
        # short by its indent): with a title after it, it is the title's first line.
        prev = lines[i - 1]
        if (
            weak < 3
            and i + 1 < n
            and mark[i + 1]
            and line_full(lines[i], full)
            and not ends_sentence(lines[i].text)
            and (ends_sentence(prev.text) or prev.lead >= 2 or prev.width < full - 2.25)
            and not any(c in lines[i].text for c in "，。；,;")
        ):
            mark[i] = True
            weak += 1
            i -= 1
            continue
        break
    # A title whose brackets are still open goes on to the next line (`《…向北` | `开放…条例》…`).
    for i in range(1, n):
        if mark[i - 1] and not mark[i] and not ends_sentence(lines[i].text):
            j = i - 1
            while j > 0 and mark[j - 1] and not _strong_marker(lines[j].text):
                j -= 1
            if not _balanced("".join(s.text for s in lines[j:i])):
                mark[i] = True
    # Around a title group inside the page: a short line right after it that is followed by a
    # paragraph opening (or the page end) is one more title line (a second title on the page).
    for i in range(1, n):
        if not mark[i] and mark[i - 1] and _weak(lines, i, full):
            nxt = lines[i + 1] if i + 1 < n else None
            if nxt is None or nxt.width <= full - 1.75:
                mark[i] = True
    return mark


def page_parts(lines: list[SourceLine], full: float) -> list[PagePart]:
    """Cut a page into body runs and title groups, in order."""
    mark = mark_titles(lines, full)
    parts: list[PagePart] = []
    for line, is_title in zip(lines, mark, strict=True):
        kind = "title" if is_title else "body"
        if parts and parts[-1].kind == kind:
            parts[-1].lines.append(line)
        else:
            parts.append(PagePart(kind, [line]))
    return parts


def _never_negative(text: str) -> bool:
    depth = 0
    for c in text:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return True


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
    return depth <= 0


def parse_group(lines: list[SourceLine], page: int) -> list[TitleBlock]:
    """A group of title lines → title blocks: a byline or a note closes a block; a title line after
    a subtitle or byline opens the next one."""
    blocks: list[TitleBlock] = []
    current = TitleBlock(page=page)

    def close() -> None:
        nonlocal current
        if current.lines:
            blocks.append(current)
        current = TitleBlock(page=page)

    for k, line in enumerate(lines):
        t = line.text
        nxt = lines[k + 1].text if k + 1 < len(lines) else ""
        if is_byline(t):
            current.bylines.append(line)
            if not is_byline(nxt):
                close()
        elif is_subtitle(t):
            current.subtitle.append(line)
        elif is_note(t):
            current.notes.append(line)
            if not (is_byline(nxt) or is_subtitle(nxt)):
                close()
        elif current.subtitle and line.adjacent and not current.bylines:
            current.subtitle.append(line)  # a subtitle wrapped onto a second line
        else:
            if current.subtitle or current.bylines or current.notes:
                close()
            current.title.append(line)
    close()
    # A block without title lines (a byline alone) belongs to the block before it.
    merged: list[TitleBlock] = []
    for b in blocks:
        if not b.title and merged:
            merged[-1].subtitle += b.subtitle
            merged[-1].bylines += b.bylines
            merged[-1].notes += b.notes
        else:
            merged.append(b)
    return merged


def secondary_headline(block: TitleBlock, full: float) -> bool:
    """Turn a title's last line into the subtitle when it is a secondary headline; True if done.

    A title that wraps ends on a shorter line, or leaves a bracket open; a secondary headline is a
    full line of its own printed right under a complete full-width title line (folio 7 of the seed:
    `市人大常委会举办…培训班` / `市人大常委会副主任孟长云出席并作开班动员讲话`).
    """
    if block.subtitle or len(block.title) < 2:
        return False
    last, prev = block.title[-1], block.title[-2]
    wide = full + 0.75
    if last.adjacent and last.width > wide and prev.width > wide and _balanced("".join(s.text for s in block.title[:-1])):
        block.subtitle = [last]
        block.title = block.title[:-1]
        return True
    return False


def evidence(block: TitleBlock, full: float) -> list[str]:
    """What marked this block as a title block (for the report)."""
    found = []
    if block.bylines:
        found.append("byline")
    if block.subtitle and is_subtitle(block.subtitle[0].text):
        found.append("subtitle")
    if block.notes:
        found.append("note")
    if any(s.width > full + 0.75 for s in block.title):
        found.append("wider than the body")
    if any(s.adjacent for s in block.lines[1:]):
        found.append("lines printed together")
    return found or ["shape only (short lines ending no sentence)"]


def split_points(block: TitleBlock) -> list[int]:
    """Where a title block's lines could be cut into two titles: between title lines separated by a
    blank line, where the title so far closes every bracket it opened."""
    points = []
    for k in range(1, len(block.title)):
        line = block.title[k]
        if not line.adjacent and _balanced("".join(s.text for s in block.title[:k])):
            points.append(k)
    return points


def split_block(block: TitleBlock, k: int) -> tuple[TitleBlock, TitleBlock]:
    """Cut a title block before its k-th title line; subtitle, bylines and notes stay with the
    second part (they are printed after the last title line)."""
    first = TitleBlock(title=block.title[:k], page=block.page)
    second = TitleBlock(
        title=block.title[k:], subtitle=block.subtitle, bylines=block.bylines, notes=block.notes, page=block.page
    )
    return first, second
