"""The PDF writer's fast paths write exactly the bytes of the slow, generic ones they replace.

Specification:
- the /W array written as one preformatted object is byte for byte ReportLab's
  `PDFArray([c, PDFArrayCompact([w…]), …])`, for any runs of codes and widths, in both of
  ReportLab's line modes;
- the ToUnicode CMap maps every code to the UTF-16 of its character, astral characters as
  surrogate pairs, at most 100 entries a block;
- cached Flate compression returns exactly `zlib.compress(data)`, on a miss and on a hit; a damaged
  or foreign cache entry is ignored (recompressed), never embedded;
- a PDF rendered with an empty cache and again with a full one is byte-identical, and the second
  render really read the cache;
- a rebuild takes each unchanged page's compressed stream from the last build of the document (one
  cache entry per document and edition, replaced, not grown) and compresses only the changed pages;
  a damaged entry or one whose stream is not the Flate of the page is never embedded;
- pages share their identical boxes and /Resources without a byte changing, and a page with an
  image keeps its own resources;
- ReportLab's C accelerator (rl_accel), when installed, formats numbers and escapes strings exactly
  as its pure-Python fallback does, so a machine without it writes the same PDF.
"""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdf_support import font_set, page_objects, qpdf_json, sample_document
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from publish import cache
from publish.pdf import flate, render_pdf
from publish.pdf.fontobjects import to_unicode_cmap, width_array


def reportlab_width_array(runs: list[tuple[int, list[float]]]) -> bytes:
    items: list = []
    for start, widths in runs:
        items += [start, pdfdoc.PDFArrayCompact(widths)]
    return pdfdoc.PDFArray(items).format(pdfdoc.DummyDoc())


@st.composite
def width_runs(draw) -> list[tuple[int, list[float]]]:
    codes = sorted(draw(st.sets(st.integers(0, 0xFFFF), max_size=300)))
    widths = st.one_of(
        st.sampled_from([1000.0, 500.0, 0.0, 250.0, 333.0]),
        st.integers(0, 3000).map(lambda n: n / 1000 * 1000),
        st.floats(0, 2000, allow_nan=False).map(lambda w: round(w, 3)),
    )
    runs: list[tuple[int, list[float]]] = []
    for code in codes:
        w = draw(widths)
        if runs and code == runs[-1][0] + len(runs[-1][1]):
            runs[-1][1].append(w)
        else:
            runs.append((code, [w]))
    return runs


@settings(max_examples=150, deadline=None)
@given(width_runs())
def test_the_preformatted_width_array_is_reportlabs_array_byte_for_byte(runs):
    assert width_array(runs).format(None) == reportlab_width_array(runs)


def test_width_arrays_with_long_runs_break_lines_every_ten_elements_as_reportlab_does():
    runs = [(0x4E00, [1000.0] * 23), (0x4F00, [500.5, 0.0]), (0x5000, [1000.0] * 10), (0x6000, [1.0])] + [
        (0x7000 + 2 * i, [1000.0]) for i in range(12)
    ]
    assert width_array(runs).format(None) == reportlab_width_array(runs)
    assert width_array([]).format(None) == reportlab_width_array([])


def test_the_width_array_follows_reportlabs_multi_line_mode(monkeypatch):
    runs = [(0x4E00 + 2 * i, [1000.0, 500.0]) for i in range(8)]
    monkeypatch.setattr(rl_config, "pdfMultiLine", 1)
    assert width_array(runs).format(None) == reportlab_width_array(runs)
    assert b"\n" in width_array(runs).format(None)


def test_to_unicode_maps_each_code_to_the_utf16_of_its_character():
    used = {0x4E2D: "中", 0x0041: "A", 0x00A0: "\u00a0", 0xD800: "\U00020000", 0xD801: "\U0001F600"}
    cmap = to_unicode_cmap("ABCDEF+Test", used).decode("ascii")
    assert "5 beginbfchar" in cmap
    assert "<0041> <0041>" in cmap and "<00A0> <00A0>" in cmap and "<4E2D> <4E2D>" in cmap
    assert "<D800> <D840DC00>" in cmap and "<D801> <D83DDE00>" in cmap
    assert "/CMapName /ABCDEF-Test-UCS def" in cmap


