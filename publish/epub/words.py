"""Chinese text cut into dictionary words: jieba's segmentation, without loading jieba's dictionary.

In: texts (and optionally a dictionary file in jieba's format). Out: each text's words, exactly what
`jieba.Tokenizer().cut(text, HMM=False)` gives (the maximum-probability path over the word graph of
jieba's dictionary, no HMM guesser), or None when jieba's dictionary is not installed or is one
jieba would refuse.

Why not jieba itself: `jieba.initialize()` turns its 349,000-line dictionary into a 498,000-entry
Python dict of every word and every word prefix — ~0.56 s and ~87 MB — and `import jieba` loads
its HMM tables (~0.13 s), to cut some forty titles. The cut only ever asks the dictionary about
substrings of the text: is it a word (and how frequent), does a word begin with it; and it needs
the sum of all frequencies. So only the dictionary lines that can answer for *these* texts are
read (`read_dictionary`): the one-character words that are characters of a text, and the words
that begin with two characters following each other in a text — a few thousand lines. jieba's
`dict.txt` keeps the lines of each first character together (11,783 runs of lines), so they are
found with `find` inside the runs of the texts' characters only (~10 ms for an issue's titles;
those runs read from the file, ~1.3 MB, the rest of it never touched). The runs, the total, and whether every line has the plain form this
reads (`word digits[ tag]`; jieba's own dictionary does) are found once per dictionary file by
two regular-expression passes over it (~0.1 s) and kept in the cache (kind "words", ~0.1 MB, keyed
by the file's content and this module's source) — on a cold cache by a helper a build forks
before it reads the issue (`keep_survey`); a file with other lines (spaces around,
CR LF after a frequency, other digits) is read line by line as jieba reads it.

The arithmetic is jieba's, in the same order (`log(freq or 1) - log(total) + route`, ties to the
longer word), so the floating-point scores and the chosen paths are the same;
`tests/test_epub_words.py` compares the two on the example issues' text and on small dictionaries.
"""

from __future__ import annotations

import array
import mmap
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import log
from pathlib import Path
from typing import TypeGuard, TypeVar

KIND = "words"
_T = TypeVar("_T")

# jieba 0.42's own patterns (`re_han_default`, `re_skip_default`, `re_eng`).
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)

# A line in the plain form: the word (no space, not starting with whitespace), one space, the
# frequency in ASCII digits, then nothing or a space and anything (the tag). For such a line jieba's
# `line.strip().decode().split(" ")[:2]` and `int(freq)` give this word and this number. The first
# line has no newline before it (`_PLAIN_FIRST`).
_PLAIN = re.compile(rb"\n[^\s][^ \n]* ([0-9]+)(?: [^\n]*)?(?=\n|\Z)")
_PLAIN_FIRST = re.compile(rb"[^\s][^ \n]* ([0-9]+)(?: [^\n]*)?(?=\n|\Z)")
_CHUNK = 1 << 20  # the file is read in pieces of whole lines: ~3 MB of match objects at a time
# A run of lines whose words begin with the same character (jieba's dictionary holds its 349,046
# lines in 11,783 such runs: by first character, in code point order after a short head), matched
# whole from the newline before it: the character, then every line up to the next one that does
# not begin with it. UTF-8 is prefix-free, so the bytes of the first character name it.
_CHAR = rb"(?:[\x00-\x7f]|[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf7][\x80-\xbf]{3})"
_RUN = re.compile(rb"\n(" + _CHAR + rb")(?:[^\n]*\n\1)*[^\n]*")
_RUN_FIRST = re.compile(rb"(" + _CHAR + rb")(?:[^\n]*\n\1)*[^\n]*")


