"""The print pictures issue.toml names, converted ahead by a helper forked as a build starts
(publish.pdf.ahead): found as the issue reader would find them, cached under the keys the build
looks up so that the build converts none of them again, waited for rather than converted twice,
and only ever a guess: when it guesses wrong the build converts its pictures itself, with the same
bytes. No helper is left behind."""

from __future__ import annotations

import importlib
import os
import threading
import time
from pathlib import Path

import pytest

from publish import cache
from publish.build import build
from publish.pdf import ahead
from publish.pdf.images import ImageConverter
from publish.worker import Worker, usable

linux_fork = pytest.mark.skipif(not usable(), reason="needs Linux with fork and two usable cores")
build_mod = importlib.import_module("publish.build")


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    return folder


def _issue_with_covers(tmp_path: Path) -> Path:
    from test_worker import _issue_with_covers as with_covers

    return with_covers(tmp_path)


def _helper(root: Path, **choices) -> Worker:
    """A helper running the pictures' job (as the build's first helper does, with other jobs)."""
    job = ahead.pictures_job(root, **choices)
    assert job is not None
    helper = Worker.start(lambda channel: job())
    assert helper is not None
    return helper


def _helpers_started(monkeypatch) -> list[Worker]:
    """Every helper this process starts from now on."""
    helpers: list[Worker] = []
    real_start = Worker.start.__func__

    def start(cls, work):
        helpers.append(real_start(cls, work))
        return helpers[-1]

    monkeypatch.setattr(Worker, "start", classmethod(start))
    return helpers


def _png(path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), "red").save(path)


def test_the_pictures_named_are_the_covers_then_the_inserts_inside_the_issue_folder(tmp_path):
    root = tmp_path / "issue"
    for name in ("covers/front.png", "covers/back.jpg", "ads/one.png", "covers/notes.gif"):
        _png(root / name) if name.endswith(".png") else (root / name).write_bytes(b"x")
    _png(tmp_path / "outside.png")
    (root / "issue.toml").write_text('''
[issue]
layout = "my-layout"
[covers]
front = "covers/front.png"
back = "covers/back.jpg"
inside_front = "covers/missing.png"
inside_back = "../outside.png"
spine = "covers/notes.gif"
[[inserts]]
picture = "ads/one.png"
folio = 3
[[inserts]]
picture = "covers/front.png"
folio = 5
''', encoding="utf-8")
    paths, layout = ahead.pictures_named(root)
    # missing files, pictures outside the folder, other formats and repeats are left to the build
    assert paths == [root / "covers/front.png", root / "covers/back.jpg", root / "ads/one.png"]
    assert layout == "my-layout"
    outside, _ = ahead.pictures_named(root, allow_outside=True)
    assert root / "../outside.png" in outside


def test_an_issue_toml_without_a_layout_names_the_default_one_and_a_broken_one_names_nothing(tmp_path):
    (tmp_path / "issue.toml").write_text("[magazine]\ntitle = 'x'\n", encoding="utf-8")
    assert ahead.pictures_named(tmp_path) == ([], "magazine-16k")
    (tmp_path / "issue.toml").write_text("[covers\nfront = ", encoding="utf-8")
    assert ahead.pictures_named(tmp_path) is None
    assert ahead.pictures_named(tmp_path / "nowhere") is None


def _converted_here(monkeypatch) -> list[Path]:
    """The pictures this process converts itself from now on."""
    made: list[Path] = []
    real = ImageConverter._made_here

    def spy(self, path):
        made.append(Path(path))
        return real(self, path)

    monkeypatch.setattr(ImageConverter, "_made_here", spy)
    return made


def _files(result) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (result.pdf_path, result.cover_path, result.epub_path)}


@linux_fork
def test_the_build_converts_none_of_the_pictures_the_helper_made(tmp_path, own_cache, monkeypatch):
    root = _issue_with_covers(tmp_path)
    named = set(ahead.pictures_named(root)[0])
    assert len(named) == 4  # the covers; the articles' photos are named in their Markdown
    assert _helper(root).wait()
    made = _converted_here(monkeypatch)
    beside = _files(build(root, tmp_path / "beside", screen=False, epub_fonts=False))
    assert made and named.isdisjoint(made)  # the photos only
    made.clear()
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "another-cache"))
    monkeypatch.setenv("PUBLISH_JOBS", "1")  # one process, every picture converted here
    assert _files(build(root, tmp_path / "serial", screen=False, epub_fonts=False)) == beside
    assert named <= set(made)


@linux_fork
def test_a_wrong_guess_leaves_the_pictures_to_the_build_with_the_same_bytes(tmp_path, own_cache, monkeypatch):
    root = _issue_with_covers(tmp_path)
    assert not _helper(root, layout="no-such-layout").wait()  # a layout the helper cannot load
    assert not (own_cache / "entries" / "pdf-image").exists()
    made = _converted_here(monkeypatch)
    monkeypatch.setattr(ahead, "pictures_job", lambda *args, **kwargs: None)  # the build's helper makes none
    guessed_wrong = _files(build(root, tmp_path / "built", screen=False, epub_fonts=False))
    assert set(ahead.pictures_named(root)[0]) <= set(made)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "another-cache"))
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _files(build(root, tmp_path / "serial", screen=False, epub_fonts=False)) == guessed_wrong


