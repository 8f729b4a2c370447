"""Where an article title may wrap on a screen: its words, so a line never breaks inside one.

In: the titles of an issue (each a tuple of the print edition's lines). Out: for each title, its
text cut into words (`title_words`), e.g. `全市人大代表通讯员培训班` → `全市 / 人大代表 / 通讯员 / 培训班`.

Why: a title set at 1.8 em on a 390 px phone holds some 12 characters a line. Chinese text may
break between any two characters, so the reading system breaks wherever the line is full —
`全市人/大`, `通讯/员`. The EPUB therefore marks the word boundaries with `<wbr>` and forbids the
breaks between letters inside words (CSS Text 3 §5.2 `word-break: keep-all`); the print edition's
own line breaks are only hints (they too may fall inside a word: `巴彦/淖尔市`), so they are no
longer forced.

The words come from jieba's dictionary (maximum-probability path over its word graph, without the
HMM guesser for unknown words, so the result depends on the dictionary alone and is reproducible);
runs of one-character words are then joined, since they are mostly names the dictionary does not
know (`孟/长/云` → `孟长云`).
Loading that whole dictionary takes ~0.5 s, so only the words that occur in the titles are
loaded (`_load_words_of`: the same words cut, ~0.1 s), and the words of an issue's titles are kept in
the cache (`publish.cache`, as JSON, checked to spell the same titles before use); a warm build does
not import jieba. Without jieba installed, each title is one unbroken run per print line (the print
breaks are then the only break opportunities, still better than breaking anywhere).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

KIND = "title-words"
_VERSION = "2"


def _segment(texts: Sequence[str]) -> list[list[str]] | None:
    try:
        import jieba  # type: ignore[import-untyped]
    except ImportError:
        return None
    import logging

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if not _load_words_of(tokenizer, texts):
        _load_whole_dictionary(tokenizer)
    return [_join_single_characters(list(tokenizer.cut(t, HMM=False))) for t in texts]


def _load_whole_dictionary(tokenizer: object) -> None:
    """jieba's own loading of its whole word graph (~0.5 s): the fallback for a dictionary file
    that is not laid out as `_load_words_of` expects."""
    import tempfile

    # jieba keeps its word graph in a marshal file under /tmp shared by every user; we never load
    # data from disk we did not check, so its cache lives (and dies) in a private folder.
    with tempfile.TemporaryDirectory(prefix="publish-jieba-") as tmp:
        tokenizer.tmp_dir = tmp  # type: ignore[attr-defined]
        tokenizer.cache_file = "jieba.cache"  # type: ignore[attr-defined]
        tokenizer.initialize()  # type: ignore[attr-defined]


def _load_words_of(tokenizer: object, texts: Sequence[str]) -> bool:
    """Give `tokenizer` only the part of its dictionary that can matter for `texts`, the same
    word graph there as jieba's own loading builds (gen_pfdict), in a fifth of the time.

    Why it cuts the same words: with HMM off, jieba looks up only pieces of the sentence itself —
    `get_DAG` walks `sentence[k:i]` while the piece is a word or a prefix of one and takes those with
    a frequency, `calc` weighs each by `log(freq or 1) - log(total)`. So the words that are pieces
    of a title (the last line of a word wins, as in jieba), the prefixes of those words (at 0 unless
    themselves words) and the total of every line's frequency give every lookup the answer the
    whole dictionary gives: a longer piece that is a word has all its prefixes kept. False (nothing
    set) when the file is not `word frequency tag` lines, for `_load_whole_dictionary`.
    """
    pieces = {t[i:j] for t in texts for i in range(len(t)) for j in range(i + 1, len(t) + 1)}
    f = tokenizer.get_dict_file()  # type: ignore[attr-defined]
    try:
        data = f.read().decode("utf-8")
    except UnicodeDecodeError:
        return False
    finally:
        f.close()
    fields = data.split()
    lines = data.count("\n") + (not data.endswith("\n"))
    if len(fields) != 3 * lines or data.count(" ") != 2 * lines:
        return False  # not exactly three fields a line, split by single spaces
    words, frequencies = fields[0::3], fields[1::3]
    try:
        total = sum(map(int, frequencies))
        freq = {w: int(frequencies[k]) for k, w in enumerate(words) if w in pieces}
    except ValueError:
        return False
    for word in list(freq):
        for end in range(1, len(word)):
            freq.setdefault(word[:end], 0)
    tokenizer.FREQ = freq  # type: ignore[attr-defined]
    tokenizer.total = total  # type: ignore[attr-defined]
    tokenizer.initialized = True  # type: ignore[attr-defined]
    return True


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _join_single_characters(words: list[str]) -> list[str]:
    """Runs of one-character words joined: the dictionary does not know most personal names and
    cuts them into characters (`孟/长/云`, `熊/国/元`), and a one-character word next to another is
    mostly such a fragment (`初/心`, `赋/能`); a line should never break between them."""
    out: list[str] = []
    single = False
    for w in words:
        is_single = len(w) == 1 and _is_han(w)
        if is_single and single:
            out[-1] += w
        else:
            out.append(w)
        single = is_single
    return out


def _words_ok(texts: Sequence[str], words: object) -> bool:
    return (isinstance(words, list) and len(words) == len(texts)
            and all(isinstance(w, list) and all(isinstance(x, str) and x for x in w) and "".join(w) == t
                    for w, t in zip(words, texts, strict=False)))


def title_words(titles: Sequence[Sequence[str]]) -> list[list[str]]:
    """For each title (its print lines), its words in order; they concatenate to the title."""
    texts = ["".join(t) for t in titles]
    from publish import cache
    key = json.dumps([_VERSION, _jieba_version(), texts], ensure_ascii=False)
    if cache is not None:
        raw = cache.get_bytes(KIND, key)
        if raw is not None:
            try:
                words = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                words = None
            if _words_ok(texts, words):
                return words  # type: ignore[return-value]
    segmented = _segment(texts)
    if segmented is None or not _words_ok(texts, segmented):
        return [[line for line in t if line] for t in titles]
    if cache is not None:
        cache.put_bytes(KIND, key, json.dumps(segmented, ensure_ascii=False).encode("utf-8"))
    return segmented


def _jieba_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jieba")
    except PackageNotFoundError:
        return ""


def word_ends(words: Sequence[str]) -> set[int]:
    """Character offsets (into the joined title) at which a word ends, the title's end excluded."""
    ends, pos = set(), 0
    for w in words:
        pos += len(w)
        ends.add(pos)
    ends.discard(pos)
    return ends
