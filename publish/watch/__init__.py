"""`publish watch`: build the issue, show it in the browser as spreads, rebuild on every save.

In: the issue folder, the output folder, a port. Out: the PDF in the output folder (rewritten after
each successful rebuild), a preview at http://127.0.0.1:PORT/, and one line on the terminal per
rebuild (its time and the pages that changed, or the problems in `path:line: …` form).

Parts: `session` rebuilds in this warm process and tells which pages changed; `render` draws those
pages to images; `marks` finds what to mark on them; `server` serves the page, the state and an
event stream; `poll` notices changed sources (articles, issue.toml, pictures, layouts, fonts and
font config). `watch()` ties them together in one loop on the calling thread: a rebuild never runs
beside another one.

Stopping: Ctrl-C (SIGINT) or SIGTERM ends the loop; the server is shut down, every open event stream
is woken and ends, and the function returns. A build inside the loop forks no helpers (the build's
helpers are not started while the server's threads run: publish.worker), so nothing is left.
"""

from __future__ import annotations

import signal
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from publish.errors import Problem, PublishError, SourceError, warning_line
from publish.watch.poll import Poller
from publish.watch.render import render_pages
from publish.watch.server import Hub, PreviewServer
from publish.watch.session import Snapshot, WatchSession

__all__ = ["Hub", "PreviewServer", "WatchSession", "publish_snapshot", "start_server", "watch"]

POLL_SECONDS = 0.01  # a look costs ~0.15 ms (publish.watch.poll)
SETTLE_SECONDS = 0.005
EAGER_PAGES = 8
DEFAULT_PORT = 8000


def publish_snapshot(hub: Hub, snap: Snapshot, rendered: dict[int, bytes] | None = None) -> None:
    """Hand a session's snapshot (and the images drawn for it) to the server."""
    images = {i: (snap.pages[i].revision, data) for i, data in (rendered or {}).items() if i < len(snap.pages)}
    state = {
        "version": snap.version,
        "seconds": snap.seconds,
        "pages": [p.as_json() for p in snap.pages],
        "marks": {str(i): [m.as_json() for m in marks] for i, marks in snap.marks.items()},
        "warnings": [warning_line(w) for w in snap.warnings],
        "errors": [str(e) for e in snap.errors],
        "changed": snap.changed,
    }
    hub.publish(state, images, snap.pdf_path, keep=len(snap.pages))


def start_server(port: int, hub: Hub) -> PreviewServer:
    """The preview server on 127.0.0.1:`port` (0: any free port); `PublishError` if it is taken."""
    try:
        return PreviewServer(port, hub)
    except OSError as err:
        raise PublishError(f"cannot serve on 127.0.0.1:{port}: {err.strerror}",) from None


def _rebuild(session: WatchSession, hub: Hub, echo: Callable[[str], None], poller: Poller | None = None) -> Snapshot:
    snap = session.rebuild()
    # A file that changed again while it was built may have been read half-written (an editor that
    # truncates and then writes, on a busy machine): build the finished file before showing errors.
    while snap.errors and poller is not None and poller.changed():
        _settle(poller)
        snap = session.rebuild()
    if snap.errors:
        echo("error: the issue cannot be built (the preview keeps the last good pages):")
        for problem in snap.errors:
            echo(f"  {problem}")
        publish_snapshot(hub, snap)
        return snap
    # A few changed pages are drawn before the browser is told, so they swap at once; after a
    # change that moves many pages (or at start) they are drawn as the browser asks for them.
    rendered: dict[int, bytes] = {}
    if snap.pdf_path is not None and 0 < len(snap.changed) <= EAGER_PAGES:
        try:
            with hub.render_lock:
                rendered = render_pages(snap.pdf_path, snap.changed)
        except Exception as err:  # PDFium could not read it: the pages are drawn on request instead
            echo(f"note: pages not drawn ahead ({err})")
    publish_snapshot(hub, snap, rendered)
    pages = ", ".join(str(snap.pages[i].folio or i + 1) for i in snap.changed[:12])
    more = "…" if len(snap.changed) > 12 else ""
    echo(f"built {snap.pdf_path} in {snap.seconds:.2f} s; "
         + (f"pages changed: {pages}{more}" if snap.changed else "no page changed")
         + (f"; {len(snap.warnings)} warnings" if snap.warnings else ""))
    return snap


def watch(issue_dir: Path | str, out_dir: Path | str, *, port: int | None = None, open_browser: bool = False,
          echo: Callable[[str], None] = print, on_ready: Callable[[str], None] | None = None) -> None:
    """See the module docstring. Returns when interrupted (Ctrl-C, SIGTERM). `port` None: 8000 if
    free, else any free port."""
    issue_dir, out_dir = Path(issue_dir), Path(out_dir)
    toml = issue_dir if issue_dir.suffix == ".toml" else issue_dir / "issue.toml"
    if not toml.is_file():  # nothing to watch: say so at once rather than wait for a folder to appear
        raise SourceError(Problem("not an issue folder (no issue.toml)", issue_dir, None,
                                  "give the folder that holds issue.toml, or create one with `publish new DIR`"))
    session = WatchSession(issue_dir, out_dir)
    hub = Hub()
    try:
        previous_term = signal.signal(signal.SIGTERM, _interrupt)
        # Ctrl-C stops watching even where SIGINT was set to be ignored — as a shell without job
        # control does for a command started with `&`, so that `kill -INT` would do nothing.
        previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (a caller running us in a thread stops us its own way)
        previous_term = previous_int = None
    server: PreviewServer | None = None
    try:
        if port is None:
            try:
                server = start_server(DEFAULT_PORT, hub)
            except PublishError:
                server = start_server(0, hub)  # 8000 is taken (another watch?): any free port
        else:
            server = start_server(port, hub)
        import threading

        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="publish-watch-server", daemon=True)
        # Serving from the start: the page is there at once (it fills in when the first build is
        # done), and with the server's thread running no build forks helpers (publish.worker),
        # so an interrupt can never leave one behind.
        thread.start()
        snap = _rebuild(session, hub, echo)
        echo(f"watching {issue_dir} — preview at {server.url} (Ctrl-C stops)")
        if on_ready is not None:
            on_ready(server.url)
        if open_browser:
            webbrowser.open(server.url)
        poller = Poller(issue_dir, out_dir, [session.layout_path] if session.layout_path else [])
        del snap
        while True:
            time.sleep(POLL_SECONDS)
            changed = poller.changed()
            if not changed:
                continue
            _settle(poller)
            _rebuild(session, hub, echo, poller)
            poller.set_extra([session.layout_path])
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        if previous_int is not None:
            signal.signal(signal.SIGINT, previous_int)
        if server is not None:
            server.stop()


def _settle(poller: Poller, seconds: float = 0.5) -> None:
    """Wait until a save is complete: an editor (or a script) that truncates a file and then writes
    it can be caught in between, and the half-written file would flash an error. A few milliseconds
    without a further change is enough; a file still changing after `seconds` is built as it is."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(SETTLE_SECONDS)
        if not poller.changed():
            return


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
