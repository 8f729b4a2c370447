"""The font coverage check with a memo (`publish watch` keeps one between rebuilds) reports exactly
what it reports without one — the same problems, in the same order — after an article gains a
character no font has, after another one does too, and after the first is fixed; unchanged
articles are not looked at again."""

from __future__ import annotations

import shutil
from pathlib import Path

import publish.coverage as coverage_module
from publish.coverage import coverage
from publish.preflight import element_roles, preflight

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"


def test_a_memo_changes_no_problem_and_skips_unchanged_articles(tmp_path, monkeypatch):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    first, second = sorted((issue / "articles").glob("*.md"))[:2]
    texts = {p: p.read_text(encoding="utf-8") for p in (first, second)}
    memo: dict = {}
    checked = preflight(issue)
    assert checked.fonts is not None and checked.layout is not None
    fonts, roles = checked.fonts, element_roles(checked.layout)

    def both() -> list:
        again = preflight(issue, fonts=fonts)  # the same FontSet object, as the watch keeps it
        plain = coverage(fonts, again.issue, roles=roles)
        kept = coverage(fonts, again.issue, roles=roles, memo=memo)
        assert kept == plain
        return kept

    assert both() == []
    first.write_text(texts[first] + "\n这里有一个字\ue000没有字形。\n", encoding="utf-8")
    one = both()
    assert [(Path(p.path).name, p.code) for p in one] == [(first.name, "glyph-missing")]
    second.write_text(texts[second] + "\n另一个\ue001字。\n", encoding="utf-8")
    assert [Path(p.path).name for p in both()] == [first.name, second.name]

    first.write_text(texts[first], encoding="utf-8")
    again = preflight(issue, fonts=fonts)
    assert again.issue is not None
    looked: list[str] = []
    real = coverage_module._article_texts
    monkeypatch.setattr(coverage_module, "_article_texts",
                        lambda art, pick, er: (looked.append(art.slug), real(art, pick, er))[1])
    kept = coverage(fonts, again.issue, roles=roles, memo=memo)
    assert looked == [first.stem], "the kept check looked at unchanged articles again"
    assert kept == coverage(fonts, again.issue, roles=roles)
    assert [Path(p.path).name for p in kept] == [second.name]
    assert len(looked) == 1 + len(again.issue.articles)  # the plain check reads every article
