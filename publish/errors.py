"""The library's error types: every problem a user can cause is one of these.

In: a message, optionally the file and line it concerns and what to do about it.
Out: an exception whose `str()` is the one-line form `path:line: what is wrong — what to do`,
which the CLI prints as is (no traceback) before exiting with status 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class Problem:
    """One problem found in the sources or the build, located as precisely as known.

    `code` is a stable, machine-readable name of the kind of problem (e.g. `"image-low-dpi"`), for
    scripts and for switching warnings off; empty where none is assigned yet. A `Problem` is an
    error (the build stops); `ProblemWarning` and its subclasses are warnings (reported, the build
    goes on): `is_warning` tells them apart without importing the subclasses.
    """

    message: str
    path: Path | str | None = None
    line: int | None = None
    fix: str = ""
    code: str = ""

    is_warning: ClassVar[bool] = False

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return text


@dataclass(frozen=True)
class ProblemWarning(Problem):
    """A problem that does not stop the build (reported by `check` and `build`)."""

    is_warning: ClassVar[bool] = True


def warning_line(problem: Problem) -> str:
    """A warning as printed: `path:line: warning[code]: what — fix` (the compiler-style form editors'
    tools jump to; the code is what `[proof] ignore` and scripts use)."""
    where = ""
    if problem.path is not None:
        where = f"{problem.path}:{problem.line}: " if problem.line else f"{problem.path}: "
    kind = f"warning[{problem.code}]" if problem.code else "warning"
    return f"{where}{kind}: {problem.message}" + (f" — {problem.fix}" if problem.fix else "")


def is_error(problem: Problem) -> bool:
    """True for a problem that stops the build, False for a warning."""
    return not problem.is_warning


class PublishError(Exception):
    """Base class of every error the library raises on purpose; carries one or more problems."""

    def __init__(self, *problems: Problem | str) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem(p) for p in problems
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class SourceError(PublishError):
    """The issue folder or an article is malformed (TOML, front matter, Markdown conventions)."""


class FontError(PublishError):
    """A font role cannot be resolved, or a character has no glyph in any font of its chain."""


class LayoutError(PublishError):
    """A layout file is invalid, or content cannot be placed with it."""


class ImportError_(PublishError):
    """The printed-text importer cannot make sense of its input."""


class BuildError(PublishError):
    """Rendering the PDF or EPUB failed for a reason the user can act on."""


class AddError(PublishError):
    """A Word manuscript cannot be added (`publish add`): bad file, tracked changes, lost characters."""
