"""Chinese text cut into dictionary words: jieba's segmentation, without loading jieba's dictionary.

In: texts. Out: each text's words, exactly what `jieba.Tokenizer().cut(text, HMM=False)` gives
(the maximum-probability path over the word graph of jieba's dictionary, no HMM guesser), or None
when jieba's dictionary is not installed or cannot be read.

Why not jieba itself: `jieba.initialize()` turns its 349,000-line dictionary into a 498,000-entry
Python dict of every word and every word prefix — ~0.56 s and ~87 MB — and `import jieba` loads
its HMM tables (~0.13 s), to cut some forty titles. The cut only ever asks the dictionary about
substrings of the text: is it a word (and how frequent), is it the beginning of a word. A sorted
word list answers both by binary search (`bisect`: the word itself, or the next word starting
with it), so the dictionary is kept as one sorted index in the cache (`publish.cache`, kind
"words": the words' UTF-8 bytes end to end, their offsets and frequencies, ~6 MB), made once
from jieba's `dict.txt` (~0.2 s) and keyed by that file's content and this module's source. A
build then reads the index and looks up a few thousand substrings.

The arithmetic is jieba's, in the same order (`log(freq or 1) - log(total) + route`, ties to the
longer word), so the floating-point scores and the chosen paths are the same;
`tests/test_epub_words.py` compares the two on the example issues' text.
"""

from __future__ import annotations

import array
import re
import struct
import sys
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from math import log
from pathlib import Path

KIND = "words"
_MAGIC = b"JIEBA-INDEX1\n"
_HEAD = struct.Struct("<IQ")  # word count, total frequency

# jieba 0.42's own patterns (`re_han_default`, `re_skip_default`, `re_eng`).
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)


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


