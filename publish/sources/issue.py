"""An issue folder (`issue.toml` + the articles it lists) → `Issue`, or every problem in it.

In: the folder (or its `issue.toml`). Out: `load_issue` returns the immutable `Issue`;
`check_sources` returns the list of `Problem`s (empty when the sources are sound), each naming the
file and line and what to do. Problems found: bad TOML (with its line), unknown tables and keys,
missing or mistyped values, bad dates, invalid UTF-8, articles missing, listed twice, or in no
section, duplicate slugs, and whatever the article reader finds (publish/sources/article.py).

Paths in messages are shown as the user gave the folder (e.g. `examples/sample/articles/01-x.md`),
so that they can be pasted into an editor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from publish.errors import Problem, SourceError
from publish.model import Article, Covers, Insert, Issue, Masthead, Section
from publish.sources.article import parse_article
from publish.sources.files import (
    LINE_BREAK,
    NORMAL_FORMS,
    control_characters,
    key_line,
    normalize,
    parse_toml,
    read_text,
)

ISSUE_FILE = "issue.toml"
TABLES = ("magazine", "issue", "fonts", "proof", "sections", "covers", "masthead", "inserts")
MAGAZINE_KEYS = ("title", "language", "publisher", "issn", "slug")
ISSUE_KEYS = ("label", "date", "first_folio", "layout", "normalize")
SECTION_KEYS = ("title", "articles")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
COVER_KEYS = ("front", "inside_front", "inside_back", "back", "spine", "spine_mm")
# [masthead] key → the label printed before its value, in print order.
MASTHEAD_LABELS = (
    ("sponsor", "主办"),
    ("editor", "编辑"),
    ("address", "地址"),
    ("postcode", "邮编"),
    ("phone", "电话"),
    ("email", "电子邮箱"),
    ("permit", "准印证号"),
    ("printer", "印刷"),
)
INSERT_KEYS = ("picture", "folio", "after")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".pdf")


@dataclass
class _Reading:
    root: Path
    shown_root: Path
    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    allow_outside: bool = False

    @property
    def toml_path(self) -> Path:
        return self.shown_root / ISSUE_FILE

    def problem(self, message: str, line: int | None, fix: str, code: str = "") -> None:
        self.problems.append(Problem(message, self.toml_path, line, fix, code))

    # (not a field: the dataclass's methods stay those `publish.dcmethods` has compiled ahead)
    @cached_property
    def real_root(self) -> Path:
        """`root` resolved (symbolic links followed), once for the whole reading (`inside`)."""
        return self.root.resolve()

    def inside(self, path: Path) -> bool:
        """`_inside(path, self.root)`, with the root resolved once for the whole reading (an issue
        asks for each article file, picture and figure: ~50 `Path.resolve` calls less, ~1 ms)."""
        try:
            real_root = self.real_root
        except OSError:
            return False
        return _under(path, real_root)

    def line_of(self, key: str, start: int = 0) -> int:
        return key_line(self.lines, key, 1, start)

    def table_line(self, table: str) -> int:
        return self.line_of(table)


def _find_root(path: Path | str) -> tuple[Path, Path]:
    shown = Path(path)
    if shown.name == ISSUE_FILE or (shown.suffix == ".toml" and shown.is_file()):
        shown = shown.parent
    return shown.resolve(), shown


def _read(path: Path | str, allow_outside: bool = False) -> tuple[Issue | None, list[Problem]]:
    root, shown_root = _find_root(path)
    reading = _Reading(root, shown_root, allow_outside=allow_outside)
    if not root.is_dir():
        reading.problems.append(
            Problem("not an issue folder (it does not exist)", shown_root, None, "give the folder that holds issue.toml", code="issue-folder-missing")
        )
        return None, reading.problems
    if not (root / ISSUE_FILE).is_file():
        reading.problems.append(
            Problem(
                f"no {ISSUE_FILE} in this folder",
                shown_root,
                None,
                "give the issue folder, or create one with `publish new DIR`", code="issue-toml-missing",
            )
        )
        return None, reading.problems
    text = read_text(root / ISSUE_FILE, reading.toml_path, reading.problems)
    if text is None:
        return None, reading.problems
    reading.lines = LINE_BREAK.split(text)
    control_characters(text, reading.toml_path, 1, reading.problems)
    data = parse_toml(text, reading.toml_path, 1, reading.problems)
    if data is None:
        return None, reading.problems
    form = _normal_form(data, reading)
    if form:
        data = parse_toml(normalize(text, form), reading.toml_path, 1, reading.problems) or data
    issue = _issue(data, reading, form)
    if issue is not None:
        from publish.links import link_problems

        reading.problems += link_problems(issue, lambda a: _shown(a, reading))
    if reading.problems:
        # Alone, an unknown layout is the layout stage's to report (beside the fonts' problems,
        # publish.preflight); with other problems of the sources it is reported here, with them.
        meta = data.get("issue")
        layout = meta.get("layout") if isinstance(meta, dict) else None
        if isinstance(layout, str) and layout:
            _check_layout_name(layout, reading, reading.table_line("issue"))
    if reading.problems:
        return None, reading.problems
    return issue, reading.problems


def _shown(article: Article, reading: _Reading) -> Path | str:
    """An article's file as messages name it (under the issue folder as the user gave it)."""
    if article.source is None:
        return article.slug
    try:
        return reading.shown_root / article.source.relative_to(reading.root.resolve())
    except ValueError:
        return article.source


