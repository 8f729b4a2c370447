"""Benchmark: the EPUB stage — time per step, size, and the cost of a naive ebooklib build.

    .venv/bin/python bench/epub.py [ISSUE_DIR]

ISSUE_DIR defaults to examples/bayannaoer-2025-01 (the real issue), then examples/sample; when
neither loads, an issue is made from the seed's text layer (../shared/seed: 34 articles of
paragraphs of 8 printed lines) so that the numbers have the real issue's character set and size.

Steps timed (each in a fresh process, cold = empty font cache in a temporary PUBLISH_CACHE_DIR,
warm = the same cache again): render the article XHTML, load the fonts (face metrics), plan +
subset the fonts (`plan_fonts`, as `write_epub` calls it: the book's language given), draw the
cover, the whole `write_epub`. Printed: seconds, each process's peak RSS, the EPUB's size against
the 2 MB budget, the cold subsets made by fontTools' subsetter alone (`programs._epub_subset`, the
general path) for comparison, and the time and size of the same text through ebooklib's
tutorial-style path (no fonts).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_2b68d11822460efc.txt"
BUDGET = 2 * 1024 * 1024


def load(issue_dir: str):  # type: ignore[no-untyped-def]
    from publish.model import Article, Byline, Issue, Paragraph, Section, Text

    candidates = [Path(issue_dir)] if issue_dir else [ROOT / "examples" / "bayannaoer-2025-01", ROOT / "examples" / "sample"]
    for folder in candidates:
        if (folder / "issue.toml").is_file():
            try:
                from publish.sources import load_issue

                return load_issue(folder), str(folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder)
            except Exception as err:  # the reader may not exist yet
                print(f"(could not load {folder}: {err})", file=sys.stderr)
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    paras = [Paragraph((Text("".join(lines[i : i + 8])),)) for i in range(0, len(lines), 8)]
    per = len(paras) // 34 + 1
    arts = tuple(
        Article(slug=f"{i:02d}-seed", title=(paras[i * per].text[:14],), blocks=tuple(paras[i * per : (i + 1) * per]),
                bylines=(Byline("本刊", "记者"),))
        for i in range(34) if paras[i * per : (i + 1) * per]
    )
    issue = Issue(magazine="巴彦淖尔人大", label="2025年第1期", date=dt.date(2025, 1, 20),
                  sections=(Section("特别报道", arts),))
    return issue, "seed text layer (synthetic articles)"


def child(issue_dir: str) -> dict:
    from publish.epub import cover, write_epub
    from publish.epub.fonts import collect, plan_fonts
    from publish.epub.xhtml import render_article
    from publish.fonts import load_fonts

    issue, name = load(issue_dir)
    out: dict = {"issue": name, "articles": len(issue.articles)}
    t = time.perf_counter()
    for i, a in enumerate(issue.articles, 1):
        render_article(a, i, (), lang="zh-CN", stylesheet="../styles/main.css")
    out["xhtml"] = time.perf_counter() - t
    t = time.perf_counter()
    fonts = load_fonts(issue.root)
    for key in fonts.face_keys:
        fonts.face(key).info  # noqa: B018 - metrics read (or loaded from the cache) here, not below
    out["load_fonts"] = time.perf_counter() - t
    language = issue.language or "zh-CN"
    if os.environ.get("BENCH_GENERAL_PATH"):  # the comparison: fontTools' subsetter does it all
        from publish.fonts import programs
        from publish.fonts.cffsubset import Unsupported

        def general(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise Unsupported("bench: general path")

        import publish.fonts.epubsubset as fast

        fast.epub_subset_fast = general  # type: ignore[assignment]
        programs.cache.get_bytes = lambda *a: None  # type: ignore[assignment]
    t = time.perf_counter()
    plan = plan_fonts(collect(issue), fonts, language=language)
    out["fonts"] = time.perf_counter() - t
    out["font_bytes"] = sum(len(f.data) for f in plan.faces)
    if os.environ.get("BENCH_GENERAL_PATH"):
        out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out
    t = time.perf_counter()
    cover.draw_cover(issue, cover.find_cover_fonts(fonts))
    out["cover"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path = write_epub(issue, Path(tmp) / "x.epub", fonts=fonts)
        out["write_epub"] = time.perf_counter() - t
        out["size"] = path.stat().st_size
        t = time.perf_counter()
        out["naive_size"] = naive(issue, Path(tmp) / "naive.epub")
        out["naive"] = time.perf_counter() - t
    out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def naive(issue, path: Path) -> int:  # type: ignore[no-untyped-def]
    """ebooklib's tutorial path: one EpubHtml per article, default nav and NCX, no fonts."""
    from html import escape

    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("bench")
    book.set_title(issue.magazine)
    book.set_language("zh-CN")
    chapters = []
    for i, a in enumerate(issue.articles):
        c = epub.EpubHtml(title=a.title_text, file_name=f"c{i}.xhtml", lang="zh-CN")
        c.content = f"<h1>{escape(a.title_text)}</h1>" + "".join(f"<p>{escape(b.text)}</p>" for b in a.blocks)
        book.add_item(c)
        chapters.append(c)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(path), book)
    return path.stat().st_size


def run(issue_dir: str, cache: str, **extra: str) -> dict:
    env = {**os.environ, "PUBLISH_CACHE_DIR": cache, "SOURCE_DATE_EPOCH": "1737331200", **extra}
    proc = subprocess.run([sys.executable, __file__, "--child", issue_dir], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2])))
        return
    issue_dir = sys.argv[1] if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory() as cache:
        cold = run(issue_dir, cache)
        warm = run(issue_dir, cache)
    with tempfile.TemporaryDirectory() as cache:
        run(issue_dir, cache)  # face metrics cached, EPUB subsets then made by the general path
        general = run(issue_dir, cache, BENCH_GENERAL_PATH="1")
    print(f"issue: {cold['issue']} ({cold['articles']} articles)")
    print(f"{'step':<12}{'cold s':>9}{'warm s':>9}")
    for step in ("xhtml", "load_fonts", "fonts", "cover", "write_epub"):
        print(f"{step:<12}{cold[step]:>9.3f}{warm[step]:>9.3f}")
    print(f"peak RSS of the process: cold {cold['rss']:.0f} MB, warm {warm['rss']:.0f} MB")
    print(f"EPUB subsets by fontTools alone (general path), metrics cached: {general['fonts']:.3f} s "
          f"(ours {cold['fonts']:.3f} s, {general['fonts'] / cold['fonts']:.1f}× faster), "
          f"{general['font_bytes']:,} bytes (ours {cold['font_bytes']:,}), peak RSS {general['rss']:.0f} MB")
    print(f"EPUB size: {warm['size']:,} bytes = {warm['size'] / BUDGET:.2f} of the 2 MB budget "
          f"(font subsets {warm['font_bytes']:,} bytes before zip compression)")
    print(f"naive ebooklib (no fonts, no page-list, no cover): {warm['naive']:.3f} s, {warm['naive_size']:,} bytes; "
          f"ours/naive time ratio (warm) {warm['write_epub'] / warm['naive']:.1f}")


if __name__ == "__main__":
    main()
