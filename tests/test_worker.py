"""Helper processes (publish.worker): one protocol both ways, helpers that never decide the build's
outcome and die with their parent — even under `kill -9` — and the build's EPUB made beside the PDF
with one: the same bytes as made after the PDF. Scratch folders of killed builds are removed by the
next build (publish.scratch)."""

from __future__ import annotations

import importlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from publish.build import build
from publish.errors import BuildError
from publish.worker import Channel, Claim, Done, Worker, usable

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


@linux_fork
def test_a_claim_is_taken_by_exactly_one_process():
    for _ in range(20):  # parent and child ask at about the same moment
        claim = Claim()
        child = Worker.start(lambda channel, claim=claim: channel.reply(claim.take()))
        assert child is not None
        mine = claim.take()
        theirs = child.receive()
        assert child.wait()
        assert [mine, theirs].count(True) == 1
        assert not claim.take()  # and never again
        claim.close()


def test_a_claim_once_taken_or_given_up_is_not_taken_again():
    claim = Claim()
    assert claim.take() and not claim.take()
    given_up = Claim()
    given_up.close()
    assert not given_up.take()


@linux_fork
def test_done_is_waited_for_until_the_working_helper_says_so():
    done = Done()
    helper = Worker.start(lambda channel: (time.sleep(0.3), done.done(), time.sleep(5)))
    assert helper is not None
    done.started()
    began = time.monotonic()
    done.wait()
    assert 0.25 <= time.monotonic() - began < 4  # after done(), long before the helper ends
    assert helper.running()
    helper.cancel()
    done.close()


@linux_fork
def test_done_is_over_when_the_working_helper_fails_or_is_killed():
    for ending in ("fails", "killed"):
        done = Done()

        def work(channel, ending=ending):
            if ending == "fails":
                raise RuntimeError("the work failed")
            time.sleep(60)

        helper = Worker.start(work)
        assert helper is not None
        done.started()
        if ending == "killed":
            helper.cancel()
        began = time.monotonic()
        done.wait()
        assert time.monotonic() - began < 5
        helper.wait()
        done.close()


@linux_fork
def test_helpers_forked_after_the_working_one_wait_for_it_too(tmp_path):
    done = Done()
    working = Worker.start(lambda channel: (time.sleep(0.3), (tmp_path / "made").write_text("x")))
    assert working is not None
    done.started()
    later = Worker.start(lambda channel: (done.wait(), channel.reply((tmp_path / "made").exists())))
    assert later is not None
    assert later.receive() is True
    assert working.wait() and later.wait()
    done.close()


def test_without_a_working_helper_there_is_nothing_to_wait_for():
    done = Done()
    done.wait()  # this process holds the writing end: returns at once
    done.started()  # (no helper was forked)
    done.wait()
    done.close()


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

    def failing_child(issue, fonts, layout, epub_fonts, *cover):
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


def _parent_writes(monkeypatch) -> list[str]:
    """The kinds of the cache entries this process writes from now on (a helper's are its own);
    the articles read earlier in this process are forgotten, so that the build parses them."""
    from collections import OrderedDict

    from publish import cache
    from publish.sources import article

    monkeypatch.setattr(article, "_KEPT", OrderedDict())

    kinds: list[str] = []
    real = cache._write
    parent = os.getpid()

    def spy(path, kind, key, data):
        if os.getpid() == parent:
            kinds.append(kind)
        real(path, kind, key, data)

    monkeypatch.setattr(cache, "_write", spy)
    return kinds


def _articles_on_disk(cache_dir: Path) -> int:
    return len(list((cache_dir / "entries" / "articles").rglob("*.bin")))


@linux_fork
def test_the_epub_helper_makes_the_cache_writes_of_the_builds_reading_when_it_is_free_first(tmp_path, monkeypatch):
    from publish.sources import load_issue

    articles = len(load_issue(SAMPLE).articles)  # (read before the build's cache is chosen: none kept there)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    kinds = _parent_writes(monkeypatch)
    _build_end_waits(lambda: _articles_on_disk(tmp_path / "cache") == articles, monkeypatch)
    _build_bytes(tmp_path / "out")
    # every parsed article is kept — by the helper, not by the build, which wrote its own entries
    assert _articles_on_disk(tmp_path / "cache") == articles
    assert "articles" not in kinds and "composed-lines" in kinds


