"""A ReportLab font that embeds a subset of any TrueType or CFF face as a CID-keyed Type 0 font.

In: a `FaceInfo` and a ReportLab canvas. Out: a font registered with `reportlab.pdfbase.pdfmetrics`
under a name unique to that canvas's document, usable with `canvas.setFont` / text objects; when
the document is saved, a Type 0 font (Identity-H) whose descendant is

* CIDFontType0 with a CIDFontType0C (bare CFF) program for CFF faces — path B, the designer's
  outlines untouched, no conversion (`programs.pdf_cff`); or
* CIDFontType2 with a FontFile2 TrueType program for TrueType faces (`programs.pdf_truetype`),

each subset to exactly the characters drawn, with a /W array from the face's advances and a
/ToUnicode CMap so the text layer extracts as the source characters (U+00A0 and U+0020 stay
distinct even when a font draws them with the same glyph).

How it plugs into ReportLab: the protocol of its own `UnicodeCIDFont` (`_multiByte = 1`,
`_dynamicFont = 0`, `formatForPdf`, `stringWidth`, `addObjects(doc)`). The code of each character
is its Unicode code point (two bytes, Identity-H), so the content stream does not depend on the
subset; characters outside the BMP get codes from the surrogate block (0xD800–0xDFFF), which no
character can use. `addObjects` runs at the first `setFont` and registers an empty font dictionary;
the subset is made lazily, when the document is serialised (`doc.delayedFonts`), from the set of
characters `formatForPdf` saw. The subset tag (`ABCDEF+`) is derived from the program's bytes, so
two different subsets never share a tag and identical sources give identical PDFs.

Speed (a warm build embeds ~2,500 characters in four subsets): the /W array is written as one
preformatted object rather than thousands of ReportLab array objects (the same bytes, see
`width_array`), and the large streams — the program, ToUnicode, CIDToGIDMap — are compressed
through `publish.pdf.flate`, which remembers the result between builds (again the same bytes).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics

from publish.fonts.faceinfo import FaceInfo
from publish.pdf.background import Job
from publish.pdf.flate import CACHED_FLATE, compress_soon

_counter = itertools.count(1)
# Names given back by finished documents, per PostScript name, handed out again (`font_name`).
_free_names: dict[str, list[str]] = {}
_names_lock = threading.Lock()
SURROGATE_FIRST, SURROGATE_LAST = 0xD800, 0xDFFF


def font_name(ps_name: str) -> str:
    """A name for a new font of that face, unique among the documents being made: one a finished
    document gave back, else a new one. (The name never reaches the PDF; ReportLab registers it
    in process-wide tables — its font registry and its family mappings — which therefore stay
    bounded by the number of documents made at once.)"""
    with _names_lock:
        free = _free_names.get(ps_name)
        if free:
            return free.pop()
    return f"publish-{next(_counter)}-{ps_name}"


class _Face:
    """The minimum of ReportLab's TypeFace interface that the canvas consults."""

    builtIn = 0

    def __init__(self, name: str, info: FaceInfo) -> None:
        self.name = name
        self.ascent = info.ascent * 1000 / info.units_per_em
        self.descent = info.descent * 1000 / info.units_per_em


