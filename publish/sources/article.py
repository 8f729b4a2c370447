"""One article file (TOML front matter between `+++` lines, then Markdown) → `Article`.

In: the article's text (or its path), the name to show in messages, the issue folder. Out: an
`Article` whose slug is the file stem, or a `SourceError` listing every problem found in the file.

Front matter keys (docs/writing-an-issue.md): `title` (a string, or a list of the printed lines),
`subtitle`, `byline = [{unit = "…", name = "…"}]`, `kind` (article, speech, notice, news) and
`section` (must equal the issue.toml section the article is listed under).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from publish import model
from publish.errors import Problem, SourceError
from publish.model import Article, Byline, Figure
from publish.sources.files import (
    LINE_BREAK,
    character_references,
    control_characters,
    key_line,
    normalize,
    parse_toml,
    read_text,
)

FRONT_MATTER_KEYS = ("title", "subtitle", "byline", "kind", "section")
BYLINE_KEYS = ("unit", "name")
KINDS = ("article", "speech", "notice", "news")
_DELIMITER = re.compile(r"^\+\+\+[ \t]*$")


def parse_article(
    text: str,
    path: Path | str,
    root: Path | None = None,
    problems: list[Problem] | None = None,
    slug: str | None = None,
    source: Path | None = None,
) -> tuple[Article | None, str | None]:
    """Parse an article's text; returns (article or None, its `section` key) and fills `problems`.

    Why a list and not an exception: `publish check` lists every problem of every file at once.

    An article read without problems is kept in the cache (`publish.cache`, kind "articles"),
    keyed by everything the result depends on: the text, the names and folders given, and the
    source of the parsing code (this package, the model) and of markdown-it. A warm build then neither imports
    markdown-it nor parses (measured: ~0.08 s of a 0.9 s build). A cached article is used only if
    each of its figures' files is still there (the one thing outside the text it checks).
    """
    problems = [] if problems is None else problems
    slug = slug if slug is not None else Path(path).stem
    try:
        from publish import cache
    except ImportError:  # the sources stage works on its own (publish check before the fonts exist)
        return _parse_article(text, path, root, problems, slug, source)

    key = "\0".join((_code_digest(), text, str(path), str(root), slug, str(source)))
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
    if kept is not None and _figures_exist(kept[0], root):
        _keep(key, kept)
        return kept
    hit = cache.get_value("articles", key, _MODEL_TYPES)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[0], Article) and _figures_exist(hit[0], root):
        _keep(key, hit)
        return hit
    before = len(problems)
    result = _parse_article(text, path, root, problems, slug, source)
    if len(problems) == before and result[0] is not None:
        cache.put_value("articles", key, result)
        _keep(key, (result[0], result[1]))
    return result


# The articles read last in this process, by the same key as the cache's: the same text gives back
# the very same `Article` object (no file read, no unmarshalling), which is how `publish watch`
# sees at once which articles did not change (publish.paginate.warm). Only articles read without
# a problem are kept, as in the cache; the figures' files are looked for on every use as there.
_KEPT: OrderedDict[str, tuple[Article, str | None]] = OrderedDict()
KEPT_ARTICLES = 512  # a few issues' worth; the oldest goes first


_KEPT_LOCK = threading.Lock()  # a Publisher may build from several threads


def _keep(key: str, result: tuple[Article, str | None]) -> None:
    with _KEPT_LOCK:
        _KEPT[key] = result
        _KEPT.move_to_end(key)
        while len(_KEPT) > KEPT_ARTICLES:
            _KEPT.popitem(last=False)

# The classes a cached article is rebuilt from (nothing else is ever constructed from the cache).
_MODEL_TYPES = tuple(v for v in vars(model).values()
                     if isinstance(v, type) and v.__module__ == model.__name__ and hasattr(v, "__dataclass_fields__"))


def _code_digest() -> str:
    """The source of the code that turns article text into an `Article` (this package, the model,
    markdown-it), so that a changed parser never serves an old result."""
    from publish.cache import module_digest

    return module_digest("publish.sources", "publish.model", "markdown_it")


def _figures_exist(article: Article, root: Path | None) -> bool:
    if root is None:  # then the parser does not look for them either
        return True
    return all(b.image.is_file() for b in article.blocks if isinstance(b, Figure))


def _parse_article(
    text: str, path: Path | str, root: Path | None, problems: list[Problem], slug: str, source: Path | None
) -> tuple[Article | None, str | None]:
    from publish.sources.markdown import read_body_notes  # imports markdown-it: only when parsing

    before = len(problems)
    shown = path
    control_characters(text, shown, 1, problems)
    character_references(text, shown, 1, problems)
    lines = LINE_BREAK.split(text)
    if not lines or not _DELIMITER.match(lines[0]):
        problems.append(
            Problem(
                "no front matter: the file must start with a line '+++'",
                shown,
                1,
                "begin with '+++', the keys (title = \"…\"), and another '+++' line", code="front-matter-missing",
            )
        )
        return None, None
    closing = next((i for i in range(1, len(lines)) if _DELIMITER.match(lines[i])), None)
    if closing is None:
        problems.append(
            Problem(
                "front matter is never closed",
                shown,
                1,
                "add a line '+++' after the title, subtitle and byline keys", code="front-matter-unclosed",
            )
        )
        return None, None
    meta_lines = lines[1:closing]
    meta = parse_toml("\n".join(meta_lines) + "\n", shown, 2, problems)
    body_first_line = closing + 2
    blocks, notes = read_body_notes("\n".join(lines[closing + 1 :]), body_first_line, shown, root, problems)
    if meta is None:
        return None, None

    def where(key: str) -> int:
        return key_line(meta_lines, key, 2)

    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            problems.append(
                Problem(
                    f"unknown front matter key '{key}'",
                    shown,
                    where(key),
                    f"use only {', '.join(FRONT_MATTER_KEYS)} (check the spelling)", code="front-matter-unknown-key",
                )
            )

    title = _title(meta.get("title"), shown, where("title"), problems)
    subtitle = _string(meta, "subtitle", shown, where, problems)
    kind = _string(meta, "kind", shown, where, problems)
    if kind and kind not in KINDS:
        problems.append(
            Problem(f"unknown kind '{kind}'", shown, where("kind"), f"use one of {', '.join(KINDS)}", code="article-unknown-kind")
        )
    section = _string(meta, "section", shown, where, problems) if "section" in meta else None
    bylines = _bylines(meta.get("byline", []), shown, meta_lines, where("byline"), problems)
    fields = [("title", t) for t in title] + [("subtitle", subtitle)] + \
        [("byline", t) for b in bylines for t in (b.unit, b.name)]
    for key, value in fields:
        _front_matter_markup(key, value, shown, where, problems)
    if not blocks and len(problems) == before:
        problems.append(
            Problem(
                "the article has no text after its front matter",
                shown,
                body_first_line - 1,
                "write the article's paragraphs after the closing '+++', or remove it from issue.toml", code="article-empty",
            )
        )
    if len(problems) > before:
        return None, section
    article = Article(
        slug=slug,
        title=title,
        blocks=blocks,
        notes=notes,
        subtitle=subtitle,
        bylines=bylines,
        kind=kind,
        source=source if source is not None else Path(path),
    )
    return article, section


# Markup the front matter does not read (its values are plain text): it would be printed as typed.
_NOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_HTML = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--)")


def _front_matter_markup(key: str, value: str, path: Path | str, where: Callable[[str], int],
                         problems: list[Problem]) -> None:
    """Problems for markup in a front matter value; `where(key)` gives the key's line (looked up
    only for a problem: every article has these values, few have a problem)."""
    note = _NOTE_REF.search(value)
    if note:
        problems.append(Problem(
            f"note reference {note.group(0)} in the {key} (the front matter takes no notes)", path, where(key),
            f"remove it from the {key} and put {note.group(0)} in the text, after the first sentence the note "
            "explains (a note on the whole article — 作者简介, 基金项目 — after the first sentence)",
            code="note-in-front-matter"))
    tag = _HTML.search(value)
    if tag:
        problems.append(Problem(
            f"HTML {tag.group(0)[:20]} in the {key} (the front matter is plain text)", path, where(key),
            'remove it; for a title on two lines write title = ["first line", "second line"]',
            code="markup-html"))


def _title(value: Any, path: Path | str, line: int, problems: list[Problem]) -> tuple[str, ...]:
    fix = 'write title = "…", or title = ["first printed line", "second printed line"]'
    if value is None:
        problems.append(Problem("the front matter has no title", path, line, fix, code="article-no-title"))
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem("title must be a string or a list of strings", path, line, fix, code="article-bad-title"))
        return ()
    if not "".join(value).strip():
        problems.append(Problem("the title is empty", path, line, fix, code="article-no-title"))
        return ()
    return tuple(value)


def _string(meta: dict[str, Any], key: str, path: Path | str, where: Any, problems: list[Problem]) -> str:
    value = meta.get(key, "")
    if not isinstance(value, str):
        problems.append(Problem(f"{key} must be a string", path, where(key), f'write {key} = "…" (in double quotes)', code="front-matter-not-string"))
        return ""
    return value


def _bylines(
    value: Any, path: Path | str, meta_lines: list[str], line: int, problems: list[Problem]
) -> tuple[Byline, ...]:
    fix = 'write byline = [{unit = "…", name = "…"}] (one table per person or group)'
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem("byline must be a list of {unit, name} tables", path, line, fix, code="byline-bad"))
        return ()
    bylines = []
    for entry in value:
        if not isinstance(entry, dict):
            problems.append(Problem("byline must be a list of {unit, name} tables", path, line, fix, code="byline-bad"))
            continue
        for key in entry:
            if key not in BYLINE_KEYS:
                problems.append(
                    Problem(
                        f"unknown byline key '{key}'",
                        path,
                        key_line(meta_lines, key, 2, line - 2),
                        "a byline has only unit and name", code="byline-unknown-key",
                    )
                )
        unit, name = entry.get("unit", ""), entry.get("name", "")
        if not isinstance(unit, str) or not isinstance(name, str):
            problems.append(Problem("byline unit and name must be strings", path, line, fix, code="byline-bad"))
            continue
        if not (unit.strip() or name.strip()):
            problems.append(Problem("empty byline", path, line, "give a unit or a name, or remove it", code="article-empty-byline"))
            continue
        bylines.append(Byline(unit=unit, name=name))
    return tuple(bylines)


def read_article(
    path: Path | str,
    root: Path | None = None,
    shown: Path | str | None = None,
    normal_form: str | None = None,
) -> Article:
    """Read one article file; raises `SourceError` with every problem found in it."""
    path = Path(path)
    shown = shown if shown is not None else path
    problems: list[Problem] = []
    text = read_text(path, shown, problems)
    article = None
    if text is not None:
        article, _ = parse_article(
            normalize(text, normal_form), shown, root, problems, slug=path.stem, source=path.resolve()
        )
    if problems or article is None:
        raise SourceError(*problems)
    return article


def article_from_text(text: str, path: Path | str = "article.md", root: Path | None = None) -> Article:
    """Parse article text (no file needed); raises `SourceError` listing every problem."""
    problems: list[Problem] = []
    article, _ = parse_article(text, path, root, problems)
    if problems or article is None:
        raise SourceError(*(problems or [Problem("cannot read the article", path, 1, code="source-unreadable")]))
    return article