def _check_layout_name(layout: str, reading: _Reading, issue_line: int) -> None:
    """An unknown layout is a problem of issue.toml (its line), reported with every other one."""
    from publish.errors import LayoutError
    from publish.layout.load import find_layout

    try:
        find_layout(layout, reading.root)
    except LayoutError as err:
        for p in err.problems:
            reading.problems.append(Problem(p.message, reading.toml_path,
                                            reading.line_of("layout", issue_line - 1), p.fix, "layout-unknown"))


def _normal_form(data: dict[str, Any], reading: _Reading) -> str | None:
    issue = data.get("issue")
    value = issue.get("normalize") if isinstance(issue, dict) else None
    if value is None:
        return None
    if value not in NORMAL_FORMS:
        reading.problem(
            f"normalize = {value!r} is not a Unicode normal form",
            reading.line_of("normalize"),
            f"use one of {', '.join(NORMAL_FORMS)}, or remove the key to keep the text as written", code="issue-bad-normalize",
        )
        return None
    return str(value)


def _table(data: dict[str, Any], name: str, reading: _Reading, required: bool) -> dict[str, Any]:
    value = data.get(name)
    if value is None:
        if required:
            reading.problem(f"no [{name}] table", 1, f"add a [{name}] table (see README 'Writing an issue')", code="toml-missing-table")
        return {}
    if not isinstance(value, dict):
        reading.problem(f"'{name}' must be a table", reading.table_line(name), f"write it as [{name}] with keys below", code="toml-not-table")
        return {}
    return value


def _unknown_keys(table: dict[str, Any], known: tuple[str, ...], where: str, reading: _Reading, start: int) -> None:
    for key in table:
        if key not in known:
            reading.problem(
                f"unknown key '{key}' in {where}",
                reading.line_of(key, max(start - 1, 0)),
                f"use only {', '.join(known)} (check the spelling)", code="toml-unknown-key",
            )


def _text(table: dict[str, Any], key: str, where: str, reading: _Reading, start: int, default: str | None) -> str:
    value = table.get(key, default)

    def line() -> int:  # looked up for a problem only (a regular expression per key)
        return reading.line_of(key, max(start - 1, 0)) if key in table else start

    if value is None:
        reading.problem(f"{where} has no {key}", line(), f'add {key} = "…"', code="toml-missing-key")
        return ""
    if not isinstance(value, str):
        reading.problem(f"{where} {key} must be a string", line(), f'write {key} = "…" (in double quotes)',
                        code="toml-not-string")
        return ""
    if default is None and not value.strip():
        reading.problem(f"{where} {key} is empty", line(), f'write the {key} between the quotes', code="toml-empty-value")
    return value


