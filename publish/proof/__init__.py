"""Proofreading: warnings about text a proofreader would stop at. The text is never rewritten.

In: an `Issue` (its article files are read again as text, for exact lines), optionally its layout and
fonts (for `title-wraps`). Out: `ProofWarning`s — `ProblemWarning`s with a `code` from
`publish.proof.codes.CODES` — naming the file and line, e.g.

    articles/03.md:12: warning[ascii-colon]: ASCII : in Chinese text — write the full-width ：

Codes listed in issue.toml's `[proof] ignore = [...]` (`Issue.proof_ignore`) are left out.
`fixed_text(text)` is the rewrite `publish fix-punctuation` offers: only the unambiguous findings
(a full-width mark for an ASCII one in Chinese text, paired quotes, …… for ... ), everything else
left for the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import ProblemWarning
from publish.proof.codes import CODES

if TYPE_CHECKING:
    from publish.proof.rules import Finding, Segment

# The rules and the source reader are imported where they are used: the issue reader imports
# `publish.proof.codes` on every build (to check `[proof] ignore`), which runs this package's
# `__init__` first, and a build never proofreads (~10 ms of imports saved).

__all__ = ["CODES", "ProofWarning", "fixed_text", "proofread_article", "proofread_folder", "proofread_issue",
           "title_wraps"]


@dataclass(frozen=True)
class ProofWarning(ProblemWarning):
    """A proofreading warning (the build goes on)."""


def _findings(text: str) -> list[tuple[Segment, Finding]]:
    from publish.proof.rules import Finding, Segment, check_segment
    from publish.proof.source import read_segments

    segments, headings = read_segments(text)
    out: list[tuple[Segment, Finding]] = []
    for n, segment in enumerate(segments):
        nxt = segments[n + 1] if n + 1 < len(segments) else None
        continued = (segment.kind == "paragraph" and nxt is not None and nxt.kind == "paragraph"
                     and nxt.text.lstrip().startswith("“"))
        out.extend((segment, f) for f in check_segment(segment, continued=continued))
    previous = 0  # the level of the heading before (0: none yet); ## is level 1
    for heading in headings:
        if heading.level < 1:
            continue  # `# …` in the body is an error of the sources (the title is in the front matter)
        if heading.level > previous + 1:
            marks, above = "#" * (heading.level + 1), "#" * heading.level
            after = f"after a {'#' * (previous + 1)} heading" if previous else "before any heading above it"
            out.append((Segment(heading.text, heading.line, fixable=False, kind="heading"),
                        Finding(0, 0, "heading-skip", f"heading level skipped: {marks} {heading.text} comes {after}",
                                f"make it a {above} heading, or add the {above} heading it belongs under")))
        previous = heading.level
    return out


def proofread_article(text: str, path: Path | str, ignore: tuple[str, ...] | frozenset[str] = ()) -> list[ProofWarning]:
    """The warnings for one article file's text; `path` is how messages name the file."""
    warnings = []
    for segment, finding in _findings(text):
        if finding.code in ignore:
            continue
        line, _column = segment.position(finding.offset)
        warnings.append(ProofWarning(finding.message, path, line, finding.fix, finding.code))
    warnings.sort(key=lambda w: w.line or 0)  # stable: the rules' order within a line stays
    return warnings


def _shown(issue, article) -> Path | str:
    source = article.source
    if source is None:
        return article.slug
    root = issue.root
    if root is not None:
        try:
            return Path(source).relative_to(root)
        except ValueError:
            pass
    return source


