"""What the EPUB subsets keep per face (publish.fonts.epubsubset): the face's GSUB and GPOS reduced
once to what the book's language and the subset options can ever keep, and the proxy's glyph names.

What must hold: a subset made from the kept reduction is the same bytes as one made from the face's
own layout tables — for any characters (rare ones, variation sequences, vertical forms, Latin) and
any book language —, the reduction is made once per face and language and then read, and a
damaged or disagreeing entry is never used but made again.
"""

from __future__ import annotations

import contextlib
import io

import pytest
from fonts_support import RARE, need_cjk_fonts

from publish import cache
from publish.fonts import epubsubset, load_fonts, programs

PUNCTUATION = "，。、；：？！（）《》「」『』【】〔〕…—～·“”‘’"  # vertical forms (vert/vrt2), halt/palt
VERTICAL_FORMS = "︐︑︒︓︵︶︷︸"  # the presentation forms themselves
LATIN = "".join(map(chr, range(0x21, 0x7F))) + "àéîõüßçñ–ﬁ"  # kern, liga, ccmp, proportional forms
HANZI = "人大代表审议报告直骨角今次海"  # hanzi whose forms differ by language (locl)


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))


def _subset(fonts, key: str, chars: str, language: str | None, rename: str = "") -> bytes:
    info = fonts.face(key).info
    return epubsubset.epub_subset_fast(info, chars, programs._epub_options(), rename, programs._apply_rename, language)


def _faces_own_layout(monkeypatch) -> None:
    """Subsets made as before the reduction was kept: from the face's own GSUB and GPOS."""
    monkeypatch.setattr(epubsubset, "_use_reduced_layout", lambda *args: None)


def _reductions(monkeypatch) -> list[str]:
    made: list[str] = []
    real = epubsubset._reduced

    def counted(font, tag, options, language):
        made.append(tag)
        return real(font, tag, options, language)

    monkeypatch.setattr(epubsubset, "_reduced", counted)
    return made


def _variation_sequences(fonts, key: str, count: int) -> str:
    from fontTools.ttLib import TTFont

    info = fonts.face(key).info
    src = TTFont(str(info.path), fontNumber=info.index, lazy=True)
    tables = [t for t in src["cmap"].tables if t.format == 14]
    if not tables:
        return ""
    pairs = [(u, v) for v, seq in sorted(tables[0].uvsDict.items()) for u, _ in seq]
    step = max(1, len(pairs) // count)
    return "".join(chr(u) + chr(v) for u, v in pairs[::step][:count])


def _char_sets(fonts, key: str) -> dict[str, str]:
    info = fonts.face(key).info
    astral = "".join(chr(cp) for cp in sorted(info.cmap) if cp > 0x20000)[:20]
    sets = {
        "hanzi and punctuation": HANZI + PUNCTUATION,
        "rare and astral": RARE + astral + "。",
        "vertical forms": VERTICAL_FORMS + PUNCTUATION[:6],
        "latin": LATIN,
        "everything": HANZI + PUNCTUATION + VERTICAL_FORMS + LATIN + RARE + astral,
        "one character": "人",
    }
    sequences = _variation_sequences(fonts, key, 24)
    if sequences:
        sets["variation sequences"] = sequences + "人。"
    return {name: "".join(sorted(set(chars))) for name, chars in sets.items()}


@pytest.mark.parametrize("key", ["body", "title", "byline"])
@pytest.mark.parametrize("language", ["zh-CN", None, "ja", "zh-HK"])
def test_subsets_from_the_kept_reduction_are_the_bytes_of_the_faces_own_tables(fonts, key, language, monkeypatch):
    sets = _char_sets(fonts, key)
    made = _reductions(monkeypatch)
    reduced = {name: _subset(fonts, key, chars, language) for name, chars in sets.items()}
    assert made in (["GSUB"], ["GSUB", "GPOS"]), "made once, then read from the cache"
    with pytest.MonkeyPatch.context() as mp:
        _faces_own_layout(mp)
        for name, chars in sets.items():
            assert reduced[name] == _subset(fonts, key, chars, language), name


def test_a_renamed_subset_from_the_reduction_is_the_same_bytes(fonts, monkeypatch):
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN)))
    first = _subset(fonts, "byline", chars, "zh-CN", rename="WenKai Subset")
    _faces_own_layout(monkeypatch)
    assert first == _subset(fonts, "byline", chars, "zh-CN", rename="WenKai Subset")


def test_the_reduction_keeps_only_what_the_book_language_selects(fonts):
    """Noto CJK: 483 GSUB feature records before, a handful after; the lookups are the face's."""
    from fontTools.ttLib import TTFont

    _subset(fonts, "body", "人。", "zh-CN")
    info = fonts.face("body").info
    face = TTFont(str(info.path), fontNumber=info.index, lazy=True)
    hit = cache.get_value("epub-layout", epubsubset._layout_key(info, programs._epub_options(), "zh-CN"))
    assert isinstance(hit, tuple) and [tag for tag, _ in hit] == ["GSUB", "GPOS"]
    for tag, data in hit:
        own = face.reader[tag]
        assert data is not None and len(data) < len(own)
        reduced = TTFont()
        reduced.setGlyphOrder(face.getGlyphOrder())
        from fontTools.ttLib import newTable

        table = newTable(tag)
        table.decompile(data, reduced)
        features = table.table.FeatureList.FeatureRecord
        assert len(features) < len(face[tag].table.FeatureList.FeatureRecord)
        assert {f.FeatureTag for f in features} <= set(programs._epub_options().layout_features)
        systems = {r.LangSysTag for s in table.table.ScriptList.ScriptRecord for r in s.Script.LangSysRecord}
        assert systems <= {"ZHS "}
        # the lookups are the face's own, in the same order
        assert table.table.LookupList.LookupCount == face[tag].table.LookupList.LookupCount


