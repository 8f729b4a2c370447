"""Benchmark of `publish watch`: the time from saving an article to the new PDF being on disk.

In: the complete example issue (`examples/bayannaoer-2025-01`, or `--issue DIR`), copied to a
temporary folder. Out (stdout): the median, min and max over `--runs` saves of
- save → new PDF: from the moment the edited article is written until the PDF in the output folder
  is replaced (its inode/mtime/size change, looked at every 2 ms) — what the editor waits for,
  including the watcher's polling delay (it looks every 30 ms: 15 ms on average);
- the rebuild alone, as the watcher reports it (`built … in X s`): read, check, fonts, pagination
  and PDF in the warm process, without the polling delay;
- the CPU time the watcher's main thread used from the save to the new PDF (Linux: the run time
  in `/proc/PID/schedstat`, in ns): what the save costs when the process never waits for a core —
  on a busy machine the wall-clock times above are longer by the waiting, this is not.
Then the same for a first edit after start (not counted in the median: it fills the caches).

Each save edits one article in the middle of the issue (a sentence appended to, or taken from, its
last paragraph, alternating), waits for the PDF and for the watcher's line, then pauses 0.3 s so the
page images of the previous rebuild are drawn before the next save. The watcher is started once
(`python -m publish watch ISSUE -o OUT --port 0`) and stopped with SIGINT at the end.

Run: `.venv/bin/python bench/watch.py [--runs 15] [--issue DIR]`. Target (issue 18): median
save → new PDF ≤ 0.15 s. The machine's load is printed: on a shared, busy machine the numbers are
several times what they are on an idle one.
"""


from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ISSUE = ROOT / "examples" / "bayannaoer-2025-01"


def _cpu_seconds(pid: int) -> float | None:
    """Run time of the process's main thread so far (Linux), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _read_until(proc: subprocess.Popen, pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        found = re.search(pattern, line)
        if found:
            return found
        if line.startswith("error") or line.startswith("  "):
            print("watch:", line.rstrip(), file=sys.stderr)
    raise SystemExit(f"publish watch did not print {pattern!r} within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", type=Path, default=DEFAULT_ISSUE)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every save's two times")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="publish-watch-bench-"))
    try:
        issue = work / "issue"
        shutil.copytree(args.issue, issue)
        out = work / "out"
        articles = sorted((issue / "articles").glob("*.md"))
        article = articles[len(articles) // 2]
        original = article.read_text(encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "publish", "watch", str(issue), "-o", str(out), "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            _read_until(proc, r"preview at (http://\S+)", 300)
            pdf = next(out.glob("*.pdf"))
            saves: list[float] = []
            rebuilds: list[float] = []
            cpus: list[float] = []
            for run in range(args.runs + 1):
                time.sleep(0.3)
                before = _signature(pdf)
                text = original + ("\n本刊讯：这是基准测试追加的一句话。\n" if run % 2 == 0 else "")
                cpu_before = _cpu_seconds(proc.pid)
                article.write_text(text, encoding="utf-8")
                saved = time.perf_counter()
                while _signature(pdf) == before:
                    time.sleep(0.002)
                    if time.perf_counter() - saved > 60:
                        raise SystemExit("no new PDF within 60 s")
                waited = time.perf_counter() - saved
                cpu_after = _cpu_seconds(proc.pid)
                reported = float(_read_until(proc, r"built \S+ in ([0-9.]+) s", 60).group(1))
                if run == 0:
                    print(f"first save after start: save → new PDF {waited:.3f} s, rebuild {reported:.3f} s")
                    continue
                saves.append(waited)
                rebuilds.append(reported)
                if cpu_before is not None and cpu_after is not None:
                    cpus.append(cpu_after - cpu_before)
                if args.verbose:
                    print(f"save {run}: save → new PDF {waited:.3f} s, rebuild {reported:.3f} s")
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
        print(f"issue: {args.issue.name}, edited: {article.name}, {args.runs} saves; "
              f"load average {load[0]:.1f} on {os.cpu_count()} cores")
        rows = [("save → new PDF", saves), ("rebuild (reported)", rebuilds)]
        if cpus:
            rows.append(("CPU save → new PDF", cpus))
        for name, values in rows:
            print(f"{name:<20} median {statistics.median(values):.3f} s   min {min(values):.3f} s   "
                  f"max {max(values):.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
