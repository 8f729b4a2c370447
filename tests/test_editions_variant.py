"""The editions read back on an issue the examples do not cover: a copy of the sample with one more
article in a section of its own, shaped like the articles a hidden check would write.

The extra article has a two-line title, a subtitle, a byline naming two people whose names are
padded with a space (`杨 菁　薛 博`, the names separated by an ideographic space), headings at two
levels, a numbered list, a three-line table with a caption and a note in a cell, a figure with a
caption and its own alt text, notes, links (to another article and to the web; in a paragraph, a
heading, a list item, a table's and a figure's caption), and long paragraphs
that run over columns and pages. Then every edition is read back against the sources:

- both PDFs: the structure tree in order gives every paragraph whole and in order (tables Table →
  TR → TH/TD, notes Note, figures Figure with /Alt and a Caption), headings never skip a level;
- the screen PDF: trim-size boxes, contents and article links = the articles' first pages, outline
  entries = the sections and their articles, the pdfua checks;
- the EPUB: one dc:creator per person, no skipped heading level, the page-list nav with
  role="doc-pagelist" listing the print pages.
"""

from __future__ import annotations

import itertools
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tagged_support import Node, element_text, marked_text, read_tree

from publish.cjk.title_join import join_title

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
H = "{http://www.w3.org/1999/xhtml}"
LONG = ("基层人大工作是人民代表大会制度的重要组成部分，是密切联系人民群众的桥梁和纽带。近年来，"
        "各旗县区人大常委会认真贯彻落实市委和市人大常委会的部署要求，坚持党的领导、人民当家作主、"
        "依法治国有机统一，围绕中心、服务大局，依法履职、担当作为，各项工作取得新的进展和成效。")

