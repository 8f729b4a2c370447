"""The watch session without a browser: a rebuild reports only the pages whose content changed, an
error keeps the last good pages and names file and line, the poller notices sources but not the
output folder, and the page marks find loose lines, fallback fonts and overset text."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from publish.paginate.pages import Document, Page, PlacedRun, TextLine
from publish.watch.marks import page_marks
from publish.watch.poll import Poller
from publish.watch.session import WatchSession

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"
LAST = "articles/04-qianghua-jilv-yishi.md"


def _copy(tmp_path: Path) -> Path:
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    return issue


def test_a_rebuild_after_editing_the_last_article_changes_only_its_pages(tmp_path):
    issue = _copy(tmp_path)
    session = WatchSession(issue, tmp_path / "out")
    first = session.rebuild()
    assert first.errors == [] and first.changed == list(range(len(first.pages)))
    assert first.pdf_path is not None and first.pdf_path.is_file()
    article = issue / LAST
    article.write_text(article.read_text(encoding="utf-8") + "\n新增的一段话。\n", encoding="utf-8")
    second = session.rebuild()
    assert second.errors == []
    assert second.changed, "the edited article's page did not change"
    assert len(second.changed) < len(second.pages)
    # the pages of the first articles are untouched: same revision as before
    assert all(second.pages[i].revision == first.pages[i].revision
               for i in range(len(first.pages)) if i not in second.changed)
    assert all(second.pages[i].revision == second.version for i in second.changed)


def test_an_error_keeps_the_last_good_pages_and_names_file_and_line(tmp_path):
    issue = _copy(tmp_path)
    session = WatchSession(issue, tmp_path / "out")
    good = session.rebuild()
    article = issue / LAST
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("title = ", "title = = ", 1), encoding="utf-8")
    bad = session.rebuild()
    assert bad.pages == good.pages and bad.pdf_path == good.pdf_path
    assert [(Path(p.path).name, p.line) for p in bad.errors] == [("04-qianghua-jilv-yishi.md", 2)]
    article.write_text(text, encoding="utf-8")
    again = session.rebuild()
    assert again.errors == []


def test_proofreading_warnings_are_marked_on_the_page_of_their_line(tmp_path):
    issue = _copy(tmp_path)
    session = WatchSession(issue, tmp_path / "out")
    snap = session.rebuild()
    colon = [w for w in snap.warnings if w.code == "ascii-colon"]
    assert colon and Path(colon[0].path).name == "01-yanjiuhui-2025-gongzuo-yaodian.md"
    marked = [i for i, marks in snap.marks.items() if any("ascii-colon" in m.message for m in marks)]
    assert len(marked) == 1
    # the page marked is one where the first article is set
    assert snap.pages[marked[0]].folio is not None


def test_the_poller_sees_sources_and_ignores_the_output_folder(tmp_path):
    issue = _copy(tmp_path)
    out = issue / "out"
    out.mkdir()
    poller = Poller(issue, out)
    assert poller.changed() == []
    (out / "x.pdf").write_bytes(b"%PDF")
    (issue / ".a.md.swp").write_text("x")
    assert poller.changed() == []
    time.sleep(0.01)
    article = issue / LAST
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (issue / "images").mkdir(exist_ok=True)
    (issue / "images" / "p.png").write_bytes(b"png")
    assert poller.changed() == [article.resolve(), (issue / "images" / "p.png").resolve()]
    (issue / "images" / "p.png").unlink()
    assert poller.changed() == [(issue / "images" / "p.png").resolve()]


def test_the_poller_sees_a_file_added_or_renamed_into_place_at_the_next_look(tmp_path):
    issue = _copy(tmp_path)
    poller = Poller(issue, tmp_path / "out")
    assert poller.changed() == [] and poller.changed() == []  # the folders are listed once, then only looked at
    new = issue / "articles" / "09-new.md"
    new.write_text("+++\ntitle = \"新\"\n+++\n正文。\n", encoding="utf-8")
    assert poller.changed() == [new.resolve()]
    # an editor that writes a new file and renames it over the old one
    article = issue / LAST
    fresh = issue / "articles" / "tmp-save"
    fresh.write_text(article.read_text(encoding="utf-8") + "\n追加。\n", encoding="utf-8")
    fresh.replace(article)
    assert poller.changed() == [article.resolve()]
    assert poller.changed() == []


class _Layout:
    text_width = 200.0

    def block_left(self, side: str) -> float:
        return 50.0


def _line(chars: str, xs: list[float], faces: list[str], size: float = 10.0) -> TextLine:
    widths = [size] * len(chars)
    return TextLine(50.0, 500.0, size, PlacedRun(tuple(chars), tuple(xs), tuple(widths), tuple(faces)))


def test_page_marks_find_loose_lines_fallback_fonts_and_overset_text():
    tight = _line("人民代表", [0, 10, 20, 30], ["body"] * 4)
    loose = _line("人民代表", [0, 13, 26, 39], ["body"] * 4)  # 0.3 em between characters
    fallback = _line("人民㐀表", [0, 10, 20, 30], ["body", "body", "body~1", "body"])
    overset = _line("人民代表", [0, 10, 20, 200], ["body"] * 4)  # ends 10 pt past the block
    pages = tuple(Page(i, i + 1, "right", "", (line,)) for i, line in enumerate((tight, loose, fallback, overset)))
    doc = Document(400.0, 600.0, 0.0, pages)
    marks = page_marks(doc, _Layout(), {"body~1": "Noto Sans CJK SC Regular"})
    assert 0 not in marks
    assert [m.kind for m in marks[1]] == ["loose"]
    assert [m.kind for m in marks[2]] == ["fallback"] and "㐀" in marks[2][0].message
    assert "Noto Sans CJK SC Regular" in marks[2][0].message
    assert "overset" in [m.kind for m in marks[3]]
    x, _y, w, _h = marks[1][0].box
    assert (x, round(w)) == (50.0, 49)


def test_a_port_given_and_taken_is_one_line_and_exit_1(tmp_path):
    import socket

    from click.testing import CliRunner

    from publish.cli import main

    issue = _copy(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["watch", str(issue), "-o", str(tmp_path / "out"), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()  # nothing built when it cannot be shown


def test_the_server_serves_the_page_with_errors_state_and_events():
    import threading
    import urllib.request

    from publish.watch.server import Hub, PreviewServer

    hub = Hub()
    server = PreviewServer(0, hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = {"index": 0, "folio": 3, "side": "right", "revision": 2, "width": 500.0, "height": 700.0}
        hub.publish({"version": 3, "pages": [page], "marks": {}, "warnings": [], "seconds": 0.1,
                     "errors": ["a.md:2: invalid TOML <x> — fix it"]}, {}, None, keep=0)
        page = urllib.request.urlopen(server.url, timeout=5).read().decode("utf-8")
        assert 'class="shown"' in page and "a.md:2: invalid TOML &lt;x&gt; — fix it" in page
        assert '<img src="/page/0.jpg?r=2"' in page
        assert "http://" not in page.replace(server.url, "") and "https://" not in page  # nothing fetched elsewhere
        state = urllib.request.urlopen(server.url + "state.json", timeout=5).read().decode("utf-8")
        assert '"version": 3' in state
        with urllib.request.urlopen(server.url + "events", timeout=5) as events:
            assert events.readline() == b"event: state\n" and events.readline() == b"data: 3\n"
    finally:
        server.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_watching_a_folder_without_issue_toml_is_one_line_and_exit_1(tmp_path):
    from click.testing import CliRunner

    from publish.cli import main

    result = CliRunner().invoke(main, ["watch", str(tmp_path / "nothing"), "--port", "0"])
    assert result.exit_code == 1
    assert result.output == (f"error: {tmp_path / 'nothing'}: not an issue folder (no issue.toml) — give the folder "
                             "that holds issue.toml, or create one with `publish new DIR`\n")


def test_a_picture_with_too_few_pixels_for_its_printed_size_is_marked(tmp_path):
    from PIL import Image

    from publish.paginate.pages import PlacedImage

    small, sharp = tmp_path / "small.png", tmp_path / "sharp.png"
    Image.new("RGB", (300, 200), "white").save(small)  # 300 px over 200 pt (2.8 in): 108 dpi
    Image.new("RGB", (900, 600), "white").save(sharp)  # 900 px over 200 pt: 324 dpi
    pages = (Page(0, 1, "right", "", (PlacedImage(small, 60.0, 100.0, 200.0, 133.0),)),
             Page(1, 2, "left", "", (PlacedImage(sharp, 60.0, 100.0, 200.0, 133.0),)))
    marks = page_marks(Document(400.0, 600.0, 0.0, pages), _Layout())
    assert [(m.kind, m.box) for m in marks[0]] == [("low-dpi", (60.0, 100.0, 200.0, 133.0))]
    assert "small.png: 108 dpi" in marks[0][0].message
    assert 1 not in marks


def test_sigint_stops_watch_even_when_started_with_sigint_ignored(tmp_path):
    """A shell without job control starts `publish watch … &` with SIGINT ignored; `kill -INT`
    must still stop it, with exit status 0."""
    import os
    import re
    import signal
    import subprocess
    import sys

    issue = _copy(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "publish", "watch", str(issue), "-o", str(tmp_path / "out"),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line or re.search(r"preview at http://127\.0\.0\.1:\d+/", line):
                break
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0, output
        assert "stopped" in output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
