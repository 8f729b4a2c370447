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
HMM guesser for unknown words, so the result depends on the dictionary alone and is reproducible;
`publish.epub.words` cuts exactly as jieba does, from an index of the dictionary in the cache,
without loading jieba); runs of one-character words are then joined, since they are mostly names
the dictionary does not know (`孟/长/云` → `孟长云`).
The words of an issue's titles are also kept in the cache (`publish.cache`, as JSON, checked to
spell the same titles before use), keyed by the dictionary file's content and the cutting code.
Without jieba installed, each title is one unbroken run per print line (the print breaks are then
the only break opportunities, still better than breaking anywhere).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.model import Issue

KIND = "title-words"
_VERSION = "2"


def _segment(texts: Sequence[str]) -> list[list[str]] | None:
    from publish.epub.words import cut

    cut_texts = cut(texts)
    return None if cut_texts is None else [_join_single_characters(words) for words in cut_texts]


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
    key = json.dumps([_VERSION, _dictionary_key(), texts], ensure_ascii=False)
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


def _dictionary_key() -> str:
    """What the words depend on besides the titles: jieba's dictionary and the code cutting them."""
    from publish import cache
    from publish.epub.words import dictionary_file

    path = dictionary_file()
    try:
        digest = cache.file_digest(path) if path is not None else ""
    except OSError:
        digest = ""
    return f"{digest}\0{cache.module_digest('publish.epub.words', __name__)}"


def word_ends(words: Sequence[str]) -> set[int]:
    """Character offsets (into the joined title) at which a word ends, the title's end excluded."""
    ends, pos = set(), 0
    for w in words:
        pos += len(w)
        ends.add(pos)
    ends.discard(pos)
    return ends


def titles_cut(issue: Issue) -> tuple[tuple[str, ...], ...]:
    """Each article's title cut into words (`title_words`), as the EPUB's `PreparedEpub` holds them."""
    return tuple(tuple(w) for w in title_words([a.title for a in issue.articles]))
