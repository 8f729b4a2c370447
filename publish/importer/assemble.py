"""Glue: text layer → pages → body stream + title blocks → articles → `Issue` + report.

In: the bytes or text of an extraction (and optional issue metadata). Out: `ImportResult(issue,
report)`; `write_import` writes the issue folder (built in a temporary folder, then renamed, so a
failure leaves nothing half-written).

How a title finds its body (the PDF puts a title block *after* the first page of its article's
body): on each page with title blocks we choose as many article starts as there are titles among
the page's paragraph openings, and which title goes with which start, by a score over everything
measurable — a start right after a title group inside the page or after a break in the text (an
unfinished full line followed by a paragraph opening) is strong; the page's first line is good only
if the text before it ended a sentence; and the title's character pairs found in the start's first
lines (`孟长云副主任带队赴杭州招商引资` ↔ `孟长云…杭州…招商`). A page whose text resumes an
unfinished paragraph after another article ended (a short item set inside a longer article)
continues the article that left the paragraph open.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from publish.errors import ImportError_, Problem
from publish.importer.blocks import to_blocks
from publish.importer.lines import ends_sentence, looks_first, measure, paragraphs
from publish.importer.pages import SourceLine, infer_folios, split_pages
from publish.importer.report import ImportReport, account
from publish.importer.sections import assign_sections
from publish.importer.titles import (
    TitleBlock,
    evidence,
    page_parts,
    parse_group,
    secondary_headline,
    split_block,
    split_points,
)
from publish.model import Article, Byline, Issue, Salutation, Signature

_DATE = re.compile(r"(20\d\d|19\d\d)年(\d{1,2})月(\d{1,2})日")
UNTITLED = "（标题未识别）"


@dataclass
class _Start:
    index: int  # index into the body stream
    block: TitleBlock | None


@dataclass
class ImportResult:
    issue: Issue
    report: ImportReport


@dataclass
class _Draft:
    """An article being assembled: its title block and its body lines (in stream order)."""

    block: TitleBlock | None
    lines: list[SourceLine] = field(default_factory=list)
    page: int = 0
    pages: set[int] = field(default_factory=set)
    indices: list[int] = field(default_factory=list)  # stream positions of `lines`


def decode(data: bytes, name: str = "input") -> str:
    """Bytes → text, refusing what is not a UTF-8 text layer."""
    if not data.strip():
        raise ImportError_(Problem("the file is empty", name, None, "give the text layer of a printed issue"))
    if b"\x00" in data[:65536]:
        raise ImportError_(Problem("this is a binary file, not a text layer", name, None, "extract the text first (e.g. pdftotext)"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportError_(
            Problem(f"not UTF-8 text (byte {err.start})", name, None, "convert the extraction to UTF-8")
        ) from None
    if sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t") > len(text) // 100:
        raise ImportError_(Problem("this looks like a binary file, not a text layer", name, None, "give a UTF-8 text file"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace() and c not in "，。、：；“”《》（）——●"]
    return {a + b for a, b in itertools.pairwise(chars)}


def _similarity(title: str, body: str) -> float:
    grams = _bigrams(title)
    if not grams:
        return 0.0
    return len(grams & _bigrams(body)) / len(grams)


def _window(stream: list[SourceLine], start: int, stop: int | None = None, chars: int = 240) -> str:
    out, n = [], 0
    end = len(stream) if stop is None else min(stop, len(stream))
    for k in range(start, end):  # not stream[start:end]: that copies the rest of the issue each time
        line = stream[k]
        out.append(line.text)
        n += len(line.text)
        if n >= chars:
            break
    return "".join(out)


def import_text(
    text: str,
    *,
    name: str = "input",
    magazine: str | None = None,
    label: str | None = None,
    date: _dt.date | None = None,
) -> ImportResult:
    """Import an extraction's text into an `Issue` and an `ImportReport` (which has the account)."""
    if not text.strip():
        raise ImportError_(Problem("the file is empty", name, None, "give the text layer of a printed issue"))
    pages = split_pages(text)
    has_structure = any(p.folio_line for p in pages) or text.lstrip("\n").startswith(" ") or len(pages) > 1
    if not has_structure:
        raise ImportError_(
            Problem(
                "no page structure found (no line starts a page with a space, no running header or folio)",
                name,
                None,
                "this importer reads a print PDF's text layer; write a plain article as Markdown instead",
            )
        )
    report = ImportReport(source=name)
    report.uncertain += infer_folios(pages)
    all_lines = [line for p in pages for line in p.lines]
    full = measure(all_lines)
    report.measure = full

    # 1. Pages → body stream + title blocks (with the stream position they sit at).
    stream: list[SourceLine] = []
    page_of: list[int] = []
    blocks_on: dict[int, list[tuple[int, list[TitleBlock]]]] = {}
    after_group: set[int] = set()  # stream indices right after a title group inside a page
    for page in pages:
        for part in page_parts(page.lines, full):
            if part.kind == "body":
                k = reversed_columns(part.lines, full)
                if k:
                    report.uncertain.append(
                        f"page {page.folio}: columns came out in reverse order (line {part.lines[k - 1].no} ends a "
                        f"paragraph, line {part.lines[k].no} continues one): lines {part.lines[k].no}–"
                        f"{part.lines[-1].no} read before lines {part.lines[0].no}–{part.lines[k - 1].no}"
                    )
                    part.lines[:] = part.lines[k:] + part.lines[:k]
                stream += part.lines
                page_of += [page.index] * len(part.lines)
            else:
                blocks_on.setdefault(page.index, []).append((len(stream), parse_group(part.lines, page.index)))
                after_group.add(len(stream))
    if not stream:
        raise ImportError_(Problem("no body text found", name, None, "is this the text layer of a printed issue?"))

    # 2. Paragraph openings over the stream; breaks in the text (an unfinished full line followed
    #    by a paragraph opening whose next line is full) are strong article starts.
    breaks: set[int] = set()
    for i in range(1, len(stream)):
        prev, cur = stream[i - 1], stream[i]
        nxt = stream[i + 1] if i + 1 < len(stream) else None
        if (
            prev.width >= full - 1
            and not ends_sentence(prev.text)
            and cur.width <= full - 2.5
            and not ends_sentence(cur.text)
            and nxt is not None
            and nxt.width >= full - 1
            and looks_first(cur, full)
        ):
            breaks.add(i)
    opens: set[int] = {0}
    cuts = sorted(breaks | {i for i in after_group if i < len(stream)} | {len(stream)})
    lo = 0
    for hi in cuts:
        pos = lo
        for para in paragraphs(stream[lo:hi], full):
            opens.add(pos)
            pos += len(para)
        if hi < len(stream):
            opens.add(hi)
        lo = hi

    # 3. Choose the article starts on each page that has title blocks.
    starts: list[_Start] = []
    lines_of_page: dict[int, list[int]] = {}  # page → its stream indices (one pass, not one per page)
    for i, page_index in enumerate(page_of):
        lines_of_page.setdefault(page_index, []).append(i)
    for page_index in sorted(blocks_on):
        titles = [b for _, group in blocks_on[page_index] for b in group]
        on_page = lines_of_page.get(page_index, [])
        candidates = [i for i in on_page if i in opens]
        if not candidates:
            later = [i for i in sorted(opens) if i >= (on_page[-1] + 1 if on_page else 0) and i < len(stream)]
            nxt_open = later[0] if later else None
            first_after = next((i for i in range(len(stream)) if page_of[i] > page_index), None)
            chosen = nxt_open if nxt_open is not None else first_after
            for b in titles:
                report.uncertain.append(
                    f"page {pages[page_index].folio}: title {b.title_text!r} has no paragraph opening on its page; "
                    f"attached to the next one (line {stream[chosen].no if chosen is not None else '?'})"
                )
                starts.append(_Start(chosen if chosen is not None else len(stream), b))
            continue
        strong = {i for i in candidates if i in breaks or i in after_group}
        first = on_page[0]

        def bonus(i: int, strong: set[int] = strong, first: int = first) -> float:
            if i in strong:
                return 2.0
            if i == first:
                return 3.0 if i == 0 or ends_sentence(stream[i - 1].text) else -3.0
            return 0.0

        options = [titles]
        if len(strong | ({first} if bonus(first) > 0 else set())) > len(titles):
            for t_index, b in enumerate(titles):
                for k in split_points(b):
                    a, c = split_block(b, k)
                    options.append([*titles[:t_index], a, c, *titles[t_index + 1:]])
        best: tuple[float, list[TitleBlock], tuple[int, ...], tuple[int, ...]] | None = None
        for option in options:
            score, combo, perm = _match(option, candidates, stream, bonus, strong)
            if best is None or score > best[0] + 1e-9:
                best = (score, option, combo, perm)
        assert best is not None
        _, option, combo, perm = best
        if len(option) > len(titles):
            report.uncertain.append(
                f"page {pages[page_index].folio}: one title group split into two titles "
                + " | ".join(repr(b.title_text) for b in option)
                + " because the page holds two article openings"
            )
        used = set()
        for slot, t in enumerate(perm):
            starts.append(_Start(combo[slot], option[t]))
            used.add(t)
            sim = _similarity(option[t].title_text, _window(stream, combo[slot]))
            if len(option) > 1 or (combo[slot] not in strong and combo[slot] != first):
                report.uncertain.append(
                    f"page {pages[page_index].folio}: title {option[t].title_text!r} attached to the body opening at "
                    f"line {stream[combo[slot]].no} (title words found there: {sim:.0%})"
                )
        for t, b in enumerate(option):
            if t not in used:
                report.uncertain.append(
                    f"page {pages[page_index].folio}: more titles than paragraph openings; {b.title_text!r} attached "
                    f"to the last opening"
                )
                starts.append(_Start(combo[-1], b))

    # 4. Articles: from each start to the next; a page that resumes a paragraph left open before a
    #    short item goes back to the article that left it open.
    starts.sort(key=lambda s: (s.index, s.block.lines[0].no if s.block else 0))
    drafts: list[_Draft] = []
    if not starts or starts[0].index > 0:
        drafts.append(_Draft(None))
        report.uncertain.append(
            f"the text before line {stream[starts[0].index].no if starts and starts[0].index < len(stream) else '?'} "
            f"has no title block: imported as an article titled {UNTITLED!r}"
        )
    start_at: dict[int, Any] = {}
    for s in starts:
        if s.index in start_at:  # two titles on one opening: the second one is its own (empty) draft
            report.uncertain.append(
                f"two titles chose the opening at line {stream[min(s.index, len(stream) - 1)].no}: "
                f"{s.block.title_text if s.block else ''!r} kept as an article without body"
            )
        start_at.setdefault(s.index, []).append(s)
    open_lines: dict[int, list[tuple[int, int]]] = {}  # page → (stream index, draft) of open lines
    current = len(drafts) - 1
    for i, line in enumerate(stream):
        if i in start_at:
            for s in start_at[i]:
                drafts.append(_Draft(s.block, page=page_of[i]))
            current = len(drafts) - 1
        elif i > 0 and page_of[i] != page_of[i - 1]:
            prev = stream[i - 1]
            if ends_sentence(prev.text) and not looks_first(line, full):
                # The page resumes a paragraph; the one left open on the previous page just before a
                # break in the text is the only one it can resume.
                opened = open_lines.get(page_of[i - 1], [])
                if opened and opened[-1][1] != current:
                    j, current = opened[-1]
                    report.uncertain.append(
                        f"page {pages[page_of[i]].folio}: line {line.no} resumes the paragraph left open at line "
                        f"{stream[j].no}; the text between them is a separate item"
                    )
        drafts[current].lines.append(line)
        drafts[current].indices.append(i)
        drafts[current].pages.add(page_of[i])
        if i + 1 in breaks:
            open_lines.setdefault(page_of[i], []).append((i, current))
    for s in start_at.get(len(stream), []):  # a title after the last body line: an article without body
        report.uncertain.append(
            f"title {s.block.title_text if s.block else ''!r} comes after the last body text: imported without body"
        )
        drafts.append(_Draft(s.block, page=s.block.page if s.block else 0))

    # 5. Drafts → model articles.
    articles: list[Article] = []
    spans: list[dict] = []
    position = {id(line): k for k, line in enumerate(stream)}  # a line's place in the stream, in O(1)
    for n, d in enumerate(drafts, start=1):
        block = d.block
        if block is not None and secondary_headline(block, full):
            report.uncertain.append(
                f"page {pages[block.page].folio}: line {block.subtitle[0].no} ({block.subtitle[0].text!r}) is a "
                "secondary headline under a complete full-width title: made the subtitle"
            )
        if block is not None and evidence(block, full)[0].startswith("shape only") and d.lines:
            at = position.get(id(d.lines[0]))
            sim = _similarity(block.title_text, _window(stream, stream.index(d.lines[0]) if at is None else at))
            if sim < 0.25:
                report.uncertain.append(
                    f"page {pages[block.page].folio}: title {block.title_text!r} found by its shape only, and few of "
                    f"its words ({sim:.0%}) open the body it was given (line {d.lines[0].no})"
                )
        paras = paragraphs(d.lines, full) if d.lines else []
        notes = block.notes if block else []
        body = to_blocks(paras, notes)
        title = tuple(s.text for s in block.title) if block and block.title else (UNTITLED,)
        subtitle = "".join(s.text for s in block.subtitle) if block else ""
        bylines = tuple(_byline(s.text) for s in block.bylines) if block else ()
        kind = ""
        if any(isinstance(b, Signature) for b in body):
            kind = "notice"  # a notice opens with an address too; its signature decides
        elif any(isinstance(b, Salutation) for b in body):
            kind = "speech"
        folio = pages[d.page].folio if d.page < len(pages) else 0
        slug = f"{n:02d}-p{folio:02d}"
        articles.append(Article(slug=slug, title=title, blocks=tuple(body), subtitle=subtitle, bylines=bylines, kind=kind))
        spans.append(
            {
                "slug": slug,
                "title": "".join(title),
                "title_lines": [s.no for s in block.title] if block else [],
                "subtitle_lines": [s.no for s in block.subtitle] if block else [],
                "byline_lines": [s.no for s in block.bylines] if block else [],
                "note_lines": [s.no for s in block.notes] if block else [],
                "body_lines": [d.lines[0].no, d.lines[-1].no] if d.lines else [],
                "body_segments": _segments(d, stream),
                "pages": sorted(pages[p].folio for p in d.pages),
                "paragraphs": len(paras),
                "title_page": pages[block.page].folio if block else None,
                "title_evidence": evidence(block, full) if block else [],
            }
        )

    sections, how = assign_sections(articles, drafts_pages=[sorted(d.pages) for d in drafts], pages=pages)
    for span, (section_title, source) in zip(spans, how, strict=True):
        span["section"] = section_title
        span["section_from"] = source
    magazine_name = magazine or next((p.magazine for p in pages if p.magazine), "") or "未命名刊物"
    if date is None:
        found = [_dt.date(int(y), int(m), int(d)) for y, m, d in _DATE.findall(text) if _valid(y, m, d)]
        date = max(found) if found else _dt.date(2000, 1, 1)
        report.uncertain.append(f"issue date {date.isoformat()} taken from the latest date in the text; give --date")
    if label is None:
        label = f"{date.year}年{date.month}月"
        report.uncertain.append(f"issue label {label!r} made from the date; give --label")
    issue = Issue(
        magazine=magazine_name,
        label=label,
        date=date,
        sections=tuple(sections),
        first_folio=pages[0].folio if pages else 1,
    )
    report.pages = [
        {
            "index": p.index,
            "folio": p.folio,
            "folio_printed": p.folio_printed is not None,
            "header": p.header,
            "lines": [p.start, p.end],
        }
        for p in pages
    ]
    report.articles = spans
    consumed = [line.no for line in stream]
    consumed += [line.no for d in drafts if d.block for line in d.block.lines]
    consumed += [n for p in pages for n in (p.header_line, p.folio_line) if n]
    account(text, pages, issue, report, consumed)
    return ImportResult(issue, report)


