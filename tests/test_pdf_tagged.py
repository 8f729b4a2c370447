"""Both PDFs are tagged: read back, the structure tree gives every article's text whole and in
order; headers, folios, rules and crop marks are artifacts; the machine-checkable PDF/UA-1 rules
of the `pdfua` package pass (and the XMP says PDF/UA-1 only because they do).

Two issues: the sample example built by `publish build` (print + screen), and the hand-made issue
of tests/epub_cases.py (a figure with a caption, list items, a heading of each level, a note, a
signature), paginated with the system fonts and drawn by both writers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tagged_support import Node, element_text, marked_text, read_tree

from publish.cjk.title_join import join_title
from publish.model import Figure, Heading, ListItem, Table, heading_depths
from publish.paginate.setting import byline_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
TEXT_TYPES = {"H1", "H2", "H3", "H4", "H5", "H6", "P", "Lbl", "LBody", "Caption", "TH", "TD"}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from publish.build import build
    from publish.sources import load_issue

    out = tmp_path_factory.mktemp("tagged")
    result = build(SAMPLE, out, epub=False)
    return load_issue(SAMPLE), result


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    from epub_cases import make_issue

    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate
    from publish.pdf import write_pdf, write_screen_pdf

    tmp = tmp_path_factory.mktemp("handmade")
    issue = make_issue(tmp)
    fonts = load_fonts(None)
    document = paginate(issue, load_layout(issue.layout, issue.root), fonts)
    return issue, document, write_pdf(document, fonts, tmp / "print.pdf"), \
        write_screen_pdf(document, fonts, tmp / "screen.pdf")


def expected_elements(article) -> list[tuple[str, str]]:
    """(structure type, text without spaces) of an article's text elements, in reading order."""
    out = [("H1", _squeeze(article.title_text))] if article.title else []
    if article.subtitle:
        out.append(("P", _squeeze(article.subtitle)))
    if article.bylines:
        out.append(("P", _squeeze("".join(byline_text(b) for b in article.bylines))))
    depths = heading_depths(article)
    for i, block in enumerate(article.blocks):
        if isinstance(block, Heading):
            out.append((f"H{depths[i]}", _squeeze(block.text)))
        elif isinstance(block, ListItem):
            out += [("Lbl", _squeeze(block.label)), ("LBody", _squeeze(block.text[len(block.label):]))]
        elif isinstance(block, Figure):
            if block.caption:
                out.append(("Caption", _squeeze(block.text)))
        elif isinstance(block, Table):
            if block.caption:
                out.append(("Caption", _squeeze("".join(r.text for r in block.caption))))
            for row in block.rows:
                out += [("TH" if row.header else "TD", _squeeze(c.text)) for c in row.cells if c.text.strip()]
        else:
            out.append(("P", _squeeze(block.text)))
    return out


def _articles(root: Node) -> list[Node]:
    return [n for n in root.walk() if n.type == "Art"]


def _own_text(node: Node, texts) -> str:
    """The element's text without the note marks (`Reference` children): the source's text."""
    out = []
    for k in node.kids:
        if isinstance(k, Node):
            if k.type != "Reference":
                out.append(_own_text(k, texts))
        elif k[0] == "mc":
            out.append(texts.get((k[1], k[2]), ""))
    return "".join(out)


def _text_elements(art: Node, texts) -> list[tuple[str, str]]:
    return [(n.type, _squeeze(_own_text(n, texts))) for n in art.walk() if n.type in TEXT_TYPES]


def _notes(art: Node, texts) -> list[str]:
    return [_squeeze(element_text(n, texts)) for n in art.walk() if n.type == "Note"]


def _check_articles(issue, path: Path) -> None:
    root, _ = read_tree(path)
    texts, _ = marked_text(path)
    assert root.type == "Document"
    sects = [n for n in root.kids if isinstance(n, Node) and n.type == "Sect"]
    assert [s.title for s in sects] == [s.title for s in issue.sections if s.articles]
    arts = _articles(root)
    assert [a.title for a in arts] == [join_title(a.title) for a in issue.articles]
    for art, article in zip(arts, issue.articles, strict=True):
        assert _text_elements(art, texts) == expected_elements(article), article.slug
        # each footnote is one Note (its mark, then its text), in number order
        marks = [_squeeze(n.text) for n in getattr(article, "notes", ())]
        assert [t[1:] for t in _notes(art, texts)] == marks, article.slug


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_the_structure_tree_gives_every_article_whole_and_in_order(sample, which):
    issue, result = sample
    _check_articles(issue, getattr(result, which))


