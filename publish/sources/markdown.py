"""An article's Markdown body → the model's blocks.

In: the body text (after the front matter), the file line it starts on, the issue folder (for figure
paths) and the list that collects problems. Out: a tuple of blocks (`Paragraph`, `Heading`,
`Salutation`, `Signature`, `Note`, `ListItem`, `Figure`, `Table`), each with its 1-based source
line, and the article's notes (`Footnote`s, numbered in order of first reference).

The conventions (docs/writing-an-issue.md):
- CommonMark paragraphs; soft and hard line breaks inside one are joined with nothing (Chinese
  has no spaces between words);
- `## …` heading level 1, `### …` level 2;
- `1. …` ordered items → `ListItem(label="1.")` (number and delimiter as written);
- `*…*` emphasis; `[text](https://…)` or `[text](a09.md)` → `Link`; `![caption](images/x.jpg)` alone in a paragraph → `Figure` (JPEG, PNG, TIFF,
  WebP); `![](images/x.jpg "alt text")` gives the text alternative; `{.wide}` right after the image
  sets it across all columns;
- GFM pipe tables (the alignment row `|:---|---:|` honoured) → `Table`; a paragraph `表1 …` just
  before a table is its caption;
- `[^label]` note references and `[^label]: text` definitions (GFM footnote syntax) → `NoteRef`
  and `Footnote`; undefined, unused and duplicate labels are reported;
- `::: salutation`, `::: signature`, `::: note` … `:::` containers.

Everything else CommonMark would turn into markup is switched off so that the characters stay text
(`《关于…<条例>…》` is not a tag and stays). What CommonMark *would* read as markup there — raw HTML
(`<b>`, `<br>`, `<!-- -->`, HTML blocks), autolinks, reference definitions, block quotes, rules,
setext headings, code spans, strikethrough — is reported with the fix (found by a second parser with
everything on, `DETECT`), as are bullet lists, `#`/`####` headings, `**bold**`, links markdown-it
refuses (`javascript:`), code fences and lines that look like a table but are not one: they would
otherwise be printed as raw syntax. Escaping the mark (a backslash before `<`, `>`, a backtick) prints it as typed;
HTML entities (`&amp;`) are read as the characters they name. `[text](target)` → `Link` (plain text; where the target leads is checked
against the whole issue by `publish.sources.issue`, `publish.links`).
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
from publish.sources.files import LINE_BREAK

CONTAINERS = ("salutation", "signature", "note")
_FENCE = re.compile(r"^ {0,3}:::(.*)$")
# JPEG and PNG are placed as they are; TIFF and WebP (what cameras and phones give) are converted
# by each edition (publish.pdf.images, publish.epub).
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
# A note definition: `[^label]: text` at the start of a line (GFM footnotes); its text goes on
# over the following lines until a blank line.
_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_LABEL = re.compile(r"[^\]\s\[]+")
# A table caption: `表1 …`, `表 1：…`, `表一 …`, `续表1` (the paragraph just before a table).
_CAPTION = re.compile(r"^(续)?表\s*[0-9０-９一二三四五六七八九十〇零]+")
_LINK = re.compile(r"(?<![!\\])\[[^\]\n]*\]\([^)\s]*\)")
_WIDE = "{.wide}"


def _note_ref_rule(state, silent: bool) -> bool:  # markdown-it inline rule: `[^label]`
    src, pos = state.src, state.pos
    if not src.startswith("[^", pos):
        return False
    m = _LABEL.match(src, pos + 2)
    if m is None or m.end() >= len(src) or src[m.end()] != "]":
        return False
    if not silent:
        token = state.push("note_ref", "", 0)
        token.meta = {"label": m.group(0)}
    state.pos = m.end() + 1
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    blocks = ["code", "fence", "blockquote", "hr", "reference", "html_block", "lheading"]
    md.disable([*blocks, "autolink", "html_inline", "backticks"])
    md.enable("table")
    md.inline.ruler.before("link", "note_ref", _note_ref_rule)
    return md


MD = _parser()


def _detector() -> MarkdownIt:
    """CommonMark with everything on (raw HTML, autolinks, reference definitions, block quotes,
    rules, setext headings, code spans) and strikethrough: used only to find the markup that `MD`
    leaves as text, which would otherwise be printed as typed."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("link", "note_ref", _note_ref_rule)
    return md


