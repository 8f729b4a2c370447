"""The checks of an issue model that need no files: for issues built in memory (`publish.validate`).

In: an `Issue` (from `load_issue`, or made by a script: a database, a web form). Out: the list of
`Problem`s that the folder reader would have reported for the same content, each with a stable
`code` — an empty list means the model can be rendered as far as its text goes (images, fonts and
the layout are checked by `publish.render` / `publish.build` before anything is written).

What is checked: the magazine (title, label, slug, first folio), sections with articles,
article slugs (present, usable in file names and links, not shared by two articles), kinds,
titles, bylines, articles without text, empty paragraphs, headings, numbered items and
signatures, figures without an image path, links whose target is neither a web address nor an
article of the issue, tables (empty, ragged rows) and notes (a reference
without its note, a note never referenced, defined twice or empty). Tables and notes are read by
their shape (`rows`/`cells`, `Article.notes`, `NoteRef` runs), so the checks hold for every block
kind the model has. Problems name the article's source file and the
block's line when the model carries them, else the article's slug.
"""

from __future__ import annotations

import re
from pathlib import Path

from publish.errors import Problem
from publish.model import Article, Figure, Heading, Issue, ListItem, Signature
from publish.sources.article import KINDS

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# What an article slug may not contain: it names the EPUB's documents and their links (and is the
# file stem of the article in an issue folder).
_UNSAFE_SLUG = re.compile(r"[\s/\\#?%:\"<>|*\x00-\x1f]")


def validate(issue: Issue) -> list[Problem]:
    """Every problem of `issue` that can be found without reading files; see the module docstring.

    >>> from publish import Article, Issue, Paragraph, Section, Text
    >>> import datetime
    >>> a = Article("news", ("标题",), (Paragraph((Text("正文。"),)),))
    >>> issue = Issue("巴彦淖尔人大", "2025年第7期", datetime.date(2025, 7, 20), (Section("动态", (a, a)),))
    >>> [(p.code, str(p)) for p in validate(issue)]
    [('article-duplicate-slug', "news: two articles share the slug 'news' — give every article its own slug")]
    """
    problems: list[Problem] = []
    where: Path | str = issue.root / "issue.toml" if issue.root else "issue"
    if not issue.magazine.strip():
        problems.append(Problem("the magazine has no title", where, None, "give Issue(magazine=…)", code="issue-no-title"))
    if not issue.label.strip():
        problems.append(Problem("the issue has no label", where, None, "give Issue(label=…), e.g. 2025年第1期", code="issue-no-label"))
    if issue.magazine_slug and not SLUG_RE.fullmatch(issue.magazine_slug):
        problems.append(Problem(f"magazine slug {issue.magazine_slug!r} cannot be a file name", where, None,
                                "use lowercase ASCII letters, digits and '-'", code="issue-bad-slug"))
    if isinstance(issue.first_folio, bool) or not isinstance(issue.first_folio, int) or issue.first_folio < 1:
        problems.append(Problem(f"first_folio = {issue.first_folio!r} is not a page number", where, None,
                                "give the folio of the first body page, e.g. 3", code="issue-bad-folio"))
    if not issue.sections:
        problems.append(Problem("the issue has no sections", where, None, "add at least one Section with articles", code="issue-no-sections"))
    seen: dict[str, Article] = {}
    for section in issue.sections:
        if not section.title.strip():
            problems.append(Problem("a section has no title", where, None, "give Section(title=…)", code="section-no-title"))
        if not section.articles:
            problems.append(Problem(f"section '{section.title}' has no articles", where, None,
                                    "add its articles, or remove the section", code="section-empty"))
        for article in section.articles:
            problems += _article(article, seen)
    from publish.links import link_problems

    problems += link_problems(issue)
    return problems


