"""An article's Markdown body → the model's blocks.

In: the body text (after the front matter), the file line it starts on, the issue folder (for figure
paths) and the list that collects problems. Out: a tuple of blocks (`Paragraph`, `Heading`,
`Salutation`, `Signature`, `Note`, `ListItem`, `Figure`), each with its 1-based source line.

The conventions (docs/INTERFACES.md, README "Writing an issue"):
- CommonMark paragraphs; soft and hard line breaks inside one are joined with nothing (Chinese
  has no spaces between words);
- `## …` heading level 1, `### …` level 2;
- `1. …` ordered items → `ListItem(label="1.")` (number and delimiter as written);
- `*…*` emphasis; `![caption](images/x.jpg)` alone in a paragraph → `Figure`;
- `::: salutation`, `::: signature`, `::: note` … `:::` containers.

Everything else CommonMark would turn into markup is switched off so that the characters stay text:
raw HTML (`《关于…<条例>…》` must not vanish as a tag — DESIGN.md §3), autolinks, links,
reference definitions, code, block quotes, thematic breaks and setext headings. Bullet lists,
`#`/`####` headings and `**bold**` are reported, since their meaning would otherwise be dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from publish.errors import Problem
from publish.model import (
    Block,
    Emphasis,
    Figure,
    Heading,
    Inline,
    ListItem,
    Note,
    Paragraph,
    Salutation,
    Signature,
    Text,
)
from publish.sources.files import LINE_BREAK

CONTAINERS = ("salutation", "signature", "note")
_FENCE = re.compile(r"^ {0,3}:::(.*)$")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    blocks = ["code", "fence", "blockquote", "hr", "reference", "html_block", "lheading"]
    md.disable([*blocks, "autolink", "html_inline", "link", "backticks"])
    return md


MD = _parser()


def merge_runs(runs: list[Inline] | tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Adjacent runs of the same kind joined, empty runs dropped: one canonical form per text."""
    merged: list[Inline] = []
    for run in runs:
        if not run.text:
            continue
        if merged and type(merged[-1]) is type(run):
            merged[-1] = type(run)(merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


class BodyReader:
    """Reads one article body; collects problems instead of stopping at the first."""

    def __init__(self, path: Path | str, root: Path | None, problems: list[Problem]) -> None:
        self.path = path
        self.root = root
        self.problems = problems

    def problem(self, message: str, line: int, fix: str) -> None:
        self.problems.append(Problem(message, self.path, line, fix))

    # ── containers are cut out first; the Markdown between them is parsed by markdown-it ──────
    def read(self, body: str, first_line: int) -> tuple[Block, ...]:
        lines = LINE_BREAK.split(body)
        blocks: list[Block] = []
        chunk_start = 0
        index = 0
        while index < len(lines):
            fence = _FENCE.match(lines[index])
            if not fence:
                index += 1
                continue
            blocks += self.markdown("\n".join(lines[chunk_start:index]), first_line + chunk_start)
            name = fence.group(1).strip()
            opening = first_line + index
            end = index + 1
            while end < len(lines) and not _FENCE.match(lines[end]):
                end += 1
            if end == len(lines):
                self.problem(
                    f"'::: {name}' is never closed",
                    opening,
                    "end the block with a line ':::'",
                )
            inner = lines[index + 1 : end]
            if name not in CONTAINERS:
                if name:
                    what = f"unknown block '::: {name}'"
                else:
                    what = "':::' closes no block"
                self.problem(what, opening, f"use one of ::: {', ::: '.join(CONTAINERS)}, or write \\::: for the text")
            else:
                block = self.container(name, inner, opening)
                if block is not None:
                    blocks.append(block)
            index = chunk_start = end + 1
        blocks += self.markdown("\n".join(lines[chunk_start:]), first_line + chunk_start)
        return tuple(blocks)

    def container(self, name: str, inner: list[str], opening: int) -> Block | None:
        if name == "signature":
            signature_lines: list[str] = []
            first = 0
            for offset, source in enumerate(inner, start=1):
                if not source.strip():
                    continue
                runs = self.inline_of(source.strip(" \t"), opening + offset)
                if any(isinstance(r, Emphasis) for r in runs):
                    self.problem("emphasis inside a signature", opening + offset, "remove the * marks")
                signature_lines.append("".join(r.text for r in runs))
                first = first or opening + offset
            if not signature_lines:
                self.problem("empty '::: signature' block", opening, "write one printed line per line, or remove it")
                return None
            return Signature(tuple(signature_lines), first)  # the line of its first printed line
        blocks = self.markdown("\n".join(inner), opening + 1)
        paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
        if len(blocks) != 1 or len(paragraphs) != 1:
            self.problem(
                f"'::: {name}' must hold exactly one paragraph (found {len(blocks)} blocks)",
                opening,
                "put one paragraph between the ':::' lines; use one block per paragraph",
            )
            return None
        # The block's line is its text's line (not the fence's): messages point at the characters.
        runs, line = paragraphs[0].runs, paragraphs[0].line
        return Salutation(runs, line) if name == "salutation" else Note(runs, line)

    # ── CommonMark → blocks ─────────────────────────────────────────────────────────────────────
    def markdown(self, text: str, first_line: int) -> list[Block]:
        if not text.strip():
            return []
        tokens = MD.parse(text)
        blocks: list[Block] = []
        index = 0
        label = ""
        in_item = False
        item_blocks = 0
        while index < len(tokens):
            token = tokens[index]
            line = first_line + (token.map[0] if token.map else 0)
            kind = token.type
            if kind == "bullet_list_open":
                self.problem(
                    "bulleted list",
                    line,
                    "number the items (1. …), or escape the marker (\\- …) to print it",
                )
                index = _skip(tokens, index, "bullet_list_close")
            elif kind == "list_item_open":
                label = token.info + token.markup
                in_item, item_blocks = True, 0
            elif kind == "list_item_close":
                if item_blocks == 0:
                    self.problem(f"empty numbered item '{label}'", line, "write its text after the number")
                in_item = False
            elif kind == "heading_open":
                level = int(token.tag[1])
                runs = self.runs(tokens[index + 1], line)
                if level in (2, 3):
                    blocks.append(Heading(level - 1, runs, line))
                else:
                    self.problem(
                        f"heading level {level} ('{'#' * level} …')",
                        line,
                        "use ## for headings like 一、… and ### for （一）…; the title goes in the front matter",
                    )
            elif kind == "paragraph_open":
                inline = tokens[index + 1]
                if in_item:
                    item_blocks += 1
                    if item_blocks > 1:
                        self.problem(
                            f"numbered item '{label}' holds more than one paragraph",
                            line,
                            "start the next paragraph without indentation",
                        )
                    else:
                        blocks.append(ListItem(label, self.runs(inline, line), line))
                else:
                    figure = self.figure(inline, line)
                    if figure is not None:
                        blocks.append(figure)
                    else:
                        blocks.append(Paragraph(self.runs(inline, line), line))
            index += 1
        return blocks

    def figure(self, inline: Token, line: int) -> Figure | None:
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
        images = [c for c in children if c.type == "image"]
        if not images or len(children) != 1:
            return None
        image = images[0]
        # markdown-it percent-encodes the destination (`图.jpg` → `%E5%9B%BE.jpg`): undo it.
        src = unquote(str(image.attrGet("src") or ""))
        if image.attrGet("title"):
            self.problem("figure has a title in quotes", line, "put all text in the caption: ![caption](path)")
        if not src:
            self.problem("figure without an image path", line, "write ![caption](images/file.jpg)")
        elif not src.lower().endswith(_IMAGE_SUFFIXES):
            self.problem(f"figure '{src}' is not a JPEG or PNG", line, "convert it to .jpg or .png")
        path = Path(src)
        try:
            if self.root is not None and not path.is_absolute():
                path = (self.root / path).resolve()
            if src and self.root is not None and not path.is_file():
                self.problem(f"image not found: {src}", line, "give the path relative to the issue folder")
        except (OSError, ValueError) as err:  # a NUL byte, a name too long for the file system
            why = err.strerror if isinstance(err, OSError) else err
            self.problem(f"unusable image path {src[:60]!r} ({why})", line, "rename the image file")
        return Figure(path, self.children_runs(image.children or [], line), line)

    def runs(self, inline: Token, line: int) -> tuple[Inline, ...]:
        return self.children_runs(inline.children or [], line)

    def inline_of(self, source: str, line: int) -> tuple[Inline, ...]:
        tokens = MD.parseInline(source)
        return self.children_runs(tokens[0].children or [] if tokens else [], line)

    def children_runs(self, children: list[Token], line: int) -> tuple[Inline, ...]:
        runs: list[Inline] = []
        depth = 0
        for child in children:
            kind = child.type
            if kind == "em_open":
                depth += 1
            elif kind == "em_close":
                depth -= 1
            elif kind in ("text", "text_special"):
                runs.append(Emphasis(child.content) if depth else Text(child.content))
            elif kind in ("softbreak", "hardbreak"):
                continue  # a line break inside a paragraph is joined with nothing
            elif kind == "strong_open":
                self.problem(
                    "bold text (**…**)",
                    line,
                    "use *…* for emphasis, or escape the asterisks (\\*) to print them",
                )
            elif kind == "strong_close":
                continue
            elif kind == "image":
                self.problem(
                    "image inside a paragraph",
                    line,
                    "put the figure ![caption](path) in a paragraph of its own, or escape it (!\\[…\\])",
                )
            else:  # pragma: no cover - every enabled rule is handled above
                self.problem(f"unsupported Markdown ({kind})", line, "escape the punctuation with \\")
        return merge_runs(runs)


def _skip(tokens: list[Token], index: int, closing: str) -> int:
    depth = 0
    opening = closing.replace("_close", "_open")
    while index < len(tokens):
        if tokens[index].type == opening:
            depth += 1
        elif tokens[index].type == closing:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return index


def read_body(
    body: str, first_line: int, path: Path | str, root: Path | None, problems: list[Problem]
) -> tuple[Block, ...]:
    """Parse an article body starting at file line `first_line` into blocks."""
    return BodyReader(path, root, problems).read(body, first_line)