@linux_fork
def test_the_build_makes_the_writes_handed_to_its_helper_when_it_is_free_first(tmp_path, monkeypatch):
    from publish.epub import writer
    from publish.sources import load_issue

    articles = len(load_issue(SAMPLE).articles)  # (read before the build's cache is chosen: none kept there)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    kinds = _parent_writes(monkeypatch)
    parent = os.getpid()
    real_write = writer.write_epub

    def write_epub_once_the_articles_are_kept(*args, **kwargs):  # the helper's EPUB: slow
        if os.getpid() != parent:
            deadline = time.monotonic() + 20
            while _articles_on_disk(tmp_path / "cache") < articles and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(writer, "write_epub", write_epub_once_the_articles_are_kept)
    beside = _build_bytes(tmp_path / "out")
    assert _articles_on_disk(tmp_path / "cache") == articles
    assert kinds.count("articles") == articles  # all of them by the build, once
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _build_bytes(tmp_path / "serial") == beside


@linux_fork
def test_a_failed_epub_helper_leaves_the_cache_writes_handed_to_it_to_the_build(tmp_path, monkeypatch):
    from publish.sources import load_issue

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))

    def failing_child(*args):
        def work(channel: Channel) -> None:
            raise RuntimeError("the child fails")

        return Worker.start(work)

    monkeypatch.setattr(build_mod, "_start_epub_child", failing_child)
    kinds = _parent_writes(monkeypatch)
    _build_bytes(tmp_path / "out")
    assert _articles_on_disk(tmp_path / "cache") == len(load_issue(SAMPLE).articles)
    assert kinds.count("articles") == len(load_issue(SAMPLE).articles)


@linux_fork
def test_an_epub_error_is_raised_by_the_build_and_nothing_is_written(tmp_path, monkeypatch):
    import publish.epub.cover as cover
    import publish.epub.writer as writer

    def bad_cover(issue, fonts):
        return b"GIF89a not a cover the EPUB takes"

    monkeypatch.setattr(writer, "_drawn_cover", bad_cover)  # the child inherits the patch too
    monkeypatch.setattr(cover, "made_ahead", bad_cover)  # (the cover drawn ahead: `build._made_ahead`)
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="cover"):
        build(SAMPLE, out)
    assert not out.exists() or list(out.iterdir()) == []


def _issue_with_covers(tmp_path: Path) -> Path:
    from makeup_support import issue_with
    from test_makeup_covers import covers_toml

    (tmp_path / "pictures").mkdir()
    toml = covers_toml(tmp_path / "pictures")
    root = issue_with(tmp_path / "x", toml)
    shutil.copytree(tmp_path / "pictures" / "covers", root / "covers")
    return root


def _covers_made_by(marker: Path, monkeypatch) -> None:
    """Each cover file made appends its process id to `marker`."""
    real_cover = build_mod._write_cover

    def cover_spy(*args, **kwargs):
        with marker.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real_cover(*args, **kwargs)

    monkeypatch.setattr(build_mod, "_write_cover", cover_spy)


def _all_bytes(source: Path, out: Path) -> dict[str, bytes]:
    result = build(source, out, screen=False, epub_fonts=False)
    assert result.cover_path is not None
    return {p.name: p.read_bytes() for p in (result.pdf_path, result.cover_path, result.epub_path)}


def _pages_wait_for(marker: Path, monkeypatch) -> None:
    """Pagination starts only once `marker` exists (the helper has taken the cover file)."""
    import importlib

    # the module, not the package's attribute of the same name (the function), is where the
    # build's pagination (`paginate.stored`) takes it from
    module = importlib.import_module("publish.paginate.paginate")
    real_paginate = module.paginate

    def paginate_after_the_cover(*args, **kwargs):
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_paginate(*args, **kwargs)

    monkeypatch.setattr(module, "paginate", paginate_after_the_cover)


