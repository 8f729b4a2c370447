"""`publish.Publisher` and batch builds: a long-lived process renders again and again with steady
memory; renders run in thread, fork and spawn pools with the same bytes; `build_many` builds on
this machine's cores and on a Dask cluster, with file names unique per issue."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import gc
import multiprocessing
import statistics
import sys
from pathlib import Path

import pytest
from build_support import SAMPLE

import publish

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")

EPOCH = 1737331200
MB = 1024 * 1024


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads the resident size from /proc (Linux)")
def test_forty_renders_in_one_publisher_keep_memory_steady(tmp_path):
    from reportlab.lib import fonts as rl_families
    from reportlab.pdfbase import pdfmetrics

    # A cache of its own: another process clearing the shared one would turn renders cold midway
    # (cold font work raises the allocator's high-water mark, which is not what is measured here).
    with publish.Publisher(cache_dir=tmp_path / "cache", source_date_epoch=EPOCH) as publisher:
        first = publisher.render(SAMPLE)
        for _ in range(4):  # warm-up: caches filled, the allocator at its working size
            publisher.render(SAMPLE)
        registered = (len(pdfmetrics._fonts), len(rl_families._tt2ps_map))
        # The resident size after each render: one reading can sit on a passing peak (the allocator
        # keeps or returns arenas as it likes, ±20 MB seen in a full suite run), so the growth is the
        # median of the last ten readings against the median of the first ten — a leak raises every
        # reading, a passing peak moves neither median.
        sizes = []
        for _ in range(40):
            last = publisher.render(SAMPLE)
            gc.collect()
            sizes.append(_rss())
        grown = statistics.median(sizes[-10:]) - statistics.median(sizes[:10])
    print(f"memory: {grown / MB:.1f} MB over 40 renders")
    assert grown < 10 * MB, f"grew {grown / MB:.1f} MB over 40 renders"
    # ReportLab's process-wide font tables do not grow with each PDF made
    assert (len(pdfmetrics._fonts), len(rl_families._tt2ps_map)) == registered
    assert (last.pdf, last.epub) == (first.pdf, first.epub)


def test_a_publisher_gives_the_heap_back_after_every_render_and_build_even_a_failed_one(tmp_path, monkeypatch):
    import publish.publisher as publisher_module

    calls = []
    monkeypatch.setattr(publisher_module, "give_back", lambda: calls.append(1))
    with publish.Publisher(cache_dir=tmp_path / "cache", fork=False, source_date_epoch=EPOCH) as publisher:
        publisher.render(SAMPLE, epub=False)
        assert len(calls) == 1
        publisher.build(SAMPLE, tmp_path / "out", epub=False)
        assert len(calls) == 2
        with pytest.raises(publish.SourceError):
            publisher.render(tmp_path / "no-such-issue")
        assert len(calls) == 3


def test_publisher_options_are_its_own_and_change_nothing_process_wide(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    was = gc.isenabled()
    with publish.Publisher(cache_dir=tmp_path / "cache", fork=False, pause_gc=False,
                           source_date_epoch=EPOCH) as publisher:
        seen = []
        publisher.render(SAMPLE, epub=False, progress=lambda *a: seen.append(gc.isenabled()))
        assert all(seen)  # pause_gc=False: the collector stays on during the build
        r = publisher.render(SAMPLE)
    assert any((tmp_path / "cache").rglob("*.bin"))  # the caches went where the Publisher said
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    again = publish.render(SAMPLE)
    assert (again.pdf, again.epub) == (r.pdf, r.epub)  # source_date_epoch= is SOURCE_DATE_EPOCH
    assert gc.isenabled() == was


def test_the_gc_is_paused_during_a_build_by_default_and_enabled_after():
    seen = []
    publish.render(SAMPLE, epub=False, progress=lambda *a: seen.append(gc.isenabled()))
    assert seen and not any(seen) and gc.isenabled()


def _render_pdf(source: str) -> bytes:
    with publish.Publisher(source_date_epoch=EPOCH) as publisher:
        pdf = publisher.render(source, epub=False).pdf
    assert pdf is not None
    return pdf


@pytest.mark.parametrize("kind", ["thread", "fork", "spawn"])
def test_renders_in_a_pool_give_the_same_bytes(kind):
    if kind != "thread" and kind not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {kind} start method on {sys.platform}")
    expected = _render_pdf(str(SAMPLE))
    if kind == "thread":
        pool: cf.Executor = cf.ThreadPoolExecutor(max_workers=2)
    else:
        pool = cf.ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(kind))
    with pool:
        results = list(pool.map(_render_pdf, [str(SAMPLE)] * 3))
    assert results == [expected] * 3


def _two_issues(tmp_path: Path) -> list[Path]:
    """The sample, and a copy of it as another issue (label 第2期)."""
    import shutil

    second = tmp_path / "second"
    shutil.copytree(SAMPLE, second)
    toml = second / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("2025年第1期", "2025年第2期"), encoding="utf-8")
    return [SAMPLE, second]


def test_build_many_on_this_machine_names_each_issue_uniquely(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    results = publish.build_many(_two_issues(tmp_path), tmp_path / "out", jobs=2)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [f"bayannaoer-renda-2025-{n}{suffix}" for n in (1, 2)
                     for suffix in ("-screen.pdf", ".epub", ".pdf")]
    assert [r.pdf_path.name for r in results] == ["bayannaoer-renda-2025-1.pdf", "bayannaoer-renda-2025-2.pdf"]
    assert results[0].pdf_path.read_bytes() == publish.render(SAMPLE).pdf


def test_build_many_refuses_to_overwrite_one_issue_with_another(tmp_path):
    issue = publish.load_issue(SAMPLE)
    other = dataclasses.replace(issue, sections=issue.sections[:1])  # another issue, the same name
    with pytest.raises(publish.BuildError) as err:
        publish.build_many([issue, other], tmp_path, jobs=1, epub=False, screen=False)
    assert [p.code for p in err.value.problems] == ["output-name-clash"]
    assert [p.name for p in tmp_path.iterdir()] == ["bayannaoer-renda-2025-1.pdf"]
    assert tmp_path.joinpath("bayannaoer-renda-2025-1.pdf").read_bytes() == publish.render(
        issue, epub=False, screen=False).pdf


def test_build_many_builds_the_good_issues_and_reports_the_bad(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(publish.BuildError) as err:
        publish.build_many([SAMPLE, bad], tmp_path / "out", jobs=1, epub=False, screen=False)
    assert "no issue.toml" in str(err.value)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["bayannaoer-renda-2025-1.pdf"]


_CLUSTER_SCRIPT = """
import sys
from pathlib import Path

