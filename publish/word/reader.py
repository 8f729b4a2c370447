"""A .docx → what Word holds, in reading order, with the formatting the office's conventions need.

In: a python-docx `Document` (see `opening.open_docx`) and the path to name in messages. Out: a
`Manuscript`: body items (`Para`, `Grid` for tables) in order, footnotes and endnotes by id, the
pictures' bytes, and everything not carried over (comments, tracked changes, text boxes, shapes,
embedded objects, fields' codes) with where it was.

Why python-docx plus its XML: it opens the package, the styles and the related parts (pictures,
notes), while the formatting the conventions rest on — alignment, font size, bold, the East Asian
font — is resolved here along Word's own chain (direct formatting → character style → paragraph
style and its `basedOn` ancestors → document defaults). See docs/word-intake.md for the measurement
of mammoth, docx2python and python-docx.

Text is kept as typed — line breaks (`\n`), U+3000 and NBSP stay in the runs — except a tab, which
becomes U+3000 (no font has a glyph for it; the layout has no tab stops) and is listed in `tabs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _ns(element: Any) -> str:
    return etree.QName(element).namespace or "" if isinstance(element.tag, str) else ""


HAN = re.compile(
    "[\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f]"
)


def han(text: str) -> int:
    """How many Han characters (CJK ideographs, 〇, 々) `text` holds."""
    return len(HAN.findall(text))


# ── what the reader hands on ───────────────────────────────────────────────────────────────────
@dataclass
class Span:
    """A run of text with the formatting that matters here. `note` is set for a note reference
    (`("footnote" | "endnote", id)`, no text); `image` for a picture (its relationship id)."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points
    font: str = ""  # East Asian font name as given
    note: tuple[str, str] | None = None
    image: str | None = None
    alt: str = ""
    link: str = ""  # a hyperlink's web address (http, https, mailto), for the article's `[text](address)`


@dataclass
class Para:
    """One Word paragraph. `where` is how a person finds it: `paragraph 12` (1-based, body order)."""

    spans: list[Span]
    style: str = ""  # the style's name (e.g. "Heading 1", "标题 1", "Title", "Caption")
    align: str = ""  # "left", "center", "right", "both" or "" (not set)
    outline: int | None = None  # w:outlineLvl (0 = level 1)
    label: str = ""  # the number Word prints before it (auto-numbering), "" if none
    bullet: bool = False
    where: str = ""
    index: int = 0

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def images(self) -> list[Span]:
        return [s for s in self.spans if s.image]

    def visible(self) -> list[Span]:
        return [s for s in self.spans if s.text.strip()]

    @property
    def size(self) -> float | None:
        sizes = [s.size for s in self.visible() if s.size]
        return max(sizes) if sizes else None

    @property
    def bold(self) -> bool:
        spans = [s for s in self.visible() if HAN.search(s.text) or s.text.strip()]
        return bool(spans) and all(s.bold for s in spans)

    @property
    def fonts(self) -> set[str]:
        return {s.font for s in self.visible() if s.font}


@dataclass
class Grid:
    """A table: rows of cells, each cell a list of paragraphs. `header` rows repeat on each page in
    Word (w:tblHeader) — the table's header in the article."""

    rows: list[list[list[Para]]]
    header_rows: int = 0
    where: str = ""
    index: int = 0
    nested: int = 0  # tables inside cells (their text is kept in the cell)


Item = Para | Grid


@dataclass
class Omission:
    """Something in the file not carried over: what, where, and its text (if any)."""

    what: str
    where: str
    text: str = ""

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "where": self.where, "text": self.text}


@dataclass
class Picture:
    data: bytes
    name: str  # the part's file name inside the package, e.g. image1.png


@dataclass
class Manuscript:
    path: Path
    items: list[Item] = field(default_factory=list)
    notes: dict[tuple[str, str], list[Para]] = field(default_factory=dict)
    pictures: dict[str, Picture] = field(default_factory=dict)
    omitted: list[Omission] = field(default_factory=list)
    changes: list[Omission] = field(default_factory=list)  # tracked changes (the add refuses them)
    tabs: list[str] = field(default_factory=list)  # where a tab was set as U+3000
    category: str = ""  # docProps/core.xml cp:category (a section name, if the office sets it)

    def paragraphs(self) -> list[Para]:
        return [i for i in self.items if isinstance(i, Para)]


