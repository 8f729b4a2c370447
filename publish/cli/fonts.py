"""`publish fonts ISSUE_DIR`: which font each role resolves to, and whether it covers the issue.

In: an issue folder (optional) and `--clear-cache`. Out on stdout: for every role, its chain of
faces (file, face index, family and style, outline format TrueType/CFF) and, when an issue is
given, how many of the issue's characters each face sets — fallback faces are named with the
characters they supply. Characters no face of their role has are printed as errors (U+XXXX, file,
line, fonts tried) and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from publish.cli import handle_errors
from publish.errors import FontError, Problem


def _preview(chars: set[str], limit: int = 12) -> str:
    shown = "".join(sorted(chars)[:limit])
    shown = "".join(c if c.isprintable() and not c.isspace() else f"<U+{ord(c):04X}>" for c in shown)
    return shown + ("…" if len(chars) > limit else "")


@click.command("fonts")
@click.argument("issue_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--clear-cache", is_flag=True, help="Delete the build cache (prepared fonts, parsed and composed text) first.")
@handle_errors
def fonts(issue_dir: Path | None, clear_cache: bool) -> None:
    """List every font role → file, face, format, and coverage of ISSUE_DIR's characters."""
    from publish import cache
    from publish.coverage import coverage, coverage_report
    from publish.fonts import load_fonts

    if clear_cache:
        cleared = cache.clear()
        if cleared.failed:
            path, reason = cleared.failed[0]
            more = f" and {len(cleared.failed) - 1} more" if len(cleared.failed) > 1 else ""
            raise FontError(Problem(
                f"cannot clear the cache: {path}: {reason}{more} ({cleared.removed} files removed)",
                fix="check the permissions of the cache folder, or set PUBLISH_CACHE_DIR to another folder",
                code="cache-not-cleared"))
        click.echo(f"cleared the cache {cache.cache_dir()} ({cleared.removed} files)")
        if issue_dir is None:
            return
    issue = None
    overrides: dict = {}
    if issue_dir is not None:
        if not issue_dir.is_dir():
            raise FontError(f"{issue_dir}: not an issue folder")
        from publish.sources import load_issue

        issue = load_issue(issue_dir)
        overrides = {k: list(v) for k, v in issue.fonts}
    fontset = load_fonts(issue_dir, overrides)
    report = coverage_report(fontset, issue) if issue is not None else {}
    for role, resolved in fontset.roles.items():
        click.echo(f"{role}:")
        per = report.get(role, {})
        for face in resolved.faces:
            info = face.info
            where = f"{info.path}" + (f"#{info.index}" if info.path.suffix.lower() in (".ttc", ".otc") else "")
            line = f"  {face.key:<12} {info.family} {info.style} [{info.format}]  {where}"
            used = per.get(face.key)
            if issue is not None:
                if face.key == role:
                    line += f"  — {len(used or ())} characters"
                elif used:
                    line += f"  — fallback for {len(used)}: {_preview(used)}"
            if face.key == role and info.embedding_problem:
                line += f"  — NOT EMBEDDABLE: {info.embedding_problem}"
            click.echo(line)
        if resolved.missing:
            click.echo(f"  (not installed: {', '.join(resolved.missing)})")
        if per.get("missing"):
            click.echo(f"  MISSING {len(per['missing'])}: {_preview(per['missing'])}")
    if issue is not None:
        problems = coverage(fontset, issue)
        if problems:
            raise FontError(*problems)
        total = len(set().union(*(set().union(*p.values()) for p in report.values()))) if report else 0
        click.echo(f"coverage: all {total} distinct characters of the issue have glyphs")


commands = [fonts]
