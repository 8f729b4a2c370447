"""Paragraph-sized groups of printed lines → model blocks.

In: an article's body paragraphs (lists of `SourceLine`), notes found in its title block. Out: the
article's blocks: `Heading` (`一、…` level 1, `（一）…` level 2), `ListItem` (`1.…`), `Salutation`
(a speech's opening line ending in `：`), `Signature` (the right-aligned closing lines of a notice),
`Note` (`（讨论稿）`, an adoption note) and `Paragraph`.

Lines are joined with nothing between them: the text is Chinese, and a word that a page break or a
running header cut in half (`巴彦` | `淖尔`) is whole again once the header is gone.
Run-in enumerations (`一是…二是…`) stay paragraphs; a numbered line that runs on after a full stop
(`（三）提升队伍素质，加大执法力度。一是…`) is a paragraph too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from publish.importer.lines import ends_sentence
from publish.importer.pages import SourceLine
from publish.model import Block, Heading, ListItem, Note, Paragraph, Salutation, Signature, Text

LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
LIST_ITEM = re.compile(r"^(\d{1,2}[.)])(?!\d)")
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
SALUTATION_WORDS = ("各位", "同志们", "尊敬的", "会员单位", "代表们", "同仁")


def join(lines: list[SourceLine]) -> str:
    return "".join(line.text for line in lines)


def _heading_level(text: str) -> int:
    if len(text) > 45 or "。" in text.rstrip("。")[:-1] or text.endswith("。"):
        return 0
    if LEVEL1.match(text):
        return 1
    if LEVEL2.match(text):
        return 2
    return 0


def _signature_start(paras: list[list[SourceLine]]) -> int:
    """Index of the first paragraph of a closing signature, or len(paras) if there is none."""
    k = len(paras)
    while k > 0:
        p = paras[k - 1]
        if len(p) == 1 and (p[0].lead >= 2 or DATE.match(p[0].text)) and not ends_sentence(p[0].text):
            k -= 1
        else:
            break
    if k == len(paras):
        return k
    # The organisation's name often starts flush with the column: one short line before.
    if k > 0 and len(paras[k - 1]) == 1 and not ends_sentence(paras[k - 1][0].text) and paras[k - 1][0].width <= 16:
        k -= 1
    return k


def to_blocks(paras: list[list[SourceLine]], notes: Sequence[SourceLine] = ()) -> list[Block]:
    """The blocks of one article body."""
    blocks: list[Block] = [Note((Text(n.text),), n.no) for n in notes]
    sig = _signature_start(paras)
    for index, para in enumerate(paras[:sig]):
        text, line = join(para), para[0].no
        level = _heading_level(text)
        m = LIST_ITEM.match(text)
        if index == 0 and len(para) == 1 and text.endswith(("：", ":")) and any(w in text for w in SALUTATION_WORDS):
            blocks.append(Salutation((Text(text),), line))
        elif level:
            blocks.append(Heading(level, (Text(text),), line))
        elif m and len(text) > len(m.group(1)):
            blocks.append(ListItem(m.group(1), (Text(text[len(m.group(1)) :]),), line))
        elif len(para) == 1 and is_note_text(text):
            blocks.append(Note((Text(text),), line))
        else:
            blocks.append(Paragraph((Text(text),), line))
    blocks = _unnumbered_headings(blocks, paras[:sig], len(notes))
    if sig < len(paras):
        blocks.append(Signature(tuple(p[0].text for p in paras[sig:]), paras[sig][0].no))
    return blocks


def _unnumbered_headings(blocks: list[Block], paras: list[list[SourceLine]], offset: int) -> list[Block]:
    """Short one-line paragraphs that end no sentence and stand between finished paragraphs and a
    longer paragraph are headings without numbers (`机关党组高度重视，精心安排扎实推进`). They sit
    one level below numbered `一、` headings when the article has those."""
    has_level1 = any(isinstance(b, Heading) and b.level == 1 for b in blocks)
    out = list(blocks)
    for k, para in enumerate(paras):
        i = k + offset
        block = out[i]
        if type(block) is not Paragraph or len(para) > 2 or k + 1 >= len(paras):
            continue
        text = block.text
        if ends_sentence(text) or text[-1] in "，、,；;" or len(text) > 30 or len(paras[k + 1]) < 2:
            continue
        if any(c.isspace() for c in text):  # `张鸿杰 市人大常委会…`: a list entry, not a heading
            continue
        before = out[i - 1] if i > 0 else None
        if before is not None and type(before) is Paragraph and not ends_sentence(before.text):
            continue
        out[i] = Heading(2 if has_level1 else 1, block.runs, block.line)
    return out


def is_note_text(text: str) -> bool:
    from publish.importer.titles import is_note

    return is_note(text)
