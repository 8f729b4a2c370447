"""Tagged PDF: marked content around what the pages draw, and the structure tree over it.

In: the paginated `Document` (each `TextLine`'s kind, article, block and contents target; each
`PlacedImage`'s article and block; the section titles and `ArticleTags`), item by item as the
writer draws them, and ReportLab's document. Out: the operators that open and close each item's
marked-content sequence, and — once every page is drawn — the structure tree, the parent tree,
`/MarkInfo`, `/StructParents` on the pages and, in the screen edition, the link annotations (contents
entries, `[text](target)` links, note marks ↔ notes).

The tree (ISO 32000-1 §14.7–14.8 standard structure types; PDF/UA-1 §7):

    Document ─ H1 (目录) ─ TOC ─ TOCI ─ Reference (print) | Link (screen: + the link annotation)
             ─ Sect /T 栏目 ─ Art /T title ─ H1 (title lines) P (subtitle) P (bylines)
                                           ─ H2…H6 · P (─ Reference: a note mark) · L ─ LI ─ LBody
                                           ─ Figure /Alt · Caption · Table ─ Caption · TR ─ TH /Scope | TD
                                           ─ Note /ID (a footnote, after the text of its page)
    screen edition, inside the element the text stands in: Link (linked text + its annotations),
    Reference ─ Link (a note mark → its note), Note ─ Link (the note's own mark → back)
    (an element continued on another page holds one Span per page, and an element whose text a
    child interrupts holds that text in Spans: `_split_across_pages`)

An element collects the marked-content ids (MCIDs) of every line it owns, on whatever page or
column the line was set, in the order the lines come — pagination hands them over column by
column — so a paragraph broken across columns and pages reads back whole and in order. Headings
take the levels of `publish.model.heading_depths` (never skipping one). Running headers, folios,
rules and crop marks are `/Artifact`s (§14.8.2.2): not content, skipped by a reader.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from publish.columns import columns
from publish.model import note_mark
from publish.paginate.pages import ArticleTags, Document, PlacedImage, PlacedRun, Rule, TextLine
from publish.pdf import fastformat
from publish.pdf.text import num

ARTIFACT_HEADER = "/Artifact <</Type /Pagination /Subtype /Header>> BDC"
ARTIFACT_LAYOUT = "/Artifact <</Type /Layout>> BDC"
ARTIFACT = "/Artifact BMC"
EMC = "EMC"

_TITLE_BLOCK_TYPES = {"title": "H1", "subtitle": "P", "byline": "P"}
# Lines whose element depends on more than their block and kind (`Tagger._always_plain`).
_NOT_PLAIN = frozenset({"toc", "footnote", "noteref", "table-cell", "table-header", "table-caption",
                        "header", "folio"})


@dataclass(eq=False)
class Elem:
    """A structure element being built: its type, parent, kids (child elements, (page, MCID)
    pairs and ("annot", n) link annotations), title, text alternative and bounding box."""

    type: str
    parent: Elem | None = None
    kids: list[Any] = field(default_factory=list)
    title: str = ""
    alt: str = ""
    bbox: tuple[float, float, float, float] | None = None
    name: str = ""
    order: tuple[int, int] = (0, 0)  # an article's child: (block, part), its place in the source
    id: str = ""  # /ID (a Note's)
    scope: str = ""  # a TH's /Scope (Row, Column)

    def add(self, child: Elem) -> Elem:
        child.parent = self
        self.kids.append(child)
        return child


@dataclass
class _Link:
    """A link annotation to write: where it is (page, rect), its Link element, where it leads
    (`kind` "article" + slug, "uri" + address, "note" / "ref" + (slug, number): a note reference's
    mark to its note and back) and its description (/Contents)."""

    page: int
    rect: list[float]
    elem: Elem
    kind: str
    value: Any
    description: str = ""


class Tagger:
    """Hands out marked-content operators while the pages are drawn and builds the tree."""

    def __init__(self, document: Document, *, links: bool, offset: float) -> None:
        self.links = links
        self.offset = offset  # trim box corner in PDF user space (the writer's translation)
        self.root = Elem("Document")
        self.tags: dict[str, ArticleTags] = {a.slug: a for a in document.articles}
        self.section_titles = document.sections
        self._sections: dict[int, Elem] = {}
        self._articles: dict[str, Elem] = {}
        self._blocks: dict[tuple[str, int, str], Elem] = {}
        self._lists: dict[str, tuple[int, Elem]] = {}  # slug → (last list item block, its L)
        self._toc: Elem | None = None
        self._toc_items: dict[str, Elem] = {}
        self._contents_title: Elem | None = None
        self.page = -1
        self.mcids: list[list[Elem]] = []  # per page: MCID → the element that owns it
        self.first_page: dict[str, int] = {}  # article slug → index of the page its text starts on
        self._links: dict[Any, _Link] = {}
        # the screen edition's cross-references: where each note's mark (its first line) and each
        # note's first reference stand, as (page, x, top) — the destinations of the two links
        self._note_at: dict[tuple[str, int], tuple[int, float, float]] = {}
        self._ref_at: dict[tuple[str, int], tuple[int, float, float]] = {}
        self._note_prefix: dict[tuple[str, int], int] = {}  # mark + en space before a note's text
        self._spans: set[Elem] = set()  # the Spans `_split_across_pages` made
        self._maps: dict[tuple[str, str], dict[int, Any]] = {}  # (slug, field) → `_by_block`
        self._plain: dict[tuple[str, int, str], Elem] = {}  # (article, block, kind) → owner (`parts`)

    @property
    def has_content(self) -> bool:
        """Whether any marked content belongs to a structure element (else all was artifact)."""
        return any(self.mcids)

    # ── while drawing ─────────────────────────────────────────────────────────────────────────
    def start_page(self, index: int) -> None:
        self.page = index
        while len(self.mcids) <= index:
            self.mcids.append([])

    def _by_block(self, tags: ArticleTags, field: str) -> dict[int, Any]:
        """An article's per-block table (`ArticleTags.links`, `labels`, `cells`, `refs`,
        `note_links`) as a dict, made once per article, not once per line looked up."""
        key = (tags.slug, field)
        table = self._maps.get(key)
        if table is None:
            table = self._maps[key] = dict(getattr(tags, field))
        return table

    def _mcid(self, elem: Elem) -> str:
        page = self.mcids[self.page]
        page.append(elem)
        mcid = len(page) - 1
        elem.kids.append((self.page, mcid))
        return f"/{elem.type} <</MCID {mcid}>> BDC"

    def parts(self, line: TextLine) -> list[tuple[str, TextLine]]:
        """`line` as (opening operator, the part of the line it marks). One part, except: the first
        line of a list item, whose label (`1.`) is its own `Lbl` before the item's `LBody`; and in
        the screen edition, linked text (a `Link` element per link, one annotation per line part),
        each note mark (`Reference` → `Link` to the note) and a note's own mark (`Link` back)."""
        # Nearly every line is one part owned by its block's element, as every other line of the
        # block is: found by (article, block, kind) once the block's first line was looked up
        # (`_plain`), without asking again what kind of line it is.
        key = (line.article, line.block, line.kind)
        plain = self._plain.get(key)
        if plain is not None and not line.repeat:
            # `_mcid(plain)`, written out: nearly every line of both PDFs comes this way
            page = self.page
            if line.article not in self.first_page:
                self.first_page[line.article] = page
            owners = self.mcids[page]
            mcid = len(owners)
            owners.append(plain)
            plain.kids.append((page, mcid))
            return [(f"/{plain.type} <</MCID {mcid}>> BDC", line)]
        owner = self._owner(line)
        if isinstance(owner, str):
            return [(owner, line)]
        if self.links and line.kind == "noteref":
            marks = self._noteref_parts(line, owner)
            if marks:
                return marks
        if line.kind == "noteref":
            return [(self._mcid(owner.add(Elem("Reference"))), line)]
        # glyph ranges owned by another element than `owner` (and the link a range is, if any)
        cuts: list[tuple[int, int, Elem | tuple[str, int, str], tuple[str, Any, str] | None]] = []
        label = self._label_glyphs(line)
        if label:
            cuts.append((0, label, self._lbl(line, owner), None))
        if self.links:
            cuts += self._link_cuts(line, owner, label)
        if not cuts:
            if self._always_plain(line):
                self._plain[key] = owner
            return [(self._mcid(owner), line)]
        out: list[tuple[str, TextLine]] = []
        at, n = 0, len(line.glyphs)
        for g0, g1, elem, want in [*cuts, (n, n, owner, None)]:
            if g0 > at:
                out.append((self._mcid(owner), _glyph_range(line, at, g0)))
            if isinstance(elem, tuple):
                # a link's element, made where its text first comes: after the text before it
                made = self._blocks.get(elem)
                if made is None:
                    made = self._blocks[elem] = owner.add(Elem("Link"))
                elem = made
            if g1 > g0:
                part = _glyph_range(line, g0, g1)
                out.append((self._mcid(elem), part))
                if want is not None:
                    self._add_link(want, part, elem)
            at = max(at, g1)
        return out

    def _always_plain(self, line: TextLine) -> bool:
        """Is every line of `line`'s block (of its kind) one part, owned by the element `_owner`
        gives `line` — no element looked up by the line's place (a contents entry, a note, a note
        mark, a table cell), no list item's label, no link in the block?"""
        if line.kind in _NOT_PLAIN:
            return False
        tags = self.tags.get(line.article)
        if tags is None:
            return True
        if 0 <= line.block < len(tags.blocks) and tags.blocks[line.block] == "LI":
            return False
        return not (self.links and self._by_block(tags, "links").get(line.block))

    def line(self, line: TextLine) -> str:
        """The operator opening `line`'s marked content (closed by `EMC`), the line as one part."""
        owner = self._owner(line)
        if isinstance(owner, str):
            return owner
        if line.kind == "noteref":
            owner = owner.add(Elem("Reference"))
        return self._mcid(owner)

    def _owner(self, line: TextLine) -> Elem | str:
        """The element a line's text belongs to (for a note mark: the element it stands in), or
        the artifact operator of a line that is no content."""
        if line.kind == "toc":
            return self._toc_elem(line)
        if not line.article or line.kind in ("header", "folio"):
            return ARTIFACT_HEADER
        if line.repeat:
            return ARTIFACT_LAYOUT  # a table header repeated on a later column: not text here
        self.first_page.setdefault(line.article, self.page)
        if line.kind == "footnote":
            return self._note(line)
        if line.kind == "noteref":
            tags = self.tags.get(line.article)
            kind = tags.blocks[line.block] if tags is not None and 0 <= line.block < len(tags.blocks) else ""
            if kind == "Table":
                return self._table_elem(line)  # a mark in a cell stands in that cell (a Table holds rows)
            if kind == "Figure":
                return self._article_elem(line.article, line.block, "caption")  # in the figure's caption
            return self._article_elem(line.article, line.block, "")
        if line.kind in ("table-cell", "table-header", "table-caption"):
            return self._table_elem(line)
        return self._article_elem(line.article, line.block, line.kind)

    def _label_glyphs(self, line: TextLine) -> int:
        """How many glyphs of `line` are a list item's label (0 unless it is an item's first line)."""
        tags = self.tags.get(line.article)
        if (tags is None or line.kind in ("footnote", "noteref") or line.offset != 0
                or not 0 <= line.block < len(tags.blocks) or tags.blocks[line.block] != "LI"):
            return 0
        n = self._by_block(tags, "labels").get(line.block, 0)
        return n if 0 < n < len(line.glyphs) else 0

    def _lbl(self, line: TextLine, body: Elem) -> Elem:
        key = (line.article, line.block, "lbl")
        lbl = self._blocks.get(key)
        if lbl is None:
            item = body.parent
            lbl = self._blocks[key] = Elem("Lbl", parent=item)
            item.kids.insert(0, lbl)  # type: ignore[union-attr]
        return lbl

    def image(self, image: PlacedImage) -> str:
        tags = self.tags.get(image.article)
        if tags is None or not 0 <= image.block < len(tags.blocks):
            return ARTIFACT  # a picture that belongs to no article's text: decoration
        elem = self._article_elem(image.article, image.block, "figure")
        o = self.offset
        box = (image.x + o, image.y + o, image.x + image.w + o, image.y + image.h + o)
        if elem.bbox is None:
            elem.bbox = box
        return self._mcid(elem)

    @staticmethod
    def rule(_rule: Rule) -> str:
        return ARTIFACT_LAYOUT

    # ── the screen edition's links ────────────────────────────────────────────────────────────
    def _link_cuts(self, line: TextLine, owner: Elem,
                   skip: int) -> list[tuple[int, int, Elem | tuple[str, int, str], tuple[str, Any, str] | None]]:
        """The glyph ranges of `line` that are linked text (after the first `skip` glyphs), each
        with the key of its `Link` element (`parts` makes it, as a child of `owner`, where the
        link's text first comes) and where it leads; a note's first line also its mark, linked back
        to the reference."""
        tags = self.tags.get(line.article)
        if tags is None:
            return []
        cuts: list[tuple[int, int, Elem | tuple[str, int, str], tuple[str, Any, str] | None]] = []
        base = line.offset
        if line.kind == "footnote":
            note = (line.article, line.note)
            chars = columns(line.glyphs, "chars")[0]
            if line.offset == 0 and note not in self._note_prefix:
                k = next((i for i, c in enumerate(chars) if c == "\u2002"), 0)
                self._note_prefix[note] = k + 1 if k else 0
                first = line.glyphs[0]
                o = self.offset
                self._note_at[note] = (self.page, line.x + first.x + o, line.y + line.size + o)
                if k:
                    cuts.append((0, k, (line.article, -1 - line.note, "back"),
                                 ("ref", note, f"返回正文中注{''.join(chars[:k])}的引用处")))
            base -= self._note_prefix.get(note, 0)
            found = self._by_block(tags, "note_links").get(line.note, ())
        elif line.block >= 0:
            found = self._by_block(tags, "links").get(line.block, ())
        else:
            return cuts
        n = len(line.glyphs)
        for start, end, kind, value in found:
            g0, g1 = max(start - base, skip), min(end - base, n)
            if g1 <= g0:
                continue
            key = (line.article, line.block if line.kind != "footnote" else -1 - line.note, f"link-{start}")
            cuts.append((g0, g1, key, (kind, value, value if kind == "uri" else "")))
        return sorted(cuts, key=lambda c: c[0])

    def _add_link(self, want: tuple[str, Any, str], part: TextLine, elem: Elem) -> None:
        rect = self._rect(part)
        if rect is not None:
            kind, value, description = want
            self._links[("text", len(self._links))] = _Link(self.page, rect, elem, kind, value, description)

    def _noteref_parts(self, line: TextLine, owner: Elem) -> list[tuple[str, TextLine]]:
        """A run of note marks (`①②`) as one `Reference` → `Link` per note, each linked to its
        note; [] when the marks cannot be matched to the block's references."""
        tags = self.tags.get(line.article)
        refs = self._by_block(tags, "refs").get(line.block, ()) if tags is not None else ()
        numbers = [n for at, n in refs if at == line.offset]
        chars = "".join(columns(line.glyphs, "chars")[0])
        for style in ("circled", "arabic"):
            marks = [note_mark(n, style) for n in numbers]
            if marks and "".join(marks) == chars:
                break
        else:
            return []
        out: list[tuple[str, TextLine]] = []
        at = 0
        o = self.offset
        for number, mark in zip(numbers, marks, strict=True):
            part = _glyph_range(line, at, at + len(mark))
            at += len(mark)
            key = (line.article, number)
            first = part.glyphs[0]
            self._ref_at.setdefault(key, (self.page, line.x + first.x + o, line.y + line.size + o))
            link = owner.add(Elem("Reference")).add(Elem("Link"))
            out.append((self._mcid(link), part))
            self._add_link(("note", key, f"注{mark}"), part, link)
        return out

    def _rect(self, line: TextLine) -> list[float] | None:
        glyphs = line.glyphs
        if not len(glyphs):
            return None
        first, last = glyphs[0], glyphs[len(glyphs) - 1]
        o = self.offset
        return [line.x + first.x + o, line.y - 0.25 * line.size + o,
                line.x + last.x + last.width + o, line.y + 0.95 * line.size + o]

    # ── the elements ──────────────────────────────────────────────────────────────────────────
    def _toc_elem(self, line: TextLine) -> Elem:
        if not line.target:
            if self._contents_title is None:
                self._contents_title = self.root.add(Elem("H1"))
            return self._contents_title
        if self._toc is None:
            self._toc = self.root.add(Elem("TOC"))
        item = self._toc_items.get(line.target)
        if item is None:
            item = self._toc_items[line.target] = self._toc.add(Elem("TOCI"))
            item.add(Elem("Link" if self.links else "Reference"))
        inner = item.kids[0]
        if self.links:
            self._link_rect(line, inner)
        return inner

    def _link_rect(self, line: TextLine, elem: Elem) -> None:
        """A contents entry's link: one annotation per entry and page, over all its lines."""
        rect = self._rect(line)
        if rect is None:
            return
        link = self._links.get((self.page, line.target))
        if link is None:
            self._links[(self.page, line.target)] = _Link(self.page, rect, elem, "article", line.target)
        else:
            r = link.rect
            link.rect = [min(r[0], rect[0]), min(r[1], rect[1]), max(r[2], rect[2]), max(r[3], rect[3])]

    def _article(self, slug: str) -> Elem:
        art = self._articles.get(slug)
        if art is None:
            tags = self.tags.get(slug)
            n = tags.section if tags is not None else -1
            sect = self._sections.get(n)
            if sect is None:
                title = self.section_titles[n] if 0 <= n < len(self.section_titles) else ""
                sect = self._sections[n] = self.root.add(Elem("Sect", title=title))
            art = self._articles[slug] = sect.add(Elem("Art", title=tags.title if tags else ""))
        return art

    def _note(self, line: TextLine) -> Elem:
        key = (line.article, -1, f"note-{line.note}")
        elem = self._blocks.get(key)
        if elem is None:
            # PDF/UA-1 §7.9: a footnote is a Note with an ID
            elem = self._blocks[key] = self._article(line.article).add(Elem("Note"))
            elem.id = f"note-{line.article}-{line.note}"
            elem.order = (1 << 30, line.note)  # the article's notes follow its text, by number
        return elem

    def _table_elem(self, line: TextLine) -> Elem:
        """Table → Caption · TR → TH/TD: the cell a line is in, from its offset in the table's text."""
        tags = self.tags.get(line.article)
        table = self._article_elem(line.article, line.block, "")
        cells = self._by_block(tags, "cells").get(line.block, ()) if tags is not None else ()
        mark = line.kind == "noteref"  # a note mark: its offset is where it stands in the table's text
        if line.kind == "table-caption" or (mark and cells and line.offset <= cells[0][0] and cells[0][0] > 0):
            key = (line.article, line.block, "table-caption")
            cap = self._blocks.get(key)
            if cap is None:
                cap = self._blocks[key] = Elem("Caption", parent=table)
                table.kids.insert(0, cap)  # a table's caption is its first (or last) child
            return cap
        row, col, header = 0, 0, line.kind == "table-header"
        for start, end, r, c, h in cells:
            # a mark follows the text it refers to: at the end of its cell, where the next begins
            inside = start < line.offset <= end if mark else start <= line.offset < end
            if inside or (start == end == line.offset):
                row, col, header = r, c, h
                break
        key = (line.article, line.block, f"cell-{row}-{col}")
        cell = self._blocks.get(key)
        if cell is None:
            tr_key = (line.article, line.block, f"row-{row}")
            tr = self._blocks.get(tr_key)
            if tr is None:
                tr = self._blocks[tr_key] = table.add(Elem("TR"))
            cell = self._blocks[key] = tr.add(Elem("TH" if header else "TD"))
            if header:
                cell.scope = "Column"
        return cell

    def _article_elem(self, slug: str, block: int, kind: str) -> Elem:
        tags = self.tags.get(slug)
        if block < 0 or tags is None or block >= len(tags.blocks):
            kind_type = _TITLE_BLOCK_TYPES.get(kind, "P")
            key = (slug, block, kind)
        elif kind == "caption":
            kind_type, key = "Caption", (slug, block, "caption")
        elif kind == "figure":
            kind_type, key = "Figure", (slug, block, "figure")
        else:
            kind_type, key = tags.blocks[block], (slug, block, "")
        elem = self._blocks.get(key)
        if elem is not None:
            return elem
        art = self._article(slug)
        if kind_type == "LI":
            last = self._lists.get(slug)
            if last is not None and last[0] == block - 1:
                lst = last[1]
            else:
                lst = art.add(Elem("L", order=(block, 0)))
            self._lists[slug] = (block, lst)
            elem = lst.add(Elem("LI")).add(Elem("LBody"))
        else:
            part = {"title": 0, "subtitle": 1, "byline": 2, "figure": 0, "caption": 1}.get(kind, 0)
            elem = art.add(Elem(kind_type, order=(block, part)))
            if kind_type == "Figure" and tags is not None:
                elem.alt = tags.alts[block]
        self._blocks[key] = elem
        return elem

    # ── after the last page ───────────────────────────────────────────────────────────────────
    def finish(self, rl_doc: Any, pages: list[Any], titles: dict[str, str]) -> None:
        """Write the tree into `rl_doc` (its catalog and `pages`, ReportLab's page objects in
        order); `titles`: article slug → title, for the links' descriptions."""
        ref = pdfdoc.PDFObjectReference
        page_ref = [ref(f"Page{i + 1}") for i in range(len(pages))]
        annots: dict[int, list[Any]] = {}
        annot_parents: list[Elem] = []
        if self.links:
            for link in self._links.values():
                target = self._destination(link, page_ref, titles)
                if target is None:
                    continue
                key = len(pages) + len(annot_parents)
                entries: dict[str, Any] = {
                    "Type": pdfdoc.PDFName("Annot"),
                    "Subtype": pdfdoc.PDFName("Link"),
                    "Rect": pdfdoc.PDFArray([float(num(v)) for v in link.rect]),
                    "Border": pdfdoc.PDFArray([0, 0, 0]),
                    "F": 4,  # print the annotation's appearance (it has none): PDF/A and PDF/UA ask it
                }
                entries.update(target)
                # PDF/UA-1 §7.18.1: every annotation has a description; §7.18.5: a Link element
                # holds the annotation (OBJR) and its StructParent leads back to that element
                entries["Contents"] = pdfdoc.PDFString(link.description or titles.get(link.value, str(link.value)))
                entries["StructParent"] = key
                name = f"Link{key}"
                annot_ref = rl_doc.Reference(pdfdoc.PDFDictionary(entries), name)
                annots.setdefault(link.page, []).append(annot_ref)
                link.elem.kids.append(("annot", name, link.page))
                annot_parents.append(link.elem)
        # A Link element whose annotation could not be made (its target was never drawn) would
        # be a Link without a link: its text stays, as the Span (or contents Reference) it is.
        for e in self._all_elems():
            if e.type == "Link" and not any(isinstance(k, tuple) and k[0] == "annot" for k in e.kids):
                e.type = "Reference" if e.parent is not None and e.parent.type == "TOCI" else "Span"
        # The tree is in the sources' order: a figure floated to the next page, or a note set at
        # a page's foot, is read where the article has it, whatever the order of the pages.
        for art in self._articles.values():
            art.kids.sort(key=lambda k: k.order if isinstance(k, Elem) else (-(1 << 30), 0))
        self._split_across_pages()
        # Name the elements (pre-order), then write them.
        order: list[Elem] = []
        stack = [self.root]
        while stack:
            e = stack.pop()
            e.name = f"SE{len(order) + 1}"
            order.append(e)
            stack.extend(reversed([k for k in e.kids if isinstance(k, Elem)]))
        for e in order:
            rl_doc.Reference(_StructElem(e), e.name)
        # Written: the parent links go, so that the tree (each kid → its parent → its kids) is no
        # reference cycle left to the cycle collector, paused for the build (`publish.build`).
        for e in order:
            e.parent = None
        nums: list[Any] = []
        for i, owners in enumerate(self.mcids):
            if owners:
                pages[i].StructParents = i
                nums += [i, _OwnerArray([e.name for e in owners])]
        for n, e in enumerate(annot_parents):
            nums += [len(pages) + n, ref(e.name)]
        for i, refs in annots.items():
            pages[i].Annots = pdfdoc.PDFArray(refs)
            pages[i].Tabs = pdfdoc.PDFName("S")  # PDF/UA-1 §7.18.3: tab order = structure order
        parent_tree = rl_doc.Reference(pdfdoc.PDFDictionary({"Nums": pdfdoc.PDFArray(nums)}), "ParentTree")
        tree_root = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("StructTreeRoot"),
            "K": ref(self.root.name),
            "ParentTree": parent_tree,
            "ParentTreeNextKey": len(pages) + len(annot_parents),
        })
        catalog = rl_doc.Catalog
        catalog.StructTreeRoot = rl_doc.Reference(tree_root, "StructTreeRoot")
        catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": _PdfTrue()})
        catalog.ViewerPreferences = pdfdoc.PDFDictionary({"DisplayDocTitle": _PdfTrue()})

    def _destination(self, link: _Link, page_ref: list[Any], titles: dict[str, str]) -> dict[str, Any] | None:
        """The annotation's /Dest (an article's first page, fitted; a note or a reference: the
        place, at its top left) or /A (a web address's URI action); None if it leads nowhere."""
        name = pdfdoc.PDFName
        if link.kind == "uri":
            return {"A": pdfdoc.PDFDictionary({"S": name("URI"), "URI": pdfdoc.PDFString(str(link.value))})}
        if link.kind == "article":
            page = self.first_page.get(link.value)
            if page is None:
                return None
            if not link.description:
                link.description = titles.get(link.value, link.value)
            return {"Dest": pdfdoc.PDFArray([page_ref[page], name("Fit")])}
        place = (self._note_at if link.kind == "note" else self._ref_at).get(link.value)
        if place is None:
            return None
        page, x, top = place
        return {"Dest": pdfdoc.PDFArray([page_ref[page], name("XYZ"), float(num(x)), float(num(top)),
                                         0])}  # zoom 0: unchanged (§12.3.2.2)

    def _all_elems(self) -> list[Elem]:
        out: list[Elem] = []
        stack = [self.root]
        while stack:
            e = stack.pop()
            out.append(e)
            stack.extend(k for k in e.kids if isinstance(k, Elem))
        return out

    def _split_across_pages(self) -> None:
        """An element whose lines are on several pages (a paragraph continued overleaf) gets one
        `Span` child per page holding that page's MCIDs, instead of MCR dictionaries; an element
        whose text is interrupted by a child element (a note mark's `Reference`, a `Link`) gets
        its text before and after the child as `Span`s, so that its kids are all elements, in order.

        Both are valid (ISO 32000-1 §14.7.4); the spans keep the tree readable by tools that take
        every MCID of an element to be on the element's `/Pg` and read an element's own MCIDs
        before its children (pdfplumber's `PDFStructTree` does both), and a `Span` inside a `P`
        adds no meaning (§14.8.4.4)."""
        stack = [self.root]
        while stack:
            e = stack.pop()
            stack.extend(k for k in e.kids if isinstance(k, Elem))
            own = [isinstance(k, tuple) and isinstance(k[0], int) for k in e.kids]
            if not any(own):
                continue
            # a child (an element, an annotation) before some of the element's own text
            first_child = own.index(False) if False in own else len(own)
            interrupted = any(own[first_child:])
            if len({k[0] for k, o in zip(e.kids, own, strict=True) if o}) < 2 and not interrupted:
                continue
            kids: list[Any] = []
            for k in e.kids:
                if not (isinstance(k, tuple) and isinstance(k[0], int)):
                    kids.append(k)
                    continue
                page, mcid = k
                last = kids[-1] if kids else None
                if not (isinstance(last, Elem) and last.type == "Span" and last.parent is e
                        and last.kids[-1][0] == page and last in self._spans):
                    last = Elem("Span", parent=e)
                    self._spans.add(last)
                    kids.append(last)
                last.kids.append((page, mcid))
                self.mcids[page][mcid] = last
            e.kids = kids

