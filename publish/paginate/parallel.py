"""Composing an issue's body text on two cores before pagination places it.

In: the compose jobs of every article (element, inline runs, measure — exactly the calls
`Setter.body` will make) and a function composing one job. Out: a dict from job to its lines, half of
them composed in a forked child process while this process composes the other half.

Why: composing is a third of a build and every paragraph is independent of every other (a body
paragraph's measure is the column's, whatever page it lands on), while placing lines on pages is
sequential. The child returns plain columns (characters, positions, widths, face keys) through a
pipe with `marshal`, and the parent rebuilds the same `Line`s, so the result is identical to
composing serially (the tests compare the documents). The child exits with `os._exit`: it runs no
clean-up and writes no file.

When it is not used: on systems without `fork` (Windows; macOS, where forking a process that may
hold system frameworks is unsafe), with one usable core, when threads are running (a lock held by
another thread at the fork would stay held in the child), for small issues (the fork costs more than
it saves), or when `PUBLISH_JOBS=1` is set. If the child fails for any reason, its half is simply
composed here on demand: the build never depends on the child.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from publish.background import fork_with_pipe, usable

__all__ = ["MIN_CHARS", "compose_all", "usable"]

# Below this many characters of body text the fork (a few milliseconds) is not worth it.
MIN_CHARS = 20_000

Job = Hashable


def compose_all(jobs: Sequence[tuple[Job, int]], compose: Callable[[Job], list], *,
                line_type: Any, run_type: Any) -> dict[Job, list]:
    """Lines for every job (`(job, characters)` pairs); the later jobs (half the characters) in a
    child. `line_type`/`run_type` rebuild the child's lines (`publish.cjk.Line`, `GlyphRun`)."""
    total = sum(n for _, n in jobs)
    out: dict[Job, list] = {}
    if total < MIN_CHARS or not usable():
        return out
    # split where half the characters are done: the child takes the rest
    acc, cut = 0, len(jobs)
    for k, (_, n) in enumerate(jobs):
        acc += n
        if acc >= total / 2:
            cut = k + 1
            break
    mine, theirs = jobs[:cut], jobs[cut:]
    if not theirs:
        return out
    forked = fork_with_pipe()
    if forked is None:
        return out
    pid, read_fd, write_fd = forked
    if pid == 0:  # the child: compose, send, leave without clean-up
        status = 1
        try:
            os.close(read_fd)
            payload = marshal.dumps([to_columns(compose(job)) for job, _ in theirs])
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    pipe = os.fdopen(read_fd, "rb")
    try:
        for job, _ in mine:
            out[job] = compose(job)
        payload = pipe.read()
    finally:
        pipe.close()  # first, so that a child still writing gets a broken pipe instead of waiting
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return out  # the child failed: its jobs are composed on demand instead
    for (job, _), lines in zip(theirs, marshal.loads(payload), strict=True):
        out[job] = [from_columns(cols, line_type, run_type) for cols in lines]
    return out


def to_columns(lines: list) -> list[tuple]:
    """A composed paragraph as plain values marshal can carry."""
    out = []
    for ln in lines:
        g = ln.glyphs
        out.append((g.chars, g.xs, g.widths, g.faces, g.offsets, ln.natural, ln.width, ln.ratio, ln.last,
                    ln.indent, ln.align, ln.hung))
    return out


def from_columns(cols: tuple, line_type: Any, run_type: Any) -> Any:
    chars, xs, widths, roles, offsets, natural, width, ratio, last, indent, align, hung = cols
    return line_type(run_type(chars, xs, widths, roles, offsets), natural, width, ratio, last, indent, align,
                     hung)