# ── styles: Word's inheritance chain ───────────────────────────────────────────────────────────
def _on(element: Any | None) -> bool | None:
    if element is None:
        return None
    value = element.get(w("val"))
    return value not in ("0", "false", "off", "none")


class Styles:
    """Effective paragraph and run properties, resolved along Word's chain."""

    def __init__(self, document: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_para: str | None = None
        self.default_char: str | None = None
        self.doc_ppr: Any = None
        self.doc_rpr: Any = None
        try:
            root = document.part.styles.element
        except Exception:  # no styles part: Word's defaults
            root = None
        if root is None:
            return
        for style in root.iter(w("style")):
            sid = style.get(w("styleId"))
            if sid is None:
                continue
            self.by_id[sid] = style
            if _on(style) is not False and style.get(w("default")) in ("1", "true", "on"):
                if style.get(w("type")) == "paragraph":
                    self.default_para = sid
                elif style.get(w("type")) == "character":
                    self.default_char = sid
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.doc_ppr = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")
            self.doc_rpr = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")

    def name(self, sid: str | None) -> str:
        style = self.by_id.get(sid or "")
        if style is None:
            return sid or ""
        name = style.find(w("name"))
        return (name.get(w("val")) if name is not None else None) or sid or ""

    def chain(self, sid: str | None) -> list[Any]:
        """The style and its ancestors (`basedOn`), nearest first; loops are cut."""
        out: list[Any] = []
        seen: set[str] = set()
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            style = self.by_id[sid]
            out.append(style)
            based = style.find(w("basedOn"))
            sid = based.get(w("val")) if based is not None else None
        return out

    def para_chain(self, ppr: Any | None) -> list[Any]:
        """pPr elements to look in, nearest first: direct, the paragraph style chain, defaults."""
        sid = None
        if ppr is not None:
            pstyle = ppr.find(w("pStyle"))
            sid = pstyle.get(w("val")) if pstyle is not None else None
        if sid is None:
            sid = self.default_para
        out = [ppr] if ppr is not None else []
        out += [s.find(w("pPr")) for s in self.chain(sid)]
        out.append(self.doc_ppr)
        return [p for p in out if p is not None]

    def para_style(self, ppr: Any | None) -> str | None:
        if ppr is not None:
            pstyle = ppr.find(w("pStyle"))
            if pstyle is not None:
                return pstyle.get(w("val"))
        return self.default_para

    def run_chain(self, rpr: Any | None, para_style: str | None) -> list[Any]:
        """rPr elements to look in, nearest first: direct, character style chain, paragraph style
        chain, document defaults."""
        out = [rpr] if rpr is not None else []
        if rpr is not None:
            rstyle = rpr.find(w("rStyle"))
            if rstyle is not None:
                out += [s.find(w("rPr")) for s in self.chain(rstyle.get(w("val")))]
        out += [s.find(w("rPr")) for s in self.chain(para_style)]
        out.append(self.doc_rpr)
        return [r for r in out if r is not None]


def _first(chain: list[Any], tag: str) -> Any | None:
    for props in chain:
        found = props.find(w(tag))
        if found is not None:
            return found
    return None


# ── numbering: the label Word prints before an auto-numbered paragraph ──────────────────────────
_CHINESE_DIGITS = "〇一二三四五六七八九"


def _chinese(number: int) -> str:
    if number <= 0:
        return str(number)
    if number < 10:
        return _CHINESE_DIGITS[number]
    if number < 20:
        return "十" + (_CHINESE_DIGITS[number - 10] if number > 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return _CHINESE_DIGITS[tens] + "十" + (_CHINESE_DIGITS[ones] if ones else "")
    return str(number)


def _roman(number: int) -> str:
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
              (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def format_number(number: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital"):
        return _chinese(number)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(number))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x245F + number) if 1 <= number <= 20 else str(number)
    if fmt == "lowerLetter":
        return chr(ord("a") + (number - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (number - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(number)
    if fmt == "upperRoman":
        return _roman(number).upper()
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


class Numbering:
    """Counts auto-numbered paragraphs as Word does and makes their printed labels."""

    def __init__(self, document: Any) -> None:
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (abstract, ilvl) → fmt, text, start
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part
            return
        for abstract in root.iter(w("abstractNum")):
            aid = abstract.get(w("abstractNumId")) or ""
            for lvl in abstract.iter(w("lvl")):
                ilvl = int(lvl.get(w("ilvl")) or 0)
                fmt = lvl.find(w("numFmt"))
                text = lvl.find(w("lvlText"))
                start = lvl.find(w("start"))
                self.levels[(aid, ilvl)] = (
                    (fmt.get(w("val")) if fmt is not None else "decimal") or "decimal",
                    (text.get(w("val")) if text is not None else "") or "",
                    int(start.get(w("val")) or 1) if start is not None else 1,
                )
        for num in root.iter(w("num")):
            nid = num.get(w("numId")) or ""
            ref = num.find(w("abstractNumId"))
            overrides: dict[int, int] = {}
            for override in num.iter(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None:
                    overrides[int(override.get(w("ilvl")) or 0)] = int(start.get(w("val")) or 1)
            self.nums[nid] = ((ref.get(w("val")) if ref is not None else "") or "", overrides)

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool]:
        """(printed label, is a bullet) of the next paragraph numbered `num_id` at level `ilvl`."""
        if num_id not in self.nums:
            return "", False
        abstract, overrides = self.nums[num_id]
        counters = self.counters.setdefault(num_id, {})
        fmt, text, start = self.levels.get((abstract, ilvl), ("decimal", f"%{ilvl + 1}.", 1))
        start = overrides.get(ilvl, start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return text, True
        if fmt == "none":
            return "", False

        def level_value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            lfmt, _t, lstart = self.levels.get((abstract, level), ("decimal", "", 1))
            return format_number(counters.get(level, overrides.get(level, lstart)), lfmt)

        return re.sub(r"%([1-9])", level_value, text), False


# ── the reader ─────────────────────────────────────────────────────────────────────────────────
class Reader:
    def __init__(self, document: Any, path: Path) -> None:
        self.document = document
        self.path = path
        self.styles = Styles(document)
        self.numbering = Numbering(document)
        self.out = Manuscript(path)
        self.count = 0  # body paragraphs seen, for `where`
        self.comment_places: dict[str, str] = {}
        self.tables = 0
        self.part = document.part  # the part being read: its relationships name hyperlinks' addresses

    # where things are, in words an editor can follow in Word
    def here(self) -> str:
        return f"paragraph {self.count}"

    def read(self) -> Manuscript:
        body = self.document.element.body
        self.out.items = self.block_children(body, top=True)
        for kind in ("footnote", "endnote"):
            self.read_notes(kind)
        self.read_comments()
        self.read_headers()
        self.read_category()
        return self.out

    def read_headers(self) -> None:
        """Page headers and footers are the layout's: their text is listed, not carried over."""
        seen: set[int] = set()
        for rel in self.document.part.rels.values():
            kind = rel.reltype.rsplit("/", 1)[-1]
            if kind not in ("header", "footer") or rel.is_external or id(rel.target_part) in seen:
                continue
            seen.add(id(rel.target_part))
            try:
                root = etree.fromstring(rel.target_part.blob)
            except etree.XMLSyntaxError:
                continue
            text = "".join(self.plain(p) for p in root.iter(w("p"))).strip()
            if text:
                self.out.omitted.append(Omission(f"page {kind}", f"the {kind} of the page", text))

    def block_children(self, parent: Any, top: bool) -> list[Item]:
        items: list[Item] = []
        for child in parent:
            name = _local(child)
            if _ns(child) == NS["mc"] and name == "AlternateContent":
                choice = child.find("mc:Choice", NS)
                items += self.block_children(choice if choice is not None else child, top)
            elif _ns(child) != W:
                continue
            elif name == "p":
                self.count += 1
                items.append(self.paragraph(child))
            elif name == "tbl":
                self.tables += 1
                items.append(self.table(child))
            elif name in ("sdt",):
                content = child.find(w("sdtContent"))
                if content is not None:
                    items += self.block_children(content, top)
            elif name in ("customXml", "ins", "moveTo"):
                if name != "customXml":
                    self.out.changes.append(Omission("tracked insertion", self.here()))
                items += self.block_children(child, top)
            elif name in ("del", "moveFrom"):
                self.out.changes.append(Omission("tracked deletion", self.here(), self.plain(child)))
        return items

    def plain(self, element: Any) -> str:
        parts = []
        for node in element.iter(w("t"), w("delText"), w("tab"), w("br"), w("instrText")):
            name = _local(node)
            if name in ("t", "delText"):
                parts.append(node.text or "")
            elif name == "tab":
                parts.append("\t")
            elif name == "br":
                parts.append("\n")
        return "".join(parts)

    # paragraphs
    def paragraph(self, p: Any, where: str | None = None) -> Para:
        ppr = p.find(w("pPr"))
        chain = self.styles.para_chain(ppr)
        sid = self.styles.para_style(ppr)
        jc = _first(chain, "jc")
        align = (jc.get(w("val")) if jc is not None else "") or ""
        align = {"start": "left", "end": "right", "distribute": "both", "centre": "center"}.get(align, align)
        outline_el = _first(chain, "outlineLvl")
        outline = int(outline_el.get(w("val")) or 9) if outline_el is not None else None
        para = Para([], style=self.styles.name(sid), align=align, outline=outline,
                    where=where or self.here(), index=self.count)
        numpr = _first(chain, "numPr")
        if numpr is not None:
            nid = numpr.find(w("numId"))
            ilvl = numpr.find(w("ilvl"))
            num_id = nid.get(w("val")) if nid is not None else None
            if num_id and num_id != "0":
                para.label, para.bullet = self.numbering.label(num_id, int(ilvl.get(w("val")) or 0) if ilvl is not None else 0)
        if ppr is not None and ppr.find(f"{w('rPr')}/{w('ins')}") is not None:
            self.out.changes.append(Omission("tracked insertion (paragraph mark)", para.where))
        if ppr is not None and ppr.find(w("pPrChange")) is not None:
            self.out.changes.append(Omission("tracked formatting change", para.where))
        state: dict[str, list[str]] = {"fields": []}
        self.inline(p, para, sid, state)
        return para

    def inline(self, parent: Any, para: Para, sid: str | None, state: dict[str, list[str]]) -> None:
        for child in parent:
            name = _local(child)
            ns = _ns(child)
            if ns == NS["mc"] and name == "AlternateContent":
                choice = child.find("mc:Choice", NS)
                self.inline(choice if choice is not None else child, para, sid, state)
            elif ns != W:
                continue
            elif name == "r":
                self.run(child, para, sid, state)
            elif name == "hyperlink":
                outer = state.get("link", [])
                address = self.hyperlink(child, para)
                state["link"] = [address] if address else []
                self.inline(child, para, sid, state)
                state["link"] = outer
            elif name in ("smartTag", "customXml", "fldSimple", "dir", "bdo"):
                self.inline(child, para, sid, state)
            elif name == "sdt":
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.inline(content, para, sid, state)
            elif name in ("ins", "moveTo"):
                self.out.changes.append(Omission("tracked insertion", para.where, self.plain(child)))
                self.inline(child, para, sid, state)
            elif name in ("del", "moveFrom"):
                self.out.changes.append(Omission("tracked deletion", para.where, self.plain(child)))
            elif name == "commentRangeStart":
                self.comment_places.setdefault(child.get(w("id")) or "", para.where)
            elif name == "oMath" or name == "oMathPara":
                self.out.omitted.append(Omission("equation", para.where))

    def run(self, r: Any, para: Para, sid: str | None, state: dict[str, list[str]]) -> None:
        rpr = r.find(w("rPr"))
        chain = self.styles.run_chain(rpr, sid)
        if rpr is not None and rpr.find(w("rPrChange")) is not None:
            self.out.changes.append(Omission("tracked formatting change", para.where, self.plain(r)))
        vanish = _on(_first(chain, "vanish"))
        size_el = _first(chain, "sz")
        size: float | None = 10.0  # Word's size when no style or default gives one (ECMA-376 §17.3.2.38)
        if size_el is not None:
            try:
                size = int(size_el.get(w("val")) or 0) / 2 or size
            except ValueError:
                pass
        fonts = _first(chain, "rFonts")
        font = ""
        if fonts is not None:
            font = fonts.get(w("eastAsia")) or fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or ""
        style = {
            "bold": bool(_on(_first(chain, "b"))),
            "italic": bool(_on(_first(chain, "i"))),
            "size": size,
            "font": font,
        }

        def add(text: str) -> None:
            if "code" in state["fields"]:
                return  # inside a field's code (between begin and separate): not printed
            if vanish:
                if text.strip():
                    self.out.omitted.append(Omission("hidden text", para.where, text))
                return
            link = state.get("link")
            para.spans.append(Span(text, **style, link=link[0] if link else ""))  # type: ignore[arg-type]

        for node in r:
            name = _local(node)
            ns = _ns(node)
            if ns == NS["mc"] and name == "AlternateContent":
                choice = node.find("mc:Choice", NS)
                self.graphic(choice if choice is not None else node, para)
                continue
            if ns != W:
                continue
            if name == "t":
                text = node.text or ""
                if "\t" in text:
                    self.out.tabs.append(para.where)
                add(text.replace("\t", "\u3000"))
            elif name == "tab" or name == "ptab":
                # The layout has no tab stops and the fonts no glyph for U+0009: an em space (U+3000)
                # is the nearest thing that prints. Reported (Manuscript.tabs).
                self.out.tabs.append(para.where)
                add("\u3000")
            elif name == "br":
                kind = node.get(w("type"))
                if kind in ("page", "column"):
                    continue  # a page or column break: the layout paginates itself
                add("\n")
            elif name == "cr":
                add("\n")
            elif name == "noBreakHyphen":
                add("\u2011")
            elif name == "softHyphen":
                continue
            elif name == "sym":
                char = node.get(w("char")) or ""
                symfont = node.get(w("font")) or ""
                try:
                    code = int(char, 16)
                except ValueError:
                    continue
                if 0xF000 <= code <= 0xF0FF:  # a symbol font's private-use code: no Unicode meaning
                    self.out.omitted.append(Omission(f"symbol U+{code:04X} in font {symfont}", para.where))
                else:
                    add(chr(code))
            elif name == "delText":
                self.out.changes.append(Omission("tracked deletion", para.where, node.text or ""))
            elif name == "instrText":
                continue
            elif name == "fldChar":
                kind = node.get(w("fldCharType"))
                fields = state["fields"]
                if kind == "begin":
                    fields.append("code")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
            elif name in ("footnoteReference", "endnoteReference"):
                kind = "footnote" if name == "footnoteReference" else "endnote"
                para.spans.append(Span(note=(kind, node.get(w("id")) or "")))
            elif name == "commentReference":
                # comments are listed from the comments part, with this paragraph as their place
                self.comment_places.setdefault(node.get(w("id")) or "", para.where)
            elif name in ("drawing", "pict"):
                self.graphic(node, para)
            elif name == "object":
                self.out.omitted.append(Omission("embedded object", para.where))
            elif name in ("footnoteRef", "endnoteRef", "separator", "continuationSeparator", "lastRenderedPageBreak",
                          "annotationRef", "rPr"):
                continue

    def graphic(self, node: Any, para: Para) -> None:
        """A DrawingML or VML graphic: a picture is kept; a text box, shape or chart is listed."""
        for box in node.iter(w("txbxContent")):
            text = "".join(self.plain(p) for p in box.iter(w("p")))
            self.out.omitted.append(Omission("text box", para.where, text))
            break
        else:
            blips = node.findall(".//a:blip", NS)
            images = node.findall(".//v:imagedata", NS)
            rid = None
            if blips:
                rid = blips[0].get(f"{{{R}}}embed") or blips[0].get(f"{{{R}}}link")
            elif images:
                rid = images[0].get(f"{{{R}}}id")
            if rid is None:
                uri = node.find(".//a:graphicData", NS)
                kind = (uri.get("uri") or "").rsplit("/", 1)[-1] if uri is not None else ""
                what = {"chart": "chart", "diagram": "SmartArt diagram"}.get(kind, "shape")
                self.out.omitted.append(Omission(what, para.where))
                return
            alt = ""
            docpr = node.find(".//wp:docPr", NS)
            if docpr is not None:
                alt = docpr.get("descr") or docpr.get("title") or ""
            if rid not in self.out.pictures:
                try:
                    part = self.document.part.related_parts[rid]
                except KeyError:
                    self.out.omitted.append(Omission("linked picture (not inside the file)", para.where))
                    return
                self.out.pictures[rid] = Picture(part.blob, Path(str(part.partname)).name)
            para.spans.append(Span(image=rid, alt=alt))

    # tables
    def table(self, tbl: Any) -> Grid:
        grid = Grid([], where=f"table {self.tables} (after paragraph {self.count})", index=self.count)
        for tr in tbl.iter(w("tr")):
            if tr.getparent() is not tbl and _local(tr.getparent()) not in ("sdtContent", "customXml"):
                continue
            trpr = tr.find(w("trPr"))
            header = trpr is not None and _on(trpr.find(w("tblHeader"))) is True
            if header and len(grid.rows) == grid.header_rows:
                grid.header_rows += 1
            row: list[list[Para]] = []
            for tc in tr.iter(w("tc")):
                if tc.getparent() is not tr and _local(tc.getparent()) not in ("sdtContent", "customXml"):
                    continue
                tcpr = tc.find(w("tcPr"))
                span = 1
                merged = False
                if tcpr is not None:
                    gs = tcpr.find(w("gridSpan"))
                    if gs is not None:
                        span = max(1, int(gs.get(w("val")) or 1))
                    vm = tcpr.find(w("vMerge"))
                    merged = vm is not None and (vm.get(w("val")) or "continue") == "continue"
                cell: list[Para] = []
                if not merged:
                    for index, p in enumerate(tc.iter(w("p")), start=1):
                        parent = p.getparent()
                        if _local(parent) == "txbxContent":
                            continue
                        if parent is not tc:
                            grid.nested += 1 if _local(parent) == "tc" else 0
                        cell.append(self.paragraph(p, where=f"{grid.where}, row {len(grid.rows) + 1}, paragraph {index}"))
                row.append(cell)
                for _ in range(span - 1):
                    row.append([])
            grid.rows.append(row)
        width = max((len(r) for r in grid.rows), default=0)
        for row in grid.rows:
            row += [[] for _ in range(width - len(row))]
        return grid

    # notes, comments, properties
    def read_notes(self, kind: str) -> None:
        part = self.related(kind + "s")
        if part is None:
            return
        root = etree.fromstring(part.blob)
        notes = [n for n in root.iter(w(kind))
                 if n.get(w("type")) not in ("separator", "continuationSeparator", "continuationNotice")]
        self.part = part
        for index, note in enumerate(notes, start=1):
            nid = note.get(w("id")) or ""
            paras = [self.paragraph(p, where=f"{kind} {index}") for p in note.iter(w("p"))]
            self.out.notes[(kind, nid)] = paras
        self.part = self.document.part

    def read_comments(self) -> None:
        part = self.related("comments")
        if part is None:
            return
        root = etree.fromstring(part.blob)
        places = self.comment_places
        for comment in root.iter(w("comment")):
            cid = comment.get(w("id")) or ""
            author = comment.get(w("author")) or ""
            text = "".join(self.plain(p) for p in comment.iter(w("p")))
            where = places.get(cid, "the document")
            self.out.omitted.append(Omission(f"comment by {author}" if author else "comment", where, text))

    def hyperlink(self, element: Any, para: Para) -> str:
        """A hyperlink's web address, or "" — a link inside the document (a bookmark) or to a file
        or another kind of address has no place in an article: its text is kept, the link listed."""
        rid = element.get(f"{{{NS['r']}}}id")
        rel = self.part.rels.get(rid) if rid else None
        address = str(getattr(rel, "target_ref", "") or "") if rel is not None and rel.is_external else ""
        if address:
            from publish.links import LinkError, resolve

            try:
                if resolve(address, ()).kind == "uri":
                    return address
            except LinkError:
                pass
        where = address or element.get(w("anchor")) or "a place in the document"
        self.out.omitted.append(Omission(f"hyperlink to {where}", para.where, self.plain(element)))
        return ""

    def related(self, what: str) -> Any | None:
        for rel in self.document.part.rels.values():
            if rel.reltype == _RT + what and not rel.is_external:
                return rel.target_part
        return None

    def read_category(self) -> None:
        try:
            self.out.category = (self.document.core_properties.category or "").strip()
        except Exception:  # a damaged core properties part holds nothing we need
            self.out.category = ""


def read_manuscript(document: Any, path: Path) -> Manuscript:
    """Everything Word holds in `document`, in reading order (see the module docstring)."""
    return Reader(document, path).read()
