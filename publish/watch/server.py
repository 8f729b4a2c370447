"""The preview's HTTP server on 127.0.0.1: the page, the issue's state, the page images, and a
Server-Sent Events stream that says when a rebuild finished.

In: a `Hub` the watch loop fills (state as JSON, page images by index and revision). Out: a
`ThreadingHTTPServer` answering
    GET /              the preview page (publish/watch/static/index.html, from the package)
    GET /state.json    pages (index, folio, side, revision, size), marks, warnings, errors
    GET /page/N.jpg    page N's image, drawn on first request (?r=revision only defeats the browser's cache)
    GET /issue.pdf     the PDF as last built
    GET /events        SSE: `event: state` with the version number after each rebuild
Nothing is fetched from elsewhere: the page is plain HTML, CSS and JavaScript shipped in the package.

Threads: the server answers each request in a daemon thread; the watch loop (one thread) is the only
writer of the hub, under its lock. `Hub.close()` wakes every event stream so that they end, and the
server's threads with them.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
KEEPALIVE_SECONDS = 10.0


class Hub:
    """What the server serves; updated by the watch loop."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self.version = 0
        self.state: bytes = b'{"version": 0, "pages": [], "marks": {}, "warnings": [], "errors": [], "seconds": 0}'
        self.images: dict[int, tuple[int, bytes]] = {}  # page index → (revision, JPEG bytes)
        self.revisions: list[int] = []  # each page's current revision
        self.pdf_path: Path | None = None
        self.closed = False
        # PDFium is not thread-safe: every drawing, by the watch loop or a request, holds this lock
        self.render_lock = threading.Lock()

    def publish(self, state: dict, images: dict[int, tuple[int, bytes]], pdf_path: Path | None,
                keep: int) -> None:
        """Replace the state (and the images given); pages from `keep` on no longer exist."""
        data = json.dumps(state, ensure_ascii=False).encode("utf-8")
        with self._lock:
            self.images.update(images)
            for index in [i for i in self.images if i >= keep]:
                del self.images[index]
            self.state = data
            self.pdf_path = pdf_path
            self.revisions = [int(p["revision"]) for p in state.get("pages", [])]
            self.version = int(state.get("version", self.version + 1))
            self._lock.notify_all()

    def image(self, index: int) -> bytes | None:
        """Page `index`'s image at its current revision, drawn now if the loop has not drawn it
        (pages are drawn on demand: the first view of a long issue does not wait for all of them)."""
        from publish.watch.render import render_pages

        if not 0 <= index < len(self.revisions):
            return None
        with self.render_lock:
            revision, pdf_path = self.revisions[index], self.pdf_path
            found = self.images.get(index)
            if found is not None and found[0] == revision:
                return found[1]
            if pdf_path is None:
                return None
            drawn = render_pages(pdf_path, [index]).get(index)
            if drawn is None:
                return None
            with self._lock:
                self.images[index] = (revision, drawn)
            return drawn

    def wait(self, seen: int, timeout: float) -> int:
        """Block until a version newer than `seen` (or close, or timeout); returns the version."""
        with self._lock:
            self._lock.wait_for(lambda: self.version > seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._lock.notify_all()


def page_html(hub: Hub) -> bytes:
    """The preview page, with the current errors and the page images already in it (the script
    keeps them up to date; written in by the server too, so that any client sees them, even one
    without JavaScript)."""
    import html

    template = (STATIC / "index.html").read_text(encoding="utf-8")
    state = json.loads(hub.state)
    errors = state.get("errors", [])
    pages = state.get("pages", [])
    if pages:  # the pages for a client without JavaScript (the script lays them out as spreads)
        images = "".join(f'<img src="/page/{p["index"]}.jpg?r={p["revision"]}" alt="page {p["index"] + 1}" '
                         f'width="400">' for p in pages)
        template = template.replace('<main id="spreads"></main>',
                                    f'<main id="spreads"><noscript>{images}</noscript></main>', 1)
    if errors:
        inner = "<h2>The issue cannot be built</h2>" + "".join(
            f'<div class="error">{html.escape(e)}</div>' for e in errors)
        template = template.replace('<div id="errors" role="alert"></div>',
                                    f'<div id="errors" role="alert" class="shown">{inner}</div>', 1)
    return template.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows rebuilds and problems, not every request

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        hub = self.server.hub
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, page_html(hub), "text/html; charset=utf-8")
        elif path == "/state.json":
            self._send(HTTPStatus.OK, hub.state, "application/json; charset=utf-8")
        elif path.startswith("/page/") and path.endswith(".jpg"):
            try:
                index = int(path[len("/page/"):-len(".jpg")])
            except ValueError:
                index = -1
            try:
                data = hub.image(index)
            except Exception:  # a PDF replaced while it was read: the next event asks again
                data = None
            if data is None:
                self._send(HTTPStatus.NOT_FOUND, b"no such page", "text/plain")
            else:
                self._send(HTTPStatus.OK, data, "image/jpeg")
        elif path == "/issue.pdf" and hub.pdf_path is not None and hub.pdf_path.is_file():
            self._send(HTTPStatus.OK, hub.pdf_path.read_bytes(), "application/pdf")
        elif path == "/events":
            self._events()
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

    def _events(self) -> None:
        hub = self.server.hub
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not hub.closed and not self.server.stopping:
                version = hub.wait(seen, KEEPALIVE_SECONDS)
                if hub.closed:
                    break
                if version > seen:
                    self.wfile.write(f"event: state\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": keep-alive\n\n")  # finds a closed tab, keeps proxies quiet
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, hub: Hub) -> None:
        self.hub = hub
        self.stopping = False
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}/"

    def stop(self) -> None:
        self.stopping = True
        self.hub.close()
        self.shutdown()
        self.server_close()