def test_a_reduction_is_kept_per_language(fonts, monkeypatch):
    made = _reductions(monkeypatch)
    _subset(fonts, "body", "人。", "zh-CN")
    _subset(fonts, "body", "大，", "zh-CN")
    assert made == ["GSUB", "GPOS"]
    _subset(fonts, "body", "人。", "ja")
    assert made == ["GSUB", "GPOS"] * 2


def test_a_damaged_entry_is_made_again(fonts, monkeypatch):
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN)))
    clean = _subset(fonts, "body", chars, "zh-CN")
    (entry,) = (cache.cache_dir() / "epub-layout").rglob("*.bin")
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0x10  # somewhere in the kept GSUB or GPOS
    entry.write_bytes(bytes(data))
    made = _reductions(monkeypatch)
    assert _subset(fonts, "body", chars, "zh-CN") == clean
    assert made == ["GSUB", "GPOS"]
    assert _subset(fonts, "body", chars, "zh-CN") == clean
    assert made == ["GSUB", "GPOS"], "the entry was replaced"
    entry.write_bytes(bytes(data[: len(data) // 3]))  # truncated
    assert _subset(fonts, "body", chars, "zh-CN") == clean
    assert made == ["GSUB", "GPOS"] * 2


def test_an_entry_that_does_not_fit_the_face_is_made_again(fonts, monkeypatch):
    """A sealed entry of the wrong shape (another version's layout, another face's tables)."""
    chars = "".join(sorted(set(HANZI + PUNCTUATION)))
    clean = _subset(fonts, "body", chars, "zh-CN")
    info = fonts.face("body").info
    key = epubsubset._layout_key(info, programs._epub_options(), "zh-CN")
    made = _reductions(monkeypatch)
    good = cache.get_value("epub-layout", key)
    (_, gsub), (_, gpos) = good
    at = int.from_bytes(gsub[8:10], "big")
    wrong = [
        (("GSUB", b"\0\1\0\0"),),  # one table of two
        (("GPOS", gpos), ("GSUB", gsub)),  # swapped
        "GSUB",
        (("GSUB", None, None), ("GPOS", None, None)),
        (("GSUB", b"junk" * 10), ("GPOS", gpos)),  # not a GSUB
        (("GSUB", gsub[:at] + gsub[at + 2 :]), ("GPOS", gpos)),  # not the face's lookups
        (("GSUB", gsub[:4] + b"\xff\xff" + gsub[6:]), ("GPOS", gpos)),  # a script list past the end
        (("GSUB", gpos), ("GPOS", gsub)),  # each the other's
    ]
    for entry in wrong:
        cache.put_value("epub-layout", key, entry)
        assert _subset(fonts, "body", chars, "zh-CN") == clean
    assert made == ["GSUB", "GPOS"] * len(wrong)


def test_the_proxys_glyph_names_are_fonttools_own(fonts):
    """CID-keyed faces: the names fontTools gives their glyphs (`cid01234`); the subsetter sees
    the face as it would read it."""
    import mmap

    from fontTools.ttLib import TTFont

    info = fonts.face("body").info
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        font, gid_of, _ = epubsubset._proxy(info, "人", mapped)
        try:
            order = font.getGlyphOrder()
            own = TTFont(str(info.path), fontNumber=info.index, lazy=True).getGlyphOrder()
            assert order == own
            assert font.getReverseGlyphMap() is gid_of
            assert all(gid_of[name] == gid for gid, name in enumerate(order))
        finally:
            epubsubset._release(font)


def test_fonttools_reads_the_reduced_tables_as_the_subset_keeps_them(fonts):
    """The subset of the reduction still has the book's vertical forms and `halt`, as before."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_subset(fonts, "body", HANZI + PUNCTUATION, "zh-CN")))
    assert "vert" in {f.FeatureTag for f in font["GSUB"].table.FeatureList.FeatureRecord}
    assert "halt" in {f.FeatureTag for f in font["GPOS"].table.FeatureList.FeatureRecord}


# ── subtables that cannot act, left out before the subsetter reads them ─────────────────────────
def _dejavu():
    """A face with the layout of many scripts: contexts, ligatures, marks, kerning."""
    from pathlib import Path

    from publish.fonts.discovery import FontIndex, system_font_dirs
    from publish.fonts.faceinfo import face_info

    found = FontIndex(system_font_dirs()).find("DejaVu Sans")
    if found is None:
        pytest.skip("DejaVu Sans is not installed")
    return face_info(Path(found.path), found.index)


def _face(fonts, which: str):
    return _dejavu() if which == "dejavu" else fonts.face(which).info


def _fonttools_scan(font, tag):
    """Per lookup: per subtable (trigger gids, output gids, the lookups it calls); the lookups each
    lookup calls."""
    import fontTools.subset  # noqa: F401  (collect_lookups)

    gid = font.getReverseGlyphMap()
    lookups, calls = [], []
    for lookup in font[tag].table.LookupList.Lookup:
        subtables = []
        for st in lookup.SubTable:
            st = getattr(st, "ExtSubTable", st)
            name = type(st).__name__
            outputs: set[str] = set()
            if name == "SingleSubst":
                trigger, outputs = set(st.mapping), set(st.mapping.values())
            elif name in ("MultipleSubst", "AlternateSubst"):
                table = st.mapping if name == "MultipleSubst" else st.alternates
                trigger, outputs = set(table), {g for v in table.values() for g in v}
            elif name == "LigatureSubst":
                trigger, outputs = set(st.ligatures), {lig.LigGlyph for v in st.ligatures.values() for lig in v}
            elif name == "ReverseChainSingleSubst":
                trigger, outputs = set(st.Coverage.glyphs), set(st.Substitute)
            elif name.startswith(("Context", "ChainContext")) and st.Format == 3:
                first = st.InputCoverage[0] if name.startswith("Chain") else st.Coverage[0]
                trigger = set(first.glyphs)
            elif name in ("MarkBasePos", "MarkLigPos"):
                trigger = set(st.MarkCoverage.glyphs)
            elif name == "MarkMarkPos":
                trigger = set(st.Mark1Coverage.glyphs)
            else:
                trigger = set(st.Coverage.glyphs)
            subtables.append(({gid[g] for g in trigger}, {gid[g] for g in outputs}, set(st.collect_lookups())))
        lookups.append(subtables)
        calls.append(set(lookup.collect_lookups()))
    return lookups, calls


@pytest.mark.parametrize("which", ["body", "title", "byline", "dejavu"])
def test_the_scan_reads_what_fonttools_decompiles(fonts, which):
    from fontTools.ttLib import TTFont

    from publish.fonts import otlscan

    info = _face(fonts, which)
    font = TTFont(str(info.path), fontNumber=info.index if info.path.suffix.lower() == ".ttc" else -1)
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        scan = otlscan.scan(font.reader[tag], gsub=tag == "GSUB")
        lookups, calls = _fonttools_scan(font, tag)
        assert len(scan.lookups) == len(lookups)
        for k, (ours, theirs) in enumerate(zip(scan.lookups, lookups, strict=True)):
            assert [(set(st.trigger), set(st.outputs), set(st.calls)) for st in ours] == theirs, (tag, k)
        assert [set(c) for c in scan.calls] == calls
        assert scan.nested == set().union(*calls)


def test_a_damaged_table_is_not_scanned(fonts):
    from fontTools.ttLib import TTFont

    from publish.fonts import otlscan

    info = fonts.face("body").info
    raw = TTFont(str(info.path), fontNumber=info.index, lazy=True).reader["GSUB"]
    for damaged in (raw[: len(raw) // 2], raw[:12], b"\0\1" + b"\xff" * 40, b""):
        with pytest.raises(ValueError):
            otlscan.scan(damaged, gsub=True)


def _no_leaving_out(monkeypatch) -> None:
    monkeypatch.setattr(epubsubset, "_leave_out_idle_subtables", lambda *args: None)


GREEK_CYRILLIC = "αβγδεζηθλμπσωΑΒΓΔΩабвгдеёжзийклмнопрстуфхцчшщъыьэюяЖЩЯ"
COMBINING = "a\u0301e\u0300o\u0308n\u0303i\u0302u\u0323c\u0327A\u030aff fi fl"


@pytest.mark.parametrize("which", ["body", "title", "byline", "dejavu"])
def test_leaving_idle_subtables_out_gives_the_same_bytes(fonts, which, monkeypatch):
    info = _face(fonts, which)
    sets = {
        "chinese": HANZI + PUNCTUATION + RARE,
        "latin": LATIN + COMBINING,
        "greek and cyrillic": GREEK_CYRILLIC + "，。",
        "everything": HANZI + PUNCTUATION + VERTICAL_FORMS + LATIN + COMBINING + GREEK_CYRILLIC + RARE,
        "one character": "A",
    }
    if which != "dejavu":
        sets.update({k: v for k, v in _char_sets(fonts, which).items() if k in ("variation sequences", "rare and astral")})

    def subset(chars: str, language: str | None) -> bytes:
        return epubsubset.epub_subset_fast(info, chars, programs._epub_options(), "", programs._apply_rename, language)

    for language in ("zh-CN", None):
        left_out = {name: subset("".join(sorted(set(chars))), language) for name, chars in sets.items()}
        with pytest.MonkeyPatch.context() as mp:
            _no_leaving_out(mp)
            _faces_own_layout(mp)
            for name, chars in sets.items():
                assert left_out[name] == subset("".join(sorted(set(chars))), language), (name, language)


def test_for_a_chinese_text_the_idle_subtables_are_left_out(fonts, monkeypatch):
    """Noto CJK's ccmp lookup has 268 chaining subtables for other scripts: none is read."""
    import mmap

    info = fonts.face("body").info
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        font, gid_of, _ = epubsubset._proxy(info, HANZI + PUNCTUATION, mapped)
        try:
            epubsubset._use_reduced_layout(font, info, programs._epub_options(), "zh-CN")
            before = [lookup.SubTableCount for lookup in font["GSUB"].table.LookupList.Lookup]
            epubsubset._leave_out_idle_subtables(font, gid_of)
            after = [lookup.SubTableCount for lookup in font["GSUB"].table.LookupList.Lookup]
        finally:
            epubsubset._release(font)
    assert max(before) >= 200
    assert sum(after) < sum(before) - 200
    assert all(a <= b for a, b in zip(after, before, strict=True))


def test_lookups_no_feature_reaches_are_not_read(fonts):
    """The lookups that only idle subtables call (Noto CJK: those of the other scripts' `ccmp`
    chains) are empty stand-ins when the subsetter starts: fontTools' check for extended formats
    reads every subtable of every lookup before its first step drops them."""
    import mmap

    from fontTools import subset

    info = fonts.face("body").info
    with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        font, gid_of, _ = epubsubset._proxy(info, HANZI + PUNCTUATION, mapped)
        try:
            del font["CFF "]
            epubsubset._use_reduced_layout(font, info, programs._epub_options(), "zh-CN")
            epubsubset._leave_out_idle_subtables(font, gid_of)
            lookups = font["GSUB"].table.LookupList.Lookup
            # a stand-in is a Lookup read from no table (a face's lookups are read or to be read)
            empty = [k for k, lookup in enumerate(lookups) if not {"reader", "LookupType"} & set(vars(lookup))]
            sub = subset.Subsetter(programs._epub_options())
            sub.populate(unicodes=sorted(map(ord, HANZI + PUNCTUATION)))
            sub._prune_pre_subset(font)  # fontTools' own first step: the lookups nothing reaches go
            kept = [k for k, lookup in enumerate(font["GSUB"].table.LookupList.Lookup) if lookup is not None]
        finally:
            epubsubset._release(font)
    assert len(empty) >= 10
    assert not set(empty) & set(kept), "a stand-in where the subsetter keeps a lookup"


@pytest.mark.parametrize("prefix", ["cid", "glyph"])
def test_numbered_names_map_to_glyph_ids_as_a_dict_of_the_order_would(prefix):
    import array

    order = [".notdef", *(f"{prefix}{n:05d}" for n in range(1, 300))]
    numbered = epubsubset._Numbered(prefix, order)
    whole = dict(zip(order, range(len(order)), strict=True))
    assert numbered[f"{prefix}00007"] == 7 and numbered.get(f"{prefix}00007") == 7  # asked for before the rest
    assert dict(numbered) == whole and {**numbered} == whole and numbered.copy() == whole
    assert numbered == whole and whole == numbered and numbered != {**whole, ".notdef": 1}
    assert len(numbered) == len(order) and list(numbered) == order == list(numbered.keys())
    assert list(numbered.items()) == list(whole.items()) and list(numbered.values()) == list(range(len(order)))
    assert all(name in numbered and numbered.get(name) == gid for name, gid in whole.items())
    other = "glyph" if prefix == "cid" else "cid"
    for name in (f"{prefix}00000", f"{prefix}00300", f"{prefix}1", f"{prefix}000001", f"{prefix}\uff10\uff10001",
                 f"{other}00001", "A", "", ".notdef2"):
        assert name not in numbered, name
        assert numbered.get(name, -1) == -1
        with pytest.raises(KeyError):
            numbered[name]
    assert 1 not in numbered and None not in numbered
    assert epubsubset._is_identity(array.array("H", range(300)))
    assert not epubsubset._is_identity(array.array("H", [0, 2, 1, *range(3, 300)]))
    assert not epubsubset._is_identity(array.array("H", [0, *range(2, 301)]))


def test_the_names_by_arithmetic_give_the_subset_a_dict_of_names_gives(fonts, monkeypatch):
    """Noto CJK's glyph n is CID n: its names and their glyph ids are arithmetic (`_Numbered`); the
    general path (a CID order of its own, a dict) makes the same bytes."""
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN + RARE)))
    for key in ("body", "title"):
        fast = _subset(fonts, key, chars, "zh-CN")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(epubsubset, "_is_identity", lambda cids: False)
            assert _subset(fonts, key, chars, "zh-CN") == fast, key


