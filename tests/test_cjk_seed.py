"""The whole sample issue, paragraph by paragraph, at a 21-character measure: the checker finds nothing.

Paragraphs are recovered with `tests/seedtext.py` (a simple join by line width; see there).
Fixed metrics: 1 em per Chinese character, ½ em for ASCII.
"""

from pathlib import Path

import pytest
from seedtext import seed_paragraphs

from publish.cjk import FixedMetrics, Run, Style, audit, compose
from publish.cjk.audit import ratio_summary

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
EM = 10.0


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    files = sorted(SEED.glob("000_*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip(f"the sample issue is not present at {SEED}")
    paras = seed_paragraphs(files[0])
    assert len(paras) > 400 and sum(map(len, paras)) > 60_000
    return paras


@pytest.mark.parametrize("style", [Style(), Style(prohibition="gb", indent_em=1.0), Style(adjacent_compression=1.0)],
                         ids=["strict-2em", "gb-1em", "adjacent-1em"])
def test_seed_at_21_characters_has_no_faults(paragraphs, style):
    metrics = FixedMetrics(EM)
    measure = 21 * EM
    lines = []
    for text in paragraphs:
        out = compose([Run(text, "body")], measure, metrics, style)
        assert "".join(line.text for line in out) == text  # nothing lost, nothing added
        lines += out
    report = audit(lines, measure, metrics, style)
    assert report.counts == dict.fromkeys(report.counts, 0), [str(f) for f in report.findings[:10]]
    bins = ratio_summary(lines)
    assert bins[">1"] == 0  # no line with Han gaps opened beyond 0.1 em
