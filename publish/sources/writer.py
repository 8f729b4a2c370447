r"""The model → source files: the exact format `publish.sources` reads back.

In: an `Article` (or a whole `Issue` and where its articles go). Out: Markdown with TOML front
matter (`article_to_markdown`), the `issue.toml` text (`issue_to_toml`), or both written to a folder
(`write_issue`). The promise, tested with generated articles: reading what is written gives the same
model back — `parse(article_to_markdown(a)) == a` for every article whose runs are in canonical form
(adjacent runs of one kind merged, none empty) and whose list labels are numbers (`1.`, `2)`).

Escaping keeps the text readable: only what would otherwise parse is escaped — `\\ * _ [ ] \``
everywhere, `&` before something that looks like an entity, `<` before a letter, `/`, `!` or `?`
(an HTML tag or an autolink, which the reader reports), `~~`, `#`, `>`, `-`, `+`, `=`, `:`, `|`,
`~` and `1.` at the start of a block, every `#` in a heading. `<条例>` stays as written. Whitespace at either end of a block, which Markdown would
trim, is written as a numeric character reference (`&#x20;`), as is a neighbour of an emphasis
mark where CommonMark's flanking rules would otherwise not see the `*` as emphasis (CJK text next
to punctuation such as `“`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from publish.errors import Problem, SourceError
from publish.model import (
    Article,
    Block,
    Emphasis,
    Figure,
    Heading,
    Inline,
    Issue,
    Link,
    ListItem,
    Note,
    NoteRef,
    Paragraph,
    Salutation,
    Signature,
    Table,
    Text,
)
from publish.sources.markdown import merge_runs

_ALWAYS = set("\\*_[]`")
_LINE_START = set("#>-+=:|~")
_ENTITY_LIKE = re.compile(r"&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
_ORDERED = re.compile(r"^[0-9]{1,9}[.)]")
_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")  # what could open an HTML tag, comment or autolink
_LABEL = re.compile(r"^[0-9]{1,9}[.)]$")
# Characters a numeric reference cannot carry (CommonMark turns them into U+FFFD).
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

LIT, ESC, ENT, DELIM, REF = 0, 1, 2, 3, 4  # REF: a note reference `[^label]`, written as is


def _punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


class _Atom:
    __slots__ = ("char", "mode")

    def __init__(self, char: str, mode: int) -> None:
        self.char = char
        self.mode = mode

    def render(self) -> str:
        if self.mode == ESC:
            return "\\" + self.char
        if self.mode == ENT:
            return f"&#x{ord(self.char):X};"
        return self.char  # LIT, or the `*` of an emphasis (DELIM)

    # The first and last character written: what CommonMark's flanking rules see next to a `*`
    # (a note reference `[^1]` shows `[` and `]`, punctuation, so it never needs changing).
    def first(self) -> str:
        return {ESC: "\\", ENT: "&"}.get(self.mode, self.char[:1])

    def last(self) -> str:
        return ";" if self.mode == ENT else self.char[-1:]


def _check_writable(text: str, what: str) -> None:
    bad = _UNWRITABLE.search(text)
    if bad:
        raise SourceError(
            Problem(
                f"{what} contains control character U+{ord(bad.group()):04X}, which Markdown cannot carry",
                fix="remove it from the text",
            )
        )


def inline_markdown(runs: Sequence[Inline], *, heading: bool = False, emphasis: bool = True) -> str:
    """Runs → inline Markdown that parses back to the same runs, as the start of a block."""
    runs = merge_runs(tuple(runs))
    atoms: list[_Atom] = []
    for run in runs:
        if isinstance(run, NoteRef):
            atoms.append(_Atom(f"[^{run.label}]", REF))
            continue
        _check_writable(run.text, "text")
        if isinstance(run, Link):
            _check_writable(run.target, "a link's target")
            atoms.append(_Atom("[", REF))
            atoms += [_Atom(c, LIT) for c in run.text]
            atoms.append(_Atom(f"]({_link_destination(run.target)})", REF))
            continue
        emphasised = isinstance(run, Emphasis)
        if emphasised and not emphasis:
            raise SourceError(Problem("emphasis cannot be written here", fix="use plain text"))
        if emphasised:
            atoms.append(_Atom("*", DELIM))
        atoms += [_Atom(c, LIT) for c in run.text]
        if emphasised:
            atoms.append(_Atom("*", DELIM))
    chars = [a for a in atoms if a.mode not in (DELIM, REF)]
    flat = "".join(a.char for a in chars)
    for index, atom in enumerate(chars):
        if atom.char in _ALWAYS or (heading and atom.char == "#"):
            atom.mode = ESC
        elif atom.char == "&" and _ENTITY_LIKE.match(flat, index):
            atom.mode = ESC
        elif (atom.char == "<" and _TAG_LIKE.match(flat, index)) or \
                (atom.char == "~" and "~~" in flat[max(index - 1, 0):index + 2]):
            atom.mode = ESC  # (an HTML tag or autolink, strikethrough: the reader reports them)
        elif atom.char in "\n\r":
            atom.mode = ENT
    # Markdown trims whitespace (Python's str.isspace, as markdown-it-py strips) at a block's ends.
    for sequence in (chars, list(reversed(chars))):
        for atom in sequence:
            if not atom.char.isspace():
                break
            atom.mode = ENT
    if chars and chars[0].mode == LIT:
        if chars[0].char in _LINE_START:
            chars[0].mode = ESC
        else:
            ordered = _ORDERED.match(flat)
            if ordered:
                chars[ordered.end() - 1].mode = ESC
    _fix_flanking(atoms)
    return "".join(a.render() for a in atoms)


def _link_destination(target: str) -> str:
    """A link destination that reads back as `target` (CommonMark §6.3): as is when it has no
    space, parenthesis, angle bracket or backslash; else in <…> with those escaped."""
    if not any(c in target for c in " \t()<>\\"):
        return target
    return "<" + "".join("\\" + c if c in "<>\\" else c for c in target) + ">"


def _fix_flanking(atoms: list[_Atom]) -> None:
    """Make every emphasis `*` open or close as meant (CommonMark §6.2, markdown-it's scanDelims).

    A `*` opens only if left-flanking: not followed by whitespace, and if followed by punctuation,
    preceded by whitespace or punctuation. A neighbour written as `&#x…;` is punctuation on both
    sides, so changing the offending neighbour into a reference always satisfies the rule.
    """
    opening = True
    for index, atom in enumerate(atoms):
        if atom.mode != DELIM:
            continue
        before = atoms[index - 1] if index > 0 else None
        after = atoms[index + 1] if index + 1 < len(atoms) else None
        if opening:
            inner, outer = after, before
            assert inner is not None  # an emphasis run is never empty (merge_runs)
            if isWhiteSpace(ord(inner.first())):
                inner.mode = ENT
            outer_char = outer.last() if outer is not None else " "
            if _punct(inner.first()) and not (isWhiteSpace(ord(outer_char)) or _punct(outer_char)):
                assert outer is not None
                outer.mode = ENT
        else:
            inner, outer = before, after
            assert inner is not None
            if isWhiteSpace(ord(inner.last())):
                inner.mode = ENT
            outer_char = outer.first() if outer is not None else " "
            if _punct(inner.last()) and not (isWhiteSpace(ord(outer_char)) or _punct(outer_char)):
                assert outer is not None
                outer.mode = ENT
        opening = not opening


def _toml_string(value: str) -> str:
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _block(block: Block, root: Path | None, folder: Path | None = None) -> str:
    if isinstance(block, Paragraph):
        if not block.runs:
            raise SourceError(Problem("an empty paragraph cannot be written", fix="drop the block"))
        return inline_markdown(block.runs)
    if isinstance(block, Heading):
        if block.level not in (1, 2):
            raise SourceError(Problem(f"heading level {block.level} cannot be written", fix="use level 1 or 2"))
        return "#" * (block.level + 1) + " " + inline_markdown(block.runs, heading=True)
    if isinstance(block, ListItem):
        if not _LABEL.match(block.label):
            raise SourceError(
                Problem(f"list label {block.label!r} cannot be written", fix="use a number and . or ), e.g. 1.")
            )
        if not block.runs:
            raise SourceError(Problem(f"numbered item {block.label!r} has no text", fix="drop the block"))
        return f"{block.label} {inline_markdown(block.runs)}"
    if isinstance(block, Salutation | Note):
        name = "salutation" if isinstance(block, Salutation) else "note"
        return f"::: {name}\n{inline_markdown(block.runs)}\n:::"
    if isinstance(block, Signature):
        if not block.lines or not all(block.lines):
            raise SourceError(Problem("a signature line is empty", fix="drop empty lines"))
        body = "\n".join(inline_markdown([_plain(line)], emphasis=False) for line in block.lines)
        return f"::: signature\n{body}\n:::"
    if isinstance(block, Figure):
        return _figure(block, root, folder)
    if isinstance(block, Table):
        return _table(block)
    raise TypeError(f"not a block: {block!r}")


def _table(table: Table) -> str:
    """A GFM pipe table, its caption paragraph (`表1 …`) on the line before it. `|` in a cell is
    escaped; a cell's text never starts a block, so only the always-escaped characters matter."""
    def cell(runs) -> str:
        text = inline_markdown(runs) if runs else " "
        return re.sub(r"(?<!\\)\|", r"\\|", text)

    lines = []
    if table.caption:
        lines.append(inline_markdown(table.caption))
    marks = {"left": ":---", "right": "---:", "center": ":---:"}
    for row in table.rows:
        lines.append("| " + " | ".join(cell(c.runs) for c in row.cells) + " |")
        if row.header:
            lines.append("|" + "|".join(marks.get(a, "---") for a in table.align) + "|")
    return "\n".join(lines)


def _plain(text: str) -> Inline:
    return Text(text)


def _figure(figure: Figure, root: Path | None, folder: Path | None = None) -> str:
    path = figure.image
    if root is not None and path.is_absolute():
        if path.is_relative_to(root):
            path = path.relative_to(root)
        elif folder is not None:
            try:
                # a picture outside the issue: relative to the folder written (`../photos/a.jpg`)
                path = Path(os.path.relpath(path, folder))
            except ValueError:  # another drive (Windows): only an absolute path reaches it
                pass
    target = path.as_posix()
    if re.search(r"[\s()<>\\]", target) or not target:
        target = "<" + re.sub(r"([<>\\])", r"\\\1", target) + ">"
    caption = inline_markdown(figure.caption) if figure.caption else ""
    title = ""
    if figure.alt:
        title = ' "' + figure.alt.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"![{caption}]({target}{title})" + ("{.wide}" if figure.wide else "")


def article_to_markdown(article: Article, *, section: str | None = None, root: Path | None = None,
                        folder: Path | None = None) -> str:
    """An article → its source file text (front matter + Markdown body), ending with a newline.

    `folder`: where the issue is written, when not `root`: a picture outside `root` is then
    written relative to `folder`.

    `section` adds the optional `section = "…"` key; `root` (the issue folder) makes absolute
    figure paths relative to it.
    """
    for line in article.title:
        _check_writable(line, "the title")
    front = []
    if len(article.title) == 1:
        front.append(f"title = {_toml_string(article.title[0])}")
    else:
        front.append("title = [" + ", ".join(_toml_string(t) for t in article.title) + "]")
    if article.subtitle:
        front.append(f"subtitle = {_toml_string(article.subtitle)}")
    if article.bylines:
        entries = [
            f"  {{unit = {_toml_string(b.unit)}, name = {_toml_string(b.name)}}}," for b in article.bylines
        ]
        front.append("byline = [\n" + "\n".join(entries) + "\n]")
    if article.kind:
        front.append(f"kind = {_toml_string(article.kind)}")
    if section is not None:
        front.append(f"section = {_toml_string(section)}")
    body = "\n\n".join(_block(b, root, folder) for b in article.blocks)
    for note in article.notes:
        body += f"\n\n[^{note.label}]: {inline_markdown(note.runs)}"
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + body + "\n"


def _paths_for(issue: Issue, article_paths: Mapping[str, str | Path] | Sequence[str | Path]) -> list[str]:
    articles = issue.articles
    if isinstance(article_paths, Mapping):
        paths = [article_paths[a.slug] for a in articles]
    else:
        paths = list(article_paths)
        if len(paths) != len(articles):
            raise ValueError(f"{len(paths)} paths for {len(articles)} articles")
    result = []
    for article, path in zip(articles, paths, strict=True):
        posix = Path(path).as_posix()
        if Path(posix).stem != article.slug:
            raise ValueError(f"path {posix} does not give the slug {article.slug!r} (the slug is the file stem)")
        result.append(posix)
    return result


def issue_to_toml(issue: Issue, article_paths: Mapping[str, str | Path] | Sequence[str | Path],
                  template: str | None = None) -> str:
    """The `issue.toml` text for an issue; `article_paths` maps slug → path (or lists them in order).

    Paths are relative to the issue folder and their stem must be the article's slug. `template`:
    an existing `issue.toml` text whose comments, layout and keys the model does not hold (e.g.
    `[issue] normalize`) are kept, with every value the model holds written over it.
    """
    fresh = _fresh_toml(issue, article_paths)
    return fresh if template is None else _merged_toml(template, fresh)


# The keys of each table that the model holds (every key of [fonts]: the roles and `strict`).
_MODELLED = {
    "magazine": ("title", "slug", "language", "publisher", "issn"),
    "issue": ("label", "date", "first_folio", "layout"),
    "proof": ("ignore",),
}


def _merged_toml(template: str, fresh: str) -> str:
    """`template` with the values of `fresh` (both issue.toml texts) written into it."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(template)
    except TOMLKitError:
        return fresh  # a template we cannot read keeps nothing
    new = tomlkit.parse(fresh)
    for table, keys in _MODELLED.items():
        _merge_table(doc, new, table, keys)
    _merge_table(doc, new, "fonts", tuple(set(doc.get("fonts", {}) or {}) | set(new.get("fonts", {}) or {})))
    old_sections, new_sections = doc.get("sections"), new.get("sections")
    if isinstance(old_sections, list) and new_sections is not None and len(old_sections) == len(new_sections):
        for old, section in zip(old_sections, new_sections, strict=True):
            for key in ("title", "articles"):
                if key not in old or _toml_value(old[key]) != _toml_value(section[key]):
                    old[key] = section[key]
    elif new_sections is not None:
        if "sections" in doc:
            del doc["sections"]
        doc["sections"] = new_sections
    return tomlkit.dumps(doc)


def _merge_table(doc: Any, new: Any, table: str, keys: Sequence[str]) -> None:
    import tomlkit

    fresh = new.get(table)
    if fresh is None:
        if table in doc and isinstance(doc[table], dict):
            for key in keys:
                if key in doc[table]:
                    del doc[table][key]
            if not doc[table]:
                del doc[table]
        return
    if table not in doc or not isinstance(doc[table], dict):
        if table in doc:
            del doc[table]
        doc[table] = tomlkit.table()
    target = doc[table]
    for key in keys:
        if key in fresh:
            if key not in target or _toml_value(target[key]) != _toml_value(fresh[key]):  # an unchanged line keeps its comment
                target[key] = fresh[key]
        elif key in target:
            del target[key]


def _toml_value(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def _fresh_toml(issue: Issue, article_paths: Mapping[str, str | Path] | Sequence[str | Path]) -> str:
    paths = iter(_paths_for(issue, article_paths))
    out = ["[magazine]", f"title = {_toml_string(issue.magazine)}"]
    if issue.magazine_slug:
        out.append(f"slug = {_toml_string(issue.magazine_slug)}")
    out.append(f"language = {_toml_string(issue.language)}")
    if issue.publisher:
        out.append(f"publisher = {_toml_string(issue.publisher)}")
    if issue.issn:
        out.append(f"issn = {_toml_string(issue.issn)}")
    out += [
        "",
        "[issue]",
        f"label = {_toml_string(issue.label)}",
        f"date = {issue.date.isoformat()}",
        f"first_folio = {issue.first_folio}",
        f"layout = {_toml_string(issue.layout)}",
    ]
    if issue.fonts or issue.strict_fonts:
        out += ["", "[fonts]"]
        if issue.strict_fonts:
            out.append("strict = true")
        for role, candidates in issue.fonts:
            out.append(f"{role} = [" + ", ".join(_toml_string(c) for c in candidates) + "]")
    if issue.proof_ignore:
        out += ["", "[proof]", "ignore = [" + ", ".join(_toml_string(c) for c in issue.proof_ignore) + "]"]
    for section in issue.sections:
        out += ["", "[[sections]]", f"title = {_toml_string(section.title)}", "articles = ["]
        out += [f"  {_toml_string(next(paths))}," for _ in section.articles]
        out.append("]")
    return "\n".join(out) + "\n"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_issue(
    issue: Issue,
    folder: Path | str,
    article_paths: Mapping[str, str | Path] | Sequence[str | Path] | None = None,
) -> list[Path]:
    """Write `issue.toml` and every article into `folder` (each file written whole, then renamed).

    Default article paths are `articles/<slug>.md` (the slug is the file stem). Figure paths are
    written relative to `folder`. The issue's own `issue.toml` (in `issue.root`, else one already
    in `folder`) keeps its comments and the keys the model does not hold (`normalize`, …). An
    article read from a file in `folder` and now written under another name (a new slug) leaves
    no stale file: the old one is removed. Returns the files written. Raises `SourceError` if
    something cannot be written.
    """
    folder = Path(folder)
    if article_paths is None:
        article_paths = {a.slug: f"articles/{a.slug}.md" for a in issue.articles}
    paths = _paths_for(issue, article_paths)
    # Pictures inside the issue's own folder keep their place relative to it (copied along when
    # the issue is written somewhere else); others are written relative to `folder` if they can be.
    source_root = Path(issue.root).resolve() if issue.root is not None else folder.resolve()
    copies: list[tuple[Path, Path]] = []
    for article in issue.articles:
        for block in article.blocks:
            if isinstance(block, Figure) and block.image.is_absolute() and \
                    block.image.is_relative_to(source_root) and source_root != folder.resolve():
                copies.append((block.image, folder / block.image.relative_to(source_root)))
    texts: list[tuple[Path, str]] = []
    index = 0
    for section in issue.sections:
        for article in section.articles:
            texts.append((folder / paths[index], article_to_markdown(article, root=source_root,
                                                                           folder=folder.resolve())))
            index += 1
    texts.append((folder / "issue.toml", issue_to_toml(issue, paths, _template(issue, folder))))
    for path, text in texts:  # everything rendered before the first file is written
        _atomic_write(path, text)
    for source, target in copies:
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    written = {p.resolve() for p, _ in texts}
    inside = folder.resolve()
    for article in issue.articles:  # renamed articles: their old files go
        old = Path(article.source).resolve() if article.source is not None else None
        if old is not None and old not in written and old.suffix == ".md" and old.is_relative_to(inside):
            old.unlink(missing_ok=True)
    return [p for p, _ in texts]


def _template(issue: Issue, folder: Path) -> str | None:
    for candidate in ([issue.root / "issue.toml"] if issue.root is not None else []) + [folder / "issue.toml"]:
        try:
            return candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return None