DETECT = _detector()
# Text that may hold such markup (most articles hold none: they are not parsed twice).
_SUSPECT = re.compile(r"[<>`~]|^ {0,3}(?:\[[^\]\n]*\]:|(?:[-*_=][ \t]*)+$)", re.M)
# A chunk of plain paragraphs and headings: no character a rule of `MD` reads (emphasis, links, note
# references, images, entities, escapes, table pipes) nor one of the markup `DETECT` looks for, no
# line that could open another block (a list item, a rule: `-`, `+`, `*`, `=`, `:`, `1.`, `1)` first)
# or that starts or ends with white space (markdown-it strips it, or reads it as indentation or a
# line break), and a line starting with `#` only as `## text` or `### text` with no other `#`.
# markdown-it makes such a chunk a heading per such line and a paragraph per run of other lines,
# each one text (a paragraph's lines joined with nothing); `_plain` makes the same blocks without it
# (~0.15 ms a chunk, most of an issue's articles), anything else goes to markdown-it.
# tests/test_markdown_plain.py holds `_plain` to markdown-it's reading on generated text and on the
# examples.
_NOT_PLAIN = re.compile(r"[\\*_\[\]!&<>`~|\t\r\x00]|^(?:[+*=:-]|[0-9]+[.)]|[^\S\n])|[^\S\n]$", re.M)
_PLAIN_HEADING = re.compile(r"(##|###) ([^#]+)")
HTML_FIX = ("these sources take no HTML: write the text alone (*…* for emphasis, a blank line for a new "
            "paragraph), or escape the < as \\< to print it as typed")