def _issue(data: dict[str, Any], reading: _Reading, form: str | None) -> Issue | None:
    for key in data:
        if key not in TABLES:
            reading.problem(
                f"unknown table or key '{key}'",
                reading.line_of(key),
                f"use only [{'], ['.join(TABLES[:4])}], [[sections]], [covers], [masthead] and [[inserts]] "
                "(check the spelling)", code="toml-unknown-key",
            )
    had_magazine = isinstance(data.get("magazine"), dict)
    magazine = _table(data, "magazine", reading, required=True)
    magazine_line = reading.table_line("magazine")
    _unknown_keys(magazine, MAGAZINE_KEYS, "[magazine]", reading, magazine_line)
    # A missing table is one problem, not one more per required key in it.
    title = _text(magazine, "title", "[magazine]", reading, magazine_line, None if had_magazine else "")
    language = _text(magazine, "language", "[magazine]", reading, magazine_line, "zh-CN")
    publisher = _text(magazine, "publisher", "[magazine]", reading, magazine_line, "")
    issn = _text(magazine, "issn", "[magazine]", reading, magazine_line, "")
    slug = _text(magazine, "slug", "[magazine]", reading, magazine_line, "")
    if slug and not SLUG_RE.fullmatch(slug):
        reading.problem(
            f"slug = {slug!r} cannot be a file name",
            reading.line_of("slug", magazine_line - 1),
            "use lowercase ASCII letters, digits and '-', e.g. slug = \"bayannaoer-renda\"",
            code="issue-bad-slug",
        )

    had_issue = isinstance(data.get("issue"), dict)
    meta = _table(data, "issue", reading, required=True)
    issue_line = reading.table_line("issue")
    _unknown_keys(meta, ISSUE_KEYS, "[issue]", reading, issue_line)
    label = _text(meta, "label", "[issue]", reading, issue_line, None if had_issue else "")
    layout = _text(meta, "layout", "[issue]", reading, issue_line, "magazine-16k")
    date = _date(meta, reading, issue_line) if had_issue else None
    first_folio = meta.get("first_folio", 1)
    if isinstance(first_folio, bool) or not isinstance(first_folio, int) or first_folio < 1:
        reading.problem(
            f"first_folio = {first_folio!r} is not a page number",
            reading.line_of("first_folio", issue_line - 1),
            "write the folio of the first body page as a whole number, e.g. first_folio = 3", code="issue-bad-folio",
        )
        first_folio = 1

    fonts = _fonts(data, reading)
    strict_fonts = _strict_fonts(data, reading)
    proof_ignore = _proof(data, reading)
    sections = _sections(data, reading, form)
    covers = _covers(data, reading)
    masthead = _masthead(data, reading, issn, label)
    inserts = _inserts(data, reading, sections)
    if reading.problems or date is None:
        return None
    return Issue(
        magazine=title,
        label=label,
        date=date,
        sections=sections,
        language=language,
        first_folio=first_folio,
        layout=layout,
        publisher=publisher,
        issn=issn,
        root=reading.root,
        fonts=fonts,
        strict_fonts=strict_fonts,
        proof_ignore=proof_ignore,
        covers=covers,
        masthead=masthead,
        inserts=inserts,
        magazine_slug=slug if SLUG_RE.fullmatch(slug) else "",
    )