def dictionary_file() -> Path | None:
    """jieba's `dict.txt`, found without importing jieba (its import loads the HMM tables)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("jieba")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "dict.txt"
        if path.is_file():
            return path
    return None


@dataclass(frozen=True)
class Dictionary:
    """What jieba's dictionary says about the substrings of some texts (`read_dictionary`):
    `lookup(fragment)` is jieba's `FREQ.get(fragment)` for every fragment the cut of those texts
    asks about (see `lookup`)."""

    total: int  # the sum of the frequencies of all the dictionary's lines
    freqs: dict[str, int]  # the texts' substrings that are words → frequency (of the word's last line)
    prefixes: frozenset[str]  # the texts' substrings of two or more characters that begin a longer word

    def lookup(self, fragment: str) -> int | None:
        """The frequency of a word; 0 for a fragment that begins a word without being one; None
        for a fragment of two or more characters that begins no word. A single character that is
        no word answers 0 whether or not a word begins with it: the cut then asks about it and the
        next character, which answers None when no word begins with the character — the same
        word graph as jieba's None (`_cut_block` only stops early on None)."""
        freq = self.freqs.get(fragment)
        if freq is not None:
            return freq
        if len(fragment) < 2 or fragment in self.prefixes:
            return 0
        return None


def _blocks(texts: Iterable[str]) -> list[str]:
    """The runs of the texts that the cut looks words up in (jieba's `re_han_default`)."""
    return [block for text in texts for block in _HAN.split(text) if block and _HAN.match(block)]


def read_dictionary(texts: Sequence[str], path: Path | None = None) -> Dictionary | None:
    """What the dictionary at `path` (jieba's own when None) says about the substrings of `texts`;
    None without a dictionary, or for one jieba would refuse (a line without a frequency, a
    frequency that is no number, bytes that are not UTF-8)."""
    return _mapped(path, lambda data, key, fd: _read(data, texts, key, fd))


def keep_survey(path: Path | None = None) -> None:
    """Survey the dictionary at `path` (jieba's own when None) and keep the survey, unless it is
    kept already: what `read_dictionary` reads first, made ahead. Why: on a cold cache the survey
    (~0.1 s) is the larger part of cutting an issue's titles, and it depends on no issue: a build
    has it made by a helper forked before it reads the issue, while the second core is idle
    (`publish.build`), instead of by its EPUB helper, the last process to finish."""
    _mapped(path, lambda data, key, fd: _kept_survey(data, key))


def _mapped(path: Path | None, use: Callable[[mmap.mmap, str, int | None], _T]) -> _T | None:
    """`use(the dictionary file's bytes, its cache key, the open file's descriptor to read pieces
    of it with os.pread, or None where there is none)`; None without a dictionary, for an empty
    one (no words, total 0: jieba fails on it too, log of 0) or one that cannot be read."""
    from publish import cache

    if path is None:
        path = dictionary_file()
        if path is None:
            return None
    try:
        key = f"{cache.file_digest(path)}\0{cache.module_digest(__name__)}"
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return None
            # mapped, not read: the file's pages are the system's page cache, not this process's heap
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return use(data, key, f.fileno() if hasattr(os, "pread") else None)
    except OSError:
        return None


# What the cache keeps of a dictionary file (kind "words"): the total; whether every line has the
# plain form; and, for a plain file, where its runs of lines with the same first character are (the
# runs' characters in file order, and each run's (start, end) byte offsets as little-endian uint32
# pairs; a run starts at the newline before its first line, or at 0).
Survey = tuple[int, bool, str, bytes]


def _read(data: mmap.mmap, texts: Sequence[str], key: str, fd: int | None = None) -> Dictionary | None:
    blocks = _blocks(texts)
    singles = {ch for block in blocks for ch in block}
    pairs = {block[k : k + 2] for block in blocks for k in range(len(block) - 1)}
    kept = _kept_survey(data, key)
    if kept is None:
        return None
    total, plain, run_chars, bounds = kept
    if plain:
        lines = _plain_lines(data, singles, pairs, _spans(run_chars, bounds, singles), fd)
    else:
        try:
            lines = _jieba_lines(data[:], singles, pairs)
        except ValueError:
            return None
    return _dictionary(total, lines, blocks)


def _kept_survey(data: mmap.mmap, key: str) -> Survey | None:
    """The dictionary's survey, from the cache or made (and kept); None for a dictionary jieba
    would refuse. A survey being made by another process (`keep_survey`) is waited for
    (`cache.making`) and then found instead of being made twice."""
    from publish import cache

    kept = cache.get_value(KIND, key)
    if _usable(kept, len(data)):
        return kept
    with cache.making(KIND, key):
        kept = cache.get_value(KIND, key)
        if _usable(kept, len(data)):
            return kept
        try:
            made = _survey(data[:])
        except ValueError:
            return None
        if made[0] <= 0:
            return None  # jieba fails on it too (log of the total)
        cache.put_value(KIND, key, made)
    return made


