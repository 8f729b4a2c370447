"""Character classes and break opportunities, against the lists in clreq (https://www.w3.org/TR/clreq/)."""

import pytest

from publish.cjk.classes import (
    CLOSE,
    CONNECTOR,
    DASH,
    DIGIT,
    ELLIPSIS,
    HAN,
    LATIN,
    MIDDOT,
    NBSP,
    NOT_END,
    NOT_START,
    OPEN,
    PAUSE,
    SOLIDUS,
    SPACE,
    STOP,
    breakable,
    classes_of,
    classify,
)

# clreq Appendix A "Must not start a line (basic)": pause/stop marks, closing quotes/brackets,
# connectors, interpuncts, solidi (zh text).
NOT_AT_START_BASIC = "、，。．：；！？‼⁇⁈⁉”’」』）》〉】〗〕］｝～-–·・‧/／"
# clreq Appendix A "Must not end a line (basic)": opening quotes and brackets.
NOT_AT_END_BASIC = "“‘「『（《〈【〖〔［｛"
# GB/T 15834—2011 as quoted in typst/typst#560 (a cross-check of clreq's lists)
GB_NOT_START = "。？！．，、；：”’）］〕】》〉」』〗｝—～·-/／"
GB_NOT_END = "“‘（［〔【《〈「『〖｛"


def _first_class(ch: str) -> int:
    return classes_of(ch)[0]


@pytest.mark.parametrize("level", ["basic", "gb", "strict"])
@pytest.mark.parametrize("ch", NOT_AT_START_BASIC)
def test_basic_line_start_prohibitions_hold_at_every_level_but_none(level, ch):
    assert _first_class(ch) in NOT_START[level]
    assert _first_class(ch) not in NOT_START["none"]


@pytest.mark.parametrize("level", ["basic", "gb", "strict"])
@pytest.mark.parametrize("ch", NOT_AT_END_BASIC)
def test_basic_line_end_prohibitions(level, ch):
    assert _first_class(ch) in NOT_END[level]


@pytest.mark.parametrize("ch", GB_NOT_START)
def test_gb_15834_cross_check_not_at_start(ch):
    # a lone — is a connector (clreq lists U+2014 "when used singly")
    assert _first_class(ch) in NOT_START["gb"]


@pytest.mark.parametrize("ch", GB_NOT_END)
def test_gb_15834_cross_check_not_at_end(ch):
    assert _first_class(ch) in NOT_END["gb"]


def test_solidus_at_line_end_is_forbidden_from_gb_style_on():
    # clreq §1.1: GB-style = basic + solidi not at line end
    assert SOLIDUS not in NOT_END["basic"]
    assert SOLIDUS in NOT_END["gb"] and SOLIDUS in NOT_END["strict"]


def test_strict_adds_dashes_and_ellipses_at_line_start():
    for unit in ("——", "……", "⋯⋯", "⸺"):
        c = classes_of(unit)[0]
        assert c in NOT_START["strict"]
        assert c not in NOT_START["gb"]


def test_the_classes_of_everything_in_the_seed():
    assert classify("中") == HAN and classify("●") == HAN
    assert classify("“") == OPEN and classify("》") == CLOSE
    assert classify("，") == PAUSE and classify("；") == PAUSE and classify("：") == PAUSE
    assert classify("。") == STOP and classify("！") == STOP and classify("？") == STOP
    assert classify("·") == MIDDOT
    assert classify("A") == LATIN and classify("7") == DIGIT
    assert classify(" ") == SPACE and classify("\u00a0") == NBSP
    assert classes_of("——") == [DASH, DASH] and classes_of("……") == [ELLIPSIS, ELLIPSIS]
    assert classes_of("甲—乙")[1] == CONNECTOR  # a single em dash is a connector
    # ASCII punctuation as it occurs in the seed's Chinese text never starts a line
    for ch in ",;:!)%>":
        assert classify(ch) in NOT_START["basic"], ch
    for ch in "(<":
        assert classify(ch) in NOT_END["basic"], ch


def _breaks(text: str, level: str = "strict") -> list[int]:
    ok = breakable(text, classes_of(text), level)
    return [i for i in range(1, len(text)) if ok[i]]


def test_han_text_breaks_anywhere():
    assert _breaks("中文排版") == [1, 2, 3]


def test_two_em_dash_and_ellipsis_never_split():
    # clreq §prohibition_rules_for_unbreakable_marks
    assert 3 not in _breaks("甲乙——丙", "basic") and 3 not in _breaks("甲乙……丙", "none")
    # strict also forbids them at line start, so only after the unit
    assert _breaks("甲乙——丙", "strict") == [1, 4]
    assert _breaks("甲乙——丙", "basic") == [1, 2, 4]


def test_several_dashes_together_split_only_between_whole_units():
    ok = _breaks("甲————乙", "basic")  # 甲 —— —— 乙: between the two units only
    assert ok == [1, 3, 5]


def test_numbers_words_and_nbsp_hold_together():
    assert _breaks("增长25.5%以上") == [1, 2, 7, 8]  # 25.5% is one unit
    assert _breaks("气温25℃") == [1, 2]
    assert _breaks("用5G网络") == [1, 3, 4]
    assert _breaks("hello world") == [6]  # after the space, never before it
    assert _breaks("甲\u00a0乙") == []  # U+00A0 never breaks


def test_level_none_keeps_only_the_unbreakables():
    assert _breaks("甲，乙", "none") == [1, 2]
    assert _breaks("甲，乙", "basic") == [2]


def test_the_fast_non_han_pattern_agrees_with_classify_over_the_bmp():
    from publish.cjk.classes import SPECIAL_RE

    wrong = [
        cp for cp in range(0x10000)
        if not 0xD800 <= cp <= 0xDFFF and (SPECIAL_RE.fullmatch(chr(cp)) is not None) != (classify(chr(cp)) != HAN)
    ]
    assert wrong == []
