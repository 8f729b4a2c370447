"""`publish watch` in a real browser (Playwright driving the system Chromium, never a downloaded one):
the preview shows the pages, a save rebuilds the PDF and swaps the changed pages, a source error is
shown with its file and line while the pages stay, fixing it recovers, and Ctrl-C (SIGINT) ends the
process with status 0, nothing left running and the port closed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"
ARTICLE = "articles/03-biaozhang-tongbao.md"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make setup)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make setup installs it)")


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc; [] where there is none)."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.fixture
def watcher(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "publish", "watch", str(issue), "-o", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    url = None
    deadline = time.monotonic() + 120
    while url is None and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"preview at (http://127\.0\.0\.1:\d+/)", line)
        if found:
            url = found.group(1)
    if url is None:
        proc.kill()
        pytest.fail("publish watch did not start:\n" + "".join(lines))
    try:
        yield proc, url, issue, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _pdf_text(pdf: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"within {seconds} s: {what}")


def test_watch_rebuilds_on_save_shows_errors_recovers_and_stops_cleanly(watcher):
    proc, url, issue, out = watcher
    pdf = out / "bayannaoer-renda-2025-1.pdf"
    article = issue / ARTICLE
    original = article.read_text(encoding="utf-8")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url)
            page.wait_for_function("document.querySelectorAll('.page img').length > 4")
            count = page.locator(".page img").count()
            # every page image is loaded from the server (none broken)
            page.wait_for_function("[...document.querySelectorAll('.page img')].every(i => i.complete && i.naturalWidth > 0)")
            before = page.eval_on_selector_all(".page", "ps => ps.map(p => p.dataset.revision)")
            version = int(page.get_attribute("body", "data-version"))

            # 1. a save: the PDF has the new text within 5 s, the changed pages get new images
            stamp = "编辑在预览中看到的新段落"
            article.write_text(original + f"\n{stamp}。\n", encoding="utf-8")
            saved = time.monotonic()
            _wait(lambda: pdf.is_file() and stamp in _pdf_text(pdf), 5, "the new paragraph in the PDF")
            assert time.monotonic() - saved < 5
            page.wait_for_function(f"Number(document.body.dataset.version) > {version}", timeout=10000)
            after = page.eval_on_selector_all(".page", "ps => ps.map(p => p.dataset.revision)")
            changed = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
            assert changed, "no page image was replaced"
            assert len(changed) < count, "every page was replaced, not only the changed ones"
            version = int(page.get_attribute("body", "data-version"))

            # 2. a source error: shown with file and line, the pages stay
            article.write_text(original.replace('title = ["', 'title = [“', 1), encoding="utf-8")
            page.wait_for_selector("#errors.shown", timeout=10000)
            message = page.inner_text("#errors")
            assert re.search(r"03-biaozhang-tongbao\.md:2: ", message), message
            assert "curly quotes" in message
            assert page.locator(".page img").count() >= count - 1
            assert proc.poll() is None, "watch died on a source error"

            # 3. fixed: the error goes, the pages come back to the current text
            article.write_text(original, encoding="utf-8")
            page.wait_for_function("!document.querySelector('#errors').classList.contains('shown')", timeout=10000)
            _wait(lambda: stamp not in _pdf_text(pdf), 5, "the PDF rebuilt without the paragraph")
        finally:
            browser.close()

    # 4. Ctrl-C: exit 0, no process left behind, the port closed
    port = int(url.rsplit(":", 1)[1].strip("/"))
    children = _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, output
    assert "stopped" in output
    assert "Traceback" not in output
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the port is still open"
