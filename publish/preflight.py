"""The preflight: everything that can be checked about an issue before setting a page, in one place.

In: an issue folder (or its issue.toml), or an `Issue` made in memory (then checked by
`publish.sources.validate` instead of being read), optionally the layout and fonts to use instead of
the issue's (the API's `layout=` / `fonts=`) and where to load them from (`publish.loaders`). Out: a `Preflight` — the `Issue`, its `Layout` and its
`FontSet` as far as they could be loaded, and every `Problem` found, in stage order:
1. sources — TOML, front matter, Markdown conventions, files, slugs (`publish.sources`); when they
   have a problem nothing else is looked at but the proofreading (every later stage needs the `Issue`);
2. layout — it loads (`publish.layout`), the print checks: figure images exist and reach 300 dpi,
   the body styles follow [body] size (`publish.layout.prepress`), and, for the print edition, the
   cover, insert and filler pictures have the shape of a page (`publish.paginate.cover`);
3. fonts — every role resolves to an installed font (`publish.fonts`), every role the layout's
   styles name exists, every character has a glyph in the role the layout sets it in, and a role
   the issue's `[fonts]` asked for is not set in another font (an error with `strict_fonts`);
4. proofreading warnings (`publish.proof`), only when asked (`publish check`): they never stop a build.

`publish check`, `publish build`, `publish watch` and the Python API all call `preflight`, so
`check` reports exactly what `build` refuses on: a build raises `Preflight.raise_errors()` before
writing anything. Warnings (`is_error` false: photos under 300 dpi, substituted fonts, proofreading)
are reported and never stop either.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import BuildError, FontError, LayoutError, Problem, PublishError, SourceError, is_error

if TYPE_CHECKING:
    from publish.fonts import FontSet
    from publish.layout import Layout
    from publish.loaders import Loaders
    from publish.model import Issue

# progress(stage, done, total), as `publish.build` reports it: "read", "check", "fonts".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Preflight:
    """What `preflight` found. `issue` is None when the sources have a problem; `layout` when the
    layout does not load; `fonts` when a role has no installed font (or there is no issue)."""

    issue: Issue | None
    layout: Layout | None
    fonts: FontSet | None
    problems: tuple[Problem, ...] = ()
    # The exception each error belongs to (its stage's), for `raise_errors`; same order as the errors.
    error_kinds: tuple[type[PublishError], ...] = field(default=(), repr=False)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if is_error(p))

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not is_error(p))

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed): a build would go on."""
        return not self.errors

    def raise_errors(self, *extra: Problem) -> None:
        """Raise every error (and `extra` ones, e.g. the build's own) as one exception of the first
        failing stage's kind: `SourceError`, `LayoutError`, `FontError` or `BuildError`."""
        errors = (*self.errors, *extra)
        if errors:
            kind = self.error_kinds[0] if self.error_kinds else BuildError
            raise kind(*errors)

    def notes(self) -> list[str]:
        """Information that is not a problem: characters set from fallback fonts."""
        if self.issue is None or self.fonts is None:
            return []
        from publish.coverage import fallback_notes

        return fallback_notes(self.fonts, self.issue)


def element_roles(layout: Layout) -> dict[str, str]:
    """The layout's element → font role map, in the names `FontSet.coverage` uses."""
    st = layout.styles
    return {
        "title": st["title"].role,
        "subtitle": st["subtitle"].role,
        "byline": st["byline"].role,
        "paragraph": st["paragraph"].role,
        "salutation": st["salutation"].role,
        "signature": st["signature"].role,
        "listitem": st["listitem"].role,
        "heading": st["heading1"].role,
        "note": st["note"].role,
        "caption": st["caption"].role,
        "header": st["header"].role,
        "folio": st["folio"].role,
    }


def shown_root(path: Path | str) -> Path:
    """The issue folder as the user named it (problems name files under it)."""
    shown = Path(path)
    return shown.parent if shown.suffix == ".toml" else shown