def _usable(kept: object, size: int) -> TypeGuard[Survey]:
    """Whether a cached survey has the shape `_survey` gives and fits a file of `size` bytes."""
    if not (isinstance(kept, tuple) and len(kept) == 4 and type(kept[0]) is int and kept[0] > 0
            and type(kept[1]) is bool and type(kept[2]) is str and type(kept[3]) is bytes):  # fmt: skip
        return False
    run_chars, bounds = kept[2], kept[3]
    if len(bounds) != 8 * len(run_chars) or (kept[1] and not run_chars and size):
        return False
    return not bounds or _uint32s(bounds)[-1] <= size


def _uint32s(data: bytes) -> array.array:
    values = array.array("I")
    if values.itemsize != 4:  # pragma: no cover - every platform Python runs on has 32-bit "I"
        values = array.array("L")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _spans(run_chars: str, bounds: bytes, singles: set[str]) -> list[tuple[int, int, str]]:
    """The byte ranges of the runs whose lines begin with one of `singles`, with that character,
    in file order."""
    offsets = _uint32s(bounds)
    return [(offsets[2 * k], offsets[2 * k + 1], ch) for k, ch in enumerate(run_chars) if ch in singles]


def _survey(data: bytes) -> Survey:
    """(the sum of all the lines' frequencies, whether every line has the plain form `_PLAIN`
    reads and the file is UTF-8, and for such a file its runs: see `Survey`). Raises ValueError
    for a dictionary jieba would refuse."""
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    total = found = 0
    view = memoryview(data)
    first = _PLAIN_FIRST.match(data)
    if first is not None:
        total, found = int(first[1]), 1
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos + _CHUNK)
        end = len(data) if end < 0 else end
        try:
            str(view[pos:end], "utf-8")  # jieba decodes every line (pieces end at a newline)
        except UnicodeDecodeError:
            raise ValueError("a dictionary line that is not UTF-8") from None
        freqs = _PLAIN.findall(data, pos, end)
        found += len(freqs)
        total += sum(map(int, freqs))
        pos = end
    if found == lines:
        return (total, True, *_runs(data))
    return sum(freq for _, freq in _jieba_entries(data)), False, "", b""


def _runs(data: bytes) -> tuple[str, bytes]:
    """The runs of lines with the same first character of a plain dictionary (see `Survey`)."""
    chars, offsets = [], array.array("I")
    first = _RUN_FIRST.match(data)
    if first is not None:
        chars.append(first[1])
        offsets.extend((0, first.end()))
    for run in _RUN.finditer(data, first.end() if first is not None else 0):
        if run.start() != offsets[-1]:
            raise ValueError("lines between runs")  # (cannot be in a plain file)
        chars.append(run[1])
        offsets.extend(run.span())
    if sys.byteorder == "big":
        offsets.byteswap()
    return b"".join(chars).decode("utf-8"), offsets.tobytes()


def _jieba_entries(data: bytes) -> Iterable[tuple[str, int]]:
    """Every line's (word, frequency), read as jieba's `gen_pfdict` reads them; ValueError where
    jieba raises it."""
    for line in data.split(b"\n")[: -1 if data.endswith(b"\n") else None]:
        fields = line.strip().decode("utf-8").split(" ")
        if len(fields) < 2:
            raise ValueError("a dictionary line without a frequency")
        yield fields[0], int(fields[1])


def _jieba_lines(data: bytes, singles: set[str], pairs: set[str]) -> list[tuple[str, int]]:
    """The (word, frequency) lines `_plain_lines` picks, from a file not in the plain form."""
    return [(word, freq) for word, freq in _jieba_entries(data)
            if (word[:2] in pairs if len(word) > 1 else word in singles)]


