"""A font subset made once is kept for the next PDF with the same characters (a warm `publish
watch`, a Publisher): the second PDF is the first byte for byte and makes no subset; a PDF with
another character makes its own subset, and that character reads back from the page."""

from __future__ import annotations

import dataclasses

import pypdfium2 as pdfium
from pdf_support import font_set, sample_document, set_line

from publish.pdf import fontobjects, render_pdf


def _count_made(monkeypatch) -> list[int]:
    made: list[int] = []
    real = fontobjects._make

    def counting(*args):
        made.append(1)
        return real(*args)

    monkeypatch.setattr(fontobjects, "_make", counting)
    return made


def _text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_the_same_characters_reuse_the_subset_and_give_the_same_bytes(monkeypatch):
    fonts = font_set("real")
    document = sample_document(fonts)
    made = _count_made(monkeypatch)
    first = render_pdf(document, fonts)
    before = len(made)
    second = render_pdf(document, fonts)
    assert second == first
    assert len(made) == before, "the second PDF made its subsets again"


def test_another_character_makes_a_new_subset_that_holds_it(monkeypatch):
    fonts = font_set("real")
    document = sample_document(fonts)
    render_pdf(document, fonts)
    made = _count_made(monkeypatch)
    page = document.pages[0]
    extra = set_line("鑫淼犇骉", 60, 60, 10.5, fonts, article="a1")
    changed = dataclasses.replace(document, pages=(dataclasses.replace(page, items=(*page.items, extra)),
                                                   *document.pages[1:]))
    pdf = render_pdf(changed, fonts)
    assert made, "a PDF with new characters reused a subset without them"
    assert "鑫淼犇骉" in _text(pdf)


def test_a_page_with_a_character_beyond_the_bmp_is_drawn_anew_for_the_screen_and_the_file_is_the_same():
    """The screen PDF takes the print PDF's line operators page by page (`PageReuse`), except a page
    with a character beyond the BMP (its code depends on the pages before it): that page is drawn
    anew, the others are taken, and the screen PDF is the one drawn without any of it."""
    from publish.pdf import render_screen_pdf
    from publish.pdf.reuse import PageReuse

    fonts = font_set("real")
    document = sample_document(fonts)
    assert fonts.fontset.uncovered("𠀋", "body") == ""  # U+2000B: the body face has it
    page = document.pages[1]
    beyond = set_line("𠀋山坡", 60, 60, 10.5, fonts, article="a1")
    document = dataclasses.replace(document, pages=(document.pages[0],
                                                    dataclasses.replace(page, items=(*page.items, beyond))))
    alone = render_screen_pdf(document, fonts)
    reuse = PageReuse()
    render_pdf(document, fonts, reuse=reuse)
    drawn = render_screen_pdf(document, fonts, reuse=reuse)
    assert reuse.reused == len(document.pages) - 1  # all but the page with 𠀋
    assert drawn == alone
    assert "𠀋山坡" in _text(drawn)


def test_the_characters_of_a_line_in_two_faces_join_both_subsets_when_its_page_is_taken():
    """A kept page's characters are added to the screen PDF's subsets (`PageReuse.keep`/`flush`):
    those of a line set in two faces too, each in its own face's subset — characters found on no
    other line of the document — so the screen PDF drawn from the print PDF's operators is the one
    drawn alone, and its text reads back."""
    from publish.pdf import render_screen_pdf
    from publish.pdf.reuse import PageReuse

    fonts = font_set("real")
    document = sample_document(fonts)
    page = document.pages[0]
    line = set_line("鑫淼犇骉", 60, 60, 10.5, fonts, article="a1")
    glyphs = tuple(dataclasses.replace(g, face="title" if k % 2 else "body") for k, g in enumerate(line.glyphs))
    mixed = dataclasses.replace(line, glyphs=glyphs)
    document = dataclasses.replace(document, pages=(dataclasses.replace(page, items=(*page.items, mixed)),
                                                    *document.pages[1:]))
    alone = render_screen_pdf(document, fonts)
    reuse = PageReuse()
    render_pdf(document, fonts, reuse=reuse)
    drawn = render_screen_pdf(document, fonts, reuse=reuse)
    assert reuse.reused == len(document.pages)
    assert drawn == alone
    assert "鑫淼犇骉" in _text(drawn)
