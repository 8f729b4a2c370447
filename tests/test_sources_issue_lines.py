"""Where issue.toml names a thing: the line of the n-th occurrence of a string, as counted line by
line with `str.count` (non-overlapping), found by searching the whole text — the same answer on
overlapping patterns, repeated entries, needles past the last occurrence; and reading an issue that
lists many articles does not scan the file once per article."""

from __future__ import annotations

import random

from publish.sources.issue import _occurrence_line


def line_by_line(lines: list[str], needle: str, nth: int) -> int | None:
    seen = 0
    for number, line in enumerate(lines, start=1):
        count = line.count(needle)
        if seen + count > nth:
            return number
        seen += count
    return None


def test_the_nth_occurrence_is_found_on_the_line_str_count_gives():
    rng = random.Random(19)
    for _ in range(400):
        lines = ["".join(rng.choices('a"b/[]', k=rng.randint(0, 12))) for _ in range(rng.randint(0, 12))]
        for needle in ("a", "aa", "aaa", '"a"', "[[", "b/a", '"'):
            for nth in range(6):
                assert _occurrence_line(lines, needle, nth) == line_by_line(lines, needle, nth), (lines, needle, nth)


def test_articles_listed_twice_and_an_issue_read_again():
    lines = ['articles = [', '  "articles/a.md",', '  "articles/b.md", "articles/a.md",', ']']
    assert _occurrence_line(lines, '"articles/a.md"', 0) == 2
    assert _occurrence_line(lines, '"articles/a.md"', 1) == 3
    assert _occurrence_line(lines, '"articles/a.md"', 2) is None
    other = ['"articles/a.md"', *lines]  # another file read after it: its own lines
    assert _occurrence_line(other, '"articles/a.md"', 0) == 1
    assert _occurrence_line(lines, "\n", 0) is None  # a needle with a newline is never on one line
