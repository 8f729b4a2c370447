"""A typography audit of composed lines (a paragraph, a column, or a whole page's lines).

In: `Line`s in reading order (paragraph ends marked by `Line.last`), the measure, the metrics and the
style they were set with. Out: a `Report` counting, with one `Finding` per fault:
- prohibition breaks: a line break the prohibition level forbids, or one splitting `——`/`……`, a
  Western word or a number (clreq §prohibition_rules_for_line_start_end, §prohibition_rules_for_unbreakable_marks);
- unflush lines: a non-last justified line whose width is not the measure (clreq §necessity_for_line_adjustment);
- uncompressed adjacent punctuation: two adjacent full-width marks wider together than the style's
  `adjacent_compression` (clreq §h-adjustment_of_adjacent_punctuation_marks);
- line-end marks not halved (GB/T 15834 §5.1.10, clreq §h-compression_of_punctuation_marks_at_line_start);
- 孤字: a paragraph of two or more lines whose last line holds fewer than two characters besides
  punctuation (clreq §adjustments_of_orphans_and_widows);
- loose lines: extra space between Han characters averaging more than 0.10 em;
- overhangs: a glyph's set box outside [0, measure] (a hung line-end mark is allowed with `hanging`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from publish.cjk.classes import (
    CLOSE,
    FULLWIDTH_MARKS,
    HAN,
    PAUSE,
    PUNCTUATION,
    STOP,
    breakable,
    classes_of,
)
from publish.cjk.glue import FULLWIDTH_MIN
from publish.cjk.metrics import Metrics
from publish.cjk.style import Line, Style

TOL = 1e-6
LOOSE_EM = 0.10
KINDS = ("prohibition", "unflush", "uncompressed_pair", "end_mark_not_halved", "orphan", "loose", "overhang")


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    line: int  # index into the lines given
    detail: str


@dataclass(frozen=True)
class Report:
    lines: int
    findings: tuple[Finding, ...] = field(default=())

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in KINDS}

    @property
    def ok(self) -> bool:
        return not self.findings

    def __str__(self) -> str:
        return f"{self.lines} lines: " + ", ".join(f"{k} {v}" for k, v in self.counts.items())


def audit(lines: Sequence[Line], measure: float, metrics: Metrics, style: Style | None = None,
          continued: bool = False) -> Report:
    """Check composed lines. `lines` may hold several paragraphs; a paragraph ends at a `last` line
    (lines after the final `last` are taken as an unfinished paragraph, continued elsewhere).
    `continued`: the first lines finish a paragraph begun before them (a column or page top), so
    its last line is judged for 孤字 even when it is the only line given."""
    style = style or Style()
    findings: list[Finding] = []
    add = findings.append
    target = style.adjacent_compression

    # paragraphs: break checks and 孤字
    start = 0
    for idx, line in enumerate(lines):
        if line.last or idx == len(lines) - 1:
            para = lines[start : idx + 1]
            if len(para) > 1 or (continued and start == 0):
                _check_breaks(para, start, style, add)
                if line.last:
                    tail = classes_of(line.text)
                    chars = sum(1 for c in tail if c not in PUNCTUATION)
                    if chars < 2:
                        add(Finding("orphan", idx, f"last line {line.text!r}"))
            start = idx + 1

    for idx, line in enumerate(lines):
        gl = line.glyphs
        if not gl:
            continue
        text = line.text
        cls = classes_of(text)
        em = [metrics.em(g.face) for g in gl]
        if line.align == "justify" and not line.last and abs(line.width - measure) > TOL:
            add(Finding("unflush", idx, f"width {line.width:.3f} ≠ {measure:.3f}: {text!r}"))
        fw = [
            cls[k] in FULLWIDTH_MARKS and metrics.advance(g.char, g.face) >= FULLWIDTH_MIN * em[k]
            for k, g in enumerate(gl)
        ]
        for k in range(1, len(gl)):
            if fw[k] and fw[k - 1] and gl[k - 1].width + gl[k].width > target * em[k] + TOL:
                add(Finding("uncompressed_pair", idx, f"{gl[k - 1].char}{gl[k].char} in {text!r}"))
        k = len(gl) - 1
        while k > 0 and gl[k].char.isspace():
            k -= 1
        g = gl[k]
        if fw[k] and cls[k] in (CLOSE, PAUSE, STOP):
            natural = metrics.advance(g.char, g.face)
            if g.width > natural - 0.5 * em[k] + TOL:
                add(Finding("end_mark_not_halved", idx, f"{g.char} set {g.width / em[k]:.2f} em in {text!r}"))
        gaps = []
        for k in range(1, len(gl)):
            if cls[k] == HAN and cls[k - 1] == HAN:
                a, b = gl[k - 1], gl[k]
                gaps.append((b.x + b.offset - (a.x + a.offset + a.width)) / em[k])
        if gaps and sum(gaps) / len(gaps) > LOOSE_EM + TOL:
            add(Finding("loose", idx, f"Han gaps average {sum(gaps) / len(gaps):.3f} em in {text!r}"))
        for k, g in enumerate(gl):
            left = g.x + g.offset
            right = left + g.width
            hung = line.hung and style.hanging and k == len(gl) - 1
            if left < -TOL or (right > measure + TOL and not hung):
                add(Finding("overhang", idx, f"{g.char} at {left:.2f}–{right:.2f} in {text!r}"))
    return Report(lines=len(lines), findings=tuple(findings))


def _check_breaks(para: Sequence[Line], offset: int, style: Style, add) -> None:
    text = "".join(line.text for line in para)
    if not text:
        return
    ok = breakable(text, classes_of(text), style.prohibition)
    pos = 0
    for n, line in enumerate(para[:-1]):
        pos += len(line.glyphs)
        if 0 < pos < len(text) and not ok[pos]:
            add(Finding("prohibition", offset + n, f"break {text[max(0, pos - 3):pos]!r}|{text[pos:pos + 3]!r}"))


def ratio_summary(lines: Sequence[Line]) -> dict[str, int]:
    """The distribution of adjustment ratios of non-last justified lines, in bins."""
    bins = {"<-0.5": 0, "-0.5..0": 0, "0": 0, "0..0.25": 0, "0.25..0.5": 0, "0.5..1": 0, ">1": 0}
    for line in lines:
        if line.last or line.align != "justify":
            continue
        r = line.ratio
        if r < -0.5:
            bins["<-0.5"] += 1
        elif r < -1e-9:
            bins["-0.5..0"] += 1
        elif r <= 1e-9:
            bins["0"] += 1
        elif r <= 0.25:
            bins["0..0.25"] += 1
        elif r <= 0.5:
            bins["0.25..0.5"] += 1
        elif r <= 1.0:
            bins["0.5..1"] += 1
        else:
            bins[">1"] += 1
    return bins