@pytest.mark.parametrize("which", [2, 3])
def test_every_block_type_of_the_hand_made_issue_reads_back(handmade, which):
    issue, _, *paths = handmade
    _check_articles(issue, paths[which - 2])


def test_a_figure_has_its_caption_as_alt_text_and_a_bounding_box_and_lists_are_l_li_lbody(handmade):
    _, _, print_pdf, _ = handmade
    root, _ = read_tree(print_pdf)
    figures = [n for n in root.walk() if n.type == "Figure"]
    assert [f.alt for f in figures] == ["会议现场"]
    assert figures[0].marked(), "the image itself is the figure's marked content"
    bbox = [float(v) for v in figures[0].attrs["/BBox"]]
    assert bbox[2] > bbox[0] and bbox[3] > bbox[1]
    lists = [n for n in root.walk() if n.type == "L"]
    assert len(lists) == 1
    items = [k for k in lists[0].kids if isinstance(k, Node)]
    assert [i.type for i in items] == ["LI", "LI"]
    assert all([k.type for k in i.kids] == ["Lbl", "LBody"] for i in items)


def test_headings_never_skip_a_level_within_an_article(sample, handmade):
    for path in (sample[1].pdf_path, handmade[2]):
        root, _ = read_tree(path)
        for art in _articles(root):
            levels = [int(n.type[1]) for n in art.walk() if re.fullmatch(r"H[1-6]", n.type)]
            assert all(b <= a + 1 for a, b in zip([1, *levels], levels, strict=False)), levels


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_headers_and_folios_are_artifacts_and_almost_no_glyph_is_untagged(sample, which):
    import pdfplumber
    import pikepdf

    from publish.layout import load_layout

    issue, result = sample
    path = getattr(result, which)
    layout = load_layout(issue.layout, issue.root)
    _, census = marked_text(path)
    total = sum(census.values())
    assert census["untagged"] / total < 0.005
    assert census["untagged"] == 0
    with pikepdf.open(path) as pdf:
        labels = [p.label for p in pdf.pages]
    headed = 0
    with pdfplumber.open(path) as pdf:
        for page, label in zip(pdf.pages, labels, strict=True):
            trim = page.trimbox if which == "pdf_path" else page.mediabox
            band = trim[1] + layout.margin_top  # the running header stands above the text block
            top = [c for c in page.chars if c["top"] < band]
            if not top:
                continue  # a page without a running header (an article opening, a blank filler)
            headed += 1
            assert all(c.get("tag") == "Artifact" and c.get("mcid") is None for c in top), page.page_number
            assert label in "".join(c["text"] for c in top), "the folio is in the header band, as an artifact"
            body = [c for c in page.chars if c["top"] >= band]
            assert all(c.get("mcid") is not None for c in body), "the text block is tagged content"
    assert headed >= len(labels) // 2


def test_the_parent_tree_maps_every_marked_content_id_to_its_element(sample):
    import pikepdf

    path = sample[1].screen_path
    texts, _ = marked_text(path)
    root, pdf = read_tree(path)
    owner: dict[tuple[int, int], str] = {}
    for n in root.walk():
        for m in n.own():
            assert m not in owner, f"MCID {m} owned twice"
            owner[m] = n.type
    assert set(texts) <= set(owner), "every tagged text sequence in the content has an element"
    assert {owner[m] for m in set(owner) - set(texts)} <= {"Figure"}, "the others are pictures"
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for i, page in enumerate(pdf.pages):
        if "/StructParents" not in page.obj:
            continue
        parents = tree[int(page.obj.StructParents)]
        assert isinstance(parents, pikepdf.Array)
        for mcid, elem in enumerate(parents):
            assert str(elem.S)[1:] == owner[(i, mcid)]


def _pdfua_findings(path: Path) -> list[str]:
    from pdfua import validate

    report = validate(str(path))
    return [f"{f.rule_id} {f.severity.name}: {f.message}" for f in report.findings]


@pytest.mark.parametrize("which", ["pdf_path", "screen_path"])
def test_the_pdfua_checks_pass_and_the_xmp_claims_pdfua_1(sample, which):
    import pikepdf

    path = getattr(sample[1], which)
    assert _pdfua_findings(path) == []
    with pikepdf.open(path) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert str(pdf.Root.Lang) == "zh-CN"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert "/RoleMap" not in pdf.Root.StructTreeRoot, "only standard structure types are used"


