"""The EPUB's drawn cover, made ahead by the helper a build forks first (publish.epub.ahead): the
text it guesses from issue.toml and the front matter is what the issue reader reads, the PNG it keeps
is the one the EPUB would draw, under the key the EPUB looks up — so the EPUB helper takes it instead
of drawing it, waiting for one still being drawn — and it is only ever a guess: a wrong or damaged
one leaves the EPUB with the cover it always had."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from fonts_support import need_cjk_fonts

from publish.epub import ahead, cover
from publish.sources import load_issue
from publish.worker import Worker, usable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "examples" / "sample", ROOT / "examples" / "bayannaoer-2025-01"]
linux_fork = pytest.mark.skipif(not usable(), reason="needs Linux with fork and two usable cores")


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1737331200")
    return folder


def _copy(example: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "issue"
    shutil.copytree(example, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _front_matter_title(article: Path, title: str) -> None:
    """Replace the article's `title = …` line."""
    lines = article.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("title"))
    lines[at] = f"title = {title}"
    article.write_text("\n".join(lines), encoding="utf-8")


def _lead_article(folder: Path) -> Path:
    return folder / load_issue(folder).sections[0].articles[0].source


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_the_guessed_cover_text_is_what_the_issue_reader_reads(example):
    assert ahead.guess_cover_text(example) == cover.CoverText.of(load_issue(example))


def test_the_cover_names_seven_articles_and_only_those_are_read(tmp_path, monkeypatch):
    folder = EXAMPLES[1]
    issue = load_issue(folder)
    assert len(issue.articles) > 7  # (the complete issue: more articles than the cover names)
    opened: list[str] = []
    real = Path.read_bytes

    def read_bytes(self):
        opened.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    text = ahead.guess_cover_text(folder)
    assert text is not None and len(text.highlights) == 7
    assert len(opened) == 1 + 7  # issue.toml and the seven articles named


def test_titles_on_several_lines_normal_forms_byte_order_marks_and_line_ends_are_read_as_the_reader_reads_them(tmp_path):
    folder = _copy(EXAMPLES[0], tmp_path)
    lead = _lead_article(folder)
    _front_matter_title(lead, '["第一行", "Cafe\u0301 第二行"]')  # é decomposed: NFC composes it
    lead.write_bytes(b"\xef\xbb\xbf" + lead.read_bytes().replace(b"\n", b"\r\n"))  # a BOM, CR LF
    _edit(folder / "issue.toml", 'layout = "magazine-16k"', 'layout = "magazine-16k"\nnormalize = "NFC"')
    _edit(folder / "issue.toml", 'publisher = "巴彦淖尔市人大常委会办公室"\n', "")
    issue = load_issue(folder)
    assert issue.articles[0].title_text == "第一行Caf\u00e9 第二行" and issue.publisher == ""
    assert ahead.guess_cover_text(folder) == cover.CoverText.of(issue)


def test_an_article_outside_the_issue_folder_is_read_only_when_the_build_allows_it(tmp_path):
    folder = _copy(EXAMPLES[0], tmp_path)
    lead = _lead_article(folder)
    outside = tmp_path / "elsewhere.md"
    lead.rename(outside)
    entry = lead.relative_to(folder).as_posix()
    _edit(folder / "issue.toml", f'"{entry}"', '"../elsewhere.md"')
    assert ahead.guess_cover_text(folder) is None  # the reader refuses it
    allowed = ahead.guess_cover_text(folder, allow_outside=True)
    assert allowed == cover.CoverText.of(load_issue(folder, allow_outside=True))


@pytest.mark.parametrize("damage", ["toml", "missing article", "title not text", "date as text"])
def test_what_cannot_be_read_as_the_reader_reads_it_is_no_guess(tmp_path, damage):
    folder = _copy(EXAMPLES[0], tmp_path)
    if damage == "toml":
        _edit(folder / "issue.toml", "[issue]", "[issue")
    elif damage == "missing article":
        _lead_article(folder).unlink()
    elif damage == "title not text":
        _front_matter_title(_lead_article(folder), "2025")
    else:
        _edit(folder / "issue.toml", "date = 2025-01-20", 'date = "2025-01-20"')
    assert ahead.guess_cover_text(folder) is None