def _picture(value: Any, where: str, line: int, reading: _Reading) -> Path | None:
    """A cover or insert picture: a PNG/JPEG or one-page PDF file in the issue folder."""
    fix = f'write {where.split()[-1]} = "covers/front.png" (a PNG, JPEG or one-page PDF in the issue folder)'
    if not isinstance(value, str) or not value.strip():
        reading.problem(f"{where} must be a file name", line, fix, code="covers-bad-file")
        return None
    path = reading.root / value
    if path.suffix.lower() not in PICTURE_SUFFIXES:
        reading.problem(f"{where}: {value} is not a PNG, JPEG or PDF file", line, fix, code="covers-bad-file")
        return None
    if not path.is_file():
        reading.problem(f"{where}: file not found: {value}", line, f"put the file at {reading.shown_root / value}", code="covers-file-not-found")
        return None
    if not reading.allow_outside and not reading.inside(path):
        reading.problems.append(Problem(
            f"{where}: {value} is outside the issue folder ({path.resolve()})", reading.toml_path, line,
            "copy it into the issue folder, or build with --allow-outside", "path-outside-issue"))
        return None
    return path


def _covers(data: dict[str, Any], reading: _Reading) -> Covers | None:
    if "covers" not in data:
        return None
    table = _table(data, "covers", reading, required=False)
    start = reading.table_line("covers")
    _unknown_keys(table, COVER_KEYS, "[covers]", reading, start)
    pictures: dict[str, Path | None] = {}
    for key in COVER_KEYS[:5]:
        if key in table:
            pictures[key] = _picture(table[key], f"[covers] {key}", reading.line_of(key, start - 1), reading)
    spine = table.get("spine_mm", 0)
    if isinstance(spine, bool) or not isinstance(spine, int | float) or not 0 <= spine <= 100:
        reading.problem(f"[covers] spine_mm = {spine!r} is not a width in mm", reading.line_of("spine_mm", start - 1),
                        "give the spine's width in mm (0 for a saddle-stitched issue), e.g. spine_mm = 4.5", code="covers-bad-spine")
        spine = 0
    return Covers(spine_mm=float(spine), **pictures)


def _masthead(data: dict[str, Any], reading: _Reading, issn: str, label: str) -> Masthead | None:
    if "masthead" not in data:
        return None
    table = _table(data, "masthead", reading, required=False)
    start = reading.table_line("masthead")
    known = tuple(k for k, _ in MASTHEAD_LABELS)
    _unknown_keys(table, (*known, "lines"), "[masthead]", reading, start)
    entries: list[tuple[str, str]] = []
    for key, shown in MASTHEAD_LABELS:
        if key in table:
            value = _text(table, key, "[masthead]", reading, start, None)
            if value.strip():
                entries.append((shown, value.strip()))
        if key == "permit" and issn:
            entries.append(("ISSN", issn))
    extra = table.get("lines", [])
    if not isinstance(extra, list) or not all(
        isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e) for e in extra
    ):
        reading.problem("[masthead] lines must be a list of [label, value] pairs",
                        reading.line_of("lines", start - 1), 'write lines = [["主编", "…"], ["责任编辑", "…"]]', code="masthead-bad-lines")
        extra = []
    entries.extend((str(a), str(b)) for a, b in extra)
    if not table.get("permit") and not issn:
        reading.problem("[masthead] has neither a 准印证号 (permit) nor the magazine's ISSN", start,
                        'add permit = "…" here, or issn = "…" under [magazine]', code="masthead-no-permit")
    if label:
        entries.append(("出版日期", label))
    return Masthead(tuple(entries))