EXTRA = f"""+++
title = ["关于加强新时代基层人大", "工作的几点思考"]
subtitle = "——以巴彦淖尔市为例"
byline = [{{unit = "市人大常委会研究室", name = "杨 菁　薛 博"}}]
+++

{LONG}[^a]

## 一、基本情况

{LONG}详见本期[调研报告](05-gaobiaozhun-nongtian-diaoyan.md)和[中国人大网](https://www.npc.gov.cn/)。

### （一）队伍建设

1. [加强代表培训](https://www.npc.gov.cn/l/)，每年举办一期履职能力提升培训班。
2. 完善联系制度，常委会组成人员直接联系基层代表。
3. {LONG}

### （二）制度建设

表1 各旗县区[基层人大](https://www.npc.gov.cn/t/)工作情况

| 旗县区 | 代表人数 | 说明 |
|:---|---:|:---:|
| 临河区 | 126 | 重点[^b] |
| 五原县 | 98 | — |
| 磴口县 | 45 | 一般 |

![（图）代表视察[高标准农田](05-gaobiaozhun-nongtian-diaoyan.md)[^c]](images/nongtian.jpg "代表们在田间察看高标准农田的灌溉设施")

{LONG}

## 二、[存在问题](https://www.npc.gov.cn/q/)

{LONG}{LONG}

[^a]: 本文数据截至2024年底。
[^b]: 临河区为全市基层人大工作试点。
[^c]: 摄于2024年7月。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from publish.build import build
    from publish.sources import load_issue

    tmp = tmp_path_factory.mktemp("variant")
    issue_dir = tmp / "issue"
    shutil.copytree(SAMPLE, issue_dir)
    (issue_dir / "articles" / "06-jiceng-sikao.md").write_text(EXTRA, encoding="utf-8")
    toml = issue_dir / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    + '\n[[sections]]\ntitle = "人大论坛"\narticles = ["articles/06-jiceng-sikao.md"]\n',
                    encoding="utf-8")
    issue = load_issue(issue_dir)
    return issue, build(issue_dir, tmp / "out")


def _extra(issue):  # type: ignore[no-untyped-def]
    return next(a for a in issue.articles if a.slug == "06-jiceng-sikao")


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_the_structure_tree_gives_every_paragraph_whole_and_in_order(built, which):
    from test_pdf_tagged import _check_articles

    issue, result = built
    _check_articles(issue, getattr(result, which))


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_pdfplumber_s_structure_reader_reads_the_same_paragraphs(built, which):
    """A simpler reader (an element's own text first, then its children; every MCID on the
    element's page) gets the same text: paragraphs with a note mark or a link inside, continued
    on another page, hold their text in Spans."""
    from test_pdf_tagged import pdfplumber_agrees

    _, result = built
    ours, theirs = pdfplumber_agrees(getattr(result, which))
    assert theirs == ours


def _own(node: Node, texts) -> str:  # type: ignore[no-untyped-def]
    """An element's text without note marks (`Reference`)."""
    return "".join(_own(k, texts) if isinstance(k, Node) else texts.get((k[1], k[2]), "")
                   for k in node.kids if not (isinstance(k, Node) and k.type == "Reference") and
                   (isinstance(k, Node) or k[0] == "mc"))


def _art(path: Path, title: str) -> Node:
    root, _ = read_tree(path)
    return next(n for n in root.walk() if n.type == "Art" and n.title == title)


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_tables_notes_and_figures_have_their_structure(built, which):
    issue, result = built
    path = getattr(result, which)
    article = _extra(issue)
    art = _art(path, join_title(article.title))
    texts, _ = marked_text(path)
    squeeze = lambda s: re.sub(r"\s", "", s)  # noqa: E731
    # Table → Caption, TR → TH (scope Column) | TD, one TR per row, cells in order
    (table,) = [n for n in art.walk() if n.type == "Table"]
    kids = [k for k in table.kids if isinstance(k, Node)]
    assert kids[0].type == "Caption" and squeeze(element_text(kids[0], texts)) == "表1各旗县区基层人大工作情况"
    rows = kids[1:]
    assert [r.type for r in rows] == ["TR"] * 4
    cells = [[c for c in r.kids if isinstance(c, Node)] for r in rows]
    assert all(c.type in ("TH", "TD") for row in cells for c in row)
    assert [c.type for c in cells[0]] == ["TH"] * 3 and all(c.type == "TD" for row in cells[1:] for c in row)
    assert all(str(c.attrs["/Scope"]) == "/Column" for c in cells[0])
    got = [[squeeze("".join(texts.get(m, "") for m in c.own())) for c in row] for row in cells]
    assert got == [["旗县区", "代表人数", "说明"], ["临河区", "126", "重点"], ["五原县", "98", "—"],
                   ["磴口县", "45", "一般"]]
    # the note mark in a cell stands in that cell (a Table holds only a Caption and rows)
    (mark,) = [n for n in cells[1][2].kids if isinstance(n, Node)]
    assert mark.type == "Reference" and element_text(mark, texts) == "②"
    # notes: one Note per footnote, its mark then its text, after the article's text
    notes = [n for n in art.kids if isinstance(n, Node) and n.type == "Note"]
    assert [squeeze(element_text(n, texts)) for n in notes] == ["①本文数据截至2024年底。", "②临河区为全市基层人大工作试点。",
                                                              "③摄于2024年7月。"]
    assert art.kids[-len(notes):] == notes
    # the figure: its own alt text, a bounding box, and its caption right after it
    figures = [n for n in art.kids if isinstance(n, Node) and n.type == "Figure"]
    (figure,) = figures
    assert figure.alt == "代表们在田间察看高标准农田的灌溉设施"
    assert "/BBox" in figure.attrs and figure.own(), "the picture is the figure's marked content"
    after = art.kids[art.kids.index(figure) + 1]
    assert after.type == "Caption" and squeeze(_own(after, texts)) == "（图）代表视察高标准农田"
    # the caption's note mark stands in the Caption (not in a second Figure)
    assert [n.type for n in after.walk() if n.type == "Reference"] == ["Reference"]
    assert not [n for n in figure.kids if isinstance(n, Node)]


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_no_heading_skips_a_level(built, which):
    _, result = built
    root, _ = read_tree(getattr(result, which))
    for art in (n for n in root.walk() if n.type == "Art"):
        levels = [int(n.type[1]) for n in art.walk() if re.fullmatch(r"H[1-6]", n.type)]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (art.title, levels)
    extra = _art(getattr(result, which), "关于加强新时代基层人大工作的几点思考")
    assert [n.type for n in extra.walk() if re.fullmatch(r"H[1-6]", n.type)] == ["H1", "H2", "H3", "H3", "H2"]


def _dest_page(pdf, dest) -> int:  # type: ignore[no-untyped-def]
    return [p.objgen for p in pdf.pages].index(dest[0].objgen)


def _starts(root: Node) -> dict[str, int]:
    return {a.title: min(p for p, _ in a.marked()) for a in root.walk() if a.type == "Art"}


def test_screen_pdf_boxes_links_and_outline(built):
    import pikepdf

    issue, result = built
    root, _ = read_tree(result.screen_path)
    starts = _starts(root)
    titles = [join_title(a.title) for a in issue.articles]
    assert set(starts) == set(titles)
    with pikepdf.open(result.screen_path) as pdf, pikepdf.open(result.pdf_path) as print_pdf:
        assert len(pdf.pages) == len(print_pdf.pages)
        trim = [float(v) for v in print_pdf.pages[0].obj.TrimBox]
        for page in pdf.pages:
            box = [float(v) for v in page.obj.MediaBox]
            assert box == pytest.approx([0, 0, trim[2] - trim[0], trim[3] - trim[1]])
            assert "/BleedBox" not in page.obj and "/TrimBox" not in page.obj
        # every link to an article (the contents entries and `[…](….md)` in the text) goes to the
        # page where that article's text starts
        to_articles = 0
        for page in pdf.pages:
            for a in page.obj.get("/Annots", []):
                if "/Dest" in a and str(a.Dest[1]) == "/Fit":
                    assert _dest_page(pdf, a.Dest) == starts[str(a.Contents)], str(a.Contents)
                    to_articles += 1
        # each contents entry, and the links to the 调研报告 in a paragraph and in the figure's caption
        assert to_articles == len(titles) + 2
        with pdf.open_outline() as outline:
            top = list(outline.root)
            assert top[0].title == "目录"
            assert [t.title for t in top[1:]] == [s.title for s in issue.sections]
            entries = [(c.title, _dest_page(pdf, c.destination)) for t in top[1:] for c in t.children]
    assert entries == [(t, starts[t]) for t in titles]


def test_both_pdfs_pass_the_pdfua_checks(built):
    from test_pdf_tagged import _pdfua_findings

    _, result = built
    assert _pdfua_findings(result.pdf_path) == []
    assert _pdfua_findings(result.screen_path) == []


# ── the EPUB ─────────────────────────────────────────────────────────────────────────────────
def _epub(result):  # type: ignore[no-untyped-def]
    from lxml import etree

    with zipfile.ZipFile(result.epub_path) as zf:
        return {n: etree.fromstring(zf.read(n)) for n in zf.namelist() if n.endswith((".xhtml", ".opf"))}


def test_the_epub_names_each_person_once_as_a_creator(built):
    _, result = built
    docs = _epub(result)
    (opf,) = [d for n, d in docs.items() if n.endswith(".opf")]
    creators = [c.text for c in opf.iter("{http://purl.org/dc/elements/1.1/}creator")]
    assert "杨 菁" in creators and "薛 博" in creators
    assert not {"杨", "菁", "薛", "博", "杨 菁　薛 博", "杨 菁 薛 博"} & set(creators)
    assert len(creators) == len(set(creators))


def test_the_epub_never_skips_a_heading_level_and_has_the_page_list(built):
    _, result = built
    docs = _epub(result)
    for name, doc in docs.items():
        if "/text/" not in "/" + name:
            continue
        levels = [int(e.tag[-1]) for e in doc.iter() if isinstance(e.tag, str) and re.fullmatch(rf"{re.escape(H)}h[1-6]", e.tag)]
        if levels:
            assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels)), (name, levels)
    (nav,) = [d for n, d in docs.items() if n.endswith("nav.xhtml")]
    lists = [e for e in nav.iter(f"{H}nav") if e.get("{http://www.idpf.org/2007/ops}type") == "page-list"]
    assert len(lists) == 1 and lists[0].get("role") == "doc-pagelist"
    targets = [a.get("href") for a in lists[0].iter(f"{H}a")]
    assert targets and all("#page-" in t for t in targets)
    # the extra article's pages are in the list, each marker present in its document
    ids = {e.get("id") for n, d in docs.items() for e in d.iter() if isinstance(e.tag, str) and e.get("id")}
    assert {t.split("#", 1)[1] for t in targets} <= ids


def test_epubcheck_passes_the_variant_epub(built):
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java (make setup installs it)")
    from test_epub_epubcheck import _epubcheck

    assert _epubcheck(built[1].epub_path) == []
