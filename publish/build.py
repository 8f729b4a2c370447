"""Building an issue: the whole pipeline from an issue (a folder or an `Issue` model) to its editions.

In: an issue folder or an `Issue` made in memory, the editions wanted, optionally a layout and
fonts. Out: `render` gives the files' bytes (`Rendered`); `build` writes them into a folder as
`<issue.slug>.pdf` and `.epub`, and the cover file `<issue.slug>-cover.pdf` when the issue has
`[covers]` (`BuildResult` names them; `Issue.slug` is unique per issue: the magazine's slug and
the label or date). Both report warnings (e.g. photos under 300 dpi) and the filler pages added to
reach the page multiple.

Order, so that bad input never leaves half-written output: read the issue (`SourceError` listing
every source problem; an in-memory `Issue` is checked by `publish.sources.validate`), load the
layout, run the print checks (`publish.layout.check_prepress`) and the font coverage check
(`FontError` naming every character without a glyph), and stop with every error *before*
anything is written. Then paginate — always, even without a PDF: the EPUB's page-list needs the
print folios — and make both files; `build` writes them to temporary names in the output folder,
renamed into place only when both succeeded.

Settings of a build that are not about the issue (cache folder, forked helpers, pausing the cycle
collector, the timestamp) come from `publish.settings` (a `Publisher` sets them; the environment
variables are the defaults).
"""

from __future__ import annotations

import gc
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from publish import settings
from publish.errors import BuildError, Problem
from publish.loaders import Loaders

if TYPE_CHECKING:
    from publish.fonts import FontSet
    from publish.fonts.faceinfo import FaceInfo
    from publish.layout import Layout
    from publish.model import Issue
    from publish.paginate.pages import Document
    from publish.worker import Claim, Done, Worker

# progress(stage, done, total): called with done == 0 when a stage starts and done == total when
# it ends; pagination also reports each article set.
Progress = Callable[[str, int, int], None]

# What can be rendered: an issue folder (or its issue.toml), or an `Issue` model.
Source = Union["Issue", Path, str]
# A layout: its name (`magazine-16k`), a path to its TOML file, or a loaded `Layout`.
LayoutChoice = Union[str, Path, "Layout", None]
# Fonts: a loaded `FontSet`, or role → candidates replacing the issue's (and the defaults') chains.
FontsChoice = Union["FontSet", Mapping[str, Sequence[str]], None]

STAGES = ("read", "check", "fonts", "paginate", "pdf", "screen", "cover", "epub")


@dataclass(frozen=True)
class BuildResult:
    """What `build` wrote: the files' paths (None for an edition not asked for), the number of
    print pages and the warnings (problems that did not stop the build)."""

    pdf_path: Path | None
    epub_path: Path | None
    pages: int = 0
    warnings: tuple[Problem, ...] = field(default=())
    cover_path: Path | None = None  # `<slug>-cover.pdf`, when the issue has [covers] and a PDF was asked for
    fillers: int = 0  # filler pages added to reach the layout's page multiple
    filler: str = ""  # what they are: the layout's [makeup] filler
    screen_path: Path | None = None


@dataclass(frozen=True)
class Rendered:
    """What `render` made: each edition's bytes (None when not asked for), the number of print
    pages, the warnings, and `name` — the issue's file name stem (`Issue.slug`); `cover`: the
    cover file's PDF when the issue has `[covers]` and a PDF was asked for; `fillers`/`filler`:
    the pages added to reach the layout's page multiple and what they are."""

    pdf: bytes | None
    epub: bytes | None
    pages: int
    warnings: tuple[Problem, ...] = ()
    name: str = ""
    screen: bytes | None = None  # the screen PDF: tagged, RGB, at trim size, contents linked
    cover: bytes | None = None
    fillers: int = 0
    filler: str = ""


@dataclass(frozen=True)
class Prepared:
    """An issue that passed every check, with the layout and fonts to set it in."""

    issue: Issue
    layout: Layout
    fonts: FontSet
    warnings: tuple[Problem, ...]


