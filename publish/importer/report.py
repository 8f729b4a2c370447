"""The import report: pages, articles, uncertain decisions and the character account.

In: the input text, its pages, the imported issue and the line numbers each stage consumed.
Out: `ImportReport` (written as `import-report.json`, summarised on stdout by `summary()`).

The character account is the importer's promise that nothing was lost or invented: every
non-space character of the input is counted once, in an article's title, subtitle, byline
(the `●` mark included: the layout prints it again) or body, or as a recognised running header
or folio. If the two counts differ, or a line was used twice or never, the import fails.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from publish.errors import ImportError_, Problem
from publish.importer.pages import Page
from publish.model import Issue, Paragraph


@dataclass
class ImportReport:
    source: str
    measure: float = 21.0
    pages: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    account: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "measure_em": self.measure,
            "counts": self.counts,
            "account": self.account,
            "pages": self.pages,
            "articles": self.articles,
            "uncertain": self.uncertain,
        }

    def summary(self) -> str:
        c, a = self.counts, self.account
        lines = [
            f"pages {c['pages']} (folios {c['first_folio']}–{c['last_folio']}, {c['folios_printed']} printed, "
            f"{c['headers']} running headers)",
            f"articles {c['articles']}, titles {c['titles']}, subtitles {c['subtitles']}, bylines {c['bylines']}, "
            f"paragraphs {c['paragraphs']}, headings {c['headings']}, blocks {c['blocks']}",
            f"sections {c['sections']}: " + _names(c["section_titles"]),
            f"characters: {a['input']} non-space in, {a['accounted']} accounted "
            f"(title {a['title']}, subtitle {a['subtitle']}, byline {a['byline']}, body {a['body']}, "
            f"header {a['header']}, folio {a['folio']}) — {'OK' if a['ok'] else 'MISMATCH'}",
            f"uncertain decisions: {len(self.uncertain)} (see import-report.json)",
        ]
        if c.get("duplicates"):
            lines.insert(-1, f"duplicated articles: {c['duplicates']} (each printed more than once; see import-report.json)")
        return "\n".join(lines)


# The summary names this many sections at most (an import of a damaged text can find thousands).
SUMMARY_NAMES = 12


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SUMMARY_NAMES])
    more = len(names) - SUMMARY_NAMES
    return shown + (f", … and {more} more (see import-report.json)" if more > 0 else "")


def _count(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def _add(counter: Counter[str], text: str) -> None:
    """Count `text`'s non-space characters into `counter` in place (`+=` would copy the counter:
    quadratic over a large import)."""
    counter.update(c for c in text if not c.isspace())


def account(text: str, pages: list[Page], issue: Issue, report: ImportReport, consumed: list[int]) -> None:
    """Fill `report.account` and `report.counts`; raise `ImportError_` if anything is unaccounted."""
    fields: dict[str, Counter[str]] = {k: Counter() for k in ("title", "subtitle", "byline", "body", "header", "folio")}
    raw = text.split("\n")
    for page in pages:
        if page.header_line:
            _add(fields["header"], raw[page.header_line - 1])
        if page.folio_line:
            _add(fields["folio"], raw[page.folio_line - 1])
    articles = issue.articles
    for article in articles:
        _add(fields["title"], "".join(article.title) if article.title != ("（标题未识别）",) else "")
        _add(fields["subtitle"], article.subtitle)
        for b in article.bylines:
            _add(fields["byline"], "●" + b.unit + b.name)
        for block in article.blocks:
            _add(fields["body"], block.text)
    total: Counter[str] = Counter()
    for counter in fields.values():
        total.update(counter)
    expected = _count(text)
    problems = []
    missing, extra = expected - total, total - expected
    if missing or extra:
        problems.append(
            f"character account does not balance: missing {sum(missing.values())} "
            f"({''.join(sorted(missing.elements()))[:40]!r}), extra {sum(extra.values())} "
            f"({''.join(sorted(extra.elements()))[:40]!r})"
        )
    used = Counter(consumed)
    twice = sorted(n for n, k in used.items() if k > 1)
    nonblank = {i + 1 for i, line in enumerate(raw) if line.strip()}
    never = sorted(nonblank - set(used))
    if twice:
        problems.append(f"lines used twice: {twice[:10]}")
    if never:
        problems.append(f"lines never used: {never[:10]}")
    report.account = {k: sum(v.values()) for k, v in fields.items()}
    report.account["input"] = sum(expected.values())
    report.account["accounted"] = sum(total.values())
    report.account["ok"] = not problems
    # An article printed twice (a damaged extraction, two issues run together) is kept, and flagged.
    copies: dict[tuple, list] = {}
    for article in articles:
        body = "".join(b.text for b in article.blocks)
        if body:
            copies.setdefault((article.title, body), []).append(article)
    duplicates = [group for group in copies.values() if len(group) > 1]
    for group in duplicates:
        report.uncertain.append(
            f"article {''.join(group[0].title)!r} is printed {len(group)} times ({', '.join(a.slug for a in group)}): "
            "the same title and text; keep one"
        )
    blocks = [b for a in articles for b in a.blocks]
    report.counts = {
        "pages": len(pages),
        "first_folio": pages[0].folio if pages else 0,
        "last_folio": pages[-1].folio if pages else 0,
        "folios_printed": sum(1 for p in pages if p.folio_printed is not None),
        "headers": sum(1 for p in pages if p.header),
        "articles": len(articles),
        "titles": sum(1 for a in articles if a.title != ("（标题未识别）",)),
        "subtitles": sum(1 for a in articles if a.subtitle),
        "bylines": sum(len(a.bylines) for a in articles),
        "paragraphs": sum(1 for b in blocks if isinstance(b, Paragraph)),
        "headings": sum(1 for b in blocks if type(b).__name__ == "Heading"),
        "blocks": len(blocks),
        "sections": len(issue.sections),
        "section_titles": [s.title for s in issue.sections],
        "duplicates": len(duplicates),
        "uncertain": len(report.uncertain),
    }
    if problems:
        raise ImportError_(*(Problem(p, report.source, None, "this is an importer bug: please report it") for p in problems))
