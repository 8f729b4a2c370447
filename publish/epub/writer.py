"""The issue model (+ the print edition's folio map) → the EPUB 3 file.

In: an `Issue`, where each print page begins (`PageStart`s from the pagination), the fonts stage's
`FontSet`, and an optional cover image. Out: `out_path`, written atomically (temporary file in the
same folder, then `os.replace`), byte-identical for identical input (`SOURCE_DATE_EPOCH` sets the
one timestamp; nothing depends on the clock, the time zone or dict/set order).

The package (EPUB 3.3, https://www.w3.org/TR/epub-33/; docs/design/epub.md §1):

    mimetype  META-INF/container.xml  META-INF/com.apple.ibooks.display-options.xml (with fonts)
    EPUB/content.opf  EPUB/nav.xhtml (目录, in the spine)  EPUB/toc.ncx (navMap + pageList)
    EPUB/text/cover.xhtml  EPUB/text/a01-<slug>.xhtml …  EPUB/styles/main.css
    EPUB/fonts/pub-<face>.otf|ttf  EPUB/images/cover.png  EPUB/images/a01-fig1.jpg …

Spine: cover (linear) → nav → one document per article in issue order.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ebooklib import epub

from publish.epub import cover as cover_mod
from publish.epub import titles
from publish.epub.css import DEFAULT_STYLES, element_roles, stylesheet
from publish.epub.ebook import Cover, PageTarget, ReproducibleWriter, ZhHtml, set_cover
from publish.epub.fonts import FontPlan, collect, plan_fonts
from publish.epub.metadata import Contents, apply_metadata, build_time
from publish.epub.xhtml import (
    EPUB_TYPE,
    NSMAP,
    XHTML_NS,
    ArticleDoc,
    HeadingRef,
    article_file_names,
    render_article,
    validate_page_starts,
    xhtml_document,
)
from publish.errors import BuildError, Problem
from publish.model import Issue, PageStart, Table

CSS_FILE = "styles/main.css"
COVER_PAGE = "text/cover.xhtml"
NAV_FILE = "nav.xhtml"

# Apple Books uses embedded fonts only when this file says so (Apple Books Asset Guide 5.2.9).
APPLE_DISPLAY_OPTIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<display_options>
  <platform name="*">
    <option name="specified-fonts">true</option>
  </platform>
</display_options>
"""

_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class PreparedEpub:
    """What the EPUB needs that does not depend on the print pages: the layout's element styles,
    the subset fonts and the cover image. `prepare_epub` makes it; a build makes it in a child
    process while the pages are set (`publish.worker`)."""

    styles: dict[str, Any]
    plan: FontPlan
    cover: bytes
    note_marks: str = "circled"  # the layout's [notes] marks, so both editions number notes alike
    title_words: tuple[tuple[str, ...], ...] | None = None  # each article's title cut into words


def prepare_epub(
    issue: Issue,
    *,
    fonts: Any | None = None,
    embed_fonts: bool = True,
    cover: bytes | None = None,
    layout: Any | None = None,
    title_words: bool = True,
) -> PreparedEpub:
    """The page-independent part of `write_epub` (same arguments, same errors). `title_words=False`
    leaves the titles' words out (`write_epub` then cuts them, unless they are put in the result)."""
    if layout is None:
        from publish.layout import load_layout

        layout = load_layout(issue.layout, issue.root)
    styles = dict(getattr(layout, "styles", {}) or {})
    # The cover first: drawing it needs ~28 MB for a moment (a 1280 × 1800 canvas, FreeType's CJK
    # faces), given back before the font subsets build up their tables, which stay until the end.
    if embed_fonts and fonts is None:
        fonts = _load_fonts(issue)
    if cover is None:
        cover = drawn_cover(issue, fonts)
    cover_mod.image_type(cover)  # an unknown image type is an error here, before the pages wait on it
    words = titles.titles_cut(issue) if title_words else None
    if embed_fonts:
        assert fonts is not None  # loaded above
        plan = plan_fonts(collect(issue, element_roles({**DEFAULT_STYLES, **styles})), fonts,
                          language=issue.language or "zh-CN")
    else:
        plan = FontPlan()
    return PreparedEpub(styles, plan, cover, str(getattr(layout, "note_marks", "circled")), words)


