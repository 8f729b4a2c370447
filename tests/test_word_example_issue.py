"""The complete example issue, typed into Word the way the office formats by hand, comes back as the
same articles: every article of examples/bayannaoer-2025-01 is written as a hand-formatted .docx
(centred 22 pt title, 楷体 subtitle and byline, 黑体 `一、` and bold 楷体 `（一）` headings, body
paragraphs indented with two U+3000, right-aligned closing lines) and added with one `publish add`;
title, subtitle, bylines and every block (kind, level, text) must be what the example has.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx_support import Manuscript

import publish
from publish.model import Article, Heading, ListItem, Note, Paragraph, Salutation, Signature
from publish.sources import load_issue

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bayannaoer-2025-01"


def as_word(article: Article) -> Manuscript:
    m = Manuscript()
    m.title(*article.title)
    if article.subtitle:
        m.para(article.subtitle, align="center", font="楷体_GB2312")
    lead = [b for b in article.blocks[:1] if isinstance(b, Note)]
    for note in lead:
        m.para(note.text, align="center", size=14)
    for byline in article.bylines:
        m.para(f"{byline.unit}\u3000{byline.name}".strip(), align="center", font="楷体_GB2312")
    for block in article.blocks[len(lead):]:
        if isinstance(block, Heading):
            m.heading(block.text, font="黑体" if block.level == 1 else "楷体_GB2312", bold=block.level == 2)
        elif isinstance(block, Signature):
            for line in block.lines:
                m.para(line, align="right")
        elif isinstance(block, Note):
            m.para(block.text, align="center")
        elif isinstance(block, Salutation | ListItem):
            m.para(block.text)
        elif isinstance(block, Paragraph):
            m.para("\u3000\u3000" + block.text)
        else:  # pragma: no cover - the example has no figures or tables
            raise AssertionError(f"unexpected block {block!r}")
    return m


def shape(article: Article) -> tuple:
    # A numbered item typed by hand (`1.…` as text) is body text in Word: compared as a paragraph.
    blocks = tuple(
        ("Paragraph" if isinstance(b, ListItem) else type(b).__name__, getattr(b, "level", None), b.text)
        for b in article.blocks
    )
    return article.title, article.subtitle, tuple((b.unit, b.name) for b in article.bylines), blocks


@pytest.mark.slow
def test_the_example_issue_typed_into_word_comes_back_the_same(tmp_path: Path) -> None:
    if not (EXAMPLE / "issue.toml").is_file():
        pytest.skip("the complete example issue is not in this checkout")
    example = load_issue(EXAMPLE)
    issue = tmp_path / "issue"
    (issue / "articles").mkdir(parents=True)
    (issue / "issue.toml").write_text(
        '[magazine]\ntitle = "巴彦淖尔人大"\n\n[issue]\nlabel = "2025年第1期"\ndate = 2025-01-20\n\n'
        '[[sections]]\ntitle = "要闻"\narticles = ["articles/00-kaipian.md"]\n', encoding="utf-8")
    (issue / "articles" / "00-kaipian.md").write_text('+++\ntitle = "开篇"\n+++\n\n正文。\n', encoding="utf-8")
    paths = [as_word(a).save(tmp_path / f"{n:02d}.docx") for n, a in enumerate(example.articles)]
    report = publish.add(issue, paths)
    added = {a.slug: a for a in load_issue(issue).articles}
    assert len(report.files) == len(example.articles) >= 30
    for original, file_report in zip(example.articles, report.files, strict=True):
        assert file_report.balanced
        assert shape(added[Path(file_report.article).stem]) == shape(original), original.slug