def _match(
    titles: list[TitleBlock], candidates: list[int], stream: list[SourceLine], bonus, strong: set[int]
) -> tuple[float, tuple[int, ...], tuple[int, ...]]:
    """Pair titles with paragraph openings: a maximum-weight matching of min(titles, openings)
    pairs, weight = 3 × (title's character pairs found in the opening's first lines) + the opening's
    bonus + 1.5 for a strong opening (a strong opening left without a title costs that much).

    Exhaustive for the small cases a printed page gives (≤ 3 titles, ≤ 40 openings); greedy beyond,
    which only a damaged extraction reaches. Returns (score, chosen openings, title index per opening)
    with the openings in stream order.
    """
    k = min(len(titles), len(candidates))
    # An opening's text runs to the next strong opening (a break in the text or a title group).
    stops = {c: next((s for s in sorted(strong) if s > c), None) for c in candidates}
    weight = [
        [
            3.0 * _similarity(t.title_text, _window(stream, c, stops[c])) + bonus(c) + (1.5 if c in strong else 0.0)
            for c in candidates
        ]
        for t in titles
    ]
    best: tuple[float, tuple[int, ...], tuple[int, ...]] = (float("-inf"), (), ())
    if k <= 3 and len(candidates) <= 40:
        for combo in itertools.combinations(range(len(candidates)), k):
            for perm in itertools.permutations(range(len(titles)), k):
                score = sum(weight[t][c] for c, t in zip(combo, perm, strict=True))
                if score > best[0] + 1e-9:
                    best = (score, tuple(candidates[c] for c in combo), perm)
        return best
    pairs = sorted(
        ((weight[t][c], t, c) for t in range(len(titles)) for c in range(len(candidates))), reverse=True
    )
    used_t: set[int] = set()
    used_c: set[int] = set()
    chosen: list[tuple[int, int]] = []
    total = 0.0
    for w, t, c in pairs:
        if t in used_t or c in used_c:
            continue
        used_t.add(t)
        used_c.add(c)
        chosen.append((c, t))
        total += w
        if len(chosen) == k:
            break
    chosen.sort()
    return total, tuple(candidates[c] for c, _ in chosen), tuple(t for _, t in chosen)