class _Found:
    """Problems in stage order, each error with the exception kind of its stage."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.kinds: list[type[PublishError]] = []

    def add(self, problems, kind: type[PublishError]) -> None:
        for p in problems:
            self.problems.append(p)
            if is_error(p):
                self.kinds.append(kind)


def preflight(path: Path | str | Issue, *, pdf: bool = True, strict_fonts: bool | None = None,
              proofread: bool = False, progress: Progress | None = None,
              layout: str | Path | Layout | None = None,
              fonts: FontSet | Mapping[str, Sequence[str]] | None = None,
              loaders: Loaders | None = None, allow_outside: bool = False, memo: dict | None = None) -> Preflight:
    """Check the issue at `path` (or the `Issue` given); see the module docstring. `pdf`: the print
    edition will be made (its cover and filler pictures are checked). `strict_fonts` (None: the
    issue's `[fonts] strict`) makes a substituted font an error. `proofread`: add the proofreading
    warnings. `layout`: a layout name, file or `Layout` instead of the issue's; `fonts`: a `FontSet`,
    or role → font names replacing those roles' chains; `loaders`: where layouts and fonts come
    from (default: loaded afresh). `allow_outside`: accept articles and pictures outside the issue
    folder (`load_issue`). `memo`: a dict a long-lived caller keeps between checks of the same
    issue (`publish watch`): unchanged articles are not checked again (their results are kept,
    `publish.coverage`); the problems are the same."""
    from publish.loaders import Loaders
    from publish.model import Issue
    from publish.sources import load_issue

    report = progress or (lambda stage, done, total: None)
    found = _Found()
    load = loaders or Loaders()

    report("read", 0, 1)
    if isinstance(path, Issue):
        from publish.sources.validate import validate

        issue = path
        problems = validate(issue)
        found.add(problems, SourceError)
        if any(is_error(p) for p in problems):
            return Preflight(None, None, None, tuple(found.problems), tuple(found.kinds))
        path = issue.root if issue.root is not None else Path(".")
    elif isinstance(path, (str, os.PathLike)):
        try:
            issue = load_issue(path, allow_outside=allow_outside)
        except SourceError as err:
            found.add(err.problems, SourceError)
            if proofread:
                # the proofreader still reads the article files: a slip is worth knowing about while
                # the source errors are being fixed
                from publish.proof import proofread_folder

                found.add(proofread_folder(path), BuildError)
            return Preflight(None, None, None, tuple(found.problems), tuple(found.kinds))
    else:
        raise TypeError(f"source must be an issue folder or a publish.Issue, not {type(path).__name__}")
    report("read", 1, 1)

    report("check", 0, 1)
    chosen = _layout(issue, pdf, found, layout, load, shown_root(path))
    report("check", 1, 1)

    report("fonts", 0, 1)
    fontset = _fonts(issue, chosen, path, strict_fonts, found, fonts, load, memo)
    report("fonts", 1, 1)
    layout, fonts = chosen, fontset

    if proofread:
        from publish.proof import proofread_issue

        found.add(proofread_issue(issue, layout, fonts, shown_root=shown_root(path)), BuildError)
    return Preflight(issue, layout, fonts, tuple(found.problems), tuple(found.kinds))


def _layout(issue: Issue, pdf: bool, found: _Found, choice: str | Path | Layout | None,
            load: Loaders, shown: Path) -> Layout | None:
    from publish.layout.prepress import layout_problems
    from publish.layout.spec import Layout

    try:
        if isinstance(choice, Layout):
            layout = choice
        else:
            layout = load.layout(choice if choice is not None else issue.layout, issue.root)
    except LayoutError as err:
        found.add([_at_layout_line(p, shown) for p in err.problems], LayoutError)
        found.add(layout_problems(issue, None), BuildError)
        return None
    found.add(layout_problems(issue, layout), BuildError)
    if pdf:
        from publish.paginate.cover import check_pictures
        from publish.paginate.signatures import filler_pictures

        found.add(check_pictures(issue, layout, filler_pictures(issue) if layout.filler == "ads" else []),
                  BuildError)
    return layout


def _at_layout_line(problem: Problem, shown: Path) -> Problem:
    """An unknown layout is a mistake in issue.toml: named there, at the `layout =` line."""
    if problem.code != "layout-unknown" or problem.path is not None:
        return problem
    from publish.sources.files import LINE_BREAK, key_line

    toml = shown / "issue.toml"
    try:
        line = key_line(LINE_BREAK.split(toml.read_text(encoding="utf-8")), "layout", 1)
    except (OSError, UnicodeDecodeError):
        line = None
    return Problem(problem.message, toml, line, problem.fix, problem.code)


def _fonts(issue: Issue, layout: Layout | None, path: Path | str, strict_fonts: bool | None,
           found: _Found, choice: FontSet | Mapping[str, Sequence[str]] | None, load: Loaders,
           memo: dict | None = None) -> FontSet | None:
    from publish.fonts import FontSet

    try:
        if isinstance(choice, FontSet):
            fonts = choice
        else:
            overrides = {role: list(candidates) for role, candidates in issue.fonts}
            if choice is not None:
                if not isinstance(choice, Mapping):
                    raise TypeError(f"fonts must be a FontSet or a mapping of role → font names, "
                                    f"not {type(choice).__name__}")
                overrides.update({role: list(candidates) for role, candidates in choice.items()})
            fonts = load.fonts(issue.root, overrides)
    except FontError as err:  # a role none of whose fonts is installed
        found.add(err.problems, FontError)
        return None
    try:
        return _check_fonts(fonts, issue, layout, path, strict_fonts, found, memo)
    finally:
        from publish import cache

        cache.digests_done()  # no thread left running: a build forks its helpers next


def _check_fonts(fonts: FontSet, issue: Issue, layout: Layout | None, path: Path | str, strict_fonts: bool | None,
                 found: _Found, memo: dict | None) -> FontSet:
    from publish import cache
    from publish.coverage import coverage
    from publish.fonts.substitution import substitutions

    roles = None
    if layout is not None:
        unknown = [
            Problem(f"[styles] {element}.role: unknown font role {st.role!r}", layout.path, None,
                    f"use one of: {', '.join(sorted(fonts.roles))}", code="layout-unknown-role")
            for element, st in layout.styles.items() if st.role not in fonts.roles
        ]
        found.add(unknown, LayoutError)
        if unknown:
            return fonts  # coverage by a role that does not exist cannot be told
        roles = element_roles(layout)
    # The files of the faces the layout's roles start with are read now (coverage): on a cold cache
    # those changed in the last seconds are hashed on a thread meanwhile (`cache.identities_soon`;
    # a settled file's identity needs no hashing). Fallback faces are read only if a character
    # needs them.
    used = fonts.roles.values() if roles is None else [fonts.roles[r] for r in dict.fromkeys(roles.values())]
    cache.identities_soon(dict.fromkeys(role.face.path for role in used))
    if memo is None:
        found.add(coverage(fonts, issue, roles=roles), FontError)  # a character without a glyph
    else:
        found.add(coverage(fonts, issue, roles=roles, memo=memo.setdefault("coverage", {})), FontError)
    found.add(substitutions(fonts, issue, strict=strict_fonts, shown_root=shown_root(path)), BuildError)
    return fonts
