"""Which Python library keeps the most of a Word manuscript? The measurement behind `publish add`.

In: nothing — two manuscripts are made here: one with python-docx (hand formatting, as most
contributors' files are, plus notes, a table, a picture, a comment, a tracked deletion, a text box)
and, if pandoc is installed, one pandoc writes from Markdown (styles, notes, table, figure). Out
(stdout): for each feature, whether mammoth, docx2python and python-docx (through
`publish.word.reader`) give it to a program, and the totals. mammoth and docx2python are not
dependencies of publish: install them into the venv to run this (`pip install mammoth docx2python`).

Run: `.venv/bin/python bench/docx_libraries.py`. Result and reasons: docs/word-intake.md.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from docx_support import Manuscript, png  # noqa: E402

FEATURES = [
    ("bold run", "加粗"),
    ("italic run", "倾斜"),
    ("numbered list (its label, e.g. 1. or 一、)", "一、"),
    ("bulleted list", "圆点"),
    ("table cells", "丁"),
    ("footnote text, at its reference", "脚注文字"),
    ("endnote text, at its reference", "尾注文字"),
    ("picture bytes", ""),
    ("caption beside its picture", "图1 说明"),
    ("line break inside a paragraph", "换行\n后"),
    ("tab", "\t"),
    ("U+3000 as typed", "\u3000全角"),
    ("NBSP as typed", "\u00a0不换"),
    ("paragraph alignment (centred title, right-aligned signature)", ""),
    ("font size (title 22 pt vs body 16 pt)", ""),
    ("East Asian font (黑体 heading)", ""),
    ("style names (Caption)", ""),
    ("comment: flagged, not mixed into text", "批注内容"),
    ("tracked deletion: flagged", "删除字"),
    ("text box: flagged, not mixed into text", "文本框字"),
]


def make(folder: Path) -> Path:
    m = Manuscript()
    m.title("测试标题")
    p = m.para("加粗前")
    m.run(p, "加粗", bold=True)
    m.run(p, "倾斜", italic=True)
    m.run(p, "换行\n后\t制表\u3000全角\u00a0不换")
    m.note(p, "脚注文字")
    m.note(p, "尾注文字", kind="endnote")
    m.para("第一项", style="List Number")
    m.para("圆点", style="List Bullet")
    m.heading("二、主要任务")
    m.table([["甲", "乙"], ["丙", "丁"]])
    m.picture(png(50, 40), caption="图1 说明", caption_style="Caption")
    m.para("右对齐落款", align="right")
    q = m.para("批注处")
    m.doc.add_comment(q.runs, text="批注内容", author="编辑")
    m.tracked_deletion(m.para("修订"), "删除字")
    m.text_box(m.para("框"), "文本框字")
    _chinese_numbering(m)
    return m.save(folder / "measure.docx")


def _chinese_numbering(m: Manuscript) -> None:
    """Make the List Number level-0 format chineseCounting with text `%1、` (the office's 一、)."""
    numbering = m.doc.part.numbering_part.element
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    style = m.doc.styles["List Number"].element
    num_id = style.find(f"{ns}pPr/{ns}numPr/{ns}numId").get(f"{ns}val")
    num = next(n for n in numbering.iter(f"{ns}num") if n.get(f"{ns}numId") == num_id)
    abstract_id = num.find(f"{ns}abstractNumId").get(f"{ns}val")
    abstract = next(a for a in numbering.iter(f"{ns}abstractNum") if a.get(f"{ns}abstractNumId") == abstract_id)
    level = next(lv for lv in abstract.iter(f"{ns}lvl") if lv.get(f"{ns}ilvl") == "0")
    level.find(f"{ns}numFmt").set(f"{ns}val", "chineseCounting")
    level.find(f"{ns}lvlText").set(f"{ns}val", "%1、")


def with_mammoth(path: Path) -> dict[str, bool]:
    import mammoth

    with path.open("rb") as handle:
        html = mammoth.convert_to_html(handle).value
    body, _, _notes = html.partition('<ol><li id="footnote-1">')
    return {
        "bold run": "<strong>加粗</strong>" in html,
        "italic run": "<em>倾斜</em>" in html,
        "numbered list (its label, e.g. 1. or 一、)": "一、" in html,  # <ol> only: the label is lost
        "bulleted list": "<ul><li>圆点" in html,
        "table cells": "<td><p>丁</p></td>" in html,
        "footnote text, at its reference": "footnote-ref-1" in body and "脚注文字" in html,
        "endnote text, at its reference": "endnote-ref-2" in body and "尾注文字" in html,
        "picture bytes": "data:image/png;base64" in html,
        "caption beside its picture": "图1 说明" in html,
        "line break inside a paragraph": "换行<br />后" in html,
        "tab": "\t" in html,
        "U+3000 as typed": "\u3000全角" in html,
        "NBSP as typed": "\u00a0不换" in html,
        "paragraph alignment (centred title, right-aligned signature)": "center" in html or "right" in html,
        "font size (title 22 pt vs body 16 pt)": "22" in html,
        "East Asian font (黑体 heading)": "黑体" in html,
        "style names (Caption)": "caption" in html.lower(),
        "comment: flagged, not mixed into text": False,  # dropped silently unless mapped
        "tracked deletion: flagged": False,  # deleted text dropped silently
        "text box: flagged, not mixed into text": "<p>文本框字</p>" not in html and "文本框字" in html,
    }


def with_docx2python(path: Path) -> dict[str, bool]:
    from docx2python import docx2python

    with docx2python(str(path), html=True) as result:
        body = str(result.body)
        try:
            notes = str(result.footnotes) + str(result.endnotes)
        except Exception:  # it fails on some valid footnote parts
            notes = ""
        images = dict(result.images)
        try:
            styles = str(result.document_pars)
        except Exception:
            styles = ""
        comments = result.comments
    return {
        "bold run": "<b>加粗</b>" in body,
        "italic run": "<i>倾斜</i>" in body,
        "numbered list (its label, e.g. 1. or 一、)": "一、" in body or "1)" in body,
        # it writes list markers ("--\t", "1)\t") only for numbering set on the paragraph itself,
        # not for numbering that comes from the paragraph's style (List Number, List Bullet)
        "bulleted list": "--\t圆点" in body or "•\t圆点" in body,
        "table cells": "丁" in body,
        "footnote text, at its reference": "footnote1" in body and "脚注文字" in notes,
        "endnote text, at its reference": "endnote2" in body and "尾注文字" in notes,
        "picture bytes": bool(images),
        "caption beside its picture": "----media/image1.png----', '<span style=\"font-size:24pt\">图1 说明" in body,
        "line break inside a paragraph": "换行\\n后" in body,
        "tab": "\\t" in body,
        "U+3000 as typed": "\\u3000全角" in body or "\u3000全角" in body,
        "NBSP as typed": "\\xa0不换" in body or "\u00a0不换" in body,
        "paragraph alignment (centred title, right-aligned signature)": "center" in body or "right" in body,
        # it prints the size field as points without halving: 44pt for a 22 pt title
        "font size (title 22 pt vs body 16 pt)": "font-size:22pt" in body,
        "East Asian font (黑体 heading)": "黑体" in body and "font-family" in body,
        "style names (Caption)": "Caption" in styles,
        "comment: flagged, not mixed into text": bool(comments) and "批注内容" not in body,
        "tracked deletion: flagged": "删除字" in body and "<del>" in body,
        "text box: flagged, not mixed into text": "文本框字" not in body,
    }


def with_python_docx(path: Path) -> dict[str, bool]:
    from publish.word.opening import open_docx
    from publish.word.reader import Grid, read_manuscript

    m = read_manuscript(open_docx(path), path)
    paras = m.paragraphs()
    spans = [s for p in paras for s in p.spans]
    text = "".join(p.text for p in paras)
    notes = {k: "".join(p.text for p in v) for k, v in m.notes.items()}
    grids = [i for i in m.items if isinstance(i, Grid)]
    refs = [s.note for s in spans if s.note]
    image_para = next((i for i, p in enumerate(paras) if p.images), None)
    omitted = {o.what for o in m.omitted} | {o.what for o in m.changes}
    title = paras[0]
    return {
        "bold run": any(s.bold and s.text == "加粗" for s in spans),
        "italic run": any(s.italic and s.text == "倾斜" for s in spans),
        "numbered list (its label, e.g. 1. or 一、)": any(p.label == "一、" for p in paras),
        "bulleted list": any(p.bullet and p.text == "圆点" for p in paras),
        "table cells": bool(grids) and "".join(p.text for p in grids[0].rows[1][1]) == "丁",
        "footnote text, at its reference": ("footnote", "1") in refs and "脚注文字" in notes.get(("footnote", "1"), ""),
        "endnote text, at its reference": ("endnote", "2") in refs and "尾注文字" in notes.get(("endnote", "2"), ""),
        "picture bytes": any(p.data[:4] == b"\x89PNG" for p in m.pictures.values()),
        "caption beside its picture": image_para is not None and paras[image_para + 1].text == "图1 说明",
        "line break inside a paragraph": "换行\n后" in text,
        "tab": bool(m.tabs),  # read; set as U+3000 for printing (no glyph, no tab stops)
        "U+3000 as typed": "\u3000全角" in text,
        "NBSP as typed": "\u00a0不换" in text,
        "paragraph alignment (centred title, right-aligned signature)": title.align == "center"
        and any(p.align == "right" for p in paras),
        "font size (title 22 pt vs body 16 pt)": title.size == 22 and paras[1].size == 16,
        "East Asian font (黑体 heading)": any("黑体" in p.fonts for p in paras),
        "style names (Caption)": any(p.style.lower() == "caption" for p in paras),
        "comment: flagged, not mixed into text": any(w.startswith("comment") for w in omitted) and "批注内容" not in text,
        "tracked deletion: flagged": "tracked deletion" in omitted,
        "text box: flagged, not mixed into text": "text box" in omitted and "文本框字" not in text,
    }


def main() -> int:
    readers: dict[str, Callable[[Path], dict[str, bool]]] = {
        "mammoth": with_mammoth,
        "docx2python": with_docx2python,
        "python-docx (+ publish.word.reader)": with_python_docx,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = make(Path(folder))
        results: dict[str, dict[str, bool] | str] = {}
        for name, read in readers.items():
            try:
                results[name] = read(path)
            except ImportError:
                results[name] = "not installed"
    names = list(readers)
    width = max(len(f) for f, _ in FEATURES)
    print(f"{'feature':<{width}}  " + "  ".join(f"{n[:12]:>12}" for n in names))
    for feature, _ in FEATURES:
        cells = []
        for name in names:
            got = results[name]
            cells.append(f"{'—' if isinstance(got, str) else ('yes' if got[feature] else 'no'):>12}")
        print(f"{feature:<{width}}  " + "  ".join(cells))
    totals = [
        "n/a" if isinstance(results[n], str) else f"{sum(results[n].values())}/{len(FEATURES)}"  # type: ignore[union-attr]
        for n in names
    ]
    print(f"{'kept':<{width}}  " + "  ".join(f"{t:>12}" for t in totals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