import distributed

import publish

sources, out = [Path(a) for a in sys.argv[1:-1]], Path(sys.argv[-1])
with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                              dashboard_address=None) as cluster, distributed.Client(cluster) as client:
    results = publish.build_many(sources, out, client=client)
print("\\n".join(str(r.pdf_path) for r in results))
"""


def test_build_many_on_a_dask_local_cluster(tmp_path):
    import os
    import subprocess

    pytest.importorskip("distributed", reason="the dask extra (pip install 'publish[dask]')")
    sources = _two_issues(tmp_path)
    # In a child process: Dask leaves threads running in the process that used it, and a process
    # with threads never forks helpers (the tests of those would then test nothing).
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    done = subprocess.run([sys.executable, "-c", _CLUSTER_SCRIPT, *map(str, sources), str(tmp_path / "out")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdfs = [Path(line) for line in done.stdout.split()]
    assert [p.name for p in pdfs] == ["bayannaoer-renda-2025-1.pdf", "bayannaoer-renda-2025-2.pdf"]
    with publish.Publisher(source_date_epoch=EPOCH) as publisher:
        expected = publisher.render(SAMPLE)
    assert pdfs[0].read_bytes() == expected.pdf
    assert pdfs[0].with_suffix(".epub").read_bytes() == expected.epub
