"""Tables, notes and pictures in the sources: what the Markdown says becomes model blocks, what is
wrong is a problem with file:line and a stable code, and the writer writes them back the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from publish.model import Emphasis, Figure, NoteRef, Paragraph, Table, Text, note_mark
from publish.sources.article import parse_article
from publish.sources.writer import article_to_markdown

FRONT = '+++\ntitle = "调研报告"\n+++\n\n'  # the body starts on line 5


def parse(body: str, root: Path | None = None):
    problems: list = []
    article, _ = parse_article(FRONT + body, "a.md", root, problems)
    return article, problems


TABLE = """表1 各旗县区建设情况
| 旗县区 | 面积（万亩） | 说明 |
|:---|---:|:---:|
| 临河区 | 126.5 | *重点* |
| 五原县 | 8 | |
"""


def test_a_pipe_table_becomes_a_table_with_its_caption_alignment_and_header():
    article, problems = parse(TABLE)
    assert problems == []
    (table,) = article.blocks
    assert isinstance(table, Table) and table.line == 5
    assert table.caption == (Text("表1 各旗县区建设情况"),)
    assert table.align == ("left", "right", "center")
    assert [r.header for r in table.rows] == [True, False, False]
    assert [c.text for c in table.rows[0].cells] == ["旗县区", "面积（万亩）", "说明"]
    assert table.rows[1].cells[2].runs == (Emphasis("重点"),)
    assert table.rows[2].cells[2].runs == ()  # an empty cell stays a cell
    assert table.text == "表1 各旗县区建设情况旗县区面积（万亩）说明临河区126.5重点五原县8"


def test_columns_without_alignment_are_right_aligned_when_they_hold_numbers():
    article, _ = parse("| 项目 | 数量 | 比重 |\n|---|---|---|\n| 甲 | 1,234 | 52.1% |\n| 乙 | — | 8% |\n")
    table = article.blocks[0]
    assert [table.alignment(k) for k in range(3)] == ["left", "right", "right"]


@pytest.mark.parametrize("body, code, line, words", [
    ("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", "table-ragged", 7, "3 cells, the header has 2"),
    ("| a | b |\n|---|---|\n| 1 |\n", "table-ragged", 7, "1 cells"),
    ("| a | b |\n|---|---|\n", "table-empty", 5, "no rows"),
    ("| a | b |\n| 1 | 2 |\n", "table-malformed", 5, "look like a table"),
    ("正文[^1]。\n", "note-undefined", 5, "[^1] has no definition"),
    ("正文。\n\n[^1]: 注释。\n", "note-unused", 7, "[^1] is never referenced"),
    ("正文[^1]。\n\n[^1]: 一。\n[^1]: 二。\n", "note-duplicate", 8, "defined twice"),
    ("正文[^1]。\n\n[^1]: 注[^2]。\n\n[^2]: 二。\n", "note-nested", 7, "inside a note"),
    ("正文。\n\n::: signature\n办公室[^1]\n:::\n\n[^1]: 注。\n", "note-misplaced", 8, "inside a signature"),
    ("见[官网](javascript:void(0))。\n", "link-broken", 5, "not supported"),
    ("```\ncode\n```\n", "markup-unsupported", 5, "code fence"),
    ("![图](images/a.gif)\n", "image-format", 5, "not a JPEG, PNG, TIFF or WebP"),
])
def test_what_cannot_be_set_is_a_problem_with_line_and_code(body, code, line, words):
    article, problems = parse(body)
    assert article is None
    found = [p for p in problems if p.code == code]
    assert found, [str(p) for p in problems]
    assert found[0].line == line and words in found[0].message and found[0].fix
    assert str(found[0]).startswith(f"a.md:{line}: ")


def test_notes_are_numbered_per_article_in_order_of_first_reference():
    article, problems = parse("甲[^b]乙[^a]丙[^b]。\n\n[^a]: 注一。\n[^b]: 注二，\n  接续一行。\n")
    assert problems == []
    (p,) = article.blocks
    assert [r for r in p.runs if isinstance(r, NoteRef)] == [NoteRef("b", 1), NoteRef("a", 2), NoteRef("b", 1)]
    assert p.text == "甲乙丙。"  # the marks are not source text
    assert [(n.label, n.number, n.text, n.line) for n in article.notes] == \
        [("b", 1, "注二，接续一行。", 8), ("a", 2, "注一。", 7)]


def test_note_marks_are_circled_up_to_fifty_then_digits():
    assert [note_mark(n) for n in (1, 2, 20, 21, 50)] == ["①", "②", "⑳", "㉑", "㊿"]
    assert note_mark(51) == "51" and note_mark(3, "arabic") == "3"


def test_figures_take_alt_text_wide_and_tiff_or_webp(tmp_path):
    (tmp_path / "images").mkdir()
    Image.new("RGB", (40, 30), "red").save(tmp_path / "images" / "a.tif")
    Image.new("RGB", (40, 30), "blue").save(tmp_path / "images" / "b.webp")
    body = '![田间](images/a.tif){.wide}\n\n![](images/b.webp "调研组在座谈")\n'
    article, problems = parse(body, tmp_path)
    assert problems == []
    a, b = article.blocks
    assert isinstance(a, Figure) and a.wide and a.alt_text == "田间"
    assert isinstance(b, Figure) and not b.wide and b.caption == () and b.alt_text == "调研组在座谈"


def test_a_table_and_notes_are_written_back_as_they_were_read():
    body = TABLE + "\n正文[^1]，*强调*[^n2]。\n\n![](images/x.jpg \"替代文字\"){.wide}\n\n[^1]: 注一。\n[^n2]: 注*二*。\n"
    article, problems = parse(body)
    assert problems == []
    again, problems = parse(article_to_markdown(article).split("+++\n\n", 1)[1])
    assert problems == []
    assert [_no_line(b) for b in again.blocks] == [_no_line(b) for b in article.blocks]
    assert [(n.label, n.number, n.runs) for n in again.notes] == [(n.label, n.number, n.runs) for n in article.notes]


def _no_line(block):
    import dataclasses

    block = dataclasses.replace(block, line=0)
    if isinstance(block, Table):
        block = dataclasses.replace(block, rows=tuple(dataclasses.replace(r, line=0) for r in block.rows))
    return block


def test_a_caption_line_must_be_right_before_its_table():
    article, problems = parse("表1 说明文字。\n\n正文。\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert problems == []
    assert isinstance(article.blocks[0], Paragraph) and article.blocks[2].caption == ()


# ── markup the sources do not support: an error with the fix, never printed as typed ─────────────
@pytest.mark.parametrize("body, code, line, words", [
    ("正文<b>加粗</b>。\n", "markup-html", 5, "HTML tags <b> </b>"),
    ("第一行<br>第二行。\n", "markup-html", 5, "HTML tag <br>"),
    ("正文。\n\n<!-- 编辑注：待核实 -->\n", "markup-html", 7, "HTML comment"),
    ("<div>\n一段文字\n</div>\n", "markup-html", 5, "HTML tag <div>"),
    ("| a | b |\n|---|---|\n| <i>x</i> | 2 |\n", "markup-html", 7, "HTML"),
    ("![图<b>x</b>](images/x.jpg)\n", "markup-html", 5, "HTML"),
    ("::: note\n说明<br>文字\n:::\n", "markup-html", 6, "HTML tag <br>"),
    ("见<https://example.com>。\n", "markup-unsupported", 5, "autolink <https://example.com>"),
    ("[人大网]: http://www.npc.gov.cn\n\n正文。\n", "markup-unsupported", 5, "link reference definition"),
    ("一、基本情况\n======\n\n正文。\n", "markup-unsupported", 6, "setext heading"),
    ("正文。\n\n---\n\n正文。\n", "markup-unsupported", 7, "a line of ---"),
    ("> 引用的话。\n", "markup-unsupported", 5, "block quote"),
    ("运行`publish build`命令。\n", "markup-unsupported", 5, "code span"),
    ("~~删除~~的文字。\n", "markup-unsupported", 5, "strikethrough"),
])
def test_markup_the_sources_do_not_read_is_an_error_with_the_fix(body, code, line, words):
    _article, problems = parse(body)
    found = [p for p in problems if p.code == code]
    assert found, [str(p) for p in problems]
    assert found[0].line == line and words in found[0].message, str(found[0])
    assert "\\" in found[0].fix or "remove" in found[0].fix  # the fix says how to print it or what to do


@pytest.mark.parametrize("body, printed", [
    ("a<b 且 c>d。\n", "a<b 且 c>d。"),  # markdown-it sees no tag: text
    ("《关于实施<中华人民共和国残疾人保障法>办法》\n", "《关于实施<中华人民共和国残疾人保障法>办法》"),
    ("转义的\\<b>标记\\</b>。\n", "转义的<b>标记</b>。"),  # escaped: printed as typed
    ("A &amp; B，&copy; 2025。\n", "A & B，© 2025。"),  # entities are read as what they name
    ("运行\\`命令\\`。\n", "运行`命令`。"),
    ("x < y 且 y > z。\n", "x < y 且 y > z。"),
])
def test_text_that_only_looks_like_markup_is_printed_as_typed(body, printed):
    article, problems = parse(body)
    assert problems == [] and article.blocks[0].text == printed


@pytest.mark.parametrize("front, key", [
    ('title = "关于调研的报告[^1]"', "title"),
    ('title = ["关于调研", "的报告[^1]"]', "title"),
    ('title = "报告"\nsubtitle = "副题[^1]"', "subtitle"),
    ('title = "报告"\nbyline = [{unit = "调研组[^1]", name = "张三"}]', "byline"),
])
def test_a_note_reference_in_the_front_matter_is_an_error_with_the_fix(front, key):
    problems: list = []
    parse_article(f"+++\n{front}\n+++\n\n正文[^1]。\n\n[^1]: 注。\n", "a.md", None, problems)
    found = [p for p in problems if p.code == "note-in-front-matter"]
    assert len(found) == 1 and key in found[0].message and "[^1]" in found[0].message
    assert found[0].line == (2 if key == "title" else 3) and "in the text" in found[0].fix


def test_html_in_the_title_is_an_error():
    problems: list = []
    parse_article('+++\ntitle = "第一行<br>第二行"\n+++\n\n正文。\n', "a.md", None, problems)
    assert [(p.code, p.line) for p in problems] == [("markup-html", 2)]


@pytest.mark.parametrize("text", ["文字<b>粗</b>", "见<https://x.com>", "x~~y~~z", "<!-- c -->", "<条例>"])
def test_the_writer_escapes_what_would_read_as_markup(text):
    from publish.model import Article

    article = Article("a", ("报告",), (Paragraph((Text(text),), 5),), source=Path("a.md"))
    back, problems = parse(article_to_markdown(article).split("+++\n", 2)[2].lstrip("\n"))
    assert problems == [] and back.blocks[0].text == text