def proofread_issue(issue, layout=None, fonts=None, *, shown_root: Path | str | None = None,
                    cache: dict | None = None) -> list[ProofWarning]:
    """Every proofreading warning of the issue, article by article, in file order.

    `shown_root`: the issue folder as the user gave it (paths in messages start with it); default:
    paths relative to the issue folder. `layout` and `fonts` (a loaded `Layout` and `FontSet`) add
    the `title-wraps` check; without them it is skipped. `cache` (a dict the caller keeps, e.g. the
    watch session) reuses the warnings of an article whose text and settings are unchanged.
    """
    ignore = frozenset(getattr(issue, "proof_ignore", ()))
    warnings: list[ProofWarning] = []
    for article in issue.articles:
        if article.source is None:
            continue
        shown = _shown(issue, article)
        if shown_root is not None and not Path(shown).is_absolute():
            shown = Path(shown_root) / shown
        try:
            text = Path(article.source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the source reader reports unreadable files
        key = (str(shown), text, ignore, _title_setting(layout, fonts))
        if cache is not None and key in cache:
            warnings.extend(cache[key])
            continue
        found = proofread_article(text, shown, ignore)
        if layout is not None and fonts is not None and "title-wraps" not in ignore:
            found.extend(title_wraps(article, text, shown, layout, fonts))
            found.sort(key=lambda w: w.line or 0)
        if cache is not None:
            cache[key] = found
        warnings.extend(found)
    return warnings


def proofread_folder(issue_dir: Path | str) -> list[ProofWarning]:
    """The text checks for every article file under `articles/`, for an issue that does not read
    (a source error elsewhere should not hide the slips a proofreader would mark). Paths are shown
    under `issue_dir` as given; `[proof] ignore` is honoured when issue.toml can be parsed."""
    import tomllib

    root = Path(issue_dir)
    if root.suffix == ".toml":
        root = root.parent
    ignore: frozenset[str] = frozenset()
    try:
        proof = tomllib.loads((root / "issue.toml").read_text(encoding="utf-8-sig")).get("proof", {})
        value = proof.get("ignore", []) if isinstance(proof, dict) else []
        ignore = frozenset(v for v in value if isinstance(v, str)) if isinstance(value, list) else frozenset()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass
    warnings: list[ProofWarning] = []
    folder = root / "articles"
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        warnings.extend(proofread_article(text, path, ignore))
    return warnings


def _title_setting(layout, fonts) -> tuple:
    """What `title_wraps` depends on besides the text: the title style, the width, the title faces."""
    if layout is None or fonts is None:
        return ()
    style = layout.styles.get("title")
    chain = fonts.roles.get(style.role) if style is not None else None
    faces = tuple((str(f.path), f.index) for f in chain.faces) if chain is not None else ()
    return (layout.block_width, style, faces)


def title_wraps(article, text: str, shown: Path | str, layout, fonts) -> list[ProofWarning]:
    """A title line the composer breaks because it is wider than the text block.

    Set exactly as pagination sets it (`publish.paginate.setting.Setter`, the title style across
    the whole text block), so the warning appears exactly when the printed title wraps."""
    import publish.cjk as cjk
    from publish.paginate.setting import Setter

    setter = Setter(layout, fonts, cjk)
    lines = text.splitlines()
    warnings = []
    for part in article.title:
        if not part:
            continue
        composed = setter.text_lines("title", part, layout.block_width)
        if len(composed) <= 1:
            continue
        number = next((i + 1 for i, line in enumerate(lines) if f'"{part}"' in line), None)
        # where the layout breaks it: the end of each composed line but the last
        from publish.paginate.setting import line_text

        ends = [line_text(ln) for ln in composed[:-1]]
        where = "; ".join(f"after “{e[-8:]}”" for e in ends)
        first = ends[0] if ends else part
        warnings.append(ProofWarning(
            f"title line “{part}” is wider than the text block and breaks into {len(composed)} lines ({where})",
            shown, number, f'break it where it reads well: title = ["{first}", "{part[len(first):]}"] or '
            "at a phrase boundary", "title-wraps"))
    return warnings


def fixed_text(text: str) -> str:
    """`text` with every unambiguous finding rewritten (see the module docstring)."""
    lines = text.split("\n")
    edits: list[tuple[int, int, int, str]] = []  # (line index, column, length, replacement)
    for segment, finding in _findings(text):
        if finding.replacement is None or (finding.code == "ascii-quote" and not segment.fixable):
            continue  # a quote inside a TOML string may be escaped (\"): left to the editor
        line, column = segment.position(finding.offset)
        edits.append((line - 1, column, finding.length, finding.replacement))
    # from the end, so earlier columns stay valid
    for index, column, length, replacement in sorted(edits, reverse=True):
        row = lines[index]
        lines[index] = row[:column] + replacement + row[column + length:]
    return "\n".join(lines)
