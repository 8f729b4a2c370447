"""publish.epub.words cuts text exactly as jieba does (cut, HMM off), from the lines of its
dictionary that can answer for the text, without importing jieba."""

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
    # the second time with the total from the cache: the same
    assert words.cut(texts) == expected


def _total(dictionary: Path) -> int:
    return sum(int(line.strip().decode().split(" ")[1]) for line in dictionary.read_bytes().split(b"\n") if line)


# Dictionary files with the same words written two ways: in the plain form the fast reader takes
# (`word digits[ tag]`), and in forms jieba also reads that send the file line by line through
# jieba's own reading (spaces around a line, CR LF after a frequency, digits other than ASCII, signs).
PLAIN = ["人大 50 n", "人大代表 30 n", "代表 40 n", "通讯员 8 n", "代表 2 n", "培训 9 v", "培训班 7 n",
         "全市 20", "员 1 n", "ab 3 eng", "a 100 eng", "巴彦淖尔市 3 ns", "尔 0 x", "a\tb 3 n"]
OTHER_FORMS = {
    "spaces around": [" 培训班 7 n ", *PLAIN[1:]],
    "crlf": [line + "\r" for line in PLAIN],
    "tab at the start": ["\t人大 50 n", *PLAIN[1:]],
    "crlf after a frequency": ["人大 50\r", *PLAIN[1:]],
    "another digit": ["人大 ５0 n", *PLAIN[1:]],
    "a sign": ["人大 +50 n", *PLAIN[1:]],
}
PLAIN_TOO = {"plain": PLAIN, "plain, no newline at the end": PLAIN, "plain, a trailing space": ["人大 50 ", *PLAIN[1:]],
             "plain, crlf after a tag": [line + "\r" if " n" in line else line for line in PLAIN]}
SMALL_TEXTS = ["全市人大代表通讯员培训班", "人大代表代表人大", "ab人大a员员", "培训班培训", "巴彦淖尔市人大常委会",
               "尔尔", "a\tb人大", "代表人"]


@pytest.mark.parametrize("form", [*PLAIN_TOO, *OTHER_FORMS])
def test_small_dictionaries_cut_like_jieba(tmp_path, monkeypatch, form):
    # a word listed twice counts with its last line; a prefix of a word is in the graph with
    # frequency 0; every line's frequency counts in the total
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    lines = OTHER_FORMS[form] if form in OTHER_FORMS else PLAIN_TOO[form]
    dictionary = tmp_path / "dict.txt"
    data = "\n".join(lines).encode("utf-8")
    dictionary.write_bytes(data if form == "plain, no newline at the end" else data + b"\n")
    plain = form in PLAIN_TOO
    assert words._survey(dictionary.read_bytes())[:2] == (_total(dictionary), plain)
    tk = _tokenizer(dictionary, tmp_path)
    for _ in range(2):  # the total read from the file, then from the cache
        for text in SMALL_TEXTS:
            assert words.cut([text], dictionary) == [list(tk.cut(text, HMM=False))], text
    assert words.cut(SMALL_TEXTS, dictionary) == [list(tk.cut(text, HMM=False)) for text in SMALL_TEXTS]


