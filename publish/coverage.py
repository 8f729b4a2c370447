"""Font coverage of an issue: every character the issue prints has a glyph in its role's fonts.

In: a `FontSet` (publish.fonts: which face of a role's chain has a character) and an `Issue`
(publish.model), and optionally a layout's element → role map (`publish.preflight.element_roles`).
Out: `coverage` — one `Problem` per character no face of its role has, naming the code point, the
character, the article file and the first source line where it occurs, and the fonts tried;
`coverage_report` — role → face key (or "missing") → characters; `fallback_notes` — lines naming
characters set from fallback faces (information for `publish check`).

Why not in publish.fonts: resolving fonts needs no issue; this walks the model (what each part of
an article is set in) and re-reads sources for line numbers — the preflight's job.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import Problem
from publish.fonts.fontset import IGNORED

if TYPE_CHECKING:
    from publish.fonts.fontset import FontSet, ResolvedRole

# Which role sets which part of an article (the layout may say otherwise: `coverage(fonts, issue, roles=…)`).
DEFAULT_ELEMENT_ROLES = {
    "title": "title",
    "subtitle": "subtitle",
    "byline": "byline",
    "paragraph": "body",
    "salutation": "body",
    "signature": "body",
    "listitem": "body",
    "heading": "heading",  # both levels, unless "heading1"/"heading2" are given
    "note": "note",
    "caption": "caption",
    "emphasis": "emphasis",
    "header": "header",
    "folio": "folio",
}


def coverage(fonts: FontSet, issue, roles: dict[str, str] | None = None, *, memo: dict | None = None) -> list[Problem]:
    """One problem per character that no face of its role's chain has, per article and role.

    Names the code point, the character, the article file and the first source line where
    it occurs, and every face tried. `roles` maps parts of an article (see
    `DEFAULT_ELEMENT_ROLES`) to font roles, for a layout that assigns them differently.

    `memo`: a dict a long-lived caller keeps between checks of the same issue (`publish watch`):
    an article's problems depend only on its own text (its file is named in them), so an
    unchanged article (the same `Article` object: publish.sources.article) keeps its problems
    while the fonts are the same object and the roles the same; the result is the same list.
    """
    if memo is None:
        return _problems(fonts, list(_texts(fonts, issue, roles)))
    context = (tuple(sorted((roles or {}).items())),)
    if memo.get("fonts") is not fonts or memo.get("context") != context:
        memo.clear()
        memo.update(fonts=fonts, context=context, articles={})
    kept: dict[int, tuple[object, list[Problem]]] = memo["articles"]
    er = {**DEFAULT_ELEMENT_ROLES, **(roles or {})}
    pick = _picker(fonts, er)
    problems = _problems(fonts, list(_issue_texts(issue, pick)))
    now: dict[int, tuple[object, list[Problem]]] = {}
    for art in issue.articles:
        hit = kept.get(id(art))
        if hit is None or hit[0] is not art:  # (the entry holds the article: its id names no other)
            hit = (art, _problems(fonts, list(_article_texts(art, pick, er))))
        now[id(art)] = hit
        problems += hit[1]
    memo["articles"] = now
    return problems


def _problems(fonts: FontSet, texts: list[tuple[object, int | None, str, str]]) -> list[Problem]:
    """The coverage problems of these texts (see `coverage`)."""
    missing = {
        role: {ch for ch, key in fonts.faces_for(role, chars).items() if key is None}
        for role, chars in _chars_by_role(fonts, texts).items()
    }
    if not any(missing.values()):
        return []
    # Find where each missing character occurs: one problem per (character, file, role).
    problems: dict[tuple, Problem] = {}
    for path, line_hint, role, text in texts:
        for ch in dict.fromkeys(text):  # distinct characters, in order of appearance
            if ch in missing.get(role, ()) and (ch, role, str(path)) not in problems:
                problems[(ch, role, str(path))] = _problem(ch, role, fonts.roles[role], path, line_hint)
    return list(problems.values())


def coverage_report(fonts: FontSet, issue, roles: dict[str, str] | None = None) -> dict[str, dict[str, set[str]]]:
    """Role → face key (or `"missing"`) → the issue's characters that face sets."""
    report: dict[str, dict[str, set[str]]] = {}
    for role, chars in _chars_by_role(fonts, list(_texts(fonts, issue, roles))).items():
        per = report.setdefault(role, {})
        for ch, key in fonts.faces_for(role, chars).items():
            per.setdefault(key or "missing", set()).add(ch)
    return report