def reversed_columns(lines: list[SourceLine], full: float) -> int:
    """Where a page's body must be cut and its two halves swapped, or 0 if it reads in order.

    The signature of columns extracted right before left: inside the page a short line ends a
    paragraph and the next line is a full line that continues one (no indent, no opening); the part
    from there ends with a paragraph left open, and the page's first line is itself a continuation.
    Read the second part first and every seam fits.
    """
    if len(lines) < 4 or looks_first(lines[0], full):
        return 0
    for k in range(2, len(lines) - 1):
        a, b = lines[k - 1], lines[k]
        if (
            ends_sentence(a.text)
            and a.width < full - 2.25
            and b.width >= full - 0.5
            and not looks_first(b, full)
            and not ends_sentence(lines[-1].text)
            and lines[-1].width >= full - 1
        ):
            return k
    return 0


def _segments(d: _Draft, stream: list[SourceLine]) -> list[list[int]]:
    """The article's body as [first line, last line] runs of the input (a run ends where the stream
    jumps: a title block, another article's text, or reversed columns)."""
    runs: list[list[int]] = []
    previous = None
    for i, line in zip(d.indices, d.lines, strict=True):
        if previous is not None and i == previous + 1 and 0 < line.no - stream[previous].no <= 3:
            runs[-1][1] = line.no
        else:
            runs.append([line.no, line.no])
        previous = i
    return runs


