"""Every block kind, from Markdown into the model and back (docs/writing-an-issue.md conventions)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sources_support import make_issue, without_lines

from publish import load_issue
from publish.errors import SourceError
from publish.model import (
    Byline,
    Emphasis,
    Figure,
    Heading,
    ListItem,
    Note,
    Paragraph,
    Salutation,
    Signature,
    Text,
)
from publish.sources import article_from_text, article_to_markdown


def article(body: str, front: str = 'title = "标题"'):
    return article_from_text(f"+++\n{front}\n+++\n\n{body}", "a.md")


def roundtrip(a):
    """Write the article and read it back; it must be the same model (lines aside)."""
    again = article_from_text(article_to_markdown(a), "a.md")
    assert without_lines(again) == without_lines(a)
    return again


def test_paragraphs_join_soft_line_breaks_with_nothing():
    a = article("第一行\n第二行，\n第三行。\n\n另一段。\n")
    assert a.blocks == (
        Paragraph((Text("第一行第二行，第三行。"),), 5),
        Paragraph((Text("另一段。"),), 9),
    )
    roundtrip(a)


def test_heading_levels_one_and_two():
    a = article("## 一、总体目标\n\n### （一）加强政治学习\n\n正文。\n")
    assert a.blocks[:2] == (
        Heading(1, (Text("一、总体目标"),), 5),
        Heading(2, (Text("（一）加强政治学习"),), 7),
    )
    roundtrip(a)


def test_salutation_container():
    a = article("::: salutation\n各位代表、同志们：\n:::\n\n正文。\n")
    assert a.blocks[0] == Salutation((Text("各位代表、同志们："),), 6)  # the line of its text
    roundtrip(a)


def test_signature_keeps_one_string_per_printed_line_without_padding():
    a = article("正文。\n\n::: signature\n巴彦淖尔市人大工作研究会\n      《巴彦淖尔人大》编辑部 \n2024年11月29日\n:::\n")
    assert a.blocks[1] == Signature(("巴彦淖尔市人大工作研究会", "《巴彦淖尔人大》编辑部", "2024年11月29日"), 8)
    roundtrip(a)


def test_note_container():
    a = article("::: note\n（讨论稿）\n:::\n\n正文。\n")
    assert a.blocks[0] == Note((Text("（讨论稿）"),), 6)
    roundtrip(a)


def test_numbered_items_keep_number_and_delimiter_as_written():
    a = article("1. 由市人大工作研究会提出\n2. 组织召开\n\n07) 第七项\n")
    assert a.blocks == (
        ListItem("1.", (Text("由市人大工作研究会提出"),), 5),
        ListItem("2.", (Text("组织召开"),), 6),
        ListItem("07)", (Text("第七项"),), 8),
    )
    # The space after the marker is Markdown syntax: the printed text is `1.由…`, as in the seed.
    assert a.blocks[0].text == "1.由市人大工作研究会提出"
    roundtrip(a)


def test_emphasis_runs():
    a = article("这是*着重*的文字。\n")
    assert a.blocks[0].runs == (Text("这是"), Emphasis("着重"), Text("的文字。"))
    roundtrip(a)


def test_figure_alone_in_a_paragraph_with_caption(tmp_path: Path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    a = article_from_text("+++\ntitle = \"t\"\n+++\n\n![会议现场 *摄影*](images/photo.jpg)\n", "a.md", tmp_path)
    figure = a.blocks[0]
    assert isinstance(figure, Figure)
    assert figure.image == (tmp_path / "images" / "photo.jpg").resolve()
    assert figure.caption == (Text("会议现场 "), Emphasis("摄影"))
    again = article_from_text(article_to_markdown(a, root=tmp_path.resolve()), "a.md", tmp_path)
    assert without_lines(again) == without_lines(a)


def test_front_matter_title_lines_subtitle_bylines_kind():
    a = article(
        "::: salutation\n尊敬的各位领导：\n:::\n\n正文。\n",
        front='title = ["秉持初心  持续奋进", "举措服务"]\nsubtitle = "——在会议上的发言"\n'
        'byline = [{unit = "杭锦后旗人大工作研究会理事长", name = "马忠福"}, {name = "王五"}]\nkind = "speech"',
    )
    assert a.title == ("秉持初心  持续奋进", "举措服务")
    assert a.subtitle == "——在会议上的发言"
    assert a.bylines == (Byline("杭锦后旗人大工作研究会理事长", "马忠福"), Byline("", "王五"))
    assert a.kind == "speech"
    assert a.slug == "a"
    roundtrip(a)


def test_inner_title_marks_and_ascii_punctuation_stay_text():
    # With raw HTML on, `<条例>` would vanish as a tag; it is no tag and stays text. (What
    # CommonMark does read as HTML or an autolink, `<b>`, `<http://x.cn>`, is an error with the
    # fix: tests/test_blocks_sources.py; escaped, `\<b>` prints as typed.)
    text = "贯彻《关于修改<内蒙古自治区条例>的决定》,坚持;做到:好!(见附件) a<b 且 c>d"
    a = article(text + "\n")
    assert a.blocks[0].text == text
    roundtrip(a)
    escaped = article("\\<http://x.cn> \\<b>粗\\</b>\n")
    assert escaped.blocks[0].text == "<http://x.cn> <b>粗</b>"
    roundtrip(escaped)


def test_backslash_escapes_markdown_punctuation():
    a = article("\\# 不是标题 \\*不是着重\\* 1\\. 不是编号 \\::: 不是容器\n\n1\\. 也不是\n")
    assert a.blocks[0].text == "# 不是标题 *不是着重* 1. 不是编号 ::: 不是容器"
    assert a.blocks[1].text == "1. 也不是"


def test_text_is_not_normalised_unless_asked(tmp_path: Path):
    decomposed = unicodedata.normalize("NFD", "é")  # e + combining acute
    body = f"全角　空格 NBSP\u00a0在此 {decomposed}\n"
    assert article(body).blocks[0].text == body.rstrip("\n")
    root = make_issue(tmp_path / "plain", {"articles/a.md": f"+++\ntitle = \"t\"\n+++\n\n{body}"})
    assert decomposed in load_issue(root).articles[0].blocks[0].text
    toml = (root / "issue.toml").read_text(encoding="utf-8").replace("[issue]\n", '[issue]\nnormalize = "NFC"\n')
    (root / "issue.toml").write_text(toml, encoding="utf-8")
    text = load_issue(root).articles[0].blocks[0].text
    assert "é" in text and decomposed not in text


def test_whitespace_at_block_edges_is_written_as_references_and_survives():
    a = article("&#x20;前后有空格&#xA0;\n")
    assert a.blocks[0].text == " 前后有空格\u00a0"
    roundtrip(a)


def test_emphasis_next_to_chinese_punctuation_round_trips():
    # CommonMark's flanking rules: `中*“引”*文` is not emphasis; the writer must compensate.
    from publish.model import Article

    a = Article("a", ("t",), (Paragraph((Text("中"), Emphasis("“引号”"), Text("文"))),))
    written = article_to_markdown(a)
    assert without_lines(article_from_text(written, "a.md")) == without_lines(a)


def test_unsupported_constructs_are_reported_not_dropped():
    for body, what in [
        ("- 项目\n", "bulleted list"),
        ("# 一级\n", "heading level 1"),
        ("#### 四级\n", "heading level 4"),
        ("**粗体**\n", "bold"),
        ("文字 ![图](images/x.jpg) 文字\n", "image inside a paragraph"),
    ]:
        with pytest.raises(SourceError) as err:
            article(body)
        assert what in str(err.value)
        assert "a.md:5:" in str(err.value)
