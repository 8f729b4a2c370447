"""The EPUB edition's structure: package, spine, nav, landmarks, NCX, metadata, CSS, fonts, markup.

Built once from a hand-made issue (tests/epub_cases.py) that holds every block type and the traps
of the real content (`<条例>` inside `《》`, U+3000 indentation, emphasis, figures).
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.cjk.title_join import join_title
from publish.epub import write_epub
from publish.epub.inspect import EpubContents
from publish.errors import BuildError

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
H = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def fonts():
    from publish.fonts import load_fonts

    return load_fonts(None)


@pytest.fixture(scope="module")
def built(tmp_path_factory, fonts):
    tmp = tmp_path_factory.mktemp("epub")
    issue = make_issue(tmp)
    path = write_epub(issue, tmp / "out" / "issue.epub", page_starts=page_starts(issue), fonts=fonts)
    return issue, path, EpubContents(path)


def test_the_container_starts_with_a_stored_mimetype_and_writes_the_package_files(built):
    _, path, _ = built
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b""
    names = [i.filename for i in infos]
    assert "META-INF/container.xml" in names
    assert "META-INF/com.apple.ibooks.display-options.xml" in names
    # every entry carries the same fixed time (the issue date when SOURCE_DATE_EPOCH is unset)
    assert len({i.date_time for i in infos}) == 1


def test_spine_is_cover_then_nav_then_one_document_per_article_in_issue_order(built):
    issue, _, epub = built
    assert epub.spine[0] == "EPUB/text/cover.xhtml"
    assert epub.spine[1] == epub.nav_path
    assert epub.spine[2:] == epub.articles
    assert len(epub.articles) == len(issue.articles)
    titles = [epub.xml(a).findtext(".//h:title", namespaces=H) for a in epub.articles]
    assert titles == [join_title(a.title) for a in issue.articles]  # print lines joined
    # every spine item is linear: the cover must be reachable (EPUBCheck OPF-096 otherwise)
    assert all(r.get("linear") in (None, "yes") for r in epub.opf.iterfind("opf:spine/opf:itemref", OPF))


def test_nav_groups_articles_by_section_with_their_headings_in_chinese(built):
    issue, _, epub = built
    nav = epub.xml(epub.nav_path)
    toc = next(n for n in nav.iter("{*}nav") if n.get(EPUB_TYPE) == "toc")
    assert toc.findtext("h:h1", namespaces=H) == "目录"
    top = toc.findall("h:ol/h:li", H)
    assert [li.findtext("h:a", namespaces=H) for li in top] == [s.title for s in issue.sections]
    first_section_articles = top[0].findall("h:ol/h:li", H)
    assert [li.findtext("h:a", namespaces=H) for li in first_section_articles] == [
        join_title(a.title) for a in issue.sections[0].articles
    ]
    # in-article headings nest under their article: 一、 then （一） under it
    heads = first_section_articles[0].findall("h:ol/h:li", H)
    assert heads[0].findtext("h:a", namespaces=H) == "一、基本情况"
    assert heads[0].findtext("h:ol/h:li/h:a", namespaces=H) == "（一）主要做法"
    href = heads[0].find("h:a", H).get("href")
    assert re.fullmatch(r"text/[-A-Za-z0-9_.]+\.xhtml#[-A-Za-z0-9_:.]+", href), "ASCII fragment ids"


def test_landmarks_point_to_cover_toc_and_bodymatter_and_are_hidden(built):
    _, _, epub = built
    nav = epub.xml(epub.nav_path)
    landmarks = next(n for n in nav.iter("{*}nav") if n.get(EPUB_TYPE) == "landmarks")
    assert landmarks.get("hidden") == "hidden"
    kinds = [a.get(EPUB_TYPE) for a in landmarks.iter("{*}a")]
    assert kinds == ["cover", "toc", "bodymatter"]
    assert [a.text for a in landmarks.iter("{*}a")] == ["封面", "目录", "正文"]
    page_list = next(n for n in nav.iter("{*}nav") if n.get(EPUB_TYPE) == "page-list")
    assert page_list.get("hidden") == "hidden"
    assert page_list.findtext("h:h2", namespaces=H) == "页码"
    # no nav carries an id (ebooklib writes id="id")
    assert all(n.get("id") is None for n in nav.iter("{*}nav"))


def test_ncx_has_a_nav_map_and_a_page_list_for_epub2_readers(built):
    _, _, epub = built
    ncx = epub.xml("EPUB/toc.ncx")
    assert ncx.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert ncx.find("n:navMap/n:navPoint", NCX) is not None
    targets = ncx.findall("n:pageList/n:pageTarget", NCX)
    assert [t.findtext("n:navLabel/n:text", namespaces=NCX) for t in targets] == [e.label for e in epub.page_list()]
    assert [t.find("n:content", NCX).get("src") for t in targets] == [
        f"{e.file.removeprefix('EPUB/')}#{e.fragment}" for e in epub.page_list()
    ]
    meta = {m.get("name"): m.get("content") for m in ncx.iterfind("n:head/n:meta", NCX)}
    assert meta["dtb:uid"] == epub.opf.findtext("opf:metadata/dc:identifier", namespaces=OPF)
    ids = [el.get("id") for el in ncx.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][-A-Za-z0-9_.]*", i) for i in ids)
    assert meta["dtb:totalPageCount"] == str(len(targets))
    assert meta["dtb:maxPageNumber"] == "10"
    assert meta["dtb:depth"] == "4"  # section → article → 一、 → （一）


def test_metadata_identifies_the_issue_in_its_series(built):
    issue, _, epub = built
    md = epub.opf.find("opf:metadata", OPF)
    assert md.findtext("dc:title", namespaces=OPF) == "巴彦淖尔人大 2025年第1期"
    assert md.findtext("dc:language", namespaces=OPF) == "zh-CN"
    assert md.findtext("dc:date", namespaces=OPF) == "2025-01-20"
    assert md.findtext("dc:publisher", namespaces=OPF) == issue.publisher
    ident = md.find("dc:identifier", OPF)
    assert epub.opf.get("unique-identifier") == ident.get("id")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident.text)
    assert ident.text[9:][14] == "5", "a name-based (uuid5) identifier"
    props = {}
    for m in md.iterfind("opf:meta[@property]", OPF):
        props.setdefault(m.get("property"), []).append(m.text)
    assert props["belongs-to-collection"] == ["巴彦淖尔人大"]
    assert props["collection-type"] == ["series"]
    assert props["group-position"] == ["2025.1"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", props["dcterms:modified"][0])
    creators = [c.text for c in md.iterfind("dc:creator", OPF)]
    # 张三、李四 are two people; 杨 菁 is one (the print pads a two-character name), never split
    assert creators == ["张三", "李四", "杨 菁", "王五"]
    ids = [c.get("id") for c in md.iterfind("dc:creator", OPF)]
    assert len(set(ids)) == len(ids)
    assert epub.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"


def test_accessibility_metadata_claims_page_navigation_because_there_is_a_page_list(built):
    _, _, epub = built
    md = epub.opf.find("opf:metadata", OPF)
    props: dict[str, list[str]] = {}
    for m in md.iterfind("opf:meta[@property]", OPF):
        props.setdefault(m.get("property"), []).append(m.text)
    for required in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                     "schema:accessibilityHazard", "schema:accessibilitySummary"):
        assert props.get(required), required
    assert {"pageNavigation", "pageBreakMarkers", "tableOfContents"} <= set(props["schema:accessibilityFeature"])
    assert "printPageNumbers" not in props["schema:accessibilityFeature"]  # deprecated
    assert props["pageBreakSource"] == ["巴彦淖尔人大 2025年第1期 印刷版"]
    assert "dcterms:conformsTo" not in props, "nothing was evaluated against WCAG"


def test_without_page_starts_no_page_navigation_is_claimed(tmp_path):
    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "plain.epub", embed_fonts=False)
    epub = EpubContents(path)
    md = epub.opf.find("opf:metadata", OPF)
    features = [m.text for m in md.iterfind("opf:meta[@property='schema:accessibilityFeature']", OPF)]
    assert "pageNavigation" not in features and "pageBreakMarkers" not in features
    assert md.find("opf:meta[@property='pageBreakSource']", OPF) is None
    assert epub.page_list() == [] and epub.markers() == []
    # no fonts embedded, no Apple display options; the CSS names system families only
    assert not [n for n in epub.files if n.startswith("EPUB/fonts/")]
    assert "META-INF/com.apple.ibooks.display-options.xml" not in epub.files
    assert "@font-face" not in epub.files["EPUB/styles/main.css"].decode()


def test_article_markup_is_a_chapter_section_with_a_header_and_the_block_types(built):
    _, _, epub = built
    doc = epub.xml(epub.articles[0])
    assert doc.get("lang") == "zh-CN" and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    section = doc.find("h:body/h:section", H)
    assert section.get(EPUB_TYPE) == "chapter" and section.get("role") == "doc-chapter"
    header = section.find("h:header", H)
    assert ["".join(s.itertext()) for s in header.findall("h:h1/h:span", H)] == ["市五届人大常委会", "第十九次会议召开"]
    assert header.findtext("h:p[@class='subtitle']", namespaces=H) == "——审议多项报告"
    byline = header.find("h:p[@class='byline']", H)
    assert byline.findtext("h:span[@class='unit']", namespaces=H) == "市人大常委会办公室"
    assert section.find("h:h2", H) is not None and section.find("h:h3", H) is not None
    assert section.find("h:ol[@class='items']/h:li/h:span[@class='label']", H).text == "1."
    assert section.find(".//h:em", H) is not None
    fig = section.find("h:figure", H)
    assert fig.find("h:img", H).get("alt") == "会议现场" and fig.findtext("h:figcaption", namespaces=H) == "会议现场"
    speech = epub.xml(epub.articles[1]).find("h:body/h:section", H)
    assert speech.find("h:p[@class='salutation']", H).text == "各位代表："
    assert speech.find("h:p[@class='note']", H).text == "（2025年1月8日）"
    notice = epub.xml(epub.articles[2]).find("h:body/h:section", H)
    lines = ["".join(p.itertext()) for p in notice.findall("h:div[@class='signature']/h:p", H)]
    assert lines == ["巴彦淖尔市人大常委会办公室", "2025年1月2日"]


def test_ascii_title_marks_stay_text_and_indentation_is_css_not_u3000(built):
    _, _, epub = built
    raw = epub.files[epub.articles[0]].decode()
    assert "&lt;巴彦淖尔市城市供热管理条例&gt;" in raw
    assert "\u3000" not in raw
    assert "R&amp;D" in raw
    css = epub.files["EPUB/styles/main.css"].decode()
    assert re.search(r"\bp \{[^}]*text-indent: 2em", css)


def test_only_page_breaks_carry_both_an_id_and_an_epub_type(built):
    _, _, epub = built
    offenders = [t for t in epub.id_targets_with_epub_type() if t[2] != "pagebreak"]
    assert offenders == []


def test_no_empty_element_is_written_self_closing_except_void_elements(built):
    _, _, epub = built
    void = {"img", "meta", "link", "br", "hr", "wbr"}
    for name in [*epub.spine]:
        raw = epub.files[name].decode()
        for tag in re.findall(r"<([a-z0-9]+)\b[^>]*/>", raw):
            assert tag in void, f"<{tag}/> in {name}"


def _rules(css: str) -> dict[str, dict[str, str]]:
    """selector → {property: value} of the stylesheet's plain top-level rules (later rules win; the
    rules inside @media/@supports are indented and not read)."""
    out: dict[str, dict[str, str]] = {}
    for selector, body in re.findall(r"(?m)^([^@{}\s][^{}\n]*?) \{([^{}]*)\}", css):
        props = out.setdefault(selector.strip(), {})
        for decl in body.split(";"):
            if ":" in decl:
                k, v = decl.split(":", 1)
                props[k.strip()] = v.strip()
    return out


def test_css_sets_chinese_text_like_print(built):
    _, _, epub = built
    css = epub.files["EPUB/styles/main.css"].decode()
    assert "-epub-line-break: strict; line-break: strict;" in css
    assert re.search(r"@supports \(text-spacing-trim: [a-z-]+\) \{\s*/\*.*?\*/\s*body \{ text-spacing-trim", css, re.S)
    assert re.search(r"@supports \(text-autospace: normal\) \{", css)
    assert "direction" not in css and "unicode-bidi" not in css
    r = _rules(css)
    # layouts/magazine-16k.toml [styles], in em of the body size (10 pt)
    assert r["p"]["text-indent"] == "2em" and r["p"]["text-align"] == "justify"
    assert r["h1"]["text-align"] == "center" and r["h1"]["font-size"] == "1.8em" and r["h1"]["font-weight"] == "700"
    assert r[".heading1"]["text-indent"] == "0em" and r[".heading2"]["text-indent"] == "2em"
    assert r["p.salutation"]["text-indent"] == "0em"
    assert r["div.signature p"]["text-align"] == "right"
    assert r["p.note"]["text-align"] == "center"
    assert r["header p.byline"]["text-align"] == "center"
    assert r["figcaption"]["font-size"] == "0.9em"
    assert r["body"]["line-height"] == "1.64"  # 16.4 pt leading on 10 pt type
    # the faces: title in the (bold) title face, bylines in the byline (Kai) face
    assert r["h1"]["font-family"].startswith('"pub-title"')
    assert r["header p.byline"]["font-family"].startswith('"pub-byline"')
    assert "serif" in r["p"]["font-family"]


def test_css_follows_another_layout(tmp_path):
    from publish.layout import load_layout

    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "a5.epub", embed_fonts=False, layout=load_layout("a5-book"))
    r = _rules(EpubContents(path).files["EPUB/styles/main.css"].decode())
    assert r["h1"]["text-align"] == "left" and r["h1"]["font-size"] == "1.524em"  # 16 / 10.5
    assert r[".heading2"]["text-indent"] == "0em"
    assert r[".heading1"]["margin"].startswith("1.682em")  # one grid line (18.5 pt) before, at 11 pt
    assert r["p"]["font-weight"] == "400" and r["h1"]["font-weight"] == "700"


def test_fonts_are_plain_subsets_of_the_role_faces_covering_exactly_their_characters(built, fonts):
    from fontTools.ttLib import TTFont

    issue, _, epub = built
    font_files = sorted(n for n in epub.files if n.startswith("EPUB/fonts/"))
    assert font_files, "fonts embedded"
    css = epub.files["EPUB/styles/main.css"].decode()
    assert "META-INF/encryption.xml" not in epub.files, "not obfuscated"
    from publish.model import Emphasis, ListItem, Paragraph, Salutation, Signature

    body_chars = set()  # what the body face sets: body blocks except their emphasis runs
    for a in issue.articles:
        for b in a.blocks:
            if isinstance(b, Signature):
                texts = [b.text]
            elif isinstance(b, (Paragraph, Salutation, ListItem)):
                texts = [r.text for r in b.runs if not isinstance(r, Emphasis)]
                texts += [b.label] if isinstance(b, ListItem) else []
            else:
                continue
            body_chars |= {c for t in texts for c in t if not c.isspace()}
    for name in font_files:
        data = epub.files[name]
        assert data[:4] in (b"OTTO", b"\x00\x01\x00\x00"), "plain OTF/TTF, not WOFF"
        assert name.removeprefix("EPUB/") in css
        font = TTFont(__import__("io").BytesIO(data))
        assert font["maxp"].numGlyphs < 3000, "a subset, not the whole face"
    body = TTFont(__import__("io").BytesIO(epub.files["EPUB/fonts/pub-body.otf"]))
    cmap = body.getBestCmap()
    missing = {c for c in body_chars if ord(c) not in cmap and fonts.roles["body"].face.has(c)}
    assert missing == set()
    # a character only a title uses is not in the body subset
    title_only = set("".join(issue.articles[0].title)) - body_chars - set("".join(a.title_text for a in issue.articles))
    assert all(ord(c) not in cmap for c in title_only)


def test_cover_page_is_linear_and_shows_a_drawn_cover_with_a_text_alternative(built):
    _, _, epub = built
    cover = epub.xml("EPUB/text/cover.xhtml")
    img = cover.find(".//h:img", H)
    assert img.get("src") == "../images/cover.png"
    assert "巴彦淖尔人大" in img.get("alt") and "2025年第1期" in img.get("alt") and "本期要目" in img.get("alt")
    item = epub.opf.find("opf:manifest/opf:item[@properties='cover-image']", OPF)
    assert item.get("href") == "images/cover.png"
    from PIL import Image

    im = Image.open(__import__("io").BytesIO(epub.files["EPUB/images/cover.png"]))
    assert im.size == (1280, 1800)
    assert len(im.convert("RGB").getcolors(1 << 16)) > 4, "something is drawn on it"


def test_a_given_cover_image_is_used_as_is(tmp_path):
    from PIL import Image

    buf = __import__("io").BytesIO()
    Image.new("RGB", (60, 80), (10, 20, 30)).save(buf, format="JPEG")
    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "c.epub", embed_fonts=False, cover=buf.getvalue())
    epub = EpubContents(path)
    assert epub.files["EPUB/images/cover.jpg"] == buf.getvalue()
    with pytest.raises(BuildError, match="neither PNG nor JPEG"):
        write_epub(issue, tmp_path / "d.epub", embed_fonts=False, cover=b"GIF89a....")
    assert not (tmp_path / "d.epub").exists()


def test_a_failed_build_leaves_no_file_and_no_temporary(tmp_path):
    from publish.model import PageStart

    issue = make_issue(tmp_path)
    out = tmp_path / "out" / "x.epub"
    with pytest.raises(BuildError, match="unknown article"):
        write_epub(issue, out, page_starts=[PageStart(3, "nope", 0, 0)], embed_fonts=False)
    assert not out.exists()
    assert list(tmp_path.glob("out/.*")) == []


def test_an_unwritable_output_is_a_build_error_not_a_traceback(tmp_path):
    issue = make_issue(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BuildError, match="cannot write the EPUB"):
        write_epub(issue, blocker / "x.epub", embed_fonts=False)


def test_head_has_charset_title_and_stylesheet(built):
    _, _, epub = built
    for name in epub.spine:
        head = epub.xml(name).find("h:head", H)
        assert head.findtext("h:title", namespaces=H), name
        assert head.find("h:link[@rel='stylesheet']", H) is not None, name
    assert len(re.findall(rb"<head[ >]", etree.tostring(epub.xml(epub.articles[0])))) == 1


def test_a_missing_figure_image_is_a_build_error_naming_the_file(tmp_path):
    issue = make_issue(tmp_path)
    (tmp_path / "meeting.png").unlink()
    with pytest.raises(BuildError, match=r"meeting\.png"):
        write_epub(issue, tmp_path / "x.epub", embed_fonts=False)
    assert not (tmp_path / "x.epub").exists()


def test_an_issue_without_articles_is_a_build_error(tmp_path):
    import dataclasses

    issue = dataclasses.replace(make_issue(tmp_path), sections=())
    with pytest.raises(BuildError, match="no articles"):
        write_epub(issue, tmp_path / "x.epub", embed_fonts=False)
