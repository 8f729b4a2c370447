"""Plain paragraphs read without markdown-it (publish.sources.markdown._plain).

What is specified: whenever `_plain` reads a chunk of an article body, the blocks are those
markdown-it's reading gives (`BodyReader.markdown` with `_plain` switched off), and no problem is
reported by either; it reads the examples' plain chunks (most of them) and leaves any chunk with
markup, or with white space markdown-it would strip or read as indentation or a line break, to
markdown-it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.sources import markdown
from publish.sources.markdown import BodyReader, _plain

ROOT = Path(__file__).resolve().parent.parent


def _by_markdown_it(text: str, first_line: int) -> tuple[list, list]:
    problems: list = []
    real = markdown._plain
    markdown._plain = lambda text, first_line: None
    try:
        blocks = BodyReader("a.md", None, problems).markdown(text, first_line)
    finally:
        markdown._plain = real
    return blocks, problems


def _by_plain(text: str, first_line: int) -> tuple[list, list] | None:
    problems: list = []
    if _plain(text, first_line) is None:
        return None
    return BodyReader("a.md", None, problems).markdown(text, first_line), problems


# Characters of Chinese prose, Latin text, every ASCII mark markdown-it or the checks read, the
# white space it treats apart (tab, ideographic and no-break space, vertical tab, line separator).
_CHARS = st.sampled_from(list("中文，。、“”《》（）；：——……") + list("abcXYZ0123456789 .)")
                         + list("#*_-+=:|[]()!&<>`~\\^{}$%@;'\"/")
                         + ["\t", "\u3000", "\u00a0", "\x0b", "\u2028", "\ufeff", "\r"])
_LINE = st.text(_CHARS, max_size=12)
_SAMPLES = ["1. 一", "# 标题", "2024年12月", "  缩进", "　缩进", "尾空格 ", "## 标题", "### 小标题", "#### 四级",
            "##  两空格", "## 尾空格 ", "## 一 #", "## 一#二", "##", "## ", "#标题", "###标题", "## 　全角", "   ## 缩进"]
_CHUNK = st.lists(st.one_of(_LINE, st.just(""), st.sampled_from(_SAMPLES),
                            st.builds(lambda a, b: a + b, st.sampled_from(["## ", "### ", "#"]), _LINE)),
                  min_size=1, max_size=8).map("\n".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CHUNK, st.integers(min_value=1, max_value=40))
def test_what_plain_reads_is_what_markdown_it_reads(text, first_line):
    ours = _by_plain(text, first_line)
    if ours is not None:
        assert ours == _by_markdown_it(text, first_line)
        assert ours[1] == []


# Mostly text that is plain, to hold many paragraphs of it to markdown-it's reading too.
_PLAIN_CHARS = st.sampled_from([*"中文，。、“”《》（）；：——……abc0123456789 .)+-=:$%@/", "\u3000", "\u00a0"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.one_of(st.text(_PLAIN_CHARS, min_size=1, max_size=15), st.just(""),
                          st.builds(lambda a, b: a + b, st.sampled_from(["## ", "### "]),
                                    st.text(_PLAIN_CHARS, min_size=1, max_size=8))), min_size=1, max_size=10)
       .map("\n".join), st.integers(min_value=1, max_value=40))
def test_plain_paragraphs_and_headings_are_read_as_markdown_it_reads_them(text, first_line):
    ours = _by_plain(text, first_line)
    if ours is not None:
        assert ours == _by_markdown_it(text, first_line)


def test_it_reads_paragraphs_with_their_first_lines_and_joins_lines_with_nothing():
    text = "第一行\n第二行\n\n\n第三段 2024年\n## 一、标题\n下文\n### （一）小标题"
    blocks = _plain(text, 7)
    assert blocks is not None
    assert [(type(b).__name__, b.text, b.line) for b in blocks] == [
        ("Paragraph", "第一行第二行", 7), ("Paragraph", "第三段 2024年", 11), ("Heading", "一、标题", 12),
        ("Paragraph", "下文", 13), ("Heading", "（一）小标题", 14)]
    assert [b.level for b in blocks if type(b).__name__ == "Heading"] == [1, 2]
    assert blocks == _by_markdown_it(text, 7)[0]


@pytest.mark.parametrize("text", ["1. 一", "3) 三", "# 标题", "#### 四级", "## 一 #", "##  两空格", "##标题", "- 项", "+ 项", "* 项", "== 下划", "::: note",
                                  "文字 *强调*", "注[^1]", "[链接](a.md)", "![图](a.jpg)", "&amp;", "a\\*b",
                                  "a | b", "<b>", "`码`", "~~删~~", "尾空格 ", "　首空格", " 首空格", "\t制表",
                                  "一\r二"])
def test_markup_and_edge_white_space_are_left_to_markdown_it(text):
    assert _plain(text, 1) is None


def test_the_examples_plain_chunks_read_as_markdown_it_reads_them():
    """Every chunk of every example article that `_plain` reads (most of them) gives markdown-it's blocks."""
    from publish.sources import article as article_mod
    from publish.sources.files import LINE_BREAK

    chunks = []
    real = BodyReader.markdown

    def recording(self, text, first_line):
        chunks.append((text, first_line))
        return real(self, text, first_line)

    BodyReader.markdown = recording
    try:
        for md in sorted((ROOT / "examples").glob("*/articles/*.md")):
            article_mod._parse_article(md.read_text(encoding="utf-8"), md, md.parent.parent, [], md.stem, md)
    finally:
        BodyReader.markdown = real
    assert len(chunks) > 30
    plain = [(t, f) for t, f in chunks if t.strip() and _plain(t, f) is not None]
    assert len(plain) > len(chunks) // 2
    for text, first_line in plain:
        assert _by_plain(text, first_line) == _by_markdown_it(text, first_line)
    assert LINE_BREAK  # (the chunks are the reader's own: lines split as it splits them)


