"""Everything that can be checked about an issue without rendering it (`publish check`).

In: an issue folder. Out: `check_issue_dir(path)` → the list of `Problem`s, in stage order:
1. the sources (publish.sources: TOML, front matter, Markdown conventions, files, slugs);
2. font coverage — every character has a glyph in its role's chain (publish.fonts);
3. layout checks — the layout loads, images exist and have enough resolution (publish.layout).
Stages 2 and 3 run only when the sources are sound (they need the `Issue`), and only when their
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
        from publish.layout import check_issue

        return list(check_issue(issue))
    except (ImportError, AttributeError):  # the layout stage is not there yet
        return []
    except PublishError as err:
        return list(err.problems)


def check_issue_dir(path: Path | str) -> list[Problem]:
    """All problems found in the issue folder, sources first; an empty list means it is sound."""
    problems = check_sources(path)
    if problems:
        return problems
    issue = load_issue(path)
    return _font_problems(issue) + _layout_problems(issue)


def check_notes(path: Path | str) -> list[str]:
    """Information for the user that is not a problem (fallback fonts used); [] if unavailable."""
    try:
        issue = load_issue(path)
        from publish.fonts import load_fonts

        return list(load_fonts(issue.root, _font_overrides(issue)).fallback_notes(issue))
    except (ImportError, AttributeError, PublishError):
        return []