def _article(article: Article, seen: dict[str, Article]) -> list[Problem]:
    out: list[Problem] = []
    shown: Path | str = article.source or article.slug or "article"
    slug = article.slug
    if not slug:
        out.append(Problem("the article has no slug", shown, None, "give Article(slug=…), e.g. 01-report", code="article-no-slug"))
    elif _UNSAFE_SLUG.search(slug) or slug.startswith("."):
        out.append(Problem(f"slug {slug!r} cannot be a file name", shown, None,
                           "use letters, digits and '-' (no spaces, slashes or #?%:)", code="article-bad-slug"))
    elif slug in seen:
        out.append(Problem(f"two articles share the slug '{slug}'", shown, None,
                           "give every article its own slug", code="article-duplicate-slug"))
    else:
        seen[slug] = article
    if article.kind and article.kind not in KINDS:
        out.append(Problem(f"unknown kind '{article.kind}'", shown, None, f"use one of {', '.join(KINDS)}", code="article-unknown-kind"))
    if not article.title or not "".join(article.title).strip():
        out.append(Problem("the article has no title", shown, None, "give Article(title=(\"…\",))", code="article-no-title"))
    for byline in article.bylines:
        if not (byline.unit.strip() or byline.name.strip()):
            out.append(Problem("empty byline", shown, None, "give a unit or a name, or remove it", code="article-empty-byline"))
    if not article.blocks:
        out.append(Problem("the article has no text", shown, None, "give it at least one paragraph", code="article-empty"))
    out += _notes(article, shown)
    for block in article.blocks:
        line = block.line or None
        rows = getattr(block, "rows", None)
        if rows is not None:  # a table
            out += _table(block, rows, shown, line)
            continue
        if isinstance(block, Figure):
            if not str(block.image).strip() or str(block.image) == ".":
                out.append(Problem("a figure has no image", shown, line, "give Figure(image=Path(…))", code="figure-no-image"))
        elif isinstance(block, Signature):
            if not any(s.strip() for s in block.lines):
                out.append(Problem("empty signature", shown, line, "give its printed lines, or drop it", code="block-empty"))
        elif isinstance(block, ListItem):
            if not block.text[len(block.label):].strip():
                out.append(Problem(f"empty numbered item '{block.label}'", shown, line, "write its text", code="block-empty"))
        elif not block.text.strip():
            kind = "heading" if isinstance(block, Heading) else type(block).__name__.lower()
            out.append(Problem(f"empty {kind}", shown, line, "write its text, or drop the block", code="block-empty"))
    return out


def _table(block: object, rows: tuple[object, ...], shown: Path | str, line: int | None) -> list[Problem]:
    """A table has rows, and every row as many cells as the table has columns."""
    if not rows or not any(getattr(r, "cells", ()) for r in rows):
        return [Problem("empty table", shown, line, "give it rows of cells, or drop it", code="table-empty")]
    columns = len(getattr(block, "align", ()) or getattr(rows[0], "cells", ()))
    ragged = [r for r in rows if len(getattr(r, "cells", ())) != columns]
    if ragged:
        where = getattr(ragged[0], "line", 0) or line
        return [Problem(f"a table row has {len(getattr(ragged[0], 'cells', ()))} cells, the table {columns} columns",
                        shown, where, "give every row one cell per column", code="table-ragged")]
    return []


def _runs_of(article: Article) -> list[object]:
    """Every inline run of the article's blocks (paragraph runs, captions, table cells)."""
    runs: list[object] = []
    for block in article.blocks:
        runs += list(getattr(block, "runs", ()) or ())
        runs += list(getattr(block, "caption", ()) or ())
        for row in getattr(block, "rows", ()) or ():
            for cell in getattr(row, "cells", ()) or ():
                runs += list(getattr(cell, "runs", ()) or ())
    return runs


def _notes(article: Article, shown: Path | str) -> list[Problem]:
    """Every note reference has its note, every note is referenced, no label twice, none empty."""
    notes = tuple(getattr(article, "notes", ()) or ())
    refs = {str(getattr(r, "label", "")) for r in _runs_of(article) if type(r).__name__ == "NoteRef"}
    out: list[Problem] = []
    labels: set[str] = set()
    for note in notes:
        label = getattr(note, "label", "")
        line = getattr(note, "line", 0) or None
        if label in labels:
            out.append(Problem(f"note [^{label}] is defined twice", shown, line,
                               "give each note its own label", code="note-duplicate"))
        labels.add(label)
        if not "".join(getattr(r, "text", "") for r in getattr(note, "runs", ())).strip():
            out.append(Problem(f"note [^{label}] is empty", shown, line, "write the note's text", code="note-empty"))
        if label not in refs:
            out.append(Problem(f"note [^{label}] is never referenced", shown, line,
                               f"refer to it with [^{label}] in the text, or drop it", code="note-unused"))
    for label in sorted(refs - labels):
        out.append(Problem(f"note reference [^{label}] has no note", shown, None,
                           f"add the note [^{label}]: …", code="note-undefined"))
    return out
