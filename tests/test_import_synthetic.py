"""The importer on synthetic extractions: every feature, without the seed.

Each test builds a small text layer in the shape the print PDF gives (see tests/import_support.py)
and checks what the importer makes of it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from import_support import RIVER, SCHOOL, SHEEP, issue, page, wrap

from publish.errors import ImportError_
from publish.importer import import_text, write_import
from publish.importer.lines import width
from publish.model import ListItem, Note, Paragraph, Salutation, Signature

META = {"label": "2025年第1期", "date": dt.date(2025, 1, 1)}


def test_width_counts_ascii_as_half_an_em():
    assert width("巴彦淖尔") == 4
    assert width("2024年") == 3
    assert width("a\u00a0b") == 1.5


def test_paragraphs_are_recovered_from_width_and_final_punctuation():
    # The first paragraph's middle line ends with 。 but the next line is full: not a paragraph end.
    first = wrap("甲" * 19 + "乙" * 20 + "。" + "丙" * 30 + "。")
    second = wrap(RIVER)
    text = issue(page(first + second, ["水利建设", "●市水利局  王 明"]))
    result = import_text(text, **META)
    (article,) = result.issue.articles
    assert [type(b) for b in article.blocks] == [Paragraph, Paragraph]
    assert article.blocks[0].text == "甲" * 19 + "乙" * 20 + "。" + "丙" * 30 + "。"
    assert article.blocks[1].text == RIVER


def test_title_block_after_the_body_gives_title_subtitle_and_byline_with_inner_space():
    body = wrap(RIVER) + wrap(RIVER)
    text = issue(page(body, ["灌区水利建设", "——记黄河灌区节水改造", "●市水利局办公室  杨 菁"]))
    article = import_text(text, **META).issue.articles[0]
    assert article.title == ("灌区水利建设",)
    assert article.subtitle == "——记黄河灌区节水改造"
    assert article.bylines[0].unit == "市水利局办公室"
    assert article.bylines[0].name == "杨 菁"


def test_a_full_width_line_under_a_complete_full_width_title_is_a_secondary_headline():
    titles = "市人大常委会举办市五届人大代表履职能力提升培训班\n市人大常委会副主任孟长云出席并作开班动员讲话"
    text = " " + "\n\n".join(wrap(RIVER) + wrap(RIVER)) + "\n\n" + titles + "\n"
    article = import_text(text, **META).issue.articles[0]
    assert article.title == ("市人大常委会举办市五届人大代表履职能力提升培训班",)
    assert article.subtitle == "市人大常委会副主任孟长云出席并作开班动员讲话"
    # A title that wraps onto a shorter line keeps both lines as its title.
    titles = "巴彦淖尔市人民代表大会常务委员会关于召开巴彦\n淖尔市第五届人民代表大会第四次会议的决定"
    text = " " + "\n\n".join(wrap(RIVER)) + "\n\n" + titles + "\n"
    assert len(import_text(text, **META).issue.articles[0].title) == 2


def test_running_headers_and_folios_are_removed_and_missing_folios_inferred():
    pages = [
        page(wrap(RIVER) + wrap(RIVER)[:2], ["灌区水利建设"]),
        page(wrap(RIVER)[2:] + wrap(SHEEP), header="工作动态", folio="巴彦淖尔人大 /5\u00a0"),
        page(wrap(SHEEP), header="工作动态", folio="6/ 巴彦淖尔人大"),
        page(wrap(SCHOOL)),
    ]
    result = import_text(issue(*pages), **META)
    folios = [p["folio"] for p in result.report.pages]
    assert folios == [4, 5, 6, 7]
    assert [p["folio_printed"] for p in result.report.pages] == [False, True, True, False]
    assert result.report.pages[1]["header"] == "工作动态"
    everything = "".join(b.text for a in result.issue.articles for b in a.blocks)
    assert "巴彦淖尔人大" not in everything and "工作动态" not in everything
    assert result.issue.first_folio == 4
    assert result.report.account["ok"]


def test_a_word_cut_by_a_page_break_is_joined():
    lines = wrap(RIVER)
    text = issue(page(lines[:2], ["灌区水利建设"]), page(lines[2:]))
    article = import_text(text, **META).issue.articles[0]
    assert article.blocks[0].text == RIVER


def test_headings_numbered_items_and_run_in_enumerations():
    body = (
        [*wrap(RIVER), "一、基本情况", *wrap(SHEEP), "（一）缺少农业高新技术产业示范区发展", "整体规划", *wrap("一是" + SCHOOL), *wrap("1.由市人大工作研究会提出本年度课题研究选题参考名单，及时确定并落实年度研究课题任务。")]
    )
    article = import_text(issue(page(body, ["灌区水利建设"])), **META).issue.articles[0]
    kinds = [(type(b).__name__, getattr(b, "level", None)) for b in article.blocks]
    assert kinds == [
        ("Paragraph", None),
        ("Heading", 1),
        ("Paragraph", None),
        ("Heading", 2),
        ("Paragraph", None),
        ("ListItem", None),
    ]
    assert article.blocks[3].text == "（一）缺少农业高新技术产业示范区发展整体规划"
    assert isinstance(article.blocks[5], ListItem) and article.blocks[5].label == "1."


def test_a_heading_ends_where_the_next_line_opens_a_paragraph():
    # `一、…` on one line of 17 em, then a paragraph opening of 18 em: two blocks, not one.
    body = [*wrap(RIVER), "一、初心如磐践使命，履职尽责显担当", *wrap(SHEEP)]
    body += ["机关党组高度重视，精心安排扎实推进", *wrap(SCHOOL)]  # the same without a number
    article = import_text(issue(page(body, ["灌区水利建设"])), **META).issue.articles[0]
    assert [(type(b).__name__, b.text) for b in article.blocks] == [
        ("Paragraph", RIVER),
        ("Heading", "一、初心如磐践使命，履职尽责显担当"),
        ("Paragraph", SHEEP),
        ("Heading", "机关党组高度重视，精心安排扎实推进"),
        ("Paragraph", SCHOOL),
    ]
    assert article.blocks[3].level == 2  # below the article's numbered headings


def test_speech_salutation_notice_signature_and_notes():
    speech = ["各位领导、同志们：", *wrap(RIVER)]
    notice = [*wrap(SHEEP), "巴彦淖尔市人大工作研究会", "               《巴彦淖尔人大》编辑部 ", "                   2024年11月29日"]
    text = issue(
        page(speech, ["在灌区工作会议上的讲话", "●市人大常委会副主任  孟长云"]),
        page(notice, ["关于表彰肉羊产业先进单位的通报", "（讨论稿）"]),
    )
    first, second = import_text(text, **META).issue.articles
    assert isinstance(first.blocks[0], Salutation) and first.kind == "speech"
    assert isinstance(second.blocks[0], Note) and second.blocks[0].text == "（讨论稿）"
    assert isinstance(second.blocks[-1], Signature) and second.kind == "notice"
    assert second.blocks[-1].lines == ("巴彦淖尔市人大工作研究会", "《巴彦淖尔人大》编辑部", "2024年11月29日")


def test_two_interleaved_articles_on_one_page_get_their_own_titles():
    # The page: the river story's body, then both title lines (sheep first), then the sheep body.
    river = wrap(RIVER) + wrap(RIVER)
    sheep = wrap(SHEEP) + wrap(SHEEP)
    head = "\n\n".join([" " + river[0], *river[1:]])
    titles = "市牧业局推动肉羊产业发展\n牧业局局长出席培训并讲话\n\n灌区开展水利节水改造"  # a title's lines stay together
    text = head + "\n\n" + titles + "\n\n" + "\n\n".join(sheep) + "\n"
    result = import_text(text, **META)
    by_title = {a.title_text: a for a in result.issue.articles}
    assert set(by_title) == {"市牧业局推动肉羊产业发展牧业局局长出席培训并讲话", "灌区开展水利节水改造"}
    assert by_title["灌区开展水利节水改造"].blocks[0].text == RIVER
    assert by_title["市牧业局推动肉羊产业发展牧业局局长出席培训并讲话"].blocks[0].text == SHEEP
    assert any("attached" in u for u in result.report.uncertain)


def test_a_short_item_inside_a_longer_article():
    long_text = RIVER * 3
    lines = wrap(long_text)
    cut = 4  # the long article's paragraph stays open at the end of this line on the first page
    page1 = page(lines[:cut] + wrap(SCHOOL), ["乡村学校教师队伍建设", "", "灌区水利建设与节水改造", "●市水利局  王明"])
    page2 = page(lines[cut:])
    result = import_text(issue(page1, page2), **META)
    by_title = {a.title_text: a for a in result.issue.articles}
    assert by_title["灌区水利建设与节水改造"].blocks[0].text == long_text
    assert by_title["乡村学校教师队伍建设"].blocks[0].text == SCHOOL


def test_reversed_columns_are_read_in_order():
    text1 = RIVER * 5
    text2 = SCHOOL
    lines = wrap(text1)
    first_page = page(lines[:3], ["灌区水利建设与节水改造"])
    col1 = lines[3:7]  # continues the paragraph left open on the first page, stays open
    col2 = lines[7:] + wrap(text2)  # finishes it, then a whole paragraph that ends the article
    second_page = page(col2 + col1)
    result = import_text(issue(first_page, second_page), **META)
    (article,) = result.issue.articles
    assert [b.text for b in article.blocks] == [text1, text2]
    assert any("reverse order" in u for u in result.report.uncertain)


def test_every_character_is_accounted_for():
    pages = [
        page(wrap(RIVER), ["灌区水利建设", "●市水利局  王明"]),
        page(wrap(SHEEP), ["肉羊产业"], header="工作动态", folio="巴彦淖尔人大 /5"),
    ]
    text = issue(*pages)
    report = import_text(text, **META).report
    non_space = sum(1 for c in text if not c.isspace())
    assert report.account["input"] == non_space == report.account["accounted"]
    assert report.account["header"] == 4 and report.account["folio"] == len("巴彦淖尔人大/5")


def test_sections_come_from_running_headers_or_are_inferred():
    pages = [
        page(wrap(RIVER), ["灌区水利建设"]),
        page(wrap(SHEEP), ["关于全市肉羊产业的调研报告"], header="监督工作", folio="巴彦淖尔人大 /5"),
    ]
    result = import_text(issue(*pages), **META)
    sections = {a["title"]: (a["section"], a["section_from"]) for a in result.report.articles}
    assert sections["关于全市肉羊产业的调研报告"][0] == "监督工作"
    assert "inferred" in sections["灌区水利建设"][1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("这是一篇普通文章。\n\n没有页面结构。\n".encode(), "no page structure"),
        (b"\xff\xfe\xfa bad", "UTF-8"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1_with_nothing_written(tmp_path, data, message):
    from publish.cli import main

    source = tmp_path / "in.txt"
    source.write_bytes(data)
    out = tmp_path / "issue"
    run = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert run.exit_code == 1
    assert message in run.output
    assert "Traceback" not in run.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".issue")]


def test_cli_refuses_a_folder_as_input_and_a_file_as_output(tmp_path):
    from publish.cli import main

    run = CliRunner().invoke(main, ["import", str(tmp_path), "-o", str(tmp_path / "out")])
    assert run.exit_code == 1 and "folder, not a text file" in run.output
    source = tmp_path / "in.txt"
    source.write_text(issue(page(wrap(RIVER), ["灌区水利建设"])), encoding="utf-8")
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    run = CliRunner().invoke(main, ["import", str(source), "-o", str(target)])
    assert run.exit_code == 1 and "is a file" in run.output and "Traceback" not in run.output
    run = CliRunner().invoke(main, ["import", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o")])
    assert run.exit_code == 1 and "no such file" in run.output


def test_cli_writes_an_issue_that_the_reader_loads(tmp_path):
    from publish import load_issue
    from publish.cli import main

    source = tmp_path / "in.txt"
    source.write_text(issue(page(wrap(RIVER) + wrap(SHEEP), ["灌区水利建设", "●市水利局  王 明"])), encoding="utf-8")
    out = tmp_path / "issue"
    run = CliRunner().invoke(main, ["import", str(source), "-o", str(out), "--label", "2025年第1期", "--date", "2025-01-01"])
    assert run.exit_code == 0, run.output
    assert "characters:" in run.output
    loaded = load_issue(out)
    assert loaded.label == "2025年第1期"
    (article,) = loaded.articles
    assert article.title == ("灌区水利建设",) and article.bylines[0].name == "王 明"
    assert [b.text for b in article.blocks] == [RIVER, SHEEP]
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert report["account"]["ok"] is True
    # An existing folder is not overwritten without --force.
    again = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert again.exit_code == 1 and "exists" in again.output


def test_write_import_replaces_with_force(tmp_path):
    text = issue(page(wrap(RIVER), ["灌区水利建设"]))
    result = import_text(text, **META)
    out = tmp_path / "issue"
    write_import(result, out)
    write_import(result, out, force=True)
    assert (out / "issue.toml").exists()
    with pytest.raises(ImportError_):
        write_import(result, out)


LINE_PIECES = [
    "",
    " ",
    "巴彦淖尔人大 /41 ",
    "62/ 巴彦淖尔人大",
    "机关党建" + " " * 40,
    "●市人大常委会  杨 菁",
    "●●",
    "——记某某",
    "（讨论稿）",
    "一、基本情况",
    "（一）加强",
    "1.由",
    "各位领导、同志们：",
    "   2024年11月29日",
]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(LINE_PIECES),
            st.text(alphabet="巴彦淖尔人大会议工作，。、：；“”《》（）—●一二三1234567890ab \u00a0", max_size=26),
        ),
        max_size=60,
    ),
    st.booleans(),
)
def test_any_line_soup_imports_with_a_balanced_account_or_fails_cleanly(lines, page_start):
    """Whatever the lines, the import either accounts for every character or refuses the input with
    a clear message — never a crash, never an unbalanced account."""
    text = (" " if page_start else "") + "\n\n".join(lines)
    try:
        result = import_text(text, **META)
    except ImportError_ as err:
        assert "account" not in str(err) and "never used" not in str(err), str(err)
        return
    assert result.report.account["ok"]
    assert result.report.account["input"] == sum(1 for c in text if not c.isspace())
