"""The drawn cover is kept in the font cache: a second build reuses it, byte for byte, and any
change to what the cover shows draws it again."""

from __future__ import annotations

import dataclasses
import zipfile

import pytest
from epub_cases import make_issue, page_starts
from fonts_support import need_cjk_fonts

from publish.epub import cover, write_epub


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """Counts the covers actually drawn; an empty cache and a fixed build time."""
    need_cjk_fonts()
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    calls = []
    real = cover.draw_cover

    def counting(issue, fonts):
        calls.append(issue.label)
        return real(issue, fonts)

    monkeypatch.setattr(cover, "draw_cover", counting)
    return calls


def _cover_png(epub) -> bytes:
    with zipfile.ZipFile(epub) as z:
        return z.read("EPUB/images/cover.png")


def test_a_second_build_reuses_the_cover_and_writes_the_same_epub(tmp_path, drawn):
    issue = make_issue(tmp_path)
    first = write_epub(issue, tmp_path / "a.epub", page_starts=page_starts(issue), embed_fonts=False)
    second = write_epub(issue, tmp_path / "b.epub", page_starts=page_starts(issue), embed_fonts=False)
    assert len(drawn) == 1
    assert first.read_bytes() == second.read_bytes()


def test_a_changed_cover_text_draws_the_cover_again(tmp_path, drawn):
    issue = make_issue(tmp_path)
    a = write_epub(issue, tmp_path / "a.epub", embed_fonts=False)
    other = dataclasses.replace(issue, label="2025年第2期")
    b = write_epub(other, tmp_path / "b.epub", embed_fonts=False)
    assert drawn == [issue.label, "2025年第2期"]
    assert _cover_png(a) != _cover_png(b)


def test_a_damaged_cache_entry_is_drawn_again(tmp_path, drawn):
    issue = make_issue(tmp_path)
    a = write_epub(issue, tmp_path / "a.epub", embed_fonts=False)
    entries = list((tmp_path / "cache" / "entries" / "cover").rglob("*.bin"))
    assert len(entries) == 1
    entries[0].write_bytes(entries[0].read_bytes()[:1000])  # a truncated PNG
    b = write_epub(issue, tmp_path / "b.epub", embed_fonts=False)
    assert len(drawn) == 2
    assert _cover_png(a) == _cover_png(b)


def test_the_drawings_memory_is_given_back_before_the_subsets_are_made(tmp_path, drawn, monkeypatch):
    """The drawing (a 1280 × 1800 canvas, FreeType's CJK faces) frees ~10 MB that the C heap would
    keep while the EPUB helper makes its subsets and waits through the PDF: given back at once."""
    from publish import heap
    from publish.epub import fonts, writer

    events = []
    monkeypatch.setattr(heap, "give_back", lambda: events.append("give back"))
    real = fonts.plan_fonts
    monkeypatch.setattr(writer, "plan_fonts", lambda *a, **k: events.append("subsets") or real(*a, **k))
    issue = make_issue(tmp_path)
    writer.prepare_epub(issue)
    assert drawn and events[:2] == ["give back", "subsets"]


def test_each_face_is_let_go_once_its_text_is_drawn(tmp_path, monkeypatch):
    """FreeType maps a face's file and keeps every page it read mapped until the face is closed: a
    face kept to the end of the drawing holds its pages (with the others') through the palette
    quantisation. Each face goes as soon as its last text is drawn — never more than the two of
    the contents list alive at once, none at the quantisation — and the cover is the same bytes."""
    import weakref

    from PIL import Image, ImageDraw

    need_cjk_fonts()
    issue = make_issue(tmp_path)
    faces = cover.find_cover_fonts()
    before = cover.draw_cover(issue, faces)
    made: list[weakref.ref] = []
    alive_at_text: list[int] = []
    alive_at_quantize: list[int] = []
    real_font, real_text, real_quantize = cover._font, ImageDraw.ImageDraw.text, Image.Image.quantize

    def alive() -> int:
        return sum(ref() is not None for ref in made)

    def font(face, size):
        f = real_font(face, size)
        made.append(weakref.ref(f))
        return f

    def text(self, *args, **kwargs):
        alive_at_text.append(alive())
        return real_text(self, *args, **kwargs)

    def quantize(self, *args, **kwargs):
        alive_at_quantize.append(alive())
        return real_quantize(self, *args, **kwargs)

    monkeypatch.setattr(cover, "_font", font)
    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    monkeypatch.setattr(Image.Image, "quantize", quantize)
    after = cover.draw_cover(issue, faces)
    assert after == before
    assert len(made) >= 5 and alive_at_text and max(alive_at_text) <= 2
    assert alive_at_quantize == [0]
