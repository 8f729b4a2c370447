"""Interrupted builds (issue 17 point 6): a `publish build` killed with `kill -9` leaves no helper
process running (its helpers die with it) and its scratch folder `OUT/.publish-XXXX/` is removed by
the next build into the same folder; a running build's scratch folder is never touched.

The killed builds are real subprocesses of the `publish` command. A small runner slows the build
down at a chosen point (the EPUB helper preparing, or both writers done but not yet installed) so
the kill lands where it matters, and writes marker files saying where it is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from publish import scratch
from publish.worker import usable

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
needs_fork = pytest.mark.skipif(not usable() or not Path("/proc").is_dir(),
                                reason="helpers are forked on Linux with two usable cores only")

RUNNER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    mode, issue, out, markers = sys.argv[1:5]
    markers = Path(markers)
    import publish.epub.writer as writer
    import publish.pdf as pdf

    def mark(name, text=""):
        (markers / name).write_text(text or str(os.getpid()))

    if mode == "helper-preparing":
        def slow_prepare(*args, **kwargs):
            mark("helper")
            time.sleep(120)
        writer.prepare_epub = slow_prepare
    elif mode == "writing":
        real_pdf, real_epub = pdf.write_pdf, writer.write_epub

        def slow_pdf(*args, **kwargs):
            real_pdf(*args, **kwargs)
            mark("parent")
            time.sleep(120)

        def busy_epub(issue, path, **kwargs):  # the helper: writes the EPUB, then keeps writing
            real_epub(issue, path, **kwargs)
            mark("helper")
            with open(Path(path).with_suffix(".more"), "ab") as f:
                for _ in range(2400):
                    f.write(b"x" * 4096)
                    f.flush()
                    time.sleep(0.05)

        pdf.write_pdf = slow_pdf
        writer.write_epub = busy_epub
    from publish.cli import main
    main(["build", issue, "-o", out, "-q"])
    """
)


def _start(mode: str, out: Path, markers: Path, tmp_path: Path) -> subprocess.Popen:
    markers.mkdir(exist_ok=True)
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    env = {**os.environ, "PUBLISH_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PUBLISH_JOBS", None)
    return subprocess.Popen([sys.executable, str(runner), mode, str(SAMPLE), str(out), str(markers)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(paths: list[Path], proc: subprocess.Popen, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not all(p.exists() for p in paths):
        if proc.poll() is not None:
            raise AssertionError(f"the build ended early: {proc.stderr.read().decode(errors='replace')}")
        if time.monotonic() > end:
            proc.kill()
            raise AssertionError("the build never reached the point to interrupt")
        time.sleep(0.02)
    time.sleep(0.05)  # the marker's text is written


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has stopped running and counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _gone_within(pid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > end:
            os.kill(pid, signal.SIGKILL)  # the test has failed: leave no process behind
            return False
        time.sleep(0.02)
    return True


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _build_normally(out: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PUBLISH_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "publish", "build", str(SAMPLE), "-o", str(out), "-q"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


@needs_fork
def test_kill_9_while_writing_leaves_no_helper_and_the_next_build_removes_the_scratch_folder(tmp_path):
    out, markers = tmp_path / "out", tmp_path / "markers"
    proc = _start("writing", out, markers, tmp_path)
    _wait_for([markers / "parent", markers / "helper"], proc)
    helper = int((markers / "helper").read_text())
    assert helper != proc.pid and _alive(helper)
    (left,) = [p for p in out.iterdir() if p.name.startswith(".publish-")]
    assert _tree_size(left) > 100_000  # full-size PDF and EPUB, and the helper still writing

    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _gone_within(helper, 5.0), "the EPUB helper outlived the killed build"
    size = _tree_size(left)
    time.sleep(0.3)
    assert _tree_size(left) == size  # nobody writes there any more

    _build_normally(out, tmp_path)
    assert sorted(p.name for p in out.iterdir()) == ["bayannaoer-renda-2025-1-screen.pdf", "bayannaoer-renda-2025-1.epub",
                                                     "bayannaoer-renda-2025-1.pdf"]


@needs_fork
def test_kill_9_while_the_helper_is_busy_kills_the_helper_too(tmp_path):
    # The helper is not reading its pipe (it is preparing): only the kernel's parent-death signal
    # can stop it, not the end-of-file it would read later.
    out, markers = tmp_path / "out", tmp_path / "markers"
    proc = _start("helper-preparing", out, markers, tmp_path)
    _wait_for([markers / "helper"], proc)
    helper = int((markers / "helper").read_text())
    assert helper != proc.pid and _alive(helper)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _gone_within(helper, 5.0), "the EPUB helper outlived the killed build"


# --- the sweep itself (any platform) -------------------------------------------------------------


def test_a_left_over_scratch_folder_is_removed_and_a_locked_one_is_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    left = out / ".publish-left"
    left.mkdir()
    (left / scratch.LOCK_NAME).write_text("")
    (left / "big.pdf").write_bytes(b"x" * 1000)
    with scratch.Scratch(out) as live:  # this build's own folder: locked while it runs
        assert not left.exists()
        assert live.is_dir()
        assert scratch.sweep(out) == []  # a second build starting now keeps the running one's folder
        assert live.is_dir()
    assert not live.exists()
    assert list(out.iterdir()) == []


def test_a_scratch_folder_held_by_another_process_is_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from publish.scratch import Scratch
        with Scratch(Path({str(out)!r})) as folder:
            print(folder, flush=True)
            sys.stdin.readline()
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        held = Path(holder.stdout.readline().strip())
        assert held.is_dir()
        assert scratch.sweep(out) == [] and held.is_dir()
    finally:
        holder.communicate("\n", timeout=30)
    assert not held.exists()


def test_an_unlocked_folder_is_left_alone_while_it_is_new(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    fresh = out / ".publish-fresh"  # made a moment ago by a build that has not locked it yet
    fresh.mkdir()
    old = out / ".publish-old"  # from a version without locks, long ago
    old.mkdir()
    os.utime(old, (time.time() - 2 * scratch.UNLOCKED_GRACE_S,) * 2)
    assert scratch.sweep(out) == [old]
    assert fresh.is_dir() and not old.exists()


def test_the_build_removes_scratch_folders_of_killed_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    from publish.build import build

    out = tmp_path / "out"
    left = out / ".publish-killed"
    left.mkdir(parents=True)
    (left / scratch.LOCK_NAME).write_text("")
    (left / "issue.pdf").write_bytes(b"%PDF-" + b"x" * 10_000)
    build(SAMPLE, out)
    assert not left.exists()
