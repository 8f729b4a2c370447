"""Tables and notes in articles the sample does not have, added to a copy of the sample issue and
read back from both editions — the cases an editor will write and the layout must survive:

- a 6-column table wider than a column (a band across the columns, at a page's top or bottom),
- a long wide table that breaks across pages (its header row repeated where it continues),
- a long column table, a table as an article's first and as its last block,
- note references in a table cell, a numbered item and a heading, a label referenced twice,
  references that fall at the last line of a column or page (one in every paragraph),
- all of it again in the a5-book layout (one column).

Each build must pass `publish check`, set every table row's cells on one baseline with the rows in
order, put each note at the foot of its reference's page (a note referenced twice: once, on the
first reference's page), leave no raw Markdown in either edition, and give an EPUB that EPUBCheck
passes with no message. Every reference is written right after a number (`编号3107[^k]`): numbers
are never broken, so the number is on the mark's line and names the reference's page."""

from __future__ import annotations

import itertools
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_blocks_editions import _lines, _page, _squeeze

from publish.build import build
from publish.cli import main
from publish.model import NoteRef, Table, note_mark
from publish.sources import load_issue

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample"

_refs = iter(range(3101, 9999))


def ref(label: str) -> str:
    """A note reference written after a unique number (see the module docstring)."""
    return f"编号{next(_refs)}[^{label}]"


WIDE_HEAD = "| 序号 | 项目名称 | 所在乡镇 | 面积（万亩） | 投资（万元） | 验收情况 |\n|---:|:---|:---|---:|---:|:---|\n"


def wide_rows(n: int, name: str, note_at: int = 0, label: str = "") -> str:
    out = []
    for k in range(1, n + 1):
        state = f"已验收{ref(label)}" if k == note_at else "已验收"
        out.append(f"| {k} | 第{k}号{name} | 临河区八一乡 | {k * 3 + 0.5} | {k * 12 + 7} | {state} |\n")
    return "".join(out)


def para(k: int, n: int = 6) -> str:
    return f"第{k}段的正文，" + "各旗县区认真落实高标准农田建设任务，加强项目管理和资金监管，" * n


def articles() -> dict[str, str]:
    # (built once per module; the reference numbers are unique across the articles)
    wide = f"""+++
title = "六列宽表"
+++

{para(1)}建设情况见表1{ref("a")}。

表1 各项目建设情况一览
{WIDE_HEAD}{wide_rows(8, "高标准农田项目", note_at=3, label="cell")}
{para(2)}表中数据由市农牧局提供{ref("b")}。

{para(3)}

[^a]: 表1按项目所在乡镇排列。
[^cell]: 第3号项目因雨季推迟验收一个月。
[^b]: 数据截至2024年12月31日。
"""
    long_wide = f"""+++
title = "长宽表"
+++

{para(4, 3)}全部项目列于表2{ref("x")}。

表2 全市高标准农田项目清单
{WIDE_HEAD.replace("验收情况", "备注")}{wide_rows(70, "节水改造示范工程", note_at=40, label="mid")}
{para(5, 8)}

[^x]: 清单共七十个项目。
[^mid]: 第40号项目为示范项目。
"""
    first_last = f"""+++
title = "首尾皆表"
+++

| 指标 | 数值 |
|:---|---:|
| 建成面积 | 520{ref("first")} |
| 占比 | 47.3% |

{para(6, 4)}

{para(7, 4)}下表为分年度情况。

表3 分年度建设面积
| 年度 | 面积（万亩） |
|:---|---:|
| 2022 | 160 |
| 2023 | 175 |
| 2024 | 185{ref("last")} |

[^first]: 数据来源于市农牧局。
[^last]: 2024年数据为初步统计。
"""
    places = f"""+++
title = "注释的各种位置"
+++

## 一、标题中的注释{ref("head")}

{para(8, 3)}这一点后文还会提到{ref("twice")}。

1. 第一项措施，加强组织领导{ref("item")}。
2. 第二项措施，强化资金保障。

| 项目 | 说明 |
|:---|:---|
| 管护 | 明确责任主体{ref("tab")} |
| 资金 | 足额到位 |

{para(9, 3)}如前所述{ref("twice")}，此处再次引用同一注释。

[^head]: 标题中的注释。
[^twice]: 这条注释被引用了两次，只排一次。
[^item]: 编号项中的注释。
[^tab]: 表格单元格中的注释。
"""
    # References at the end of every paragraph: some fall on a column's or a page's last line.
    dense = "+++\ntitle = \"密集注释\"\n+++\n\n" + "".join(
        f"{para(20 + k, 2 + k % 5)}第{k + 1}条{ref(f'n{k}')}。\n\n" for k in range(24)) + "".join(
        f"[^n{k}]: 第{k + 1}条注释的内容，说明相关情况。\n" for k in range(24))
    long_narrow = f"""+++
title = "长窄表"
+++

{para(60, 2)}各苏木镇项目见表4。

表4 各苏木镇项目清单
| 序号 | 项目名称 | 面积 |
|---:|:---|---:|
{"".join(f"| {k} | 第{k}号项目{ref('narrow') if k == 30 else ''} | {k * 3 + 0.5} |" + chr(10) for k in range(1, 51))}
{para(61, 3)}

[^narrow]: 第30号项目跨两个苏木镇。
"""
    return {"wide": wide, "long-wide": long_wide, "first-last": first_last, "places": places,
            "dense": dense, "long-narrow": long_narrow}


