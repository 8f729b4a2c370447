"""Tables, notes and pictures in both editions, read back: the print PDF with pdfplumber (a row's
cells on one baseline, rows in order, a long table's header repeated where it continues, each note
at the foot of its reference's page, a caption within a line under its picture, no text on a
picture) and the EPUB (table markup, note references and footnotes with back links, alt text,
converted TIFF/WebP, EPUBCheck with no message)."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publish.build import build
from publish.model import Figure, NoteRef, Table, block_note_refs, note_mark
from publish.sources import load_issue

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample"
XHTML = "http://www.w3.org/1999/xhtml"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

LONG_ROWS = 46  # more rows than a column holds: the table breaks, its header repeated
LONG_TABLE = "表2 各苏木镇项目清单\n| 序号 | 项目名称 | 面积 |\n|---:|:---|---:|\n" + "".join(
    f"| {k} | 第{k}号高标准农田项目 | {k * 3 + 0.5} |\n" for k in range(1, LONG_ROWS + 1))
LONG_NOTE = "据统计，" + "各旗县区在项目建设中严格执行招投标制度和工程监理制度，" * 60 + "完。"

ARTICLES = {
    "long-table": f"""+++
title = "项目清单"
+++

下表列出了各项目[^a]。

{LONG_TABLE}
表后的说明文字，项目均已验收[^b]。

[^a]: 清单由市农牧局提供。
[^b]: 验收结果另行公布。
""",
    "long-note": f"""+++
title = "长注释"
+++

{"这是正文的一段文字，用来占据版面。" * 40}此处有一个很长的注释[^long]。

{"后面的正文继续排下去，直到页面结束。" * 60}

[^long]: {LONG_NOTE}
""",
    "photos": """+++
title = "图片新闻"
+++

春耕时节，各地农机具陆续下田作业。

![春耕现场](images/spring.tif)

![](images/field.webp "整修后的田间道路")

农牧部门组织技术人员深入田间地头，指导农户科学备耕。
""",
}


def make_issue(root: Path, layout_patch: dict[str, str] | None = None) -> Path:
    shutil.copytree(SAMPLE, root)
    Image.new("RGB", (1200, 900), (90, 140, 60)).save(root / "images" / "spring.tif")
    Image.new("RGB", (1200, 900), (150, 140, 120)).save(root / "images" / "field.webp", quality=90)
    toml = (root / "issue.toml").read_text(encoding="utf-8")
    toml += '\n[[sections]]\ntitle = "专题"\narticles = [\n'
    for name, text in ARTICLES.items():
        (root / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
        toml += f'  "articles/{name}.md",\n'
    toml += "]\n"
    if layout_patch is not None:
        layout = (REPO / "layouts" / "magazine-16k.toml").read_text(encoding="utf-8")
        for old, new in layout_patch.items():
            assert old in layout
            layout = layout.replace(old, new)
        (root / "switched.toml").write_text(layout, encoding="utf-8")
        toml = toml.replace('layout = "magazine-16k"', 'layout = "switched.toml"')
    (root / "issue.toml").write_text(toml, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_issue(tmp_path_factory.mktemp("blocks") / "issue")
    out = root.parent / "out"
    result = build(root, out)
    issue = load_issue(root)
    with pdfplumber.open(result.pdf_path) as pdf:
        pages = [_page(p) for p in pdf.pages]
    return issue, result, pages


@pytest.fixture(scope="module")
def switched(tmp_path_factory):
    """The same issue with the layout's switches thrown: arabic note marks, fully ruled tables."""
    patch = {"[figure]": '[notes]\nmarks = "arabic"\n\n[table]\nrules = "full"\n\n[figure]'}
    root = make_issue(tmp_path_factory.mktemp("switched") / "issue", patch)
    result = build(root, root.parent / "out", epub=False)
    with pdfplumber.open(result.pdf_path) as pdf:
        pages = [_page(p) for p in pdf.pages]
    return load_issue(root), pages


