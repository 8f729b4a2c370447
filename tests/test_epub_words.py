"""publish.epub.words cuts text exactly as jieba does (cut, HMM off), from a cached index of its
dictionary, without importing jieba."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from publish import cache
from publish.epub import words

ROOT = Path(__file__).resolve().parents[1]
jieba = pytest.importorskip("jieba", reason="jieba (the dictionary) is not installed")


def _tokenizer(dictionary: Path | None, tmp_path: Path):
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer() if dictionary is None else jieba.Tokenizer(str(dictionary))
    tk.tmp_dir = str(tmp_path)
    tk.cache_file = "jieba.cache"
    tk.initialize()
    return tk


def _example_texts() -> list[str]:
    texts = []
    for md in sorted((ROOT / "examples").glob("*/articles/*.md")):
        texts += [line for line in md.read_text(encoding="utf-8").split("\n") if line.strip()]
    return texts


EDGES = [
    "", " ", "全市人大代表通讯员培训班", "巴彦淖尔市人民代表大会常务委员会", "2025年第1期 GDP增长5.2%",
    "a b  c\r\nd\te", "C++与C#的区别", "《民法典》第1165条：过错责任", "abc123你好xyz", "孟长云副主任带队赴杭州招商引资",
    "—— ……「」『』", "x-y_z.w&v", "\u3400\u9fd6\u9fff丂", "熊国元同志",
]


def test_cuts_like_jieba_on_the_examples_and_edge_cases(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    texts = _example_texts() + EDGES
    assert sum(map(len, texts)) > 50_000
    tk = _tokenizer(None, tmp_path)
    expected = [list(tk.cut(t, HMM=False)) for t in texts]
    assert words.cut(texts) == expected
    # the second time from the cached index: the same
    assert words.cut(texts) == expected


def test_small_dictionary_rules_match_jieba(tmp_path):
    # a word listed twice counts with its last line; a prefix of a word is in the graph with
    # frequency 0; lines with two fields and extra spaces around are read as jieba reads them
    lines = ["人大 50 n", "人大代表 30 n", "代表 40 n", "通讯员 8 n", "代表 2 n", "培训 9 v", " 培训班 7 n ",
             "全市 20", "员 1 n", "ab 3 eng", "a 100 eng"]
    dictionary = tmp_path / "dict.txt"
    dictionary.write_bytes("\n".join(lines).encode("utf-8") + b"\n")
    index = words.Index(words.build_index(dictionary.read_bytes()))
    assert index.total == 50 + 30 + 40 + 8 + 2 + 9 + 7 + 20 + 1 + 3 + 100
    assert index.lookup("代表") == 2
    assert index.lookup("人大代") == 0  # a prefix only
    assert index.lookup("培训班") == 7
    assert index.lookup("大代表") is None
    tk = _tokenizer(dictionary, tmp_path)
    for text in ("全市人大代表通讯员培训班", "人大代表代表人大", "ab人大a员员", "培训班培训"):
        assert words.cut([text], index) == [list(tk.cut(text, HMM=False))], text


def test_the_index_of_lines_sorted_in_place_is_the_index_of_a_dict():
    text = words.dictionary_file().read_bytes()
    assert words.build_index(text) == words._build_index_unsorted(text)


def test_a_word_with_a_control_byte_is_still_found(tmp_path):
    # "a\tb 3" sorts before "a 5" although its word sorts after: the index is made the slow way
    text = "a\tb 3 n\na 5 n\n人大 5 n\n人 1 n\n人大 7 n\n".encode()
    index = words.Index(words.build_index(text))
    assert [index.lookup(w) for w in ("a", "a\tb", "人大", "人", "b")] == [5, 3, 7, 1, None]
    assert index.total == 21


@pytest.mark.parametrize("bad", [b"word\n", b"\n", b"\xff\xfe 3 n\n", b"w x n\n"])
def test_a_dictionary_jieba_would_refuse_is_refused(bad):
    with pytest.raises(ValueError):
        words.build_index("人大 5 n\n".encode() + bad)


def test_a_damaged_index_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    first = words.load_index()
    assert first is not None
    files = list((tmp_path / "cache" / "entries" / words.KIND).rglob("*.bin"))
    assert len(files) == 1
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    files[0].write_bytes(bytes(data))
    again = words.load_index()
    assert again is not None and again.total == first.total and again.count == first.count
    assert words.cut(["全市人大代表"], again) == [["全市", "人大代表"]]


def test_not_ours_under_the_right_key_is_refused():
    with pytest.raises(ValueError):
        words.Index(b"JIEBA-INDEX1\n" + b"\x05\x00\x00\x00" + b"\x00" * 8)


def test_titles_are_cut_without_importing_jieba(tmp_path):
    code = (
        "import sys\n"
        "from publish.epub.titles import title_words\n"
        "print(title_words([('全市人大代表通讯员培训班',)]))\n"
        "print('jieba' in sys.modules, 'importlib.metadata' in sys.modules)\n"
    )
    env = {"PUBLISH_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    for _ in range(2):  # cold (the index is made), then warm (the words are cached)
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split("\n")
        assert out[0] == "[['全市', '人大代表', '通讯员', '培训班']]"
        assert out[1] == "False False"
