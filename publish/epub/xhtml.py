"""One article of the issue model → one XHTML content document, with the print page breaks in it.

In: an `Article`, its position in the issue (for ASCII file names and fragment ids) and the
`PageStart`s that fall inside it. Out: an `ArticleDoc` holding the serialised XHTML (bytes), the
ids of its headings (for the nav) and the page-break markers it contains (for the page-list).

The markup (EPUB 3.3 content documents; EPUB Accessibility 1.1 for the page breaks):

    <section epub:type="chapter" role="doc-chapter" aria-labelledby="a01-title">
      <header><p class="section-name">栏目</p>
              <h1 id="a01-title"><span class="title-line">全市<wbr/>人大代表</span><wbr/>…</h1>
              <p class="subtitle">…</p> <p class="byline"><span class="unit">…</span> …</p></header>
      <p>…</p> <h2 id="a01-h1" class="heading1">…</h2> <h3 … class="heading2"> <p class="salutation">
      <div class="signature"><p>…
      <p class="note"> <ol class="items"><li><span class="label">1.</span>…</li></ol>
      <figure><img …/><figcaption>…</figcaption></figure>
      <div class="table-wrap"><table><caption>表1 …</caption><thead><tr><th scope="col">…</th>…</tr>
        </thead><tbody><tr><th scope="row">…</th><td class="num">…</td></tr></tbody></table></div>
      <p>…<a href="https://…">linked text</a> <a href="a09-….xhtml">…</a> (a link: web or article)
      <p>…<a epub:type="noteref" role="doc-noteref" id="a01-ref1" href="#a01-note1">①</a>…</p>
      <aside epub:type="footnote" role="doc-footnote" id="a01-note1" class="footnote">
        <p><a role="doc-backlink" href="#a01-ref1">①</a> …</p></aside>
    </section>

Notes follow EPUB 3.3 / EPUB Structural Semantics (`noteref`, `footnote`) and DPUB-ARIA
(`doc-noteref`, `doc-footnote`, `doc-backlink`); the footnotes stand at the end of the article.

Rules this module keeps (docs/design/epub.md, "Where the rules come from"):
- ebooklib 0.20 would list every element with `epub:type` and `id` in its page-list (defect #4,
  aerkalov/ebooklib#339); our writer switches that scan off (`publish.epub.ebook`) and writes the
  page-list from the page-break markers only, so note references and footnotes carry ids.
- Fragment ids are ASCII (`a04-h2`): Calibre drops TOC fragments outside `[-A-Za-z0-9_:.]`
  (calibre `epub_output.py`, `workaround_ade_quirks`).
- No U+3000 (or other space) indentation; the indent is CSS (Kindle Publishing Guidelines §3.1.5).
- Text goes in through lxml, so `<条例>` inside `《》` is escaped, never parsed.
- Empty non-void elements are written `<span …></span>`, not `<span/>` (defect #16): an HTML
  parser reads `<span/>` as an open tag.
- A page-break marker sits exactly before character `offset` of its block's `.text`, splitting the
  text node (and an `<em>`) there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from publish.cjk.title_join import join_title
from publish.errors import BuildError, Problem
from publish.links import LinkError, resolve
from publish.model import (
    Article,
    Block,
    Emphasis,
    Figure,
    Heading,
    Inline,
    Link,
    ListItem,
    Note,
    NoteRef,
    PageStart,
    Paragraph,
    Salutation,
    Signature,
    Table,
    heading_depths,
    note_mark,
)

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
NSMAP = {None: XHTML_NS, "epub": EPUB_NS}

_SAFE_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")


def article_stem(index: int, slug: str) -> str:
    """The ASCII file stem of article number `index` (1-based): `a01` or `a01-<slug>` if ASCII."""
    stem = f"a{index:02d}"
    if _SAFE_SLUG.match(slug):
        stem += f"-{slug}"
    return stem


def article_file_names(articles: Sequence[Article]) -> dict[str, str]:
    """Slug → the file name of its XHTML document (in the package's text/ folder), in order."""
    return {a.slug: f"{article_stem(i, a.slug)}.xhtml" for i, a in enumerate(articles, 1)}


# TIFF and WebP pictures go into the package as PNG and JPEG (publish.epub.writer converts them).
_PACKAGE_SUFFIX = {".tif": ".png", ".tiff": ".png", ".webp": ".jpg"}


def package_suffix(path) -> str:
    """The file suffix of a figure's image inside the package."""
    suffix = str(path)[str(path).rfind("."):].lower() if "." in str(path) else ""
    return _PACKAGE_SUFFIX.get(suffix, suffix)


def marker_id(folio: int | str) -> str:
    """The fragment id of the page-break marker of print page `folio`."""
    return f"page-{folio}"


@dataclass(frozen=True)
class HeadingRef:
    """An in-article heading, for the nav: its outline level (h2 → 1, h3 → 2), id and text."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Marker:
    """A page-break marker written into a document: fragment id and label (the print folio)."""

    id: str
    label: str


@dataclass(frozen=True)
class ArticleDoc:
    """The rendered content document of one article."""

    file_name: str  # relative to the package folder, e.g. "text/a01-slug.xhtml"
    title: str
    title_id: str
    headings: tuple[HeadingRef, ...]
    markers: tuple[Marker, ...]
    images: tuple[tuple[str, Figure], ...]  # (file name in the package, figure)
    content: bytes


# ── page-break markers ─────────────────────────────────────────────────────────────────────────
def _marker_element(start: PageStart) -> etree._Element:
    # EPUB Accessibility Techniques 1.1 §Page markers: epub:type="pagebreak", role="doc-pagebreak",
    # the page number in aria-label; the id is what the page-list links to.
    el = etree.Element(f"{{{XHTML_NS}}}span", nsmap=NSMAP)
    el.set(EPUB_TYPE, "pagebreak")
    el.set("role", "doc-pagebreak")
    el.set("id", marker_id(start.folio))
    el.set("aria-label", start.label)
    el.text = ""  # serialise as <span …></span> (defect #16)
    return el


class _Sink:
    """Appends text and child elements to an element in document order (text, then tails)."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.last: etree._Element | None = None

    def text(self, s: str) -> None:
        if not s:
            return
        if self.last is None:
            self.element.text = (self.element.text or "") + s
        else:
            self.last.tail = (self.last.tail or "") + s

    def child(self, tag: str, **attrib: str) -> etree._Element:
        el = etree.SubElement(self.element, f"{{{XHTML_NS}}}{tag}", attrib)
        self.last = el
        return el

    def append(self, el: etree._Element) -> None:
        self.element.append(el)
        self.last = el


class _Markers:
    """The page starts of one block, handed out by character offset as the text is written."""

    def __init__(self, starts: Sequence[PageStart]) -> None:
        self.pending = sorted(starts, key=lambda s: (s.offset, s.folio))
        self.placed: list[PageStart] = []

    def take(self, lo: int, hi: int, *, inclusive_hi: bool = False) -> list[PageStart]:
        """Starts with lo <= offset < hi (or <= hi), removed from the pending list."""
        out = [s for s in self.pending if lo <= s.offset and (s.offset < hi or (inclusive_hi and s.offset == hi))]
        for s in out:
            self.pending.remove(s)
        self.placed.extend(out)
        return out


def _kept(text: str) -> tuple[int, int]:
    """The [lo, hi) range of `text` without leading/trailing spaces (print indentation, padding).

    Why: U+3000 indentation must not reach the EPUB (Kindle Publishing Guidelines §3.1.5); the
    text-fidelity check compares whitespace-stripped text, so nothing visible is lost.
    """
    lo, hi = 0, len(text)
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def _write_text(sink: _Sink, text: str, base: int, keep: tuple[int, int], markers: _Markers,
                *, last: bool) -> None:
    """Write `text` (occupying offsets base…base+len) into `sink`, with markers where they fall."""
    end = base + len(text)
    starts = markers.take(base, end, inclusive_hi=last)
    cut = base
    for start in starts:
        sink.text(_clip(text, base, cut, start.offset, keep))
        sink.append(_marker_element(start))
        cut = start.offset
    sink.text(_clip(text, base, cut, end, keep))


def _clip(text: str, base: int, lo: int, hi: int, keep: tuple[int, int]) -> str:
    lo, hi = max(lo, keep[0]), min(hi, keep[1])
    return text[lo - base : hi - base] if hi > lo else ""


Segment = tuple[str, str | None, dict[str, str]]  # (text, wrapper tag or None, wrapper attributes)
NOTEREF = "noteref"  # the wrapper "tag" of a note reference segment: its text is a made mark, not source


def _fill(element: etree._Element, segments: Sequence[Segment], base: int, keep: tuple[int, int],
          markers: _Markers, *, last: bool) -> int:
    """Fill `element` with `segments` starting at block offset `base`; returns the end offset.

    A marker at the first offset of a wrapped segment goes before the wrapper, not inside it.
    `last` places a marker at the very end of the block (offset == len(text)) here.
    """
    sink = _Sink(element)
    pos = base
    for i, (text, tag, attrib) in enumerate(segments):
        is_last = last and i == len(segments) - 1
        if tag == NOTEREF:  # the printed mark: occupies no offsets of the block's text
            a = sink.child("a", **{k: v for k, v in attrib.items() if k != EPUB_TYPE})
            a.set(EPUB_TYPE, "noteref")
            a.text = text
            continue
        if tag is None:
            _write_text(sink, text, pos, keep, markers, last=is_last)
        else:
            for start in markers.take(pos, pos + 1 if text else pos, inclusive_hi=not text and is_last):
                sink.append(_marker_element(start))
            wrapper = sink.child(tag, **attrib)
            _write_text(_Sink(wrapper), text, pos, keep, markers, last=False)
            if is_last:
                for start in markers.take(pos + len(text), pos + len(text), inclusive_hi=True):
                    sink.append(_marker_element(start))
        pos += len(text)
    if not segments and last:
        for start in markers.take(base, base, inclusive_hi=True):
            sink.append(_marker_element(start))
    return pos


def _run_segments(runs: Sequence[Inline], refs: _NoteRefs | None = None) -> list[Segment]:
    out: list[Segment] = []
    for r in runs:
        if isinstance(r, NoteRef):
            if refs is not None:
                out.append(refs.segment(r))
        elif isinstance(r, Link):
            href = refs.href(r.target) if refs is not None else None
            out.append((r.text, "a", {"href": href}) if href else (r.text, None, {}))
        else:
            out.append((r.text, "em" if isinstance(r, Emphasis) else None, {}))
    return out


class _NoteRefs:
    """Ids of an article's note references and notes: `a01-ref1` (a second reference to the same
    note `a01-ref1-2`) and `a01-note1`; the back link of a note goes to its first reference."""

    def __init__(self, prefix: str, style: str, article_files: Mapping[str, str] | None = None) -> None:
        self.prefix = prefix
        self.style = style
        self.count: dict[int, int] = {}
        self.article_files = dict(article_files or {})  # slug → its document's file name

    def href(self, target: str) -> str | None:
        """Where a `Link` to `target` points: the web address, or the linked article's document
        (the documents share one folder); None when the target is not usable (`publish.links`)."""
        try:
            t = resolve(target, self.article_files)
        except LinkError:
            return None
        return t.value if t.kind == "uri" else self.article_files[t.value]

    def segment(self, ref: NoteRef) -> Segment:
        k = self.count[ref.number] = self.count.get(ref.number, 0) + 1
        rid = self.ref_id(ref.number) + (f"-{k}" if k > 1 else "")
        attrib = {"role": "doc-noteref", "id": rid, "href": f"#{self.note_id(ref.number)}", "class": "noteref"}
        return (note_mark(ref.number, self.style), NOTEREF, attrib)

    def ref_id(self, number: int) -> str:
        return f"{self.prefix}-ref{number}"

    def note_id(self, number: int) -> str:
        return f"{self.prefix}-note{number}"


# ── blocks ─────────────────────────────────────────────────────────────────────────────────────
class _Renderer:
    def __init__(self, article: Article, stem: str, starts: Sequence[PageStart], *, section_name: str = "",
                 title_words: Sequence[str] = (), note_marks: str = "circled",
                 article_files: Mapping[str, str] | None = None) -> None:
        self.article = article
        self.section_name = section_name
        self.title_words = tuple(title_words)
        self.levels = heading_tags(article)
        self.stem = stem
        self.prefix = stem.split("-", 1)[0]  # "a01": the ASCII prefix of this article's fragment ids
        self.refs = _NoteRefs(self.prefix, note_marks, article_files)
        self.by_block: dict[int, list[PageStart]] = {}
        for s in starts:
            self.by_block.setdefault(s.block, []).append(s)
        self.headings: list[HeadingRef] = []
        self.images: list[tuple[str, Figure]] = []
        self.markers: list[Marker] = []
        self.heading_count = 0
        self.title_id = ""

    def _place(self, starts: Sequence[PageStart]) -> None:
        for s in sorted(starts, key=lambda s: (s.offset, s.folio)):
            self.markers.append(Marker(marker_id(s.folio), s.label))

    def render(self) -> etree._Element:
        a = self.article
        section = etree.Element(f"{{{XHTML_NS}}}section", nsmap=NSMAP)
        section.set(EPUB_TYPE, "chapter")
        section.set("role", "doc-chapter")
        body = _Sink(section)
        # Page starts before the title block (block -1): the marker precedes the header.
        for s in sorted(self.by_block.get(-1, []), key=lambda s: s.folio):
            body.append(_marker_element(s))
        self._place(self.by_block.get(-1, []))
        title_id = f"{self.prefix}-title"
        if a.title or a.subtitle or a.bylines or self.section_name:
            header = body.child("header")
            h = _Sink(header)
            if self.section_name:
                # The section (栏目) is part of what a reader reads, as the print's running head is:
                # a line above the title, not a heading (the nav lists the sections).
                h.child("p", **{"class": "section-name"}).text = self.section_name
            if a.title:
                section.set("aria-labelledby", title_id)
                _title(h.child("h1", id=title_id), a.title, self.title_words)
            if a.subtitle:
                h.child("p", **{"class": "subtitle"}).text = a.subtitle
            for b in a.bylines:
                p = h.child("p", **{"class": "byline"})
                ps = _Sink(p)
                if b.unit:
                    ps.child("span", **{"class": "unit"}).text = b.unit
                if b.unit and b.name:
                    ps.text(" ")
                if b.name:
                    ps.child("span", **{"class": "name"}).text = b.name
        self.title_id = title_id if a.title else ""
        items: etree._Element | None = None
        for index, block in enumerate(a.blocks):
            if isinstance(block, ListItem):
                if items is None:
                    items = body.child("ol", **{"class": "items"})
                self._block(_Sink(items), index, block)
            else:
                items = None
                self._block(body, index, block)
        for note in a.notes:
            # EPUB 3.3 SSV `footnote` + DPUB-ARIA `doc-footnote`; the back link returns to the
            # (first) reference. Reading systems that pop notes up show the aside's content.
            aside = body.child("aside", **{"role": "doc-footnote", "id": self.refs.note_id(note.number),
                                           "class": "footnote"})
            aside.set(EPUB_TYPE, "footnote")
            p = etree.SubElement(aside, f"{{{XHTML_NS}}}p")
            back = etree.SubElement(p, f"{{{XHTML_NS}}}a", {"role": "doc-backlink",
                                                              "href": f"#{self.refs.ref_id(note.number)}"})
            back.text = note_mark(note.number, self.refs.style)
            back.tail = " "
            ps = _Sink(p)
            ps.last = back
            _fill_plain(ps, _run_segments(note.runs, self.refs))
        # One block element per line in the file, for people reading the XHTML; the whitespace
        # between block elements is not rendered and not part of the text.
        tables = [el for tag in ("table", "thead", "tbody", "tr") for el in section.iter(f"{{{XHTML_NS}}}{tag}")]
        for parent in (section, *section.iterfind(f"{{{XHTML_NS}}}header"),
                       *section.iterfind(f"{{{XHTML_NS}}}ol"), *section.iterfind(f"{{{XHTML_NS}}}div"),
                       *section.iterfind(f"{{{XHTML_NS}}}aside"), *tables):
            if len(parent):
                parent.text = (parent.text or "") + "\n" if parent.text is None or not parent.text.strip() else parent.text
            for child in parent:
                if child.tail is None or not child.tail.strip():
                    child.tail = (child.tail or "") + "\n"
        return section

    def _table(self, sink: _Sink, table: Table, keep: tuple[int, int], markers: _Markers) -> None:
        """`<table>` in a scrolling wrapper: the caption, a header row of `<th scope="col">`, body
        rows whose first cell is a `<th scope="row">` when the first column is text (the row's
        name, as in statistical tables); numeric columns right-aligned (class `num`)."""
        for start in markers.take(0, 1 if table.text else 0, inclusive_hi=not table.text):
            sink.append(_marker_element(start))
        wrap = sink.child("div", **{"class": "table-wrap"})
        element = _Sink(wrap).child("table")
        ts = _Sink(element)
        pos = 0
        if table.caption:
            pos = _fill(ts.child("caption"), _run_segments(table.caption, self.refs), 0, keep, markers, last=False)
        row_heads = not table.numeric(0) and table.columns > 1
        aligns = [table.alignment(k) for k in range(table.columns)]
        groups = (("thead", table.header), ("tbody", table.body))
        for tag, rows in groups:
            if not rows:
                continue
            group = _Sink(ts.child(tag))
            for row in rows:
                tr = _Sink(group.child("tr"))
                for k, cell in enumerate(row.cells):
                    attrib: dict[str, str] = {}
                    if row.header:
                        cell_tag, attrib["scope"] = "th", "col"
                    elif k == 0 and row_heads:
                        cell_tag, attrib["scope"] = "th", "row"
                    else:
                        cell_tag = "td"
                    classes = [c for c in ({"right": "r", "center": "c"}.get(aligns[k], ""),
                                           "num" if table.numeric(k) and not row.header else "") if c]
                    if classes:
                        attrib["class"] = " ".join(classes)
                    pos = _fill(tr.child(cell_tag, **attrib), _run_segments(cell.runs, self.refs), pos, keep,
                                markers, last=False)

    def _block(self, sink: _Sink, index: int, block: Block) -> None:
        markers = _Markers(self.by_block.get(index, []))
        text = block.text
        keep = _kept(text)
        refs = self.refs
        if isinstance(block, Paragraph):
            _fill(sink.child("p"), _run_segments(block.runs, refs), 0, keep, markers, last=True)
        elif isinstance(block, Heading):
            self.heading_count += 1
            hid = f"{self.prefix}-h{self.heading_count}"
            tag = self.levels[index]
            # The class carries the source level (the style); the tag the document outline level.
            _fill(sink.child(tag, id=hid, **{"class": f"heading{min(block.level, 2)}"}),
                  _run_segments(block.runs, refs), 0, keep, markers, last=True)
            # the nav nests by the outline level (h2 → 1, h3 → 2), as the document does
            self.headings.append(HeadingRef(max(1, int(tag[1]) - 1), hid, text[keep[0] : keep[1]]))
        elif isinstance(block, Salutation):
            _fill(sink.child("p", **{"class": "salutation"}), _run_segments(block.runs, refs), 0, keep, markers,
                  last=True)
        elif isinstance(block, Note):
            _fill(sink.child("p", **{"class": "note"}), _run_segments(block.runs, refs), 0, keep, markers,
                  last=True)
        elif isinstance(block, Table):
            self._table(sink, block, keep, markers)
        elif isinstance(block, ListItem):
            segments: list[Segment] = [(block.label, "span", {"class": "label"})]
            segments += _run_segments(block.runs, refs)
            _fill(sink.child("li"), segments, 0, keep, markers, last=True)
        elif isinstance(block, Signature):
            div = sink.child("div", **{"class": "signature"})
            ds = _Sink(div)
            pos = 0
            for i, line in enumerate(block.lines):
                line_keep = _kept(line)
                lk = (pos + line_keep[0], pos + line_keep[1])
                pos = _fill(ds.child("p"), [(line, None, {})], pos, lk, markers,
                            last=i == len(block.lines) - 1)
            if not block.lines:
                _fill(ds.child("p"), [], 0, keep, markers, last=True)
        elif isinstance(block, Figure):
            # A page that begins with the figure itself: the marker goes before the <figure>.
            for start in markers.take(0, 1 if text else 0, inclusive_hi=not text):
                sink.append(_marker_element(start))
            fig = sink.child("figure", **({"class": "wide"} if block.wide else {}))
            name = f"images/{self.prefix}-fig{len(self.images) + 1}{package_suffix(block.image)}"
            self.images.append((name, block))
            fs = _Sink(fig)
            # The text alternative the sources give (`![](path "alt")`, else the caption); without
            # one the image is announced as an illustration (and the metadata claims no alt text).
            fs.child("img", src=f"../{name}", alt=block.alt.strip() or text[keep[0] : keep[1]] or "插图")
            if block.caption:
                _fill(fs.child("figcaption"), _run_segments(block.caption, refs), 0, keep, markers, last=True)
        else:  # pragma: no cover - the model has no other block types
            raise TypeError(f"unknown block {block!r}")
        if isinstance(block, Table):  # a page start at the very end of a table: after it
            for start in markers.take(0, len(text), inclusive_hi=True):
                sink.append(_marker_element(start))
        self._place(markers.placed)
        if markers.pending:  # pragma: no cover - offsets were validated before rendering
            raise AssertionError(f"unplaced page starts {markers.pending}")


def _fill_plain(sink: _Sink, segments: Sequence[Segment]) -> None:
    """Text and `<em>` without page markers (a note's text is not part of any block)."""
    for text, tag, attrib in segments:
        if tag is None:
            sink.text(text)
        else:
            sink.child(tag, **attrib).text = text


def validate_page_starts(articles: Sequence[Article], page_starts: Sequence[PageStart]) -> None:
    """Raise `BuildError` for page starts that do not point into the issue's text."""
    problems: list[Problem] = []
    by_slug = {a.slug: a for a in articles}
    seen: set[int] = set()
    for s in page_starts:
        where = f"page {s.folio}"
        if s.folio in seen:
            problems.append(Problem(f"{where} begins twice in the folio map", fix="report this as a bug in the pagination"))
        seen.add(s.folio)
        article = by_slug.get(s.article)
        if article is None:
            problems.append(Problem(f"{where} begins in unknown article {s.article!r}",
                                    fix="pass page starts computed from the same issue"))
            continue
        if s.block == -1:
            continue
        if not 0 <= s.block < len(article.blocks):
            problems.append(Problem(f"{where} begins at block {s.block} of {s.article!r}, which has "
                                    f"{len(article.blocks)} blocks", article.source,
                                    fix="pass page starts computed from the same issue"))
            continue
        block = article.blocks[s.block]
        if not 0 <= s.offset <= len(block.text):
            problems.append(Problem(f"{where} begins at offset {s.offset} of a {len(block.text)}-character "
                                    f"block", article.source, block.line,
                                    fix="pass page starts computed from the same issue"))
    if problems:
        raise BuildError(*problems)


def heading_tags(article: Article) -> dict[int, str]:
    """Block index → `h2`…`h6` for the article's headings (`publish.model.heading_depths`: no
    document skips a level)."""
    return {i: f"h{d}" for i, d in heading_depths(article).items()}


def _title(h1: etree._Element, lines: Sequence[str], words: Sequence[str]) -> None:
    """The title's print lines as `<span class="title-line">`s with `<wbr>` at the word ends.

    The print line breaks are not forced: the stylesheet keeps the words whole
    (`word-break: keep-all`) and wraps at the `<wbr>`s, balancing the lines."""
    from publish.epub.titles import word_ends

    ends = word_ends(words) if "".join(words) == "".join(lines) else set()
    sink = _Sink(h1)
    pos = 0
    for n, line in enumerate(lines):
        if n and pos in ends:
            sink.child("wbr")
        span = sink.child("span", **{"class": "title-line"})
        ss = _Sink(span)
        start = 0
        for end in sorted(e - pos for e in ends if pos < e < pos + len(line)):
            ss.text(line[start:end])
            ss.child("wbr")
            start = end
        ss.text(line[start:])
        if span.text is None and not len(span):
            span.text = ""
        pos += len(line)


def render_article(article: Article, index: int, page_starts: Sequence[PageStart], *, lang: str,
                   stylesheet: str, section_name: str = "", title_words: Sequence[str] = (),
                   note_marks: str = "circled", article_files: Mapping[str, str] | None = None) -> ArticleDoc:
    """Render article number `index` (1-based) with the page starts that fall inside it.

    `stylesheet` is the href of the CSS relative to the document (e.g. "../styles/main.css").
    `section_name`: the article's section (栏目), shown above the title. `title_words`: the title cut
    into words (`publish.epub.titles.title_words`), where it may wrap. `note_marks`: "circled" (①)
    or "arabic" (1), as the print edition's layout says. `article_files`: every article's slug →
    its document's file name (`article_file_names`), for links to other articles.
    """
    stem = article_stem(index, article.slug)
    renderer = _Renderer(article, stem, page_starts, section_name=section_name, title_words=title_words,
                         note_marks=note_marks, article_files=article_files)
    section = renderer.render()
    if not len(section) and not (section.text or "").strip():
        raise BuildError(Problem(f"article {article.slug!r} has no title and no text", article.source,
                                 fix="give the article a title or remove it from issue.toml"))
    # the navigation's title: print lines joined with what each break needs (never run together)
    title = join_title(article.title) or article.slug
    content = xhtml_document(section, title=title, lang=lang, stylesheet=stylesheet)
    return ArticleDoc(
        file_name=f"text/{stem}.xhtml",
        title=title,
        title_id=renderer.title_id,
        headings=tuple(renderer.headings),
        markers=tuple(renderer.markers),
        images=tuple(renderer.images),
        content=content,
    )


def xhtml_document(*body_children: etree._Element, title: str, lang: str, stylesheet: str,
                   body_class: str = "") -> bytes:
    """A complete XHTML5 content document: `lang` and `xml:lang` on <html>, a <title>, the CSS link.

    ebooklib's `EpubHtml` discards the supplied <head> and the <body> attributes (defect #8), so
    our items hand over the finished document instead (see `ebook.ZhHtml`).
    """
    html = etree.Element(f"{{{XHTML_NS}}}html", nsmap=NSMAP)
    # EPUB 3.3 §XHTML content documents + DAISY KB: set both lang and xml:lang.
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    head = etree.SubElement(html, f"{{{XHTML_NS}}}head")
    etree.SubElement(head, f"{{{XHTML_NS}}}meta", charset="utf-8")
    etree.SubElement(head, f"{{{XHTML_NS}}}title").text = title
    etree.SubElement(head, f"{{{XHTML_NS}}}link", rel="stylesheet", type="text/css", href=stylesheet)
    body = etree.SubElement(html, f"{{{XHTML_NS}}}body")
    if body_class:
        body.set("class", body_class)
    for child in body_children:
        body.append(child)
        child.tail = "\n"
    _close_empty(html)
    # Line breaks between the top-level elements, for people reading the files (not rendered).
    etree.indent(head, space=" ", level=1)
    html.text, head.tail, body.text = "\n", "\n", "\n"
    return serialise(html)


# Void elements of HTML: everything else must not be written self-closing (defect #16).
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _close_empty(root: etree._Element) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local not in _VOID and el.text is None and not len(el):
            el.text = ""


def serialise(root: etree._Element) -> bytes:
    """XML declaration, the HTML5 doctype, then the tree (UTF-8)."""
    body = etree.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + b"\n"
