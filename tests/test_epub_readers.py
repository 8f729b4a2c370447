"""The EPUB details readers notice: who wrote it, titles on a phone, heading levels, the page list,
spaces in the embedded fonts, the section names, and a stylesheet for small and large screens.

Built once from the hand-made issue (tests/epub_cases.py) plus a section whose articles have the
shapes of the real issue's traps: a title longer than a phone line, an article whose only headings
are `（一）` (the real a09 went from h1 to h3), one whose headings go `（一）` before `一、`, one
without a title, and a byline padded like the print's `杨 菁`.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.epub import write_epub
from publish.epub.inspect import EpubContents
from publish.epub.titles import title_words, word_ends
from publish.model import Article, Byline, Heading, Paragraph, Section, Text

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
H = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
LONG_TITLE = ("市人大常委会举办市五届人大代表", "履职能力提升培训班")


def _extra_section() -> Section:
    para = Paragraph((Text("正文一段。"),))
    return Section("人大论坛", (
        Article("x1-trainees", LONG_TITLE, (para,), bylines=(Byline("市人大常委会办公室", "杨 菁"),)),
        Article("x2-only-second-level", ("全市人大代表通讯员培训班",),
                (Heading(2, (Text("（一）提高认识"),)), para, Heading(2, (Text("（二）加强学习"),)), para)),
        Article("x3-second-before-first", ("建设“数字人大”赋能人大工作高质量发展",),
                (Heading(2, (Text("（一）背景"),)), para, Heading(1, (Text("一、做法"),)), para,
                 Heading(2, (Text("（一）细则"),)), para)),
        Article("x4-untitled", (), (Heading(1, (Text("一、说明"),)), para, Heading(2, (Text("（一）其他"),)), para)),
    ))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from publish.fonts import load_fonts

    tmp = tmp_path_factory.mktemp("readers")
    issue = make_issue(tmp)
    issue = dataclasses.replace(issue, sections=(*issue.sections, _extra_section()))
    starts = page_starts(make_issue(tmp))  # the extra section has no page starts: not needed here
    path = write_epub(issue, tmp / "issue.epub", page_starts=starts, fonts=load_fonts(None))
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp / "unzipped")
    return issue, tmp, EpubContents(path)


def _doc(epub: EpubContents, slug: str) -> etree._Element:
    name = next(n for n in epub.articles if slug in n)
    return epub.xml(name)


# ── creators ───────────────────────────────────────────────────────────────────────────────────
def test_one_creator_per_byline_name_and_a_padded_name_is_never_split(built):
    _, _, epub = built
    md = epub.opf.find("opf:metadata", OPF)
    creators = {c.text: c.get("id") for c in md.iterfind("dc:creator", OPF)}
    assert list(creators) == ["张三", "李四", "杨 菁", "王五"]
    assert not {"杨", "菁"} & set(creators)
    # the sort/search form without the print's padding, refining that creator (EPUB 3.3 file-as)
    file_as = {m.get("refines"): m.text for m in md.iterfind("opf:meta[@property='file-as']", OPF)}
    assert file_as == {f"#{creators['杨 菁']}": "杨菁"}


@pytest.mark.parametrize("field, names", [
    ("杨 菁　薛 博", ["杨 菁", "薛 博"]),  # two padded names, an ideographic space between them
    ("杨 菁 薛 博", ["杨 菁", "薛 博"]),
    ("杨　菁", ["杨　菁"]),  # padded with an ideographic space: still one person
    ("张三 李四", ["张三", "李四"]),
    ("张三、李四；王五", ["张三", "李四", "王五"]),
    ("张三 杨 菁", ["张三", "杨 菁"]),
    ("乌力吉·巴特尔 杨 菁", ["乌力吉·巴特尔", "杨 菁"]),
    ("John Smith", ["John Smith"]),
    ("马忠福", ["马忠福"]),
])
def test_a_byline_field_lists_people_and_a_padded_name_stays_one(field, names):
    from publish.epub.metadata import split_names

    assert split_names(field) == names


# ── titles on small screens ────────────────────────────────────────────────────────────────────
def test_titles_have_no_forced_breaks_and_offer_breaks_only_at_word_ends(built):
    issue, _, epub = built
    for article, words in zip(issue.articles, title_words([a.title for a in issue.articles]), strict=True):
        if not article.title:
            continue
        h1 = _doc(epub, article.slug).find(".//h:h1", H)
        assert h1.find(".//h:br", H) is None
        assert "".join(h1.itertext()) == article.title_text
        # the offset of every <wbr> in the title's text is a word end
        offsets = _wbr_offsets(h1)
        assert offsets == sorted(word_ends(words))
    long_h1 = _doc(epub, "x1-trainees").find(".//h:h1", H)
    assert len(long_h1.findall(".//h:wbr", H)) >= 5


def test_the_words_are_dictionary_words_not_characters():
    assert title_words([("全市人大代表通讯员培训班",)]) == [["全市", "人大代表", "通讯员", "培训班"]]
    words = title_words([("巴彦淖尔市人民代表大会", "常务委员会关于召开会议的决定")])[0]
    assert "".join(words) == "巴彦淖尔市人民代表大会常务委员会关于召开会议的决定"
    assert "巴彦淖尔" in words and "淖尔" not in words
    # a name the dictionary does not know is not cut into its characters
    words = title_words([("孟长云副主任带队赴杭州招商引资",)])[0]
    assert any("孟长云" in w for w in words) and "杭州" in words


def test_title_css_keeps_words_whole_and_balances_lines_and_does_not_force_print_breaks(built):
    _, _, epub = built
    css = epub.files["EPUB/styles/main.css"].decode()
    h1 = _block(css, "h1 {\n  /* the print")
    assert "word-break: keep-all" in h1 and "text-wrap: balance" in h1
    assert "display: block" not in css.split(".title-line", 1)[-1][:40]
    assert ".title-line { display: block" not in css


def _wbr_offsets(root: etree._Element) -> list[int]:
    """The character offsets (into the element's text) of its <wbr>s."""
    offsets: list[int] = []
    pos = 0

    def walk(el: etree._Element) -> None:
        nonlocal pos
        if el.tag == f"{{{H['h']}}}wbr":
            offsets.append(pos)
        pos += len(el.text or "")
        for child in el:
            walk(child)
            pos += len(child.tail or "")

    walk(root)
    return offsets


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

_PROBE = """
document.fonts.ready.then(function () {
  var h1 = document.querySelector('h1');
  var walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
  var tops = [], node, n = 0, breaks = [];
  while ((node = walker.nextNode())) {
    for (var i = 0; i < node.data.length; i++) {
      var r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      var rect = r.getClientRects()[0];
      if (rect) { if (tops.length && rect.top > tops[tops.length - 1] + 2) breaks.push(n); tops.push(rect.top); }
      n++;
    }
  }
  parent.postMessage(breaks.join(',') + ';' + document.documentElement.clientWidth, '*');
});
"""


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium; `make setup` installs it)")
@pytest.mark.parametrize("slug", ["x1-trainees", "x2-only-second-level", "x3-second-before-first"])
def test_on_a_390_px_phone_titles_wrap_only_between_words(built, slug):
    issue, tmp, epub = built
    article = next(a for a in issue.articles if a.slug == slug)
    words = title_words([article.title])[0]
    name = next(n for n in epub.articles if slug in n)
    doc = etree.fromstring(epub.files[name])
    body = doc.find("h:body", H)
    script = etree.SubElement(body, f"{{{H['h']}}}script")
    script.text = _PROBE
    probe = tmp / "unzipped" / Path(name).with_name("probe-" + Path(name).name)
    probe.write_bytes(etree.tostring(doc, xml_declaration=True, encoding="utf-8"))
    # Headless Chromium's window is at least 500 px wide: the page goes into a 390 px iframe (its
    # own viewport, so the stylesheet's media queries see a phone), which posts what it measured.
    frame = probe.with_suffix(".html")
    frame.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>"
        f"<iframe src='{probe.name}' style='width:390px;height:844px;border:0'></iframe>"
        "<script>addEventListener('message', function (e) {"
        " var p = e.data.split(';'); document.body.setAttribute('data-breaks', p[0]);"
        " document.body.setAttribute('data-width', p[1]); });</script></body></html>",
        encoding="utf-8")
    out = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
         "--window-size=800,900", "--virtual-time-budget=5000", "--dump-dom", frame.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    m = re.search(r'data-breaks="([\d,]*)"', out.stdout)
    assert m, out.stderr[-2000:]
    breaks = [int(b) for b in m.group(1).split(",") if b]
    width = int(re.search(r'data-width="(\d+)"', out.stdout).group(1))
    assert width <= 400, f"the page was laid out {width} px wide"
    if slug == "x1-trainees":
        assert breaks, "a 24-character title must wrap on a phone"
    # no break inside a word (the old forced print breaks would also break 全市人/大 here)
    assert set(breaks) <= word_ends(words), (article.title_text, breaks, words)