def test_what_the_dictionary_says_about_a_texts_substrings(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    dictionary = tmp_path / "dict.txt"
    dictionary.write_bytes("\n".join(PLAIN).encode("utf-8") + b"\n")
    found = words.read_dictionary(["全市人大代表通讯员培训班", "代表人"], dictionary)
    assert found is not None
    assert found.total == sum(int(line.split(" ")[1]) for line in PLAIN)
    assert found.lookup("代表") == 2  # its last line
    assert found.lookup("人大代") == 0  # a prefix only
    assert found.lookup("培训班") == 7
    assert found.lookup("大代表") is None
    assert found.lookup("员") == 1
    assert found.lookup("通讯") == 0
    assert found.lookup("表人") is None


def _by_word(lines: list[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for word, freq in lines:
        out.setdefault(word, []).append(freq)
    return out


def test_the_plain_reader_and_jiebas_reading_agree_on_the_whole_dictionary():
    data = words.dictionary_file().read_bytes()
    total, plain, run_chars, bounds = words._survey(data)
    assert plain, "jieba's own dictionary is read by the fast reader"
    assert total == sum(freq for _, freq in words._jieba_entries(data))
    # the runs cover the file line by line, each run's lines beginning with its character
    offsets = words._uint32s(bounds)
    assert len(offsets) == 2 * len(run_chars) > 10_000
    assert offsets[0] == 0 and offsets[-1] == len(data.rstrip(b"\n"))
    assert all(offsets[k] == offsets[k - 1] for k in range(2, len(offsets), 2))
    lines = data.decode("utf-8").split("\n")
    assert [line[0] for line in lines if line] == [
        ch for k, ch in enumerate(run_chars) for _ in range(data.count(b"\n", offsets[2 * k], offsets[2 * k + 1]) + (k == 0))]
    texts = _example_texts()
    blocks = words._blocks(texts)
    singles = {ch for block in blocks for ch in block}
    pairs = {block[k : k + 2] for block in blocks for k in range(len(block) - 1)}
    fast = words._plain_lines(data, singles, pairs, words._spans(run_chars, bounds, singles))
    assert len(fast) > 10_000
    assert _by_word(fast) == _by_word(words._jieba_lines(data, singles, pairs))


@pytest.mark.parametrize("bad", [b"word\n", b"\n", b"\xff\xfe 3 n\n", b"w x n\n", b"w 3 \xff\n", b"w  3\n",
                                 b"w 3x\n"])
def test_a_dictionary_jieba_would_refuse_is_refused(tmp_path, monkeypatch, bad):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    dictionary = tmp_path / "dict.txt"
    dictionary.write_bytes("人大 5 n\n".encode() + bad + "代表 3 n\n".encode())
    with pytest.raises(ValueError):
        _tokenizer(dictionary, tmp_path)
    assert words.cut(["人大代表"], dictionary) is None


def test_an_empty_dictionary_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    for data in (b"", b"a 0\n"):
        dictionary = tmp_path / "dict.txt"
        dictionary.write_bytes(data)
        assert words.cut(["人大代表"], dictionary) is None


def test_a_damaged_or_foreign_total_is_found_again(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    texts = ["全市人大代表通讯员培训班"]
    first = words.cut(texts)
    assert first == [["全市", "人大代表", "通讯员", "培训班"]]
    files = list((tmp_path / "cache" / "entries" / words.KIND).rglob("*.bin"))
    assert len(files) == 1
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    files[0].write_bytes(bytes(data))
    assert words.cut(texts) == first
    # a sealed entry with the wrong shape (e.g. another version's) or runs beyond the file is not used
    import struct

    size = words.dictionary_file().stat().st_size
    for foreign in ((0, True, "", b""), (-5, True, "人", b"\0" * 8), ("60101967", True, "", b""), (60101967, True),
                    (60101967, 1, "", b""), (60101967, True, "人", b"\0" * 7), (60101967, True, "", b""),
                    (60101967, True, "人", struct.pack("<II", 0, size + 1))):
        words_key = f"{cache.file_digest(words.dictionary_file())}\0{cache.module_digest(words.__name__)}"
        cache.put_value(words.KIND, words_key, foreign)
        assert words.cut(texts) == first
        assert cache.get_value(words.KIND, words_key) == (words._survey(words.dictionary_file().read_bytes()))


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


# ── the survey made ahead (a cold build's first helper) ─────────────────────────────────────
def _counting_surveys(monkeypatch, log: Path | None = None) -> list[int]:
    """Every survey made from now on, by process id (also in processes forked later, which append
    to `log`)."""
    import os

    made: list[int] = []
    real = words._survey

    def survey(data):
        made.append(os.getpid())
        if log is not None:
            with log.open("a") as f:
                f.write(f"{os.getpid()}\n")
        return real(data)

    monkeypatch.setattr(words, "_survey", survey)
    return made


def test_a_survey_kept_ahead_is_what_the_cut_reads(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    made = _counting_surveys(monkeypatch)
    words.keep_survey()
    words.keep_survey()  # kept already: not made again
    assert len(made) == 1
    assert words.cut(["全市人大代表通讯员培训班"]) == [["全市", "人大代表", "通讯员", "培训班"]]
    assert len(made) == 1


def test_a_survey_being_made_by_another_process_is_waited_for_not_made_again(tmp_path, monkeypatch):
    import threading

    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    path = words.dictionary_file()
    key = f"{cache.file_digest(path)}\0{cache.module_digest(words.__name__)}"
    survey = words._survey(path.read_bytes())
    made = _counting_surveys(monkeypatch)
    got: list = []
    with cache.making(words.KIND, key):  # (a lock on another open file: as another process's)
        reader = threading.Thread(target=lambda: got.append(words.cut(["人大代表"])))
        reader.start()
        reader.join(0.3)
        assert reader.is_alive() and not got  # waiting for the survey being made
        cache.put_value(words.KIND, key, survey)
    reader.join()
    assert got == [[["人大代表"]]] and made == []


def test_a_cold_forked_build_surveys_the_dictionary_once_in_a_helper_forked_before_the_fonts(tmp_path, monkeypatch):
    import importlib
    import os

    from publish import worker

    build_mod = importlib.import_module("publish.build")  # the module (`publish.build` is the function)

    if not worker.usable():
        pytest.skip("no helper processes here (one core, or forking not allowed)")
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    log = tmp_path / "surveys.log"
    _counting_surveys(monkeypatch, log)
    forks: list[str] = []
    real_start, real_prepare = worker.Worker.start.__func__, build_mod.prepare

    def start(cls, work):
        forks.append("helper")
        return real_start(cls, work)

    def prepare(*a, **k):
        forks.append("prepare")
        return real_prepare(*a, **k)

    monkeypatch.setattr(worker.Worker, "start", classmethod(start))
    monkeypatch.setattr(build_mod, "prepare", prepare)
    build_mod.build(ROOT / "examples" / "sample", tmp_path / "out", screen=False)
    surveyors = log.read_text().split()
    assert len(surveyors) == 1 and int(surveyors[0]) != os.getpid()  # once, in a helper
    assert forks[:2] == ["helper", "prepare"]  # forked before the issue is read
    # a second build (the dictionary known): no survey (its first helper, forked for the EPUB's cover
    # — `publish.epub.ahead` —, surveys nothing)
    forks.clear()
    build_mod.build(ROOT / "examples" / "sample", tmp_path / "out2", screen=False)
    assert len(log.read_text().split()) == 1 and "prepare" in forks


@pytest.mark.skipif(not hasattr(__import__("os"), "pread"), reason="os.pread: the runs are searched through the mapping")
def test_the_runs_read_from_the_file_are_the_lines_the_mapping_gives(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    path = words.dictionary_file()
    data = path.read_bytes()
    _total, _plain, run_chars, bounds = words._survey(data)
    blocks = words._blocks(_example_texts())
    singles = {ch for block in blocks for ch in block}
    pairs = {block[k : k + 2] for block in blocks for k in range(len(block) - 1)}
    spans = words._spans(run_chars, bounds, singles)
    assert spans[0][0] == 0  # the file's first run (and line) among them
    with open(path, "rb") as f:
        read = words._plain_lines(b"", singles, pairs, spans, f.fileno())
    assert read == words._plain_lines(data, singles, pairs, spans)


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="a process's mappings are read from /proc (Linux)")
def test_cutting_titles_maps_little_of_the_dictionary(tmp_path, monkeypatch):
    """`find` through the mapping would leave every page of the runs searched, and the 64 KB
    around each, mapped into the process while it cuts the titles (4.7 MB of jieba's dictionary
    for an issue's 1.3 MB of runs): the runs are read from the file instead."""
    import fonts_support

    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    path = words.dictionary_file()
    texts = _example_texts()
    words.keep_survey(path)  # as a build has it: the survey made ahead
    mapped: list[int] = []
    real = words._plain_lines

    def plain_lines(*args, **kwargs):
        out = real(*args, **kwargs)
        mapped.append(fonts_support.mapped_kb(path))  # still inside read_dictionary's mapping
        return out

    monkeypatch.setattr(words, "_plain_lines", plain_lines)
    assert words.read_dictionary(texts, path) is not None
    assert mapped and mapped[0] < 512, f"{mapped[0]} KB of {path.name} mapped"
def test_looking_at_the_dictionary_imports_no_epub_writer():
    # what a cold build's process does before it forks its helpers (`build._made_ahead`): the EPUB
    # writer, ebooklib and the content documents' modules (~0.03 s) are its EPUB helper's to import
    code = ("import sys\n"
            "import publish.epub.words as words\n"
            "words.dictionary_file()\n"
            "print(sorted(m for m in ('publish.epub.writer', 'ebooklib', 'publish.epub.xhtml') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    import importlib

    import publish.epub

    assert publish.epub.write_epub is importlib.import_module("publish.epub.writer").write_epub  # on first use
