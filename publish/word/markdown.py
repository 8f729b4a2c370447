"""A `Draft` → the model's `Article` → the article file's text, written by `publish.sources.writer`.

In: a `Draft` (structure.py) and the article's slug. Out: the `Article` (`draft_article`) and its
source text (`draft_markdown`): TOML front matter (title as a list of printed lines, subtitle, byline,
kind) and the Markdown body — `## `/`### ` headings, `::: salutation|note|signature` containers,
`1. ` numbered items, `![caption](images/…)` figures, GFM pipe tables with their caption on the line
above, `[^n]` note references and `[^n]: text` definitions at the end.

Why through the model and the sources' own writer: one writer for every producer of articles, whose
promise — reading what it writes gives the same model back — is tested with generated articles; the
intake then only has to get the model right.
"""

from __future__ import annotations

from pathlib import Path

from publish.model import (
    Article,
    Block,
    Byline,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    Inline,
    Link,
    ListItem,
    Note,
    NoteRef,
    Paragraph,
    Salutation,
    Signature,
    Table,
    TableCell,
    TableRow,
    Text,
)
from publish.sources.markdown import merge_runs
from publish.sources.writer import article_to_markdown
from publish.word.draft import Block as DraftBlock
from publish.word.draft import Draft, Ref, Run


def runs_of(runs: list[Run]) -> tuple[Inline, ...]:
    """Draft runs → the model's inline runs (a `Ref` becomes a `NoteRef` numbered by its label)."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Ref):
            out.append(NoteRef(run.label, int(run.label)))
        elif isinstance(run, Text | Emphasis | Link):
            out.append(run)
    return merge_runs(out)


def block_of(block: DraftBlock) -> Block:
    runs = runs_of(block.runs)
    if block.kind == "paragraph":
        return Paragraph(runs)
    if block.kind == "heading":
        return Heading(block.level, runs)
    if block.kind == "item":
        return ListItem(block.label, runs)
    if block.kind == "salutation":
        return Salutation(runs)
    if block.kind == "note":
        return Note(runs)
    if block.kind == "signature":
        return Signature(tuple(block.lines))
    if block.kind == "figure":
        return Figure(Path(block.image), runs_of(block.caption))
    if block.kind == "table":
        width = max(len(row) for row in block.rows)
        rows = tuple(
            TableRow(tuple(TableCell(runs_of(cell)) for cell in row) + (TableCell(()),) * (width - len(row)),
                     header=index == 0)
            for index, row in enumerate(block.rows)
        )
        return Table(rows, ("",) * width, runs_of(block.caption))
    raise ValueError(f"unknown block kind {block.kind!r}")


def draft_article(draft: Draft, slug: str) -> Article:
    """The model's article for a draft (figure paths relative to the issue folder)."""
    return Article(
        slug=slug,
        title=tuple(draft.title),
        blocks=tuple(block_of(b) for b in draft.blocks),
        subtitle=draft.subtitle,
        bylines=tuple(Byline(unit, name) for unit, name in draft.bylines),
        kind=draft.kind,
        notes=tuple(Footnote(label, int(label), runs_of(runs)) for label, runs in draft.notes),
    )


def draft_markdown(draft: Draft, slug: str) -> str:
    """The whole article file: front matter, blocks, note definitions; ends with a newline."""
    return article_to_markdown(draft_article(draft, slug))