class CIDSubsetFont(pdfmetrics.Font):
    """One face, in one document, embedded as a subset Type 0 font."""

    _multiByte = 1
    _dynamicFont = 0

    def __init__(self, info: FaceInfo, program: str, name: str | None = None) -> None:
        # No call to Font.__init__: it wants an encoding and a Type 1 face.
        self.info = info
        self.program = program  # "cff" (path B), "truetype" (FontFile2; cu2qu for CFF = path A)
        self.fontName = self.name = name or font_name(info.ps_name)
        self.face = _Face(self.fontName, info)
        self.encoding = None
        self.substitutionFonts: list[pdfmetrics.Font] = []
        self.ascent = self.face.ascent
        self.descent = self.face.descent
        self.used: dict[int, str] = {}  # code → character
        self._next_surrogate = SURROGATE_FIRST
        self._code_of_astral: dict[str, int] = {}
        self._scale = 1000.0 / info.units_per_em

    def release(self) -> None:
        """The document using this font is finished: take it out of ReportLab's process-wide font
        registry and let a later document have its name (the registry stays as large as the
        number of documents made at once, however many are made one after another)."""
        if pdfmetrics._fonts.get(self.fontName) is self:
            del pdfmetrics._fonts[self.fontName]
        with _names_lock:
            _free_names.setdefault(self.info.ps_name, []).append(self.fontName)

    # ── text → codes ────────────────────────────────────────────────────────────────────────
    def code(self, char: str) -> int:
        cp = ord(char)
        if cp <= 0xFFFF and not SURROGATE_FIRST <= cp <= SURROGATE_LAST:
            code = cp
        else:
            astral = self._code_of_astral.get(char)
            if astral is not None:
                code = astral
            else:
                if self._next_surrogate > SURROGATE_LAST:
                    raise ValueError("more than 2048 characters outside the BMP in one font")
                code = self._code_of_astral[char] = self._next_surrogate
                self._next_surrogate += 1
        self.used[code] = char
        return code

    def formatForPdf(self, text: str | bytes) -> str:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if len(text) == 1:  # the PDF writer encodes one glyph at a time
            return escapePDF(self.code(text).to_bytes(2, "big"))
        data = b"".join(self.code(ch).to_bytes(2, "big") for ch in text)
        return escapePDF(data)

    def stringWidth(self, text: str | bytes, size: float, encoding: str | None = None) -> float:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        info = self.info
        if len(text) == 1:  # the same number as the sum below: 0 + an advance is that advance
            return size * info.advances[info.cmap.get(ord(text), 0)] / info.units_per_em
        return size * sum(info.advances[info.cmap.get(ord(c), 0)] for c in text) / info.units_per_em

    # ── PDF objects ─────────────────────────────────────────────────────────────────────────
    def addObjects(self, doc) -> None:
        """Called by ReportLab at the first use in `doc`: reserve the font; fill it in at save."""
        internal = "F" + repr(len(doc.fontMapping) + 1)
        type0 = pdfdoc.PDFDictionary()
        ref = doc.Reference(type0, internal)
        doc.idToObject["BasicFonts"].dict[internal] = ref
        doc.fontMapping[self.fontName] = "/" + internal
        doc.delayedFonts.append(_Finisher(self, type0))

    def build(self, doc, type0: pdfdoc.PDFDictionary) -> None:
        info = self.info
        codes = sorted(self.used)
        chars = "".join(self.used[c] for c in codes)
        made = _made(self, codes, chars)
        self.program, data, base = made.program, made.data, made.base
        # Without page compression ReportLab leaves every stream plain (filters=None → its default).
        compress = [_KeptFlate(made, "data")] if doc.compression else None
        if doc.compression:
            made.compress_soon()  # on a worker thread while the next face is subset

        sc = self._scale
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "FontName": pdfdoc.PDFName(base),
                # Flags: 4 = symbolic (glyphs outside the standard Latin set), as for any CJK font.
                "Flags": 4,
                "FontBBox": pdfdoc.PDFArrayCompact([round(v * sc) for v in info.bbox]),
                "ItalicAngle": info.italic_angle,
                "Ascent": round(info.ascent * sc),
                "Descent": round(info.descent * sc),
                "CapHeight": round(info.cap_height * sc),
                "StemV": 80,
            }
        )
        if self.program == "cff":
            stream = pdfdoc.PDFStream(
                pdfdoc.PDFDictionary({"Subtype": "/CIDFontType0C"}), data, filters=compress
            )
            descriptor["FontFile3"] = doc.Reference(stream)
        else:
            stream = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Length1": len(data)}), data, filters=compress)
            descriptor["FontFile2"] = doc.Reference(stream)

        cid_font = pdfdoc.PDFDictionary(
            {
                "Type": "/Font",
                "Subtype": "/CIDFontType0" if self.program == "cff" else "/CIDFontType2",
                "BaseFont": pdfdoc.PDFName(base),
                "CIDSystemInfo": pdfdoc.PDFDictionary(
                    {
                        "Registry": pdfdoc.PDFString("Adobe"),
                        "Ordering": pdfdoc.PDFString("Identity"),
                        "Supplement": 0,
                    }
                ),
                "FontDescriptor": doc.Reference(descriptor),
                "DW": 1000,
                "W": made.widths,
            }
        )
        if made.cid_to_gid is not None:
            cid_font["CIDToGIDMap"] = doc.Reference(
                pdfdoc.PDFStream(pdfdoc.PDFDictionary(), made.cid_to_gid, filters=[_KeptFlate(made, "cid_to_gid")])
            )
        to_unicode = pdfdoc.PDFStream(pdfdoc.PDFDictionary(), made.to_unicode,
                                      filters=[_KeptFlate(made, "to_unicode")] if doc.compression else None)
        type0.dict.update(
            {
                "Type": "/Font",
                "Subtype": "/Type0",
                "BaseFont": pdfdoc.PDFName(base),
                "Encoding": "/Identity-H",
                "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font)]),
                "ToUnicode": doc.Reference(to_unicode),
            }
        )


