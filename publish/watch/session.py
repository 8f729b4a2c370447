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
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import Problem, PublishError
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
        checked = preflight(self.issue_dir)
        if checked.layout is not None:
            self.layout_path = checked.layout.path
        checked.raise_errors()
        issue, layout, fonts = checked.issue, checked.layout, checked.fonts
        assert issue is not None and layout is not None and fonts is not None  # else raise_errors raised
        warnings = list(checked.warnings)
        document = paginate(issue, layout, fonts)
        pdf_path = self.out_dir / f"{issue.slug}.pdf"
        write_pdf(document, fonts, pdf_path)
        return document, issue, layout, fonts, warnings, pdf_path

    def _proofread(self, issue, layout, fonts) -> list[Problem]:
        from publish.proof import proofread_issue

        try:
            return list(proofread_issue(issue, layout, fonts, shown_root=self.issue_dir, cache=self._proof_cache))
        except PublishError as err:
            return list(err.problems)