def _inserts(data: dict[str, Any], reading: _Reading, sections: tuple[Section, ...]) -> tuple[Insert, ...]:
    value = data.get("inserts")
    if value is None:
        return ()
    fix = '[[inserts]] with picture = "inserts/ad.png" and folio = 36 or after = "articles/12-….md"'
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        reading.problem("'inserts' must be a list of [[inserts]] tables", reading.line_of("inserts"), fix)
        return ()
    slugs = {a.slug for s in sections for a in s.articles}
    out: list[Insert] = []
    for number, table in enumerate(value):
        start = _occurrence_line(reading.lines, "[[inserts]]", number) or 1
        _unknown_keys(table, INSERT_KEYS, "[[inserts]]", reading, start)
        picture = _picture(table.get("picture"), "[[inserts]] picture", start, reading)
        folio = table.get("folio")
        after = table.get("after")
        if (folio is None) == (after is None):
            reading.problem("an insert needs either folio = N or after = \"articles/….md\" (one of them)", start, fix, code="insert-bad")
            continue
        if folio is not None and (isinstance(folio, bool) or not isinstance(folio, int) or folio < 1):
            reading.problem(f"[[inserts]] folio = {folio!r} is not a page number", start, fix, code="insert-bad")
            continue
        slug = ""
        if after is not None:
            slug = Path(str(after)).stem
            if slug not in slugs:
                reading.problem(f"[[inserts]] after = {after!r} is not an article of this issue", start,
                                "give the path of an article listed in [[sections]]", code="insert-bad")
                continue
        if picture is not None:
            out.append(Insert(picture, folio, slug, start))
    return tuple(out)


def _date(meta: dict[str, Any], reading: _Reading, issue_line: int) -> dt.date | None:
    fix = "write the issue date as a TOML date without quotes, e.g. date = 2025-01-20"
    if "date" not in meta:
        reading.problem("[issue] has no date", issue_line, fix, code="issue-no-date")
        return None
    value = meta["date"]
    line = reading.line_of("date", issue_line - 1)
    if isinstance(value, dt.datetime) or isinstance(value, dt.time):
        reading.problem(f"date {value} has a time of day", line, fix, code="issue-bad-date")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            reading.problem(f"date {value!r} is not a real calendar date", line, fix, code="issue-bad-date")
            return None
        reading.problem(f"date {value!r} is a string, not a date", line, fix, code="issue-bad-date")
        return None
    reading.problem(f"date {value!r} is not a date", line, fix, code="issue-bad-date")
    return None


def _fonts(data: dict[str, Any], reading: _Reading) -> tuple[tuple[str, tuple[str, ...]], ...]:
    fonts = _table(data, "fonts", reading, required=False)
    result = []
    for role, value in fonts.items():
        if role == "strict":
            continue  # a switch, not a role (_strict_fonts)
        candidates = [value] if isinstance(value, str) else value
        if not isinstance(candidates, list) or not all(isinstance(c, str) and c for c in candidates):
            reading.problem(
                f"[fonts] {role} must be a list of font names or files",
                reading.line_of(role, reading.table_line("fonts") - 1),
                f'write {role} = ["Family Name", "fonts/file.otf"]', code="fonts-bad-role",
            )
            continue
        result.append((str(role), tuple(candidates)))
    return tuple(result)


def _strict_fonts(data: dict[str, Any], reading: _Reading) -> bool:
    fonts = data.get("fonts")
    value = fonts.get("strict", False) if isinstance(fonts, dict) else False
    if not isinstance(value, bool):
        reading.problem(f"[fonts] strict = {value!r} is not true or false",
                        reading.line_of("strict", reading.table_line("fonts") - 1),
                        "write strict = true (a substituted font is an error) or strict = false", code="fonts-bad-strict")
        return False
    return value


def _proof(data: dict[str, Any], reading: _Reading) -> tuple[str, ...]:
    from publish.proof.codes import CODES

    proof = _table(data, "proof", reading, required=False)
    start = reading.table_line("proof")
    _unknown_keys(proof, ("ignore",), "[proof]", reading, start)
    value = proof.get("ignore", [])
    line = reading.line_of("ignore", max(start - 1, 0))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        reading.problem("[proof] ignore must be a list of warning codes", line,
                        'write ignore = ["ascii-colon", "single-dash"]', code="proof-bad-ignore")
        return ()
    for code in value:
        if code not in CODES:
            reading.problem(f"[proof] ignore: unknown warning code {code!r}", line,
                            f"use codes from: {', '.join(CODES)}", code="proof-unknown-code")
    return tuple(value)