def fallback_notes(fonts: FontSet, issue, roles: dict[str, str] | None = None) -> list[str]:
    """One line per fallback face that sets some of the issue's characters, e.g.
    `body: 2 characters from fallback Noto Sans CJK SC Regular: 㐀𠀀` — for `publish check`
    to print as information (not an error)."""
    notes = []
    for role, per in coverage_report(fonts, issue, roles).items():
        for key in sorted(k for k in per if k not in (role, "missing")):
            chars = "".join(sorted(per[key]))
            face = fonts.face(key)
            notes.append(
                f"{role}: {len(chars)} character{'s' if len(chars) != 1 else ''} from fallback "
                f"{face.family} {face.style}: {chars[:20]}{'…' if len(chars) > 20 else ''}"
            )
    return notes


def _chars_by_role(fonts: FontSet, texts) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for _path, _line, role, text in texts:
        if role in fonts.roles:
            out.setdefault(role, set()).update(text)
    for chars in out.values():
        chars -= IGNORED
    return out


# Names for the invisible characters `unicodedata.name` has none for (C0 controls).
_INVISIBLE_NAMES = {"\t": "CHARACTER TABULATION, a TAB", "\v": "LINE TABULATION", "\f": "FORM FEED"}


def _problem(ch: str, role: str, chain: ResolvedRole, path, line_hint) -> Problem:
    line = _find_line(path, ch, line_hint)
    if unicodedata.category(ch) in ("Cc", "Cf"):
        # a TAB, a zero-width space or joiner, a byte-order mark: not a missing glyph but a
        # character that is invisible in the editor and has no printed form at all
        name = _INVISIBLE_NAMES.get(ch) or unicodedata.name(ch, "a control character")
        return Problem(
            f"U+{ord(ch):04X} ({name}) is an invisible character that cannot be printed",
            path, line, "delete it, or write an ordinary space (U+0020) or ideographic space (U+3000) "
            "where a gap is meant", "invisible-character")
    tried = ", ".join(f.info.label for f in chain.faces)
    name = unicodedata.name(ch, "unnamed character")
    shown = ch if ch.isprintable() and not ch.isspace() else ""
    return Problem(
        f"U+{ord(ch):04X} {shown + ' ' if shown else ''}({name}) has no glyph in any font of role "
        f"{role!r} (tried: {tried})",
        path,
        line,
        f"add a font that has it to [fonts] {role} in issue.toml or put one in the issue's fonts/ folder", code="glyph-missing",
    )


def _texts(fonts: FontSet, issue, roles: dict[str, str] | None) -> Iterator[tuple[object, int | None, str, str]]:
    """(file, line, role, text) for every piece of text the issue prints."""
    er = {**DEFAULT_ELEMENT_ROLES, **(roles or {})}
    pick = _picker(fonts, er)
    yield from _issue_texts(issue, pick)
    for art in issue.articles:
        yield from _article_texts(art, pick, er)


def _picker(fonts: FontSet, er: dict[str, str]):
    def pick(name: str) -> str:
        r = er.get(name, "body")
        return r if r in fonts.roles else "body"

    return pick


def _issue_texts(issue, pick) -> Iterator[tuple[object, int | None, str, str]]:
    """The texts issue.toml gives: the running headers' magazine, label and sections, the folios."""
    root = getattr(issue, "root", None)
    toml = Path(root) / "issue.toml" if root else None
    yield toml, None, pick("header"), f"{issue.magazine}{issue.label}"
    for section in issue.sections:
        yield toml, None, pick("header"), section.title
    yield toml, None, pick("folio"), "0123456789"


def _article_texts(art, pick, er: dict[str, str]) -> Iterator[tuple[object, int | None, str, str]]:
    """An article's texts, each with its file, line and role."""
    src = art.source
    yield src, 1, pick("title"), art.title_text
    if art.subtitle:
        yield src, 1, pick("subtitle"), art.subtitle
    for b in art.bylines:
        yield src, 1, pick("byline"), f"{b.unit}{b.name}"
    for block in art.blocks:
        kind = type(block).__name__.lower()
        if kind == "heading" and f"heading{block.level}" in er:
            kind = f"heading{block.level}"  # a layout may set the levels differently
        line = getattr(block, "line", None) or None
        runs = getattr(block, "runs", None)
        if kind == "figure":
            runs = block.caption
            kind = "caption"
        if kind == "listitem":
            yield src, line, pick(kind), block.label
        if runs is None:
            yield src, line, pick(kind), block.text
            continue
        for run in runs:
            emph = type(run).__name__ == "Emphasis"
            yield src, line, pick("emphasis" if emph else kind), run.text
    for note in getattr(art, "notes", ()):  # notes are set in the body face, smaller
        yield src, note.line or None, pick("paragraph"), note.text


def _find_line(path, ch: str, hint: int | None) -> int | None:
    """The first source line at or after `hint` that contains `ch` (`hint` when not found)."""
    if path is None:
        return hint
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return hint
    start = (hint or 1) - 1
    for i in range(start, len(lines)):
        if ch in lines[i]:
            return i + 1
    for i in range(0, min(start, len(lines))):
        if ch in lines[i]:
            return i + 1
    return hint
