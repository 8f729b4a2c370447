"""Benchmark: font preparation for the sample issue, cold (empty cache) and warm.

    .venv/bin/python bench/fonts.py [ISSUE_DIR]

Font preparation = resolve every role (discovery, face metrics), check glyph coverage, and make
the embedding-ready PDF program of every face the issue uses (path B: CID-keyed CFF subsets for
CFF faces, TrueType subsets for TrueType faces). The EPUB subsets are timed separately, and path A
(CFF converted to TrueType with cu2qu) is timed cold for comparison.

Characters per face: from the issue when `ISSUE_DIR` (default examples/sample, else
examples/bayannaoer-2025-01) loads; otherwise
the seed's text layer (../shared/seed) stands in, every distinct character for body, and the
Chinese numerals, section names and bylines' characters for the other roles.

Each measurement runs in a fresh process (imports excluded, reported apart) so memory caches do
not flatter the warm numbers. Targets (issue 4): cold ≤ 3 s, warm ≤ 0.05 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_2b68d11822460efc.txt"
COLD_TARGET, WARM_TARGET = 3.0, 0.05


def _role_texts(issue_dir: Path | None):
    """(issue or None, overrides, role → text)."""
    if issue_dir is not None and (issue_dir / "issue.toml").is_file():
        try:
            from publish.sources import load_issue  # type: ignore[attr-defined]

            issue = load_issue(issue_dir)
            return issue, {k: list(v) for k, v in issue.fonts}, None
        except Exception as err:  # the reader may not exist yet
            print(f"(could not load {issue_dir}: {err}; using the seed)", file=sys.stderr)
    if not SEED.is_file():
        raise SystemExit(f"no issue and no seed at {SEED}")
    text = SEED.read_text(encoding="utf-8").replace("\n", "")
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    short = "".join(ln for ln in lines if len(ln) <= 16)  # titles, headings, bylines, headers
    texts = {
        "body": text, "title": short, "heading": short, "byline": short,
        "header": "巴彦淖尔人大特别报道领导动态工作动态代表风采代表工作立法工作监督工作调查报告机关工作机关党建旗县区工作",
        "folio": "0123456789/",
    }  # fmt: skip
    # Each role's distinct characters (what the issue reader would hand over as its character set).
    return None, {}, {role: "".join(dict.fromkeys(t)) for role, t in texts.items()}


def child(issue_dir: Path | None, epub: bool) -> dict:
    t_import = time.perf_counter()
    from publish.coverage import coverage, coverage_report
    from publish.fonts import load_fonts, programs
    from publish.pdf.fonts import cff_program

    t0 = time.perf_counter()
    issue, overrides, texts = _role_texts(issue_dir)
    t1 = time.perf_counter()
    c1 = time.process_time()
    fonts = load_fonts(issue.root if issue else None, overrides)
    if issue is not None:
        problems = coverage(fonts, issue)
        report = coverage_report(fonts, issue)
        per_face: dict[str, set[str]] = {}
        for per in report.values():
            for key, chars in per.items():
                if key != "missing":
                    per_face.setdefault(key, set()).update(chars)
    else:
        problems = []
        per_face = {}
        for role, text in texts.items():
            for run in fonts.runs(text, role):
                per_face.setdefault(run.face, set()).update(run.text)
    t_load = time.perf_counter()
    # One program per physical face, as the PDF writer embeds them.
    by_face: dict[tuple[str, int], tuple[str, set[str]]] = {}
    for key, chars in per_face.items():
        info = fonts.face(key).info
        ident = (info.digest, info.index)
        by_face.setdefault(ident, (key, set()))[1].update(chars)
    sizes = {}
    for key, chars in by_face.values():
        info = fonts.face(key).info
        ordered = sorted(chars)
        if info.format == "CFF" and cff_program() == "cff":
            data = programs.pdf_cff(info, {ord(c): c for c in ordered if ord(c) <= 0xFFFF})
            kind = "CFF (CIDFontType0C)"
        else:
            data, _ = programs.pdf_truetype(info, "".join(ordered))
            kind = "TrueType (FontFile2)" + (" via cu2qu" if info.format == "CFF" else "")
        sizes[f"{info.family} {info.style}"] = {"chars": len(chars), "bytes": len(data), "program": kind}
    t_pdf = time.perf_counter()
    c_pdf = time.process_time()
    epub_sizes = {}
    if epub:
        for key, chars in by_face.values():
            info = fonts.face(key).info
            epub_sizes[f"{info.family} {info.style}"] = len(fonts.subset(key, "".join(chars)))
    t_epub = time.perf_counter()
    return {
        "import": t0 - t_import,
        "load_and_coverage": t_load - t1,
        "pdf_programs": t_pdf - t_load,
        "prepare": t_pdf - t1,
        "prepare_cpu": c_pdf - c1,
        "epub_subsets": t_epub - t_pdf,
        "sizes": sizes,
        "epub_sizes": epub_sizes,
        "problems": len(problems),
    }


def run(cache_dir: str, issue_dir: Path | None, *, epub: bool, cff_path: str = "cff") -> dict:
    env = dict(os.environ, PUBLISH_CACHE_DIR=cache_dir, PUBLISH_CFF_PATH=cff_path)
    args = [sys.executable, __file__, "--child", str(issue_dir or "")] + (["--epub"] if epub else [])
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if "--child" in sys.argv:
        arg = sys.argv[sys.argv.index("--child") + 1]
        print(json.dumps(child(Path(arg) if arg else None, "--epub" in sys.argv)))
        return
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    candidates = [Path(args[0])] if args else [ROOT / "examples" / "sample", ROOT / "examples" / "bayannaoer-2025-01"]
    issue_dir = next((d for d in candidates if (d / "issue.toml").is_file()), None)
    print(f"font preparation for {issue_dir or 'the seed text (no sample issue yet)'}")
    with tempfile.TemporaryDirectory() as tmp:
        cold = run(tmp, issue_dir, epub=False)
        warm = min((run(tmp, issue_dir, epub=False) for _ in range(3)), key=lambda r: r["prepare"])
        epub_cold = run(tmp, issue_dir, epub=True)
        epub_warm = run(tmp, issue_dir, epub=True)
    with tempfile.TemporaryDirectory() as tmp:
        path_a = run(tmp, issue_dir, epub=False, cff_path="truetype")
    print(f"  cold (empty cache): {cold['prepare']:.3f} s wall, {cold['prepare_cpu']:.3f} s CPU  (load+coverage {cold['load_and_coverage']:.3f} s, "
          f"PDF programs {cold['pdf_programs']:.3f} s)  target ≤ {COLD_TARGET} s  "
          f"ratio {cold['prepare'] / COLD_TARGET:.2f}")  # fmt: skip
    print(f"  warm:               {warm['prepare']:.4f} s wall, {warm['prepare_cpu']:.4f} s CPU  (load+coverage {warm['load_and_coverage']:.4f} s, "
          f"PDF programs {warm['pdf_programs']:.4f} s)  target ≤ {WARM_TARGET} s  "
          f"ratio {warm['prepare'] / WARM_TARGET:.2f}")  # fmt: skip
    print(f"  (python imports, not counted: {cold['import']:.2f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores — wall times suffer when the machine is shared)")  # fmt: skip
    print("  embedded PDF programs (path B):")
    for face, s in cold["sizes"].items():
        print(f"    {face:<28} {s['chars']:>5} chars  {s['bytes']:>9,} B  {s['program']}")
    print(f"  path A (CFF → TrueType with cu2qu), cold: {path_a['prepare']:.3f} s "
          f"(PDF programs {path_a['pdf_programs']:.3f} s)")  # fmt: skip
    for face, s in path_a["sizes"].items():
        print(f"    {face:<28} {s['chars']:>5} chars  {s['bytes']:>9,} B  {s['program']}")
    print(f"  EPUB subsets: cold {epub_cold['epub_subsets']:.3f} s, warm {epub_warm['epub_subsets']:.4f} s")
    for face, n in epub_cold["epub_sizes"].items():
        print(f"    {face:<28} {n:>9,} B")
    if cold["problems"]:
        print(f"  coverage problems: {cold['problems']}")


if __name__ == "__main__":
    main()
