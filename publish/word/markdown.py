"""A `Draft` → the article file's text, in the syntax `publish.sources` reads.

In: a `Draft` (structure.py). Out: TOML front matter (title as a list of printed lines, subtitle,
byline, kind) and the Markdown body: `## `/`### ` headings, `::: salutation|note|signature`
containers, `1. ` numbered items, `![caption](images/…)` figures, GFM pipe tables (a caption is the
line above the table), `[^n]` note references and `[^n]: text` definitions at the end.

Inline text goes through `publish.sources.writer.inline_markdown`, the escaping the source reader is
tested against, so every character typed in Word reads back as the same character.
"""

from __future__ import annotations

import re

from publish.model import Article, Byline, Emphasis, Text
from publish.sources.writer import article_to_markdown, inline_markdown
from publish.word.draft import Block, Draft, Ref, Run


def inline(runs: list[Run], *, heading: bool = False, cell: bool = False) -> str:
    """Runs (with note references) → inline Markdown."""
    out: list[str] = []
    segment: list[Text | Emphasis] = []

    def flush() -> None:
        if segment:
            text = inline_markdown(list(segment), heading=heading)
            out.append(text.replace("|", "\\|") if cell else text)
            segment.clear()

    for run in runs:
        if isinstance(run, Ref):
            flush()
            out.append(f"[^{run.label}]")
        else:
            segment.append(run)
    flush()
    return "".join(out)


def _target(path: str) -> str:
    if re.search(r"[\s()<>\\]", path) or not path:
        return "<" + re.sub(r"([<>\\])", r"\\\1", path) + ">"
    return path


def block_markdown(block: Block) -> str:
    if block.kind == "paragraph":
        return inline(block.runs)
    if block.kind == "heading":
        return "#" * (block.level + 1) + " " + inline(block.runs, heading=True)
    if block.kind == "item":
        return f"{block.label} {inline(block.runs)}"
    if block.kind in ("salutation", "note"):
        return f"::: {block.kind}\n{inline(block.runs)}\n:::"
    if block.kind == "signature":
        body = "\n".join(inline_markdown([Text(line)], emphasis=False) for line in block.lines)
        return f"::: signature\n{body}\n:::"
    if block.kind == "figure":
        return f"![{inline(block.caption)}]({_target(block.image)})"
    if block.kind == "table":
        return table_markdown(block)
    raise ValueError(f"unknown block kind {block.kind!r}")


def table_markdown(block: Block) -> str:
    width = max(len(r) for r in block.rows)

    def row(cells: list[list[Run]]) -> str:
        texts = [inline(c, cell=True) if c else "" for c in cells] + [""] * (width - len(cells))
        return "| " + " | ".join(texts) + " |"

    lines = []
    if block.caption:
        lines.append(inline(block.caption))
    lines.append(row(block.rows[0]))
    lines.append("|" + "|".join(["---"] * width) + "|")
    lines += [row(r) for r in block.rows[1:]]
    return "\n".join(lines)


def draft_markdown(draft: Draft, slug: str) -> str:
    """The whole article file: front matter, blocks, note definitions; ends with a newline."""
    head = Article(
        slug=slug,
        title=tuple(draft.title),
        blocks=(),
        subtitle=draft.subtitle,
        bylines=tuple(Byline(unit, name) for unit, name in draft.bylines),
        kind=draft.kind,
    )
    front = article_to_markdown(head).rstrip("\n")
    parts = [block_markdown(b) for b in draft.blocks]
    parts += [f"[^{label}]: {inline(runs)}".rstrip() for label, runs in draft.notes]
    return front + "\n\n" + "\n\n".join(parts) + "\n"
