"""The last pagination of an issue kept in the cache (publish.paginate.stored): the first pagination of
new texts keeps their composed lines only; a rebuild that composes nothing anew keeps the pages, and
later rebuilds of the same inputs take them — equal to paginating afresh — and set nothing; a change to anything
the pages depend on (an article's text, the layout, a font file, a figure's picture, the house
advertisements, the code) paginates again; a damaged, foreign or malformed entry is a miss, and
the next pagination replaces it. The kept form gives back the same values, types and all."""

from __future__ import annotations

import importlib
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from publish import cache
from publish.fonts import load_fonts
from publish.layout import load_layout
from publish.paginate import paginate, stored
from publish.paginate.pages import Document, Page, PlacedGlyph, PlacedRun, Rule, TextLine
from publish.sources import load_issue

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
paginate_mod = importlib.import_module("publish.paginate.paginate")


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PUBLISH_JOBS", "1")


@pytest.fixture
def issue_dir(tmp_path) -> Path:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    return root


def loaded(root: Path):
    issue = load_issue(root)
    return issue, load_layout(issue.layout, issue.root), load_fonts(issue.root, dict(issue.fonts))


def counting_paginations(monkeypatch) -> list[int]:
    """How many times the pages are set from now on."""
    calls: list[int] = []
    real = paginate_mod.paginate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(paginate_mod, "paginate", counting)
    return calls


def kept(issue, layout, fonts) -> tuple[Document, bool]:
    """The pages and whether they were made here (and then their cache writes made)."""
    document, keep = stored.paginate_kept(issue, layout, fonts)
    if keep is not None:
        keep()
    return document, keep is not None


def kinds_in(cache_dir: Path) -> set[str]:
    return {p.parent.name for p in cache_dir.rglob("*.bin")}


def test_a_rebuild_keeps_the_pages_and_the_next_takes_them(issue_dir, monkeypatch, tmp_path):
    issue, layout, fonts = loaded(issue_dir)
    first, made = kept(issue, layout, fonts)
    assert made
    # new texts: their composed lines are kept, not the pages
    assert {"composed", "composed-lines"} <= kinds_in(tmp_path / "cache")
    assert stored.KIND not in kinds_in(tmp_path / "cache")
    second, made = kept(*loaded(issue_dir))  # read again, as a new build does
    assert made and second == first  # paginated again, from the composed lines: now the pages are kept
    assert stored.KIND in kinds_in(tmp_path / "cache")
    calls = counting_paginations(monkeypatch)
    again, made = kept(*loaded(issue_dir))
    assert not made and calls == []
    assert again == first == paginate(issue, layout, fonts)
    assert [type(it.glyphs) for p in again.pages for it in p.items if isinstance(it, TextLine)] == \
           [type(it.glyphs) for p in first.pages for it in p.items if isinstance(it, TextLine)]


def test_a_caller_with_time_to_spare_keeps_the_pages_of_new_texts_at_once(issue_dir, monkeypatch, tmp_path):
    issue, layout, fonts = loaded(issue_dir)
    first, keep = stored.paginate_kept(issue, layout, fonts)
    assert keep is not None
    keep(True)
    assert {"composed", "composed-lines", stored.KIND} <= kinds_in(tmp_path / "cache")
    calls = counting_paginations(monkeypatch)
    again, made = kept(*loaded(issue_dir))
    assert not made and calls == [] and again == first


def test_progress_is_told_every_article_either_way(issue_dir):
    issue, layout, fonts = loaded(issue_dir)
    for _ in range(3):  # made, made and kept, taken
        told: list[int] = []
        _doc, keep = stored.paginate_kept(issue, layout, fonts, progress=told.append)
        if keep is not None:
            keep()
        assert told[-1] == len(issue.articles) and told == sorted(told)


