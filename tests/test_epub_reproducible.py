"""Reproducible EPUBs: same sources + same SOURCE_DATE_EPOCH → same bytes, in any time zone.

The builds run in fresh interpreters with different `TZ` (ebooklib 0.20 stamps zip entries with
`time.localtime()` and writes local time as `…Z`: defects #1 and #2 in docs/design/epub.md §2).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from publish.epub.inspect import EpubContents
from publish.epub.metadata import build_time
from publish.errors import BuildError

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent

SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from epub_cases import make_issue, page_starts
from publish.epub import write_epub
tmp = Path(sys.argv[1])
issue = make_issue(tmp)
write_epub(issue, tmp / "x.epub", page_starts=page_starts(issue), embed_fonts={fonts})
"""


def _build(tmp: Path, tz: str, epoch: str, *, fonts: bool = False, cache: Path | None = None) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TZ": tz, "SOURCE_DATE_EPOCH": epoch}
    if cache is not None:
        env["PUBLISH_CACHE_DIR"] = str(cache)
    subprocess.run([sys.executable, "-c", SCRIPT.format(tests=str(TESTS), fonts=fonts), str(tmp)],
                   check=True, env=env, cwd=REPO, timeout=300)
    return tmp / "x.epub"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_in_different_time_zones_are_byte_identical(tmp_path):
    # The first build starts with an empty font cache, the second finds the subsets cached:
    # the bytes must not depend on that either.
    cache = tmp_path / "cache"
    a = _build(tmp_path / "a", "UTC", "1736899200", fonts=True, cache=cache)
    b = _build(tmp_path / "b", "Asia/Shanghai", "1736899200", fonts=True, cache=cache)
    assert _sha(a) == _sha(b)


def test_the_timestamp_is_source_date_epoch_in_utc(tmp_path):
    path = _build(tmp_path / "c", "Asia/Shanghai", "1736899200")  # 2025-01-15 00:00:00 UTC
    epub = EpubContents(path)
    modified = epub.opf.find(".//{*}meta[@property='dcterms:modified']").text
    assert modified == "2025-01-15T00:00:00Z"
    with zipfile.ZipFile(path) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2025, 1, 15, 0, 0, 0)}
    other = _build(tmp_path / "d", "UTC", "1736985600")
    assert _sha(other) != _sha(path), "the timestamp does reach the file"


def test_a_malformed_source_date_epoch_is_a_clear_error():
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        build_time({"SOURCE_DATE_EPOCH": "yesterday"})
    assert build_time({}).year == 1980


@pytest.mark.slow
def test_publish_build_gives_the_same_epub_in_two_time_zones(tmp_path):
    """The whole pipeline through the CLI (`publish build --no-pdf`), fonts embedded."""
    sample = REPO / "examples" / "sample"
    if not (sample / "issue.toml").exists():
        pytest.skip("examples/sample is not there yet")
    cli = Path(sys.executable).with_name("publish")
    if not cli.exists():
        pytest.skip("the publish command is not installed in this environment")
    shas = []
    for tz in ("UTC", "Asia/Shanghai"):
        out = tmp_path / tz.replace("/", "-")
        env = {**os.environ, "TZ": tz, "SOURCE_DATE_EPOCH": "1736899200"}
        subprocess.run([str(cli), "build", str(sample), "-o", str(out), "--no-pdf", "-q"],
                       check=True, env=env, cwd=REPO, timeout=600, capture_output=True)
        (epub,) = out.glob("*.epub")
        shas.append(_sha(epub))
    assert shas[0] == shas[1]


def test_the_manifest_media_types_are_given_not_looked_up_in_the_systems_tables(tmp_path, monkeypatch):
    """Every item is made with its media type (`ebook.Cover`, `ZhHtml`): ebooklib never asks
    `mimetypes`, whose first use reads the machine's mime.types (time, and a manifest that would
    follow that file), and the manifest says what ebooklib's guesses said."""
    import mimetypes

    import ebooklib.utils

    sys.path.insert(0, str(TESTS))
    from epub_cases import make_issue, page_starts

    from publish.epub import write_epub

    def refused(*args, **kwargs):
        raise AssertionError("mimetypes was asked")

    monkeypatch.setattr(ebooklib.utils, "mimetype_initialised", False)
    monkeypatch.setattr(mimetypes, "init", refused)
    issue = make_issue(tmp_path)
    write_epub(issue, tmp_path / "x.epub", page_starts=page_starts(issue), embed_fonts=False)
    with zipfile.ZipFile(tmp_path / "x.epub") as z:
        opf = z.read(next(n for n in z.namelist() if n.endswith(".opf")))
    from lxml import etree

    items = {item.get("href"): item.get("media-type")
             for item in etree.fromstring(opf).iter("{http://www.idpf.org/2007/opf}item")}
    assert items["images/cover.png"] == "image/png"
    pages = [href for href in items if href.endswith(".xhtml")]
    assert "text/cover.xhtml" in pages and "nav.xhtml" in pages and len(pages) > 3
    assert {items[href] for href in pages} == {"application/xhtml+xml"}
