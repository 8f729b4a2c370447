"""Helpers for the page-makeup tests: the sample issue copied with extra issue.toml tables, a
layout patched, and flat pictures of a page with bleed.

In: examples/sample. Out: `issue_with(tmp, extra, layout_patch=…)` → the copied issue folder,
`picture(path, colour, size)` → a PNG written there (default: a magazine-16k page with bleed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from build_support import SAMPLE
from PIL import Image

from publish.layout import load_layout
from publish.layout.spec import MM

L = load_layout("magazine-16k")
W, H, B = 185 * MM, 260 * MM, 3 * MM
PAGE_PX = (round(191 / 25.4 * 72), round(266 / 25.4 * 72))  # a page with bleed, at 72 dpi

MASTHEAD = '''
[masthead]
sponsor = "巴彦淖尔市人大常委会"
editor = "《巴彦淖尔人大》编辑部"
permit = "内蒙古准印证（测试）"
printer = "测试印刷厂"
'''


def picture(path: Path, colour: str, size: tuple[int, int] = PAGE_PX) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path.name


def issue_with(tmp_path: Path, extra: str, *, layout_patch: dict[str, str] | None = None) -> Path:
    """The sample issue copied, with `extra` TOML appended to its issue.toml (and its layout
    patched when asked: a copy of magazine-16k with keys replaced)."""
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    toml = (root / "issue.toml").read_text(encoding="utf-8")
    if layout_patch:
        text = L.path.read_text(encoding="utf-8")
        for old, new in layout_patch.items():
            assert old in text
            text = text.replace(old, new)
        (root / "layouts").mkdir()
        (root / "layouts" / "test.toml").write_text(text, encoding="utf-8")
        toml = toml.replace('layout = "magazine-16k"', 'layout = "test"')
    head, rest = toml.split("[[sections]]", 1)
    (root / "issue.toml").write_text(head + extra + "\n[[sections]]" + rest, encoding="utf-8")
    return root


