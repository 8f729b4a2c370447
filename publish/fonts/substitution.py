"""Font substitution: a role the issue asked to set in one font, set in another because the first is
not installed — a warning in `check` and `build`, an error for press builds (`--strict-fonts`,
`[fonts] strict = true`).

In: the resolved `FontSet`, the `Issue` (its `[fonts]` overrides say what was asked for), and whether
substitution is an error. Out: one `Problem` per substituted role, at the role's line in issue.toml:

    issue.toml:12: warning[font-substituted]: role title asked for 方正小标宋简体 (not installed),
    set in Noto Sans CJK SC Bold — install the font or put its file in the issue's fonts/ folder

Only the roles the issue names in `[fonts]` are checked: the built-in chains (fonts/default.toml)
list alternatives on purpose — whichever is installed is the one meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from publish.errors import Problem, ProblemWarning

CODE = "font-substituted"


@dataclass(frozen=True)
class FontSubstitution(ProblemWarning):
    """A role set in a font other than the one asked for (the build goes on)."""


def _role_line(toml: Path | None, role: str) -> int | None:
    """The line of `role = …` in issue.toml's [fonts] table, if it can be found."""
    if toml is None:
        return None
    try:
        lines = toml.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    in_fonts = False
    key = re.compile(rf"""^\s*["']?{re.escape(role)}["']?\s*=""")
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("["):
            in_fonts = line.strip().startswith("[fonts]")
        elif in_fonts and key.match(line):
            return number
    return None


def substitutions(fonts, issue, *, strict: bool | None = None, shown_root: Path | str | None = None) -> list[Problem]:
    """See the module docstring; `strict` None means the issue's own `[fonts] strict`."""
    strict = bool(getattr(issue, "strict_fonts", False)) if strict is None else strict
    root = Path(issue.root) if issue.root is not None else None
    toml = root / "issue.toml" if root is not None else None
    shown = Path(shown_root) / "issue.toml" if shown_root is not None else (toml or "issue.toml")
    problems: list[Problem] = []
    for role, asked in issue.fonts:
        chain = fonts.roles.get(role)
        if chain is None or not chain.faces or not asked:
            continue
        used = chain.faces[0]
        if used.candidate == asked[0]:
            continue
        skipped = list(asked[: asked.index(used.candidate)]) if used.candidate in asked else [asked[0]]
        message = (f"role {role} asked for {', '.join(skipped)} (not installed), "
                   f"set in {used.family} {used.style}".rstrip())
        fix = "install the font or put its file in the issue's fonts/ folder"
        if strict:
            problems.append(Problem(message, shown, _role_line(toml, role), fix, CODE))
        else:
            problems.append(FontSubstitution(message, shown, _role_line(toml, role),
                                             fix + " (--strict-fonts makes this an error)", CODE))
    return problems