def _valid(y: str, m: str, d: str) -> bool:
    try:
        _dt.date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def _byline(text: str) -> Byline:
    """`●unit  name` → Byline(unit, name); a name with an inner space (`杨 菁`) is kept as printed."""
    body = text[1:].strip() if text.startswith("●") else text.strip()  # only the mark: the layout prints it
    m = re.match(r"^(.*?\S)[\s\u00a0]{2,}(\S.*)$", body)
    if m is None:
        m = re.match(r"^(.*\S)[\s\u00a0]+(\S+)$", body)
    if m is None:
        return Byline(unit="", name=body)
    return Byline(unit=m.group(1), name=m.group(2))


def import_file(path: Path | str, **meta) -> ImportResult:
    """Read a text layer from a file and import it."""
    path = Path(path)
    if path.is_dir():
        raise ImportError_(Problem("this is a folder, not a text file", path, None, "give the extracted text of an issue"))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportError_(Problem(f"cannot read the file: {err.strerror}", path)) from None
    return import_text(decode(data, str(path)), name=str(path), **meta)


def write_import(result: ImportResult, folder: Path | str, *, force: bool = False) -> Path:
    """Write the issue folder (issue.toml, articles/, import-report.json) atomically."""
    from publish.sources.writer import write_issue

    folder = Path(folder).absolute()  # `-o .`: the working folder, by its full name
    if folder.exists() and not folder.is_dir():
        raise ImportError_(Problem("the output path is a file, not a folder", folder, None, "choose another -o"))
    if folder.exists() and any(folder.iterdir()) and not force:
        raise ImportError_(Problem("the output folder exists and is not empty", folder, None, "choose another -o or pass --force"))
    if folder.is_dir():
        return _write_into(result, folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as err:
        raise ImportError_(Problem(f"cannot create the output folder: {err.strerror}", folder)) from None
    try:
        write_issue(result.issue, temp)
        (temp / "import-report.json").write_text(
            json.dumps(result.report.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
            os.replace(temp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, folder)
    except OSError as err:
        shutil.rmtree(temp, ignore_errors=True)
        raise ImportError_(Problem(f"cannot write the issue folder: {err.strerror or err}", folder)) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return folder


def _write_files(result: ImportResult, folder: Path) -> None:
    from publish.sources.writer import write_issue

    write_issue(result.issue, folder)
    (folder / "import-report.json").write_text(
        json.dumps(result.report.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _write_into(result: ImportResult, folder: Path) -> Path:
    """Fill an existing folder (empty, or with --force): the folder itself is never renamed — it may
    be the working folder (`-o .`) — but its entries are: the issue is written into a hidden folder
    inside it, then each entry is moved into place (an entry there before is put aside and removed
    at the end, or put back when a move fails)."""
    try:
        temp = Path(tempfile.mkdtemp(prefix=".publish-import-", dir=folder))
        aside = Path(tempfile.mkdtemp(prefix=".publish-import-old-", dir=folder))
    except OSError as err:
        raise ImportError_(Problem(f"cannot write into the output folder: {err.strerror}", folder)) from None
    placed: list[str] = []
    kept: list[str] = []
    try:
        _write_files(result, temp)
        for entry in sorted(temp.iterdir()):
            target = folder / entry.name
            if target.exists() or target.is_symlink():
                os.replace(target, aside / entry.name)
                kept.append(entry.name)
            os.replace(entry, target)
            placed.append(entry.name)
    except OSError as err:
        for name in placed:
            os.replace(folder / name, temp / name)
        for name in kept:
            os.replace(aside / name, folder / name)
        raise ImportError_(Problem(f"cannot write the issue folder: {err.strerror or err}", folder)) from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        shutil.rmtree(aside, ignore_errors=True)
    return folder


__all__ = ["ImportResult", "decode", "import_file", "import_text", "replace", "write_import"]