def write_epub(
    issue: Issue,
    out_path: Path | str | BinaryIO,
    *,
    page_starts: Sequence[PageStart] = (),
    fonts: Any | None = None,
    embed_fonts: bool = True,
    cover: bytes | None = None,
    layout: Any | None = None,
    prepared: PreparedEpub | None = None,
) -> Path | BinaryIO:
    """Write the EPUB 3 edition of `issue` to `out_path`; returns `out_path`.

    `out_path`: a path (written atomically: a temporary file renamed into place) or a binary file
    object opened for writing (e.g. `io.BytesIO`; the whole file is written with one `write` once
    it is complete, so an error leaves nothing half-written in it).

    `page_starts`: where each print page begins (pagination's `Document.page_starts`); each becomes
    a page-break marker and a page-list entry. `fonts`: the `FontSet` (loaded from the issue when
    None and `embed_fonts`); `embed_fonts=False` leaves fonts out (the CSS then names system
    families). `cover`: PNG/JPEG bytes to use instead of the drawn typographic cover. `layout`:
    the print `Layout` (loaded from `issue.layout` when None): its element styles — font roles,
    relative sizes, leading, alignment, indents — are the stylesheet's. `prepared`: the result of
    `prepare_epub` for the same issue and arguments, when already made (then `fonts`, `embed_fonts`,
    `cover` and `layout` are not used).
    Raises `BuildError` for page starts that do not fit the issue, missing images and write errors.
    """
    if not isinstance(out_path, (str, os.PathLike)):
        if not hasattr(out_path, "write"):
            raise TypeError(f"out_path must be a path or a binary file object, not {type(out_path).__name__}")
    else:
        out_path = Path(out_path)
    articles = issue.articles
    if not articles:
        raise BuildError(Problem("the issue has no articles", issue.root,
                                 fix="list article files under [[sections]] in issue.toml"))
    validate_page_starts(articles, page_starts)
    lang = issue.language or "zh-CN"
    title = f"{issue.magazine} {issue.label}"

    by_article: dict[str, list[PageStart]] = {}
    for s in page_starts:
        by_article.setdefault(s.article, []).append(s)
    section_of = [s.title for s in issue.sections for _ in s.articles]
    if prepared is None:
        prepared = prepare_epub(issue, fonts=fonts, embed_fonts=embed_fonts, cover=cover, layout=layout)
    words = prepared.title_words
    if words is None or len(words) != len(articles):
        words = titles.titles_cut(issue)
    styles, plan, cover = prepared.styles, prepared.plan, prepared.cover
    files = article_file_names(articles)
    docs = [render_article(a, i, by_article.get(a.slug, ()), lang=lang, stylesheet=f"../{CSS_FILE}",
                           section_name=section_of[i - 1], title_words=words[i - 1],
                           note_marks=prepared.note_marks, article_files=files)
            for i, a in enumerate(articles, 1)]
    # The table and note rules go into the stylesheet only when the issue has tables or notes.
    has_tables = any(isinstance(b, Table) for a in articles for b in a.blocks)
    has_notes = any(a.notes for a in articles)
    cover_ext, cover_type = cover_mod.image_type(cover)

    figures = [fig for d in docs for _, fig in d.images]
    contents = Contents(
        has_page_list=bool(page_starts),
        has_cover_image=True,
        figures=len(figures),
        figures_with_text=sum(1 for f in figures if f.text.strip()),
    )

    book = epub.EpubBook()
    apply_metadata(book, issue, contents, title=title)

    # Items are added in the order they are written to the zip and listed in the manifest.
    nav = epub.EpubNav(uid="nav", file_name=NAV_FILE, title="目录")
    nav.add_link(href=CSS_FILE, rel="stylesheet", type="text/css")
    book.add_item(nav)
    cover_page = ZhHtml(uid="cover", file_name=COVER_PAGE, title=f"封面 {title}", lang=lang,
                        document=_cover_document(issue, f"../images/cover{cover_ext}", lang))
    book.add_item(cover_page)
    items = []
    for i, d in enumerate(docs, 1):
        item = ZhHtml(uid=f"a{i:02d}", file_name=d.file_name, title=d.title, lang=lang, document=d.content)
        book.add_item(item)
        items.append(item)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubItem(uid="css", file_name=CSS_FILE, media_type="text/css",
                                content=stylesheet(plan, styles, tables=has_tables, notes=has_notes).encode("utf-8")))
    for n, face in enumerate(plan.faces, 1):
        book.add_item(epub.EpubItem(uid=f"font-{n:02d}", file_name=face.file_name, media_type=face.media_type,
                                    content=face.data))
    # set_cover(create_page=False): ebooklib's own cover page is non-linear and loses its style
    # (defect #15); ours is the linear cover.xhtml above. This adds the cover-image item (its
    # media type given: `ebook.Cover`) and the EPUB 2 `<meta name="cover">`.
    set_cover(book, Cover(file_name=f"images/cover{cover_ext}", content=cover, media_type=cover_type))
    for d in docs:
        for name, fig in d.images:  # names are unique: a01-fig1, a01-fig2, …
            book.add_item(epub.EpubImage(uid=Path(name).stem, file_name=name, media_type=_image_type(name),
                                         content=_read_image(fig)))
    if plan.faces:
        book.add_item(epub.EpubItem(uid="apple-display-options",
                                    file_name="META-INF/com.apple.ibooks.display-options.xml",
                                    media_type="application/xml", content=APPLE_DISPLAY_OPTIONS, manifest=False))

    book.spine = [cover_page, nav, *items]
    book.toc = _toc(issue, docs)
    first = docs[0].file_name if docs else NAV_FILE
    book.guide = [
        {"type": "cover", "href": COVER_PAGE, "title": "封面"},
        {"type": "toc", "href": NAV_FILE, "title": "目录"},
        {"type": "text", "href": first, "title": "正文"},  # → landmarks "bodymatter"
    ]
    targets = [PageTarget(m.label, f"{d.file_name}#{m.id}") for d in docs for m in d.markers]

    modified = build_time(fallback=issue.date)
    if isinstance(out_path, Path):
        _atomic_write(out_path, lambda tmp: _write(tmp, book, modified, targets))
    else:
        buffer = io.BytesIO()
        _write(buffer, book, modified, targets)
        out_path.write(buffer.getvalue())
    return out_path