ARTICLES = articles()


def make_issue(root: Path, layout: str) -> Path:
    shutil.copytree(SAMPLE, root)
    toml = (root / "issue.toml").read_text(encoding="utf-8")
    toml += '\n[[sections]]\ntitle = "专题"\narticles = [\n'
    for name, text in ARTICLES.items():
        (root / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
        toml += f'  "articles/{name}.md",\n'
    toml += "]\n"
    assert 'layout = "magazine-16k"' in toml
    (root / "issue.toml").write_text(toml.replace('layout = "magazine-16k"', f'layout = "{layout}"'),
                                     encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["magazine-16k", "a5-book"])
def built(request, tmp_path_factory):
    root = make_issue(tmp_path_factory.mktemp(request.param) / "issue", request.param)
    checked = CliRunner().invoke(main, ["check", str(root)])
    result = build(root, root.parent / "out")
    with pdfplumber.open(result.pdf_path) as pdf:
        pages = [_page(p) for p in pdf.pages]
    return request.param, load_issue(root), result, pages, checked


def test_the_issue_passes_check(built):
    _layout, _issue, _result, _pages, checked = built
    assert checked.exit_code == 0, checked.output
    assert "error" not in checked.output


def _row_places(pages, table, whole: bool = True) -> list[tuple[int, float, float]]:
    """(page, baseline, x) of each body row: all its cells on one printed line, else a failure.
    `whole`: each cell whole on that line; else only each cell's first line there (a table wider
    than a one-column page wraps its cells), read as the cell's first four characters."""
    out = []
    for row in table.body:
        texts = [_squeeze(c.text) if whole else _squeeze(c.text)[:4] for c in row.cells if c.text.strip()]
        found = None
        for n, page in enumerate(pages):
            for base, _size, text in _lines(page):
                line = _squeeze(text)
                # the row's cells in order on the line (a line may hold two columns' text)
                if re.search(".*?".join(map(re.escape, texts)), line):
                    x = min(c["x0"] for c in page["chars"] if abs(c["bottom"] - base) < 0.2
                            and c["text"] == texts[0][0])
                    found = (n, base, x)
                    break
            if found:
                break
        assert found is not None, f"row {texts} is not on one line anywhere"
        out.append(found)
    return out


def test_every_row_on_one_baseline_and_the_rows_in_order(built):
    layout, issue, _result, pages, _checked = built
    tables = [(a.slug, b) for a in issue.articles for b in a.blocks if isinstance(b, Table)]
    assert len(tables) >= 7
    for slug, table in tables:
        # one column (a5-book): a 6-column table wraps its cells, their first lines on one baseline
        places = _row_places(pages, table, whole=layout == "magazine-16k" or table.columns < 6)
        for (p0, y0, x0), (p1, y1, x1) in itertools.pairwise(places):
            # down the page, or on to the next column (to the right) or page
            assert (p1, x1 > x0 + 50, y1) > (p0, False, y0) or p1 > p0, (slug, p0, y0, p1, y1)


def test_a_long_wide_table_repeats_its_header_where_it_continues(built):
    layout, issue, _result, pages, _checked = built
    table = next(b for a in issue.articles if a.slug == "long-wide" for b in a.blocks if isinstance(b, Table))
    places = _row_places(pages, table, whole=layout == "magazine-16k")
    header = _squeeze("".join(c.text for c in table.header[0].cells))
    if layout != "magazine-16k":  # the header's cells wrap too: their first characters
        header = "".join(_squeeze(c.text)[:2] for c in table.header[0].cells)
    heads = {n for n, page in enumerate(pages) for _b, _s, text in _lines(page)
             if re.search(".*?".join(map(re.escape, header)) if layout != "magazine-16k" else re.escape(header),
                          _squeeze(text))}
    assert len({p for p, _y, _x in places}) >= 2  # 70 rows: more than a page
    assert heads == {p for p, _y, _x in places}  # every page of the table opens with its header
    for n in heads:  # the header above the page's first row
        head_y = min(b for b, _s, text in _lines(pages[n]) if header[:2] in _squeeze(text))
        assert head_y < min(y for p, y, _x in places if p == n)
    # it starts on the page of its reference (at the foot, under the text up to it) and goes on
    number = re.search(r"编号(\d+)\[\^x\]", ARTICLES["long-wide"]).group(1)
    assert places[0][0] == next(n for n, p in enumerate(pages) if number in _squeeze(p["text"]))
    if layout == "magazine-16k":  # a band across both columns (the columns are 210 pt wide)
        first = pages[places[0][0]]
        xs = [c["x1"] for c in first["chars"] if abs(c["bottom"] - places[0][1]) < 0.2]
        assert max(xs) - places[0][2] > 300


def test_a_wide_table_is_at_the_top_or_bottom_of_its_page(built):
    layout, issue, _result, pages, _checked = built
    if layout != "magazine-16k":
        pytest.skip("one column: no table spans")
    for slug in ("wide", "long-wide"):
        table = next(b for a in issue.articles if a.slug == slug for b in a.blocks if isinstance(b, Table))
        places = _row_places(pages, table)
        for n in {p for p, _y, _x in places}:
            ys = [y for p, y, _x in places if p == n]
            page = pages[n]
            body = [c for c in page["chars"] if c["size"] >= 9.9 and 60 < c["bottom"] < 760]
            above = [c for c in body if c["bottom"] < min(ys) - 20]
            below = [c for c in body if c["bottom"] > max(ys) + 20]
            # text on one side of the table only (a title block may sit above a band at the bottom)
            assert not (below and [c for c in above if c["size"] < 12]), (slug, n)


def _note_pages(issue, pages, marks: str) -> int:
    """Each note's text at the foot of the page of its first reference (and only once)."""
    checked = 0
    text_of = [_squeeze(p["text"]) for p in pages]
    for article in issue.articles:
        if article.slug not in ARTICLES:
            continue
        source = ARTICLES[article.slug]
        for note in article.notes:
            number = re.search(rf"编号(\d+)\[\^{re.escape(note.label)}\]", source).group(1)
            ref_page = next(n for n, t in enumerate(text_of) if number in t)
            page = pages[ref_page]
            mark = note_mark(note.number, marks)
            rule = [ln for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.1 and ln["x1"] - ln["x0"] < 150]
            assert rule, f"no short rule on the page of {article.slug} [^{note.label}]"
            foot = [t for b, s, t in sorted(_lines(page)) if b > rule[0]["top"] and s < 9.5]
            starts = [_squeeze(t) for t in foot if _squeeze(t).startswith(mark)]
            assert starts, f"note {mark} of {article.slug} is not at the foot of its reference's page"
            assert _squeeze(note.text)[:8] in "".join(_squeeze(t) for t in foot)
            assert sum(t.count(_squeeze(note.text)[:12]) for t in text_of) == 1, "a note set twice"
            checked += 1
    return checked


def test_each_note_is_at_the_foot_of_its_references_page(built):
    _layout, issue, _result, pages, _checked = built
    assert _note_pages(issue, pages, "circled") == sum(len(a.notes) for a in issue.articles if a.slug in ARTICLES)


def test_a_note_referenced_twice_is_set_once_and_both_marks_are_printed(built):
    _layout, issue, _result, pages, _checked = built
    article = next(a for a in issue.articles if a.slug == "places")
    note = next(n for n in article.notes if n.label == "twice")
    refs = [r for b in article.blocks for r in _refs_of(b) if r.label == "twice"]
    assert len(refs) == 2 and {r.number for r in refs} == {note.number}
    mark = note_mark(note.number, "circled")
    for number in re.findall(r"编号(\d+)\[\^twice\]", ARTICLES["places"]):
        page = next(p for p in pages if number in _squeeze(p["text"]))
        assert _marked(page, number, mark), f"no {mark} after {number}"


def _marked(page, number: str, mark: str) -> bool:
    """Whether the small raised `mark` follows the digits `number` on the page."""
    chars = page["chars"]
    for k in range(len(chars) - len(number) + 1):
        if "".join(c["text"] for c in chars[k:k + len(number)]) == number:
            last = chars[k + len(number) - 1]
            if any(c["text"] == mark and c["size"] < last["size"] * 0.8 and abs(c["x0"] - last["x1"]) < 1.0
                   and last["top"] - 2 < c["top"] < last["bottom"] for c in chars):
                return True
    return False


def _refs_of(block):
    from publish.model import block_note_refs

    return block_note_refs(block)


RAW = ("[^", "|---", "| ", "|:--", "<b>", "**", "](", "::: ")


def test_no_raw_syntax_in_either_edition(built):
    _layout, issue, result, pages, _checked = built
    pdf_text = "".join(p["text"] for p in pages)
    with zipfile.ZipFile(result.epub_path) as z:
        from lxml import etree

        epub_text = "".join("".join(etree.fromstring(z.read(n)).itertext())
                            for n in z.namelist() if n.endswith(".xhtml"))
    for text in (pdf_text, epub_text):
        for raw in RAW:
            assert raw not in text, raw
    # every table cell and note reached the EPUB
    for article in issue.articles:
        for note in article.notes:
            assert _squeeze(note.text) in _squeeze(epub_text)
        for b in article.blocks:
            if isinstance(b, Table):
                for row in b.rows:
                    for c in row.cells:
                        assert _squeeze(c.text) in _squeeze(epub_text)
        assert all(isinstance(r, NoteRef) or "[^" not in r.text for b in article.blocks for r in getattr(b, "runs", ()))


@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java (make setup installs it)")
def test_epubcheck_passes(built):
    from test_epub_epubcheck import _epubcheck

    _layout, _issue, result, _pages, _checked = built
    assert _epubcheck(result.epub_path) == []
