"""Hand-made issues for the EPUB tests: every block type, the traps of the real content.

In: a temporary folder (for the figure image). Out: an `Issue` and page starts that hit every kind
of place a print page can begin (before a title block, at a block's start, inside a paragraph,
inside emphasis, inside a list label, in a later signature line, at a figure, in a caption).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from publish.model import (
    Article,
    Byline,
    Emphasis,
    Figure,
    Heading,
    Issue,
    ListItem,
    Note,
    PageStart,
    Paragraph,
    Salutation,
    Section,
    Signature,
    Text,
)

LONG = (
    "会议审议了市人大常委会执法检查组关于检查《中华人民共和国就业促进法》《内蒙古自治区就业促进条例》"
    "实施情况的报告；关于贯彻落实《内蒙古自治区筑牢祖国北疆安全稳定屏障促进条例》情况的报告。"
)


def _png(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 200), (230, 230, 220))
    ImageDraw.Draw(img).rectangle([40, 40, 280, 160], fill=(160, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def make_issue(tmp: Path) -> Issue:
    image = _png(tmp / "meeting.png")
    a1 = Article(
        slug="01-changweihui",
        title=("市五届人大常委会", "第十九次会议召开"),
        subtitle="——审议多项报告",
        bylines=(Byline("市人大常委会办公室", "张三、李四"), Byline("", "杨 菁"),),
        blocks=(
            Paragraph((Text("\u3000\u300012月30日，市五届人大常委会第十九次会议在临河召开。"),)),
            Paragraph((Text(LONG),)),
            Heading(1, (Text("一、基本情况"),)),
            Paragraph((Text("通过了《关于修改<巴彦淖尔市城市供热管理条例>的决定》，"), Emphasis("强调依法履职"),
                       Text("，确保R&D经费占比达到2.5%。"))),
            Heading(2, (Text("（一）主要做法"),)),
            ListItem("1.", (Text("加强组织领导，压实工作责任。"),)),
            ListItem("2.", (Text("完善制度机制，推动工作落实。"),)),
            Figure(image, (Text("会议现场"),)),
            Paragraph((Text("会议强调，要坚持发展和安全并重。"),)),
        ),
        kind="news",
    )
    a2 = Article(
        slug="02-jianghua",
        title=("在市五届人大四次会议上的讲话",),
        bylines=(Byline("", "王五"),),
        blocks=(
            Note((Text("（2025年1月8日）"),)),
            Salutation((Text("各位代表："),)),
            Paragraph((Text("现在，我代表市人大常委会向大会报告工作，请予审议。"),)),
        ),
        kind="speech",
    )
    a3 = Article(
        slug="03-tongzhi",
        title=("关于召开代表座谈会的通知",),
        blocks=(
            Paragraph((Text("各旗县区人大常委会：经研究，决定召开代表座谈会。"),)),
            Signature(("巴彦淖尔市人大常委会办公室", "2025年1月2日")),
        ),
        kind="notice",
    )
    return Issue(
        magazine="巴彦淖尔人大",
        label="2025年第1期",
        date=dt.date(2025, 1, 20),
        sections=(Section("特别报道", (a1, a2)), Section("工作动态", (a3,))),
        publisher="巴彦淖尔市人大常委会办公室",
        first_folio=3,
        root=tmp,
    )


def page_starts(issue: Issue) -> list[PageStart]:
    a1, a2, a3 = issue.articles
    return [
        PageStart(3, a1.slug, -1, 0),  # before the title block
        PageStart(4, a1.slug, 1, 40),  # inside a long paragraph
        PageStart(5, a1.slug, 3, 33),  # inside the emphasis run
        PageStart(6, a1.slug, 6, 1),  # inside the list label "2."
        PageStart(7, a1.slug, 7, 0),  # at the figure
        PageStart(8, a2.slug, -1, 0),
        PageStart(9, a2.slug, 2, 0),  # at the start of a paragraph
        PageStart(10, a3.slug, 1, len("巴彦淖尔市人大常委会办公室")),  # second signature line
    ]


def source_text(article: Article) -> str:
    """Every character of an article as the sources give it: title block, then the blocks (with
    each note reference's mark where it stands), then the notes, each after its mark."""
    from publish.model import NoteRef, Table, note_mark

    def runs_text(runs) -> str:
        return "".join(note_mark(r.number) if isinstance(r, NoteRef) else r.text for r in runs)

    def block_text(block) -> str:
        if isinstance(block, Table):
            return runs_text(block.caption) + "".join(runs_text(c.runs) for r in block.rows for c in r.cells)
        runs = getattr(block, "runs", None)
        if runs is None:
            runs = getattr(block, "caption", None)
        if runs is None:
            return block.text
        return getattr(block, "label", "") + runs_text(runs)

    parts = [*article.title, article.subtitle]
    parts += [b.unit + b.name for b in article.bylines]
    parts += [block_text(block) for block in article.blocks]
    parts += [note_mark(n.number) + runs_text(n.runs) for n in article.notes]
    return "".join(parts)