def _build_end_waits(until: Callable[[], bool], monkeypatch) -> None:
    """The build's last step before it asks for the cover file and the writes handed to its helper
    — its own cache writes (`paginate.stored.paginate_kept`'s keep) — waits until `until()`: the
    helper, which asks once it has written the EPUB, is free first."""
    import importlib

    stored = importlib.import_module("publish.paginate.stored")
    real_kept = stored.paginate_kept

    def keep_once_marked(*args, **kwargs):
        document, keep = real_kept(*args, **kwargs)

        def wait_then_keep(spare: bool = False) -> None:
            deadline = time.monotonic() + 60
            while not until() and time.monotonic() < deadline:
                time.sleep(0.01)
            if keep is not None:
                keep(spare)

        return document, wait_then_keep

    monkeypatch.setattr(stored, "paginate_kept", keep_once_marked)


def _build_ends_after(marker: Path, root: Path, monkeypatch) -> None:
    """The covers' pictures of `root` converted into the cache first (as the first helper of a new
    issue does: the build then asks for the cover file only at its end), and the build's end waits
    until `marker` exists (`_build_end_waits`)."""
    from publish.pdf import ahead

    job = ahead.pictures_job(root)
    assert job is not None
    job()
    _build_end_waits(marker.exists, monkeypatch)


