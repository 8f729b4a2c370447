"""`publish build`: what the user sees and gets — the output files and their paths, the editions
asked for, clear one-line errors with nothing written, warnings that do not stop the build, and
byte-identical rebuilds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from build_support import SAMPLE
from click.testing import CliRunner

from publish.cli import main

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    a = tmp_path_factory.mktemp("a")
    b = tmp_path_factory.mktemp("b")
    env = {"SOURCE_DATE_EPOCH": "1737331200"}
    first = run("build", str(SAMPLE), "-o", str(a), env=env)
    second = run("build", str(SAMPLE), "-o", str(b), "--quiet", env=env)
    return first, second, a, b


def test_build_writes_the_pdf_and_the_epub_and_prints_their_paths(two_builds):
    first, _second, a, _b = two_builds
    assert first.exit_code == 0, first.output
    pdf, epub = a / "bayannaoer-renda-2025-1.pdf", a / "bayannaoer-renda-2025-1.epub"
    screen = a / "bayannaoer-renda-2025-1-screen.pdf"
    assert first.stdout.split() == [str(pdf), str(screen), str(epub)]
    assert pdf.read_bytes().startswith(b"%PDF-") and epub.read_bytes().startswith(b"PK")
    assert screen.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in a.iterdir()) == [screen.name, epub.name, pdf.name]  # no temporary files left


def test_two_builds_are_byte_identical_and_quiet_is_quiet(two_builds):
    _first, second, a, b = two_builds
    assert second.exit_code == 0 and second.output == ""
    for name in ("bayannaoer-renda-2025-1.pdf", "bayannaoer-renda-2025-1-screen.pdf", "bayannaoer-renda-2025-1.epub"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_no_progress_bars_when_not_on_a_terminal(two_builds):
    # stderr carries only the build summary: the sample's 9 pages are filled to a multiple of 4
    first, _second, _a, _b = two_builds
    assert first.stderr.splitlines() == ["12 pages: 3 blank pages added to reach the layout's page multiple"]


def test_epub_only_still_paginates_for_the_page_list(tmp_path):
    result = run("build", str(SAMPLE), "-o", str(tmp_path), "--no-pdf", "--no-screen")
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["bayannaoer-renda-2025-1.epub"]
    from publish.epub.inspect import EpubContents

    pages = EpubContents(tmp_path / "bayannaoer-renda-2025-1.epub").page_list()
    assert [int(p.label) for p in pages] == list(range(3, 3 + len(pages)))
    assert len(pages) >= 4


def test_pdf_only(tmp_path):
    result = run("build", str(SAMPLE), "-o", str(tmp_path), "--no-epub", "--no-screen", "-q")
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["bayannaoer-renda-2025-1.pdf"]


def copy_sample(tmp_path: Path) -> Path:
    dst = tmp_path / "issue"
    shutil.copytree(SAMPLE, dst)
    return dst


def add_figure(issue: Path, image: str) -> None:
    art = sorted((issue / "articles").glob("*.md"))[-1]
    art.write_text(art.read_text(encoding="utf-8") + f"\n\n![会议现场]({image})\n", encoding="utf-8")


def test_a_missing_image_stops_the_build_before_anything_is_written(tmp_path):
    issue = copy_sample(tmp_path)
    add_figure(issue, "images/gone.jpg")
    out = tmp_path / "out"
    result = run("build", str(issue), "-o", str(out))
    assert result.exit_code == 1
    assert "gone.jpg" in result.stderr and "Traceback" not in result.output
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())
    assert not out.exists()


def test_a_bad_layout_is_one_line_naming_the_key(tmp_path):
    issue = copy_sample(tmp_path)
    text = (Path(__file__).resolve().parents[1] / "layouts" / "magazine-16k.toml").read_text(encoding="utf-8")
    (issue / "bad.toml").write_text(text.replace("lines = 38", "lines = 80"), encoding="utf-8")
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('layout = "magazine-16k"', 'layout = "bad.toml"'),
                    encoding="utf-8")
    result = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "bad.toml" in result.stderr and "[grid] lines" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_issue_folder_is_a_clear_error(tmp_path):
    result = run("build", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: ")


def test_a_low_resolution_photo_is_a_warning_and_the_build_goes_on(tmp_path):
    from PIL import Image

    issue = copy_sample(tmp_path)
    (issue / "images").mkdir(exist_ok=True)
    Image.new("RGB", (400, 300), (200, 200, 200)).save(issue / "images" / "small.jpg", quality=80)
    add_figure(issue, "images/small.jpg")
    result = run("build", str(issue), "-o", str(tmp_path / "out"), "--no-epub")
    assert result.exit_code == 0, result.output
    assert "warning[image-low-dpi]:" in result.stderr and "small.jpg" in result.stderr and "dpi" in result.stderr
    assert (tmp_path / "out" / "bayannaoer-renda-2025-1.pdf").is_file()


def test_a_layout_naming_an_unknown_font_role_is_refused_with_the_key(tmp_path):
    issue = copy_sample(tmp_path)
    text = (Path(__file__).resolve().parents[1] / "layouts" / "magazine-16k.toml").read_text(encoding="utf-8")
    (issue / "odd.toml").write_text(text.replace('note       = { role = "note"', 'note       = { role = "fangsong"'),
                                    encoding="utf-8")
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('layout = "magazine-16k"', 'layout = "odd.toml"'),
                    encoding="utf-8")
    result = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "odd.toml" in result.stderr and "[styles] note.role" in result.stderr and "fangsong" in result.stderr


def test_on_a_terminal_each_stage_shows_a_progress_bar(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    publish = Path(sys.executable).with_name("publish")
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([str(publish), "build", str(SAMPLE), "-o", str(tmp_path), "--no-epub"],
                              stdin=slave, stdout=subprocess.PIPE, stderr=slave, timeout=120)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    for stage in ("read", "check", "fonts", "paginate", "pdf", "screen"):
        assert stage in shown
    assert "epub" not in shown
    assert proc.stdout.decode().split() == [str(tmp_path / "bayannaoer-renda-2025-1.pdf"),
                                            str(tmp_path / "bayannaoer-renda-2025-1-screen.pdf")]


def test_the_same_issue_builds_on_the_a5_book_layout(tmp_path):
    import pypdfium2 as pdfium

    issue = copy_sample(tmp_path)
    toml = issue / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('layout = "magazine-16k"', 'layout = "a5-book"'),
                    encoding="utf-8")
    a5 = run("build", str(issue), "-o", str(tmp_path / "a5"), "--no-epub", "-q")
    mag = run("build", str(SAMPLE), "-o", str(tmp_path / "mag"), "--no-epub", "-q")
    assert a5.exit_code == 0 and mag.exit_code == 0
    a5_pdf = pdfium.PdfDocument(tmp_path / "a5" / "bayannaoer-renda-2025-1.pdf")
    mag_pdf = pdfium.PdfDocument(tmp_path / "mag" / "bayannaoer-renda-2025-1.pdf")
    try:
        left, bottom, right, top = a5_pdf[0].get_trimbox()
        assert (right - left, top - bottom) == pytest.approx((148 * 72 / 25.4, 210 * 72 / 25.4), abs=0.01)
        assert len(a5_pdf) > len(mag_pdf)
    finally:
        a5_pdf.close()
        mag_pdf.close()


def test_an_output_path_that_is_a_file_is_a_clear_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder", encoding="utf-8")
    result = run("build", str(SAMPLE), "-o", str(target), "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "taken" in result.stderr
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_no_epub_fonts_leaves_the_fonts_out_of_the_epub(tmp_path):
    import zipfile

    with_fonts, without = tmp_path / "with", tmp_path / "without"
    assert run("build", str(SAMPLE), "-o", str(with_fonts), "--no-pdf", "-q").exit_code == 0
    result = run("build", str(SAMPLE), "-o", str(without), "--no-pdf", "--no-epub-fonts", "-q")
    assert result.exit_code == 0, result.output

    def font_files(folder: Path) -> list[str]:
        (epub,) = folder.glob("*.epub")
        names = zipfile.ZipFile(epub).namelist()
        return [n for n in names if n.lower().endswith((".ttf", ".otf"))]

    assert font_files(with_fonts) != []
    assert font_files(without) == []


def test_the_executable_leaves_the_cycle_collector_off_after_a_build_it_then_ends_with(tmp_path):
    """`publish build` ends its process right after the build: the collector the build paused is
    not switched on again (its first collection would scan everything just made). A caller that
    goes on (here the test's own process, through `main`) gets it back on."""
    import gc
    import os
    import subprocess
    import sys

    probe = ("import atexit, gc, sys; import publish.cli as cli; "
             "atexit.register(lambda: sys.stdout.write(f'collector on: {gc.isenabled()}\\n')); cli.run()")
    env = dict(os.environ, PUBLISH_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", probe, "build", str(SAMPLE), "-o", str(tmp_path / "a"), "-q",
                           "--no-epub"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "collector on: False"
    assert gc.isenabled()
    assert run("build", str(SAMPLE), "-o", str(tmp_path / "b"), "-q", "--no-epub").exit_code == 0
    assert gc.isenabled()