def _occurrence_line(lines: list[str], needle: str, nth: int) -> int | None:
    """The line (from 1) of the `nth` (from 0) occurrence of `needle`, counted line by line as
    `str.count` does (non-overlapping); None when there are not that many."""
    if not needle or "\n" in needle:
        seen = 0
        for number, line in enumerate(lines, start=1):
            count = line.count(needle)
            if seen + count > nth:
                return number
            seen += count
        return None
    # The same answer from searches over the whole text (C speed): an issue lists every article
    # once, and looking each up line by line in Python made reading an issue quadratic in its size.
    text = _joined(lines)
    at = -len(needle)
    for _ in range(nth + 1):
        at = text.find(needle, at + len(needle))
        if at < 0:
            return None
    return text.count("\n", 0, at) + 1


_JOINED: dict[int, tuple[list[str], str]] = {}


def _joined(lines: list[str]) -> str:
    """`lines` joined by newlines, kept for the list being read (one issue.toml at a time)."""
    kept = _JOINED.get(id(lines))
    if kept is None or kept[0] is not lines:
        _JOINED.clear()
        kept = _JOINED[id(lines)] = (lines, "\n".join(lines))
    return kept[1]


def _sections(data: dict[str, Any], reading: _Reading, form: str | None) -> tuple[Section, ...]:
    value = data.get("sections")
    fix_sections = '[[sections]] with title = "…" and articles = ["articles/01-….md", …]'
    if value is None:
        reading.problem("no [[sections]]", len(reading.lines), f"add at least one {fix_sections}", code="issue-no-sections")
        return ()
    if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
        reading.problem("'sections' must be a list of [[sections]] tables", reading.line_of("sections"), fix_sections)
        return ()
    sections: list[Section] = []
    listed: dict[Path, int] = {}  # resolved file → its first listing's line
    slugs: dict[str, Path] = {}
    occurrences: dict[str, int] = {}
    for number, table in enumerate(value):
        start = _occurrence_line(reading.lines, "[[sections]]", number) or 1
        _unknown_keys(table, SECTION_KEYS, "[[sections]]", reading, start)
        title = _text(table, "title", "[[sections]]", reading, start, None)
        entries = table.get("articles")
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            reading.problem(
                f"section '{title}' needs articles = [\"articles/….md\", …]",
                reading.line_of("articles", start - 1) if "articles" in table else start,
                "list the section's article files in print order", code="section-no-articles",
            )
            continue
        if not entries:
            reading.problem(f"section '{title}' lists no articles", start, "add its articles, or remove the section", code="section-empty")
        articles: list[Article] = []
        for entry in entries:
            nth = occurrences.get(entry, 0)
            occurrences[entry] = nth + 1
            line = _occurrence_line(reading.lines, f'"{entry}"', nth) or _occurrence_line(
                reading.lines, entry, nth
            )
            article = _article(entry, title, line, reading, listed, slugs, form)
            if article is not None:
                articles.append(article)
        sections.append(Section(title=title, articles=tuple(articles)))
    _unlisted(reading, listed)
    return tuple(sections)


