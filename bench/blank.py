"""How empty the body columns of an issue's print PDF are (issue 14's measure of page makeup).

In: an issue folder (default: the complete example) — built here into a temporary folder — or an
already built PDF with `--pdf`. Out (stdout): pages, body pages, the empty share of the body columns'
text area and the columns more than half empty, with their pages; `--columns` lists every column.
The measure itself is `tests/blank_support.py` (grid lines of each column with nothing on them,
read back from the PDF with pdfplumber).

Run: `.venv/bin/python bench/blank.py [--issue DIR] [--pdf FILE] [--columns]`.
Target (issue 14): the complete example at ≤ 8 % empty, at most 4 columns more than half empty.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from blank_support import measure_blank  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issue", type=Path, default=ROOT / "examples" / "bayannaoer-2025-01")
    ap.add_argument("--pdf", type=Path, help="a built print PDF of --issue (else the issue is built)")
    ap.add_argument("--columns", action="store_true", help="list every body column")
    args = ap.parse_args()

    from publish.build import build
    from publish.layout import load_layout
    from publish.sources import load_issue

    issue = load_issue(args.issue)
    layout = load_layout(issue.layout, issue.root)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = args.pdf
        if pdf is None:
            result = build(args.issue, Path(tmp), epub=False)
            assert result.pdf_path is not None
            pdf = result.pdf_path
        report = measure_blank(pdf, layout)
    if args.columns:
        for c in report.columns:
            print(f"page {c.page:3d} column {c.column}: {c.empty:2d}/{c.lines} lines empty")
    print(f"{args.issue.name}: {report.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
