"""Composing an issue's body text on two cores before pagination places it.

In: the compose jobs of every article (element, inline runs, measure — exactly the calls
`Setter.body` will make) and a function composing one job. Out: a dict from job to its lines, half of
them composed in a helper process (`publish.worker`) while this process composes the other half.

Why: composing is a third of a build and every paragraph is independent of every other (a body
paragraph's measure is the column's, whatever page it lands on), while placing lines on pages is
sequential. The helper replies with plain columns (characters, positions, widths, face keys) and
this process rebuilds the same `Line`s, so the result is identical to composing serially (the tests
compare the documents).

When it is not used: wherever `publish.worker` starts no helper, and for small issues (the fork
costs more than it saves). If the helper fails for any reason, its half is simply composed here on
demand: the build never depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from publish.worker import Channel, Worker, usable

__all__ = ["MIN_CHARS", "compose_all", "usable"]

# Below this many characters of body text the fork (a few milliseconds) is not worth it.
MIN_CHARS = 20_000

Job = TypeVar("Job", bound=Hashable)


def compose_all(jobs: Sequence[tuple[Job, int]], compose: Callable[[Job], list], *,
                line_type: Any, run_type: Any) -> dict[Job, list]:
    """Lines for every job (`(job, characters)` pairs); the later jobs (half the characters) in a
    helper. `line_type`/`run_type` rebuild the helper's lines (`publish.cjk.Line`, `GlyphRun`)."""
    total = sum(n for _, n in jobs)
    out: dict[Job, list] = {}
    if total < MIN_CHARS or not usable():
        return out
    # split where half the characters are done: the helper takes the rest
    acc, cut = 0, len(jobs)
    for k, (_, n) in enumerate(jobs):
        acc += n
        if acc >= total / 2:
            cut = k + 1
            break
    mine, theirs = jobs[:cut], jobs[cut:]
    if not theirs:
        return out

    def work(channel: Channel) -> None:
        channel.reply([to_columns(compose(job)) for job, _ in theirs])

    helper = Worker.start(work)
    if helper is None:
        return out
    try:
        for job, _ in mine:
            out[job] = compose(job)
        reply = helper.receive()
    except BaseException:
        helper.cancel()
        raise
    ok = helper.wait()
    if not ok or not isinstance(reply, list) or len(reply) != len(theirs):
        return out  # the helper failed: its jobs are composed on demand instead
    for (job, _), lines in zip(theirs, reply, strict=True):
        out[job] = [from_columns(cols, line_type, run_type) for cols in lines]
    return out


def to_columns(lines: list) -> list[tuple]:
    """A composed paragraph as plain values (for the helper's reply and the cache)."""
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