# Every white space character (Python's, which holds CommonMark's and markdown-it's trimming set) and
# the invisible ones markdown-it does not trim, at the places it trims or reads indentation.
_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) != "\n"] + ["\ufeff", "\u200b", "\u200d",
                                                                                      "\u2060", "\u180e", "\x00"]


@pytest.mark.parametrize("form", ["{c}文", "文{c}", "文{c}字", "## {c}文", "## 文{c}", "### 文{c}字", "一\n{c}二",
                                  "一{c}\n二", "{c}", "一\n\n{c}\n\n二", "{c}## 文", "##{c}文"])
def test_white_space_where_markdown_it_trims_or_indents_reads_as_markdown_it_reads_it(form):
    for c in _SPACES:
        text = form.format(c=c)
        ours = _by_plain(text, 3)
        if ours is not None:
            assert ours == _by_markdown_it(text, 3), repr(text)


# Block openers, breaks, escapes, entities and marks CommonMark reads, as they come in articles.
_ADVERSARIAL = [
    "一\n===", "一\n---", "一\n= = =", "一\n***", "***", "___", "- - -", "* * *", "_ _ _", "一\n\n---\n二",
    "    码", "\t码", "一\n    二", "一  \n二", "一\\\n二", "一 \n二", "\\*一", "一\\", "&amp;", "&#x4e2d;", "&nbsp;",
    "&#20013;", "<b>一</b>", "<https://a.b>", "<a@b.c>", "*一*", "_一_", "**一**", "`一`", "[一](a.md)", "![一](a.jpg)",
    "~~一~~", "一~二", "## 一 ##", "#一", "####### 一", " ## 一", "   ### 一", "    ## 一", "## 一\n===",
    "1. 一", "1) 一", "- 一", "+ 一", "* 一", "10. 一", "1234567890. 一", "> 一", "一\n> 二", "| 一 | 二 |\n|---|---|",
    "一|二", "　一", "一　", "\u00a0一", "一\u00a0", "一\t二", "一\r\n二", "一\r二", "一\u2028二", "一\u2029二",
    "\u2028一", "一\u2029", "一\x0c二", "\x0c", "一\x0b", "一\u200b二", "一\x00二", "一\ud800二", "\udfff",
    "一" * 20000, ("一" * 300 + "\n") * 100, "", "\n", "\n\n一\n\n", "一\n", "+++", "一\n+++\n二", ":::", "一: 二",
    "2024年12月", "一.二", "1.5 二", "一 1. 二", "## ０１", "# ", "##", "## ", "###", "文\n## 标\n文",
]


@pytest.mark.parametrize("text", _ADVERSARIAL)
def test_block_openers_breaks_escapes_and_odd_characters_read_as_markdown_it_reads_them(text):
    ours = _by_plain(text, 5)
    if ours is not None:
        assert ours == _by_markdown_it(text, 5)


_ARTICLE_LINE = st.one_of(st.text(_PLAIN_CHARS, min_size=1, max_size=10), st.just(""),
                          st.builds(lambda a, b: a + b, st.sampled_from(["## ", "### "]), st.text(_PLAIN_CHARS, min_size=1, max_size=8)),
                          st.sampled_from(["::: note", "::: salutation", ":::", "::: signature", "[^1]: 注", "文[^1]", "===",
                                           "---", "- 项", "1. 项", "    码", "尾  ", "&amp;", "<b>", "## 标 #", "#标", "> 引"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ARTICLE_LINE, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["", "\n", "\r\n\r\n"]))
def test_a_whole_article_reads_the_same_with_and_without_plain_chunks(lines, newline, tail):
    """The blocks, notes and every problem (path:line) of a whole article (front matter, containers,
    note definitions, any line ending, a last line without one) are those without `_plain`."""
    from publish.sources import article as article_mod

    text = newline.join(['+++', 'title = "标题"', '+++', *lines]) + tail

    def read(plain):
        problems: list = []
        real = markdown._plain
        if not plain:
            markdown._plain = lambda text, first_line: None
        try:
            result = article_mod._parse_article(text, Path("a.md"), None, problems, "a", None)
        finally:
            markdown._plain = real
        return result, [str(p) for p in problems]

    assert read(True) == read(False)


@pytest.mark.parametrize("blank", ["\u3000\u3000", "\u00a0", "\u3000 \u3000", " \u2028 ", "\u3000\u00a0\u3000"])
def test_a_line_of_white_space_only_between_paragraphs_is_a_blank_line_not_an_empty_paragraph(blank):
    from publish.model import Paragraph

    text = f"第一段。\n\n{blank}\n\n第二段。\n"
    for blocks, problems in (_by_markdown_it(text, 1), (BodyReader("a.md", None, []).markdown(text, 1), [])):
        assert problems == []
        assert [type(b) for b in blocks] == [Paragraph, Paragraph]
        assert [b.runs[0].text for b in blocks] == ["第一段。", "第二段。"]