@pytest.mark.skipif(os.name != "posix", reason="the entry locks are POSIX flock")
def test_a_picture_another_process_is_making_is_waited_for_and_taken(tmp_path, own_cache, monkeypatch):
    picture = tmp_path / "front.png"
    _png(picture)
    from publish.pdf.pdfx import output_profile

    converter = ImageConverter(output_profile("").data)
    key = converter._key(picture)
    made = _converted_here(monkeypatch)
    holding = threading.Event()

    def other_maker():  # another open file of the lock: flock makes it a second holder
        with cache.making("pdf-image", key):
            holding.set()
            time.sleep(0.3)
            cache.put_value("pdf-image", key, (1, 1, "DeviceGray", "FlateDecode", b"made elsewhere", False),
                            at_once=True)

    other = threading.Thread(target=other_maker)
    other.start()
    holding.wait()
    stream = converter.stream(picture)
    other.join()
    assert stream.data == b"made elsewhere" and made == []


def test_no_pictures_ahead_without_fork_or_without_a_print_edition(tmp_path, own_cache, monkeypatch):
    root = _issue_with_covers(tmp_path)
    asked: list[Path] = []
    real_job = ahead.pictures_job
    monkeypatch.setattr(ahead, "pictures_job", lambda folder, **kw: asked.append(folder) or real_job(folder, **kw))
    build(root, tmp_path / "epub-only", pdf=False, screen=False, epub_fonts=False)
    assert asked == []  # the EPUB places no print picture
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    build(root, tmp_path / "serial", screen=False, epub_fonts=False)
    assert asked == []  # no helper to run it: the writer converts them
    monkeypatch.delenv("PUBLISH_JOBS")
    if usable():
        build(root, tmp_path / "forked", screen=False, epub_fonts=False)
        assert asked == [root]


@linux_fork
def test_no_helper_outlives_the_build(tmp_path, own_cache, monkeypatch):
    root = _issue_with_covers(tmp_path)
    helpers = _helpers_started(monkeypatch)
    build(root, tmp_path / "out", screen=False, epub_fonts=False)
    assert len(helpers) >= 2  # the pictures', the EPUB helper (and one composing, for a longer issue)
    for helper in helpers:
        with pytest.raises(ChildProcessError):  # reaped by the build: no zombie, nothing running
            os.waitpid(helper.pid, os.WNOHANG)


@linux_fork
def test_damaged_entries_the_helper_finds_are_made_again_by_the_build(tmp_path, own_cache, monkeypatch):
    root = _issue_with_covers(tmp_path)
    assert _helper(root).wait()
    entries = sorted((own_cache / "entries" / "pdf-image").rglob("*"))
    entries = [e for e in entries if e.is_file() and e.suffix != ".lock"]
    assert len(entries) == 4
    for entry in entries:  # cut short: the next build's helper sees entries and leaves them alone
        entry.write_bytes(entry.read_bytes()[:100])
    damaged = _files(build(root, tmp_path / "after", screen=False, epub_fonts=False))
    # each read, found damaged and made again (by the build, or by its helper once the build has
    # discarded it): whole entries again, none of them the damaged bytes
    assert all(entry.is_file() and len(entry.read_bytes()) > 100 for entry in entries)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "another-cache"))
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _files(build(root, tmp_path / "serial", screen=False, epub_fonts=False)) == damaged


@linux_fork
def test_a_build_that_fails_stops_its_helper_and_writes_nothing(tmp_path, own_cache, monkeypatch):
    from publish.errors import SourceError

    root = _issue_with_covers(tmp_path)
    article = sorted((root / "articles").glob("*.md"))[0]
    article.write_text('+++\ntitle = "unclosed\n+++\n正文。\n', encoding="utf-8")  # a source error
    helpers = _helpers_started(monkeypatch)
    out = tmp_path / "out"
    with pytest.raises(SourceError):
        build(root, out)
    assert len(helpers) == 1  # the pictures' helper, forked before the issue was read
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(helpers[0].pid, os.WNOHANG)
    assert not out.exists() or list(out.iterdir()) == []


@linux_fork
def test_the_helper_prints_nothing_of_its_own(tmp_path, own_cache):
    import subprocess
    import sys

    from PIL import Image

    root = _issue_with_covers(tmp_path)
    Image.new("P", (10000, 9000)).save(root / "covers" / "front.png")  # Pillow warns of its size
    script = f"""
import importlib, sys
from pathlib import Path
from publish.pdf import ahead
from publish.worker import Worker
build_mod = importlib.import_module("publish.build")
job = ahead.pictures_job(Path({str(root)!r}))
run = build_mod._run_each if sys.argv[1] == "helper" else lambda jobs: [j() for j in jobs]
helper = Worker.start(lambda channel: run([job]))
assert helper.wait()
"""
    def stderr_of(how: str) -> str:  # a process of its own: pytest records the warnings of its own
        return subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True,
                              check=True).stderr

    assert "DecompressionBombWarning" in stderr_of("bare")  # the job alone would print it
    assert stderr_of("helper") == ""


def test_the_job_and_its_conversion_need_no_reportlab(tmp_path, own_cache):
    """The modules imported before the first helper's fork are the ones it converts with: ReportLab
    (the PDF writer's) is not among them, and converting does not import it either — so it does not
    delay the fork; the build imports it after, where it writes its PDF."""
    import subprocess
    import sys

    root = _issue_with_covers(tmp_path)
    script = f"""
import sys
from pathlib import Path
from publish.pdf import ahead
job = ahead.pictures_job(Path({str(root)!r}))
print(sorted({{m.split(".")[0] for m in sys.modules if m.startswith(("reportlab", "publish.paginate"))}}))
job()
print(sorted({{m.split(".")[0] for m in sys.modules if m.startswith("reportlab")}}))
from publish import cache
print(sum(1 for _ in (cache.cache_dir() / "pdf-image").iterdir()))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    before, after, made = done.stdout.split("\n")[:3]
    assert (before, after) == ("[]", "[]")
    assert int(made) > 0  # (it did convert: the pictures are in the cache)
