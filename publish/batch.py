"""Building many issues at once: on this machine's cores, or on a Dask cluster.

In: issue folders and/or `Issue` models, an output folder, how many at once (`jobs`) or a
`dask.distributed.Client`. Out: each issue's files in the output folder, named by `Issue.slug`
(magazine slug + label or date), and the `BuildResult`s in the order of the sources.

How: each issue is rendered where the work runs — a worker process of this machine (`jobs` > 1),
a Dask worker (`client`), or this process (`jobs=1`) — and its bytes come back here, where the
files are written (atomically, each issue's files all or none). So a cluster's workers need the
issue folders (and their images and fonts) but not the output folder. Two issues that would get
the same file name are an error for the later one in source order, never an overwrite. An issue
that fails does not stop the others: when all are done, a `BuildError` lists every problem of
every failed issue (the others' files are written).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from publish import settings
from publish.build import (
    BuildResult,
    Rendered,
    Source,
    edition_files,
    render,
    result_of,
    write_files,
)
from publish.errors import BuildError, Problem, PublishError
from publish.loaders import KeptLoaders, Loaders

Outcome = tuple[Rendered | None, tuple[Problem, ...]]

# A worker process keeps layouts and fonts between the issues it is given.
_worker_loaders: Loaders | None = None


def build_many(
    sources: Iterable[Source],
    out_dir: Path | str,
    *,
    jobs: int | None = None,
    client: Any = None,
    pdf: bool = True,
    screen: bool = True,
    epub: bool = True,
    epub_fonts: bool = True,
    strict_fonts: bool | None = None,
    allow_outside: bool = False,
) -> list[BuildResult]:
    """Build every issue of `sources` into `out_dir`; see the module docstring.

    `jobs`: issues built at once on this machine (default: one per usable core; 1: one after
    another in this process). `client`: a `dask.distributed.Client` whose workers render the
    issues (needs `pip install 'publish[dask]'`); `jobs` is then not used.

    >>> import tempfile, publish
    >>> results = publish.build_many(["examples/sample"], tempfile.mkdtemp(), jobs=1, epub=False)
    >>> [r.pdf_path.name for r in results]
    ['bayannaoer-renda-2025-1.pdf']
    """
    return run(sources, out_dir, jobs=jobs, client=client, pdf=pdf, screen=screen, epub=epub, epub_fonts=epub_fonts,
               strict_fonts=strict_fonts, allow_outside=allow_outside)


def run(
    sources: Iterable[Source],
    out_dir: Path | str,
    *,
    jobs: int | None = None,
    client: Any = None,
    pdf: bool = True,
    screen: bool = True,
    epub: bool = True,
    epub_fonts: bool = True,
    strict_fonts: bool | None = None,
    allow_outside: bool = False,
    settings_: settings.Settings | None = None,
    loaders: Loaders | None = None,
) -> list[BuildResult]:
    """`build_many` with given settings (a Publisher's) and, in this process, kept loaders."""
    items = list(sources)
    out = Path(out_dir)
    options: dict[str, Any] = {"pdf": pdf, "screen": screen, "epub": epub, "epub_fonts": epub_fonts, "strict_fonts": strict_fonts,
                              "allow_outside": allow_outside}
    chosen = settings_ or settings.current()
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if client is not None:
        outcomes = _on_cluster(client, items, options, chosen)
    else:
        workers = min(jobs or _cores(), len(items)) or 1
        if workers == 1:
            outcomes = (_render_here(s, options, chosen, loaders) for s in items)
        else:
            outcomes = _in_processes(workers, items, options, chosen)
    return _write_all(items, outcomes, out)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _render_here(source: Source, options: dict[str, Any], chosen: settings.Settings,
                 loaders: Loaders | None) -> Outcome:
    try:
        with settings.using(chosen):
            return render(source, loaders=loaders, **options), ()
    except PublishError as err:
        return None, err.problems


def render_one(source: Source, options: dict[str, Any], chosen: settings.Settings) -> Outcome:
    """Render one issue in a worker (a process of the pool or a Dask worker): its bytes, or its
    problems (exceptions do not travel well between processes: their problems do)."""
    global _worker_loaders
    if _worker_loaders is None:
        _worker_loaders = KeptLoaders()
    return _render_here(source, options, chosen, _worker_loaders)


def _in_processes(workers: int, items: list[Source], options: dict[str, Any],
                  chosen: settings.Settings) -> Iterator[Outcome]:
    import multiprocessing

    # fork is fast (no imports again) but unsafe once threads run here: spawn then, and elsewhere.
    fork = sys.platform.startswith("linux") and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if fork else "spawn")
    pool: Executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    with pool:
        futures: list[Future[Outcome]] = [pool.submit(render_one, s, options, chosen) for s in items]
        for future in futures:
            yield future.result()


def _on_cluster(client: Any, items: list[Source], options: dict[str, Any],
                chosen: settings.Settings) -> Iterator[Outcome]:
    futures = client.map(render_one, items, options=options, chosen=chosen, pure=False)
    for future in futures:
        yield future.result()
        future.release()


def _write_all(items: list[Source], outcomes: Iterable[Outcome], out: Path) -> list[BuildResult]:
    results: list[BuildResult] = []
    failed: list[Problem] = []
    owner: dict[str, Source] = {}
    for source, (rendered, problems) in zip(items, outcomes, strict=True):
        if rendered is None:
            failed += problems
            continue
        first = owner.setdefault(rendered.name, source)
        if first is not source:
            failed.append(Problem(
                f"{_shown(source)} would be written as {rendered.name}.* like {_shown(first)}",
                fix="give the issues different [magazine] slugs or labels", code="output-name-clash"))
            continue
        try:
            written = write_files(out, rendered.name, edition_files(rendered))
        except PublishError as err:
            failed += err.problems
            continue
        results.append(result_of(rendered, written))
    if failed:
        raise BuildError(*failed)
    return results


def _shown(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    root = getattr(source, "root", None)
    return str(root) if root is not None else f"issue {getattr(source, 'label', '?')}"