def merge_runs(runs: list[Inline] | tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Adjacent runs of the same kind joined, empty runs dropped: one canonical form per text."""
    merged: list[Inline] = []
    for run in runs:
        if isinstance(run, NoteRef):
            merged.append(run)
            continue
        if not run.text:
            continue
        prev = merged[-1] if merged else None
        if isinstance(prev, Text | Emphasis) and type(prev) is type(run):
            merged[-1] = type(run)(prev.text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


class BodyReader:
    """Reads one article body; collects problems instead of stopping at the first."""

    def __init__(self, path: Path | str, root: Path | None, problems: list[Problem]) -> None:
        self.path = path
        self.root = root
        self.problems = problems
        self.numbers: dict[str, int] = {}  # note label → number, in order of first reference
        self.ref_lines: dict[str, int] = {}
        self.in_note = False

    def problem(self, message: str, line: int, fix: str, code: str = "") -> None:
        self.problems.append(Problem(message, self.path, line, fix, code))

    # ── note definitions are cut out first, then containers; the rest is parsed by markdown-it ──
    def read(self, body: str, first_line: int) -> tuple[Block, ...]:
        return self.read_with_notes(body, first_line)[0]

    def read_with_notes(self, body: str, first_line: int) -> tuple[tuple[Block, ...], tuple[Footnote, ...]]:
        lines = LINE_BREAK.split(body)
        definitions = self.cut_definitions(lines, first_line)
        blocks = self.read_lines(lines, first_line)
        return blocks, self.notes(definitions)

    def cut_definitions(self, lines: list[str], first_line: int) -> list[tuple[str, str, int]]:
        """Take the `[^label]: text` definitions out of `lines` (blanked, so line numbers stay):
        [(label, text, line)]. Definitions inside a `:::` block are read too."""
        out: list[tuple[str, str, int]] = []
        index = 0
        while index < len(lines):
            m = _NOTE_DEF.match(lines[index])
            if not m:
                index += 1
                continue
            label, parts = m.group(1), [m.group(2).strip()]
            start = index
            lines[index] = ""
            index += 1
            while index < len(lines) and lines[index].strip() and not _NOTE_DEF.match(lines[index]) \
                    and not _FENCE.match(lines[index]):
                parts.append(lines[index].strip())
                lines[index] = ""
                index += 1
            out.append((label, "".join(parts), first_line + start))
        return out

    def notes(self, definitions: list[tuple[str, str, int]]) -> tuple[Footnote, ...]:
        seen: dict[str, int] = {}
        notes: list[Footnote] = []
        for label, text, line in definitions:
            if label in seen:
                self.problem(f"note [^{label}] is defined twice (first on line {seen[label]})", line,
                             "give each note its own label, or remove one definition", "note-duplicate")
                continue
            seen[label] = line
            if not text:
                self.problem(f"note [^{label}] has no text", line, f"write the note after '[^{label}]:'",
                             "note-empty")
                continue
            self.in_note = True
            runs = self.inline_of(text, line)
            self.in_note = False
            if label not in self.numbers:
                self.problem(f"note [^{label}] is never referenced", line,
                             f"put [^{label}] in the text where the note belongs, or remove the note",
                             "note-unused")
                continue
            notes.append(Footnote(label, self.numbers[label], runs, line))
        for label, line in self.ref_lines.items():
            if label not in seen:
                self.problem(f"note reference [^{label}] has no definition", line,
                             f"add a line '[^{label}]: the note's text' (after the paragraph)",
                             "note-undefined")
        return tuple(sorted(notes, key=lambda n: n.number))

    def read_lines(self, lines: list[str], first_line: int) -> tuple[Block, ...]:
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
                    "end the block with a line ':::'", code="container-unclosed",
                )
            inner = lines[index + 1 : end]
            if name not in CONTAINERS:
                if name:
                    what = f"unknown block '::: {name}'"
                else:
                    what = "':::' closes no block"
                self.problem(what, opening, f"use one of ::: {', ::: '.join(CONTAINERS)}, or write \\::: for the text", code="container-unknown")
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
                    self.problem("emphasis inside a signature", opening + offset, "remove the * marks", code="signature-emphasis")
                if any(isinstance(r, Link) for r in runs):
                    self.problem("link inside a signature", opening + offset,
                                 "write the address as text, or put the link in the text above", "link-misplaced")
                if any(isinstance(r, NoteRef) for r in runs):
                    self.problem("note reference inside a signature", opening + offset,
                                 "put the reference in the text above the signature", "note-misplaced")
                signature_lines.append("".join(r.text for r in runs))
                first = first or opening + offset
            if not signature_lines:
                self.problem("empty '::: signature' block", opening, "write one printed line per line, or remove it", code="block-empty")
                return None
            return Signature(tuple(signature_lines), first)  # the line of its first printed line
        blocks = self.markdown("\n".join(inner), opening + 1)
        paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
        if len(blocks) != 1 or len(paragraphs) != 1:
            self.problem(
                f"'::: {name}' must hold exactly one paragraph (found {len(blocks)} blocks)",
                opening,
                "put one paragraph between the ':::' lines; use one block per paragraph", code="container-not-one-paragraph",
            )
            return None
        # The block's line is its text's line (not the fence's): messages point at the characters.
        runs, line = paragraphs[0].runs, paragraphs[0].line
        return Salutation(runs, line) if name == "salutation" else Note(runs, line)

    # ── CommonMark → blocks ─────────────────────────────────────────────────────────────────────
    def markdown(self, text: str, first_line: int) -> list[Block]:
        if not text.strip():
            return []
        plain = _plain(text, first_line)
        if plain is not None:
            return plain
        self.unsupported(text, first_line)
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
                    "number the items (1. …), or escape the marker (\\- …) to print it", code="markdown-bullet-list",
                )
                index = _skip(tokens, index, "bullet_list_close")
            elif kind == "list_item_open":
                label = token.info + token.markup
                in_item, item_blocks = True, 0
            elif kind == "list_item_close":
                if item_blocks == 0:
                    self.problem(f"empty numbered item '{label}'", line, "write its text after the number", code="block-empty")
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
                        "use ## for headings like 一、… and ### for （一）…; the title goes in the front matter", code="markdown-heading-level",
                    )
            elif kind == "table_open":
                end = _skip(tokens, index, "table_close")
                if in_item:
                    self.problem("table inside a numbered item", line, "put the table after the list, "
                                 "with a blank line before it", "table-in-list")
                else:
                    table = self.table(tokens[index:end + 1], text, first_line, blocks)
                    if table is not None:
                        blocks.append(table)
                index = end
            elif kind == "paragraph_open":
                inline = tokens[index + 1]
                self.raw_syntax(inline.content, line, _links_in(inline.children or []))
                if in_item:
                    item_blocks += 1
                    if item_blocks > 1:
                        self.problem(
                            f"numbered item '{label}' holds more than one paragraph",
                            line,
                            "start the next paragraph without indentation", code="markdown-item-paragraphs",
                        )
                    else:
                        blocks.append(ListItem(label, self.runs(inline, line), line))
                else:
                    figure = self.figure(inline, line)
                    if figure is not None:
                        blocks.append(figure)
                    else:
                        runs = self.runs(inline, line)
                        if runs:  # (a line of white space only — U+3000, NBSP … — is a blank line)
                            blocks.append(Paragraph(runs, line))
            index += 1
        return blocks

    # ── tables ─────────────────────────────────────────────────────────────────────────────
    def table(self, tokens: list[Token], text: str, first_line: int, blocks: list[Block]) -> Table | None:
        """A GFM table from its tokens; its caption is a `表1 …` paragraph just before it (taken
        out of `blocks`). Ragged rows are reported from the source lines, since markdown-it pads
        or cuts them silently."""
        source = text.split("\n")
        top = tokens[0].map[0] if tokens[0].map else 0
        line = first_line + top
        caption: tuple[Inline, ...] = ()
        prev = blocks[-1] if blocks else None
        if isinstance(prev, Paragraph) and _CAPTION.match(prev.text.strip()):
            blocks.pop()
            caption, line = prev.runs, prev.line
        align: list[str] = []
        rows: list[TableRow] = []
        cells: list[TableCell] = []
        row_line = line
        header = False
        n_columns = 0
        for token in tokens:
            if token.type == "tr_open":
                cells = []
                row_line = first_line + (token.map[0] if token.map else 0)
            elif token.type in ("th_open", "td_open"):
                header = token.type == "th_open"
                if header:
                    style = str(token.attrGet("style") or "")
                    align.append(style.removeprefix("text-align:") if style else "")
            elif token.type == "inline":
                cells.append(TableCell(self.runs(token, row_line)))
            elif token.type == "tr_close":
                if header:
                    n_columns = len(cells)
                else:
                    written = _count_cells(source[row_line - first_line]) if 0 <= row_line - first_line < \
                        len(source) else n_columns
                    if written != n_columns:
                        self.problem(f"table row has {written} cells, the header has {n_columns}", row_line,
                                     "give every row as many cells as the header (an empty cell is '| |')",
                                     "table-ragged")
                rows.append(TableRow(tuple(cells), header, row_line))
        if not any(not r.header for r in rows):
            self.problem("table has a header row but no rows", line,
                         "add rows under the '|---|' line, or remove the table", "table-empty")
            return None
        if not any(c.text.strip() for r in rows for c in r.cells):
            self.problem("table has no text in any cell", line, "fill in the cells, or remove the table",
                         "table-empty")
            return None
        return Table(tuple(rows), tuple(align), caption, line)

    def raw_syntax(self, content: str, line: int, links: int = 0) -> None:
        """Markup these sources do not support, which would be printed as typed: reported."""
        lines = content.split("\n")
        if sum(1 for x in lines if x.lstrip().startswith("|")) >= 2:
            self.problem("lines that look like a table but are not one", line,
                         "write the header row, then an alignment row such as |---|---:| with as many "
                         "cells, then the rows; or escape the first | (\\|) to print it", "table-malformed")
        elif lines and lines[0].lstrip().startswith(("```", "~~~")):
            self.problem("code fence (```)", line, "these sources have no code blocks: write the text as "
                         "a paragraph, or escape the marks (\\`)", "markup-unsupported")
        elif len(_LINK.findall(content)) > links:
            # markdown-it leaves a link it refuses (`javascript:`, `file:`) as text: it would print
            self.problem(f"link {_LINK.findall(content)[-1][:60]}: the address is not supported", line,
                         "write a web address (https://…) or an article of this issue (a09.md), or escape "
                         "the bracket (\\[) to print it", "link-broken")

    def unsupported(self, text: str, first_line: int) -> None:
        """Markup CommonMark knows but these sources switch off — raw HTML, autolinks, reference
        definitions, block quotes, rules, setext headings, code spans, strikethrough — would be
        printed as typed: each is reported with the fix (escaping prints it as typed)."""
        if not _SUSPECT.search(text):
            return
        env: dict = {}
        tokens = DETECT.parse(text, env)
        source = text.split("\n")
        for token in tokens:
            line = first_line + (token.map[0] if token.map else 0)
            kind = token.type
            if kind == "html_block":
                self.problem(f"HTML {_shown(token.content)}", line, HTML_FIX, "markup-html")
            elif kind == "blockquote_open":
                self.problem("block quote (a line starting with >)", line,
                             "these sources have no block quotes: write the text as a paragraph (a quotation "
                             "in “…”), or escape the > as \\> to print it", "markup-unsupported")
            elif kind == "hr":
                self.problem(f"a line of {source[token.map[0]].strip() if token.map else '---'} (a rule "
                             "between paragraphs)", line, "these sources have no rules: remove the line, or "
                             "escape its first mark (\\-, \\*, \\_) to print it", "markup-unsupported")
            elif kind == "heading_open" and token.markup[:1] in ("=", "-"):
                under = first_line + token.map[1] - 1 if token.map else line
                self.problem(f"a heading underlined with {token.markup[:1] * 3} (a setext heading)", under,
                             "write ## before the heading and remove the underline, or escape the underline's "
                             "first mark (\\= or \\-) to print it", "markup-unsupported")
            elif kind == "inline":
                self.unsupported_inline(token.children or [], line)
        for label, ref in env.get("references", {}).items():
            at = first_line + (ref["map"][0] if ref.get("map") else 0)
            self.problem(f"link reference definition [{label}]: {ref['href'][:60]}", at,
                         "these sources have no reference links: write [text](address) where the link goes "
                         "and remove this line, or escape the bracket as \\[ to print it", "markup-unsupported")

    def unsupported_inline(self, children: list[Token], line: int) -> None:
        tags = [c.content for c in children if c.type == "html_inline"]
        if tags:  # one problem for the line's tags (<b>…</b> is one thing to fix)
            shown = _shown(tags[0]) if len(tags) == 1 else "tags " + " ".join(t[:20] for t in tags[:4]) + \
                (" …" if len(tags) > 4 else "")
            self.problem(f"HTML {shown}", line, HTML_FIX, "markup-html")
        for child in children:
            kind = child.type
            if kind == "link_open" and child.markup == "autolink":
                self.problem(f"autolink <{child.attrGet('href')}>", line,
                             "write [text](address) for a link, or escape the < as \\< to print it as typed",
                             "markup-unsupported")
            elif kind == "code_inline":
                self.problem(f"code span {child.markup}{child.content[:40]}{child.markup}", line,
                             "these sources have no code: remove the backticks, or escape them (\\`) to print "
                             "them", "markup-unsupported")
            elif kind == "s_open":
                self.problem("strikethrough (~~…~~)", line,
                             "these sources have no struck-out text: remove the tildes, or escape them (\\~) to "
                             "print them", "markup-unsupported")
            elif kind == "image":
                self.unsupported_inline(child.children or [], line)

    def figure(self, inline: Token, line: int) -> Figure | None:
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
        images = [c for c in children if c.type == "image"]
        wide = False
        if len(children) == 2 and images and children[0] is images[0] and children[1].type == "text" \
                and children[1].content.strip() == _WIDE:
            wide = True
            children = children[:1]
        if not images or len(children) != 1:
            return None
        image = images[0]
        # markdown-it percent-encodes the destination (`图.jpg` → `%E5%9B%BE.jpg`): undo it.
        src = unquote(str(image.attrGet("src") or ""))
        alt = str(image.attrGet("title") or "").strip()
        if not src:
            self.problem("figure without an image path", line, "write ![caption](images/file.jpg)", code="figure-no-image")
        elif not src.lower().endswith(_IMAGE_SUFFIXES):
            self.problem(f"figure '{src}' is not a JPEG, PNG, TIFF or WebP image", line,
                         "convert it to .jpg or .png", "image-format")
        path = Path(src)
        try:
            if self.root is not None and not path.is_absolute():
                path = (self.root / path).resolve()
            if src and self.root is not None and not path.is_file():
                self.problem(f"image not found: {src}", line, "give the path relative to the issue folder", code="image-not-found")
        except (OSError, ValueError) as err:  # a NUL byte, a name too long for the file system
            why = err.strerror if isinstance(err, OSError) else err
            self.problem(f"unusable image path {src[:60]!r} ({why})", line, "rename the image file", code="image-bad-path")
        return Figure(path, self.children_runs(image.children or [], line), line, alt, wide)

    def runs(self, inline: Token, line: int) -> tuple[Inline, ...]:
        return self.children_runs(inline.children or [], line)

    def inline_of(self, source: str, line: int) -> tuple[Inline, ...]:
        tokens = MD.parseInline(source)
        return self.children_runs(tokens[0].children or [] if tokens else [], line)

    def children_runs(self, children: list[Token], line: int) -> tuple[Inline, ...]:
        runs: list[Inline] = []
        depth = 0
        link: list[str] | None = None  # the text of the link being read
        target = ""
        for child in children:
            kind = child.type
            if link is not None and kind not in ("text", "text_special", "softbreak", "hardbreak", "link_close"):
                what = {"em_open": "emphasis", "note_ref": "a note reference", "image": "an image",
                        "strong_open": "bold text"}.get(kind)
                if what:
                    self.problem(f"{what} inside the link [{''.join(link)}]({target})", line,
                                 "put it before or after the link: a link's text is plain", "link-markup")
                continue
            if kind == "link_open":
                # markdown-it percent-encodes the destination (`a09.md` stays, `新闻` → `%E6…`): undo it
                target = unquote(str(child.attrGet("href") or ""))
                link = []
                continue
            if kind == "link_close":
                text = "".join(link or [])
                if not text.strip():
                    self.problem(f"link to {target} has no text", line,
                                 "write the text to click between the brackets: [text](address)", "link-empty")
                elif depth:
                    self.problem(f"link [{text}]({target}) inside emphasis", line,
                                 "put the *…* inside or around the text next to the link: a link's text is plain",
                                 "link-markup")
                else:
                    runs.append(Link(text, target))
                link = None
                continue
            if link is not None:
                if kind in ("text", "text_special"):
                    link.append(child.content)
                continue
            if kind == "em_open":
                depth += 1
            elif kind == "em_close":
                depth -= 1
            elif kind in ("text", "text_special"):
                runs.append(Emphasis(child.content) if depth else Text(child.content))
            elif kind in ("softbreak", "hardbreak"):
                continue  # a line break inside a paragraph is joined with nothing
            elif kind == "note_ref":
                label = child.meta["label"]
                if self.in_note:
                    self.problem(f"note reference [^{label}] inside a note", line,
                                 "notes cannot have notes: write the text into the note", "note-nested")
                    continue
                if label not in self.numbers:
                    self.numbers[label] = len(self.numbers) + 1
                    self.ref_lines[label] = line
                runs.append(NoteRef(label, self.numbers[label]))
            elif kind == "strong_open":
                self.problem(
                    "bold text (**…**)",
                    line,
                    "use *…* for emphasis, or escape the asterisks (\\*) to print them", code="markdown-bold",
                )
            elif kind == "strong_close":
                continue
            elif kind == "image":
                self.problem(
                    "image inside a paragraph",
                    line,
                    "put the figure ![caption](path) in a paragraph of its own, or escape it (!\\[…\\])", code="markdown-inline-image",
                )
            else:  # pragma: no cover - every enabled rule is handled above
                self.problem(f"unsupported Markdown ({kind})", line, "escape the punctuation with \\", code="markdown-unsupported")
        return merge_runs(runs)


def _plain(text: str, first_line: int) -> list[Block] | None:
    """The paragraphs and headings of a chunk of plain text as markdown-it reads them (see
    `_NOT_PLAIN`), each at the file line of its first line; None when the chunk is not plain
    (markdown-it decides)."""
    if _NOT_PLAIN.search(text):
        return None
    blocks: list[Block] = []
    lines: list[str] = []
    start = 0
    for index, line in enumerate(text.split("\n")):
        if line[:1] == "#":
            heading = _PLAIN_HEADING.fullmatch(line)
            if heading is None or heading.group(2)[0].isspace():  # (its end is not white: `_NOT_PLAIN`)
                return None
            if lines:  # a heading ends the paragraph above it
                blocks.append(Paragraph((Text("".join(lines)),), first_line + start))
                lines = []
            blocks.append(Heading(len(heading.group(1)) - 1, (Text(heading.group(2)),), first_line + index))
        elif line:
            if not lines:
                start = index
            lines.append(line)
        elif lines:
            blocks.append(Paragraph((Text("".join(lines)),), first_line + start))
            lines = []
    if lines:
        blocks.append(Paragraph((Text("".join(lines)),), first_line + start))
    return blocks


def _shown(html: str) -> str:
    """How an HTML tag or comment is named in a message: `tag <b>`, `comment <!-- … -->`."""
    html = html.strip()
    first = html.split("\n")[0]
    if html.startswith("<!--"):
        return "comment <!-- … -->"
    return f"tag {first[:40]}" + ("…" if len(first) > 40 or "\n" in html else "")


def _links_in(tokens: list[Token]) -> int:
    """How many links markdown-it made of an inline's text (a figure's caption included)."""
    return sum(1 if t.type == "link_open" else _links_in(t.children or []) for t in tokens)


def _count_cells(source: str) -> int:
    """Cells written on a table row's source line (GFM: outer pipes optional, `\\|` escaped)."""
    row = source.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return len(re.split(r"(?<!\\)\|", row))


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
    """Parse an article body starting at file line `first_line` into blocks (notes dropped)."""
    return BodyReader(path, root, problems).read(body, first_line)


def read_body_notes(
    body: str, first_line: int, path: Path | str, root: Path | None, problems: list[Problem]
) -> tuple[tuple[Block, ...], tuple[Footnote, ...]]:
    """Parse an article body into blocks and its notes (`Footnote`s in number order)."""
    return BodyReader(path, root, problems).read_with_notes(body, first_line)