# ── heading levels ─────────────────────────────────────────────────────────────────────────────
def _levels(doc: etree._Element) -> list[int]:
    body = doc.find("h:body", H)
    return [int(el.tag[-1]) for el in body.iter() if isinstance(el.tag, str)
            and re.fullmatch(r"\{[^}]+\}h[1-6]", el.tag)]


def test_no_document_skips_a_heading_level(built):
    _, _, epub = built
    for name in [*epub.articles, "EPUB/nav.xhtml"]:
        levels = _levels(epub.xml(name))
        assert levels and levels[0] == 1, name
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (name, levels)


def test_heading_levels_follow_the_source_levels_ranked(built):
    _, _, epub = built
    assert _levels(_doc(epub, "01-changweihui")) == [1, 2, 3]
    assert _levels(_doc(epub, "x2-only-second-level")) == [1, 2, 2]  # （一） alone → h2
    assert _levels(_doc(epub, "x3-second-before-first")) == [1, 2, 2, 3]  # never h1 → h3
    assert _levels(_doc(epub, "x4-untitled")) == [1, 2]  # no title: the first heading is the h1
    # the style follows the source level, whatever the tag
    classes = [el.get("class") for el in _doc(epub, "x2-only-second-level").iter(f"{{{H['h']}}}h2")]
    assert classes == ["heading2", "heading2"]