class _Made:
    """What a subset font's PDF objects are made of: the program kind used ("cff", or "truetype"
    when the CFF subsetter could not read the face), the program's bytes, the subset's name, the
    /W array, the ToUnicode CMap and (path A) the CIDToGIDMap — all the same bytes for the same
    face and characters."""

    __slots__ = ("base", "cid_to_gid", "data", "packed", "program", "soon", "to_unicode", "widths")

    def __init__(self, program: str, data: bytes, base: str, widths: Preformatted, to_unicode: bytes,
                 cid_to_gid: bytes | None) -> None:
        self.program, self.data, self.base = program, data, base
        self.widths, self.to_unicode, self.cid_to_gid = widths, to_unicode, cid_to_gid
        self.packed: dict[str, bytes] = {}  # field → its Flate-compressed bytes, once compressed
        self.soon: dict[str, Job[bytes]] = {}  # field → its compression, started (`compress_soon`)

    def compress_soon(self) -> None:
        """Start compressing the streams not compressed yet (`flate.compress_soon`: the same bytes)."""
        for field in ("data", "to_unicode", "cid_to_gid"):
            value = getattr(self, field)
            if value is not None and field not in self.packed and field not in self.soon:
                self.soon[field] = compress_soon(value)


class _KeptFlate:
    """The Flate filter of one of a `_Made`'s streams: `CACHED_FLATE` (the same /FlateDecode, the
    same bytes) the first time, then the bytes it gave, kept with the subset."""

    pdfname = "FlateDecode"

    def __init__(self, made: _Made, field: str) -> None:
        self.made, self.field = made, field

    def encode(self, text: bytes | str) -> bytes:
        made, field = self.made, self.field
        packed = made.packed.get(field)
        if packed is None or text is not getattr(made, field):
            soon = made.soon.pop(field, None) if text is getattr(made, field) else None
            packed = soon.result() if soon is not None else CACHED_FLATE.encode(text)
            if text is getattr(made, field):
                made.packed[field] = packed
        return packed

    def decode(self, encoded: bytes) -> bytes:
        return CACHED_FLATE.decode(encoded)


# The last subsets made, by face (its `FaceInfo` object), program and characters: a process that
# writes the same issue again (`publish watch`, a Publisher) embeds the very same subsets, and
# making one (program, /W, CMap: ~2 ms for a CJK face) is then skipped. A few entries per face.
_MADE: OrderedDict[tuple, tuple[FaceInfo, _Made]] = OrderedDict()
KEPT_SUBSETS = 16
_made_lock = threading.Lock()


def _made(font: CIDSubsetFont, codes: list[int], chars: str) -> _Made:
    key = (id(font.info), font.program, tuple(codes), chars, bool(rl_config.pdfMultiLine))  # (/W's layout)
    with _made_lock:
        hit = _MADE.get(key)
        if hit is not None and hit[0] is font.info:
            _MADE.move_to_end(key)
            return hit[1]
    made = _make(font, codes)
    with _made_lock:
        _MADE[key] = (font.info, made)  # the entry holds the FaceInfo: its id names no other while kept
        while len(_MADE) > KEPT_SUBSETS:
            _MADE.popitem(last=False)
    return made


def _make(font: CIDSubsetFont, codes: list[int]) -> _Made:
    from publish.fonts import programs

    info, used, program = font.info, font.used, font.program
    chars = "".join(used[c] for c in codes)
    gid_of_code: dict[int, int] | None = None
    if program == "cff":
        from publish.fonts.cffsubset import Unsupported

        try:
            data = programs.pdf_cff(info, {c: used[c] for c in codes})
        except Unsupported:
            program = "truetype"  # path A for what the fast subsetter cannot read
    if program != "cff":
        data, gid_of_cp = programs.pdf_truetype(info, chars)
        gid_of_code = {c: gid_of_cp.get(ord(used[c]), 0) for c in codes}
    base = f"{subset_tag(data)}+{info.ps_name}"

    # /W: widths in 1/1000 em from the face's own advances, consecutive codes grouped.
    runs: list[tuple[int, list[float]]] = []
    advances, cmap_get, scale = info.advances, info.cmap.get, font._scale
    run_widths: list[float] = []
    next_code = -1
    for code in codes:
        w = round(advances[cmap_get(ord(used[code]), 0)] * scale, 3)
        if code == next_code:
            run_widths.append(w)
        else:
            run_widths = [w]
            runs.append((code, run_widths))
        next_code = code + 1
    table = None
    if gid_of_code is not None:
        # CID (= our code) → glyph id in the subset, two bytes per CID from 0 (PDF 32000 §9.7.4.2).
        top = max(codes, default=0)
        table = bytearray(2 * (top + 1))
        for code, gid in gid_of_code.items():
            table[2 * code : 2 * code + 2] = gid.to_bytes(2, "big")
    return _Made(program, data, base, width_array(runs), to_unicode_cmap(base, used),
                 None if table is None else bytes(table))


