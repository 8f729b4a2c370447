"""Everything that can be checked about an issue without rendering it (`publish check`).

In: an issue folder. Out: `check_issue_dir(path)` → the list of `Problem`s, in stage order:
1. the sources (publish.sources: TOML, front matter, Markdown conventions, files, slugs);
2. font coverage — every character has a glyph in its role's chain (publish.fonts);
3. layout checks — the layout loads, images exist and have enough resolution (publish.layout);
4. font substitution — a role the issue's `[fonts]` set in another font than asked for (a warning,
   an error with `strict_fonts` or `[fonts] strict = true`; publish.fonts.substitution);
5. proofreading warnings (publish.proof), minus the codes in `[proof] ignore`.
Stages 2-5 run only when the sources are sound (they need the `Issue`), and only when their
package provides the function: this module grows with the pipeline without knowing it in advance.
`check_notes(path)` gives information lines that are not problems (characters set from fallback
fonts).
"""

from __future__ import annotations

from pathlib import Path

from publish.errors import Problem, PublishError
from publish.model import Issue
from publish.sources import check_sources, load_issue


def _font_overrides(issue: Issue) -> dict[str, list[str]]:
    return {role: list(candidates) for role, candidates in issue.fonts}


def _font_problems(issue: Issue) -> list[Problem]:
    try:
        from publish.fonts import load_fonts

        return list(load_fonts(issue.root, _font_overrides(issue)).coverage(issue))
    except (ImportError, AttributeError):  # the fonts stage is not there yet
        return []
    except PublishError as err:  # e.g. a role none of whose fonts is installed
        return list(err.problems)


def _layout_problems(issue: Issue) -> list[Problem]:
    try:
        from publish.layout import check_prepress

        return list(check_prepress(issue))
    except (ImportError, AttributeError):  # the layout stage is not there yet
        return []
    except PublishError as err:
        return list(err.problems)


def _shown_root(path: Path | str) -> Path:
    shown = Path(path)
    return shown.parent if shown.suffix == ".toml" else shown


def _desk_problems(issue: Issue, shown: Path, strict_fonts: bool | None) -> list[Problem]:
    """Font substitution and proofreading (both need the fonts; proofreading also the layout)."""
    try:
        from publish.fonts import load_fonts
        from publish.fonts.substitution import substitutions

        fonts = load_fonts(issue.root, _font_overrides(issue))
    except (ImportError, AttributeError, PublishError):
        fonts = None  # reported by _font_problems
    layout = None
    try:
        from publish.layout import load_layout

        layout = load_layout(issue.layout, issue.root)
    except (ImportError, AttributeError, PublishError):
        pass  # reported by _layout_problems
    problems: list[Problem] = []
    if fonts is not None:
        problems.extend(substitutions(fonts, issue, strict=strict_fonts, shown_root=shown))
    from publish.proof import proofread_issue

    problems.extend(proofread_issue(issue, layout, fonts, shown_root=shown))
    return problems


def check_issue_dir(path: Path | str, *, strict_fonts: bool | None = None) -> list[Problem]:
    """All problems found in the issue folder, sources first; an empty list means it is sound.
    `strict_fonts` (None: the issue's `[fonts] strict`) makes a substituted font an error."""
    problems = check_sources(path)
    if problems:
        # the proofreader still reads the article files: a slip is worth knowing about while the
        # source errors are being fixed
        from publish.proof import proofread_folder

        return problems + list(proofread_folder(path))
    issue = load_issue(path)
    return (_font_problems(issue) + _layout_problems(issue)
            + _desk_problems(issue, _shown_root(path), strict_fonts))


def check_notes(path: Path | str) -> list[str]:
    """Information for the user that is not a problem (fallback fonts used); [] if unavailable."""
    try:
        issue = load_issue(path)
        from publish.fonts import load_fonts

        return list(load_fonts(issue.root, _font_overrides(issue)).fallback_notes(issue))
    except (ImportError, AttributeError, PublishError):
        return []
