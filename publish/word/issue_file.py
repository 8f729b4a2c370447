"""Listing new articles in `issue.toml`, keeping the file as the editor wrote it.

In: the text of `issue.toml` and the (section title, article path) pairs to add, in order. Out: the
new text. Existing sections are edited with tomlkit, which keeps comments, blank lines, key order
and the array layout; a new section is appended at the end in the layout `publish new` writes.
Nothing here touches the disk.
"""

from __future__ import annotations

from typing import Any

import tomlkit

from publish.errors import AddError, Problem


def section_titles(text: str) -> list[str]:
    """The titles of the issue's sections, in order (empty if it has none or cannot be read)."""
    try:
        document = tomlkit.parse(text)
    except Exception:
        return []
    sections = document.get("sections")
    if not isinstance(sections, list):
        return []
    return [str(s.get("title", "")) for s in sections if isinstance(s, dict)]


def _quote(value: str) -> str:
    return tomlkit.string(value).as_string()


def add_articles(text: str, entries: list[tuple[str, str]], shown: str) -> str:
    """`text` with each (section, path) listed at the end of its section (created if new)."""
    try:
        document: Any = tomlkit.parse(text)
    except Exception as err:
        raise AddError(
            Problem(f"cannot be read as TOML ({str(err).splitlines()[0]})", shown, None,
                    "fix it (publish check ISSUE shows where) and add again", "add-issue-toml")
        ) from None
    sections = document.get("sections")
    existing: dict[str, Any] = {}
    if isinstance(sections, list):
        for table in sections:
            if isinstance(table, dict) and isinstance(table.get("title"), str):
                existing.setdefault(str(table["title"]), table)
    new: dict[str, list[str]] = {}
    for section, path in entries:
        table = existing.get(section)
        if table is None:
            new.setdefault(section, []).append(path)
            continue
        articles = table.get("articles")
        if articles is None:
            array = tomlkit.array()
            array.multiline(True)
            table["articles"] = array
            articles = table["articles"]
        if not isinstance(articles, list):
            raise AddError(
                Problem(f"section '{section}' has articles that are not a list", shown, None,
                        'write articles = ["articles/….md", …]', "add-issue-toml")
            )
        articles.append(path)
    out = tomlkit.dumps(document)
    for section, paths in new.items():
        if not out.endswith("\n"):
            out += "\n"
        lines = ["", "[[sections]]", f"title = {_quote(section)}", "articles = ["]
        lines += [f"  {_quote(p)}," for p in paths]
        lines.append("]")
        out += "\n".join(lines) + "\n"
    return out