# ── page list ──────────────────────────────────────────────────────────────────────────────────
def test_the_page_list_nav_has_the_doc_pagelist_role(built):
    _, _, epub = built
    navs = epub.xml("EPUB/nav.xhtml").findall(".//h:nav", H)
    page_list = [n for n in navs if n.get(EPUB_TYPE) == "page-list"]
    assert len(page_list) == 1 and page_list[0].get("role") == "doc-pagelist"


# ── spaces in the embedded fonts ───────────────────────────────────────────────────────────────
def test_every_embedded_subset_has_the_word_space_and_the_ideographic_space(built):
    import io

    from fontTools.ttLib import TTFont

    _, _, epub = built
    fonts = [n for n in epub.files if n.startswith("EPUB/fonts/")]
    assert fonts
    for name in fonts:
        cmap = TTFont(io.BytesIO(epub.files[name])).getBestCmap()
        assert 0x20 in cmap and 0x3000 in cmap, name


# ── section names in the reading flow ──────────────────────────────────────────────────────────
def test_each_article_names_its_section_above_its_title(built):
    issue, _, epub = built
    for section in issue.sections:
        for article in section.articles:
            header = _doc(epub, article.slug).find(".//h:section/h:header", H)
            first = header[0]
            assert first.get("class") == "section-name" and first.text == section.title
            if article.title:
                assert header[1].tag == f"{{{H['h']}}}h1"
    # and it is text of the spine, in reading order (not only the nav's)
    text = epub.body_text  # body_text leaves it out (it is not the article's text) …
    raw = "".join(epub.xml(epub.articles[-1]).find("h:body", H).itertext())
    assert "人大论坛" in raw and "人大论坛" not in text(epub.articles[-1])


# ── stylesheet for small and large screens ─────────────────────────────────────────────────────
def _block(css: str, start: str) -> str:
    i = css.index(start)
    return css[i : css.index("}", i)]


def test_css_limits_the_line_length_keeps_widows_and_orphans_and_spaces_headings(built):
    _, _, epub = built
    css = epub.files["EPUB/styles/main.css"].decode()
    body = _block(css, "body {\n  font-family")
    assert re.search(r"max-width: (\d+)em", body) and int(re.search(r"max-width: (\d+)em", body).group(1)) <= 45
    assert "margin: 0 auto" in body
    assert re.search(r"p, li \{ widows: 2; orphans: 2; \}", css)
    assert re.search(r"section > \.heading1 \{ margin-top: [1-9][.\d]*em; \}", css)
    assert re.search(r"section > \.heading2 \{ margin-top: 0?\.\d+em; \}", css)
    small = css[css.index("@media (max-width: 30em)"):]
    assert "h1 { font-size: 1.5em; }" in small[: small.index("\n}\n")]
    assert "@media (min-width: 60em)" in css


def test_names_are_split_and_filed_as_the_han_gap_expressions_say():
    """split_names and file_as find the white space between two Han characters without compiling
    a class of the Han ranges (~0.9 ms each): the same runs as these expressions, on random fields
    of Han (both planes), Latin letters, list punctuation and every kind of white space."""
    import random
    import re

    from publish.epub.metadata import _NAME_SEPARATORS, file_as, split_names

    han = "\u3400-\u9fff\U00020000-\U0002ffff"
    gap = re.compile(rf"(?<=[{han}])[\s\u3000]+(?=[{han}])")
    bmp_gap = re.compile(r"(?<=[\u3400-\u9fff])[\s\u3000]+(?=[\u3400-\u9fff])")

    def split_by_expression(field: str) -> list[str]:  # split_names as it was written with `gap`
        out: list[str] = []
        for piece in _NAME_SEPARATORS.split(field):
            piece = piece.strip()
            if not piece:
                continue
            tokens, at = [], 0
            for m in gap.finditer(piece):
                tokens.append((at, m.start()))
                at = m.end()
            tokens.append((at, len(piece)))
            i = 0
            while i < len(tokens):
                start, end = tokens[i]
                if end - start == 1 and i + 1 < len(tokens) and tokens[i + 1][1] - tokens[i + 1][0] == 1:
                    out.append(piece[start:tokens[i + 1][1]])
                    i += 2
                else:
                    out.append(piece[start:end])
                    i += 1
        return out

    alphabet = ["杨", "菁", "张", "\u3400", "\u9fff", "\u33ff", "\ua000", "\U00020000", "\U0002ffff",
                "\U0001ffff", "\U00030000", "a", "Z", "·", "、", ";", "/", " ", "\u3000", "\t", "\n",
                "\xa0", "\u2003", "\x1c"]
    rng = random.Random(19)
    fields = ["杨 菁　薛 博", " 杨 菁 ", "\U00020000 \U00020001", "㐀 䶿"]
    fields += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(4000)]
    for field in fields:
        assert split_names(field) == split_by_expression(field), ascii(field)
        assert file_as(field) == bmp_gap.sub("", field).strip(), ascii(field)