def build(
    source: Source,
    out_dir: Path | str,
    *,
    pdf: bool = True,
    epub: bool = True,
    screen: bool = True,
    epub_fonts: bool = True,
    layout: LayoutChoice = None,
    fonts: FontsChoice = None,
    progress: Progress | None = None,
    strict_fonts: bool | None = None,
    loaders: Loaders | None = None,
    allow_outside: bool = False,
) -> BuildResult:
    """Build `source` (an issue folder or an `Issue`) into `out_dir`: `<issue.slug>.pdf`, `.epub`
    (and `-cover.pdf` with `[covers]`), all or none. Options as `render`; `progress(stage, done,
    total)` is told each stage; `strict_fonts` (None: the issue's `[fonts] strict`) stops the build
    when a role's font is substituted.

    >>> import tempfile, publish
    >>> result = publish.build("examples/sample", tempfile.mkdtemp(), epub=False)
    >>> result.pdf_path.name, result.epub_path, result.pages > 0
    ('bayannaoer-renda-2025-1.pdf', None, True)
    """
    from publish.cache import writes_held

    out = Path(out_dir)
    with _gc_paused(), writes_held() as flush_cache, _made_ahead(source, pdf=pdf, epub=epub, layout=layout,
                                                                   loaders=loaders, allow_outside=allow_outside) as cover:
        report = progress or _no_progress
        prepared = prepare(source, layout=layout, fonts=fonts, report=report, loaders=loaders, out=out,
                           strict_fonts=strict_fonts, pdf=pdf, allow_outside=allow_outside)
        with _scratch(out) as tmp:
            made, files = _make(prepared, pdf=pdf, screen=screen, epub=epub, epub_fonts=epub_fonts,
                                report=report, into=tmp, flush_cache=flush_cache, cover_ahead=cover)
            finals = {suffix: out / path.name for suffix, path in files.items()}
            _install(tmp, list(finals.values()))
        return result_of(made, finals)


def render(
    source: Source,
    *,
    pdf: bool = True,
    epub: bool = True,
    screen: bool = True,
    epub_fonts: bool = True,
    layout: LayoutChoice = None,
    fonts: FontsChoice = None,
    progress: Progress | None = None,
    strict_fonts: bool | None = None,
    loaders: Loaders | None = None,
    allow_outside: bool = False,
) -> Rendered:
    """The editions of `source` — an issue folder or an `Issue` made in memory — as bytes.

    `pdf`, `epub`: which editions to make (pagination runs either way: the EPUB's page-list uses
    the print folios); `screen`: the screen PDF (`<name>-screen.pdf`: tagged, RGB, trim size, linked
    contents); `epub_fonts`: embed subset fonts in the EPUB; `layout`: a layout
    name, a path to a layout file or a `Layout` (default: the issue's); `fonts`: a `FontSet`, or
    role → font names replacing those roles' chains; `strict_fonts`: a substituted font is an
    error. Raises `SourceError`, `LayoutError`, `FontError` or `BuildError` naming every problem.

    >>> import datetime, publish
    >>> article = publish.Article("news", ("标题",), (publish.Paragraph((publish.Text("正文。"),)),))
    >>> issue = publish.Issue("巴彦淖尔人大", "2025年第7期", datetime.date(2025, 7, 20),
    ...                       (publish.Section("动态", (article,)),), magazine_slug="bayannaoer-renda")
    >>> rendered = publish.render(issue, epub=False)
    >>> rendered.name, rendered.pdf[:5], rendered.epub
    ('bayannaoer-renda-2025-7', b'%PDF-', None)
    """
    from publish.cache import writes_held

    with _gc_paused(), writes_held() as flush_cache, _made_ahead(source, pdf=pdf, epub=epub, layout=layout,
                                                                   loaders=loaders, allow_outside=allow_outside) as cover:
        report = progress or _no_progress
        prepared = prepare(source, layout=layout, fonts=fonts, report=report, loaders=loaders,
                           strict_fonts=strict_fonts, pdf=pdf, allow_outside=allow_outside)
        if not epub:
            return _make(prepared, pdf=pdf, screen=screen, epub=epub, epub_fonts=epub_fonts, report=report)[0]
        # the EPUB helper writes its file into a scratch folder (removed after; left-overs of killed
        # renders are swept by the next render, `publish.scratch`)
        root = Path(tempfile.gettempdir()) / "publish-render"
        with _scratch(root) as tmp:
            return _make(prepared, pdf=pdf, screen=screen, epub=epub, epub_fonts=epub_fonts, report=report,
                         child_dir=tmp, flush_cache=flush_cache, cover_ahead=cover)[0]


