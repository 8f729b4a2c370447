"""The `publish` executable (`publish.cli.run`) ends its process at once, losing nothing.

What is specified: the same exit status as `main` (0, 1 for a problem, 2 for usage), every byte of
stdout and stderr delivered (also through a pipe), the exit handlers run exactly once, and the
normal way out when a thread is still running or the status is not a number.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"


def _run(*args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """`publish ARGS` through `run`, in a new process; `before` runs first (in the same process)."""
    code = textwrap.dedent(before) + "\nimport sys\nsys.argv = ['publish', *sys.argv[1:]]\n" \
        "from publish.cli import run\nrun()\n"
    # Buffered output, as in most shells' pipes: what is not flushed before the exit is lost.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False, cwd=ROOT, env=env)


def test_the_executable_is_run():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["publish"] == "publish.cli:run"


@pytest.mark.parametrize(("args", "status", "stream", "text"), [
    (["--version"], 0, "stdout", "publish, version 0.1.0"),
    (["no-such-command"], 2, "stderr", "No such command 'no-such-command'"),
    (["check", "/no/such/issue"], 1, "stderr", "error: /no/such/issue: not an issue folder"),
])
def test_status_and_messages_are_those_of_main(args, status, stream, text):
    done = _run(*args)
    assert done.returncode == status, done.stderr
    assert text in getattr(done, stream)
    assert "Traceback" not in done.stderr


def test_every_byte_of_a_long_output_reaches_the_pipe():
    if not (SAMPLE / "issue.toml").exists():
        pytest.skip("examples/sample is not there")
    expected = CliRunner().invoke(main, ["show", str(SAMPLE)]).output
    done = _run("show", str(SAMPLE))
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected and len(expected) > 200


def test_buffered_output_is_flushed_before_the_end():
    # click.echo flushes each line itself; plain print() (and any library's) output sits in the
    # buffer until the exit.
    done = _run("--version", before="""
        import publish.cli, sys
        def main():
            print("to stdout, buffered")
            print("to stderr, buffered", file=sys.stderr)
            sys.exit(3)
        publish.cli.main = main
    """)
    assert done.returncode == 3
    assert done.stdout == "to stdout, buffered\n"
    assert done.stderr == "to stderr, buffered\n"


def test_exit_handlers_run_once(tmp_path):
    log = tmp_path / "atexit.log"
    done = _run("--version", before=f"""
        import atexit
        atexit.register(lambda: open({str(log)!r}, "a").write("ran\\n"))
    """)
    assert done.returncode == 0, done.stderr
    assert log.read_text() == "ran\n"


def test_a_running_thread_takes_the_normal_way_out(tmp_path):
    marker = tmp_path / "thread.done"
    done = _run("no-such-command", before=f"""
        import threading, time
        def late():
            time.sleep(0.3)
            open({str(marker)!r}, "w").write("finished")
        threading.Thread(target=late).start()
    """)
    assert done.returncode == 2
    assert marker.read_text() == "finished"  # the interpreter waited for the thread, as it must


def test_a_text_exit_status_takes_the_normal_way_out():
    done = _run("--version", before="""
        import publish.cli
        publish.cli.main = lambda: (_ for _ in ()).throw(SystemExit("stopped: a reason"))
    """)
    assert done.returncode == 1
    assert done.stderr.strip() == "stopped: a reason"
