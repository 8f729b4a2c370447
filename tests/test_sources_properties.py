"""Property tests: the article reader never fails with a foreign exception, and writer → reader is exact."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sources_support import without_lines

from publish.errors import SourceError
from publish.model import (
    Article,
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
from publish.sources import article_from_text, article_to_markdown, read_article
from publish.sources.article import KINDS
from publish.sources.markdown import merge_runs

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that mean something to Markdown, TOML or this project's conventions, and the seed's
# mixed punctuation (ASCII `,` inside Chinese, NBSP, full-width space, `——`, `<条例>`).
TRICKY = [
    *"*_#<>`[]()!\\&;:.,-+=|~{}\"'1２0 \t\n\u00a0\u3000\u2028",
    "<条例>", "1.", "2)", ":::", "+++", "&amp;", "&#32;", "——", "……", "“", "”", "《", "》", "，", "。",
    "：", "中", "文", "a", "Z", "é", "e\u0301", "𠀀", "\ufeff", "\u200b",
]
MARKDOWN_LINES = [
    "+++", 'title = "标题"', "title = [", "## 一、", "### （一）", "::: salutation", "::: signature",
    "::: note", ":::", "1. 项", "- 项", "![图](images/x.jpg)", "*着重*", "**粗**", "> 引", "    缩进",
    "```", "<b>粗</b>", "[链](x)", "---", "===", "\\", "&#0;", "&#x110000;", "",
    "![c](a%00.jpg)", "![c](" + "a" * 300 + ".png)", "![c](<a b.jpg> \"t\")",
]


def _text(min_size: int = 1) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=("Cs", "Cc")))
    return st.lists(pieces, min_size=min_size, max_size=12).map("".join)


@st.composite
def documents(draw) -> str:
    """Arbitrary text, often shaped like an article so that the reader's deeper paths are reached."""
    if draw(st.booleans()):
        return draw(st.text())
    lines = draw(st.lists(st.one_of(st.sampled_from(MARKDOWN_LINES), st.text(max_size=20)), max_size=25))
    if draw(st.booleans()):
        lines = ["+++", 'title = "标题"', "+++", *lines]
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


@given(documents(), st.sampled_from([None, Path(tempfile.gettempdir()) / "no-such-issue"]))
@SETTINGS
def test_reader_returns_an_article_or_raises_source_error(text, root):
    try:
        article = article_from_text(text, "a.md", root)
    except SourceError as err:
        assert err.problems and all(str(p) for p in err.problems)
    else:
        assert isinstance(article, Article) and article.blocks and article.title


@given(st.binary(max_size=200))
@settings(max_examples=100, deadline=None)
def test_reader_on_arbitrary_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.md"
        path.write_bytes(b"+++\ntitle = \"t\"\n+++\n\n" + data)
        try:
            read_article(path)
        except SourceError as err:
            assert all(p.path == path for p in err.problems)


runs = st.lists(
    st.tuples(st.booleans(), _text()).map(lambda t: Emphasis(t[1]) if t[0] else Text(t[1])), min_size=1, max_size=4
).map(merge_runs)
labels = st.from_regex(r"\A[0-9]{1,9}[.)]\Z")
blocks = st.one_of(
    runs.map(Paragraph),
    st.tuples(st.sampled_from([1, 2]), runs).map(lambda t: Heading(t[0], t[1])),
    runs.map(Salutation),
    runs.map(Note),
    st.tuples(labels, runs).map(lambda t: ListItem(t[0], t[1])),
    st.lists(_text(), min_size=1, max_size=3).map(lambda lines: Signature(tuple(lines))),
    st.tuples(st.sampled_from(["images/a.jpg", "images/a b.png", "图/照片(1).jpg", "x%.jpg"]),
              st.one_of(st.just(()), runs)).map(lambda t: Figure(Path(t[0]), t[1])),
)
title_line = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=15).filter(str.strip)


@st.composite
def articles(draw) -> Article:
    return Article(
        slug="a",
        title=tuple(draw(st.lists(title_line, min_size=1, max_size=3))),
        blocks=tuple(draw(st.lists(blocks, min_size=1, max_size=6))),
        subtitle=draw(st.one_of(st.just(""), _text())),
        bylines=tuple(
            draw(st.lists(st.builds(Byline, unit=_text(0), name=_text().filter(str.strip)), max_size=2))
        ),
        kind=draw(st.sampled_from(("", *KINDS))),
    )


@given(articles())
@SETTINGS
def test_writer_output_reads_back_as_the_same_article(article):
    written = article_to_markdown(article)
    again = article_from_text(written, "a.md")
    assert without_lines(again) == without_lines(article), written


ISSUE_LINES = [
    "[magazine]", 'title = "巴彦淖尔人大"', "[issue]", 'label = "第1期"', "date = 2025-01-20", 'date = "x"',
    "first_folio = 0", "first_folio = 3", 'normalize = "NFC"', 'normalize = "X"', "[fonts]", 'body = ["x"]',
    "body = 3", "[[sections]]", 'title = "栏目"', 'articles = ["articles/a.md"]', 'articles = ["../a.md"]',
    'articles = ["articles/a.md", "articles/a.md"]', "articles = [1]", "[extra]", "sections = 1", "[",
    'articles = ["a\\u0000.md"]', 'articles = ["' + "a" * 300 + '.md"]', 'articles = ["articles"]',
]


@given(st.lists(st.one_of(st.sampled_from(ISSUE_LINES), st.text(max_size=15)), max_size=16))
@settings(max_examples=100, deadline=None)
def test_issue_reader_returns_an_issue_or_raises_source_error(lines):
    from publish import load_issue

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "articles").mkdir()
        (root / "articles" / "a.md").write_text('+++\ntitle = "t"\n+++\n\n正文。\n', encoding="utf-8")
        (root / "issue.toml").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        try:
            issue = load_issue(root)
        except SourceError as err:
            assert err.problems
        else:
            assert issue.sections and issue.magazine and issue.label
