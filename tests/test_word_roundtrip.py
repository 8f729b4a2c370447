"""Word → article → PDF: after `publish add`, `publish check` passes, `publish build` succeeds and the
print PDF's text holds every Han character of every Word file (body, tables, notes, captions).

The Word side is counted here straight from the package's XML (every `w:t` of the document, its
footnotes and endnotes), independently of the reader under test.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from docx_support import office_manuscript, pandoc_manuscript, styled_manuscript

from publish.cli import main

DATA = Path(__file__).parent / "data"
HAN = re.compile("[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
T = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")

ISSUE_TOML = """\
[magazine]
title = "巴彦淖尔人大"

[issue]
label = "2025年第1期"
date = 2025-01-20

[[sections]]
title = "要闻"
articles = ["articles/01-kaiban.md"]
"""


def word_han(path: Path) -> Counter[str]:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml") if n in archive.namelist()]
        text = "".join("".join(T.findall(archive.read(n).decode("utf-8"))) for n in names)
    return Counter(HAN.findall(text))


def pdf_han(path: Path) -> Counter[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return Counter(HAN.findall(text))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("roundtrip")
    issue = root / "issue"
    (issue / "articles").mkdir(parents=True)
    (issue / "issue.toml").write_text(ISSUE_TOML, encoding="utf-8")
    (issue / "articles" / "01-kaiban.md").write_text("+++\ntitle = \"开篇\"\n+++\n\n本期要目。\n", encoding="utf-8")
    files = [
        office_manuscript(root / "office.docx"),
        styled_manuscript(root / "styled.docx"),
        DATA / "libreoffice-daibiao-fengcai.docx",
    ]
    made = pandoc_manuscript(root / "pandoc" / "pandoc.docx")
    if made is not None:
        files.append(made)
    runner = CliRunner()
    added = runner.invoke(main, ["add", str(issue), *map(str, files)])
    check = runner.invoke(main, ["check", str(issue)])
    build = runner.invoke(main, ["build", str(issue), "-o", str(root / "out")])
    return {"issue": issue, "files": files, "added": added, "check": check, "build": build, "out": root / "out"}


def test_add_succeeds_and_every_account_balances(built: dict) -> None:
    assert built["added"].exit_code == 0, built["added"].output
    assert built["added"].output.count("— balanced") == len(built["files"])
    assert "NOT BALANCED" not in built["added"].output


def test_check_passes_after_the_add(built: dict) -> None:
    assert built["check"].exit_code == 0, built["check"].output
    assert "error" not in built["check"].output


def test_build_succeeds(built: dict) -> None:
    assert built["build"].exit_code == 0, built["build"].output
    assert list(built["out"].glob("*.pdf")) and list(built["out"].glob("*.epub"))


def test_print_pdf_holds_every_han_character_of_every_word_file(built: dict) -> None:
    assert built["build"].exit_code == 0, built["build"].output
    pdf = pdf_han(next(p for p in built["out"].glob("*.pdf") if "cover" not in p.name and "screen" not in p.name))
    wanted = sum((word_han(path) for path in built["files"]), Counter())
    assert sum(wanted.values()) > 500
    # A line naming the section (栏目：代表风采) is an instruction, not article text: the report's
    # account lists it under "section"; what is printed of it is the section's title.
    for report in built["issue"].glob("articles/*.add-report.json"):
        for guess in json.loads(report.read_text(encoding="utf-8"))["guesses"]:
            if guess["what"] == "section" and guess["where"]:
                wanted -= Counter(HAN.findall(guess["text"]))
                wanted += Counter(HAN.findall(guess["text"].split("：")[-1].strip("【】")))
    missing = wanted - pdf
    assert not missing, f"missing from the PDF: {''.join(missing.elements())}"