class _StructElem(pdfdoc.PDFObject):
    """A structure element's dictionary (`Elem` → /StructElem, ISO 32000-1 §14.7.2, Table 323),
    written straight to its bytes: exactly those ReportLab (and `fastformat`) write for the
    `PDFDictionary` that `plain` makes, without making it. Each element of the tree (~700 a PDF
    for the example issue) was a dictionary of names, references and arrays made only to be
    formatted once. Made when the tree is named (its parent's and kids' names are final then)."""

    def __init__(self, e: Elem) -> None:
        self.elem = e
        self.parent = e.parent.name if e.parent is not None else "StructTreeRoot"

    def _first_page(self) -> int | None:
        return next((k[0] for k in self.elem.kids if isinstance(k, tuple) and k[0] != "annot"), None)

    def _attributes(self) -> pdfdoc.PDFDictionary | None:
        """/A: a table header cell's scope, replaced by a figure's layout box when it has one."""
        e = self.elem
        a = None
        if e.scope:
            a = pdfdoc.PDFDictionary({"O": pdfdoc.PDFName("Table"), "Scope": pdfdoc.PDFName(e.scope)})
        if e.type == "Figure" and e.bbox is not None:
            a = pdfdoc.PDFDictionary({"O": pdfdoc.PDFName("Layout"),
                                      "BBox": pdfdoc.PDFArray([float(num(v)) for v in e.bbox])})
        return a

    def plain(self) -> pdfdoc.PDFDictionary:
        """The element as ReportLab's dictionary (what `format` writes the bytes of)."""
        e, ref = self.elem, pdfdoc.PDFObjectReference
        d: dict[str, Any] = {"Type": pdfdoc.PDFName("StructElem"), "S": pdfdoc.PDFName(e.type),
                             "P": ref(self.parent)}
        first_page = self._first_page()
        if first_page is not None:
            d["Pg"] = ref(_page_name(first_page))
        kids: list[Any] = []
        for k in e.kids:
            if isinstance(k, Elem):
                kids.append(ref(k.name))
            elif k[0] == "annot":
                kids.append(pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("OBJR"), "Obj": ref(k[1]),
                                                  "Pg": ref(_page_name(k[2]))}))
            elif k[0] == first_page:
                kids.append(k[1])
            else:
                kids.append(pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("MCR"), "Pg": ref(_page_name(k[0])),
                                                  "MCID": k[1]}))
        d["K"] = pdfdoc.PDFArray(kids) if len(kids) != 1 else kids[0]
        if e.title:
            d["T"] = pdfdoc.PDFString(e.title)
        if e.id:
            d["ID"] = pdfdoc.PDFString(e.id)
        if e.type == "Figure":
            d["Alt"] = pdfdoc.PDFString(e.alt or "插图")
        a = self._attributes()
        if a is not None:
            d["A"] = a
        return pdfdoc.PDFDictionary(d)

    def format(self, document: Any) -> bytes:
        if not fastformat.usable() or rl_config.pdfMultiLine:
            # ReportLab adds comments, or writes an entry a line: its own formatting, then
            return pdfdoc.format(self.plain(), document, toplevel=1)
        e = self.elem
        numbers = document.idToObjectNumberAndVersion
        first_page = self._first_page()
        kids: list[bytes] = []
        append = kids.append
        for k in e.kids:
            if type(k) is tuple:
                page = k[0]
                if page == first_page:  # (most kids: marked content on the element's first page)
                    append(b"%d" % k[1])
                elif page == "annot":
                    append(b"<<\n/Obj %d %d R /Pg %d %d R /Type /OBJR\n>>"
                           % (*numbers[k[1]], *numbers[_page_name(k[2])]))
                else:
                    append(b"<<\n/MCID %d /Pg %d %d R /Type /MCR\n>>" % (k[1], *numbers[_page_name(page)]))
            elif isinstance(k, Elem):
                append(b"%d %d R" % numbers[k.name])
            else:  # pragma: no cover - a kid is an element, an MCID (page, mcid) or an annotation
                raise TypeError(f"a structure element's kid: {k!r}")
        if len(kids) == 1:
            k_value = kids[0]
        else:  # an array: a line break after every ten elements, as `PDFArray.format` writes it
            for i in reversed(range(10, len(kids), 10)):
                kids.insert(i, b"\n ")
            k_value = b"[ " + b" ".join(kids) + b" ]"
        # the keys in sorted order, as a dictionary is written: A Alt ID K P Pg S T Type
        items: list[bytes] = []
        a = self._attributes()
        if a is not None:
            items.append(b"/A " + fastformat.value(a, document))
        if e.type == "Figure":
            items.append(b"/Alt " + pdfdoc.format(pdfdoc.PDFString(e.alt or "插图"), document))
        if e.id:
            items.append(b"/ID " + pdfdoc.format(pdfdoc.PDFString(e.id), document))
        items.append(b"/K " + k_value)
        items.append(b"/P %d %d R" % numbers[self.parent])
        if first_page is not None:
            items.append(b"/Pg %d %d R" % numbers[_page_name(first_page)])
        items.append(b"/S " + _type_name(e.type))
        if e.title:
            items.append(b"/T " + pdfdoc.format(pdfdoc.PDFString(e.title), document))
        items.append(b"/Type /StructElem")
        for i in reversed(range(6, len(items), 6)):  # a line break after every six entries
            items.insert(i, b"\n ")
        return b"<<\n" + b" ".join(items) + b"\n>>"


