"""Sections (栏目) for imported articles: from running headers where printed, else inferred.

In: the articles in print order, the pages each one spans, the pages (with their running headers).
Out: the `Section`s in print order (consecutive articles of one section grouped) and, per article,
`(section title, where it came from)` for the import report.

Order of evidence: a running header printed on a page the article spans; the section of the
articles on both sides when they agree (the header is carried over the pages between); otherwise
the magazine's own section list (see `VOCABULARY`) chosen by words in the title block and opening,
marked as inferred.
"""

from __future__ import annotations

from publish.importer.pages import Page
from publish.model import Article, Section

# The magazine's sections as it lists them itself (seed README), plus 研究会工作 seen in a header.
VOCABULARY = (
    "特别报道",
    "领导动态",
    "工作动态",
    "代表风采",
    "代表工作",
    "立法工作",
    "监督工作",
    "调查报告",
    "机关工作",
    "机关党建",
    "旗县区工作",
    "研究会工作",
)
_COUNTIES = ("旗", "县", "区人大", "临河")


def infer_section(article: Article) -> str:
    """A section from the magazine's vocabulary, by the words of the title block and opening."""
    title = article.title_text + article.subtitle
    byline = " ".join(b.text for b in article.bylines)
    opening = "".join(b.text for b in article.blocks[:3])[:200]
    if ("记" in article.subtitle and "代表" in article.subtitle) or "代表风采" in title:
        return "代表风采"
    if "研究会" in title or "研究会" in byline:
        return "研究会工作"
    if byline and any(w in byline.split()[0] for w in _COUNTIES if w != "临河") and "市人大" not in byline:
        return "旗县区工作"
    if any(w in title for w in ("调研报告", "调查报告", "思考")):
        return "调查报告"
    if any(w in title for w in ("执法检查", "专题询问", "监督")):
        return "监督工作"
    if "立法" in title:
        return "立法工作"
    if "代表" in title and any(w in title for w in ("培训", "建议", "履职", "视察")):
        return "代表工作"
    if any(w in byline + title for w in ("党支部", "党委", "党建")):
        return "机关党建"
    if any(w in title for w in ("常委会第", "次会议", "人民代表大会")):
        return "特别报道"
    if "主任" in title and any(w in title for w in ("带队", "调研", "陪同", "出席", "一行")):
        return "领导动态"
    if "机关" in title + opening or "数字人大" in title:
        return "机关工作"
    return "工作动态"


def assign_sections(
    articles: list[Article], drafts_pages: list[list[int]], pages: list[Page]
) -> tuple[list[Section], list[tuple[str, str]]]:
    """Sections in print order and, per article, (section, evidence)."""
    headed: list[tuple[str, str] | None] = []
    for spanned in drafts_pages:
        found = next(((pages[p].header, f"running header on page {pages[p].folio}") for p in spanned if pages[p].header), None)
        headed.append(found)
    how: list[tuple[str, str]] = []
    for k, article in enumerate(articles):
        own = headed[k]
        if own is not None:
            how.append(own)
            continue
        before = next((h[0] for h in (headed[j] for j in range(k - 1, -1, -1)) if h), None)
        after = next((h[0] for h in (headed[j] for j in range(k + 1, len(articles))) if h), None)
        if before is not None and before == after:
            how.append((before, "carried over from the running headers on both sides"))
        else:
            how.append((infer_section(article), "inferred from the title block (no running header)"))
    sections: list[Section] = []
    for article, (title, _) in zip(articles, how, strict=True):
        if sections and sections[-1].title == title:
            sections[-1] = Section(title, (*sections[-1].articles, article))
        else:
            sections.append(Section(title, (article,)))
    return sections, how