@linux_fork
def test_the_cover_file_made_by_the_epub_helper_equals_the_one_made_by_the_build(tmp_path, monkeypatch):
    """The helper takes the cover file when it is free first: here the build's end waits until it has."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    root = _issue_with_covers(tmp_path)
    parent = os.getpid()
    made_by = tmp_path / "made-by"
    _covers_made_by(made_by, monkeypatch)

    _build_ends_after(made_by, root, monkeypatch)
    beside = _all_bytes(root, tmp_path / "beside")
    makers = made_by.read_text(encoding="utf-8").split()
    assert len(makers) == 1 and makers[0] != str(parent)  # the helper made it, and only the helper
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _all_bytes(root, tmp_path / "serial") == beside
    assert made_by.read_text(encoding="utf-8").split()[1:] == [str(parent)]  # made here this time


@linux_fork
def test_the_build_asks_for_the_cover_file_only_once_its_own_pdfs_are_made(tmp_path, monkeypatch):
    """A helper that is free only after the build has drawn its print PDF still takes the cover
    file when its pictures were converted ahead: the build, the longer of the two in a new issue,
    asks for it last. (It used to ask before drawing the print PDF, and made the cover itself here.)"""
    import importlib

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    root = _issue_with_covers(tmp_path)
    parent = os.getpid()
    drawn = tmp_path / "print-pdf-drawn"
    made_by = tmp_path / "made-by"
    _covers_made_by(made_by, monkeypatch)

    pdf = importlib.import_module("publish.pdf")
    real_write_pdf = pdf.write_pdf

    def write_pdf_then_mark(*args, **kwargs):
        written = real_write_pdf(*args, **kwargs)
        if os.getpid() == parent:
            drawn.touch()  # the build's print PDF is drawn
        return written

    writer = importlib.import_module("publish.epub.writer")
    real_prepare = writer.prepare_epub

    def prepare_after_the_print_pdf(*args, **kwargs):  # the helper: free only once it is drawn
        deadline = time.monotonic() + 60
        while not drawn.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(pdf, "write_pdf", write_pdf_then_mark)
    monkeypatch.setattr(writer, "prepare_epub", prepare_after_the_print_pdf)
    _build_ends_after(made_by, root, monkeypatch)
    beside = _all_bytes(root, tmp_path / "beside")
    assert drawn.exists()
    makers = made_by.read_text(encoding="utf-8").split()
    assert len(makers) == 1 and makers[0] != str(parent)  # the helper made it, and only the helper
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _all_bytes(root, tmp_path / "serial") == beside


@linux_fork
def test_the_helper_asks_for_the_cover_file_only_once_it_has_written_the_epub(tmp_path, monkeypatch):
    """A build done with its own editions while its helper still writes the EPUB makes the cover
    file itself: the helper asks for it only after the EPUB (it used to ask once its fonts were
    made, and lengthened its chain — the longer of the two in a new issue — by the cover file)."""
    from publish.epub import writer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    root = _issue_with_covers(tmp_path)
    from publish.pdf import ahead

    job = ahead.pictures_job(root)  # converted ahead: the build asks for the cover file at its end
    assert job is not None
    job()
    parent = os.getpid()
    made_by = tmp_path / "made-by"
    real_write = writer.write_epub
    _covers_made_by(made_by, monkeypatch)

    def write_epub_once_the_cover_is_made(*args, **kwargs):  # the helper's EPUB: slow
        if os.getpid() != parent:
            deadline = time.monotonic() + 20
            while not made_by.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(writer, "write_epub", write_epub_once_the_cover_is_made)
    beside = _all_bytes(root, tmp_path / "beside")
    assert made_by.read_text(encoding="utf-8").split() == [str(parent)]  # the build, once
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _all_bytes(root, tmp_path / "serial") == beside


@linux_fork
def test_a_cover_file_the_helper_took_but_did_not_finish_is_made_by_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    root = _issue_with_covers(tmp_path)
    parent = os.getpid()
    real_cover = build_mod._write_cover
    tried = tmp_path / "tried"

    def cover_dies_in_the_helper(issue, layout, fonts, path):
        if os.getpid() != parent:
            Path(path).write_bytes(b"%PDF-1.4 half a file")  # as if it failed while writing
            tried.write_text("yes", encoding="utf-8")
            raise RuntimeError("the helper fails with the cover")
        return real_cover(issue, layout, fonts, path)

    monkeypatch.setattr(build_mod, "_write_cover", cover_dies_in_the_helper)
    _build_ends_after(tried, root, monkeypatch)
    rescued = _all_bytes(root, tmp_path / "rescued")
    assert tried.exists()  # the helper took the cover, then failed
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert rescued == _all_bytes(root, tmp_path / "serial")


@linux_fork
def test_a_render_takes_the_cover_file_the_helper_made(tmp_path, monkeypatch):
    """`render` (bytes, no output folder): the helper's cover file comes back as the same bytes."""
    from publish.build import render

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    root = _issue_with_covers(tmp_path)
    parent = os.getpid()
    made_by = tmp_path / "made-by"
    _covers_made_by(made_by, monkeypatch)
    _build_ends_after(made_by, root, monkeypatch)
    beside = render(root, screen=False, epub_fonts=False)
    makers = made_by.read_text(encoding="utf-8").split()
    assert len(makers) == 1 and makers[0] != str(parent)  # the helper made it
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    serial = render(root, screen=False, epub_fonts=False)
    assert beside.cover is not None and beside.cover == serial.cover
    assert beside.pdf == serial.pdf and beside.epub == serial.epub


def _words_cut_by(marker: Path, monkeypatch) -> None:
    """Each cut of the titles' words appends its process id to `marker`."""
    from publish.epub import titles

    real = titles.titles_cut

    def spy(issue):
        with marker.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real(issue)

    monkeypatch.setattr(titles, "titles_cut", spy)


@linux_fork
def test_the_titles_words_cut_by_the_build_reach_the_helpers_epub(tmp_path, monkeypatch):
    """A build whose helper is still busy when the PDF is made cuts the titles' words itself (a cold
    build: jieba's dictionary read the first time) and sends them to the helper: the same EPUB."""
    from publish.epub import writer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    parent = os.getpid()
    marker = tmp_path / "cut-by"
    _words_cut_by(marker, monkeypatch)
    real_prepare = writer.prepare_epub

    def prepare_after_the_build_cut(*args, **kwargs):
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(writer, "prepare_epub", prepare_after_the_build_cut)
    beside = _build_bytes(tmp_path / "beside")
    assert marker.read_text(encoding="utf-8").split() == [str(parent)]  # the build cut them, once
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _build_bytes(tmp_path / "serial") == beside