class _OwnerArray(pdfdoc.PDFObject):
    """A page's entry in the parent tree: the structure elements owning its marked-content ids, in
    MCID order, as the array of references `PDFArray([PDFObjectReference(name), …])` writes —
    formatted straight from the elements' names (a page of the example issue has ~70: ~3,900
    reference objects a PDF, each made and then formatted through a generic dispatch)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        numbers = document.idToObjectNumberAndVersion
        items = [b"%d %d R" % numbers[name] for name in self.names]
        if rl_config.pdfMultiLine:  # (a PDFArray is multi-line: then one element a line)
            return b"[ " + IND.join(items) + b" ]"
        for i in reversed(range(10, len(items), 10)):  # a line break after every ten elements
            items.insert(i, b"\n ")
        return b"[ " + b" ".join(items) + b" ]"


def _page_name(index: int) -> str:
    """ReportLab's name of the page object at `index` (its `PDFObjectReference`)."""
    return f"Page{index + 1}"


_TYPE_NAMES: dict[str, bytes] = {}


def _type_name(kind: str) -> bytes:
    """A structure type as a PDF name's bytes (`/P`), as ReportLab formats `PDFName(kind)`."""
    b = _TYPE_NAMES.get(kind)
    if b is None:
        b = _TYPE_NAMES[kind] = pdfdoc.PDFName(kind).encode("extpdfdoc")
    return b


def _glyph_range(line: TextLine, start: int, end: int) -> TextLine:
    """Glyphs `start` to `end` of the line, as a line at the same place."""
    chars, xs, widths, faces = (tuple(c) for c in columns(line.glyphs, "chars", "xs", "widths", "faces"))
    part = PlacedRun(chars[start:end], xs[start:end], widths[start:end], faces[start:end])
    return dataclasses.replace(line, glyphs=part)


class _PdfTrue(pdfdoc.PDFObject):
    def format(self, document: Any) -> bytes:
        return b"true"
