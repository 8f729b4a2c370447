"""Ace by DAISY (npm `@daisy/ace`, installed into .node/ by `make setup`, run through Puppeteer with
Debian's Chromium) finds no serious or critical accessibility violation in the EPUBs: the
hand-made issue (every block type, a figure, a page-list, padded bylines) and the built sample issue.

Ace runs axe-core on every content document and its own checks on the package (metadata, page-list,
headings); `report.json` lists each violation with its impact (minor, moderate, serious, critical).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.epub import write_epub

REPO = Path(__file__).resolve().parents[1]
ACE = REPO / ".node" / "node_modules" / ".bin" / "ace-puppeteer"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not ACE.exists() or shutil.which("node") is None or not Path(CHROMIUM).exists(),
    reason="Ace by DAISY is not installed: `make setup` installs nodejs, npm, chromium and .node/ (make ace)",
)


def ace_violations(epub: Path, out: Path) -> list[tuple[str, str, str]]:
    """(impact, rule, document) of every violation Ace reports for `epub`."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    proc = subprocess.run([str(ACE), "--force", "--silent", "--outdir", str(out), str(epub)],
                          capture_output=True, text=True, timeout=600, env=env)
    report = out / "report.json"
    assert proc.returncode == 0 and report.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    found = []
    for doc in data["assertions"]:
        for a in doc.get("assertions", []):
            test = a.get("earl:test", {})
            found.append((test.get("earl:impact", ""), test.get("dct:title", ""), doc["earl:testSubject"]["url"]))
    return found


def test_ace_finds_no_serious_or_critical_violation_in_the_hand_made_issue(tmp_path):
    from publish.fonts import load_fonts

    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "x.epub", page_starts=page_starts(issue), fonts=load_fonts(None))
    found = ace_violations(path, tmp_path / "ace")
    assert [v for v in found if v[0] in ("serious", "critical")] == []


def test_ace_finds_no_serious_or_critical_violation_in_the_built_sample_issue(tmp_path):
    from publish.build import build

    result = build(REPO / "examples" / "sample", tmp_path / "out", pdf=False)
    found = ace_violations(result.epub_path, tmp_path / "ace")
    assert [v for v in found if v[0] in ("serious", "critical")] == []


def test_ace_reports_a_missing_text_alternative(tmp_path):
    """The check can fail: an image without alt is a critical violation (axe `image-alt`)."""
    import zipfile

    from publish.fonts import load_fonts

    issue = make_issue(tmp_path)
    good = write_epub(issue, tmp_path / "x.epub", page_starts=page_starts(issue), fonts=load_fonts(None),
                      embed_fonts=False)
    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("EPUB/text/a01"):
                data = data.replace(b' alt="', b' data-x="')
            dst.writestr(info, data, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype" else
                         zipfile.ZIP_DEFLATED)
    found = ace_violations(bad, tmp_path / "ace")
    assert any(v[0] == "critical" for v in found), found
