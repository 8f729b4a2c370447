"""An article page renders in headless Chromium (Debian `chromium`) with text in the body area, and
every character of it has a glyph in the embedded fonts (so no reading system has to guess).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from epub_cases import make_issue, page_starts

from publish.epub import write_epub
from publish.epub.inspect import EpubContents

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    from publish.fonts import load_fonts

    tmp = tmp_path_factory.mktemp("render")
    issue = make_issue(tmp)
    path = write_epub(issue, tmp / "x.epub", page_starts=page_starts(issue), fonts=load_fonts(None))
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp / "unzipped")
    return tmp, EpubContents(path)


def _dark_fraction(png: bytes, box: tuple[int, int, int, int]) -> float:
    from PIL import Image

    region = Image.open(io.BytesIO(png)).convert("L").crop(box)
    hist = region.histogram()
    return sum(hist[:128]) / (region.width * region.height)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make setup installs it)")
def test_an_article_page_renders_with_text_in_the_body_area(unpacked):
    tmp, epub = unpacked
    page = tmp / "unzipped" / epub.articles[0]
    shot = tmp / "shot.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'chromium-profile'}", "--window-size=700,1000",
                    f"--screenshot={shot}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    png = shot.read_bytes()
    # Below the title block (about 180 px high at this width): the first paragraphs and headings.
    body = _dark_fraction(png, (20, 190, 680, 520))
    assert body > 0.02, f"only {body:.2%} dark pixels in the body area"
    # and the empty bottom of the page is empty: the measure is not just a dark page
    assert _dark_fraction(png, (20, 900, 680, 1000)) < 0.001


def test_every_character_of_every_document_has_a_glyph_in_the_embedded_fonts(unpacked):
    from fontTools.ttLib import TTFont

    _, epub = unpacked
    covered: set[int] = set()
    for name, data in epub.files.items():
        if name.startswith("EPUB/fonts/"):
            covered |= set(TTFont(io.BytesIO(data)).getBestCmap())
    for name in [*epub.articles, epub.nav_path]:
        text = "".join(epub.xml(name).find("{*}body").itertext())
        missing = {c for c in text if not c.isspace() and ord(c) not in covered}
        assert missing == set(), f"{name}: {''.join(sorted(missing))}"
