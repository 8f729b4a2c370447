"""Helper processes (publish.worker): one protocol both ways, helpers that never decide the build's
outcome and die with their parent — even under `kill -9` — and the build's EPUB made beside the PDF
with one: the same bytes as made after the PDF. Scratch folders of killed builds are removed by the
next build (publish.scratch)."""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

import pytest

from publish.build import build
from publish.errors import BuildError
from publish.worker import Channel, Worker, usable

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
# the module, not the `publish.build` function the package exports under the same name
build_mod = importlib.import_module("publish.build")
linux_fork = pytest.mark.skipif(not usable(), reason="needs Linux with fork and two usable cores")


def write_what_is_sent(channel: Channel) -> None:
    prepared = "prepared:"
    path, text = channel.receive()
    Path(path).write_text(prepared + text, encoding="utf-8")


@linux_fork
def test_the_child_works_then_takes_the_parents_message(tmp_path):
    child = Worker.start(write_what_is_sent)
    assert child is not None
    assert child.send((str(tmp_path / "out.txt"), "message"))
    assert child.wait()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "prepared:message"


@linux_fork
def test_the_child_replies_with_plain_values():
    child = Worker.start(lambda channel: channel.reply({"lines": [(1, 2.5, "字", None, b"x")]}))
    assert child is not None
    assert child.receive() == {"lines": [(1, 2.5, "字", None, b"x")]}
    assert child.wait()


@linux_fork
def test_a_message_larger_than_the_pipe_buffer_arrives_whole(tmp_path):
    text = "字" * 300_000  # ~900 kB: the parent's write waits for the child to read
    child = Worker.start(write_what_is_sent)
    assert child is not None and child.send((str(tmp_path / "big.txt"), text))
    assert child.wait()
    assert (tmp_path / "big.txt").read_text(encoding="utf-8") == "prepared:" + text


@linux_fork
def test_a_failing_child_reports_failure_and_prints_nothing(tmp_path, capfd):
    def fails(channel: Channel) -> None:
        raise RuntimeError("boom")

    child = Worker.start(fails)
    assert child is not None
    child.send((str(tmp_path / "never.txt"), "x"))  # may find the child gone already
    assert child.receive() is None
    assert not child.wait()
    assert not (tmp_path / "never.txt").exists()
    out, err = capfd.readouterr()
    assert "boom" not in out + err and "Traceback" not in out + err


@linux_fork
def test_a_child_never_sent_its_message_does_not_finish(tmp_path):
    child = Worker.start(write_what_is_sent)
    assert child is not None
    assert not child.wait()  # the pipe closes without a message: nothing is written


@linux_fork
def test_cancel_stops_a_child_that_is_still_working():
    child = Worker.start(lambda channel: time.sleep(60))
    assert child is not None
    t = time.perf_counter()
    child.cancel()
    assert time.perf_counter() - t < 10
    assert not child.wait()


def test_publish_jobs_1_or_a_single_core_means_no_child(monkeypatch):
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert Worker.start(write_what_is_sent) is None


def _build_bytes(out: Path) -> tuple[bytes, bytes]:
    result = build(SAMPLE, out, screen=False)
    assert result.pdf_path is not None and result.epub_path is not None
    assert sorted(p.name for p in out.iterdir()) == sorted([result.pdf_path.name, result.epub_path.name])
    return result.pdf_path.read_bytes(), result.epub_path.read_bytes()


@linux_fork
def test_the_epub_made_beside_the_pdf_equals_the_epub_made_after_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    started = []
    real_start = build_mod._start_epub_child

    def spy(*args, **kwargs):
        child = real_start(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(build_mod, "_start_epub_child", spy)
    beside = _build_bytes(tmp_path / "beside")
    assert started and started[0] is not None and started[0].wait()  # the child really made this one
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    after = _build_bytes(tmp_path / "after")
    assert beside == after


@linux_fork
def test_a_failed_epub_child_leaves_the_epub_to_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    parent = os.getpid()

    def failing_child(issue, fonts, layout, epub_fonts):
        def prepare():
            assert os.getpid() != parent
            raise RuntimeError("the child fails")

        def work(channel: Channel) -> None:
            prepare()

        return Worker.start(work)

    monkeypatch.setattr(build_mod, "_start_epub_child", failing_child)
    rescued = _build_bytes(tmp_path / "rescued")
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert rescued == _build_bytes(tmp_path / "serial")


@linux_fork
def test_an_epub_error_is_raised_by_the_build_and_nothing_is_written(tmp_path, monkeypatch):
    import publish.epub.writer as writer

    def bad_cover(issue, fonts):
        return b"GIF89a not a cover the EPUB takes"

    monkeypatch.setattr(writer, "_drawn_cover", bad_cover)  # the child inherits the patch too
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="cover"):
        build(SAMPLE, out)
    assert not out.exists() or list(out.iterdir()) == []
