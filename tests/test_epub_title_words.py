"""The title words come out the same from `publish.epub.words` (jieba's cut over the lines of its
dictionary that answer for the text, jieba not imported) as from jieba with the whole dictionary it loads itself.

These tests cut the same texts both ways and compare word for word: both examples' titles, every
printed line of the real issue (when ../shared/seed is present), and generated strings mixing the
dictionary's characters with Latin letters, digits and marks.
"""

from __future__ import annotations

import logging
import random
import tempfile
from pathlib import Path

import pytest

jieba = pytest.importorskip("jieba")

from publish import cache  # noqa: E402
from publish.epub import titles, words  # noqa: E402
from publish.sources import load_issue  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed"


@pytest.fixture(scope="module")
def whole():
    """jieba's tokenizer with its whole dictionary, loaded by jieba itself."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer.tmp_dir, tokenizer.cache_file = tmp, "jieba.cache"
        tokenizer.initialize()
    return tokenizer


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))


def _cut_both(whole, texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    found = words.read_dictionary(texts)
    assert found is not None and found.total == whole.total
    ours = words.cut(texts)
    theirs = [list(whole.cut(t, HMM=False)) for t in texts]
    return ours, theirs  # type: ignore[return-value]


def test_the_examples_titles_cut_the_same(whole):
    texts = []
    for example in ("sample", "bayannaoer-2025-01"):
        texts += [a.title_text for a in load_issue(ROOT / "examples" / example).articles if a.title_text]
    assert len(texts) > 30
    ours, theirs = _cut_both(whole, texts)
    assert ours == theirs
    # and what a build uses end to end: joined one-character words, on the same cut
    assert titles._segment(texts) == [titles._join_single_characters(w) for w in theirs]


def test_every_printed_line_of_the_real_issue_cuts_the_same(whole):
    files = sorted(SEED.glob("000_*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip(f"the real issue's text is not present at {SEED}")
    lines = [x.strip() for x in files[0].read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(lines) > 3000
    ours, theirs = _cut_both(whole, lines)
    assert ours == theirs


def test_generated_strings_cut_the_same(whole):
    rng = random.Random(19)
    words = [w for w in rng.sample(list(whole.FREQ), 4000) if whole.FREQ[w]]
    alphabet = "人大代表会议常委主任巴彦淖尔市第五届ABCxyz0123，。《》（）、 -_.%#&+"
    texts = []
    for _ in range(400):
        parts = [rng.choice(words) if rng.random() < 0.6 else "".join(rng.choices(alphabet, k=rng.randint(1, 4)))
                 for _ in range(rng.randint(1, 8))]
        texts.append("".join(parts))
    ours, theirs = _cut_both(whole, texts)
    assert ours == theirs
