"""Shared helpers for the font tests: the seed's characters, a fonts fixture, drawing a PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
SEED_FILE = SEED_DIR / "000_2b68d11822460efc.txt"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# The sample issue: the Makefile's demo issue, or the importer's output of the seed.
SAMPLE_DIRS = (EXAMPLES / "sample", EXAMPLES / "bayannaoer-2025-01")

# Characters the acceptance criteria name: rare in the seed, or easily lost in a font.
RARE = "撖磴菅婧"
TRICKY = "\u00b7\u2014\u00a0"
NO_FONT_HAS = "\U00013000"  # EGYPTIAN HIEROGLYPH A001: in none of the default faces


def need_cjk_fonts() -> None:
    if not any(Path(p).exists() for p in ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",)):
        from publish.fonts.discovery import FontIndex, system_font_dirs

        if FontIndex(system_font_dirs()).find("Noto Serif CJK SC") is None:
            pytest.skip("Noto Serif CJK SC is not installed (make setup installs fonts-noto-cjk)")


def sample_chars() -> str:
    """The distinct characters of the sample issue (the seed's text layer when no sample yet)."""
    texts = []
    for sample in SAMPLE_DIRS:
        if (sample / "issue.toml").is_file():
            texts = [p.read_text(encoding="utf-8") for p in sorted(sample.rglob("*.md"))]
            break
    if not texts:
        if not SEED_FILE.is_file():
            pytest.skip(f"no sample issue and no seed text at {SEED_FILE}")
        texts = [SEED_FILE.read_text(encoding="utf-8")]
    return "".join(sorted(set("".join(texts)) - set("\n\r")))


def draw_pdf(fonts, path: Path, lines: list[tuple[str, str]], size: float = 12, per_page: int = 40) -> None:
    """Draw (face key, text) lines, the way the PDF writer is told to create its canvas."""
    from reportlab.pdfgen.canvas import Canvas

    from publish.pdf.fonts import pdf_font

    c = Canvas(str(path), invariant=1, initialFontName=pdf_font(fonts, None, "body"))
    assert pdf_font(fonts, c, "body") == c._initialFontName
    y = 800.0
    for n, (key, text) in enumerate(lines):
        if n and n % per_page == 0:
            c.showPage()
            y = 800.0
        c.setFont(pdf_font(fonts, c, key), size)
        c.drawString(20, y, text)
        y -= size * 1.6
    c.save()


def pdffonts(path: Path) -> list[dict[str, str]]:
    import subprocess

    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts) not installed")
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    fonts = []
    for row in rows:
        # name type… encoding emb sub uni object ID — the name is the first token; the flags are
        # the 5th–3rd from the end.
        parts = row.split()
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3], "row": row})
    return fonts


def mapped_kb(path: str | Path) -> int:
    """How much of the file at `path` this process has mapped in, KB (the Rss of its mappings in
    /proc/self/smaps: Linux only)."""
    name, total, inside = str(path), 0, False
    with open("/proc/self/smaps") as f:
        for line in f:
            first = line.split(maxsplit=1)[0]
            if "-" in first and not first.endswith(":"):
                inside = line.rstrip("\n").endswith(name)
            elif inside and first == "Rss:":
                total += int(line.split()[1])
    return total
