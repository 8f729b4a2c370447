"""Broken pictures are found by the checks, once, by decoding (issue 17 point 7): a truncated JPEG
is an error naming the article and line (in `check` and before a build writes anything, EPUB-only
too); PNG bytes named .jpg are refused with the name to give the file; a decompression bomb is
refused from its header, before any decoding; Pillow's own warnings are never printed."""

from __future__ import annotations

import io
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from PIL import Image

from publish.build import build
from publish.errors import PublishError
from publish.layout.imagefile import MAX_PIXELS, ImageFileError, inspect
from publish.layout.prepress import check_prepress as check_issue
from publish.layout.prepress import is_error
from publish.sources import load_issue

ROOT = Path(__file__).resolve().parents[1]


def _jpeg(size=(600, 400)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _png(size=(600, 400), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, "PNG")
    return buf.getvalue()


def _issue(root: Path, image_name: str, data: bytes) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / image_name).write_bytes(data)
    (root / "articles" / "a.md").write_text(
        f'+++\ntitle = "图片"\n+++\n\n第一段正文。\n\n![图片说明](images/{image_name})\n\n第二段正文。\n', encoding="utf-8")
    (root / "issue.toml").write_text(
        '[magazine]\ntitle = "巴彦淖尔人大"\n\n[issue]\nlabel = "2025年第1期"\ndate = 2025-01-20\n\n'
        '[[sections]]\ntitle = "栏目"\narticles = ["articles/a.md"]\n', encoding="utf-8")
    return root


def _errors(root: Path):
    return [p for p in check_issue(load_issue(root)) if is_error(p)]


def test_a_truncated_jpeg_is_an_error_naming_article_and_line(tmp_path):
    data = _jpeg()
    root = _issue(tmp_path / "i", "photo.jpg", data[: len(data) * 2 // 3])
    (problem,) = _errors(root)
    assert problem.code == "image-damaged" and "photo.jpg" in problem.message
    assert Path(problem.path).name == "a.md" and problem.line == 7


@pytest.mark.parametrize("editions", [{"pdf": True, "epub": True}, {"pdf": False, "epub": True}])
def test_a_build_with_a_truncated_jpeg_stops_before_writing_anything(tmp_path, monkeypatch, editions):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    data = _jpeg()
    root = _issue(tmp_path / "i", "photo.jpg", data[: len(data) // 2])
    with pytest.raises(PublishError) as caught:
        build(root, tmp_path / "out", **editions)
    assert any(p.code == "image-damaged" and p.line == 7 for p in caught.value.problems)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_png_bytes_named_jpg_are_refused_with_the_right_name(tmp_path):
    root = _issue(tmp_path / "i", "chart.jpg", _png())
    (problem,) = _errors(root)
    assert problem.code == "image-wrong-type"
    assert "is a PNG file" in problem.message and "chart.png" in problem.fix


def test_a_gif_is_named_as_what_it_is(tmp_path):
    buf = io.BytesIO()
    Image.new("P", (10, 10)).save(buf, "GIF")
    root = _issue(tmp_path / "i", "anim.png", buf.getvalue())
    (problem,) = _errors(root)
    assert problem.code == "image-unsupported" and "GIF" in problem.message


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(tmp_path):
    bomb = _png((12000, 12000), mode="1")  # a few KB on disk, 144 megapixels
    assert len(bomb) < 500_000
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    tracemalloc.start()
    try:
        with pytest.raises(ImageFileError) as caught:
            inspect(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "image-too-large" and f"{MAX_PIXELS // 1_000_000}" in caught.value.message
    assert peak < 50_000_000  # nothing near the 144 MB (mode 1) / 432 MB (RGB) a decode would take


def test_check_prints_no_pillow_warning(tmp_path):
    root = _issue(tmp_path / "i", "bomb.png", _png((12000, 12000), mode="1"))
    done = subprocess.run([sys.executable, "-m", "publish", "check", str(root)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 1
    assert "image-too-large" in done.stdout + done.stderr or "megapixels" in done.stdout + done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr


def test_a_sound_picture_passes(tmp_path):
    root = _issue(tmp_path / "i", "photo.jpg", _jpeg((3000, 2000)))
    assert _errors(root) == []


@pytest.mark.parametrize(("fmt", "name"), [("TIFF", "scan.tif"), ("WEBP", "photo.webp")])
def test_tiff_and_webp_figures_pass_and_are_sniffed_too(tmp_path, fmt, name):
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 30)).save(buf, fmt)
    assert _errors(_issue(tmp_path / "ok", name, buf.getvalue())) == []
    (problem,) = _errors(_issue(tmp_path / "misnamed", "photo.jpg", buf.getvalue()))
    assert problem.code == "image-wrong-type" and name.rsplit(".", 1)[1][:3] in problem.fix