def test_the_job_keeps_the_cover_the_epub_would_draw_and_the_epub_takes_it(tmp_path, own_cache, monkeypatch):
    need_cjk_fonts()
    from publish.epub import writer

    folder = EXAMPLES[0]
    issue = load_issue(folder)
    ahead.cover_job(folder)()
    kept = cover.made_ahead(issue, None)
    assert kept == cover.draw_cover(issue, cover.find_cover_fonts())

    def no_drawing(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(cover, "draw_cover", no_drawing)
    assert writer.drawn_cover(issue, None) == kept  # the EPUB's own look-up: the same entry
    ahead.cover_job(folder)()  # (and the job does not draw what the cache has)


def test_a_wrong_guess_leaves_the_epub_its_own_cover(tmp_path, own_cache, monkeypatch):
    need_cjk_fonts()
    from publish.epub import writer

    folder = _copy(EXAMPLES[0], tmp_path)
    job = ahead.cover_job(folder)
    before = load_issue(folder)
    job()
    _front_matter_title(_lead_article(folder), '"改过的标题"')  # edited after the guess
    issue = load_issue(folder)
    assert cover.made_ahead(issue, None) is None
    drawn = writer.drawn_cover(issue, None)
    assert drawn == cover.draw_cover(issue, cover.find_cover_fonts())
    assert drawn != cover.made_ahead(before, None)


def test_a_damaged_cover_kept_ahead_is_not_taken(tmp_path, own_cache):
    need_cjk_fonts()
    folder = EXAMPLES[0]
    issue = load_issue(folder)
    ahead.cover_job(folder)()
    entries = list((own_cache / "entries" / "cover").glob("*.bin"))
    assert len(entries) == 1
    entries[0].write_bytes(entries[0].read_bytes()[:-100])  # cut short
    assert cover.made_ahead(issue, None) is None
    ahead.cover_job(folder)()  # drawn again
    assert cover.made_ahead(issue, None) == cover.draw_cover(issue, cover.find_cover_fonts())


@linux_fork
def test_a_cover_still_being_drawn_is_waited_for_and_taken(tmp_path, own_cache, monkeypatch):
    """As the EPUB helper does (`build._start_epub_child`): wait until the first helper's cover job
    is over (`worker.Done`), then look — the cover is there, though it was drawn slowly."""
    need_cjk_fonts()
    from publish.worker import Done

    folder = EXAMPLES[0]
    issue = load_issue(folder)
    real = cover.draw_cover

    def slow(*args):
        time.sleep(0.5)
        return real(*args)

    monkeypatch.setattr(cover, "draw_cover", slow)
    done = Done()
    job = ahead.cover_job(folder)

    def helper_work(channel):
        job()
        done.done()
        time.sleep(0.5)  # (still running after saying so)

    helper = Worker.start(helper_work)
    assert helper is not None
    done.started()
    began = time.monotonic()
    done.wait()
    waited = time.monotonic() - began
    monkeypatch.setattr(cover, "draw_cover", real)
    taken = cover.made_ahead(issue, None)
    assert helper.running() and waited >= 0.4
    assert taken is not None and taken == real(issue, cover.find_cover_fonts())
    helper.cancel()
    done.close()


def _steps(monkeypatch, steps: Path) -> None:
    """Record in `steps` which process draws the cover and which walks the print glyphs."""
    from publish.fonts import programs

    parent = os.getpid()
    real_draw, real_walk = cover.draw_cover, programs.walk_pdf_cff

    def step(name: str) -> None:
        with steps.open("a", encoding="utf-8") as f:
            f.write(f"{name} {'build' if os.getpid() == parent else os.getpid()}\n")

    def draw(*args):
        step("draw")
        return real_draw(*args)

    def walk(*args, **kwargs):
        step("walk")
        return real_walk(*args, **kwargs)

    monkeypatch.setattr(cover, "draw_cover", draw)
    monkeypatch.setattr(programs, "walk_pdf_cff", walk)


@linux_fork
def test_a_build_draws_its_cover_once_in_its_first_helper_and_the_same_epub_comes_out(tmp_path, own_cache,
                                                                                       monkeypatch):
    need_cjk_fonts()
    from publish.build import build

    steps = tmp_path / "steps"
    _steps(monkeypatch, steps)
    build(EXAMPLES[0], tmp_path / "ahead", screen=False)
    lines = steps.read_text(encoding="utf-8").splitlines()
    draws = [line for line in lines if line.startswith("draw")]
    walks = [line for line in lines if line.startswith("walk")]
    assert len(draws) == 1 and walks and draws[0].split()[1] not in {"build", walks[0].split()[1]}
    ahead_epub = next((tmp_path / "ahead").glob("*.epub")).read_bytes()

    # without the job (another cache): the EPUB helper draws it (tests/test_worker.py), the same bytes
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache2"))
    monkeypatch.setattr(ahead, "cover_job", lambda folder, **kw: lambda: None)
    steps.unlink()
    build(EXAMPLES[0], tmp_path / "own", screen=False)
    lines = steps.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("draw") and lines[0].split()[1] == lines[1].split()[1] != "build"
    assert next((tmp_path / "own").glob("*.epub")).read_bytes() == ahead_epub
