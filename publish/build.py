"""Building an issue: the whole pipeline from an issue folder to the PDF and EPUB files.

In: an issue folder and an output folder. Out: `OUT_DIR/<issue.slug>.pdf` (print), `<slug>-screen.pdf`
(the same pages for reading on a screen: trim size, RGB, tagged, linked) and `.epub`, the cover
file `<issue.slug>-cover.pdf` when the issue has `[covers]`, and a `BuildResult` naming them (with
any warnings, e.g. photos under 300 dpi, and the filler pages added to reach the page multiple).

Order, so that bad input never leaves half-written output: read the issue (`SourceError` listing
every source problem), load the layout and the fonts and run every check (`publish.preflight`, the
same as `publish check`), and stop with an error listing every problem *before* anything is written.
Then paginate — always, even without a PDF: the EPUB's page-list needs the print folios — and write
both files to temporary names in the output folder, renamed into place only when both succeeded.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import BuildError, Problem
from publish.scratch import Scratch

# progress(stage, done, total): called with done == 0 when a stage starts and done == total when
# it ends; pagination also reports each article set.
Progress = Callable[[str, int, int], None]

STAGES = ("read", "check", "fonts", "paginate", "pdf", "screen", "epub")


@dataclass(frozen=True)
class BuildResult:
    pdf_path: Path | None
    epub_path: Path | None
    pages: int = 0
    warnings: tuple[Problem, ...] = field(default=())
    cover_path: Path | None = None  # `<slug>-cover.pdf`, when the issue has [covers] and a PDF was asked for
    fillers: int = 0  # filler pages added to reach the layout's page multiple
    filler: str = ""  # what they are: the layout's [makeup] filler
    screen_path: Path | None = None  # `<slug>-screen.pdf`, unless screen=False


def build(
    issue_dir: Path | str,
    out_dir: Path | str,
    *,
    pdf: bool = True,
    epub: bool = True,
    epub_fonts: bool = True,
    progress: Progress | None = None,
    strict_fonts: bool | None = None,
    screen: bool = True,
    allow_outside: bool = False,
) -> BuildResult:
    """Build the issue in `issue_dir` into `out_dir`; see the module docstring. `strict_fonts`
    (None: the issue's `[fonts] strict`) stops the build when a role's font is substituted;
    `allow_outside` accepts articles and pictures outside the issue folder (`load_issue`)."""
    # A build allocates some hundred thousand small objects (lines, rows, PDF operators) that form
    # no reference cycles and live until the files are written. The cycle collector would rescan
    # them again and again (measured: 0.1 s of a 1.2 s build even with raised thresholds) and free
    # nothing, so it is paused for the build; any cycles made meanwhile are collected afterwards.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(Path(issue_dir), Path(out_dir), pdf=pdf, epub=epub, epub_fonts=epub_fonts,
                      progress=progress, strict_fonts=strict_fonts, screen=screen,
                      allow_outside=allow_outside)
    finally:
        if was_enabled:
            gc.enable()


def _build(issue_dir: Path, out: Path, *, pdf: bool, epub: bool, epub_fonts: bool,
           progress: Progress | None, strict_fonts: bool | None = None, screen: bool = True,
           allow_outside: bool = False) -> BuildResult:
    from publish.preflight import preflight

    checked = preflight(issue_dir, pdf=pdf, strict_fonts=strict_fonts, progress=progress,
                        allow_outside=allow_outside)
    extra = []
    if out.exists() and not out.is_dir():
        extra.append(Problem(f"the output folder {out} is a file", fix="give a folder with -o"))
    checked.raise_errors(*extra)
    issue, layout, fonts = checked.issue, checked.layout, checked.fonts
    assert issue is not None and layout is not None and fonts is not None  # else raise_errors raised
    warnings = checked.warnings
    report = progress or (lambda stage, done, total: None)

    # The EPUB's fonts, cover and stylesheet do not depend on the pages: on a second core they are
    # made while the pages are set, and the child then writes the EPUB itself once it is sent where
    # the pages start (`publish.worker`; None: it is all done here, after the PDF).
    epub_child = _start_epub_child(issue, fonts, layout, epub_fonts) if epub else None
    try:
        return _set_and_write(issue, layout, fonts, out, pdf=pdf, epub=epub, epub_fonts=epub_fonts,
                              epub_child=epub_child, report=report, warnings=warnings, screen=screen)
    finally:
        if epub_child is not None:
            epub_child.cancel()


def _start_epub_child(issue, fonts, layout, epub_fonts: bool):
    """A helper (`publish.worker`) that prepares the EPUB's fonts, cover and stylesheet at once, then
    waits for the page starts and the path to write to; None: the EPUB is made here."""
    from publish.epub.writer import prepare_epub, write_epub
    from publish.model import PageStart
    from publish.worker import Channel, Worker

    def work(channel: Channel) -> None:
        prepared = prepare_epub(issue, fonts=fonts, embed_fonts=epub_fonts, layout=layout)
        starts, path = channel.receive()
        write_epub(issue, Path(path), page_starts=tuple(PageStart(*s) for s in starts), prepared=prepared)

    return Worker.start(work)


def _set_and_write(issue, layout, fonts, out: Path, *, pdf: bool, epub: bool, epub_fonts: bool, epub_child,
                   report: Progress, warnings: tuple[Problem, ...], screen: bool = True) -> BuildResult:
    from publish.paginate import paginate

    total = len(issue.articles)
    report("paginate", 0, total)
    document = paginate(issue, layout, fonts, progress=lambda done: report("paginate", done, total))
    report("paginate", total, total)

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BuildError(Problem(f"cannot create the output folder {out}: {err.strerror}")) from None
    pdf_path = out / f"{issue.slug}.pdf" if pdf else None
    screen_path = out / f"{issue.slug}-screen.pdf" if screen else None
    epub_path = out / f"{issue.slug}.epub" if epub else None
    cover_path = out / f"{issue.slug}-cover.pdf" if pdf and issue.covers is not None else None
    # The files are written into a private scratch folder inside `out` (same file system, so the
    # final renames are atomic) and moved into place only when every writer succeeded. Scratch
    # folders left by killed builds are removed first (`publish.scratch`).
    scratch = Scratch(out)
    try:
        tmp = scratch.__enter__()
    except OSError as err:
        raise BuildError(Problem(f"cannot write into the output folder {out}: {err.strerror}",
                                 fix="choose another folder with -o")) from None
    try:
        if epub_child is not None and epub_path is not None:
            starts = [(s.folio, s.article, s.block, s.offset) for s in document.page_starts]
            epub_child.send((starts, str(tmp / epub_path.name)))
        if pdf_path is not None:
            from publish.pdf import write_pdf

            report("pdf", 0, 1)
            write_pdf(document, fonts, tmp / pdf_path.name)
            if cover_path is not None:
                # the covers are their own print file (printed on other paper)
                import publish.cjk as cjk
                from publish.paginate.cover import cover_document
                from publish.paginate.setting import Setter

                write_pdf(cover_document(issue, layout, Setter(layout, fonts, cjk)), fonts, tmp / cover_path.name)
            report("pdf", 1, 1)
        if screen_path is not None:
            from publish.pdf import write_screen_pdf

            # the same Document drawn again for the screen: nothing is set twice
            report("screen", 0, 1)
            write_screen_pdf(document, fonts, tmp / screen_path.name)
            report("screen", 1, 1)
        if epub_path is not None:
            report("epub", 0, 1)
            if epub_child is None or not epub_child.wait() or not (tmp / epub_path.name).is_file():
                # no child, or it failed: made here (its errors are raised as they would be anyway)
                from publish.epub import write_epub

                write_epub(issue, tmp / epub_path.name, page_starts=document.page_starts, fonts=fonts,
                           embed_fonts=epub_fonts, layout=layout)
            report("epub", 1, 1)
        _install(tmp, [f for f in (pdf_path, cover_path, screen_path, epub_path) if f is not None])
    finally:
        scratch.__exit__(None, None, None)
    return BuildResult(pdf_path, epub_path, len(document.pages), warnings, cover_path, document.fillers,
                       document.filler, screen_path)


def _install(tmp: Path, finals: list[Path]) -> None:
    """Move the files written in `tmp` onto `finals`: all of them, or none (the files there before
    are put back when one cannot be moved, so a PDF never goes out without its EPUB)."""
    done: list[tuple[Path, Path | None]] = []  # (final, where its previous file was put aside)
    for final in finals:
        try:
            backup = None
            if final.exists():
                backup = tmp / f".previous-{final.name}"
                os.replace(final, backup)
            done.append((final, backup))
            os.replace(tmp / final.name, final)
        except OSError as err:
            for placed, previous in reversed(done):
                try:
                    if previous is not None:
                        os.replace(previous, placed)
                    else:
                        placed.unlink(missing_ok=True)
                except OSError:
                    pass
            raise BuildError(Problem(f"cannot write {final}: {err.strerror}", code="output-not-written",
                                     fix="nothing in the output folder was changed; check its permissions")) from None