def test_to_unicode_blocks_hold_at_most_100_entries():
    used = {0x4E00 + i: chr(0x4E00 + i) for i in range(250)}
    cmap = to_unicode_cmap("ABCDEF+Test", used).decode("ascii")
    assert [line for line in cmap.splitlines() if line.endswith("beginbfchar")] == [
        "100 beginbfchar",
        "100 beginbfchar",
        "50 beginbfchar",
    ]
    assert sum(line.startswith("<4E") for line in cmap.splitlines()) == 250


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "entries" / flate.CACHE_KIND


def test_cached_flate_is_zlib_compress_on_a_miss_and_on_a_hit(empty_cache):
    data = bytes(range(256)) * 200 + "巴彦淖尔".encode() * 3000
    assert flate.compress(data) == zlib.compress(data)  # miss: computed and stored
    assert len(list(empty_cache.rglob("*.bin"))) == 1
    assert flate.compress(data) == zlib.compress(data)  # hit
    small = b"q 1 0 0 1 0 0 cm Q" * 10
    assert flate.compress(small) == zlib.compress(small)
    assert len(list(empty_cache.rglob("*.bin"))) == 1  # small streams are not worth an entry


def test_a_damaged_or_foreign_cache_entry_is_never_embedded(empty_cache):
    data = b"%PDF stream " * 5000
    flate.compress(data)
    (entry,) = empty_cache.rglob("*.bin")
    for bad in (entry.read_bytes()[:-7], zlib.compress(b"something else " * 1000), b"", b"\x00" * 40):
        entry.write_bytes(bad)
        assert flate.compress(data) == zlib.compress(data)
    assert entry.read_bytes().endswith(zlib.compress(data))  # the entry was repaired (sealed anew)


def test_the_cached_filter_writes_the_same_stream_as_reportlabs_flate_filter(empty_cache):
    content = b"0 0 0 1 k\n" * 4000
    doc = pdfdoc.DummyDoc()
    plain = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 4}), content, filters=[pdfdoc.PDFZCompress])
    cached = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 4}), content, filters=[flate.CACHED_FLATE])
    doc.encrypt = pdfdoc.NoEncryption()
    assert cached.format(doc) == plain.format(doc)
    assert cached.format(doc) == plain.format(doc)  # now from the cache


def test_a_pdf_rendered_with_an_empty_and_with_a_full_cache_is_byte_identical(empty_cache, monkeypatch):
    fonts = font_set("real")
    document = sample_document(fonts)
    cold = render_pdf(document, fonts)
    entries = sorted(empty_cache.rglob("*.bin"))
    assert entries, "the font programs and the output profile should have been cached"
    reads: list[str] = []
    real_get = cache.get_bytes

    def spy(kind: str, key: str) -> bytes | None:
        hit = real_get(kind, key)
        if kind == flate.CACHE_KIND and hit is not None:
            reads.append(key)
        return hit

    monkeypatch.setattr(cache, "get_bytes", spy)
    warm = render_pdf(document, fonts)
    assert reads, "the second render should have read compressed streams from the cache"
    assert warm == cold