class Index:
    """jieba's dictionary as a sorted word list: `lookup(word)` is jieba's `FREQ.get(word)` —
    the word's frequency, 0 for a prefix of a word that is no word itself, None otherwise."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + _HEAD.size:
            raise ValueError("not a word index")
        count, self.total = _HEAD.unpack_from(data, len(_MAGIC))
        at = len(_MAGIC) + _HEAD.size
        self.freqs = _uint32s(data, at, count)
        at += 4 * count
        self.offsets = _uint32s(data, at, count + 1)
        at += 4 * (count + 1)
        self.blob = memoryview(data)[at:]
        if self.total <= 0 or (count and (self.offsets[0] != 0 or self.offsets[-1] != len(self.blob))):
            raise ValueError("damaged word index")
        self.count = count

    def _word(self, k: int) -> bytes:
        return bytes(self.blob[self.offsets[k] : self.offsets[k + 1]])

    def lookup(self, word: str) -> int | None:
        key = word.encode("utf-8", "surrogatepass")
        k = bisect_left(range(self.count), key, key=self._word)
        if k == self.count:
            return None
        found = self._word(k)
        if found == key:
            return self.freqs[k]
        return 0 if found.startswith(key) else None


def _uint32s(data: bytes, at: int, count: int) -> Sequence[int]:
    """`count` little-endian 32-bit integers at `at`: a view of `data` where the machine's own
    integers are those, else a copy."""
    if at + 4 * count > len(data):
        raise ValueError("damaged word index")
    if array.array("I").itemsize != 4:
        raise ValueError("no 32-bit integers here")  # (every platform Python runs on has them)
    if sys.byteorder == "little":
        return memoryview(data)[at : at + 4 * count].cast("I")
    values = array.array("I")
    values.frombytes(data[at : at + 4 * count])
    if sys.byteorder == "big":
        values.byteswap()
    return values


def build_index(text: bytes) -> bytes:
    """The index of a jieba dictionary file's bytes (lines `word freq [tag]`; the last line of a
    word counts, as in jieba; every line's frequency adds to the total). Raises ValueError for a
    line jieba would refuse.

    Made from the lines sorted in place (a line sorts as its word when the space after the word
    sorts before every byte of a word, which is checked on the way), so that no dict of 349,000
    words is built: ~30 MB at the peak instead of ~75 MB."""
    lines = text.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the newline ending the last line
    lines = [line.strip() for line in lines]  # (the line itself when there is nothing to strip)
    lines.sort()
    freqs = array.array("I")
    offsets = array.array("I", [0])
    blob = bytearray()
    total = 0
    previous = b""
    repeated: list[int] = []
    for line in lines:
        parts = line.split(b" ", 2)
        if len(parts) < 2:
            raise ValueError("a dictionary line without a frequency")
        word, freq_text = parts[0], parts[1]
        try:
            freq = int(freq_text)
        except ValueError:
            freq = int(freq_text.decode("utf-8"))  # as jieba reads it: text, not bytes
        total += freq
        if word == previous:  # a word listed again: which line is its last is looked up below
            repeated.append(len(freqs) - 1)
            continue
        if word < previous:
            return _build_index_unsorted(text)  # a byte below the space inside a word
        word.decode("utf-8")  # jieba decodes every line: a dictionary it cannot read is refused here too
        freqs.append(freq)
        blob += word
        offsets.append(len(blob))
        previous = word
    del lines
    for k in repeated:  # rare (one word in jieba 0.42's dictionary): its last line in the file
        word = bytes(blob[offsets[k] : offsets[k + 1]])
        last = None
        for line in text.split(b"\n"):
            parts = line.strip().split(b" ", 2)
            if parts[0] == word:
                last = parts[1]
        assert last is not None
        try:
            freqs[k] = int(last)
        except ValueError:
            freqs[k] = int(last.decode("utf-8"))
    return _pack(len(freqs), total, freqs, offsets, bytes(blob))


def _pack(count: int, total: int, freqs: array.array, offsets: array.array, blob: bytes) -> bytes:
    if sys.byteorder == "big":
        freqs.byteswap()
        offsets.byteswap()
    return _MAGIC + _HEAD.pack(count, total) + freqs.tobytes() + offsets.tobytes() + blob


def _build_index_unsorted(text: bytes) -> bytes:
    """`build_index` for a dictionary whose lines do not sort as their words: through a dict."""
    last: dict[bytes, int] = {}
    total = 0
    for line in text.split(b"\n")[: -1 if text.endswith(b"\n") else None]:
        parts = line.strip().split(b" ", 2)
        if len(parts) < 2:
            raise ValueError("a dictionary line without a frequency")
        try:
            freq = int(parts[1])
        except ValueError:
            freq = int(parts[1].decode("utf-8"))
        parts[0].decode("utf-8")
        last[parts[0]] = freq
        total += freq
    ordered = sorted(last)
    freqs = array.array("I", map(last.__getitem__, ordered))
    offsets = array.array("I", accumulate(map(len, ordered), initial=0))
    return _pack(len(ordered), total, freqs, offsets, b"".join(ordered))


def load_index() -> Index | None:
    """The index of the installed jieba dictionary (from the cache, else made and cached), or None."""
    from publish import cache

    path = dictionary_file()
    if path is None:
        return None
    try:
        key = f"{cache.file_digest(path)}\0{cache.module_digest(__name__)}"
    except OSError:
        return None
    data = cache.get_bytes(KIND, key)
    if data is not None:
        try:
            return Index(data)
        except ValueError:
            pass  # sealed but not ours (another layout): made again below
    try:
        data = build_index(path.read_bytes())
        index = Index(data)
    except (OSError, ValueError, OverflowError):  # OverflowError: a frequency beyond 32 bits
        return None
    cache.put_bytes(KIND, key, data)
    return index


def cut(texts: Sequence[str], index: Index | None = None) -> list[list[str]] | None:
    """Each text's words (jieba's `cut(text, HMM=False)`), or None without a dictionary."""
    if index is None:
        index = load_index()
        if index is None:
            return None
    seen: dict[str, int | None] = {}

    def freq(word: str) -> int | None:
        if word not in seen:
            seen[word] = index.lookup(word)
        return seen[word]

    logtotal = log(index.total)
    return [_cut(text, freq, logtotal) for text in texts]


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
