"""Measure the two ways of putting CFF faces (Noto CJK) into the PDF, in four renderers.

    .venv/bin/python bench/fonts_render.py

Path A: subset, convert the cubic CFF outlines to quadratic TrueType ones (fontTools cu2qu), embed
as CIDFontType2. Path B: subset the CFF itself, embed as CIDFontType0C. For each path: build a PDF
of the sample's characters (seed text when there is no sample issue) in the body, title and byline
faces with an empty font cache, then

* time and file size;
* render page 1 at 100 dpi in Poppler (pdftoppm), MuPDF (mutool), Ghostscript and PDFium
  (pypdfium2) — whichever are installed — and compare A with B pixel by pixel per renderer
  (share of pixels whose grey differs by more than 64 of 255; glyph outlines that agree within
  cu2qu's 1-unit tolerance differ only in anti-aliasing);
* extract the text with each tool that can and compare it with the source characters.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build(path: Path, program: str, lines: list[tuple[str, str]], cache_dir: str) -> float:
    code = (
        "import sys, json; sys.path.insert(0, {!r})\n"
        "from fonts_support import draw_pdf\n"
        "from publish.fonts import load_fonts\n"
        "import time\n"
        "lines = json.loads(sys.stdin.read())\n"
        "t = time.perf_counter(); fonts = load_fonts()\n"
        "draw_pdf(fonts, {!r}, [tuple(x) for x in lines], per_page=40)\n"
        "print(time.perf_counter() - t)\n"
    ).format(str(ROOT / "tests"), str(path))
    import json

    env = dict(os.environ, PUBLISH_CACHE_DIR=cache_dir, PUBLISH_CFF_PATH=program)
    out = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(lines), env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def render(tool: str, pdf: Path, out: Path):
    from PIL import Image

    png = out / f"{tool}.png"
    if tool == "poppler":
        subprocess.run(["pdftoppm", "-r", "100", "-gray", "-f", "1", "-l", "1", "-png", "-singlefile",
                        str(pdf), str(png.with_suffix(""))], check=True)  # fmt: skip
    elif tool == "mupdf":
        subprocess.run(["mutool", "draw", "-q", "-r", "100", "-c", "gray", "-o", str(png), str(pdf), "1"],
                       check=True, capture_output=True)  # fmt: skip
    elif tool == "ghostscript":
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r100", "-dFirstPage=1",
                        "-dLastPage=1", "-dTextAlphaBits=4", f"-sOutputFile={png}", str(pdf)], check=True)  # fmt: skip
    elif tool == "pdfium":
        import pypdfium2 as pdfium

        pdfium.PdfDocument(str(pdf))[0].render(scale=100 / 72).to_pil().convert("L").save(png)
    return Image.open(png).convert("L")


def extract(tool: str, pdf: Path) -> str:
    if tool == "poppler":
        return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    if tool == "mupdf":
        return subprocess.run(["mutool", "draw", "-q", "-F", "txt", str(pdf)], capture_output=True, text=True).stdout
    if tool == "pdfium":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(pdf))
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return ""


def main() -> None:
    from fonts_support import sample_chars

    chars = sample_chars()
    chunks = [chars[i : i + 40] for i in range(0, len(chars), 40)]
    lines = [[key, chunk] for key in ("body", "title", "byline") for chunk in chunks]
    source = "".join(t for _, t in lines)
    tools = [t for t, exe in (("poppler", "pdftoppm"), ("mupdf", "mutool"), ("ghostscript", "gs")) if shutil.which(exe)]
    tools.append("pdfium")
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        results = {}
        for program, label in (("truetype", "A (cu2qu → CIDFontType2)"), ("cff", "B (CFF → CIDFontType0C)")):
            pdf = tmpd / f"{program}.pdf"
            seconds = build(pdf, program, lines, str(tmpd / f"cache-{program}"))
            results[program] = (label, pdf, seconds)
            print(f"path {label}: build with empty cache {seconds:.2f} s, PDF {pdf.stat().st_size:,} B")
            for tool in ("poppler", "mupdf", "pdfium"):
                if tool != "pdfium" and tool not in tools:
                    continue
                got = extract(tool, pdf)
                kept = sum(1 for ch in source if ch in got)
                same = "".join(got.split()) == "".join(source.split())
                print(f"    text via {tool:<8}: {'identical' if same else 'DIFFERENT'} "
                      f"({kept}/{len(source)} source characters found)")  # fmt: skip
        print("rendering, page 1 at 100 dpi, A vs B:")
        for tool in tools:
            out = tmpd / tool
            out.mkdir()
            (out / "a").mkdir()
            (out / "b").mkdir()
            a = render(tool, results["truetype"][1], out / "a")
            b = render(tool, results["cff"][1], out / "b")
            pa, pb = a.load(), b.load()
            w, h = a.size
            diff = sum(1 for x in range(w) for y in range(h) if abs(pa[x, y] - pb[x, y]) > 64)
            ink_a = sum(1 for x in range(w) for y in range(h) if pa[x, y] < 128)
            ink_b = sum(1 for x in range(w) for y in range(h) if pb[x, y] < 128)
            # Hinting (Ghostscript hints CFF) moves stems by a pixel; at a quarter of the resolution
            # that is noise, while a missing or wrong glyph is still a blob of difference.
            qa, qb = a.reduce(4).load(), b.reduce(4).load()
            coarse = sum(1 for x in range(w // 4) for y in range(h // 4) if abs(qa[x, y] - qb[x, y]) > 64)
            print(f"    {tool:<12} ink A {ink_a:>7} px, B {ink_b:>7} px; differing by > 64/255: {diff} px "
                  f"({100 * diff / max(ink_b, 1):.1f} % of the ink), at 25 dpi: {coarse} px")  # fmt: skip

if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t0:.1f} s)")
