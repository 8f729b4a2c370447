"""Whatever a Word file holds, `publish add` either makes an article that reads back with every Han
character accounted for, or refuses with a one-line `AddError` — never another exception, never an
unbalanced account, never an article `publish.sources` refuses. Manuscripts are generated: paragraphs
of Han text, punctuation and spaces in random alignment, size, weight and style, with footnotes and
tables among them (run with WORD_EXAMPLES=2000 to search harder)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from docx_support import Manuscript
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import publish
from publish.errors import AddError

TEXT = st.text(alphabet="一二三人大代表会议通过的，。：；、（）——　 \u00a0\t\n1.图表栏目：【】杨菁", min_size=0, max_size=24)
PARAGRAPH = st.fixed_dictionaries({
    "text": TEXT,
    "align": st.sampled_from([None, "center", "right", "left", "both"]),
    "size": st.sampled_from([None, 12, 16, 22]),
    "bold": st.booleans(),
    "font": st.sampled_from([None, "黑体", "楷体_GB2312", "仿宋_GB2312"]),
    "style": st.sampled_from([None, None, None, "Title", "Subtitle", "Heading 1", "Heading 2", "Caption", "List Number"]),
    "note": st.one_of(st.none(), TEXT),
    "table": st.one_of(st.none(), st.lists(st.lists(TEXT, min_size=2, max_size=2), min_size=1, max_size=3)),
})

ISSUE_TOML = '[magazine]\ntitle = "刊"\n\n[issue]\nlabel = "第1期"\ndate = 2025-01-20\n\n[[sections]]\ntitle = "要闻"\narticles = ["articles/01-a.md"]\n'


@settings(max_examples=int(__import__("os").environ.get("WORD_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.none(), TEXT), st.lists(PARAGRAPH, min_size=0, max_size=10))
def test_any_manuscript_is_added_with_a_balanced_account_or_refused_in_one_line(title, paragraphs) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "issue" / "articles").mkdir(parents=True)
        (root / "issue" / "issue.toml").write_text(ISSUE_TOML, encoding="utf-8")
        (root / "issue" / "articles" / "01-a.md").write_text('+++\ntitle = "甲"\n+++\n\n乙。\n', encoding="utf-8")
        m = Manuscript()
        if title is not None:  # most manuscripts start with a title: then the rest is put to the test
            m.title(title)
        for p in paragraphs:
            if p["table"]:
                m.table(p["table"], header=False)
                continue
            para = m.para(p["text"], align=p["align"], size=p["size"], bold=p["bold"], font=p["font"], style=p["style"])
            if p["note"] is not None:
                m.note(para, p["note"])
        path = m.save(root / "稿件.docx")
        try:
            report = publish.add(root / "issue", [path], dry_run=True)
        except AddError as err:
            event(f"refused: {err.problems[0].code}")
            # a refusal is for the manuscript (no title, no text) — never the intake's own failure
            assert err.problems[0].code not in ("add-internal", "add-account"), str(err)
            assert len(err.problems) == 1 and "稿件.docx" in str(err.problems[0]), str(err)
            assert "\n" not in str(err.problems[0])
            return
        event("added")
        assert report.files[0].balanced