def test_reportlabs_c_accelerator_formats_like_its_python_fallback():
    script = r"""
import random, reportlab
reportlab._rl_testing = True  # makes rl_accel keep the Python versions next to the C ones
from reportlab.lib import rl_accel as r
if "fp_str" not in r._c_funcs:
    print("absent"); raise SystemExit
random.seed(5)
values = [random.uniform(-3000, 3000) for _ in range(20000)]
values += [round(v, 3) for v in values] + list(range(-100, 70000, 7))
values += [0, 0.0, -0.0, 1e-8, 0.5, 1.5, 999.9999, 0.99999, 1e6, 123456.789, 1e-3, 2.0005]
c_fp, py_fp = r._c_funcs["fp_str"], r._py_fp_str
bad = [v for v in values if c_fp(v) != py_fp(v)]
assert c_fp(values[:50]) == py_fp(values[:50])
c_esc, py_esc = r._c_funcs["escapePDF"], r._py_escapePDF
blobs = [bytes(random.randrange(256) for _ in range(random.randrange(9))) for _ in range(20000)]
bad += [b for b in blobs if c_esc(b) != py_esc(b)]
print("mismatches", bad[:5] if bad else 0)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    if out.strip() == "absent":
        pytest.skip("rl_accel (ReportLab's C accelerator) is not installed")
    assert out.strip() == "mismatches 0"


def _with_images(tmp_path: Path, fonts) -> object:
    from PIL import Image

    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (60, 40), (200, 30, 30)).save(photo, quality=90)
    return sample_document(fonts, image=photo)


def test_sharing_page_boxes_and_resources_changes_no_byte(tmp_path, empty_cache, monkeypatch):
    """Pages with and without an image (different /Resources) next to each other."""
    from publish.pdf import writer

    fonts = font_set("ukai")
    document = _with_images(tmp_path, fonts)
    shared = render_pdf(document, fonts)
    monkeypatch.setattr(writer._SharedPageParts, "share", lambda self, page: None)
    assert render_pdf(document, fonts) == shared


def test_each_page_keeps_its_own_image_resources(tmp_path, empty_cache):
    import pypdfium2 as pdfium

    fonts = font_set("ukai")
    out = tmp_path / "images.pdf"
    out.write_bytes(render_pdf(_with_images(tmp_path, fonts), fonts))
    pdf = pdfium.PdfDocument(str(out))
    kinds = [[obj.type for obj in pdf[i].get_objects()] for i in range(len(pdf))]
    assert pdfium.raw.FPDF_PAGEOBJ_IMAGE in kinds[0]
    assert pdfium.raw.FPDF_PAGEOBJ_IMAGE not in kinds[1]
    pages = page_objects(qpdf_json(out))
    assert "/XObject" in pages[0]["/Resources"]  # only the page that shows the photo names it
    assert "/XObject" not in pages[1]["/Resources"]


def test_cached_compression_changes_no_byte_of_the_pdf(empty_cache, monkeypatch):
    fonts = font_set("real")
    document = sample_document(fonts)
    cached = render_pdf(document, fonts)
    monkeypatch.setattr(flate, "compress", zlib.compress)
    assert render_pdf(document, fonts) == cached


def _page_compressions(monkeypatch) -> list[bytes]:
    """The page streams `LastBuildStreams` compresses from now on."""
    done: list[bytes] = []
    real = zlib.compress

    class Spy:
        @staticmethod
        def compress(data, *args):
            done.append(data)
            return real(data, *args)

        ZLIB_RUNTIME_VERSION = zlib.ZLIB_RUNTIME_VERSION
        decompress = staticmethod(zlib.decompress)
        adler32 = staticmethod(zlib.adler32)

    monkeypatch.setattr(flate, "zlib", Spy)
    return done


def test_a_rebuild_takes_unchanged_page_streams_from_the_last_build(empty_cache, monkeypatch):
    fonts = font_set("real")
    document = sample_document(fonts)
    first = render_pdf(document, fonts)
    pages_dir = empty_cache.parent / flate.PAGES_KIND
    assert len(list(pages_dir.rglob("*.bin"))) == 1  # one entry for the document's print edition
    compressed = _page_compressions(monkeypatch)
    assert render_pdf(document, fonts) == first
    assert not [d for d in compressed if b" Tf" in d]  # no page stream compressed again
    # one page changed: that page alone is compressed, the entry replaced (not a second one)
    import dataclasses

    page = document.pages[1]
    moved = dataclasses.replace(page, items=tuple(dataclasses.replace(it, x=it.x + 1.0) if hasattr(it, "glyphs") else it
                                                  for it in page.items))
    edited = dataclasses.replace(document, pages=(document.pages[0], moved, *document.pages[2:]))
    compressed.clear()
    monkeypatch.setattr(flate, "zlib", zlib)
    plain = render_pdf(edited, fonts)
    cache_before = sorted(pages_dir.rglob("*.bin"))
    compressed = _page_compressions(monkeypatch)
    again = render_pdf(edited, fonts)
    assert again == plain
    assert not [d for d in compressed if b" Tf" in d]
    assert sorted(pages_dir.rglob("*.bin")) == cache_before and len(cache_before) == 1


def test_a_page_edited_in_place_to_the_same_length_is_compressed_anew(empty_cache, monkeypatch):
    name = "an edition"
    lines = [b"BT /F1 10.5 Tf 1 0 0 1 72 %d Tm <4e2d6587> Tj ET\n" % (700 - 12 * i) for i in range(50)]
    page = b"".join(lines)
    edits = [page.replace(b"<4e2d6587>", b"<4e2e6587>", 1),  # one character code
             b"".join([lines[0], lines[7], *lines[2:7], lines[1], *lines[8:]]),  # two lines swapped
             page.replace(b"72 700", b"72 701")]  # a line moved
    first = flate.LastBuildStreams(name)
    first.encode(page)
    first.store()
    for edited in edits:
        assert len(edited) == len(page) and edited != page
        memory = flate.LastBuildStreams(name)
        compressed = _page_compressions(monkeypatch)
        assert memory.encode(edited) == zlib.compress(edited) and compressed == [edited]
        assert memory.encode(page) == zlib.compress(page) and compressed == [edited]  # the kept one
        monkeypatch.setattr(flate, "zlib", zlib)


def test_a_builds_print_and_screen_pdfs_take_unchanged_page_streams_from_the_last_build(empty_cache, monkeypatch):
    # a build shares one PageReuse between its print and screen PDFs (line operators): their page
    # streams still come from the last build; a watch session's own kept streams come first
    from publish.pdf import render_screen_pdf
    from publish.pdf.reuse import PageReuse

    fonts = font_set("real")
    document = sample_document(fonts)

    def build() -> tuple[bytes, bytes]:
        reuse = PageReuse()
        return render_pdf(document, fonts, reuse=reuse), render_screen_pdf(document, fonts, reuse=reuse)

    first = build()
    pages_dir = empty_cache.parent / flate.PAGES_KIND
    assert len(list(pages_dir.rglob("*.bin"))) == 2  # the print and the screen edition's
    compressed = _page_compressions(monkeypatch)
    assert build() == first
    assert not [d for d in compressed if b" Tf" in d]  # no page stream of either compressed again
    monkeypatch.setattr(flate, "zlib", zlib)
    assert (render_pdf(document, fonts), render_screen_pdf(document, fonts)) == first  # (as without reuse)

    session = PageReuse()  # a watch session: its second PDF of an edition takes its own streams
    render_pdf(document, fonts, reuse=session)
    opened = []
    monkeypatch.setattr(flate.LastBuildStreams, "__init__",
                        lambda self, name, _init=flate.LastBuildStreams.__init__: (opened.append(name), _init(self, name))[1])
    assert render_pdf(document, fonts, reuse=session) == first[0]
    assert session.holds_streams(screen=False) and not opened  # the cache was not read


def test_a_damaged_or_foreign_page_stream_entry_is_never_embedded(empty_cache, monkeypatch):
    import marshal

    from publish.pdf import writer

    fonts = font_set("real")
    document = sample_document(fonts)
    first = render_pdf(document, fonts)
    key = flate.LastBuildStreams(writer._page_streams_name(document, screen=False))._key
    stored = marshal.loads(cache.get_bytes(flate.PAGES_KIND, key) or b"")
    assert len(stored) == len(document.pages)
    # sealed entries that are not what the writer stores, or another page's Flate for each page
    foreign = {digest: zlib.compress(b"another page " * 50) for digest in stored}
    for payload in (b"not marshal", marshal.dumps([1, 2]), marshal.dumps({1: 2}), marshal.dumps(foreign)):
        cache.put_bytes(flate.PAGES_KIND, key, payload)
        compressed = _page_compressions(monkeypatch)
        assert render_pdf(document, fonts) == first
        assert len([d for d in compressed if b" Tf" in d]) == len(document.pages)
        monkeypatch.setattr(flate, "zlib", zlib)
    # a damaged file (its seal broken): a miss
    (entry,) = (empty_cache.parent / flate.PAGES_KIND).rglob("*.bin")
    entry.write_bytes(entry.read_bytes()[:-9])
    assert render_pdf(document, fonts) == first