def test_the_pdfua_checker_notices_an_untagged_file(sample, tmp_path):
    import pikepdf

    with pikepdf.open(sample[1].screen_path) as pdf:
        del pdf.Root["/StructTreeRoot"]
        del pdf.Root["/MarkInfo"]
        pdf.save(tmp_path / "untagged.pdf")
    findings = _pdfua_findings(tmp_path / "untagged.pdf")
    assert any(f.startswith("UA-01-005") for f in findings) and any(f.startswith("UA-01-002") for f in findings)


def test_both_pdfs_are_byte_identical_when_drawn_again(handmade):
    from publish.fonts import load_fonts
    from publish.pdf import render_pdf, render_screen_pdf

    _, document, print_pdf, screen_pdf = handmade
    fonts = load_fonts(None)
    assert render_pdf(document, fonts) == print_pdf.read_bytes()
    assert render_screen_pdf(document, fonts) == screen_pdf.read_bytes()


def test_pdfplumber_s_structure_reader_gets_the_same_paragraphs(sample):
    """pdfplumber pairs each MCID with its element's page: a paragraph continued on the next page
    is split into one Span per page so that this simpler reader also gets it whole."""
    path = sample[1].pdf_path
    root, _ = read_tree(path)
    assert any(len({p for p, _ in n.marked()}) > 1 for n in root.walk() if n.type == "P"), \
        "the sample has a paragraph continued on another page"
    ours, theirs = pdfplumber_agrees(path)
    assert theirs == ours


def pdfplumber_agrees(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The text elements as our reader gets them (the spec's) and as pdfplumber's structure
    reader does (an element's own MCIDs on its /Pg, then its children), note marks left out."""
    import pdfplumber
    from pdfplumber.structure import PDFStructTree

    texts, _ = marked_text(path)
    root, _ = read_tree(path)
    ours = [(n.type, _own_text(n, texts)) for n in root.walk() if n.type in TEXT_TYPES]
    with pdfplumber.open(path) as pdf:
        by_page = {}
        for page in pdf.pages:
            for ch in page.chars:
                if ch.get("mcid") is not None:
                    by_page.setdefault((page.page_number, ch["mcid"]), []).append(ch["text"])
        theirs = []

        def text(el):  # type: ignore[no-untyped-def]
            # its own MCIDs on its page, then its children (note marks, `Reference`, left out)
            own = "".join("".join(by_page.get((el.page_number, m), [])) for m in el.mcids)
            return own + "".join(text(c) for c in el.children if c.type != "Reference")

        def walk(el):  # type: ignore[no-untyped-def]
            if el.type in TEXT_TYPES:
                theirs.append((el.type, text(el)))
            for c in el.children:
                walk(c)

        for el in PDFStructTree(pdf):
            walk(el)
    return ours, theirs


def test_a_block_s_later_line_with_a_link_or_a_label_is_cut_as_the_first_lines_were_not():
    """The tagger remembers the element of a block whose lines are one part each (`Tagger.parts`),
    but never for a block with a link somewhere (a later line's linked words are their own `Link`)
    nor for a list item (its label line is cut in two whatever line of it came first)."""
    from types import SimpleNamespace

    from publish.paginate.pages import ArticleTags, PlacedRun, TextLine
    from publish.pdf.tags import Tagger

    tags = ArticleTags("a", 0, "标题", ("P", "LI"), ("", ""), labels=((1, 2),),
                       links=((0, ((30, 34, "uri", "https://example.org/"),)),))
    document = SimpleNamespace(articles=(tags,), sections=("栏目",))

    def line(block: int, offset: int, n: int = 20) -> TextLine:
        run = PlacedRun(("字",) * n, tuple(10.0 * k for k in range(n)), (10.0,) * n, ("body",) * n)
        return TextLine(50.0, 700.0 - offset, 10.0, run, "body", "a", 0, block, "", offset)

    for links in (True, False):
        tagger = Tagger(document, links=links, offset=0.0)
        tagger.start_page(0)
        first, second, third = (tagger.parts(line(0, at)) for at in (0, 20, 40))
        assert len(first) == len(third) == 1
        assert [len(part.glyphs) for _, part in second] == ([10, 4, 6] if links else [20])
        later, label_line = tagger.parts(line(1, 20)), tagger.parts(line(1, 0))
        assert len(later) == 1
        assert [len(part.glyphs) for _, part in label_line] == [2, 18]
        assert label_line[0][0].startswith("/Lbl ")