def test_the_glyph_name_lists_go_once_the_books_subsets_are_made(fonts, monkeypatch):
    """The EPUB helper makes its subsets while the pages are set, then waits for them while the
    build makes the PDF: ~6 MB of glyph names must not wait with it, nor the heap pages the
    subsets used (`publish.heap`)."""
    from publish import heap
    from publish.epub.fonts import RoleTexts, plan_fonts

    made = []
    real = epubsubset._names
    monkeypatch.setattr(epubsubset, "_names", lambda prefix, count: made.append(prefix) or real(prefix, count))
    given_back = []
    monkeypatch.setattr(heap, "give_back", lambda: given_back.append(list(epubsubset._NAME_LISTS)))
    texts = RoleTexts()
    texts.add("body", HANZI + PUNCTUATION)
    texts.add("byline", "●" + HANZI)
    plan = plan_fonts(texts, fonts, language="zh-CN")
    assert len(plan.faces) == 2
    assert set(made) == {"cid", "glyph"}  # a CID-keyed CFF face and a TrueType face
    assert epubsubset._NAME_LISTS == {}
    assert given_back == [[]], "the freed memory is given back once, after the names went"


def _variable_font(path) -> None:
    """A small variable TrueType face: `liga` makes A.alt B a ligature, and only a feature
    variation (`rvrn` at a heavier weight) makes A into A.alt — no feature's own lookup does."""
    from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.varLib.featureVars import addFeatureVariations

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((450, 700))
        pen.lineTo((450, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef", "A", "B", "C", "D", "E", "A.alt", "AB.lig"]  # A.alt past the first four glyphs
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x41: "A", 0x42: "B", 0x43: "C", 0x44: "D", 0x45: "E"})
    fb.setupGlyf({n: box() for n in names})
    fb.setupHorizontalMetrics({n: (500, 50) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Variation Test", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.setupFvar([("wght", 100, 400, 900, "Weight")], [])
    addOpenTypeFeaturesFromString(
        fb.font, "languagesystem DFLT dflt; languagesystem latn dflt; feature liga { sub A.alt B by AB.lig; } liga;"
    )
    addFeatureVariations(fb.font, [([{"wght": (0.5, 1.0)}], {"A": "A.alt"})], featureTag="rvrn")
    fb.save(str(path))


def test_substitutions_by_feature_variation_bound_what_is_left_out(tmp_path, monkeypatch):
    """A subtable reached only through a glyph that a feature variation substitutes still acts."""
    from fontTools.ttLib import TTFont

    from publish.fonts.faceinfo import face_info

    path = tmp_path / "variable.ttf"
    _variable_font(path)
    info = face_info(path, 0)

    def subset() -> bytes:
        return epubsubset.epub_subset_fast(info, "AB", programs._epub_options(), "", programs._apply_rename, None)

    left_out = subset()
    # .notdef, A, B, and what the variation and the ligature make of them: A.alt, AB.lig
    assert len(TTFont(io.BytesIO(left_out)).getGlyphOrder()) == 5
    _no_leaving_out(monkeypatch)
    assert left_out == subset()


# ── reading what the subsetter would read, faster (`_class_def`, `_cff_charset`, `_names`) ──────────
def _glyph_sets(font) -> list:
    """Every ClassDef of the face's GDEF, every ClassDef and Coverage of every GSUB/GPOS subtable,
    in one fixed order."""
    found = []
    if "GDEF" in font:
        found += [getattr(font["GDEF"].table, f, None) for f in epubsubset._GDEF_CLASS_DEFS]
    for tag in epubsubset.LAYOUT_TAGS:
        if tag not in font:
            continue
        for lookup in font[tag].table.LookupList.Lookup:
            for st in lookup.SubTable:
                st = getattr(st, "ExtSubTable", st)
                found += [getattr(st, f, None) for f in epubsubset._CLASS_DEF_FIELDS]
                for f in epubsubset._COVERAGE_FIELDS:
                    value = getattr(st, f, None)
                    found += value if isinstance(value, list) else [value]
    return [c for c in found if c is not None]


def _read(item):
    return list(item.classDefs.items()) if hasattr(item, "classDefs") else item.glyphs


@pytest.mark.parametrize("which", ["body", "title", "byline", "dejavu"])
def test_glyph_sets_read_from_the_bytes_are_fonttools_own(fonts, which):
    """Every class definition (GDEF's, kerning's, contexts') and coverage of the face: the same
    glyph → class entries and glyph lists, in the same order, as fontTools' own reading."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import otTables

    info = _face(fonts, which)
    number = info.index if info.path.suffix.lower() in (".ttc", ".otc") else -1
    ours_font = TTFont(str(info.path), fontNumber=number, lazy=True)
    theirs_font = TTFont(str(info.path), fontNumber=number, lazy=True)
    ours, theirs = _glyph_sets(ours_font), _glyph_sets(theirs_font)
    assert len(ours) == len(theirs)
    taken = {otTables.ClassDef: 0, otTables.Coverage: 0}
    for mine, own in zip(ours, theirs, strict=True):
        if isinstance(mine, otTables.ClassDef):
            epubsubset._class_def(mine, ours_font.getGlyphOrder())
        else:
            epubsubset._coverage(mine, ours_font.getGlyphOrder())
        taken[type(mine)] += "reader" not in mine.__dict__
        assert _read(mine) == _read(own)
    assert sum(taken.values()) == len(ours)
    if which in ("body", "title"):  # Noto CJK: kerning by classes, GDEF
        assert taken[otTables.ClassDef] >= 3 and taken[otTables.Coverage] >= 500


def _lazy(cls, data: bytes, order: list[str]):
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.otBase import OTTableReader

    font = TTFont()
    font.setGlyphOrder(order)
    font.lazy = True
    item = cls()
    item.reader, item.font = OTTableReader(data, tableTag="GPOS"), font
    return item


def _read_or_refused(item):
    try:
        return _read(item)
    except Exception as err:  # fontTools refuses it
        return type(err)


@pytest.mark.parametrize(
    "data, taken",
    [
        (bytes.fromhex("0001 0003 0005 0001 0000 0002 0002 0007"), True),  # format 1, a class 0 among them
        (bytes.fromhex("0002 0003 0001 0002 0003 0005 0009 0000 0004 0003 0001"), True),  # class 0 range, overlap
        (bytes.fromhex("0002 0002 0007 0004 0002 0001 0001 0005"), True),  # a range that ends before it starts
        (bytes.fromhex("0002 0000"), True),  # no ranges
        (bytes.fromhex("0002 0001 0008 000c 0001"), False),  # beyond the glyph order: fontTools' names
        (bytes.fromhex("0002 0001 0008 000a 0001"), False),  # one glyph beyond it
        (bytes.fromhex("0001 0008 0004 0001 0001 0001 0001"), False),  # format 1 beyond the glyph order
        (bytes.fromhex("0001 0008 0003 0001 0001 0001"), False),  # one glyph beyond it
        (bytes.fromhex("0002 0002 0001 0002 0003"), False),  # a range record cut short
        (bytes.fromhex("0003 0001 0002"), False),  # another format
    ],
)
def test_a_class_definition_is_read_as_fonttools_reads_it_or_left_to_it(data, taken):
    from fontTools.ttLib.tables import otTables

    order = [".notdef", *(f"g{n}" for n in range(1, 10))]
    mine, own = _lazy(otTables.ClassDef, data, order), _lazy(otTables.ClassDef, data, order)
    epubsubset._class_def(mine, order)
    assert ("reader" not in mine.__dict__) is taken
    assert _read_or_refused(mine) == _read_or_refused(own)


@pytest.mark.parametrize(
    "data, taken",
    [
        (bytes.fromhex("0001 0003 0002 0005 0009"), True),  # format 1
        (bytes.fromhex("0001 0000"), True),  # empty
        (bytes.fromhex("0002 0002 0001 0003 0000 0006 0009 0003"), True),  # two ranges
        (bytes.fromhex("0002 0002 0006 0009 0003 0001 0003 0000"), False),  # ranges out of order: fontTools sorts
        (bytes.fromhex("0002 0001 0005 0004 0000"), True),  # a range that ends before it starts
        (bytes.fromhex("0002 0001 0008 000a 0000"), False),  # one glyph beyond the glyph order
        (bytes.fromhex("0001 0002 0003 000a"), False),  # format 1 beyond it
        (bytes.fromhex("0001 0003 0002 0005"), False),  # the array cut short
        (bytes.fromhex("0002 0002 0001 0003 0000 0006"), False),  # a range record cut short
        (bytes.fromhex("0003 0001 0002"), False),  # another format
    ],
)
def test_a_coverage_is_read_as_fonttools_reads_it_or_left_to_it(data, taken):
    from fontTools.ttLib.tables import otTables

    order = [".notdef", *(f"g{n}" for n in range(1, 10))]
    mine, own = _lazy(otTables.Coverage, data, order), _lazy(otTables.Coverage, data, order)
    epubsubset._coverage(mine, order)
    assert ("reader" not in mine.__dict__) is taken
    assert _read_or_refused(mine) == _read_or_refused(own)


@pytest.mark.parametrize("which", ["body", "title", "byline", "dejavu"])
def test_subsets_with_the_glyph_sets_fonttools_reads_are_the_same_bytes(fonts, which, monkeypatch):
    info = _face(fonts, which)
    chars = "".join(sorted(set(LATIN + COMBINING + GREEK_CYRILLIC + HANZI + PUNCTUATION + VERTICAL_FORMS)))

    def subset() -> bytes:
        return epubsubset.epub_subset_fast(info, chars, programs._epub_options(), "", programs._apply_rename, "zh-CN")

    read = subset()
    monkeypatch.setattr(epubsubset, "_read_glyph_sets", lambda font, reduced: None)
    assert read == subset()


def test_the_subsetters_glyph_lists_are_logged_when_its_log_is_on(fonts, caplog):
    """The glyph lists are skipped only while nobody listens; with INFO on they are logged, the
    subset is the same, and the logger keeps its own method either way."""
    import logging

    from fontTools import subset as ft_subset

    own = ft_subset.log.glyphs
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN)))
    quiet = _subset(fonts, "body", chars, "zh-CN")
    assert ft_subset.log.glyphs == own
    with caplog.at_level(logging.INFO, logger="fontTools.subset"):
        assert _subset(fonts, "body", chars, "zh-CN") == quiet
    assert "Glyph names:" in caplog.text and "Glyph IDs:" in caplog.text
    assert ft_subset.log.glyphs == own


def test_the_cids_of_a_cff_charset_are_fonttools_own(fonts, tmp_path):
    """Noto CJK (one range from CID 1): the identity, as a range; a subset's charset (format 0,
    as cffsubset writes it; and as fontTools writes it, in ranges): its CIDs as fontTools names them."""
    import mmap

    from fontTools.ttLib import TTFont

    from publish.fonts.faceinfo import face_info

    def cids(path):
        info = face_info(path, 0) if path.suffix != ".ttc" else fonts.face("body").info
        with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return epubsubset._cff_charset(info, mapped)

    body = fonts.face("body").info
    identity = cids(body.path)
    assert isinstance(identity, range) and identity == range(TTFont(str(body.path), fontNumber=body.index)["maxp"].numGlyphs)
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN + RARE + VERTICAL_FORMS)))
    ours = tmp_path / "ours.otf"
    ours.write_bytes(_subset(fonts, "body", chars, "zh-CN"))
    theirs = tmp_path / "theirs.otf"
    font = TTFont(str(ours))
    assert font["CFF "].cff.topDictIndex[0].charset  # decompiled: fontTools writes the charset its own way
    font.save(str(theirs))
    for path, fmt in ((ours, 0), (theirs, None)):
        font = TTFont(str(path))
        top = font["CFF "].cff.topDictIndex[0]
        expected = [0, *(int(name[3:]) for name in font.getGlyphOrder()[1:])]
        got = cids(path)
        assert not isinstance(got, range) and list(got) == expected
        raw = font.reader["CFF "]
        assert fmt is None or raw[top.rawDict["charset"]] == fmt
    assert TTFont(str(theirs)).reader["CFF "][TTFont(str(theirs))["CFF "].cff.topDictIndex[0].rawDict["charset"]] in (1, 2)


@pytest.mark.parametrize("count", [1, 99, 100, 101, 4321, 65536])
def test_the_shared_glyph_names_are_the_numbered_names(count):
    epubsubset.forget_names()
    try:
        epubsubset._names("glyph", 150)
        names = epubsubset._names("glyph", count)
        assert len(names) >= count and names == [f"glyph{n:05d}" for n in range(len(names))]
    finally:
        epubsubset.forget_names()


def test_only_the_reduced_tables_glyph_sets_are_read_ahead(fonts):
    """The features of a reduced table are those the subsetter keeps: every subtable read ahead is
    one it reads itself. A face's own table may hold features it drops unread (a damaged subtable
    there must stay unread): its class definitions are left to fontTools."""
    import mmap

    from fontTools.ttLib.tables import otTables

    def kern_class_defs(font) -> list:
        found = []
        for lookup in font["GPOS"].table.LookupList.Lookup:
            for st in lookup.SubTable:
                st = getattr(st, "ExtSubTable", st)
                if getattr(st, "Format", None) == 2 and type(st).__name__ == "PairPos":
                    found += [st.__dict__["ClassDef1"], st.__dict__["ClassDef2"]]
        return found

    info = fonts.face("body").info
    for reduced, read in ((frozenset(), False), (frozenset({"GSUB", "GPOS"}), True)):
        with open(info.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            font, _, _ = epubsubset._proxy(info, LATIN, mapped)
            try:
                assert epubsubset._use_reduced_layout(font, info, programs._epub_options(), "zh-CN") == {"GSUB", "GPOS"}
                epubsubset._read_glyph_sets(font, reduced)
                class_defs = kern_class_defs(font)
                assert class_defs and all(isinstance(c, otTables.ClassDef) for c in class_defs)
                assert all(("reader" not in c.__dict__) is read for c in class_defs), reduced
            finally:
                epubsubset._release(font)


def _closure_states(monkeypatch) -> list[dict]:
    """What the subsetter holds right after its glyph closure, for each subset made."""
    states: list[dict] = []
    cls = epubsubset._proxy_subsetter(__import__("fontTools.subset", fromlist=["Subsetter"]))
    real = cls._closure_glyphs

    def recorded(self, font):
        real(self, font)
        state = dict(vars(self))
        state["options"] = vars(state["options"])
        states.append(state)

    monkeypatch.setattr(cls, "_closure_glyphs", recorded)
    return states


def _closure_sets(fonts, which: str) -> dict[str, str]:
    sets = {
        "chinese": HANZI + PUNCTUATION + RARE,
        "latin": LATIN + COMBINING,
        "everything": HANZI + PUNCTUATION + VERTICAL_FORMS + LATIN + COMBINING + GREEK_CYRILLIC + RARE,
        "one character": "A",
        "a character the face lacks": "人\U0010fffd",
    }
    if which != "dejavu":
        sets.update({k: v for k, v in _char_sets(fonts, which).items() if k in ("variation sequences", "rare and astral")})
    return {name: "".join(sorted(set(chars))) for name, chars in sets.items()}


def _installed(family: str):
    from pathlib import Path

    from publish.fonts.discovery import FontIndex, system_font_dirs
    from publish.fonts.faceinfo import face_info

    found = FontIndex(system_font_dirs()).find(family)
    if found is None:
        pytest.skip(f"{family} is not installed")
    return face_info(Path(found.path), found.index)


# TrueType faces without a MATH table (DejaVu Sans has one: the subsetter's own closure runs there)
_TRUETYPE = {"dejavu mono": "DejaVu Sans Mono", "ukai": "AR PL UKai CN"}


@pytest.mark.parametrize("which", ["body", "title", "byline", "dejavu mono", "ukai"])
def test_the_proxys_glyph_closure_is_fonttools_own(fonts, which, monkeypatch):
    """`_ProxySubsetter` closes the glyph list without passing over the whole glyph order: every
    attribute the subsetter holds afterwards, and the subset, equal those of fontTools' own
    `_closure_glyphs` (run instead when the release is not one it follows)."""
    import fontTools

    if fontTools.version not in epubsubset._CLOSURE_FOLLOWED:
        pytest.skip(f"fontTools {fontTools.version}: the subsetter's own closure runs")
    info = _installed(_TRUETYPE[which]) if which in _TRUETYPE else _face(fonts, which)
    sets = _closure_sets(fonts, "dejavu" if which in _TRUETYPE else which)
    followed = []
    real = epubsubset._close_on_proxy
    monkeypatch.setattr(epubsubset, "_close_on_proxy", lambda *a: (followed.append(1), real(*a))[1])

    def subsets(language: str | None) -> tuple[dict[str, bytes], list[dict]]:
        options = programs._epub_options()
        options.recommended_glyphs = language is None  # (a TrueType face's first four glyphs kept)
        with pytest.MonkeyPatch.context() as mp:
            states = _closure_states(mp)
            made = {name: epubsubset.epub_subset_fast(info, chars, options, "", programs._apply_rename, language)
                    for name, chars in sets.items()}
        return made, states

    for language in ("zh-CN", None):
        ours, our_states = subsets(language)
        assert len(followed) == len(sets), "the proxy's closure ran"
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(epubsubset, "_CLOSURE_FOLLOWED", frozenset())
            own, own_states = subsets(language)
        assert len(followed) == len(sets), "fontTools' own ran"
        followed.clear()
        assert ours == own, language
        assert len(our_states) == len(own_states) == len(sets)
        for name, mine, theirs in zip(sets, our_states, own_states, strict=True):
            assert sorted(mine) == sorted(theirs), name
            for attr in theirs:
                assert mine[attr] == theirs[attr], (name, language, attr)
                assert type(mine[attr]) is type(theirs[attr]), (name, language, attr)


def test_the_subsetters_own_closure_runs_for_what_the_proxys_does_not_follow(fonts, monkeypatch):
    """Glyphs asked for by name, or a table whose closure it does not have: fontTools' own."""
    from fontTools import subset as ft_subset

    followed = []
    monkeypatch.setattr(epubsubset, "_close_on_proxy", lambda *a: followed.append(1))
    dejavu = _dejavu()
    with epubsubset.proxied(dejavu, "x=y") as (font, _gid_of, _cids):
        assert "MATH" in font
        sub = epubsubset._proxy_subsetter(ft_subset)(programs._epub_options())
        sub.populate(unicodes=[ord(c) for c in "x=y"])
        sub._closure_glyphs(font)
        assert not followed and sub.glyphs_retained
    info = fonts.face("body").info
    with epubsubset.proxied(info, "人。") as (font, _gid_of, _cids):
        sub = epubsubset._proxy_subsetter(ft_subset)(programs._epub_options())
        sub.populate(unicodes=[ord("人")], glyphs=[".notdef"])
        sub._closure_glyphs(font)
        assert not followed and sub.glyphs_retained
    with epubsubset.proxied(info, "人。") as (font, _gid_of, _cids):
        sub = epubsubset._proxy_subsetter(ft_subset)(programs._epub_options())
        sub.populate(unicodes=[ord("人")])
        assert "CFF " in font  # (the proxy of a CFF face: its CFF is left out before subsetting)
        sub._closure_glyphs(font)
        assert not followed