def drawn_cover(issue: Issue, fonts: Any | None) -> bytes:
    """The typographic cover's PNG (`_drawn_cover`: drawn, or from the cache), with the drawing's
    freed memory given back at once (`publish.heap`): ~10 MB the C heap would otherwise keep
    while the font subsets build up theirs."""
    from publish.heap import give_back

    png = _drawn_cover(issue, fonts)
    give_back()
    return png


def _drawn_cover(issue: Issue, fonts: Any | None) -> bytes:
    """The typographic cover's PNG, from the font cache when the same cover was drawn before.

    Drawing it takes ~0.06 s and ~28 MB at its peak (a 1280 × 1800 RGB canvas, the palette
    quantisation, FreeType faces of 20 MB CJK collections) — in a warm build, the EPUB step's
    largest cost. The PNG is a pure function of what its key holds (`cover.cover_key`: the text,
    the font files, the drawing code, the rasteriser).
    """
    from publish import cache

    faces = cover_mod.find_cover_fonts(fonts)
    key = cover_mod.cover_key(cover_mod.CoverText.of(issue), faces)
    if key is None:
        return cover_mod.draw_cover(issue, faces)
    png = cache.get_bytes("cover", key)
    if png is None or not cover_mod.is_png(png):
        png = cover_mod.draw_cover(issue, faces)
        cache.put_bytes("cover", key, png)
    return png


def _load_fonts(issue: Issue) -> Any:
    from publish.fonts import load_fonts

    overrides = {role: list(cands) for role, cands in issue.fonts} or None
    return load_fonts(issue.root, overrides)


