"""Composing an issue's body text on two cores before pagination places it.

In: the compose jobs of every article (element, inline runs, measure — exactly the calls
`Setter.body` will make) and a function composing one job. Out: a dict from job to its lines, half of
them composed in a helper process (`publish.worker`) while this process composes the other half.

Why: composing is a third of a build and every paragraph is independent of every other (a body
paragraph's measure is the column's, whatever page it lands on), while placing lines on pages is
sequential. The helper replies with plain columns (characters, positions, widths, face keys) and
this process rebuilds the same `Line`s, so the result is identical to composing serially (the tests
compare the documents). The helper composes whole articles and keeps their composed-text cache
entries itself (`compose_groups(keep=)`): its reply is those very entries' bytes.

When it is not used: wherever `publish.worker` starts no helper, for small issues (the fork
costs more than it saves), and when no core is spare (`publish.worker.spare_cores`: on two cores
while the build's EPUB helper runs, the second core is the EPUB helper's, and a composing helper
would only slow it down and add its own overhead). If the helper fails for any reason, its half is
simply composed here on demand: the build never depends on it.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from publish.worker import Channel, Worker, spare_cores, usable

__all__ = ["MIN_CHARS", "compose_all", "compose_groups", "payload", "usable"]

# Below this many characters of body text the fork (a few milliseconds) is not worth it.
MIN_CHARS = 20_000

Job = TypeVar("Job", bound=Hashable)


def compose_all(jobs: Sequence[tuple[Job, int]], compose: Callable[[Job], list], *,
                line_type: Any, run_type: Any) -> dict[Job, list]:
    """Lines for every job (`(job, characters)` pairs); the later jobs (half the characters) in a
    helper. `line_type`/`run_type` rebuild the helper's lines (`publish.cjk.Line`, `GlyphRun`)."""
    return compose_groups([((job,), n) for job, n in jobs], compose, line_type=line_type, run_type=run_type)[0]


def compose_groups(groups: Sequence[tuple[Sequence[Job], int]], compose: Callable[[Job], list], *,
                   line_type: Any, run_type: Any, keep: Callable[[int, bytes], None] | None = None,
                   ) -> tuple[dict[Job, list], set[int]]:
    """Lines for the jobs of every group (`(jobs, characters)` pairs: an article's paragraphs);
    the later groups (half the characters) in a helper. With `keep`, the helper passes each of its
    groups' lines in their stored form (`payload`) to `keep(index of the group, payload)` — the
    composed-text cache entry, written by the helper itself: the same bytes are its reply, so they
    are made once, not once for the reply and again here for the cache. Returns the lines by job
    and the indices of the groups the helper kept (none when it failed: then they are this
    process's to keep, as its own are)."""
    total = sum(n for _, n in groups)
    out: dict[Job, list] = {}
    if total < MIN_CHARS or spare_cores() < 1:  # (a core no other helper of the build is using)
        return out, set()
    # split where half the characters are done: the helper takes the rest
    acc, cut = 0, len(groups)
    for k, (_, n) in enumerate(groups):
        acc += n
        if acc >= total / 2:
            cut = k + 1
            break
    mine, theirs = groups[:cut], groups[cut:]
    if not theirs:
        return out, set()

    def work(channel: Channel) -> None:
        reply = []
        for k, (jobs, _) in enumerate(theirs, start=cut):
            data = payload([compose(job) for job in jobs])
            if keep is not None:
                keep(k, data)
            reply.append(data)
        channel.reply(reply)

    helper = Worker.start(work)
    if helper is None:
        return out, set()
    try:
        for jobs, _ in mine:
            for job in jobs:
                out[job] = compose(job)
        reply = helper.receive()
    except BaseException:
        helper.cancel()
        raise
    ok = helper.wait()
    if not ok or not isinstance(reply, list) or len(reply) != len(theirs):
        return out, set()  # the helper failed: its jobs are composed on demand instead
    for (jobs, _), data in zip(theirs, reply, strict=True):
        lines = marshal.loads(data) if type(data) is bytes else None
        if type(lines) is not list or len(lines) != len(jobs):
            return out, set()
        for job, cols in zip(jobs, lines, strict=True):
            out[job] = [from_columns(c, line_type, run_type) for c in cols]
    return out, (set(range(cut, len(groups))) if keep is not None else set())


def payload(lines: Sequence[list]) -> bytes:
    """The lines of a group of jobs as the composed-text cache stores them (and a helper replies
    them): marshal data of their columns (`to_columns`)."""
    return marshal.dumps([to_columns(ls) for ls in lines])


def to_columns(lines: list) -> list[tuple]:
    """A composed paragraph as plain values (for the helper's reply and the cache): per line, its
    glyphs' columns and the line's numbers. Two columns in a shorter form when they allow it — the
    characters as one string when every glyph is one character (a composer's always are), the
    faces as one key when the line is in one face (nearly every line) — which `marshal` writes in
    three quarters of the time and size of tuples of one-character strings and reads in half the
    time (a new issue's composed text: 2.5 → 1.8 MB, ~1.5 ms less to write); `from_columns` makes
    equal tuples again."""
    out = []
    for ln in lines:
        g = ln.glyphs
        chars, faces = tuple(g.chars), tuple(g.faces)  # (the columns are tuples: `publish.columns`)
        text = "".join(chars)
        first = faces[0] if faces else None
        out.append((chars if len(text) != len(chars) or "" in chars else text,  # (a glyph of several characters)
                    g.xs, g.widths, first if first is not None and faces.count(first) == len(faces) else faces,
                    g.offsets, ln.natural, ln.width, ln.ratio, ln.last, ln.indent, ln.align, ln.hung))
    return out


def from_columns(cols: tuple, line_type: Any, run_type: Any) -> Any:
    """The line `to_columns` wrote `cols` for (`line_type`, `run_type`: the composer's `Line`, `GlyphRun`)."""
    chars, xs, widths, faces, offsets, natural, width, ratio, last, indent, align, hung = cols
    if type(chars) is str:
        chars = tuple(chars)
    if type(faces) is str:
        faces = (faces,) * len(xs)
    return line_type(run_type(chars, xs, widths, faces, offsets), natural, width, ratio, last, indent, align,
                     hung)