@linux_fork
def test_the_titles_words_cut_by_the_helper_when_it_is_free_first(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    # A cache of its own: with the suite's, an earlier build of the sample leaves its pages stored
    # (`paginate.stored`), the pagination below is never called, the pages do not wait, and the build
    # may be free first and cut the words itself.
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    parent = os.getpid()
    marker = tmp_path / "cut-by"
    _words_cut_by(marker, monkeypatch)
    _pages_wait_for(marker, monkeypatch)  # the pages wait until the helper has cut the words
    beside = _build_bytes(tmp_path / "beside")
    cut_by = marker.read_text(encoding="utf-8").split()
    assert len(cut_by) == 1 and cut_by[0] != str(parent)  # the helper, and only the helper
    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert _build_bytes(tmp_path / "serial") == beside


@linux_fork
def test_the_epub_helper_draws_the_epub_cover_before_it_walks_the_print_glyphs(tmp_path, monkeypatch):
    """Drawing the EPUB's cover needs ~28 MB for a moment: when the build's first helper has not
    drawn it (`publish.epub.ahead`: here it draws none), the EPUB helper draws it first, while it
    holds least, and walks the print PDF's glyphs after (the walk's records and modules stay)."""
    from publish.epub import ahead, writer
    from publish.fonts import programs

    monkeypatch.setattr(ahead, "cover_job", lambda folder, **kw: lambda: None)

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    parent = os.getpid()
    steps = tmp_path / "steps"
    real_cover, real_walk = writer._drawn_cover, programs.walk_pdf_cff

    def step(name: str) -> None:
        with steps.open("a", encoding="utf-8") as f:
            f.write(f"{name} {'helper' if os.getpid() != parent else 'build'}\n")

    def cover(*args, **kwargs):
        step("cover")
        return real_cover(*args, **kwargs)

    def walk(*args, **kwargs):
        step("walk")
        return real_walk(*args, **kwargs)

    monkeypatch.setattr(writer, "_drawn_cover", cover)
    monkeypatch.setattr(programs, "walk_pdf_cff", walk)
    build(SAMPLE, tmp_path / "out", pdf=True, epub=True, screen=False)
    lines = steps.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "cover helper" and "walk helper" in lines[1:]
    assert lines.count("cover helper") == 1


@linux_fork
def test_the_build_keeps_its_pages_once_the_epub_helpers_fonts_are_made(tmp_path, monkeypatch):
    """Keeping the pages (encoding and marshalling them: ~5 MB for a moment) on top of the EPUB
    helper's font subsets was a cold build's memory peak: the build waits for the helper to say
    its fonts are made. Here the helper's fonts take long (as in a cold build): the build, which has
    time to spare, keeps the pages of these new texts — after the fonts all the same."""
    from publish.epub import writer
    from publish.paginate import stored

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    parent = os.getpid()
    steps = tmp_path / "steps"
    real_prepare, real_store = writer.prepare_epub, stored.store

    def step(name: str) -> None:
        with steps.open("a", encoding="utf-8") as f:
            f.write(f"{name} {'helper' if os.getpid() != parent else 'build'}\n")

    def slow_prepare(*args, **kwargs):
        prepared = real_prepare(*args, **kwargs)
        time.sleep(1.0)  # the build is done with its PDFs long before
        step("fonts")
        return prepared

    def store(*args, **kwargs):
        step("pages kept")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(writer, "prepare_epub", slow_prepare)
    monkeypatch.setattr(stored, "store", store)
    build(SAMPLE, tmp_path / "out", pdf=True, epub=True, screen=False)
    assert steps.read_text(encoding="utf-8").splitlines() == ["fonts helper", "pages kept build"]


@linux_fork
def test_a_build_whose_helper_has_made_its_fonts_keeps_no_pages_of_new_texts(tmp_path, monkeypatch):
    """When the helper has made its fonts before the build is done with its PDFs (a new issue), the
    pages would lengthen the build: only the composed text is kept, and the first rebuild keeps the
    pages (`paginate.stored`)."""
    import importlib

    from publish.epub import writer
    from publish.paginate import stored

    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    fonts_made = tmp_path / "fonts-made"
    kept: list[int] = []
    real_prepare, real_store = writer.prepare_epub, stored.store

    def prepare_then_mark(*args, **kwargs):
        prepared = real_prepare(*args, **kwargs)
        fonts_made.touch()
        return prepared

    def store(*args, **kwargs):
        kept.append(1)
        return real_store(*args, **kwargs)

    module = importlib.import_module("publish.paginate.paginate")  # (see `_pages_wait_for`)
    real_paginate = module.paginate

    def paginate_once_the_fonts_are_made(*args, **kwargs):
        deadline = time.monotonic() + 60
        while not fonts_made.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # (the helper replies right after `prepare_epub`)
        return real_paginate(*args, **kwargs)

    monkeypatch.setattr(writer, "prepare_epub", prepare_then_mark)
    monkeypatch.setattr(stored, "store", store)
    monkeypatch.setattr(module, "paginate", paginate_once_the_fonts_are_made)
    first = _build_bytes(tmp_path / "first")
    assert kept == []  # the composed text only
    assert {p.parent.name for p in (tmp_path / "cache").rglob("*.bin")} >= {"composed", "composed-lines"}
    assert _build_bytes(tmp_path / "second") == first
    assert kept == [1]  # the first rebuild keeps them


@linux_fork
def test_replied_says_whether_a_reply_is_there_without_waiting():
    child = Worker.start(lambda channel: channel.reply(("got", channel.receive())))
    assert child is not None
    try:
        assert not child.replied()  # it waits for a message: no reply yet
        child.send("go")
        deadline = time.monotonic() + 10
        while not child.replied() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert child.replied() and child.receive() == ("got", "go")
        assert child.wait()
        assert child.replied()  # ended: receive returns at once (None)
    finally:
        child.cancel()


# ── spare cores: a helper that only shares this process's work is started on a free core only ──
def _cores(monkeypatch, n: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(n)))