def edit_first_article(root: Path, added: str) -> None:
    path = sorted((root / "articles").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{added}\n", encoding="utf-8")


def test_edited_text_is_paginated_again(issue_dir, monkeypatch):
    kept(*loaded(issue_dir))
    kept(*loaded(issue_dir))  # the rebuild that keeps the pages
    assert kept(*loaded(issue_dir))[1] is False  # the next takes them
    edit_first_article(issue_dir, "新加的一段话，只在这一篇里。")
    calls = counting_paginations(monkeypatch)
    issue, layout, fonts = loaded(issue_dir)
    document, made = kept(issue, layout, fonts)
    assert made and calls == [1]
    assert "新加的一段话" in "".join(it.text for p in document.pages for it in p.items if isinstance(it, TextLine))


def test_another_layout_or_font_file_or_code_is_paginated_again(issue_dir, monkeypatch, tmp_path):
    issue, layout, fonts = loaded(issue_dir)
    kept(issue, layout, fonts)
    kept(issue, layout, fonts)  # the rebuild that keeps the pages
    assert kept(issue, layout, fonts)[1] is False
    before = stored.inputs_key(issue, layout, fonts)
    assert before is not None and stored.inputs_key(*loaded(issue_dir)) == before  # stable
    smaller = replace(layout, styles={**layout.styles, "title": replace(layout.styles["title"],
                                                                        size=layout.styles["title"].size - 2)})
    assert stored.inputs_key(issue, smaller, fonts) != before
    calls = counting_paginations(monkeypatch)
    assert kept(issue, smaller, fonts)[0] == paginate(issue, smaller, fonts)
    assert calls == [1]  # (the direct call above is not counted)
    face = fonts.face("body")  # the same face file replaced in place: another mtime
    original = face.path
    copy = tmp_path / original.name
    shutil.copy2(original, copy)
    os.utime(copy, ns=(1, 1))
    object.__setattr__(face, "path", copy)
    try:
        assert stored.inputs_key(issue, layout, fonts) != before
    finally:
        object.__setattr__(face, "path", original)
    monkeypatch.setattr(stored, "_code_digest", lambda: "another version of the code")
    assert stored.inputs_key(issue, layout, fonts) != before


def test_a_figure_picture_or_the_house_advertisements_change_the_key(issue_dir):
    issue, layout, fonts = loaded(issue_dir)
    before = stored.inputs_key(issue, layout, fonts)
    picture = sorted((issue_dir / "images").iterdir())[0]
    with Image.open(picture) as im:
        wider = im.resize((im.width * 2, im.height))
    wider.save(picture)  # same path, other pixels (and size)
    assert stored.inputs_key(*loaded(issue_dir)) != before
    before = stored.inputs_key(*loaded(issue_dir))
    (issue_dir / "fillers").mkdir()
    Image.new("RGB", (20, 28), "red").save(issue_dir / "fillers" / "ad.png")
    assert stored.inputs_key(*loaded(issue_dir)) != before


def entry_file(tmp_path: Path) -> Path:
    files = list((tmp_path / "cache").rglob(f"{stored.KIND}/*.bin"))
    assert len(files) == 1  # one entry per issue
    return files[0]


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign"])
def test_a_damaged_entry_is_a_miss_and_is_replaced(issue_dir, tmp_path, monkeypatch, damage):
    issue, layout, fonts = loaded(issue_dir)
    first, _ = kept(issue, layout, fonts)
    kept(issue, layout, fonts)  # the rebuild that keeps the pages
    entry = entry_file(tmp_path)
    data = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        entry.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    else:
        entry.write_bytes(b"not an entry at all")
    calls = counting_paginations(monkeypatch)
    again, made = kept(issue, layout, fonts)
    assert made and calls == [1] and again == first
    assert kept(issue, layout, fonts) == (first, False)  # replaced by a good one
    assert calls == [1]


def test_an_entry_made_from_other_inputs_or_malformed_is_a_miss(issue_dir):
    issue, layout, fonts = loaded(issue_dir)
    key = stored.inputs_key(issue, layout, fonts)
    assert key is not None
    document = paginate(issue, layout, fonts)
    stored.store(issue, "the key of other inputs", document)
    assert stored.load(issue, key) is None
    stored.store(issue, key, document)
    assert stored.load(issue, key) == document
    # sealed by the cache, yet not what `store` writes
    import marshal

    for wrong in [(key,), (key, ("text", b"\0" * 8, (), [])), (key, ("字", b"", (), [])), ["not", "a", "tuple"]]:
        cache.put_bytes(stored.KIND, stored._entry(issue), marshal.dumps(wrong))
        assert stored.load(issue, key) is None


def test_the_kept_form_gives_back_the_same_values():
    run = PlacedRun(("中", "A", "，"), (0.0, -0.0, 1e-300), (10.0, 5.5, float("inf")), ("body", "latin", "body"))
    records = (PlacedGlyph("字", 1.25, 10.0, "title"), PlacedGlyph("x", 11.25, 5.0, "title~1"))
    page = Page(0, 3, "right", "动态", (TextLine(1.0, 2.0, 10.0, run, "body", "a", 1, 2, "", 5, True, 3),
                                       Rule(0.0, 1.0, 2.0, 3.0, 0.25),
                                       TextLine(3.0, 4.0, 9.0, records, "toc", target="a")), "body")
    document = Document(100.0, 200.0, 3.0, (page,), title="题", meta={"issn": "1234-5678"})
    back = stored.decode(stored.encode(document))
    assert back == document
    line, rule, toc = back.pages[0].items
    assert type(line.glyphs) is PlacedRun and type(toc.glyphs) is tuple and type(rule) is Rule
    assert str(line.glyphs.xs[1]) == "-0.0" and line.glyphs.widths[2] == float("inf")
    assert line.repeat is True and type(line.note) is int
    # what the form cannot hold is not kept
    with_int = replace(document, pages=(replace(page, items=(TextLine(0.0, 0.0, 10.0, PlacedRun(
        ("中",), (0,), (10.0,), ("body",))),)),))
    assert stored.encode(with_int) is None
    two_points = replace(document, pages=(replace(page, items=(TextLine(0.0, 0.0, 10.0, PlacedRun(
        ("👍🏽",), (0.0,), (10.0,), ("body",))),)),))
    assert stored.encode(two_points) is None


def test_a_build_with_kept_pages_writes_the_same_files(issue_dir, tmp_path, monkeypatch):
    from publish.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    first = build(issue_dir, tmp_path / "first", epub_fonts=False)
    second = build(issue_dir, tmp_path / "second", epub_fonts=False)  # keeps the pages
    calls = counting_paginations(monkeypatch)
    third = build(issue_dir, tmp_path / "third", epub_fonts=False)
    assert calls == []
    for made in (second, third):
        for a, b in ((first.pdf_path, made.pdf_path), (first.screen_path, made.screen_path),
                     (first.epub_path, made.epub_path)):
            assert a is not None and b is not None and a.read_bytes() == b.read_bytes()


def test_the_cache_writes_of_a_pagination_wait_for_keep(issue_dir, tmp_path):
    """A build makes them after its own editions: the composed text of new texts, the pages of a rebuild."""
    issue, layout, fonts = loaded(issue_dir)
    _document, keep = stored.paginate_kept(issue, layout, fonts)
    assert keep is not None
    assert not kinds_in(tmp_path / "cache") & {"composed", "composed-lines", stored.KIND}
    keep()
    assert {"composed", "composed-lines"} <= kinds_in(tmp_path / "cache")
    _document, keep = stored.paginate_kept(*loaded(issue_dir))
    assert keep is not None and stored.KIND not in kinds_in(tmp_path / "cache")
    keep()
    assert stored.KIND in kinds_in(tmp_path / "cache")
