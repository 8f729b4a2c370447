"""What Word holds → the article's structure, from the office's conventions and from Word's styles.

In: a `Manuscript` (reader.py) and the picture file names chosen for it. Out: a `Draft` with every
decision recorded as a `Guess` with its reason.

Most manuscripts reach the office formatted by hand, so the conventions come first and styles
confirm them when present:
- title: the Word style Title/标题, else the first centred paragraph(s) in a size larger than the
  body text (one or two paragraphs; a line break inside one makes another printed line);
- subtitle: a line starting with `——` (or the Subtitle/副标题 style) under the title;
- adoption note: a line in brackets under the title, `（…通过）`, `（讨论稿）` → `::: note`;
- byline: a short line under the title, "单位 职务　姓名" — the name is the last token of two to
  four Han characters (`杨 菁`, a two-character name padded with a space, stays one name); several
  names after one unit become several entries (the unit is printed once, so it is given once);
- salutation: the first body paragraph if it is short and ends with `：`;
- headings: Heading 1/2 or 标题 1/2 styles (or an outline level), else a short paragraph in bold or
  in a heading font (黑体, 楷体) starting `一、` (level 1), `（一）` (level 2) or `1.` (level 2 under
  numbered headings, else 1), or a short bold line without a number;
- signature: the right-aligned short paragraphs that end the article (unit, date);
- bold or italic runs in body text → emphasis; auto-numbered paragraphs → numbered items;
- pictures → figures, their caption the paragraph under them in the Caption/题注 style or a short
  line starting with `图`; tables → pipe tables, their caption a short line above starting with `表`;
- footnotes and endnotes → `[^n]` numbered in order of reference.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from publish.model import Emphasis, Link, Text
from publish.word.draft import Block, Draft, Ref, Run, plain
from publish.word.reader import HAN, Grid, Manuscript, Para, Span, han

_SECTION_LINE = re.compile(r"^\s*(?:栏目|专栏)\s*[:：]\s*(\S.{0,19}?)\s*$|^\s*【([^】]{2,16})】\s*$")
_SUBTITLE = re.compile(r"^\s*(——|--|－－|—|―)")
_BRACKETED = re.compile(r"^\s*[（(].*[）)]\s*$", re.S)
_ADOPTION = re.compile(r"通过|讨论稿|征求意见稿|送审稿|草案|审议|批准|印发|修订|试行")
_SENTENCE_END = re.compile(r"[。；！？!?;]\s*$")
_INNER_PUNCT = re.compile(r"[。，；！？、,;!?：:]")
_DATE = re.compile(r"^\s*[0-9０-９〇一二三四五六七八九十]{2,4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,2}\s*月"
                   r"(\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日)?\s*$")
_CHINESE_NUMBER = "一二三四五六七八九十百零〇"
# Heading patterns, from the top of the hierarchy down.
PATTERNS = [
    ("第一章", re.compile(rf"^\s*第[{_CHINESE_NUMBER}]+[章部篇节](\s|　|$)")),
    ("一、", re.compile(rf"^\s*[{_CHINESE_NUMBER}]+\s*[、．.]")),
    ("（一）", re.compile(rf"^\s*[（(][{_CHINESE_NUMBER}]+[）)]")),
    ("1.", re.compile(r"^\s*[0-9０-９]{1,2}\s*[.．、](?![0-9０-９])")),
    ("（1）", re.compile(r"^\s*[（(][0-9０-９]{1,2}[）)]")),
]
_HEADING_FONTS = ("黑体", "hei", "楷体", "kai", "方正小标宋", "小标宋", "gothic")
_TITLE_STYLES = ("title", "标题")
_SUBTITLE_STYLES = ("subtitle", "副标题")
_CAPTION_STYLES = ("caption", "题注", "image caption", "table caption", "figure caption")
# A name: two to four Han characters, or a transcribed name with a middle dot (乌日娜·巴特尔).
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,8}[·•・．][\u4e00-\u9fff]{1,10}$")
# Words a unit or a post ends with: such a token is never taken for a name.
_UNIT_ENDINGS = (
    *"会委局处室院部厅办府长任员记所站队组校司团社协庭区县市旗镇乡村省州盟科股厂馆中心",
    "主任", "书记", "代表", "委员", "秘书长", "理事长", "会长", "主席", "干部", "研究会", "常委会",
)
MAX_SHORT = 40
MAX_TITLE_LINES = 3


def _short(text: str, limit: int = MAX_SHORT) -> bool:
    return 0 < len(text.strip()) <= limit


def _style_is(para: Para, names: tuple[str, ...]) -> bool:
    style = para.style.strip().lower()
    return any(style == n or style.startswith(n + " ") for n in names) if style else False


def _heading_style_level(para: Para) -> int | None:
    style = para.style.strip().lower()
    match = re.fullmatch(r"(?:heading|标题)\s*([1-9])", style)
    if match:
        return int(match.group(1))
    if para.outline is not None and para.outline < 9:
        return para.outline + 1
    return None


def _heading_font(para: Para) -> str:
    for font in para.fonts:
        low = font.lower()
        if any(mark in low for mark in _HEADING_FONTS):
            return font
    return ""


def _empty(item: Para | Grid) -> bool:
    return isinstance(item, Para) and not item.text.strip() and not item.images and not any(
        s.note for s in item.spans
    )


def _runs(spans: list[Span], labels: dict[tuple[str, str], str], emphasis: bool = True) -> list[Run]:
    """Spans → runs; bold or italic spans → emphasis, unless the whole block is bold or italic (then
    it is the paragraph's look — a caption style in italics, a bold line — not an emphasis)."""
    runs: list[Run] = []
    visible = [s for s in spans if s.text.strip() and not s.note]
    if visible and all(s.bold or s.italic for s in visible):
        emphasis = False
    for span in spans:
        if span.note is not None:
            if span.note in labels:
                runs.append(Ref(labels[span.note]))
            continue
        if not span.text:
            continue
        if span.link:
            runs.append(Link(span.text, span.link))  # a link's text is plain
        elif emphasis and (span.bold or span.italic) and span.text.strip():
            runs.append(Emphasis(span.text))
        else:
            runs.append(Text(span.text))
    return _merge(runs)


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if isinstance(run, Ref):
            merged.append(run)
            continue
        if not run.text:
            continue
        if merged and type(merged[-1]) is type(run) and not isinstance(run, Ref) \
                and getattr(merged[-1], "target", None) == getattr(run, "target", None):
            merged[-1] = dataclasses.replace(run, text=merged[-1].text + run.text)  # type: ignore[union-attr]
        else:
            merged.append(run)
    return merged


def _strip_runs(runs: list[Run]) -> list[Run]:
    """Whitespace at either end of a block dropped (Markdown would drop it anyway)."""
    runs = list(runs)
    while runs and not isinstance(runs[0], Ref) and not runs[0].text.lstrip():
        runs.pop(0)
    if runs and not isinstance(runs[0], Ref):
        runs[0] = dataclasses.replace(runs[0], text=runs[0].text.lstrip())
    while runs and not isinstance(runs[-1], Ref) and not runs[-1].text.rstrip():
        runs.pop()
    if runs and not isinstance(runs[-1], Ref):
        runs[-1] = dataclasses.replace(runs[-1], text=runs[-1].text.rstrip())
    return runs


def _only_text(runs: list[Run]) -> list[Run]:
    """Emphasis set as plain text (headings, salutations and notes have their own style)."""
    return _merge([Text(r.text) if isinstance(r, Emphasis) else r for r in runs])


def body_size(items: list[Para]) -> float | None:
    """The size most Han characters are set in: the body text's size."""
    sizes: Counter[float] = Counter()
    # Centred lines (title, subtitle, byline, captions) are not body text, when there is any other.
    uncentred = [p for p in items if p.align not in ("center", "right") and han(p.text)]
    for para in uncentred or items:
        for span in para.spans:
            if span.size:
                sizes[span.size] += han(span.text)
    sizes = Counter({k: v for k, v in sizes.items() if v})
    # Ties go to the smaller size: body text is never set larger than what stands out from it.
    return min(sizes, key=lambda size: (-sizes[size], size)) if sizes else None


def parse_byline(text: str) -> list[tuple[str, str]] | None:
    """"单位 职务　姓名" → [(unit, name), …], or None when the line does not look like a byline."""
    line = text.strip().lstrip("●·•■□◆").strip()
    if not line or _INNER_PUNCT.search(line) or len(line) > 60 or not HAN.search(line):
        return None
    tokens = [t for t in re.split(r"([ \u3000\u00a0\t]+)", line)]
    words = tokens[0::2]
    gaps = tokens[1::2]
    # Two one-character tokens side by side at the end are one name padded to three (杨 菁).
    merged: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if (
            index + 1 < len(words)
            and len(word) == 1
            and len(words[index + 1]) == 1
            and HAN.fullmatch(word)
            and HAN.fullmatch(words[index + 1])
        ):
            merged.append(word + gaps[index] + words[index + 1])
            index += 2
            continue
        merged.append(word)
        index += 1

    def is_name(token: str) -> bool:
        bare = re.sub(r"[ \u3000\u00a0]", "", token)
        return bool(_NAME.fullmatch(bare)) and not bare.endswith(_UNIT_ENDINGS)

    if not merged or not is_name(merged[-1]):
        return None
    entries: list[tuple[str, str]] = []
    unit: list[str] = []
    for token in merged:
        if is_name(token):
            entries.append((" ".join(unit), token))
            unit = []
        else:
            unit.append(token)
    if unit:  # a unit after the last name: not a byline
        return None
    if len(entries) > 6:
        return None
    return entries


class Recovery:
    def __init__(self, manuscript: Manuscript, images: dict[str, str]) -> None:
        self.m = manuscript
        self.images = images  # relationship id → path relative to the issue folder
        self.draft = Draft()
        self.labels: dict[tuple[str, str], str] = {}
        self.items = [i for i in manuscript.items if not _empty(i)]
        self.size = body_size([p for p in manuscript.paragraphs()])
        self.levels: dict[str, int] = {}
        self.unreferenced: list[tuple[str, str]] = []

    def guess(self, what: str, para: Para | Grid, because: str) -> None:
        text = para.text if isinstance(para, Para) else ""
        self.draft.guess(what, text.strip(), because, para.where)

    def recover(self) -> Draft:
        self.tabs()
        self.number_notes()
        start = self.head()
        end, signature = self.tail(start)
        self.plan_headings(start, end)
        self.body(start, end)
        self.notes()
        self.place_notes()
        if signature:
            self.draft.blocks.append(signature)
        self.kind()
        return self.draft

    def tabs(self) -> None:
        for where, count in Counter(self.m.tabs).items():
            self.draft.guess("tab", "", f"{count} tab(s) set as U+3000 (the layout has no tab stops)", where)

    # notes are numbered in the order they are referenced
    def number_notes(self) -> None:
        # A note without text cannot be defined in Markdown: its reference is dropped (reported).
        blank = {k for k, paras in self.m.notes.items() if not "".join(p.text for p in paras).strip()}
        for key in blank:
            self.draft.guess("note", "", f"{key[0]} {key[1]} has no text: its reference mark is dropped")

        def visit(paras: list[Para]) -> None:
            for para in paras:
                for span in para.spans:
                    if span.note is not None and span.note in self.m.notes and span.note not in self.labels \
                            and span.note not in blank:
                        self.labels[span.note] = str(len(self.labels) + 1)

        for item in self.m.items:
            if isinstance(item, Para):
                visit([item])
            else:
                for row in item.rows:
                    for cell in row:
                        visit(cell)
        # A note never referenced in the text (a damaged file) has no place for a mark: its text
        # becomes the article's last paragraph, so that nothing is lost (`unreferenced`).
        self.unreferenced = [k for k in self.m.notes if k not in self.labels and k not in blank]

    # ── the head: section line, title, subtitle, note, byline ───────────────────────────────────
    def head(self) -> int:
        items = self.items
        index = 0
        first = items[0] if items else None
        if isinstance(first, Para) and len(items) > 1:
            match = _SECTION_LINE.match(first.text)
            if match:
                self.draft.section = (match.group(1) or match.group(2)).strip()
                self.draft.elsewhere["section"] = first.text
                self.guess("section", first, "a first line naming the section (栏目：… or 【…】)")
                index = 1
        if not self.draft.section and self.m.category:
            self.draft.section = self.m.category
            self.draft.guess("section", self.m.category, "the document's Category property (File › Properties)")
        index = self.title(index)
        seen_byline = False
        while index < len(items):
            item = items[index]
            if not isinstance(item, Para) or item.images:
                break
            text = item.text.strip()
            if not self.draft.subtitle and not seen_byline and (
                _style_is(item, _SUBTITLE_STYLES) or _SUBTITLE.match(text)
            ):
                self.draft.subtitle = text.replace("\n", "")
                why = "the Subtitle style" if _style_is(item, _SUBTITLE_STYLES) else "a line under the title starting with ——"
                self.guess("subtitle", item, why)
            elif _BRACKETED.match(text) and _short(text, 80) and (
                _ADOPTION.search(text) or item.align == "center" or _DATE.match(text.strip("（）() "))
            ):
                runs = _only_text(_strip_runs(_runs(item.spans, self.labels)))
                self.draft.blocks.append(Block("note", runs, where=item.where))
                self.guess("note", item, "a line in brackets under the title (an adoption note or a draft mark)")
            elif _DATE.match(text) and (item.align == "center" or _style_is(item, ("date", "日期"))):
                runs = _only_text(_strip_runs(_runs(item.spans, self.labels)))
                self.draft.blocks.append(Block("note", runs, where=item.where))
                self.guess("note", item, "a date under the title, centred")
            elif (split := self.split_byline(index)) is not None:
                unit_para, _names, pair = split
                self.draft.bylines += pair
                seen_byline = True
                self.guess("byline", unit_para, f"a unit line followed by a line with only a name ({pair[0][1]})")
                index += 1
            elif _short(text, 60) and not self.heading_pattern(text) and (parsed := parse_byline(text)):
                bylines = parsed
                self.draft.bylines += bylines
                seen_byline = True
                names = "、".join(n for _u, n in bylines)
                self.guess("byline", item, f"a short line under the title ending with a name ({names})")
            elif (
                not self.draft.subtitle and not seen_byline and item.align == "center" and _short(text, 60)
                and "。" not in text and not text.endswith(("：", ":")) and "\n" not in text
                and not self.heading_pattern(text)
            ):
                self.draft.subtitle = text
                self.guess("subtitle", item, "a centred line under the title (it does not start with ——)")
            else:
                break
            index += 1
        return index

    def split_byline(self, index: int) -> tuple[Para, Para, list[tuple[str, str]]] | None:
        """A byline written on two lines: the unit (and post), then the name(s) alone."""
        if index + 1 >= len(self.items):
            return None
        unit, names = self.items[index], self.items[index + 1]
        if not isinstance(unit, Para) or not isinstance(names, Para) or unit.images or names.images:
            return None
        unit_text = unit.text.strip()
        if not _short(unit_text, 40) or _INNER_PUNCT.search(unit_text) or not unit_text.endswith(_UNIT_ENDINGS):
            return None
        if self.heading_pattern(unit_text) or unit.align != names.align or parse_byline(unit_text):
            return None
        entries = parse_byline(names.text)
        if not entries or any(u for u, _n in entries):
            return None
        return unit, names, [(unit_text if i == 0 else "", n) for i, (_u, n) in enumerate(entries)]

    def title(self, index: int) -> int:
        items = self.items
        lines: list[Para] = []
        for para in items[index:index + MAX_TITLE_LINES]:
            if isinstance(para, Para) and _style_is(para, _TITLE_STYLES) and not _heading_style_level(para) \
                    and para.text.strip():
                lines.append(para)
            else:
                break
        why = "the Title style"
        if not lines:
            for item in items[index:index + MAX_TITLE_LINES]:
                if not isinstance(item, Para) or item.images or item.align != "center" or not item.text.strip():
                    break
                text = item.text.strip()
                size = item.size
                if _SUBTITLE.match(text) or _BRACKETED.match(text):
                    break
                if lines and (parse_byline(text) or abs((size or 0) - (lines[0].size or 0)) > 1):
                    break  # a title's lines share one size; a byline under it may be large too
                big = bool(self.size and size and size >= self.size + 1)
                bold = item.bold and (not lines or lines[0].bold) and not _SENTENCE_END.search(text)
                if big or (bold and _short(text, 40) and not parse_byline(text)):
                    lines.append(item)
                else:
                    break
            if lines and lines[0].size and self.size and lines[0].size >= self.size + 1:
                why = f"centred, in {lines[0].size:g} pt against the body's {self.size:g} pt"
            else:
                why = "centred and bold at the top"
        if not lines:
            first = items[index] if index < len(items) else None
            if isinstance(first, Para) and not first.images and first.text.strip():
                text = first.text.strip()
                if first.align == "center" and _short(text, 60) and not _SENTENCE_END.search(text):
                    lines = [first]
                    why = "the first line, centred (not larger than the body text)"
                elif _short(text, 40) and not _SENTENCE_END.search(text) and not _SUBTITLE.match(text):
                    lines = [first]
                    why = "the first line, short and without closing punctuation (no centred title found)"
        if not lines:
            from publish.errors import AddError, Problem

            raise AddError(
                Problem(
                    "no title found: the first paragraph is not a title line",
                    self.m.path,
                    None,
                    "put the title on a line of its own at the top, centred",
                    "add-no-title",
                )
            )
        for para in lines:
            for line in re.split(r"\n", para.text):
                if line.strip():
                    self.draft.title.append(line.strip())
        self.draft.guess("title", " / ".join(self.draft.title), why, lines[0].where)
        return index + len(lines)

    # ── the tail: right-aligned closing lines ────────────────────────────────────────────────────
    def tail(self, start: int) -> tuple[int, Block | None]:
        end = len(self.items)
        closing: list[Para] = []
        while end - 1 > start:
            item = self.items[end - 1]
            if not isinstance(item, Para) or item.images:
                break
            text = item.text
            indented = re.match(r"^[ \u3000\u00a0\t]{6,}", text) is not None
            if not _short(text, MAX_SHORT + 20) or not (item.align == "right" or indented):
                break
            if _SENTENCE_END.search(text) and not _DATE.match(text):
                break
            closing.insert(0, item)
            end -= 1
        if not closing:
            return len(self.items), None
        lines = [line.strip(" \u3000\u00a0\t") for para in closing for line in para.text.split("\n")]
        lines = [line for line in lines if line]
        how = "right-aligned" if all(p.align == "right" for p in closing) else "pushed right with spaces"
        self.draft.guess("signature", " / ".join(lines), f"the closing lines, {how}", closing[0].where)
        return end, Block("signature", lines=lines, where=closing[0].where)

    # ── headings ──────────────────────────────────────────────────────────────────────────────
    def heading_pattern(self, text: str) -> str:
        for name, pattern in PATTERNS:
            if pattern.match(text):
                return name
        return ""

    def hand_heading(self, para: Para) -> str:
        """Why `para` is a hand-formatted heading ("" if it is not one)."""
        text = para.text.strip()
        shown = (para.label + text) if para.label else text
        if not shown or "\n" in text or para.align == "right":
            return ""
        font = _heading_font(para)
        marked = ""
        if para.bold:
            marked = "bold"
        elif font:
            marked = f"in {font}"
        elif self.size and para.size and para.size >= self.size + 1:
            marked = f"in {para.size:g} pt"
        name = self.heading_pattern(shown)
        if name:
            if marked and _short(shown, 60):
                return marked
            rest = next(p for n, p in PATTERNS if n == name).sub("", shown, count=1)
            if name in ("第一章", "一、", "（一）") and len(shown) <= 25 and rest.strip() and not _INNER_PUNCT.search(rest):
                return "a line of its own without punctuation"
            return ""
        # An unnumbered heading (a news article's 小标题): short, marked, not a sentence.
        if marked and _short(shown, 30) and "。" not in shown and not shown.endswith(("：", ":", "；", "，")):
            return f"{marked}, a short line without a number"
        return ""

    def plan_headings(self, start: int, end: int) -> None:
        used: list[str] = []
        for item in self.items[start:end]:
            if isinstance(item, Para) and not _heading_style_level(item) and self.hand_heading(item):
                name = self.heading_pattern((item.label + item.text).strip())
                if name not in used:
                    used.append(name)
        # The model's levels: `一、` is level 1 and `（一）` level 2 (as the importer of printed issues
        # has them), even in an article whose only headings are `（一）`; `第一章` above `一、` pushes
        # it down. `1.` and unnumbered headings are level 1 only where no higher numbering is used.
        top = {"第一章", "一、"} & set(used)
        self.levels = {
            "第一章": 1,
            "一、": 2 if "第一章" in used else 1,
            "（一）": 2,
            "1.": 2 if top or "（一）" in used else 1,
            "（1）": 2,
            "": 2 if top else 1,
        }

    # ── the body ──────────────────────────────────────────────────────────────────────────────
    def body(self, start: int, end: int) -> None:
        items = self.items
        first_text = True
        index = start
        while index < end:
            item = items[index]
            if isinstance(item, Grid):
                self.table(item, None)
                index += 1
                continue
            nxt = items[index + 1] if index + 1 < end else None
            # a table caption: a short line above a table
            if isinstance(nxt, Grid) and self.is_table_caption(item):
                self.table(nxt, item)
                index += 2
                first_text = False
                continue
            if item.images:
                used = self.figure(item, nxt if isinstance(nxt, Para) else None)
                index += 1 + used
                continue
            text = item.text.strip()
            level = _heading_style_level(item)
            why_hand = "" if level else self.hand_heading(item)
            if level or why_hand:
                shown = item.label + text if item.label else text
                name = self.heading_pattern(shown)
                if level:
                    if level > 2:
                        self.guess("heading", item, f"the {item.style or 'outline level'} style is level {level}; set as level 2")
                    else:
                        self.guess("heading", item, f"the {item.style or 'outline level'} style")
                    level = min(level, 2)
                else:
                    level = self.levels.get(name, 2)
                    start_with = f"starting {name}, " if name else ""
                    self.guess(f"heading level {level}", item, f"a short paragraph {start_with}{why_hand}")
                runs = _only_text(_strip_runs(_runs(item.spans, self.labels)))
                if item.label:
                    runs = _merge([Text(item.label), *runs])
                self.draft.blocks.append(Block("heading", runs, level=level, where=item.where))
            elif first_text and self.is_salutation(item):
                runs = _only_text(_strip_runs(_runs(item.spans, self.labels)))
                self.draft.blocks.append(Block("salutation", runs, where=item.where))
                self.guess("salutation", item, "the first paragraph, short and ending with ：")
            elif item.align == "center" and _BRACKETED.match(text) and _short(text, 80):
                runs = _only_text(_strip_runs(_runs(item.spans, self.labels)))
                self.draft.blocks.append(Block("note", runs, where=item.where))
                self.guess("note", item, "a centred line in brackets")
            else:
                self.paragraph(item)
            first_text = False
            index += 1

    def is_salutation(self, para: Para) -> bool:
        text = para.text.strip()
        return (
            text.endswith(("：", ":"))
            and _short(text, 40)
            and "。" not in text
            and "\n" not in text
            and not self.heading_pattern(text)
        )

    def paragraph(self, para: Para) -> None:
        # Indentation typed by hand (two U+3000 at the start) is the layout's job: dropped, reported.
        lead = re.match(r"^[ \u3000\u00a0\t]+", para.text)
        if lead and para.text.strip():
            self.guess("indent removed", para, f"the paragraph began with {len(lead.group())} space characters "
                                               "(the layout indents the first line)")
        # A line break inside a paragraph stays one (written &#xA;, set as a forced line break).
        runs = _strip_runs(_runs(list(para.spans), self.labels))
        if not runs or not plain_or_ref(runs):
            return
        if para.label and re.fullmatch(r"[0-9]{1,9}[.)]", para.label):
            self.draft.blocks.append(Block("item", runs, label=para.label, where=para.where))
            return
        if para.label:
            if para.bullet:
                private = any(0xE000 <= ord(c) <= 0xF8FF for c in para.label)  # a symbol font's bullet
                mark = "• " if private or not para.label.strip() else para.label + " "
                self.guess("bullet", para, f"a bulleted item: printed with {mark.strip()}")
            else:
                mark = para.label
                self.guess("numbered", para, f"Word numbers it {mark}: the number is written into the text")
            runs = _merge([Text(mark), *runs])
        self.draft.blocks.append(Block("paragraph", runs, where=para.where))

    def is_caption(self, para: Para | None, mark: str) -> bool:
        if para is None or para.images:
            return False
        text = para.text.strip()
        if _style_is(para, _CAPTION_STYLES):
            return bool(text)
        return _short(text, 60) and re.match(rf"^{mark}\s*[0-9０-９一二三四五六七八九十]", text) is not None

    def is_figure_caption(self, para: Para) -> bool:
        """The caption style, a short line starting 图…, or a short centred line under a picture."""
        text = para.text.strip()
        centred_short = (
            para.align == "center" and _short(text, 40) and not _SENTENCE_END.search(text)
            and not self.heading_pattern(text)
        )
        return not para.images and (self.is_caption(para, "图") or centred_short)

    def is_table_caption(self, para: Para) -> bool:
        return self.is_caption(para, "表") and (
            _style_is(para, _CAPTION_STYLES) or para.align == "center" or para.bold
        )

    def figure(self, para: Para, nxt: Para | None) -> int:
        """Figures for the pictures of `para`; its other text and a caption under it. Returns how
        many following items were used (1 for the caption)."""
        before: list[Span] = []
        after: list[Span] = []
        pictures: list[Span] = []
        for span in para.spans:
            if span.image:
                pictures.append(span)
            elif pictures:
                after.append(span)
            else:
                before.append(span)
        if "".join(s.text for s in before).strip():
            self.paragraph(Para(before, para.style, para.align, where=para.where, index=para.index))
        caption: list[Run] = []
        used = 0
        inline_caption = "".join(s.text for s in after).strip()
        if inline_caption and _short(inline_caption, 60) and not _SENTENCE_END.search(inline_caption):
            caption = _strip_runs(_runs(after, self.labels))
            after = []
            self.guess("caption", para, "the short text beside the picture in the same paragraph")
        elif nxt is not None and self.is_figure_caption(nxt):
            caption = _strip_runs(_runs(nxt.spans, self.labels))
            used = 1
            why = f"the {nxt.style} style" if _style_is(nxt, _CAPTION_STYLES) else "a short centred line under the picture"
            self.guess("caption", nxt, why)
        for number, picture in enumerate(pictures):
            path = self.images.get(picture.image or "")
            if path is None:
                continue
            self.draft.blocks.append(
                Block("figure", image=path, caption=caption if number == len(pictures) - 1 else [], where=para.where)
            )
        if "".join(s.text for s in after).strip():
            self.paragraph(Para(after, para.style, para.align, where=para.where, index=para.index))
        return used

    def table(self, grid: Grid, caption: Para | None) -> None:
        rows: list[list[list[Run]]] = []
        joined = False
        for row in grid.rows:
            cells: list[list[Run]] = []
            for cell in row:
                runs: list[Run] = []
                texts = [p for p in cell if p.text.strip() or any(s.note for s in p.spans)]
                joined = joined or len(texts) > 1 or any("\n" in p.text for p in texts)
                for para in texts:
                    spans = [Span(s.text.replace("\n", ""), s.bold, s.italic, s.size, s.font, s.note)
                             for s in para.spans]
                    label = [Span(para.label)] if para.label and not para.bullet else []
                    runs += _strip_runs(_runs(label + spans, self.labels))
                cells.append(_merge(runs))
            rows.append(cells)
        if not rows or not rows[0] or not any(plain(c).strip() or any(isinstance(r, Ref) for r in c)
                                              for row in rows for c in row):
            self.draft.guess("table", "", "an empty table (no text in any cell): left out", grid.where)
            if caption is not None:
                self.paragraph(caption)
            return
        if len(rows) == 1:  # a one-row table (a frame, a layout aid) has no body: its cells are paragraphs
            if caption is not None:
                self.paragraph(caption)
            for cell_runs in rows[0]:
                if plain(cell_runs).strip() or any(isinstance(r, Ref) for r in cell_runs):
                    self.draft.blocks.append(Block("paragraph", cell_runs, where=grid.where))
            self.draft.guess("table", "", "a table of one row: its cells set as paragraphs", grid.where)
            return
        pictures = [s for row in grid.rows for cell in row for p in cell for s in p.spans if s.image]
        block = Block("table", rows=rows, where=grid.where)
        if caption is not None:
            block.caption = _only_text(_strip_runs(_runs(caption.spans, self.labels)))
            self.guess("table caption", caption, "a short line starting with 表 above the table")
        header = "its repeated header row" if grid.header_rows else "the first row"
        self.draft.guess("table", f"{len(rows)} rows × {len(rows[0])} columns", f"a Word table; header: {header}",
                         grid.where)
        if joined:
            self.draft.guess("table", "", "a cell held several paragraphs or line breaks: joined in one cell line",
                             grid.where)
        if grid.nested:
            self.draft.guess("table", "", "a table inside a cell: its text kept in the cell", grid.where)
        self.draft.blocks.append(block)
        for picture in pictures:  # a table cell cannot hold a figure: it follows the table
            path = self.images.get(picture.image or "")
            if path is not None:
                self.draft.blocks.append(Block("figure", image=path, where=grid.where))
                self.draft.guess("figure", path, "a picture inside a table cell: set after the table", grid.where)

    def notes(self) -> None:
        for key in self.unreferenced:
            spans = [Span(s.text, s.bold, s.italic, s.size, s.font) for p in self.m.notes[key] for s in p.spans
                     if not s.note]
            orphan = _strip_runs(_runs(spans, {}))
            self.draft.blocks.append(Block("paragraph", orphan, where=f"{key[0]} {key[1]}"))
            self.draft.guess("note", plain(orphan), "a note no reference points to: set as the last paragraph",
                             f"{key[0]} {key[1]}")
        for key, label in sorted(self.labels.items(), key=lambda kv: int(kv[1])):
            runs: list[Run] = []
            for para in self.m.notes.get(key, []):
                spans = [Span(s.text.replace("\n", ""), s.bold, s.italic, s.size, s.font) for s in para.spans if not s.note]
                runs += _strip_runs(_runs(spans, {}))
            self.draft.notes.append((label, _merge(runs)))
            if key[0] == "endnote":
                self.draft.guess("note", plain(runs), "an endnote: numbered with the footnotes", key[0])

    def place_notes(self) -> None:
        """Every note referenced exactly where a mark can stand, numbered in order of reference.

        A mark in the title, subtitle, byline or closing lines cannot be written there (they are
        plain text): such a note gets its mark at the end of the first paragraph, or, in an article
        without one, becomes a paragraph itself. Reported either way."""

        def inline_lists(block: Block) -> list[list[Run]]:
            if block.kind == "table":
                return [cell for row in block.rows for cell in row] + [block.caption]
            return [block.runs, block.caption]

        order: list[str] = []
        for block in self.draft.blocks:
            for runs in inline_lists(block):
                order += [r.label for r in runs if isinstance(r, Ref) and r.label not in order]
        first = next((b for b in self.draft.blocks if b.kind in ("paragraph", "item")), None)
        kept: list[tuple[str, list[Run]]] = []
        for label, runs in self.draft.notes:
            if label in order:
                kept.append((label, runs))
            elif first is not None:
                first.runs = [*first.runs, Ref(label)]
                order.append(label)
                kept.append((label, runs))
                self.draft.guess("note", plain(runs), "its mark stood in the title, byline or closing lines, which "
                                 "cannot carry one: set at the end of the first paragraph", first.where)
            else:
                self.draft.blocks.append(Block("paragraph", runs))
                self.draft.guess("note", plain(runs), "its mark stood where none can be written and the article has "
                                 "no paragraph for it: set as a paragraph")
        renumber = {old: str(number) for number, old in enumerate(order, start=1)}
        for block in self.draft.blocks:
            for runs in inline_lists(block):
                runs[:] = [Ref(renumber[r.label]) if isinstance(r, Ref) else r for r in runs]
        self.draft.notes = sorted(((renumber[label], runs) for label, runs in kept), key=lambda n: int(n[0]))

    def kind(self) -> None:
        kinds = {b.kind for b in self.draft.blocks}
        if "salutation" in kinds:
            self.draft.kind = "speech"
            self.draft.guess("kind", "speech", "the article opens with a salutation")
        elif "signature" in kinds:
            self.draft.kind = "notice"
            self.draft.guess("kind", "notice", "the article ends with closing lines (unit, date)")


def plain_or_ref(runs: list[Run]) -> str:
    return "".join(r.text for r in runs).strip() or ("[^]" if any(isinstance(r, Ref) for r in runs) else "")


def recover(manuscript: Manuscript, images: dict[str, str]) -> Draft:
    """The article's structure (see the module docstring); `images` maps picture ids to their paths."""
    return Recovery(manuscript, images).recover()
