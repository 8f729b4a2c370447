"""Problem codes are stable and documented: every code the library can report is listed in
docs/problem-codes.md and every listed code is used; the problems of bad sources carry codes."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from build_support import SAMPLE

import publish

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "problem-codes.md"


def _codes_in_the_code() -> set[str]:
    """Codes given as `code="…"`, as the fifth argument of a Problem or warning, and the tables."""
    codes: set[str] = set()
    for path in (ROOT / "publish").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and kw.value.value:
                    codes.add(kw.value.value)
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            # Problem(message, path, line, fix, code) and the readers' problem(message, line, fix, code)
            at = 4 if name.endswith(("Problem", "Warning")) else 3 if name == "problem" else None
            if at is not None and len(node.args) > at:
                code = node.args[at]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    codes.add(code.value)
    from publish.fonts.substitution import CODE
    from publish.proof.codes import CODES

    return codes | {CODE} | set(CODES)


def _string_literals() -> set[str]:
    return {node.value for path in (ROOT / "publish").rglob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _codes_in_the_docs() -> set[str]:
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", DOC.read_text(encoding="utf-8"), re.M))


def test_every_code_is_documented_and_every_documented_code_is_used():
    in_code, in_docs = _codes_in_the_code(), _codes_in_the_docs()
    assert in_code - in_docs == set(), "codes missing from docs/problem-codes.md"
    # (codes passed through helpers, e.g. the Word reader's `fail(…, code)`, are found as strings)
    assert in_docs - in_code - _string_literals() == set(), "documented codes that nothing reports"


def test_codes_are_kebab_case():
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", c) for c in _codes_in_the_code())


@pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")
@pytest.mark.parametrize(("damage", "code"), [
    (lambda d: (d / "issue.toml").unlink(), "issue-toml-missing"),
    (lambda d: _edit(d / "issue.toml", "[issue]\n", "[issue]\ncolour = 1\n"), "toml-unknown-key"),
    (lambda d: _edit(d / "issue.toml", "date = 2025-01-20", 'date = "2025-01-20"'), "issue-bad-date"),
    (lambda d: _edit(_first_article(d), "kind = \"article\"", "kind = \"poem\"", 1), "article-unknown-kind"),
    (lambda d: _edit(_first_article(d), "\n\n", "\n\n- bullet\n\n", 1), "markdown-bullet-list"),
    (lambda d: _first_article(d).write_bytes(b"+++\ntitle = \"x\"\n+++\n\n\xff\n"), "file-not-utf8"),
    (lambda d: (d / "articles" / "stray.md").write_text("+++\ntitle = \"x\"\n+++\n\n正文。\n", encoding="utf-8"),
     "article-in-no-section"),
])
def test_the_folder_readers_problems_carry_codes(tmp_path, damage, code):
    folder = tmp_path / "issue"
    shutil.copytree(SAMPLE, folder)
    damage(folder)
    with pytest.raises(publish.SourceError) as err:
        publish.render(folder)
    assert code in [p.code for p in err.value.problems]
    assert all(p.code for p in err.value.problems)


def _first_article(folder: Path) -> Path:
    return sorted((folder / "articles").glob("*.md"))[0]


def _edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
