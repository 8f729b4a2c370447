"""Word files for the `publish add` tests, made here with python-docx (and pandoc where present).

In: what a manuscript should hold. Out: .docx files. `Manuscript` writes hand formatting only —
direct alignment, size, bold and East Asian font on each run, as most contributors' files have
(no Title or Heading styles) — or Word's built-in styles when asked. python-docx has no API for
footnotes, endnotes, tracked changes or text boxes: they are written as the XML Word writes.
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image

W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "left": WD_ALIGN_PARAGRAPH.LEFT, "both": WD_ALIGN_PARAGRAPH.JUSTIFY}
BODY = {"size": 16, "font": "仿宋_GB2312"}  # 三号仿宋: the office's body text


def png(width: int = 1200, height: int = 800, colour: tuple[int, int, int] = (180, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


class Manuscript:
    """A Word document built paragraph by paragraph."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self.notes: dict[str, list[tuple[int, str]]] = {"footnote": [], "endnote": []}

    # paragraphs
    def para(self, text: str = "", *, align: str | None = None, size: float | None = BODY["size"],
             bold: bool = False, italic: bool = False, font: str | None = BODY["font"],
             style: str | None = None) -> docx.text.paragraph.Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        if align:
            paragraph.alignment = ALIGN[align]
        if text:
            self.run(paragraph, text, size=size, bold=bold, italic=italic, font=font)
        return paragraph

    def run(self, paragraph: docx.text.paragraph.Paragraph, text: str, *, size: float | None = BODY["size"],
            bold: bool = False, italic: bool = False, font: str | None = BODY["font"]) -> docx.text.run.Run:
        run = paragraph.add_run()
        # Line breaks and tabs as Word writes them (w:br, w:tab), everything else as typed.
        pieces = text.replace("\t", "\x00tab\x00").replace("\n", "\x00br\x00").split("\x00")
        for piece in pieces:
            if piece == "tab":
                run.add_tab()
            elif piece == "br":
                run.add_break()
            elif piece:
                run._r.add_t(piece)
        if size:
            run.font.size = Pt(size)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if font:
            run.font.name = font
            run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return run

    def hyperlink(self, paragraph: docx.text.paragraph.Paragraph, text: str, address: str = "", *,
                  anchor: str = "", bold: bool = False) -> None:
        """A hyperlink as Word writes it: `w:hyperlink` with the relationship of an external address
        (or a `w:anchor` to a bookmark) around a run."""
        if address:
            rid = paragraph.part.relate_to(address, RT.HYPERLINK,
                                           is_external=True)
            attr = f'r:id="{rid}"'
        else:
            attr = f'w:anchor="{anchor}"'
        rpr = f"<w:rPr>{'<w:b/>' if bold else ''}<w:sz w:val=\"{int(BODY['size'] * 2)}\"/></w:rPr>"
        paragraph._p.append(parse_xml(
            f'<w:hyperlink {W_NS} '
            f'{attr}><w:r>{rpr}<w:t>{text}</w:t></w:r></w:hyperlink>'
        ))

    def title(self, *lines: str, size: float = 22) -> None:
        for line in lines:
            self.para(line, align="center", size=size, font="方正小标宋简体")

    def heading(self, text: str, font: str = "黑体", bold: bool = False) -> None:
        self.para(text, font=font, bold=bold)

    # notes
    def note(self, paragraph: docx.text.paragraph.Paragraph, text: str, kind: str = "footnote") -> None:
        number = len(self.notes["footnote"]) + len(self.notes["endnote"]) + 1
        self.notes[kind].append((number, text))
        tag = "footnoteReference" if kind == "footnote" else "endnoteReference"
        style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
        paragraph._p.append(parse_xml(
            f'<w:r {W_NS}><w:rPr><w:rStyle w:val="{style}"/><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{tag} w:id="{number}"/></w:r>'
        ))

    def _notes_part(self, kind: str) -> None:
        entries = self.notes[kind]
        if not entries:
            return
        ref = "footnoteRef" if kind == "footnote" else "endnoteRef"
        body = (
            f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
        )
        for number, text in entries:
            body += (
                f'<w:{kind} w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{ref}/></w:r>'
                f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
            )
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s {W_NS}>{body}</w:{kind}s>'
        part = Part(
            PackURI(f"/word/{kind}s.xml"),
            f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml",
            xml.encode("utf-8"),
            self.doc.part.package,
        )
        self.doc.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)

    # pictures, tables
    def picture(self, data: bytes | None = None, *, caption: str = "", caption_style: str | None = None,
                width_cm: float = 12) -> None:
        paragraph = self.para(align="center")
        paragraph.add_run().add_picture(io.BytesIO(data or png()), width=Cm(width_cm))
        if caption:
            self.para(caption, align="center", size=12, style=caption_style,
                      font="楷体_GB2312" if caption_style is None else None)

    def table(self, rows: list[list[str]], *, header: bool = True, caption: str = "") -> docx.table.Table:
        if caption:
            self.para(caption, align="center", size=14, bold=True, font="黑体")
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.paragraphs[0].text = ""
                self.run(cell.paragraphs[0], text, size=12, bold=header and r == 0)
        if header:
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(parse_xml(f'<w:tblHeader {W_NS}/>'))
        return table

    # things the add does not carry over
    def tracked_insertion(self, paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
        paragraph._p.append(parse_xml(
            f'<w:ins {W_NS} w:id="901" w:author="审稿人" w:date="2025-01-02T00:00:00Z">'
            f'<w:r><w:t>{text}</w:t></w:r></w:ins>'
        ))

    def tracked_deletion(self, paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
        paragraph._p.append(parse_xml(
            f'<w:del {W_NS} w:id="902" w:author="审稿人" w:date="2025-01-02T00:00:00Z">'
            f'<w:r><w:delText>{text}</w:delText></w:r></w:del>'
        ))

    def text_box(self, paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
        paragraph._p.append(parse_xml(
            f'<w:r {W_NS} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:100pt;height:40pt">'
            f'<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>'
            f'</v:shape></w:pict></w:r>'
        ))

    def save(self, path: Path) -> Path:
        for kind in ("footnote", "endnote"):
            self._notes_part(kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path


def office_manuscript(path: Path, *, with_notes: bool = True) -> Path:
    """The office's usual hand-formatted manuscript: every convention of `publish add` once."""
    m = Manuscript()
    m.title("关于进一步加强和改进", "人大代表工作的意见")
    m.para("——在全市人大代表工作会议上的讲话", align="center", font="楷体_GB2312")
    m.para("（2025年1月10日市人大常委会第十次会议通过）", align="center", size=14, font="楷体_GB2312")
    m.para("市人大常委会办公室 副主任\u3000杨 菁", align="center", font="楷体_GB2312")
    m.para("各位代表、同志们：")
    body = m.para("\u3000\u3000为深入贯彻落实党的二十大精神，")
    m.run(body, "充分发挥人大代表作用", bold=True)
    m.run(body, "，现就加强代表工作提出如下意见。")
    if with_notes:
        m.note(body, "参见《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》。")
    m.heading("一、总体要求")
    m.para("坚持党的领导，坚持以人民为中心，\t保障代表依法履职。")
    m.heading("（一）明确工作目标", font="楷体_GB2312", bold=True)
    m.para("到2025年底，代表联络站\u00a0实现全覆盖。")
    m.heading("二、主要任务")
    m.para("健全代表联系群众制度。")
    m.para("市人大常委会办公室", align="right")
    m.para("2025年1月10日", align="right")
    return m.save(path)


def styled_manuscript(path: Path) -> Path:
    """A manuscript using Word's built-in styles (Title, Subtitle, Heading 1/2, Caption)."""
    m = Manuscript()
    m.para("关于代表建议办理情况的报告", style="Title", size=None, font=None)
    m.para("——2024年度代表建议办理工作总结", style="Subtitle", size=None, font=None)
    m.para("市人大常委会选举任免联络工作委员会\u3000王志刚", size=None, font=None)
    m.para("一、基本情况", style="Heading 1", size=None, font=None)
    first = m.para("全年共收到代表建议一百二十件，已全部办结。", size=None, font=None)
    m.note(first, "数据截至2024年12月31日。")
    m.para("（一）办理进度", style="Heading 2", size=None, font=None)
    second = m.para("各承办单位按时答复代表。", size=None, font=None)
    m.note(second, "答复意见已送代表本人。", kind="endnote")
    m.table([["承办单位", "件数", "满意率"], ["市教育局", "12", "百分之百"], ["市交通局", "8", "九成"]],
            caption="表1 建议办理情况")
    m.picture(caption="图1 代表视察现场", caption_style="Caption")
    m.para("二、下一步打算", style="Heading 2", size=None, font=None)
    m.para("继续提高办理质量。", size=None, font=None)
    return m.save(path)


def pandoc_manuscript(path: Path) -> Path | None:
    """The same kind of manuscript written by pandoc from Markdown (None without pandoc)."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "photo.png").write_bytes(png())
    source = folder / "pandoc-source.md"
    source.write_text(
        "---\ntitle: 关于开展执法检查的通知\n---\n\n# 一、检查内容\n\n重点检查法律实施情况。[^1]\n\n"
        "## （一）检查方式\n\n采取*听取汇报*和实地察看相结合的方式。\n\n"
        "| 时间 | 地点 |\n|------|------|\n| 三月 | 临河区 |\n\n"
        "![图2 检查组在企业察看](photo.png)\n\n[^1]: 依据年度监督工作计划。\n",
        encoding="utf-8",
    )
    subprocess.run([pandoc, str(source), "-o", str(path)], check=True, cwd=folder, capture_output=True)
    return path


def copy_doc(document: docx.document.Document) -> docx.document.Document:
    return copy.deepcopy(document)
