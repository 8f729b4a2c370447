"""The PDF writer's worker threads (`publish.pdf.background`): page streams compressed and pictures
converted off the main thread give the bytes of the one-thread path, errors included."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from pdf_support import MM, UKaiFonts, sample_document
from PIL import Image

from publish import settings
from publish.errors import BuildError
from publish.paginate.pages import Document, Page, PlacedImage
from publish.pdf import background, render_pdf, render_screen_pdf, start_pictures
from publish.pdf.background import Lane
from publish.pdf.flate import LastBuildStreams, PageStreams
from publish.pdf.images import ImageConverter
from publish.pdf.pdfx import find_default_profile


@pytest.fixture(scope="module")
def fonts() -> UKaiFonts:
    if find_default_profile() is None:
        pytest.skip("Ghostscript's default_cmyk.icc is not installed")
    return UKaiFonts()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(folder))
    return folder


def threads(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """Force the worker threads on (whatever the machine) or off (the one-thread path)."""
    monkeypatch.setattr(background, "enabled", lambda: on)


def picture(path: Path, seed: int) -> Path:
    """A palette PNG of many rows (several bands) and a few colours, different for each seed."""
    im = Image.new("P", (300, 700))
    im.putpalette([(seed * 37 + k * 11) % 256 for k in range(3 * 16)])
    im.putdata([(x // 7 + y // 5 + seed) % 16 for y in range(700) for x in range(300)])
    im.save(path)
    return path


def pictures_document(paths: list[Path]) -> Document:
    pages = tuple(Page(i, i + 1, "right" if i % 2 == 0 else "left", "",
                       (PlacedImage(p, 10 * MM, 20 * MM, 80 * MM, 110 * MM),)) for i, p in enumerate(paths))
    return Document(100 * MM, 150 * MM, 3 * MM, pages, title="图")


# ── the lane ─────────────────────────────────────────────────────────────────────────────────
def test_a_lane_returns_each_result_and_its_thread_ends_with_the_work() -> None:
    lane = Lane("test", threaded=True)
    data = [bytes([k]) * 200_000 for k in range(6)]
    jobs = [lane.submit(zlib.compress, d) for d in data]
    assert [job.result() for job in jobs] == [zlib.compress(d) for d in data]
    deadline = time.monotonic() + 5
    while any(t.name == "test" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "test" for t in threading.enumerate())  # nothing lingers into a fork


def test_a_jobs_error_is_raised_where_its_result_is_asked_for() -> None:
    lane = Lane("test", threaded=True)

    def fails() -> None:
        raise BuildError(settings_problem())

    job = lane.submit(fails)
    with pytest.raises(BuildError, match="a problem of the job"):
        job.result()
    with pytest.raises(BuildError, match="a problem of the job"):  # and again, if asked again
        job.result()


def settings_problem():
    from publish.errors import Problem

    return Problem("a problem of the job")


def test_a_job_not_started_yet_is_run_by_whoever_asks() -> None:
    lane = Lane("test", threaded=True)
    gate = threading.Event()
    first = lane.submit(gate.wait, 5)  # holds the lane's thread
    second = lane.submit(threading.current_thread)
    assert second.result() is threading.current_thread()  # not waited for: run here
    gate.set()
    assert first.result() is True


def test_jobs_run_in_the_submitters_settings() -> None:
    lane = Lane("test", threaded=True)
    with settings.using(settings.Settings(cache_dir=Path("/somewhere/else"))):
        job = lane.submit(settings.cache_dir)
    assert job.result() == Path("/somewhere/else")


def test_an_unthreaded_lane_runs_each_job_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    lane = Lane("test")
    assert not lane.threaded
    job = lane.submit(threading.current_thread)
    assert job.result() is threading.current_thread()


def test_publish_jobs_1_means_no_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert not background.enabled()
    with settings.using(settings.Settings(fork=True)):
        assert background.enabled() == (len(os.sched_getaffinity(0)) > 1)


# ── page streams ─────────────────────────────────────────────────────────────────────────────
def test_page_streams_compressed_ahead_are_the_bytes_and_the_memory_of_the_serial_path(cache: Path) -> None:
    texts = [f"BT /F1 10 Tf ({k}) Tj ET\n" * (300 + k) for k in range(12)]
    texts[5] = texts[2]  # an equal page
    made = {}
    for threaded in (False, True):
        memory = LastBuildStreams(f"test {threaded}")
        streams = PageStreams(memory, Lane("test", threaded=threaded))
        for text in texts:
            streams.start(text)
        made[threaded] = ([streams.encode(text) for text in texts], dict(memory._now), memory._new)
    assert made[True] == made[False]
    assert made[True][0] == [zlib.compress(t.encode()) for t in texts]


def test_one_job_compresses_all_the_pages_it_is_handed(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.pdf import flate

    jobs = []
    original = flate._compress_each
    monkeypatch.setattr(flate, "_compress_each", lambda pages, into: (jobs.append(1), original(pages, into))[1])
    texts = [f"{k} 0 0 1 0 0 cm\n" * 900 for k in range(20)]
    streams = PageStreams(None, Lane("test", threaded=True))
    for text in texts:
        streams.start(text)
    streams.finish()
    assert [streams.encode(text) for text in texts] == [zlib.compress(t.encode()) for t in texts]
    assert jobs == [1]  # one thread's job for the document, not one per page


def test_a_writer_that_never_says_finish_keeps_no_thread_and_still_gets_its_streams(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.pdf import flate

    monkeypatch.setattr(flate, "_NEXT_PAGE_TIMEOUT", 0.05)
    texts = [f"{k} w\n" * 2000 for k in range(5)]
    streams = PageStreams(None, Lane("test-unfinished", threaded=True))
    for text in texts[:3]:
        streams.start(text)
    deadline = time.monotonic() + 5
    while any(t.name == "test-unfinished" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "test-unfinished" for t in threading.enumerate())
    assert [streams.encode(text) for text in texts] == [zlib.compress(t.encode()) for t in texts]


def test_a_page_stream_of_the_last_build_is_not_compressed_again(cache: Path, monkeypatch) -> None:
    texts = [f"q {k} 0 0 1 0 0 cm Q\n" * 500 for k in range(4)]
    first = LastBuildStreams("test")
    for text in texts:
        first.encode(text)
    first.store()
    calls = []
    monkeypatch.setattr(zlib, "compress", lambda data, *a: calls.append(data) or b"wrong")
    again = LastBuildStreams("test")
    streams = PageStreams(again, Lane("test", threaded=True))
    for text in texts:
        streams.start(text)
    packed = [streams.encode(text) for text in texts]
    assert not calls and not again._new
    monkeypatch.undo()
    assert packed == [zlib.compress(t.encode()) for t in texts]


# ── whole files ──────────────────────────────────────────────────────────────────────────────
def test_the_pdfs_are_the_same_bytes_with_and_without_threads(tmp_path: Path, cache: Path, fonts: UKaiFonts,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [picture(tmp_path / f"p{k}.png", k) for k in range(3)]
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (120, 90), (200, 30, 40)).save(photo)
    document = sample_document(fonts, image=photo)
    covers = pictures_document(paths)
    made = {}
    for on in (False, True, False):
        threads(monkeypatch, on)
        for entry in cache.glob("*"):  # each time from nothing: no cached picture or page stream
            shutil.rmtree(entry)
        start_pictures(document, covers)
        made[on] = (render_pdf(document, fonts), render_pdf(covers, fonts), render_screen_pdf(document, fonts))
    assert made[True] == made[False]


def test_pictures_started_early_are_made_on_the_worker_thread_and_taken(tmp_path: Path, cache: Path,
                                                                       fonts: UKaiFonts,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    threads(monkeypatch, True)
    paths = [picture(tmp_path / f"p{k}.png", 10 + k) for k in range(3)]
    made_in: dict[Path, str] = {}
    original = ImageConverter._made

    def watched(self, path, key):
        made_in[path] = threading.current_thread().name
        return original(self, path, key)

    monkeypatch.setattr(ImageConverter, "_made", watched)
    covers = pictures_document(paths)
    start_pictures(covers)
    data = render_pdf(covers, fonts)
    assert made_in == {p: "publish-pdf-pictures" for p in paths}
    for p in paths:  # and what was embedded is what the one-thread path embeds
        serial = ImageConverter(find_default_profile().read_bytes())._made(p, "")
        assert serial.data in data


def test_a_picture_that_cannot_be_decoded_is_its_one_line_error_with_threads(tmp_path: Path, cache: Path,
                                                                            fonts: UKaiFonts,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    good = picture(tmp_path / "good.png", 1)
    broken = tmp_path / "broken.png"
    broken.write_bytes(good.read_bytes()[:400])  # a PNG cut short: its header reads, its pixels do not
    covers = pictures_document([good, broken])
    errors = {}
    for on in (False, True):
        threads(monkeypatch, on)
        start_pictures(covers)
        with pytest.raises(BuildError) as caught:
            render_pdf(covers, fonts)
        errors[on] = str(caught.value)
    assert errors[True] == errors[False]
    assert "broken.png cannot be read" in errors[True] and "\n" not in errors[True].strip()


def test_a_failing_build_with_threads_is_the_cli_one_line_error(tmp_path: Path, cache: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    issue = tmp_path / "issue"
    shutil.copytree(root / "examples" / "bayannaoer-2025-01", issue)
    (issue / "covers" / "back.png").write_bytes((issue / "covers" / "back.png").read_bytes()[:300])
    run = subprocess.run([sys.executable, "-m", "publish", "build", str(issue), "-o", str(tmp_path / "out"),
                          "--no-epub", "--no-screen"],
                         capture_output=True, text=True, env={**os.environ, "PUBLISH_JOBS": ""},
                         cwd=root, timeout=300)
    assert run.returncode != 0
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "back.png" in lines[0] and "cannot be read" in lines[0], run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.pdf"))


def test_threads_are_gone_when_the_pdfs_are_written(tmp_path: Path, cache: Path, fonts: UKaiFonts,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    threads(monkeypatch, True)
    covers = pictures_document([picture(tmp_path / "a.png", 3), picture(tmp_path / "b.png", 4)])
    start_pictures(covers)
    render_pdf(covers, fonts)
    deadline = time.monotonic() + 5
    while any(t.name.startswith("publish-pdf") for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name.startswith("publish-pdf") for t in threading.enumerate())



# ── font programs ────────────────────────────────────────────────────────────────────────────
def test_font_programs_are_compressed_on_the_worker_thread_with_the_same_bytes(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pdf_support import RealFonts

    from publish.pdf import flate, fontobjects

    fonts = RealFonts()
    document = sample_document(fonts)
    made: dict[bool, tuple[bytes, dict[str, int]]] = {}
    for on in (False, True):
        threads(monkeypatch, on)
        fontobjects._MADE.clear()  # subsets made again, and their programs compressed again
        where: dict[str, int] = {}
        original = flate.compress

        def counted(data: bytes, _original=original, _where=where) -> bytes:
            name = threading.current_thread().name
            _where[name] = _where.get(name, 0) + 1
            return _original(data)

        monkeypatch.setattr(flate, "compress", counted)
        made[on] = (render_pdf(document, fonts.fontset), where)
        monkeypatch.setattr(flate, "compress", original)
    assert made[True][0] == made[False][0]
    assert made[False][1] == {"MainThread": made[False][1]["MainThread"]}
    assert made[True][1].get("publish-pdf-flate", 0) >= 2  # a font program and its ToUnicode at least


def test_a_build_that_makes_the_covers_starts_their_pictures_before_it_draws_the_issue(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import publish.pdf
    from publish.build import build
    from publish.pdf import writer

    threads(monkeypatch, True)
    events: list[str] = []
    started, drawn = writer.start_pictures, writer._render

    def start(*documents):
        events.append("start " + " ".join(p.name for d in documents for p in writer._picture_paths(d)))
        return started(*documents)

    def render(document, fonts, **kw):
        events.append("draw " + ("screen" if kw.get("screen") else document.pages[0].kind))
        return drawn(document, fonts, **kw)

    monkeypatch.setattr(publish.pdf, "start_pictures", start)
    monkeypatch.setattr(writer, "_render", render)
    root = Path(__file__).resolve().parents[1]
    result = build(root / "examples" / "bayannaoer-2025-01", tmp_path / "out", epub=False)  # no helper
    assert events[0] == "start back.png front.png inside-front.png inside-back.png"
    assert events[1:] == ["draw contents", "draw cover", "draw screen"]
    assert result.cover_path is not None and result.cover_path.is_file()
