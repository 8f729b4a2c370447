"""Font programs ready to embed: subsets of a face for the PDF and for the EPUB.

In: a `FaceInfo` and the characters a document uses. Out: bytes, cached by the font file's hash,
face index and character set:

* `pdf_truetype(info, chars)` — a TrueType subset (glyf outlines) and the code point → glyph id map,
  embedded as a CIDFontType2 (FontFile2). For a CFF face this is path A: the subset's cubic
  outlines are converted to quadratic ones with fontTools' cu2qu (max error 1 unit).
* `pdf_cff(info, chars)` — path B: a CID-keyed CFF subset whose CIDs are the characters' code
  points, embedded as CIDFontType0C (FontFile3), the designer's outlines untouched. See
  `publish/fonts/cffsubset.py`.
* `walk_pdf_cff(info, chars)` — the glyphs `pdf_cff` will need walked ahead, by a process with a core
  to spare (the EPUB helper), so that the subset made later only assembles them.
* `epub_subset(info, chars, reserved, language)` — a plain TTF/OTF subset for @font-face in the
  EPUB: all name records kept (the OFL notice lives in name IDs 13/14), OpenType layout features
  fontTools keeps by default (vertical forms, locl, kern, halt) for the document language's
  language systems, each character on the print edition's glyph, faces whose names carry an OFL
  Reserved Font Name renamed. Made by `publish.fonts.epubsubset` (fast path) or fontTools alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from publish import cache
from publish.fonts.faceinfo import FaceInfo

PDF_DROP_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG", "DSIG", "meta", "morx", "FFTM"]


def _chars_key(info: FaceInfo, chars: str, what: str) -> str:
    return f"{what}\0{info.identity}#{info.index}\0{''.join(sorted(set(chars)))}"


def _subsetter_font(info: FaceInfo):
    from fontTools.ttLib import TTFont

    return TTFont(
        str(info.path),
        fontNumber=info.index if info.path.suffix.lower() in (".ttc", ".otc") else -1,
        lazy=True,
        recalcBBoxes=False,
        recalcTimestamp=False,
    )


def _cu2qu(font) -> None:
    """Replace a subset font's CFF outlines by TrueType ones (the fontTools otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        tt_pen = TTGlyphPen(glyph_set)
        # max_err 1 unit of a 1000-unit em: invisible at any print size; reverse to TrueType winding.
        glyph_set[name].draw(Cu2QuPen(tt_pen, 1.0, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    for tag in ("VORG",):
        if tag in font:
            del font[tag]
    font.recalcBBoxes = True  # the new glyphs need their bounds (glyf headers, head.xMin…)
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        adv, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (adv, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, attr, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0
    font.sfntVersion = "\000\001\000\000"


def pdf_truetype(info: FaceInfo, chars: str) -> tuple[bytes, dict[int, int]]:
    """A TrueType subset of `info` for `chars`, and code point → glyph id in that subset.

    A TrueType face is subset on `epubsubset`'s proxy (its glyphs cut from the file on demand,
    ~0.5 → ~0.2 s cold for LXGW WenKai): the glyph ids, outlines and advances are those of the
    subsetter run on the whole face. Its cmap may differ (only the requested characters, each on
    the glyph the PDF draws, where the whole face's subset also keeps other code points of the
    kept glyphs), and with it OS/2's character range and head's checksum: nothing a PDF viewer
    reads for a CIDFontType2, which is drawn by glyph id. On the real issue the bytes are equal.
    Most TrueType faces without components or kerning tables (LXGW WenKai) are subset without
    fontTools by `ttfsubset`, which writes the bytes the proxy path writes."""
    key = _chars_key(info, chars, "pdf-ttf2")
    hit = cache.get_value("pdf", key)
    if (isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[0], bytes) and isinstance(hit[1], dict)
            and all(type(k) is int and type(v) is int for k, v in hit[1].items())):
        return hit
    from publish.fonts.cffsubset import Unsupported

    # By glyph, not by code point: the glyph for a character is the one FaceInfo chose (its
    # full-width form for some punctuation), so drawing matches the composer's metrics.
    cps = sorted({ord(c) for c in chars if ord(c) in info.cmap})
    result = None
    if info.format == "TrueType":
        from publish.fonts.ttfsubset import pdf_subset

        try:  # the same bytes without fontTools, for the faces `ttfsubset` reads
            result = pdf_subset(info.path, info.index, cps, info.cmap.__getitem__)
        except Unsupported:
            result = None
    if result is None and info.format == "TrueType":
        from publish.fonts.epubsubset import proxied

        try:
            with proxied(info, "".join(map(chr, cps))) as (font, _, _):
                result = _pdf_truetype(font, info, cps, _pdf_truetype_options())
        except Unsupported:
            result = None
    if result is None:
        result = _pdf_truetype(_subsetter_font(info), info, cps, _pdf_truetype_options())
    cache.put_value("pdf", key, result)
    return result


def _pdf_truetype_options():
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = []
    opts.drop_tables = [*opts.drop_tables, *PDF_DROP_TABLES]
    opts.notdef_outline = True
    opts.name_IDs = [1, 2, 3, 4, 6]
    opts.recalc_bounds = False
    opts.recalc_timestamp = False
    opts.desubroutinize = True
    return opts


def _pdf_truetype(font, info: FaceInfo, cps: list[int], opts) -> tuple[bytes, dict[int, int]]:
    from fontTools import subset

    source_names = font.getGlyphOrder()
    wanted = {cp: source_names[info.cmap[cp]] for cp in cps}
    sub = subset.Subsetter(opts)
    sub.populate(gids=sorted({info.cmap[cp] for cp in cps}))
    sub.subset(font)
    if "CFF " in font:
        _cu2qu(font)
    order = {g: i for i, g in enumerate(font.getGlyphOrder())}
    gid_of = {cp: order[name] for cp, name in wanted.items() if name in order}
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), gid_of


def epub_subset(info: FaceInfo, chars: str, reserved: dict[str, str] | None = None,
                language: str | None = None) -> bytes:
    """A plain TTF/OTF subset for the EPUB, names kept (and renamed if a Reserved Font Name).

    Each character maps to the glyph the print edition draws it with (`FaceInfo.cmap`: e.g. the
    full-width form of U+00B7), so the EPUB shows the PDF's glyphs. `language` (BCP 47), the
    language of all the text the subset sets, drops the layout language systems it never selects
    (`epubsubset.keep_language_systems`); None keeps them all."""
    from publish.fonts.epubsubset import language_systems

    rename = _reserved_rename(info, reserved or {})
    langsys = language_systems(language)
    key = _chars_key(info, chars, f"epub2\0{rename}\0{sorted(langsys) if langsys else '*'}")
    hit = cache.get_bytes("epub", key)
    if hit is not None:
        return hit
    from publish.fonts.cffsubset import Unsupported
    from publish.fonts.epubsubset import epub_subset_fast

    try:
        data = epub_subset_fast(info, chars, _epub_options(), rename, _apply_rename, language)
    except Unsupported:  # a face the fast path does not read (CFF2, seac, …): fontTools does it all
        data = _epub_subset(info, chars, rename, language)
    cache.put_bytes("epub", key, data)
    return data


def _epub_options():
    from fontTools import subset

    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.recalc_bounds = False
    opts.drop_tables = [*opts.drop_tables, "DSIG"]
    return opts


def _epub_subset(info: FaceInfo, chars: str, rename: str, language: str | None = None) -> bytes:
    """The general path: fontTools' subsetter on the whole face (several seconds and ~60 MB for
    a CJK face). Characters map to the face's own cmap glyphs here, then those of `FaceInfo`
    (the print edition's choice) are put in their place."""
    from fontTools import subset

    from publish.fonts.epubsubset import keep_language_systems

    font = _subsetter_font(info)
    keep_language_systems(font, language)
    sub = subset.Subsetter(_epub_options())
    cps = sorted({ord(c) for c in chars})
    order = font.getGlyphOrder()
    # Request the print edition's glyphs too, then point the cmap at them.
    chosen = {cp: order[g] for cp in cps if (g := info.cmap.get(cp)) is not None and g < len(order)}
    sub.populate(unicodes=cps, glyphs=sorted(set(chosen.values())))
    sub.subset(font)
    # Requesting those glyphs kept every code point mapped to them (U+2500 with the dash): keep
    # the requested characters only (with the bidi mirrors the subsetter added), as the fast path.
    wanted = sub.unicodes_requested
    for st in font["cmap"].tables:
        if st.format != 14 and st.isUnicode():
            st.cmap = {cp: chosen.get(cp, g) for cp, g in st.cmap.items() if cp in wanted}
    if rename:
        _apply_rename(font, rename, info)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _reserved_rename(info: FaceInfo, reserved: dict[str, str]) -> str:
    """The new family name if this face's names carry a Reserved Font Name, else ""."""
    names = {info.family, *info.family_names}
    for rfn, replacement in reserved.items():
        if any(rfn.casefold() in n.casefold() for n in names):
            return replacement
    return ""


def _apply_rename(font, family: str, info: FaceInfo) -> None:
    """OFL §3 / FAQ on webfonts: a subset is a Modified Version and may not use the RFN."""
    name = font["name"]
    style = info.style or "Regular"
    ps = f"{''.join(family.split())}-{''.join(style.split())}"
    values = {1: family, 2: style, 3: ps, 4: f"{family} {style}", 6: ps, 16: family, 17: style}
    # Drop every record that could carry the reserved name (all languages), then write ours.
    name.names = [r for r in name.names if r.nameID not in values and r.nameID not in (18, 21, 22)]
    for name_id, value in values.items():
        if name_id in (16, 17) and style in ("Regular", "Bold", "Italic", "Bold Italic"):
            continue  # RIBBI faces need no typographic family
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        for attr, value in (("FullName", values[4]), ("FamilyName", family)):
            if hasattr(top, attr):
                setattr(top, attr, value)


def walk_pdf_cff(info: FaceInfo, chars: Iterable[str]) -> int:
    """Walk ahead the glyphs `pdf_cff` will subset for `chars` of a CFF face (those no kept walk
    has: `cffsubset.keep_walks`), so that the subset, made later by another process, only
    assembles them. The number of glyphs walked."""
    from publish.fonts.cffsubset import keep_walks

    get = info.cmap.get
    return keep_walks(info.path, info.index, sorted({0, *(get(ord(ch), 0) for ch in chars)}))


def pdf_cff(info: FaceInfo, used: dict[int, str]) -> bytes:
    """Path B: a CID-keyed CFF subset in which CID `code` draws character `used[code]`.

    Raises `cffsubset.Unsupported` for CFF the fast subsetter cannot handle (the caller then
    embeds a TrueType conversion instead).
    """
    from publish.fonts.cffsubset import subset_cff

    items = sorted(used.items())
    # Codes are code points except outside the BMP: the characters in code order say it all.
    astral = [(c, ch) for c, ch in items if ord(ch) != c]
    key = f"pdf-cff\0{info.identity}#{info.index}\0{''.join(ch for _, ch in items)}\0{astral!r}"
    hit = cache.get_bytes("pdf", key)
    if hit is not None:
        return hit
    glyphs = {code: info.cmap.get(ord(ch), 0) for code, ch in items}
    data = subset_cff(info.path, info.index, glyphs, info.ps_name)
    cache.put_bytes("pdf", key, data)
    return data