def _article(
    entry: str,
    section_title: str,
    line: int | None,
    reading: _Reading,
    listed: dict[Path, int],
    slugs: dict[str, Path],
    form: str | None,
) -> Article | None:
    relative = Path(entry)
    shown = reading.shown_root / relative
    try:
        path = (reading.root / relative).resolve()
        path.is_file()
    except (OSError, ValueError) as err:  # a NUL byte, a name too long for the file system
        why = err.strerror if isinstance(err, OSError) else err
        reading.problem(f"unusable article path {entry[:60]!r} ({why})", line, "list the article's .md file", code="article-bad-path")
        return None
    if not reading.allow_outside and not reading.inside(path):
        reading.problems.append(Problem(
            f"article {entry} is outside the issue folder ({path})", reading.toml_path, line,
            "copy it into the issue's articles/ folder, or build with --allow-outside", "path-outside-issue"))
        return None
    if path in listed:
        reading.problem(
            f"{entry} is listed twice (first on line {listed[path]})",
            line,
            "an article belongs to exactly one section: remove one of the entries", code="article-listed-twice",
        )
        return None
    listed[path] = line or 0
    if relative.suffix != ".md":
        reading.problem(f"{entry} is not a Markdown (.md) file", line, "list the article's .md file", code="article-not-markdown")
        return None
    if path.is_dir():
        reading.problem(f"{entry} is a folder, not an article file", line, "list the article's .md file", code="article-is-folder")
        return None
    if not path.is_file():
        reading.problem(f"article file not found: {entry}", line, f"create {shown} or correct the path", code="article-not-found")
        return None
    slug = relative.stem
    if slug in slugs:
        reading.problem(
            f"two articles share the slug '{slug}': {entry} and {slugs[slug]}",
            line,
            "rename one file (the slug is the file name without .md)", code="article-duplicate-slug",
        )
        return None
    slugs[slug] = Path(entry)
    text = read_text(path, shown, reading.problems)
    if text is None:
        return None
    article, section = parse_article(
        normalize(text, form), shown, reading.root, reading.problems, slug=slug, source=path
    )
    if article is not None and not reading.allow_outside:
        for block in article.blocks:
            image = getattr(block, "image", None)
            if isinstance(image, Path) and not reading.inside(image):
                reading.problems.append(Problem(
                    f"image {image.name} is outside the issue folder ({image})", shown, block.line or None,
                    "copy it into the issue's images/ folder, or build with --allow-outside",
                    "path-outside-issue"))
    if section is not None and section != section_title:
        reading.problems.append(
            Problem(
                f"front matter says section = {section!r} but issue.toml lists it under {section_title!r}",
                shown,
                key_line(LINE_BREAK.split(text), "section", 1),
                "make them agree (or remove the section key)", code="article-section-mismatch",
            )
        )
    return article


def _inside(path: Path, root: Path) -> bool:
    """Is `path` (symbolic links followed) inside the folder `root`?"""
    try:
        real_root = root.resolve()
    except OSError:
        return False
    return _under(path, real_root)


def _under(path: Path, real_root: Path) -> bool:
    """Is `path` (symbolic links followed) inside `real_root`, a folder already resolved?"""
    try:
        Path(path).resolve().relative_to(real_root)
        return True
    except (ValueError, OSError):
        return False


def _unlisted(reading: _Reading, listed: dict[Path, int]) -> None:
    folder = reading.root / "articles"
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.md")):
        if path.name.startswith(".") or not path.is_file():
            continue  # editors' lock and backup files, not articles
        if path.resolve() not in listed:
            relative = path.relative_to(reading.root)
            reading.problems.append(
                Problem(
                    "article is in no section",
                    reading.shown_root / relative,
                    1,
                    f"list \"{relative.as_posix()}\" in a [[sections]] of issue.toml, or delete the file", code="article-in-no-section",
                )
            )


def check_sources(path: Path | str, *, allow_outside: bool = False) -> list[Problem]:
    """Every problem in the issue's sources (an empty list when `load_issue` would succeed)."""
    return _read(path, allow_outside)[1]


def load_issue(path: Path | str, *, allow_outside: bool = False) -> Issue:
    """Read an issue folder into the model; raises `SourceError` listing every problem found.

    Articles and pictures must lie inside the issue folder (after following symbolic links): one
    named by `../`, an absolute path or a link leading out is an error naming the file and line,
    so that nothing from elsewhere on the disk is printed unnoticed. `allow_outside=True` (the
    `--allow-outside` option) permits them. Fonts and layouts named by path may be anywhere."""
    issue, problems = _read(path, allow_outside)
    if problems or issue is None:
        raise SourceError(*(problems or [Problem("cannot read the issue", path, code="source-unreadable")]))
    return issue