def _page(p) -> dict:
    chars = [dict(text=c["text"], x0=c["x0"], x1=c["x1"], top=c["top"], bottom=c["bottom"], size=round(c["size"], 2))
             for c in p.chars]
    images = [dict(x0=i["x0"], x1=i["x1"], top=i["top"], bottom=i["bottom"]) for i in p.images]
    # rules inside the trim box (not the crop marks outside it)
    tx0, ty0, tx1, ty1 = p.trimbox
    lines = [dict(x0=ln["x0"], x1=ln["x1"], top=ln["top"], bottom=ln["bottom"]) for ln in p.lines
             if tx0 <= ln["x0"] <= tx1 and tx0 <= ln["x1"] <= tx1 and ty0 <= ln["top"] <= ty1 and ty0 <= ln["bottom"] <= ty1]
    return {"chars": chars, "images": images, "lines": lines, "text": "".join(c["text"] for c in chars)}


def _lines(page) -> list[tuple[float, float, str]]:
    """Printed lines as (baseline, size, text): characters on one baseline at one size, by x."""
    groups: dict[tuple[float, float], list] = {}
    for c in page["chars"]:
        groups.setdefault((round(c["bottom"], 1), c["size"]), []).append(c)
    return [(b, s, "".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"]))) for (b, s), cs in groups.items()]


def _article(issue, slug):
    return next(a for a in issue.articles if a.slug == slug)


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


# ── print: tables ──────────────────────────────────────────────────────────────────────────────
def _row_baselines(pages, table) -> list[tuple[int, float]]:
    """(page, baseline) of each body row: every cell of the row on that one line, else a failure."""
    out = []
    for row in table.body:
        texts = [_squeeze(c.text) for c in row.cells if c.text.strip()]
        found = None
        for n, page in enumerate(pages):
            by_line: dict[tuple[float, float], str] = {}
            for base, _size, text in _lines(page):
                by_line[(base, _size)] = text
            for (base, _size), text in by_line.items():
                if all(t in _squeeze(text) for t in texts) and texts[0] in _squeeze(text):
                    found = (n, base)
                    break
            if found:
                break
        assert found is not None, f"row {texts} is not on one line anywhere"
        out.append(found)
    return out


def test_every_cell_of_a_row_is_on_one_baseline_and_rows_are_in_order(built):
    issue, _result, pages = built
    for slug in ("05-gaobiaozhun-nongtian-diaoyan", "long-table"):
        table = next(b for b in _article(issue, slug).blocks if isinstance(b, Table))
        where = _row_baselines(pages, table)
        # reading order: page by page, and down the page (or on to the next column: y restarts)
        assert [p for p, _y in where] == sorted(p for p, _y in where)


def test_numbers_in_a_right_aligned_column_end_at_one_x(built):
    issue, _result, pages = built
    table = next(b for b in _article(issue, "05-gaobiaozhun-nongtian-diaoyan").blocks if isinstance(b, Table))
    page = next(p for p in pages if "126.5" in p["text"] and "1,850" in p["text"])
    ends = []
    for row in table.body:
        value = row.cells[3].text  # 亩均投入（元）: right-aligned by the alignment row
        chars = [c for c in page["chars"] if c["text"] == value[-1]]
        line = [c for c in chars if any(abs(c["bottom"] - d["bottom"]) < 0.5 for d in page["chars"]
                                         if d["text"] == row.cells[0].text[0])]
        ends.append(max(c["x1"] for c in line))
    assert max(ends) - min(ends) < 0.5, ends


def test_a_long_table_breaks_between_rows_with_its_header_repeated(built):
    issue, _result, pages = built
    table = next(b for b in _article(issue, "long-table").blocks if isinstance(b, Table))
    where = _row_baselines(pages, table)
    header = _squeeze("".join(c.text for c in table.header[0].cells))
    heads = [(n, base) for n, page in enumerate(pages) for base, _s, text in _lines(page) if header in _squeeze(text)]
    # a column holds at most 37 rows: the table continues at least once, and every part opens with
    # the header, above its first row
    assert len(heads) >= 2
    for n, base in heads:
        below = [y for p, y in where if p == n and y > base]
        assert below, "a header with no rows under it"
    # each body row is set once (the repeated header is the only repetition)
    text = "".join(_squeeze(p["text"]) for p in pages)
    for row in table.body:
        assert text.count(_squeeze(row.cells[1].text)) == 1


def test_a_table_wider_than_a_column_spans_the_columns(built):
    _issue, _result, pages = built
    page = next(p for p in pages if "126.5" in p["text"])
    row = [c for c in page["chars"] if c["text"] in "临河区1,850"]
    # the magazine's columns are 210 pt wide: the row runs across both
    assert max(c["x1"] for c in row) - min(c["x0"] for c in row) > 300


def test_three_line_table_by_default_and_full_rules_by_the_layout_switch(built, switched):
    _issue, _result, pages = built
    page = next(p for p in pages if "126.5" in p["text"])
    assert not [ln for ln in page["lines"] if abs(ln["x0"] - ln["x1"]) < 0.1]  # no vertical rules
    heading_rule = min(ln["top"] for ln in page["lines"])  # under the running header
    horizontal = [ln for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.1 and ln["x1"] - ln["x0"] > 300
                  and ln["top"] > heading_rule]
    assert len(horizontal) == 3  # top, under the header, bottom
    _issue2, pages2 = switched
    page2 = next(p for p in pages2 if "126.5" in p["text"])
    assert len([ln for ln in page2["lines"] if abs(ln["x0"] - ln["x1"]) < 0.1]) >= 5  # 4 columns: 5 edges


# ── print: notes ───────────────────────────────────────────────────────────────────────────────
def _note_checks(issue, pages, marks: str) -> int:
    checked = 0
    for article in issue.articles:
        for note in article.notes:
            block = next(b for b in article.blocks if any(r.number == note.number for r in block_note_refs(b)))
            runs = block.caption if isinstance(block, Table) else getattr(block, "runs", ())
            before = ""
            for r in runs:
                if isinstance(r, NoteRef) and r.number == note.number:
                    break
                before += r.text
            before = _squeeze(before)[-6:]
            ref_page = next(n for n, p in enumerate(pages) if before and before in _squeeze(p["text"]))
            page = pages[ref_page]
            mark = note_mark(note.number, marks)
            body = max(c["size"] for c in page["chars"] if c["text"] in before)
            small = [c for c in page["chars"] if c["text"] == mark[0] and c["size"] < body * 0.7]
            assert small, f"no small raised mark {mark} on the reference's page"
            rule = [ln for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.1 and ln["x1"] - ln["x0"] < 150]
            assert rule, "no short rule above the notes"
            # the notes: the lines under the short rule, in the note size
            foot = sorted((b, s, t) for b, s, t in _lines(page) if b > rule[0]["top"] and s < body)
            assert any(_squeeze(t).startswith(mark) for _b, _s, t in foot), \
                f"note {mark} of {article.slug} is not on its reference's page"
            assert _squeeze(note.text)[:10] in _squeeze("".join(t for _b, _s, t in foot)), article.slug
            checked += 1
    return checked


def test_each_note_is_at_the_foot_of_its_references_page_under_a_short_rule(built):
    issue, _result, pages = built
    assert _note_checks(issue, pages, "circled") >= 5


def test_notes_are_numbered_1_2_3_with_the_layout_switch(switched):
    issue, pages = switched
    assert _note_checks(issue, pages, "arabic") >= 5
    assert not any(c["text"] in "①②③" for p in pages for c in p["chars"])


def test_a_note_too_long_for_the_page_continues_on_the_next(built):
    _issue, _result, pages = built
    start = _squeeze(LONG_NOTE)[:12]
    first = next(n for n, p in enumerate(pages) if start in _squeeze(p["text"]))
    text = _squeeze(pages[first]["text"] + pages[first + 1]["text"])
    assert _squeeze(LONG_NOTE) in _squeeze("".join(
        t for n in (first, first + 1) for _b, s, t in sorted(_lines(pages[n]), key=lambda x: x[0]) if s < 9)), \
        "the note's text is not whole across the two pages"
    assert text.count("完。") >= 1 and _squeeze(LONG_NOTE)[-20:] not in _squeeze(pages[first]["text"])


# ── print: pictures ────────────────────────────────────────────────────────────────────────────
def test_a_caption_is_within_a_line_under_its_picture_and_no_text_is_on_a_picture(built):
    issue, _result, pages = built
    captions = [_squeeze(b.text) for a in issue.articles for b in a.blocks if isinstance(b, Figure) and b.text]
    found = 0
    for page in pages:
        for img in page["images"]:
            for c in page["chars"]:
                inside = c["x0"] < img["x1"] - 0.5 and c["x1"] > img["x0"] + 0.5 and \
                    c["top"] < img["bottom"] - 0.5 and c["bottom"] > img["top"] + 0.5
                assert not inside, f"{c['text']!r} is set on a picture"
            under = [(b, t) for b, s, t in _lines(page) if _squeeze(t) in captions]
            for base, _t in under:
                xs = [c["x0"] for c in page["chars"] if abs(c["bottom"] - base) < 0.1]
                centre = (min(xs) + max(xs)) / 2
                # its baseline less than one body line (16.4 pt) under the picture, centred on it
                if img["bottom"] < base < img["bottom"] + 16.4 and img["x0"] < centre < img["x1"]:
                    found += 1
    assert found == len(captions), (found, captions)


def test_tiff_and_webp_pictures_are_printed(built):
    _issue, _result, pages = built
    page = next(p for p in pages if "春耕现场" in p["text"])
    assert len(page["images"]) >= 1


# ── EPUB ───────────────────────────────────────────────────────────────────────────────────────
def _documents(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def test_epub_tables_have_caption_header_cells_with_scope_and_scroll(built):
    _issue, result, _pages = built
    docs = _documents(result.epub_path)
    tables = [t for d in docs.values() for t in d.iter(f"{{{XHTML}}}table")]
    assert len(tables) == 2
    for t in tables:
        assert t.getparent().get("class") == "table-wrap"
        assert t[0].tag == f"{{{XHTML}}}caption" and t[0].text.startswith("表")
        heads = t.findall(f"{{{XHTML}}}thead/{{{XHTML}}}tr/{{{XHTML}}}th")
        assert heads and all(th.get("scope") == "col" for th in heads)
        rows = t.findall(f"{{{XHTML}}}tbody/{{{XHTML}}}tr")
        assert all(len(r) == len(heads) for r in rows)
    with zipfile.ZipFile(result.epub_path) as z:
        css = z.read("EPUB/styles/main.css").decode()
    assert re.search(r"div\.table-wrap \{ overflow-x: auto;", css)


def test_epub_note_references_and_footnotes_link_both_ways(built):
    issue, result, _pages = built
    docs = _documents(result.epub_path)
    count = 0
    for doc in docs.values():
        ids = {el.get("id"): el for el in doc.iter() if el.get("id")}
        for a in doc.iter(f"{{{XHTML}}}a"):
            if a.get(EPUB_TYPE) != "noteref":
                continue
            count += 1
            assert a.get("role") == "doc-noteref"
            aside = ids[a.get("href")[1:]]
            assert aside.tag == f"{{{XHTML}}}aside" and aside.get(EPUB_TYPE) == "footnote"
            assert aside.get("role") == "doc-footnote"
            back = aside.find(f".//{{{XHTML}}}a[@role='doc-backlink']")
            assert back is not None and ids[back.get("href")[1:]].get(EPUB_TYPE) == "noteref"
    refs = sum(len(block_note_refs(b)) for a in issue.articles for b in a.blocks)
    assert count == refs


def test_epub_alt_text_and_converted_pictures(built):
    _issue, result, _pages = built
    docs = _documents(result.epub_path)
    alts = {img.get("alt") for d in docs.values() for img in d.iter(f"{{{XHTML}}}img")}
    assert {"整修后的田间道路", "春耕现场", "调研组在五原县召开座谈会，听取项目区农户意见"} <= alts
    with zipfile.ZipFile(result.epub_path) as z:
        names = z.namelist()
    assert not [n for n in names if n.endswith((".tif", ".tiff", ".webp"))]
    for d in docs.values():
        for img in d.iter(f"{{{XHTML}}}img"):
            if img.get("alt") in ("春耕现场", "整修后的田间道路"):
                assert img.get("src").endswith(".png" if img.get("alt") == "春耕现场" else ".jpg")


def test_no_raw_markdown_reaches_either_edition(built):
    _issue, result, pages = built
    pdf_text = "".join(p["text"] for p in pages)
    epub_text = "".join("".join(d.itertext()) for d in _documents(result.epub_path).values())
    for text in (pdf_text, epub_text):
        assert "[^" not in text and "|---" not in text and "![" not in text and "| " not in text


@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java (make setup installs it)")
def test_epubcheck_passes_tables_notes_and_pictures(built):
    from test_epub_epubcheck import _epubcheck

    _issue, result, _pages = built
    assert _epubcheck(result.epub_path) == []