def edition_files(made: Rendered) -> dict[str, bytes]:
    """The files of a render: name suffix → bytes."""
    files = {".pdf": made.pdf, "-cover.pdf": made.cover, "-screen.pdf": made.screen, ".epub": made.epub}
    return {suffix: data for suffix, data in files.items() if data is not None}


def result_of(made: Rendered, written: Mapping[str, Path]) -> BuildResult:
    return BuildResult(written.get(".pdf"), written.get(".epub"), made.pages, made.warnings,
                       written.get("-cover.pdf"), made.fillers, made.filler, written.get("-screen.pdf"))


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class _gc_paused:
    """A build allocates some hundred thousand small objects (lines, rows, PDF operators) that form
    no reference cycles and live until the files are written. The cycle collector would rescan
    them again and again (measured: 0.1 s of a 1.2 s build even with raised thresholds) and free
    nothing, so it is paused for the build (unless the settings say not to); cycles made
    meanwhile are collected afterwards."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled() and settings.current().pause_gc
        if self.was_enabled:
            gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


@contextmanager
def _made_ahead(source: Source, *, pdf: bool, epub: bool, layout: LayoutChoice, loaders: Loaders | None,
                allow_outside: bool) -> Iterator[Done | None]:
    """What no article decides, made by one helper forked now, while this process reads and checks
    the issue on one core (`publish.worker`; the EPUB helper is forked after that, and until then
    the second core has nothing to do):
    - on a cold cache, jieba's dictionary surveyed for the EPUB's title words
      (`publish.epub.words.keep_survey`, ~0.1 s of CPU), which the EPUB helper — the last process
      of a cold build to finish — would otherwise make; only where it was never made (the
      dictionary's digest is not memoised: a stat and a cache read);
    - the print pictures issue.toml names, converted into the build cache (`publish.pdf.ahead`:
      a covers file's four full pages are ~0.2 s of CPU), which this process would otherwise
      convert while it draws the print PDF, when both cores are busy;
    - last, the EPUB's drawn cover, from what the helper reads of issue.toml and of the front matter
      of the articles the cover names (`publish.epub.ahead`, ~0.06 s of CPU), which the EPUB helper
      would otherwise draw first (it waits for this one: `cover.made_ahead`).
    Each is a saving only: what the helper did not make (no fork, it failed, it guessed wrong) is
    made where it is needed, as before, and one in the making is waited for (`cache.making`), not
    made twice. The helper is waited for when the block ends, or stopped if the build failed.
    Yields what the EPUB helper waits for before it looks for the cover (`Done`; None: no cover is
    drawn ahead)."""
    from publish.worker import Done, Worker, usable

    jobs: list[Callable[[], None]] = []
    if epub and usable():
        from publish import cache
        from publish.epub import words

        path = words.dictionary_file()
        if path is not None and cache.known_digest(path) is None:
            jobs.append(lambda: words.keep_survey(path))
    if pdf and isinstance(source, str | os.PathLike) and usable():
        from publish.pdf.ahead import pictures_job

        job = pictures_job(Path(source), layout=layout, loaders=loaders, allow_outside=allow_outside)
        if job is not None:
            jobs.append(job)
    cover = None
    if epub and isinstance(source, str | os.PathLike) and usable():
        # last: the EPUB helper waits for it as it starts (`_start_epub_child`), and it takes longer
        # than the time left before that fork. Drawn first, the pictures would be converted after
        # the fork instead, three processes on two cores, and the build process would wait too.
        from publish.epub.ahead import cover_job

        cover = Done()
        jobs.append(_then(cover_job(Path(source), allow_outside=allow_outside), cover.done))
    helper = Worker.start(lambda channel: _run_each(jobs)) if jobs else None
    if cover is not None:
        cover.started()
    failed = True
    try:
        yield cover
        failed = False
    finally:
        if helper is not None:
            helper.cancel() if failed else helper.wait()
        if cover is not None:
            cover.close()


def _then(job: Callable[[], None], after: Callable[[], None]) -> Callable[[], None]:
    """`job`, then `after` whatever the job did."""
    def both() -> None:
        try:
            job()
        finally:
            after()

    return both


def _run_each(jobs: Sequence[Callable[[], None]]) -> None:
    """Run every job, each whatever the others did (a job's error is the build's to find), giving
    the memory each freed back to the system before the next (`publish.heap`). Silent: a warning
    (Pillow's about a huge picture) is the build's to give, once, when it meets the same input."""
    import warnings

    from publish.heap import give_back

    warnings.simplefilter("ignore")  # (this helper's own process only)
    for job in jobs:
        try:
            job()
        except Exception:
            pass
        give_back()


def prepare(
    source: Source,
    *,
    layout: LayoutChoice = None,
    fonts: FontsChoice = None,
    report: Progress = _no_progress,
    loaders: Loaders | None = None,
    out: Path | None = None,
    strict_fonts: bool | None = None,
    pdf: bool = True,
    allow_outside: bool = False,
) -> Prepared:
    """Read and check everything a build needs (`publish.preflight`, the same checks as `publish
    check`); raises every error, as the first failing stage's exception (nothing is written)."""
    from publish.preflight import preflight

    checked = preflight(source, pdf=pdf, strict_fonts=strict_fonts, progress=report, layout=layout,
                        fonts=fonts, loaders=loaders, allow_outside=allow_outside)
    extra = []
    if out is not None and out.exists() and not out.is_dir():
        extra.append(Problem(f"the output folder {out} is a file", fix="give a folder with -o",
                             code="output-not-folder"))
    checked.raise_errors(*extra)
    issue, chosen, fontset = checked.issue, checked.layout, checked.fonts
    assert issue is not None and chosen is not None and fontset is not None  # else raise_errors raised
    return Prepared(issue, chosen, fontset, checked.warnings)


@contextmanager
def _scratch(folder: Path) -> Iterator[Path]:
    """A private scratch folder inside `folder` (`publish.scratch`), as a `BuildError` when it
    cannot be made."""
    from publish.scratch import Scratch

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BuildError(Problem(f"cannot create the output folder {folder}: {err.strerror}",
                                 code="output-unwritable")) from None
    scratch = Scratch(folder)
    try:
        tmp = scratch.__enter__()
    except OSError as err:
        raise BuildError(Problem(f"cannot write into the output folder {folder}: {err.strerror}",
                                 fix="choose another folder with -o", code="output-unwritable")) from None
    try:
        yield tmp
    finally:
        scratch.__exit__(None, None, None)


def _make(prepared: Prepared, *, pdf: bool, screen: bool, epub: bool, epub_fonts: bool,
          report: Progress, into: Path | None = None, child_dir: Path | None = None,
          flush_cache: Callable[[], None] = lambda: None,
          cover_ahead: Done | None = None) -> tuple[Rendered, dict[str, Path]]:
    """Paginate and make the editions: as bytes in the `Rendered`, or — with `into` — as files
    `into/<slug><suffix>` (then returned by suffix, and the `Rendered` holds no bytes). The EPUB
    helper writes into `into` or `child_dir`; without either, the EPUB is made here. `flush_cache`
    makes the cache writes held so far (`publish.cache.writes_held`): called once this process's
    own editions are made, while the helper may still work. `cover_ahead`: the EPUB's cover is being
    drawn by the first helper (`_made_ahead`); the EPUB helper waits for it."""
    issue, layout, fonts = prepared.issue, prepared.layout, prepared.fonts
    name = issue.slug
    files: dict[str, Path] = {}
    scratch = into or child_dir
    # The EPUB's fonts, cover and stylesheet do not depend on the pages: on a second core they are
    # made while the pages are set, and the child then writes the EPUB itself (into `scratch`)
    # once it is sent where the pages start (`publish.worker`; None: it is all done here,
    # after the PDF). The cover file does not depend on the pages either: it is made by whichever
    # of the two is free first (`Claim`): the helper once it has written the EPUB, this process
    # after its own PDFs.
    want_cover = pdf and issue.covers is not None
    cover_claim = cover_file = None
    if want_cover and epub and scratch is not None:
        from publish.worker import Claim

        cover_claim = Claim()
        cover_file = scratch / (f"{name}-cover.pdf" if into is not None else "child-cover.pdf")
        # The PDF writer is imported before the fork: this process needs it anyway, and a helper
        # that takes the covers then finds it imported instead of importing it again (~50 ms).
        import publish.pdf.writer  # noqa: F401
    # The titles' words of the EPUB (`publish.epub.titles`) do not depend on the pages either: cut
    # by the helper once its fonts are made, or by this process if it is free first (a cold build:
    # reading jieba's dictionary the first time, ~0.1 s, while this process would only wait for it).
    words_claim = None
    if epub and scratch is not None:
        from publish.worker import Claim

        words_claim = Claim()
    # The cache writes of the reading so far (the parsed articles …) are left to the end, for
    # whichever process is free first (`cache.hand_over`, `Claim`): the EPUB helper once it has
    # written the EPUB and asked for the cover file, or this process once it has made its own
    # editions and cache writes (~10 ms in a new issue: on the longer chain they lengthened it).
    from publish.cache import hand_over, take_back

    handed = hand_over() if epub else []
    handed_claim = None
    if handed:
        from publish.worker import Claim

        handed_claim = Claim()
    epub_child = _start_epub_child(issue, fonts, layout, epub_fonts, cover_claim, cover_file,
                                   words_claim, handed, cover_ahead, handed_claim) if epub else None  # fmt: skip
    if epub_child is None:
        take_back(handed)
    if epub_child is None and cover_claim is not None:
        cover_claim.close()  # no helper: the cover is made here
        cover_claim = None
    if epub_child is None and words_claim is not None:
        words_claim.close()
        words_claim = None
    try:
        from publish.paginate.stored import paginate_kept

        total = len(issue.articles)
        report("paginate", 0, total)
        # the pages of the last build of these very inputs when there was one (`paginate.stored`);
        # the composed text of new pages (or, in a rebuild, the pages) is kept below, while the EPUB
        # helper still works
        document, keep_pages = paginate_kept(issue, layout, fonts,
                                             progress=lambda done: report("paginate", done, total))
        report("paginate", total, total)

        child_file = None if scratch is None else scratch / (f"{name}.epub" if into is not None else "child.epub")
        if epub_child is not None and child_file is not None:
            starts = [(s.folio, s.article, s.block, s.offset) for s in document.page_starts]
            epub_child.send((starts, str(child_file)))
        pdf_bytes = cover_bytes = None
        # the screen PDF takes the print PDF's line operators (`publish.pdf.reuse`): drawn once
        reuse = None
        if pdf and screen:
            from publish.pdf.reuse import PageReuse

            reuse = PageReuse()
        # The covers are their own print file (printed on other paper). Made here (without a
        # helper, or when their pictures are not in the cache yet), their pictures — four full pages
        # of C work — are converted on a thread while the print PDF is drawn
        # (`publish.pdf.start_pictures`, the same bytes). When the first helper has converted them
        # (`_made_ahead`), they are asked for only at the end, once this process's PDFs are drawn and
        # its cache writes made: the EPUB helper takes them if it has written the EPUB first (then
        # they are in `cover_file` once it has ended well), else they are made here.
        cover_here = want_cover and (cover_claim is None or (
            not _cover_pictures_ready(issue, layout, fonts) and cover_claim.take()))
        if cover_here:
            from publish.pdf import start_pictures

            start_pictures(_cover_document(issue, layout, fonts))  # (~1 ms; made again when written)
        if pdf:
            from publish.pdf import render_pdf, write_pdf

            report("pdf", 0, 1)
            if into is not None:
                files[".pdf"] = Path(str(write_pdf(document, fonts, into / f"{name}.pdf", reuse=reuse)))
            else:
                pdf_bytes = render_pdf(document, fonts, reuse=reuse)
            report("pdf", 1, 1)
        if cover_here:  # (no helper to ask: made where it always was, its pictures converted meanwhile)
            cover_bytes = _cover_into(files, issue, layout, fonts, into, name, report)
        screen_bytes = None
        if screen:
            from publish.pdf import render_screen_pdf, write_screen_pdf

            # the same Document drawn again for the screen: nothing is set twice
            report("screen", 0, 1)
            if into is not None:
                files["-screen.pdf"] = Path(str(write_screen_pdf(document, fonts, into / f"{name}-screen.pdf",
                                                                 reuse=reuse)))
            else:
                screen_bytes = render_screen_pdf(document, fonts, reuse=reuse)
            report("screen", 1, 1)
        if epub_child is not None and words_claim is not None and words_claim.take():
            # first, before the cache writes below: the helper will wait for them once its fonts are made
            from publish.epub import titles  # (not the writer: ebooklib is the helper's to import)

            epub_child.send([list(w) for w in titles.titles_cut(issue)])
        # the cache writes of this build (the composed text or the pages, the parsed articles,
        # the page streams …): made now, while the EPUB helper may still work. The pages are kept
        # once the helper has made its font subsets and given their memory back (it says so): encoding
        # and marshalling them takes ~5 MB for a moment, which on top of the helper's subsets was the
        # peak of a cold build's process tree. The helper's last step, writing the EPUB, is longer
        # than keeping the pages, so the build does not end later for it.
        flush_cache()
        if keep_pages is not None:
            # Time to spare for the pages of new texts (`paginate.stored`): the helper has not
            # made its fonts yet, so the EPUB — longer than keeping the pages — is still ahead of it
            # (a cold build); else they would lengthen the build (a new issue: kept by the rebuild).
            spare = epub_child is not None and not epub_child.replied()
            if epub_child is not None:
                epub_child.receive()  # its fonts are made (None: it ended or failed: nothing to wait for)
            keep_pages(spare)
            flush_cache()
        if want_cover and cover_claim is not None and not cover_here:
            cover_here = cover_claim.take()  # (last: the helper asks once it has written the EPUB)
            if cover_here:
                cover_bytes = _cover_into(files, issue, layout, fonts, into, name, report)
        if handed_claim is not None and handed_claim.take():
            take_back(handed)  # free before the helper: the writes handed over to it are made here
            flush_cache()
        epub_bytes = None
        child_ok = False
        if epub:
            report("epub", 0, 1)
            child_ok = epub_child is not None and epub_child.wait()
            if not child_ok:
                take_back(handed)  # made by this build's last flush after all
            if child_ok and child_file is not None and child_file.is_file():
                if into is not None:
                    files[".epub"] = child_file
                else:
                    epub_bytes = child_file.read_bytes()
            else:
                # no child, or it failed: made here (its errors are raised as they would be anyway)
                from publish.epub import write_epub

                if into is not None:
                    files[".epub"] = into / f"{name}.epub"
                    write_epub(issue, files[".epub"], page_starts=document.page_starts, fonts=fonts,
                               embed_fonts=epub_fonts, layout=layout)
                else:
                    buffer = io.BytesIO()
                    write_epub(issue, buffer, page_starts=document.page_starts, fonts=fonts,
                               embed_fonts=epub_fonts, layout=layout)
                    epub_bytes = buffer.getvalue()
            report("epub", 1, 1)
        if want_cover and not cover_here:
            # the helper took the covers: its file, or — when it failed — made here after all
            assert cover_file is not None
            if child_ok and cover_file.is_file():
                if into is not None:
                    files["-cover.pdf"] = cover_file
                else:
                    cover_bytes = cover_file.read_bytes()
            elif into is not None:
                files["-cover.pdf"] = Path(str(_write_cover(issue, layout, fonts, into / f"{name}-cover.pdf")))
            else:
                cover_bytes = _render_cover(issue, layout, fonts)
        made = Rendered(pdf_bytes, epub_bytes, len(document.pages), prepared.warnings, name, screen=screen_bytes,
                        cover=cover_bytes, fillers=document.fillers, filler=document.filler)
        order = (".pdf", "-cover.pdf", "-screen.pdf", ".epub")
        return made, {suffix: files[suffix] for suffix in order if suffix in files}
    finally:
        if epub_child is not None:
            epub_child.cancel()
        if cover_claim is not None:
            cover_claim.close()
        if words_claim is not None:
            words_claim.close()
        if handed_claim is not None:
            handed_claim.close()


def _cover_document(issue: Issue, layout: Layout, fonts: FontSet) -> Document:
    import publish.cjk as cjk
    from publish.paginate.cover import cover_document
    from publish.paginate.setting import Setter

    return cover_document(issue, layout, Setter(layout, fonts, cjk))


def _cover_pictures_ready(issue: Issue, layout: Layout, fonts: FontSet) -> bool:
    """Are the cover file's pictures in the build cache (converted ahead by the first helper,
    `publish.pdf.ahead`), so that whichever process makes the cover file only takes them?"""
    from publish.pdf.writer import pictures_cached

    return pictures_cached(_cover_document(issue, layout, fonts))


def _cover_into(files: dict[str, Path], issue: Issue, layout: Layout, fonts: FontSet, into: Path | None,
                name: str, report: Progress) -> bytes | None:
    """The cover file made here: written into `into` (and named in `files`; None returned), or
    its bytes when there is no `into`."""
    report("cover", 0, 1)
    made = None
    if into is not None:
        files["-cover.pdf"] = Path(str(_write_cover(issue, layout, fonts, into / f"{name}-cover.pdf")))
    else:
        made = _render_cover(issue, layout, fonts)
    report("cover", 1, 1)
    return made


def _write_cover(issue: Issue, layout: Layout, fonts: FontSet, path: Path) -> Path:
    """The cover file (`publish.paginate.cover`) written at `path`."""
    from publish.pdf import write_pdf

    return Path(str(write_pdf(_cover_document(issue, layout, fonts), fonts, path)))


def _render_cover(issue: Issue, layout: Layout, fonts: FontSet) -> bytes:
    from publish.pdf import render_pdf

    return render_pdf(_cover_document(issue, layout, fonts), fonts)


def _start_epub_child(issue: Issue, fonts: FontSet, layout: Layout, epub_fonts: bool,
                      cover_claim: Claim | None = None, cover_file: Path | None = None,
                      words_claim: Claim | None = None, handed: Sequence[Path] = (),
                      cover_ahead: Done | None = None, handed_claim: Claim | None = None) -> Worker | None:
    """A helper (`publish.worker`) that prepares the EPUB's fonts, cover and stylesheet at once,
    cuts the titles' words if it can `words_claim` them first (else they follow the page starts:
    this process cut them), then waits for the page starts and the path to write to, writes the
    EPUB, makes the cover file at `cover_file` if it can `cover_claim` it first, and last makes the
    cache writes `handed` over to it (`publish.cache.hand_over`) if it can `handed_claim` them first
    (without a claim: always); None: the EPUB is made here. The EPUB's
    modules are imported in the helper: this process needs them only if the helper fails.
    It first takes the EPUB's cover (drawn by the first helper when `cover_ahead`: waited for; else,
    or when that helper drew none, it draws it),
    walks the glyphs this process's PDF font subsets need (`_walk_print_glyphs`), and replies once
    its font subsets are made (this process keeps its pages then: `_make`)."""
    from publish.worker import Channel, Worker

    def work(channel: Channel) -> None:
        import dataclasses

        # The EPUB's cover first. A new issue's is usually being drawn by the build's first helper
        # (`_made_ahead`) when this one starts: waited for before anything else — the modules
        # below are ~0.02 s of CPU, which the build process would share its core with meanwhile.
        cover = None
        if cover_ahead is not None:
            from publish.epub.cover import made_ahead

            cover_ahead.wait()
            cover = made_ahead(issue, fonts)

        from publish.lazy import defer_package_body

        # this process's imports are ours and it ends with its work: fontTools.subset's two
        # variation-store modules without the variable-font builder its package imports (~10 ms)
        defer_package_body("fontTools.varLib")

        from publish.cache import write_handed
        from publish.epub import titles
        from publish.epub.writer import drawn_cover, prepare_epub, write_epub
        from publish.model import PageStart

        # Else drawn here, first: drawing it needs ~28 MB for a moment (Pillow's octree quantisation
        # copies the 1280 × 1800 canvas twice), best taken while this helper holds least — before
        # the walk's records and modules (~6–9 MB) — as the build and its early helper are working
        # too. The walk still ends long before the build's print PDF needs it.
        if cover is None:
            cover = drawn_cover(issue, fonts)
        _walk_print_glyphs(issue, layout, fonts)
        prepared = prepare_epub(issue, fonts=fonts, embed_fonts=epub_fonts, cover=cover, layout=layout,
                                title_words=words_claim is None)
        try:
            channel.reply("fonts made")  # the build keeps its pages now (`_make`)
        except OSError:
            pass  # the build kept none and no longer listens
        words = prepared.title_words
        if words_claim is not None and words_claim.take():
            words = titles.titles_cut(issue)
        starts, path = channel.receive()
        if words is None:  # this process's to cut: they come after the page starts
            words = tuple(tuple(w) for w in channel.receive())
        write_epub(issue, Path(path), page_starts=tuple(PageStart(*s) for s in starts),
                   prepared=dataclasses.replace(prepared, title_words=words))
        # The cover file once the EPUB is written, if the build has not taken it: whichever of the
        # two is free first makes it. (Asked for before the EPUB, it lengthened this helper's chain
        # by ~15 ms in a new issue while the build, done first, waited for it.)
        if cover_file is not None and cover_claim is not None and cover_claim.take():
            _write_cover(issue, layout, fonts, cover_file)
        if handed_claim is None or handed_claim.take():
            write_handed(handed)  # the build's cache writes handed over to this helper (`cache.hand_over`)

    return Worker.start(work)


def _walk_print_glyphs(issue: Issue, layout: Layout, fonts: FontSet) -> None:
    """In the EPUB helper, first: walk the glyphs of the CFF faces the print PDF will subset (each
    character of the issue in the face its role sets it in), which this process would otherwise
    walk itself at the end of the print PDF, on the build's critical path (a cold build: ~2,300 CJK
    glyphs, ~0.13 s). The helper's own EPUB subsets of the same faces then find them walked too,
    so it costs the helper only the few glyphs its EPUB does not need (and, without a PDF, no
    more than that). Only a saving: whatever is not walked here is walked where the subset is made."""
    from publish.coverage import coverage_report
    from publish.fonts.programs import walk_pdf_cff
    from publish.preflight import element_roles

    by_face: dict[tuple[Path, int], tuple[FaceInfo, set[str]]] = {}
    for per_face in coverage_report(fonts, issue, element_roles(layout)).values():
        for key, chars in per_face.items():
            if key == "missing":
                continue
            info = fonts.face(key).info
            if info.format == "CFF":
                by_face.setdefault((info.path, info.index), (info, set()))[1].update(chars)
    # the face with the most glyphs first: the build subsets every face at the same moment
    for info, chars in sorted(by_face.values(), key=lambda face: -len(face[1])):
        walk_pdf_cff(info, chars)


def write_files(out: Path, name: str, files: Mapping[str, bytes]) -> dict[str, Path]:
    """Write `out/<name><suffix>` for each (suffix → bytes) so that either all appear or none: they
    are written into a private scratch folder inside `out` (same file system, so the final renames
    are atomic; scratch folders left by killed builds are removed first, `publish.scratch`) and
    moved into place only when every file was written."""
    with _scratch(out) as tmp:
        for suffix, data in files.items():
            try:
                (tmp / f"{name}{suffix}").write_bytes(data)
                os.chmod(tmp / f"{name}{suffix}", 0o644)
            except OSError as err:
                raise BuildError(Problem(f"cannot write {out / (name + suffix)}: {err.strerror}",
                                         fix="check free space and permissions", code="output-unwritable")) from None
        finals = {suffix: out / f"{name}{suffix}" for suffix in files}
        _install(tmp, list(finals.values()))
    return finals


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
