"""The conversion report: what each Word file became, every guess, what was not carried over, and the
character account.

In: the manuscript, the draft, the article read back from the written Markdown. Out: `FileReport`
(saved as `articles/NN-<slug>.add-report.json`) and `AddReport` (all files of one `publish add`,
printed by `summary()`).

The account is the promise that nothing was lost or added: the Han characters of the Word file —
body paragraphs, tables, notes (footnotes and endnotes), captions — are counted one by one and must
all be in the article exactly as often (its title, subtitle, byline, body, tables, captions and
notes as `publish.sources` reads them back), or in `issue.toml` (a section line). Text that is not
carried over (comments, text boxes, hidden text) is not counted on either side: it is listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.word.draft import Draft, plain
from publish.word.reader import HAN, Grid, Manuscript, Omission


def han_counter(text: str) -> Counter[str]:
    return Counter(HAN.findall(text))


def word_side(manuscript: Manuscript) -> dict[str, Counter[str]]:
    """Han characters of the Word file by where they are."""
    sides = {"body": Counter[str](), "tables": Counter[str](), "notes": Counter[str]()}
    for item in manuscript.items:
        if isinstance(item, Grid):
            for row in item.rows:
                for cell in row:
                    for para in cell:
                        sides["tables"] += han_counter(para.label + para.text)
        else:
            sides["body"] += han_counter(item.label + item.text)
    for paras in manuscript.notes.values():
        for para in paras:
            sides["notes"] += han_counter(para.text)
    return sides


def draft_side(draft: Draft) -> dict[str, Counter[str]]:
    """Han characters of the recovered article by field."""
    sides: dict[str, Counter[str]] = {k: Counter() for k in
                                      ("title", "subtitle", "byline", "body", "tables", "captions", "notes", "section")}
    sides["title"] = han_counter("".join(draft.title))
    sides["subtitle"] = han_counter(draft.subtitle)
    sides["byline"] = han_counter("".join(u + n for u, n in draft.bylines))
    for block in draft.blocks:
        if block.kind == "table":
            sides["tables"] += han_counter("".join(plain(c) for r in block.rows for c in r))
            sides["captions"] += han_counter(plain(block.caption))
        elif block.kind == "figure":
            sides["captions"] += han_counter(plain(block.caption))
        elif block.kind == "signature":
            sides["body"] += han_counter("".join(block.lines))
        else:
            sides["body"] += han_counter(plain(block.runs))
    for _label, runs in draft.notes:
        sides["notes"] += han_counter(plain(runs))
    sides["section"] = han_counter("".join(draft.elsewhere.values()))
    return sides


def article_han(article: Any) -> Counter[str]:
    """Han characters of an article as `publish.sources` reads it (every field, every block, notes)."""
    text = "".join(article.title) + article.subtitle + "".join(b.unit + b.name for b in article.bylines)
    text += "".join(b.text for b in article.blocks)
    text += "".join(getattr(n, "text", "") for n in getattr(article, "notes", ()))
    return han_counter(text)


def _sample(counter: Counter[str], limit: int = 12) -> str:
    return "".join(f"{c}×{n} " if n > 1 else c + " " for c, n in counter.most_common(limit)).strip()


@dataclass
class FileReport:
    """What one Word file became."""

    source: Path
    article: str = ""  # path relative to the issue folder
    slug: str = ""
    section: str = ""
    section_created: bool = False
    title: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    guesses: list[dict[str, str]] = field(default_factory=list)
    omitted: list[Omission] = field(default_factory=list)
    account: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return bool(self.account.get("balanced"))

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.name,
            "article": self.article,
            "section": self.section,
            "section_created": self.section_created,
            "title": self.title,
            "images": self.images,
            "counts": self.counts,
            "account": self.account,
            "guesses": self.guesses,
            "not_carried_over": [o.to_json() for o in self.omitted],
        }

    def summary(self) -> list[str]:
        a = self.account
        c = self.counts
        new = " (new section)" if self.section_created else ""
        lines = [
            f"{self.source.name} → {self.article} in section '{self.section}'{new}",
            f"  title: {' / '.join(self.title)}",
            f"  {c.get('paragraphs', 0)} paragraphs, {c.get('headings', 0)} headings, {c.get('tables', 0)} tables, "
            f"{c.get('figures', 0)} figures, {c.get('notes', 0)} notes"
            + (", salutation" if c.get("salutation") else "") + (", signature" if c.get("signature") else ""),
            f"  Han characters: {a['word']['total']} in the Word file, {a['article']['total']} in the article — "
            + ("balanced" if a.get("balanced") else "NOT BALANCED"),
        ]
        lines += [f"  guess: {g['what']} ← {g['text']!r}: {g['because']}" + (f" ({g['where']})" if g["where"] else "")
                  for g in self.guesses]
        lines += [f"  not carried over: {o.what} at {o.where}" + (f": {o.text[:30]!r}" if o.text else "")
                  for o in self.omitted]
        return lines


@dataclass
class AddReport:
    """The result of `publish add`: one `FileReport` per Word file, in the order given."""

    issue: Path
    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False

    @property
    def articles(self) -> list[str]:
        return [f.article for f in self.files]

    def summary(self) -> str:
        lines: list[str] = []
        for report in self.files:
            lines += report.summary()
        if self.dry_run:
            lines.append("dry run: nothing written")
        else:
            lines.append(f"added {len(self.files)} article(s) to {self.issue}; reports saved beside them (.add-report.json)")
        return "\n".join(lines)


def account(manuscript: Manuscript, draft: Draft, article: Any) -> dict[str, Any]:
    """The character account (see the module docstring)."""
    word = word_side(manuscript)
    parts = draft_side(draft)
    word_total: Counter[str] = sum(word.values(), Counter())
    draft_total: Counter[str] = sum(parts.values(), Counter())
    read_back = article_han(article) + parts["section"]
    lost = word_total - read_back
    added = read_back - word_total
    return {
        "what": "Han characters (CJK ideographs, 〇, 々)",
        "word": {"total": sum(word_total.values()), **{k: sum(v.values()) for k, v in word.items()}},
        "article": {"total": sum(read_back.values()), **{k: sum(v.values()) for k, v in parts.items()}},
        "draft_total": sum(draft_total.values()),
        "lost": _sample(lost),
        "added": _sample(added),
        "balanced": not lost and not added and draft_total == read_back,
    }