def _plain_lines(data: bytes | mmap.mmap, singles: set[str], pairs: set[str],
                 spans: Iterable[tuple[int, int, str]], fd: int | None = None) -> list[tuple[str, int]]:
    """The lines of a dictionary in the plain form whose word is one of `singles` or begins with
    one of `pairs`, looked for in `spans` (the runs of lines beginning with each of `singles`):
    (word, frequency), each word's lines in the file's order.

    In a run of one character's lines, each key is found with `find`: a one-character word as
    newline + character + space, a longer one as newline + its first two characters (UTF-8 is
    prefix-free: bytes that begin with a character's bytes begin with that character).

    `fd`: the file `data` maps, from which each run is read (os.pread) and searched as bytes.
    Searched through the mapping, every page of the runs and the 64 KB around each read page
    would stay mapped into the process while the titles are cut (the kernel's fault-around):
    4.7 MB of jieba's dictionary for an issue's 1.3 MB of runs, at the build's largest moment."""
    keys: dict[str, list[bytes]] = {ch: [ch.encode("utf-8") + b" "] for ch in singles}
    for pair in pairs:
        keys[pair[0]].append(pair.encode("utf-8"))
    found = []
    for start, end, ch in spans:
        run = os.pread(fd, end - start, start) if fd is not None else data[start:end]
        size = len(run)
        for key in keys[ch]:
            if start == 0 and run[: len(key)] == key:  # the file's first line
                found.append(run[: _line_end(run, 0, size)])
            needle = b"\n" + key
            at = run.find(needle)
            while at >= 0:
                found.append(run[at + 1 : _line_end(run, at + 1, size)])
                at = run.find(needle, at + len(needle))
    lines = []
    for line in found:
        word, freq = line.split(b" ", 2)[:2]
        lines.append((word.decode("utf-8"), int(freq)))
    return lines


def _line_end(data: bytes | mmap.mmap, at: int, end: int) -> int:
    stop = data.find(b"\n", at, end)
    return end if stop < 0 else stop


def _dictionary(total: int, lines: list[tuple[str, int]], blocks: Sequence[str]) -> Dictionary:
    longest = max((len(word) for word, _ in lines), default=0)  # no longer substring is asked about
    wanted = {block[i:j] for block in blocks for i in range(len(block))
              for j in range(i + 1, min(i + longest, len(block)) + 1)}
    freqs: dict[str, int] = {}
    prefixes: set[str] = set()
    for word, freq in lines:
        if word in wanted:
            freqs[word] = freq  # the word's last line counts, as in jieba
        for end in range(2, len(word)):
            if word[:end] in wanted:
                prefixes.add(word[:end])
    return Dictionary(total, freqs, frozenset(prefixes))


def cut(texts: Sequence[str], dictionary: Path | None = None) -> list[list[str]] | None:
    """Each text's words (jieba's `cut(text, HMM=False)` with the dictionary file `dictionary`,
    jieba's own when None), or None without a dictionary or with one jieba would refuse."""
    words = read_dictionary(texts, dictionary)
    if words is None:
        return None
    logtotal = log(words.total)
    return [_cut(text, words.lookup, logtotal) for text in texts]


def _cut(text: str, freq, logtotal: float) -> list[str]:
    out: list[str] = []
    for block in _HAN.split(text):
        if not block:
            continue
        if _HAN.match(block):
            out.extend(_cut_block(block, freq, logtotal))
        else:
            for part in _SKIP.split(block):
                if _SKIP.match(part):
                    out.append(part)
                else:
                    out.extend(part)  # every other character alone
    return out


def _cut_block(sentence: str, freq, logtotal: float) -> list[str]:
    n = len(sentence)
    # The word graph: from each position, the ends of the dictionary words starting there.
    dag: list[list[int]] = []
    for k in range(n):
        ends = []
        i = k
        frag = sentence[k]
        while i < n:
            f = freq(frag)
            if f is None:
                break
            if f:
                ends.append(i)
            i += 1
            frag = sentence[k : i + 1]
        dag.append(ends or [k])
    # The most probable path, from the end (jieba's `calc`: same terms, same order).
    route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    route[n] = (0, 0)  # type: ignore[assignment]  # jieba starts from an int 0
    for idx in range(n - 1, -1, -1):
        route[idx] = max((log(freq(sentence[idx : x + 1]) or 1) - logtotal + route[x + 1][0], x)
                         for x in dag[idx])
    words: list[str] = []
    x = 0
    buf = ""
    while x < n:
        y = route[x][1] + 1
        word = sentence[x:y]
        if _ENG.match(word) and len(word) == 1:  # single Latin letters and digits run together
            buf += word
        else:
            if buf:
                words.append(buf)
                buf = ""
            words.append(word)
        x = y
    if buf:
        words.append(buf)
    return words