@pytest.mark.parametrize("which", ["body", "title", "dejavu"])
def test_equal_cmap_subtables_are_compiled_once_to_the_same_bytes(fonts, which, monkeypatch):
    """Subtables of one format and language with equal mappings share a dict after subsetting
    (`_share_equal_cmaps`): compiled once, the same subset as with a dict each."""
    from fontTools.ttLib.tables import _c_m_a_p

    info = _face(fonts, which)
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN)))
    compiled = []
    real = _c_m_a_p.cmap_format_4.compile
    monkeypatch.setattr(_c_m_a_p.cmap_format_4, "compile", lambda self, font: (compiled.append(self), real(self, font))[1])
    shared = epubsubset.epub_subset_fast(info, chars, programs._epub_options(), "", programs._apply_rename, "zh-CN")
    once = len(compiled)
    compiled.clear()
    monkeypatch.setattr(epubsubset, "_share_equal_cmaps", lambda font: None)
    own = epubsubset.epub_subset_fast(info, chars, programs._epub_options(), "", programs._apply_rename, "zh-CN")
    assert shared == own
    assert once == 1 and len(compiled) >= 1
    if which != "dejavu":
        assert len(compiled) == 2  # Noto CJK: (0,3) and (3,1)


def test_table_identifiers_are_remembered_only_while_a_subset_is_made(fonts, monkeypatch):
    """fontTools' `tagToIdentifier` answers from memory during a subset (the same answers: the
    same subset), and is fontTools' own function again afterwards."""
    import fontTools.subset  # noqa: F401  (its import asks for every table class it extends)
    from fontTools.ttLib import ttFont

    own = ttFont.tagToIdentifier
    asked: list = []
    monkeypatch.setattr(ttFont, "tagToIdentifier", lambda tag: (asked.append(tag), own(tag))[1])
    counted = ttFont.tagToIdentifier
    monkeypatch.setattr(epubsubset, "_IDENTIFIERS", {})
    info = fonts.face("body").info
    chars = "".join(sorted(set(HANZI + PUNCTUATION + LATIN)))
    remembered = _subset(fonts, "body", chars, "zh-CN")
    assert ttFont.tagToIdentifier is counted  # put back
    assert asked and len(asked) == len(set(asked)), "each tag asked once"
    assert all(epubsubset._IDENTIFIERS[tag] == own(tag) for tag in asked)
    asked.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(epubsubset, "_table_identifiers_remembered", contextlib.nullcontext)
        assert remembered == epubsubset.epub_subset_fast(info, chars, programs._epub_options(), "",
                                                         programs._apply_rename, "zh-CN")
    assert len(asked) > len(set(asked))  # without: asked again and again
