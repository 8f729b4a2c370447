"""Build synthetic text layers shaped like the print extraction (for the importer's tests).

A paragraph is wrapped at 21 em with its first line 2 em short (the lost indent); printed lines are
separated by blank lines; a page starts with a single space; title lines follow the page's body.
"""

from __future__ import annotations

FULL = 21


def wrap(text: str, full: int = FULL) -> list[str]:
    """A paragraph as printed lines: the first line short by its indent (full-3: the seed's first lines
    measure 17–18.5 em, the indent plus punctuation set tighter), then full lines."""
    lines, width = [], full - 3
    while text:
        lines.append(text[:width])
        text, width = text[width:], full
    return lines


def page(body: list[str], titles: list[str] = (), *, header: str | None = None, folio: str | None = None) -> str:
    """One page chunk: optional running header (section line + folio line), body lines, title lines."""
    out = []
    if header is not None:
        out += ["", "", f"{header}{' ' * 40}", "", folio or ""]
    elif body:
        body = [" " + body[0], *body[1:]]
    out += body + list(titles)
    return "\n\n".join(out) if header is None else "\n".join(out[:4]) + "\n" + "\n\n".join(out[4:])


def issue(*pages: str) -> str:
    return "\n".join(pages) + "\n"


# Distinct fillers so that title words can be found in their bodies.
RIVER = "黄河灌区的水利建设关系全市农业发展，水利局在灌区开展节水改造工作，灌区农民的用水效率显著提高。"
SHEEP = "肉羊产业是草原牧区的支柱产业，牧民合作社带动肉羊养殖，肉羊品牌走向全国市场并取得好成绩。"
SCHOOL = "乡村学校的教师队伍建设得到加强，教育部门为乡村学校配备新教师，学生的学习条件明显改善提升。"