class _Finisher:
    """Sits in `doc.delayedFonts`; ReportLab calls `addObjects(doc)` just before serialising."""

    def __init__(self, font: CIDSubsetFont, type0: pdfdoc.PDFDictionary) -> None:
        self.font = font
        self.type0 = type0

    def addObjects(self, doc) -> None:
        self.font.build(doc, self.type0)


def subset_tag(data: bytes) -> str:
    """Six capital letters derived from the subset program (PDF 32000 §9.6.4 asks for a tag
    unique to the subset; a content hash is, and it is stable across identical builds)."""
    n = int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(ord("A") + r))
    return "".join(letters)


class Preformatted(pdfdoc.PDFObject):
    """A direct PDF object whose bytes are made up front (ReportLab writes them as they are)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


def _array_body(elements: list[str], multiline: bool) -> str:
    """The inside of ReportLab's `PDFArray.format`: elements joined by spaces with a line break
    after every ten (or one element a line when `multiline`)."""
    if multiline:
        return "\n ".join(elements)
    if len(elements) <= 10:
        return " ".join(elements)
    return " \n  ".join(" ".join(elements[i : i + 10]) for i in range(0, len(elements), 10))


def width_array(runs: list[tuple[int, list[float]]]) -> Preformatted:
    """The /W array `[c [w1 w2 …] c' […] …]` (PDF 32000 §9.7.4.3) for runs of consecutive codes,
    byte for byte what `PDFArray([c, PDFArrayCompact([w1, …]), …])` writes — numbers through
    ReportLab's own `fp_str` — without making and formatting two objects per run: a CJK subset has
    one run per character or so, and ReportLab's generic formatting of them cost ~20 ms a build."""
    # One fp_str call for all the codes; the widths take few distinct values (1000 for nearly every
    # CJK character), each formatted once — fp_str gives equal numbers equal text.
    starts = fp_str([start for start, _ in runs]).split(" ") if runs else []
    texts: dict[float, str] = {}

    def text(w: float) -> str:
        t = texts.get(w)
        if t is None:
            t = texts[w] = fp_str(w)
        return t

    elements: list[str] = []
    append = elements.append
    for start_text, (_start, widths) in zip(starts, runs, strict=True):
        append(start_text)
        if len(widths) == 1:  # most runs in a CJK subset: one character
            append("[ " + text(widths[0]) + " ]")
        else:
            append("[ " + _array_body([text(w) for w in widths], False) + " ]")  # PDFArrayCompact
    # The outer array is a plain PDFArray: multi-line when ReportLab's pdfMultiLine is on.
    return Preformatted(("[ " + _array_body(elements, bool(rl_config.pdfMultiLine)) + " ]").encode("ascii"))


def _utf16_hex(char: str) -> str:
    return char.encode("utf-16-be").hex().upper()


def _bfchar(code: int, char: str) -> str:
    cp = ord(char)
    # Below the surrogate block a character's UTF-16 is its code point (a lone surrogate has no
    # UTF-16 and makes `_utf16_hex` fail loudly, as it should).
    return f"<{code:04X}> <{cp:04X}>" if cp < SURROGATE_FIRST else f"<{code:04X}> <{_utf16_hex(char)}>"


def to_unicode_cmap(name: str, used: dict[int, str]) -> bytes:
    """A ToUnicode CMap (Adobe TN 5411 / PDF 32000 §9.10.3) mapping each code to its character."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        f"/CMapName /{name.replace('+', '-')}-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    entries = [_bfchar(code, ch) for code, ch in sorted(used.items())]
    for i in range(0, len(entries), 100):  # at most 100 entries per block
        chunk = entries[i : i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += chunk
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")
