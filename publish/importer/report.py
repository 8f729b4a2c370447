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
            f"sections {c['sections']}: " + ", ".join(c["section_titles"]),
            f"characters: {a['input']} non-space in, {a['accounted']} accounted "
            f"(title {a['title']}, subtitle {a['subtitle']}, byline {a['byline']}, body {a['body']}, "
            f"header {a['header']}, folio {a['folio']}) — {'OK' if a['ok'] else 'MISMATCH'}",
            f"uncertain decisions: {len(self.uncertain)} (see import-report.json)",
        ]
        return "\n".join(lines)


def _count(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def account(text: str, pages: list[Page], issue: Issue, report: ImportReport, consumed: list[int]) -> None:
    """Fill `report.account` and `report.counts`; raise `ImportError_` if anything is unaccounted."""
    fields: dict[str, Counter[str]] = {k: Counter() for k in ("title", "subtitle", "byline", "body", "header", "folio")}
    raw = text.split("\n")
    for page in pages:
        if page.header_line:
            fields["header"] += _count(raw[page.header_line - 1])
        if page.folio_line:
            fields["folio"] += _count(raw[page.folio_line - 1])
    articles = issue.articles
    for article in articles:
        fields["title"] += _count("".join(article.title) if article.title != ("（标题未识别）",) else "")
        fields["subtitle"] += _count(article.subtitle)
        for b in article.bylines:
            fields["byline"] += _count("●" + b.unit + b.name)
        for block in article.blocks:
            fields["body"] += _count(block.text)
    total: Counter[str] = Counter()
    for counter in fields.values():
        total += counter
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
        "uncertain": len(report.uncertain),
    }
    if problems:
        raise ImportError_(*(Problem(p, report.source, None, "this is an importer bug: please report it") for p in problems))