def _write(path: str | BinaryIO, book: epub.EpubBook, modified: Any, targets: Sequence[PageTarget]) -> None:
    writer = ReproducibleWriter(path, book, modified=modified, page_targets=targets)
    writer.process()
    writer.write()


def _atomic_write(out_path: Path, write: Any) -> None:
    tmp = ""
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_path)
    except OSError as err:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise BuildError(Problem(f"cannot write the EPUB: {err.strerror or err}", out_path,
                                 fix="check that the output folder is writable and has space")) from None
    except BaseException:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _cover_document(issue: Issue, src: str, lang: str) -> bytes:
    from lxml import etree

    section = etree.Element(f"{{{XHTML_NS}}}section", nsmap=NSMAP)
    section.set(EPUB_TYPE, "cover")
    etree.SubElement(section, f"{{{XHTML_NS}}}img", src=src, alt=cover_mod.cover_text(issue), role="doc-cover")
    return xhtml_document(section, title=f"封面 {issue.magazine} {issue.label}", lang=lang,
                          stylesheet=f"../{CSS_FILE}", body_class="cover")


def _nest(headings: Sequence[HeadingRef], file_name: str, uid: str) -> list[Any]:
    """Level-1 headings with their level-2 headings nested under them (ebooklib toc entries)."""
    out: list[Any] = []
    for h in headings:
        if not h.text:
            continue  # an empty heading would be an empty nav label (invalid nav document)
        link = epub.Link(f"{file_name}#{h.id}", h.text, uid=f"{uid}-{h.id}")
        if h.level >= 2 and out:
            parent = out[-1]
            if isinstance(parent, tuple):
                parent[1].append(link)
            else:
                out[-1] = (parent, [link])
        else:
            out.append(link)
    return out


def _toc(issue: Issue, docs: Sequence[ArticleDoc]) -> list[Any]:
    """sections → articles → in-article headings. Every Link has a uid (defect #14)."""
    toc: list[Any] = []
    it = iter(docs)
    for section in issue.sections:
        entries: list[Any] = []
        for _ in section.articles:
            d = next(it)
            link = epub.Link(d.file_name, d.title, uid=f"nav-{Path(d.file_name).stem.split('-')[0]}")
            heads = _nest(d.headings, d.file_name, "nav")
            entries.append((link, heads) if heads else link)
        if entries:
            href = entries[0][0].href if isinstance(entries[0], tuple) else entries[0].href
            toc.append((epub.Section(section.title, href=href), entries))
    return toc


def _image_type(name: str) -> str:
    media = _IMAGE_TYPES.get(Path(name).suffix.lower())
    if media is None:  # pragma: no cover - publish.epub.xhtml names every image .jpg or .png
        raise BuildError(Problem(f"figure image {name} is not JPEG or PNG", fix="convert the image to .jpg or .png"))
    return media


def _converted(path: Path, suffix: str) -> bytes:
    """A TIFF as PNG (lossless), a WebP as JPEG: the image types every reading system shows
    (EPUB 3.3 core media types; older readers lack WebP)."""
    import io

    from PIL import Image

    with Image.open(path) as im:
        im.load()
        out = io.BytesIO()
        if suffix == ".jpg":
            im.convert("RGB").save(out, format="JPEG", quality=90)
        else:
            picture: Image.Image = im
            if im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                picture = im.convert("RGBA" if "A" in im.mode else "RGB")
            picture.save(out, format="PNG", optimize=False)
        return out.getvalue()


def _read_image(fig: Any) -> bytes:
    from publish.epub.xhtml import package_suffix

    try:
        data = Path(fig.image).read_bytes()
        if package_suffix(fig.image) == Path(fig.image).suffix.lower():
            return data
        return _converted(fig.image, package_suffix(fig.image))
    except OSError as err:
        raise BuildError(Problem(f"cannot read figure image {fig.image}: {err.strerror}", fig.image, fig.line or None,
                                 fix="check the image path in the article")) from None
