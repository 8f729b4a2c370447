"""`publish add`: Word manuscripts become articles — the office's conventions, Word's styles, tables,
notes, pictures, the report, issue.toml edits, and bad input refused with nothing written."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_support import Manuscript, office_manuscript, pandoc_manuscript, png, styled_manuscript
from sources_support import make_issue

import publish
from publish.cli import main
from publish.errors import AddError
from publish.model import Figure, Heading, ListItem, Note, NoteRef, Paragraph, Salutation, Signature, Table
from publish.sources import load_issue

DATA = Path(__file__).parent / "data"
ISSUE_TOML = """\
# 巴彦淖尔人大 — an issue being put together
[magazine]
title = "巴彦淖尔人大"

[issue]
label = "2025年第1期"
date = 2025-01-20

# the first section
[[sections]]
title = "特别报道"
articles = ["articles/01-a.md"]  # kept as written

[[sections]]
title = "人大论坛"
articles = [
  "articles/02-b.md",
]
"""
ARTICLE = "+++\ntitle = \"标题\"\n+++\n\n正文。\n"


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    root = make_issue(tmp_path / "issue", {"issue.toml": ISSUE_TOML, "articles/01-a.md": ARTICLE,
                                           "articles/02-b.md": ARTICLE})
    (root / "articles" / "a.md").unlink()
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def add_one(issue: Path, manuscript: Manuscript | Path, name: str = "稿件.docx", **kw):
    path = manuscript if isinstance(manuscript, Path) else manuscript.save(issue.parent / name)
    report = publish.add(issue, [path], **kw)
    article = next(a for a in load_issue(issue).articles if a.slug == Path(report.articles[0]).stem)
    return report, article


def blocks_of(article, kind):
    return [b for b in article.blocks if isinstance(b, kind)]


# ── the office's conventions, hand-formatted (no styles) ──────────────────────────────────────────
def test_hand_formatted_manuscript_gives_every_field(issue: Path, tmp_path: Path) -> None:
    report, article = add_one(issue, office_manuscript(tmp_path / "office.docx"))
    assert article.title == ("关于进一步加强和改进", "人大代表工作的意见")
    assert article.subtitle == "——在全市人大代表工作会议上的讲话"
    assert [(b.unit, b.name) for b in article.bylines] == [("市人大常委会办公室 副主任", "杨 菁")]
    assert blocks_of(article, Note)[0].text == "（2025年1月10日市人大常委会第十次会议通过）"
    assert blocks_of(article, Salutation)[0].text == "各位代表、同志们："
    headings = [(h.level, h.text) for h in blocks_of(article, Heading)]
    assert headings == [(1, "一、总体要求"), (2, "（一）明确工作目标"), (1, "二、主要任务")]
    assert blocks_of(article, Signature)[0].lines == ("市人大常委会办公室", "2025年1月10日")
    assert article.kind == "speech"
    assert report.files[0].balanced


def title_manuscript(*lines: str) -> Manuscript:
    m = Manuscript()
    m.title(*lines)
    m.para("正文第一段，说明情况。")
    return m


def test_one_centred_large_line_is_the_title(issue: Path) -> None:
    _, article = add_one(issue, title_manuscript("关于召开代表座谈会的通知"))
    assert article.title == ("关于召开代表座谈会的通知",)


def test_two_centred_large_lines_are_a_two_line_title(issue: Path) -> None:
    _, article = add_one(issue, title_manuscript("秉持初心  持续奋进", "服务人大事业创新发展"))
    assert article.title == ("秉持初心  持续奋进", "服务人大事业创新发展")


def test_a_line_break_in_the_title_paragraph_makes_another_printed_line(issue: Path) -> None:
    _, article = add_one(issue, title_manuscript("关于加强和改进\n代表工作的意见"))
    assert article.title == ("关于加强和改进", "代表工作的意见")


def test_a_centred_line_starting_with_dashes_is_the_subtitle(issue: Path) -> None:
    m = title_manuscript("坚持和完善人民代表大会制度")
    m.doc.paragraphs[1].text = ""
    m.para("——在市人大常委会党组理论学习中心组会议上的发言", align="center")
    m.para("正文。")
    _, article = add_one(issue, m)
    assert article.subtitle == "——在市人大常委会党组理论学习中心组会议上的发言"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("市人大常委会办公室\u3000张鸿杰", [("市人大常委会办公室", "张鸿杰")]),
        ("市人大常委会办公室 秘书科科长\u3000刘宝明", [("市人大常委会办公室 秘书科科长", "刘宝明")]),
        ("市人大常委会办公室\u3000杨 菁", [("市人大常委会办公室", "杨 菁")]),
        ("乌拉特后旗人大常委会\u3000张\u3000敏", [("乌拉特后旗人大常委会", "张\u3000敏")]),
        ("市人大常委会研究室\u3000王志刚\u3000李 明", [("市人大常委会研究室", "王志刚"), ("", "李 明")]),
    ],
)
def test_byline_unit_post_and_names(issue: Path, line: str, expected: list[tuple[str, str]]) -> None:
    m = Manuscript()
    m.title("关于代表履职的调研报告")
    m.para(line, align="center", font="楷体_GB2312")
    m.para("为了解代表履职情况，调研组开展了专题调研。")
    _, article = add_one(issue, m)
    assert [(b.unit, b.name) for b in article.bylines] == expected


def test_two_byline_lines_give_two_entries(issue: Path) -> None:
    m = Manuscript()
    m.title("关于代表履职的调研报告")
    m.para("市人大常委会研究室\u3000王志刚", align="center")
    m.para("临河区人大常委会\u3000赵 丽", align="center")
    m.para("为了解代表履职情况，调研组开展了专题调研。")
    _, article = add_one(issue, m)
    assert [(b.unit, b.name) for b in article.bylines] == [("市人大常委会研究室", "王志刚"), ("临河区人大常委会", "赵 丽")]


def test_a_sentence_under_the_title_is_not_a_byline(issue: Path) -> None:
    m = Manuscript()
    m.title("关于代表履职的调研报告")
    m.para("近日，调研组走访了张三。")
    _, article = add_one(issue, m)
    assert article.bylines == ()
    assert blocks_of(article, Paragraph)[0].text == "近日，调研组走访了张三。"


def test_a_short_first_paragraph_ending_with_a_colon_is_the_salutation(issue: Path) -> None:
    m = title_manuscript("在代表大会闭幕会上的讲话")
    m.doc.paragraphs[1].text = ""
    m.para("尊敬的各位领导、同仁们：")
    m.para("按照会议安排，我作如下发言：")
    _, article = add_one(issue, m)
    assert [b.text for b in blocks_of(article, Salutation)] == ["尊敬的各位领导、同仁们："]
    # only the opening address: a later paragraph ending with ： stays a paragraph
    assert "按照会议安排，我作如下发言：" in [b.text for b in blocks_of(article, Paragraph)]


def test_bold_or_heiti_short_paragraphs_are_headings_at_the_levels_of_their_numbering(issue: Path) -> None:
    m = title_manuscript("工作要点")
    m.heading("一、总体要求", font="仿宋_GB2312", bold=True)
    m.heading("（一）指导思想", font="楷体_GB2312")
    m.para("坚持以习近平新时代中国特色社会主义思想为指导。")
    m.heading("1.加强学习", font="仿宋_GB2312", bold=True)
    m.heading("二、重点工作", font="黑体")
    m.para("三、其他事项要在年底前全部完成，各单位要抓好落实，确保取得实效。")
    _, article = add_one(issue, m)
    assert [(h.level, h.text) for h in blocks_of(article, Heading)] == [
        (1, "一、总体要求"), (2, "（一）指导思想"), (2, "1.加强学习"), (1, "二、重点工作")]
    # a long plain paragraph that merely starts with 三、 is body text
    assert "三、其他事项要在年底前全部完成，各单位要抓好落实，确保取得实效。" in [b.text for b in blocks_of(article, Paragraph)]


def test_numbered_bold_headings_alone_are_level_one(issue: Path) -> None:
    m = title_manuscript("学习体会")
    m.heading("1.提高认识", font="仿宋_GB2312", bold=True)
    m.para("认真学习。")
    m.heading("2.强化担当", font="仿宋_GB2312", bold=True)
    _, article = add_one(issue, m)
    assert [(h.level, h.text) for h in blocks_of(article, Heading)] == [(1, "1.提高认识"), (1, "2.强化担当")]


def test_right_aligned_closing_lines_are_the_signature(issue: Path) -> None:
    m = title_manuscript("关于表彰先进的通报")
    m.para("巴彦淖尔市人大常委会办公室", align="right")
    m.para("2025年1月15日", align="right")
    _, article = add_one(issue, m)
    assert blocks_of(article, Signature)[0].lines == ("巴彦淖尔市人大常委会办公室", "2025年1月15日")
    assert article.kind == "notice"


def test_closing_lines_pushed_right_with_spaces_are_the_signature(issue: Path) -> None:
    m = title_manuscript("关于表彰先进的通报")
    m.para("\u3000" * 14 + "巴彦淖尔市人大常委会办公室")
    m.para("\u3000" * 16 + "2025年1月15日")
    _, article = add_one(issue, m)
    assert blocks_of(article, Signature)[0].lines == ("巴彦淖尔市人大常委会办公室", "2025年1月15日")


@pytest.mark.parametrize("note", ["（2024年12月20日巴彦淖尔市第五届人民代表大会常务委员会第十五次会议通过）", "（讨论稿）"])
def test_a_bracketed_line_under_the_title_is_a_note(issue: Path, note: str) -> None:
    m = Manuscript()
    m.title("巴彦淖尔市人大常委会议事规则")
    m.para(note, align="center", size=14)
    m.para("第一条　为了规范常委会的议事活动，制定本规则。")
    _, article = add_one(issue, m)
    assert [b.text for b in blocks_of(article, Note)] == [note]
    assert isinstance(article.blocks[0], Note)


# ── Word's styles, from python-docx and pandoc ───────────────────────────────────────────────────
def test_word_styles_give_title_subtitle_headings_table_notes_and_figure(issue: Path, tmp_path: Path) -> None:
    report, article = add_one(issue, styled_manuscript(tmp_path / "styled.docx"))
    assert article.title == ("关于代表建议办理情况的报告",)
    assert article.subtitle == "——2024年度代表建议办理工作总结"
    assert [(h.level, h.text) for h in blocks_of(article, Heading)] == [
        (1, "一、基本情况"), (2, "（一）办理进度"), (2, "二、下一步打算")]
    text = (issue / report.articles[0]).read_text(encoding="utf-8")
    assert "表1 建议办理情况\n| 承办单位 | 件数 | 满意率 |\n|---|---|---|\n| 市教育局 | 12 | 百分之百 |" in text
    assert "全年共收到代表建议一百二十件，已全部办结。[^1]" in text
    assert "各承办单位按时答复代表。[^2]" in text
    assert "[^1]: 数据截至2024年12月31日。" in text and "[^2]: 答复意见已送代表本人。" in text
    table = blocks_of(article, Table)[0]
    assert [c.text for c in table.caption] == ["表1 建议办理情况"]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["承办单位", "件数", "满意率"], ["市教育局", "12", "百分之百"], ["市交通局", "8", "九成"]]
    assert [r.header for r in table.rows] == [True, False, False]
    assert [(n.label, n.text) for n in article.notes] == [("1", "数据截至2024年12月31日。"), ("2", "答复意见已送代表本人。")]
    refs = [r for b in blocks_of(article, Paragraph) for r in b.runs if isinstance(r, NoteRef)]
    assert [(r.label, r.number) for r in refs] == [("1", 1), ("2", 2)]
    figure = blocks_of(article, Figure)[0]
    assert figure.text == "图1 代表视察现场" and figure.image.is_file()
    assert figure.image.parent == (issue / "images").resolve()


def test_chinese_word_style_names_are_headings(issue: Path) -> None:
    m = Manuscript()
    m.title("调研报告")
    for name, level in (("标题 1", 1), ("标题 2", 2)):
        style = m.doc.styles[f"Heading {level}"]
        style.name = name
    m.para("一、基本情况", style="标题 1")
    m.para("（一）代表构成", style="标题 2")
    m.para("正文。")
    _, article = add_one(issue, m)
    assert [(h.level, h.text) for h in blocks_of(article, Heading)] == [(1, "一、基本情况"), (2, "（一）代表构成")]


def test_pandoc_manuscript(issue: Path, tmp_path: Path) -> None:
    path = pandoc_manuscript(tmp_path / "pandoc" / "tongzhi.docx")
    if path is None:
        pytest.skip("pandoc is not installed (Makefile APT_PKGS installs it)")
    report, article = add_one(issue, path)
    assert article.title == ("关于开展执法检查的通知",)
    assert [(h.level, h.text) for h in blocks_of(article, Heading)] == [(1, "一、检查内容"), (2, "（一）检查方式")]
    text = (issue / report.articles[0]).read_text(encoding="utf-8")
    assert "| 时间 | 地点 |\n|---|---|\n| 三月 | 临河区 |" in text
    assert [[c.text for c in r.cells] for r in blocks_of(article, Table)[0].rows] == [["时间", "地点"], ["三月", "临河区"]]
    assert [n.text for n in article.notes] == ["依据年度监督工作计划。"]
    assert "重点检查法律实施情况。[^1]" in text and "[^1]: 依据年度监督工作计划。" in text
    assert "采取*听取汇报*和实地察看相结合的方式。" in text
    assert blocks_of(article, Figure)[0].text == "图2 检查组在企业察看"


def test_libreoffice_manuscript(issue: Path) -> None:
    report, article = add_one(issue, DATA / "libreoffice-daibiao-fengcai.docx")
    assert article.title == ("扎根基层办实事", "真情履职暖民心")
    assert article.subtitle == "——记市人大代表李春花"
    assert [(b.unit, b.name) for b in article.bylines] == [("乌拉特前旗人大常委会办公室", "张\u3000敏")]
    assert report.files[0].section == "代表风采" and report.files[0].section_created
    text = (issue / report.articles[0]).read_text(encoding="utf-8")
    assert "表1 李春花代表履职情况\n| 年份 | 走访户数 | 建议件数 |" in text
    assert "[^1]: 本文根据采访记录整理。" in text
    assert blocks_of(article, Figure)[0].text == "图1 李春花（左）走访农户"
    table = blocks_of(article, Table)[0]
    assert "".join(c.text for c in table.caption) == "表1 李春花代表履职情况"
    assert [[c.text for c in r.cells] for r in table.rows][1] == ["2023年", "60", "12"]
    assert [n.text for n in article.notes] == ["本文根据采访记录整理。"]


# ── runs, lists and characters as typed ──────────────────────────────────────────────────────────
def test_bold_and_italic_runs_become_emphasis(issue: Path) -> None:
    m = title_manuscript("学习体会")
    p = m.para("我们要")
    m.run(p, "牢记使命", bold=True)
    m.run(p, "，")
    m.run(p, "勇于担当", italic=True)
    m.run(p, "。")
    report, _ = add_one(issue, m)
    assert "我们要*牢记使命*，*勇于担当*。" in (issue / report.articles[0]).read_text(encoding="utf-8")


def test_word_numbered_list_becomes_numbered_items(issue: Path) -> None:
    m = title_manuscript("工作安排")
    m.para("召开代表座谈会", style="List Number")
    m.para("开展执法检查", style="List Number")
    _, article = add_one(issue, m)
    assert [(i.label, i.text) for i in blocks_of(article, ListItem)] == [("1.", "1.召开代表座谈会"), ("2.", "2.开展执法检查")]


def test_breaks_tabs_ideographic_spaces_and_nbsp(issue: Path) -> None:
    m = title_manuscript("通知")
    m.para("第一行\n第二行，中间有\u3000全角空格和\u00a0不换行空格，还有\t制表符。")
    report, article = add_one(issue, m)
    texts = [b.text for b in blocks_of(article, Paragraph)]
    assert "第一行\n第二行，中间有\u3000全角空格和\u00a0不换行空格，还有\u3000制表符。" in texts
    tabs = [g for g in report.files[0].guesses if g["what"] == "tab"]
    assert tabs and "U+3000" in tabs[0]["because"]


def test_typed_indentation_is_removed_and_reported(issue: Path) -> None:
    m = title_manuscript("通知")
    m.para("\u3000\u3000各旗县区人大常委会：")
    m.para("\u3000\u3000现将有关事项通知如下。")
    report, article = add_one(issue, m)
    assert "现将有关事项通知如下。" in [b.text for b in blocks_of(article, Paragraph)]
    assert any(g["what"] == "indent removed" for g in report.files[0].guesses)


def test_pictures_are_copied_to_images_with_their_captions(issue: Path) -> None:
    m = title_manuscript("视察纪实")
    m.picture(png(900, 600), caption="图1 代表视察")
    m.picture(png(600, 900, (20, 20, 160)), caption="图2 座谈会现场")
    report, article = add_one(issue, m)
    figures = blocks_of(article, Figure)
    assert [f.text for f in figures] == ["图1 代表视察", "图2 座谈会现场"]
    assert [f.image.name for f in figures] == [Path(p).name for p in report.files[0].images]
    assert all(f.image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in figures)


# ── the report ───────────────────────────────────────────────────────────────────────────────────
def test_report_is_saved_with_guesses_and_a_balanced_account(issue: Path, tmp_path: Path) -> None:
    report, _ = add_one(issue, office_manuscript(tmp_path / "office.docx"))
    saved = json.loads((issue / report.articles[0].replace(".md", ".add-report.json")).read_text(encoding="utf-8"))
    assert saved["account"]["balanced"] is True
    assert saved["account"]["word"]["total"] == saved["account"]["article"]["total"] > 150
    assert saved["account"]["word"]["notes"] == saved["account"]["article"]["notes"] > 0
    by_what = {g["what"]: g for g in saved["guesses"]}
    assert {"title", "subtitle", "byline", "salutation", "signature", "note"} <= set(by_what)
    assert all(g["because"] for g in saved["guesses"])
    assert "22 pt" in by_what["title"]["because"]


def test_comments_and_text_boxes_are_listed_with_where_they_were(issue: Path) -> None:
    m = title_manuscript("通知")
    p = m.para("请各单位认真落实。")
    m.doc.add_comment(p.runs, text="这句话再斟酌", author="编辑")
    m.text_box(m.para("附："), "文本框里的字")
    report, _ = add_one(issue, m)
    omitted = [(o.what, o.where, o.text) for o in report.files[0].omitted]
    assert ("comment by 编辑", "paragraph 3", "这句话再斟酌") in omitted
    assert ("text box", "paragraph 4", "文本框里的字") in omitted
    saved = json.loads((issue / report.articles[0].replace(".md", ".add-report.json")).read_text(encoding="utf-8"))
    assert {"what": "text box", "where": "paragraph 4", "text": "文本框里的字"} in saved["not_carried_over"]


def test_tracked_changes_are_refused(issue: Path) -> None:
    m = title_manuscript("通知")
    m.tracked_deletion(m.para("请各单位"), "认真")
    path = m.save(issue.parent / "修改稿.docx")
    before = snapshot(issue)
    with pytest.raises(AddError) as err:
        publish.add(issue, [path])
    assert "修改稿.docx" in str(err.value) and "accept or reject the changes in Word first" in str(err.value)
    assert snapshot(issue) == before


# ── issue.toml and sections ──────────────────────────────────────────────────────────────────────
def test_issue_toml_keeps_its_comments_and_lists_the_article_last_in_the_last_section(issue: Path) -> None:
    report, _ = add_one(issue, title_manuscript("论坛文章"))
    text = (issue / "issue.toml").read_text(encoding="utf-8")
    assert text.startswith(ISSUE_TOML[: ISSUE_TOML.index("  \"articles/02-b.md\",")])
    assert "# the first section" in text and "# kept as written" in text
    assert f'  "articles/02-b.md",\n  "{report.articles[0]}",\n]' in text
    assert report.articles[0].startswith("articles/03-lun-tan-wen-zhang")


def test_section_option_adds_to_a_named_section_or_creates_it(issue: Path, tmp_path: Path) -> None:
    first = title_manuscript("特别报道一").save(tmp_path / "a.docx")
    second = title_manuscript("新栏目文章").save(tmp_path / "b.docx")
    publish.add(issue, [first], section="特别报道")
    report = publish.add(issue, [second], section="代表风采")
    sections = {s.title: [a.title for a in s.articles] for s in load_issue(issue).sections}
    assert sections["特别报道"][-1] == ("特别报道一",)
    assert sections["代表风采"] == [("新栏目文章",)]
    assert report.files[0].section_created
    assert (issue / "issue.toml").read_text(encoding="utf-8").endswith(
        f'[[sections]]\ntitle = "代表风采"\narticles = [\n  "{report.articles[0]}",\n]\n')


def test_a_section_named_in_the_manuscript_is_used(issue: Path) -> None:
    m = Manuscript()
    m.para("【特别报道】")
    m.title("代表联络站建设纪实")
    m.para("正文。")
    report, _ = add_one(issue, m)
    assert report.files[0].section == "特别报道" and not report.files[0].section_created


# ── bad input: one line naming the file, exit 1, nothing written ─────────────────────────────────
def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = folder / "稿件.docx"
    text.write_text("这不是Word文件", encoding="utf-8")
    good = title_manuscript("好稿件").save(folder / "good.docx")
    truncated = folder / "损坏.docx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    crc = folder / "crc.docx"
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("word/document.xml")
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[offset] ^= 0xFF
    crc.write_bytes(bytes(data))
    xlsx = folder / "表格.docx"
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    empty_doc = Manuscript()
    empty_doc.para("")
    empty = empty_doc.save(folder / "空白.docx")
    zero = folder / "零字节.docx"
    zero.write_bytes(b"")
    bad_xml = folder / "坏XML.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad_xml, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:-40] if item.filename == "word/document.xml" else data)
    bad_number = folder / "坏编号.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad_number, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:p>", b'<w:p><w:pPr><w:numPr><w:ilvl w:val="x"/><w:numId w:val="1"/></w:numPr></w:pPr>', 1)
            target.writestr(item, data)
    return {
        "bad xml": bad_xml,
        "bad number": bad_number,
        "not a docx": text,
        "corrupt zip": truncated,
        "corrupt entry": crc,
        "not word": xlsx,
        "empty": empty,
        "zero bytes": zero,
        "old doc": DATA / "old-binary.doc",
        "encrypted": DATA / "password-protected.docx",
        "missing": folder / "没有这个文件.docx",
    }


EXPECTED = {
    "bad xml": "is damaged",
    "bad number": "is damaged",
    "not a docx": "is not a Word (.docx) file",
    "corrupt zip": "is damaged",
    "corrupt entry": "is damaged",
    "not word": "is a zip file but a spreadsheet",
    "empty": "is empty",
    "zero bytes": "is an empty file",
    "old doc": "soffice --headless --convert-to docx",
    "encrypted": "is password-protected",
    "missing": "no such file",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_bad_input_is_one_line_naming_the_file_and_exit_1(issue: Path, tmp_path: Path, kind: str) -> None:
    path = _bad_files(tmp_path / "bad")[kind]
    before = snapshot(issue)
    result = CliRunner().invoke(main, ["add", str(issue), str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"error: {path}: ") and EXPECTED[kind] in lines[0]
    assert snapshot(issue) == before


def test_nothing_is_written_when_any_file_fails(issue: Path, tmp_path: Path) -> None:
    bad = _bad_files(tmp_path / "bad")
    good = title_manuscript("好稿件").save(tmp_path / "good2.docx")
    before = snapshot(issue)
    result = CliRunner().invoke(main, ["add", str(issue), str(good), str(bad["corrupt zip"]), str(bad["old doc"])])
    assert result.exit_code == 1
    assert str(bad["corrupt zip"]) in result.output and str(bad["old doc"]) in result.output
    assert snapshot(issue) == before


def test_dry_run_reports_and_writes_nothing(issue: Path, tmp_path: Path) -> None:
    path = office_manuscript(tmp_path / "office.docx")
    before = snapshot(issue)
    result = CliRunner().invoke(main, ["add", str(issue), str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output and "balanced" in result.output
    assert snapshot(issue) == before


def test_cli_adds_several_files_in_order(issue: Path, tmp_path: Path) -> None:
    first = title_manuscript("第一篇").save(tmp_path / "1.docx")
    second = title_manuscript("第二篇").save(tmp_path / "2.docx")
    result = CliRunner().invoke(main, ["add", str(issue), str(first), str(second), "--section", "人大论坛"])
    assert result.exit_code == 0, result.output
    titles = [a.title for a in load_issue(issue).sections[1].articles]
    assert titles[-2:] == [("第一篇",), ("第二篇",)]


def test_not_an_issue_folder(tmp_path: Path) -> None:
    path = title_manuscript("稿件").save(tmp_path / "a.docx")
    with pytest.raises(AddError, match=r"no issue\.toml"):
        publish.add(tmp_path / "nowhere", [path])


def test_committed_samples_are_small() -> None:
    for path in DATA.iterdir():
        if path.suffix in (".docx", ".doc"):
            assert path.stat().st_size < 64_000, path


# ── more of what manuscripts do ──────────────────────────────────────────────────────────────────
def test_a_byline_on_two_lines_unit_then_name(issue: Path) -> None:
    m = Manuscript()
    m.title("关于代表履职的调研报告")
    m.para("市人大常委会办公室", align="center", font="楷体_GB2312")
    m.para("杨 菁", align="center", font="楷体_GB2312")
    m.para("为了解代表履职情况，调研组开展了专题调研。")
    _, article = add_one(issue, m)
    assert [(b.unit, b.name) for b in article.bylines] == [("市人大常委会办公室", "杨 菁")]


def test_a_name_with_a_middle_dot(issue: Path) -> None:
    m = Manuscript()
    m.title("草原上的代表之家")
    m.para("乌拉特中旗人大常委会\u3000乌日娜·巴特尔", align="center")
    m.para("正文。")
    _, article = add_one(issue, m)
    assert [(b.unit, b.name) for b in article.bylines] == [("乌拉特中旗人大常委会", "乌日娜·巴特尔")]


def test_a_large_byline_under_the_title_is_not_a_title_line(issue: Path) -> None:
    m = Manuscript()
    m.title("扎根基层办实事")
    m.para("乌拉特前旗人大常委会\u3000张敏", align="center", size=18)
    m.para("正文第一段，说明情况。")
    _, article = add_one(issue, m)
    assert article.title == ("扎根基层办实事",)
    assert [(b.unit, b.name) for b in article.bylines] == [("乌拉特前旗人大常委会", "张敏")]


def test_a_plain_short_numbered_line_without_punctuation_is_a_heading(issue: Path) -> None:
    m = title_manuscript("工作要点")
    m.para("一、总体要求")
    m.para("坚持党的领导。")
    m.para("二、工作措施要有力，确保各项任务落实到位。")
    report, article = add_one(issue, m)
    assert [(h.level, h.text) for h in blocks_of(article, Heading)] == [(1, "一、总体要求")]
    guess = next(g for g in report.files[0].guesses if g["text"] == "一、总体要求")
    assert "without punctuation" in guess["because"]


def test_a_picture_in_a_table_cell_follows_the_table(issue: Path) -> None:
    m = title_manuscript("图表")
    table = m.table([["照片", "说明"], ["", "代表视察"]])
    table.cell(1, 0).paragraphs[0].add_run().add_picture(__import__("io").BytesIO(png(300, 200)))
    report, article = add_one(issue, m)
    assert len(blocks_of(article, Figure)) == 1
    assert any(g["what"] == "figure" and "table cell" in g["because"] for g in report.files[0].guesses)


def test_page_headers_and_footers_are_listed_not_carried_over(issue: Path) -> None:
    m = title_manuscript("通知")
    m.doc.sections[0].header.paragraphs[0].text = "内部资料 注意保存"
    report, article = add_one(issue, m)
    assert ("page header", "内部资料 注意保存") in [(o.what, o.text) for o in report.files[0].omitted]
    assert "内部资料" not in "".join(b.text for b in article.blocks)


def test_the_category_property_names_the_section(issue: Path) -> None:
    m = title_manuscript("论坛文章")
    m.doc.core_properties.category = "特别报道"
    report, _ = add_one(issue, m)
    assert report.files[0].section == "特别报道"


def test_the_section_option_wins_over_the_manuscript(issue: Path) -> None:
    m = Manuscript()
    m.para("栏目：特别报道")
    m.title("代表联络站建设纪实")
    m.para("正文。")
    report, _ = add_one(issue, m, section="人大论坛")
    assert report.files[0].section == "人大论坛"


def test_a_note_without_text_loses_only_its_mark_and_a_note_never_referenced_is_kept(issue: Path) -> None:
    m = title_manuscript("通知")
    m.note(m.para("第一段。"), "")
    m.notes["footnote"].append((9, "孤立的注释文字"))  # defined in footnotes.xml, referenced nowhere
    report, article = add_one(issue, m, "notes.docx")
    text = (issue / report.articles[0]).read_text(encoding="utf-8")
    assert "[^" not in text
    assert article.blocks[-1].text == "孤立的注释文字"
    becauses = [g["because"] for g in report.files[0].guesses if g["what"] == "note"]
    assert any("no text" in b for b in becauses) and any("no reference" in b for b in becauses)
    assert report.files[0].balanced


def test_a_centred_bold_title_in_the_body_size_keeps_both_lines(issue: Path) -> None:
    m = Manuscript()
    m.para("关于进一步做好", align="center", bold=True)
    m.para("代表建议办理工作的通知", align="center", bold=True)
    m.para("各旗县区人大常委会：")
    m.para("现将有关事项通知如下。")
    report, article = add_one(issue, m)
    assert article.title == ("关于进一步做好", "代表建议办理工作的通知")
    assert "centred and bold" in next(g for g in report.files[0].guesses if g["what"] == "title")["because"]


def test_emphasis_next_to_a_note_reference_reads_back(issue: Path) -> None:
    m = title_manuscript("学习体会")
    p = m.para("他说：")
    m.run(p, "“代表就要为群众说话。”", bold=True)
    m.note(p, "采访记录。")
    m.run(p, "我们")
    m.run(p, "深受鼓舞", bold=True)
    _, article = add_one(issue, m)
    runs = blocks_of(article, Paragraph)[-1].runs
    assert [type(r).__name__ for r in runs] == ["Text", "Emphasis", "NoteRef", "Text", "Emphasis"]
    assert [n.text for n in article.notes] == ["采访记录。"]


def test_pandoc_metadata_title_subtitle_author_and_date(issue: Path, tmp_path: Path) -> None:
    source = tmp_path / "meta.md"
    source.write_text("---\ntitle: 关于开展执法检查的通知\nsubtitle: ——2025年监督工作安排\nauthor:\n"
                      "- 市人大常委会办公室　王志刚\ndate: 2025年3月1日\n---\n\n各旗县区人大常委会：\n\n"
                      "# 一、检查内容\n\n重点检查。\n", encoding="utf-8")
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed (Makefile APT_PKGS installs it)")
    subprocess.run(["pandoc", str(source), "-o", str(tmp_path / "meta.docx")], check=True)
    _, article = add_one(issue, tmp_path / "meta.docx")
    assert (article.title, article.subtitle) == (("关于开展执法检查的通知",), "——2025年监督工作安排")
    assert [(b.unit, b.name) for b in article.bylines] == [("市人大常委会办公室", "王志刚")]
    assert [b.text for b in blocks_of(article, Note)] == ["2025年3月1日"]
    assert [b.text for b in blocks_of(article, Salutation)] == ["各旗县区人大常委会："]


def test_shapes_and_embedded_objects_are_listed_with_where_they_were(issue: Path) -> None:
    from docx.oxml import parse_xml

    m = title_manuscript("通知")
    shape = m.para("见下图：")
    shape._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:drawing><wp:inline>'
        '<wp:docPr id="5" name="箭头"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"/></a:graphic>'
        '</wp:inline></w:drawing></w:r>'))
    embedded = m.para("附表：")
    embedded._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:object/></w:r>'))
    report, _ = add_one(issue, m)
    omitted = [(o.what, o.where) for o in report.files[0].omitted]
    assert ("shape", "paragraph 3") in omitted and ("embedded object", "paragraph 4") in omitted
    printed = CliRunner().invoke(main, ["add", str(issue), str(issue.parent / "稿件.docx"), "--dry-run"]).output
    assert "not carried over: shape at paragraph 3" in printed


def test_a_hyperlink_to_a_web_address_becomes_a_link_and_others_keep_their_text(issue: Path) -> None:
    """Word's hyperlinks: a web address becomes `[text](address)` (the screen PDF and the EPUB
    link it); one to a bookmark or a file keeps its text and is listed as not carried over."""
    from publish.model import Link, Text

    m = title_manuscript("通知")
    p = m.para("详见")
    m.hyperlink(p, "中国人大网", "https://www.npc.gov.cn/npc/c2/", bold=True)
    m.run(p, "和")
    m.hyperlink(p, "第二部分", anchor="_Toc123")
    m.run(p, "及")
    m.hyperlink(p, "附件", "file:///C:/附件.docx")
    m.run(p, "。")
    report, article = add_one(issue, m)
    (para,) = [b for b in blocks_of(article, Paragraph) if "详见" in b.text]
    assert para.runs == (Text("详见"), Link("中国人大网", "https://www.npc.gov.cn/npc/c2/"),
                         Text("和第二部分及附件。"))
    omitted = [(o.what, o.text) for o in report.files[0].omitted]
    assert ("hyperlink to _Toc123", "第二部分") in omitted
    assert ("hyperlink to file:///C:/附件.docx", "附件") in omitted
    text = next((issue / "articles").glob(f"{Path(report.articles[0]).stem}.md")).read_text(encoding="utf-8")
    assert "[中国人大网](https://www.npc.gov.cn/npc/c2/)" in text