@linux_fork
def test_a_running_helper_takes_a_core_and_gives_it_back_when_it_exits(monkeypatch):
    from publish.worker import spare_cores

    _cores(monkeypatch, 2)
    assert spare_cores() == 1
    child = Worker.start(lambda channel: channel.receive())  # waits for a message: still there
    assert child is not None
    try:
        assert spare_cores() == 0
        _cores(monkeypatch, 4)
        assert spare_cores() == 2
        _cores(monkeypatch, 2)
    finally:
        child.send("go")
    deadline = time.monotonic() + 10
    while spare_cores() == 0 and time.monotonic() < deadline:  # exited: reaped, no longer counted
        time.sleep(0.01)
    assert spare_cores() == 1
    assert child.wait()  # its status was kept when it was reaped


@linux_fork
def test_a_helper_that_failed_before_it_was_waited_for_still_reports_failure(monkeypatch):
    from publish.worker import spare_cores

    _cores(monkeypatch, 2)

    def fails(channel: Channel) -> None:
        raise RuntimeError("no")

    child = Worker.start(fails)
    assert child is not None
    deadline = time.monotonic() + 10
    while spare_cores() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert spare_cores() == 1
    assert not child.wait()


def test_no_spare_core_where_helpers_are_not_forked(monkeypatch):
    from publish.worker import spare_cores

    monkeypatch.setenv("PUBLISH_JOBS", "1")
    assert spare_cores() == 0


@linux_fork
def test_a_helper_reaped_while_counting_cores_is_cancelled_with_its_pipes_closed(monkeypatch):
    from publish.worker import spare_cores

    _cores(monkeypatch, 2)
    child = Worker.start(lambda channel: None)  # exits at once
    assert child is not None
    deadline = time.monotonic() + 10
    while spare_cores() == 0 and time.monotonic() < deadline:  # reaped here, not waited for
        time.sleep(0.01)
    assert spare_cores() == 1
    ends = (child._to_child, child._from_child)
    child.cancel()
    for fd in ends:
        with pytest.raises(OSError):
            os.fstat(fd)
