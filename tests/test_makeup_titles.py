"""Title blocks: stacked bylines sit at the byline leading (no blank line between them), a title's
lines at the title leading; the space after an element comes once, after its last line."""

from __future__ import annotations

import itertools

import pytest
from paginate_support import FAKE, FakeFonts, article, make_issue

from publish.cjk.title_join import join_title
from publish.layout import load_layout
from publish.model import Byline
from publish.paginate import TextLine, paginate

MAG = load_layout("magazine-16k")


def lines_of(doc, kind: str) -> list[TextLine]:
    page = next(p for p in doc.pages if p.kind == "body")
    return [it for it in page.items if isinstance(it, TextLine) and it.kind == kind]


def test_bylines_are_stacked_at_the_byline_leading():
    bylines = (Byline("市人大常委会办公室", "张三"), Byline("市人大常委会研究室", "李四"), Byline("", "王五"))
    doc = paginate(make_issue([("特别报道", [article("a", [300, 300], bylines=bylines)])]), MAG, FakeFonts(),
                   composer=FAKE)
    ys = [ln.y for ln in lines_of(doc, "byline")]
    assert len(ys) == 3
    step = MAG.style("byline").leading
    assert [a - b for a, b in itertools.pairwise(ys)] == pytest.approx([step, step])


def test_a_two_line_title_is_set_at_the_title_leading_and_the_space_after_comes_once():
    a = article("a", [300, 300])
    a = type(a)(**{**a.__dict__, "title": ("市五届人大常委会第十九次会议", "在临河召开")})
    doc = paginate(make_issue([("特别报道", [a])]), MAG, FakeFonts(), composer=FAKE)
    titles = lines_of(doc, "title")
    byline = lines_of(doc, "byline")[0]
    assert titles[0].y - titles[1].y == pytest.approx(MAG.style("title").leading)
    # title → byline: one title leading plus the title's space after (0.5 grid line), not two of them
    gap = titles[1].y - byline.y
    st, by = MAG.style("title"), MAG.style("byline")
    centre_to_centre = st.leading / 2 + st.space_after * MAG.leading + by.leading / 2
    baseline_shift = (0.88 * st.size - st.size / 2) - (0.88 * by.size - by.size / 2)
    assert gap == pytest.approx(centre_to_centre - baseline_shift, abs=0.01)


@pytest.mark.parametrize(("lines", "joined"), [
    # two phrases: a full-width space, so they do not run together
    (["依法履行监督职权", "助推全方位建设模范自治区"], "依法履行监督职权　助推全方位建设模范自治区"),
    (["建设“数字人大”", "赋能人大工作高质量发展"], "建设“数字人大”　赋能人大工作高质量发展"),
    # a sentence the measure (or the sense) wrapped: nothing
    (["市五届人大常委会第十九次会议", "在临河召开"], "市五届人大常委会第十九次会议在临河召开"),
    (["巴彦淖尔市人民代表大会常务委员会关于召开巴彦", "淖尔市第五届人民代表大会第四次会议的决定"],
     "巴彦淖尔市人民代表大会常务委员会关于召开巴彦淖尔市第五届人民代表大会第四次会议的决定"),
    (["市人大常委会副主任樊文陪同自治区人大常委会调", "研组对我市开展调研"],
     "市人大常委会副主任樊文陪同自治区人大常委会调研组对我市开展调研"),
    (["关于检查《中华人民共和国基本医疗卫生", "与健康促进法》实施情况的报告"],
     "关于检查《中华人民共和国基本医疗卫生与健康促进法》实施情况的报告"),
    (["关于表彰先进单位", "《巴彦淖尔人大》优秀通讯员的通报"], "关于表彰先进单位《巴彦淖尔人大》优秀通讯员的通报"),
    (["市五届人大常委会", "第十九次会议召开"], "市五届人大常委会第十九次会议召开"),
    # letters or digits on both sides: an ordinary space
    (["Windows", "11 发布"], "Windows 11 发布"),
    (["一行"], "一行"),
])
def test_a_title_of_several_lines_is_joined_with_what_each_break_needs(lines, joined):
    assert join_title(lines) == joined


def test_contents_outline_and_epub_navigation_use_the_joined_title():
    a = article("a", [300, 300])
    a = type(a)(**{**a.__dict__, "title": ("依法履行监督职权", "助推全方位建设模范自治区")})
    doc = paginate(make_issue([("监督工作", [a])]), MAG, FakeFonts(), composer=FAKE)
    want = "依法履行监督职权　助推全方位建设模范自治区"
    assert [e.title for e in doc.toc if e.article] == [want]
    assert [e.title for e in doc.outline if e.level == 1] == [want]
    contents = "".join(it.text for p in doc.pages if p.kind == "contents" for it in p.items
                       if isinstance(it, TextLine))
    assert want in contents


def test_a_title_that_wraps_on_its_own_is_a_check_warning_with_its_line_and_where_it_broke(tmp_path):
    from test_proof import make_issue

    from publish.preflight import preflight

    long_title = "关于进一步加强和改进新时代地方人大常委会代表工作与联系群众工作的若干意见和实施办法"
    article_text = f'+++\ntitle = ["短标题", "{long_title}"]\n+++\n\n正文。\n'
    root = make_issue(tmp_path, {"articles/a.md": article_text})
    found = [p for p in preflight(root, proofread=True).problems if p.code == "title-wraps"]
    assert [p.line for p in found] == [2]
    message = found[0].message
    broke = message.split("after “", 1)[1].split("”", 1)[0]
    assert broke and long_title.find(broke) > 0  # the break falls after these characters of the title
    assert long_title.startswith(found[0].fix.split('title = ["', 1)[1].split('"', 1)[0])
