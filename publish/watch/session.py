"""One warm watch session: rebuild the issue's PDF in this process, keep what a rebuild can reuse,
and say which pages changed.

In: the issue folder and the output folder. Out: `rebuild()` → a `Snapshot`: the pages (each with a
revision that changes only when the page's content changed), the marks per page, the warnings, and —
when the sources cannot be built — the errors, while the pages of the last good build stay.

Why in-process and not `publish build` per save: the interpreter, the imported modules, the font
tables read, the composed text of unchanged articles (publish.paginate.composed) and the glyph
measurements stay warm, so a rebuild after editing one article sets only that article anew. The
EPUB is not made while watching (the preview shows the print pages; `publish build` makes both).
The pipeline is the build's (publish.build): the same reader, checks, fonts, pagination and writer.

What stays warm between rebuilds, each kept only while what it depends on is unchanged (so the PDF
is byte for byte the one `publish build` writes from the same sources — tests/test_watch_reuse.py):
- the parsed articles (`publish.sources.article`: the same text gives back the same `Article`);
- the layout (kept while a freshly loaded one is equal) and the font set (kept while the fonts
  resolve to the same files, unchanged in size and modification time): `_WarmLoaders`;
- compositions, unchanged articles' rows and body pages (`publish.paginate.warm`);
- the text of unchanged pages in the PDF and their compressed streams (`publish.pdf.reuse`).
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.errors import Problem, PublishError
from publish.loaders import Loaders
from publish.watch.marks import Mark, page_marks, warning_pages


@dataclass(frozen=True)
class PageView:
    index: int
    folio: int | None
    side: str
    revision: int
    width: float  # trim size in pt
    height: float

    def as_json(self) -> dict:
        return {"index": self.index, "folio": self.folio, "side": self.side, "revision": self.revision,
                "width": self.width, "height": self.height}


@dataclass
class Snapshot:
    version: int = 0
    pages: list[PageView] = field(default_factory=list)
    marks: dict[int, list[Mark]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    pdf_path: Path | None = None
    seconds: float = 0.0
    changed: list[int] = field(default_factory=list)


class WatchSession:
    """See the module docstring. Not thread-safe: one thread rebuilds."""

    def __init__(self, issue_dir: Path | str, out_dir: Path | str) -> None:
        self.issue_dir = Path(issue_dir)
        self.out_dir = Path(out_dir)
        self.snapshot = Snapshot()
        self._pages: tuple = ()  # the last good Document's pages
        self._revisions: list[int] = []
        self._version = 0
        self.layout_path: Path | None = None
        self._proof_cache: dict = {}  # article text and settings → its proofreading warnings
        self._marks: dict[int, list[Mark]] = {}  # page index → marks found on the page itself
        from publish.paginate.warm import Warm
        from publish.pdf.reuse import PageReuse

        self._loaders = _WarmLoaders()
        self._checked: dict = {}  # what the preflight keeps of unchanged articles (publish.preflight)
        self._warm = Warm()
        self.pdf_reuse = PageReuse()  # public: tests and benchmarks read how many pages were kept

    def rebuild(self) -> Snapshot:
        """Build again; on an error the previous pages stay and `errors` says why."""
        self._version += 1
        started = time.perf_counter()
        was_enabled = gc.isenabled()
        gc.disable()  # as publish.build does: a build makes many objects and no cycles
        try:
            document, issue, layout, fonts, warnings, pdf_path = self._build()
        except PublishError as err:
            return self._failed(list(err.problems), started)
        except Exception as err:  # a bug, not the editor's doing: shown like an error, watching goes on
            return self._failed([Problem(f"internal error: {type(err).__name__}: {err}",
                                         fix="please report this (publish --debug build shows the traceback)")],
                                started)
        finally:
            if was_enabled:
                gc.enable()
        seconds = time.perf_counter() - started
        changed = self._compare(document.pages)
        warnings = warnings + self._proofread(issue, layout, fonts)
        # the marks of a page depend on the page alone: found again only where it changed
        families = {k: f"{fonts.face(k).family} {fonts.face(k).style}" for k in fonts.face_keys if "~" in k}
        fresh = page_marks(document, layout, families, changed)
        self._marks = {i: m for i, m in self._marks.items() if i < len(document.pages) and i not in changed}
        self._marks.update(fresh)
        marks = {i: list(m) for i, m in self._marks.items()}
        for page, found in warning_pages(document, issue, warnings).items():
            marks.setdefault(page, []).extend(found)
        pages = [PageView(p.index, p.folio, p.side, self._revisions[p.index], document.trim_width,
                          document.trim_height) for p in document.pages]
        self.snapshot = Snapshot(self._version, pages, marks, warnings, [], pdf_path, seconds, changed)
        return self.snapshot

    def _failed(self, problems: list[Problem], started: float) -> Snapshot:
        """The last good pages, with the problems that stopped this rebuild."""
        old = self.snapshot
        self.snapshot = Snapshot(self._version, old.pages, old.marks, old.warnings, problems, old.pdf_path,
                                 time.perf_counter() - started, [])
        return self.snapshot

    def _compare(self, pages: tuple) -> list[int]:
        """Page indexes whose content differs from the last good build (their revision goes up)."""
        changed = []
        old = self._pages
        revisions = self._revisions[: len(pages)]
        for i, page in enumerate(pages):
            if i >= len(old) or old[i] != page:
                changed.append(i)
                if i < len(revisions):
                    revisions[i] = self._version
                else:
                    revisions.append(self._version)
        self._pages = pages
        self._revisions = revisions
        return changed

    def _build(self):
        from publish.paginate import paginate
        from publish.pdf import write_pdf
        from publish.preflight import preflight

        # the build's own preflight: watch refuses what `publish build` refuses
        checked = preflight(self.issue_dir, loaders=self._loaders, memo=self._checked)
        if checked.layout is not None:
            self.layout_path = checked.layout.path
        checked.raise_errors()
        issue, layout, fonts = checked.issue, checked.layout, checked.fonts
        assert issue is not None and layout is not None and fonts is not None  # else raise_errors raised
        warnings = list(checked.warnings)
        document = paginate(issue, layout, fonts, warm=self._warm)
        pdf_path = self.out_dir / f"{issue.slug}.pdf"
        write_pdf(document, fonts, pdf_path, reuse=self.pdf_reuse)
        return document, issue, layout, fonts, warnings, pdf_path

    def _proofread(self, issue, layout, fonts) -> list[Problem]:
        from publish.proof import proofread_issue

        try:
            return list(proofread_issue(issue, layout, fonts, shown_root=self.issue_dir, cache=self._proof_cache))
        except PublishError as err:
            return list(err.problems)


class _WarmLoaders(Loaders):
    """The layout and font set of the previous rebuild, while they are what loading afresh gives.

    Both are loaded afresh every rebuild (a few milliseconds: the layout file is read, the font
    roles resolved), and the kept object is used instead when it is the same: an equal `Layout`; a
    font set whose roles resolve to the same faces in files of unchanged size and modification time,
    with the same role configuration. Keeping the objects keeps what hangs on them warm (the font
    set's tables and run memo, `publish.paginate.warm`'s compositions)."""

    def __init__(self) -> None:
        self._layout: Any = None
        self._fonts: Any = None
        self._fonts_key: tuple | None = None

    def layout(self, name: str | Path, root: Path | None) -> Any:
        fresh = super().layout(name, root)
        if self._layout is not None and self._layout == fresh:
            return self._layout
        self._layout = fresh
        return fresh

    def fonts(self, root: Path | None, overrides: dict[str, list[str]]) -> Any:
        fresh = super().fonts(root, overrides)
        key = _fontset_key(fresh)
        if self._fonts is not None and key is not None and key == self._fonts_key:
            return self._fonts
        self._fonts, self._fonts_key = fresh, key
        return fresh


def _fontset_key(fonts: Any) -> tuple | None:
    """What a font set's glyphs and metrics come from: every role's faces (file, index, names) with
    their files' size, modification time and inode, and the role configuration; None when a file
    cannot be looked at (then the font set is never kept)."""
    try:
        roles = []
        for name in sorted(fonts.roles):
            role = fonts.roles[name]
            faces = []
            for f in role.faces:
                st = os.stat(f.path)
                faces.append((f.key, f.role, f.candidate, str(f.path), f.index, f.family, f.style, f.format,
                              st.st_size, st.st_mtime_ns, st.st_ino))
            roles.append((name, role.candidates, role.missing, tuple(faces)))
        return (repr(fonts.config), str(fonts.issue_root), tuple(roles))
    except (AttributeError, OSError):
        return None
