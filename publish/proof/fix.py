"""The rewrite `publish fix-punctuation` offers, for a whole issue.

In: the issue folder. Out: one `Change` per article file the rewrite alters — the path as the user
gave it, the unified diff (`a/PATH` → `b/PATH` for a relative folder, for review or `patch -p1`), the number of changed
lines — and, with `write=True`, the files rewritten atomically (each to a temporary file in its
folder, then renamed), keeping their line endings and byte-order mark. Only the sources' articles are
touched; the issue must read without errors first (`SourceError` otherwise).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from publish.proof import fixed_text


@dataclass(frozen=True)
class Change:
    shown: Path
    diff: str
    count: int


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fix_issue(issue_dir: Path | str, *, write: bool = False) -> list[Change]:
    """See the module docstring."""
    from publish.sources import load_issue

    shown_root = Path(issue_dir)
    if shown_root.suffix == ".toml":
        shown_root = shown_root.parent
    issue = load_issue(issue_dir)
    changes: list[Change] = []
    for article in issue.articles:
        if article.source is None:
            continue
        path = Path(article.source)
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
        new = fixed_text(text)
        if new == text:
            continue
        try:
            shown = shown_root / path.relative_to(issue.root) if issue.root else path
        except ValueError:
            shown = path
        old_lines = text.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        name = shown.as_posix()
        before, after = (name, name) if shown.is_absolute() else (f"a/{name}", f"b/{name}")
        diff = "".join(difflib.unified_diff(old_lines, new_lines, before, after))
        count = sum(1 for a, b in zip(old_lines, new_lines, strict=False) if a != b)
        if write:
            _write(path, (b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8"))
        changes.append(Change(shown, diff, count))
    return changes
