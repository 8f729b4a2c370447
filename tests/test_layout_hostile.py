"""Hostile and faulty layouts (issue 17 points 2–4): every number finite and in a sane range, every
format string limited to its documented fields and specs, anything that cannot fit an error naming
it — and, over random layouts (hypothesis), a layout is either refused with a message naming the
file, or the issue builds with every character of its text in the PDF."""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.build import build
from publish.errors import LayoutError, PublishError
from publish.layout import load_layout

ROOT = Path(__file__).resolve().parents[1]
MAG = ROOT / "layouts" / "magazine-16k.toml"

ARTICLE = """+++
title = "关于加强人大代表履职工作的几点思考"
byline = [{unit = "市人大常委会办公室", name = "王明"}]
+++

人大代表是人民代表大会的主体，代表工作是人大工作的基础。做好新时代代表工作，对于坚持和完善人民代表大会制度具有重要意义。

一是加强学习培训，提高代表履职能力。二是密切联系群众，畅通民意表达渠道。三是完善工作机制，保障代表依法履职。

我们要以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，不断开创代表工作新局面。
"""


def _issue(folder: Path, layout_text: str, title: str | None = None) -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "layout.toml").write_text(layout_text, encoding="utf-8")
    text = ARTICLE if title is None else ARTICLE.replace("关于加强人大代表履职工作的几点思考", title)
    (folder / "articles" / "a.md").write_text(text, encoding="utf-8")
    (folder / "issue.toml").write_text(
        '[magazine]\ntitle = "巴彦淖尔人大"\n\n[issue]\nlabel = "2025年第1期"\ndate = 2025-01-20\n'
        'layout = "layout.toml"\n\n[[sections]]\ntitle = "代表工作"\narticles = ["articles/a.md"]\n',
        encoding="utf-8")
    return folder


MAG_TEXT = MAG.read_text(encoding="utf-8")


def _set_key(text: str, key: str, value: str) -> str:
    """`text` (a layout) with `key` (`page.width_mm`, `header.right.inner`) set to TOML `value`."""
    table, name = key.rsplit(".", 1)
    lines = text.splitlines()
    start = next(k for k, ln in enumerate(lines) if re.match(rf"\[{re.escape(table)}\]", ln))
    for k in range(start + 1, len(lines)):
        if lines[k].startswith("["):
            lines.insert(k, f"{name} = {value}")
            break
        if re.match(rf"{re.escape(name)}\s*=", lines[k]):
            lines[k] = f"{name} = {value}"
            break
    else:
        lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def _set_style(text: str, element: str, key: str, value: object) -> str:
    lines = text.splitlines()
    k = next(k for k, ln in enumerate(lines) if re.match(rf"{element}\s*=\s*{{", ln))
    table = tomllib.loads(lines[k])[element]
    table[key] = value
    lines[k] = f"{element} = {{ " + ", ".join(f"{n} = {_toml(v)}" for n, v in table.items()) + " }"
    return "\n".join(lines) + "\n"


def _with(key: str, value: str) -> str:
    return _set_key(MAG_TEXT, key, value)


def _style(element: str, **values: str) -> str:
    text = MAG_TEXT
    for key, v in values.items():
        text = _set_style(text, element, key, tomllib.loads(f"v = {v}")["v"])
    return text


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(v)


def _refused(layout_text: str, tmp_path: Path) -> LayoutError:
    path = tmp_path / "hostile.toml"
    path.write_text(layout_text, encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    return caught.value


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("page.width_mm", "nan", r"\[page\] width_mm: must be a finite number from 50 to 2000, not nan"),
        ("page.height_mm", "inf", r"\[page\] height_mm: must be a finite number"),
        ("body.leading", "-inf", r"\[body\] leading: must be a finite number from 4 to 80"),
        ("margins.top_mm", "1e300", r"\[margins\] top_mm: must be from 0 to 500, not 1e\+300"),
        ("header.baseline_mm", "nan", r"\[header\] baseline_mm: must be a finite number"),
        ("grid.gutter_em", "nan", r"\[grid\] gutter_em"),
    ],
)
def test_numbers_must_be_finite_and_in_range_and_the_message_names_file_key_and_range(tmp_path, key, value, named):
    err = _refused(_with(key, value), tmp_path)
    assert re.search(named, str(err)), str(err)
    problem = next(p for p in err.problems if re.search(named, p.message))
    assert Path(problem.path).name == "hostile.toml" and problem.line  # file and line of the key


@pytest.mark.parametrize("value", ["nan", "1e300", "0.5", "inf"])
def test_an_elements_leading_is_range_checked(tmp_path, value):
    err = _refused(_style("paragraph", leading=value), tmp_path)
    assert "[styles] paragraph.leading" in str(err)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("contents.folio_format", '"{page}"', "unknown field {page}"),
        ("contents.folio_format", '"{folio.__class__}"', "unknown field {folio.__class__}"),
        ("contents.folio_format", '"{folio:>100000}"', "width must be at most 20"),
        ("contents.folio_format", '"{folio:>100000000}"', "width must be at most 20"),
        ("contents.folio_format", '"{folio!r}"', "conversions are not supported"),
        ("contents.folio_format", '"{folio:{folio}}"', "only an alignment and width"),
        ("contents.folio_format", '"{}"', "empty field"),
        ("header.right.inner", '"{section}}"', "not a valid format string"),
        ("header.left.outer", '"{page}"', "unknown field {page}"),
        ("header.left.outer", '"{folio.real}"', "unknown field {folio.real}"),
    ],
)
def test_format_strings_take_only_the_documented_fields_and_specs(tmp_path, key, value, message):
    err = _refused(_with(key, value), tmp_path)
    assert message in str(err), str(err)
    where = "[contents] folio_format" if key.startswith("contents") else f"[{key.rsplit('.', 1)[0]}] {key.rsplit('.', 1)[1]}"
    assert where in str(err)


def test_a_documented_spec_is_accepted(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(_with("contents.folio_format", '"{folio:>3}"'), encoding="utf-8")
    assert load_layout(path).contents_folio_format == "{folio:>3}"


def _pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def _every_character_printed(issue: Path, pdf: Path) -> None:
    front = tomllib.loads(ARTICLE.split("+++")[1])
    source = ARTICLE.split("+++", 2)[2] + front["title"] + "".join(b["unit"] + b["name"] for b in front["byline"])
    want = Counter(c for c in source if not c.isspace())
    got = Counter(c for c in _pdf_text(pdf) if not c.isspace())
    missing = want - got
    assert not missing, f"lost: {''.join(sorted(missing.elements()))[:40]}"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PUBLISH_JOBS", "1")


def test_a_title_block_taller_than_the_page_is_an_error_naming_the_article(tmp_path):
    issue = _issue(tmp_path / "issue", _style("title", size="200", leading="210"),
                   title="关于加强人大代表履职工作的几点思考关于加强人大代表履职工作的几点思考")
    with pytest.raises(PublishError) as caught:
        build(issue, tmp_path / "out", epub=False)
    (problem,) = caught.value.problems
    assert problem.code == "title-too-tall" and "title block" in problem.message
    assert Path(problem.path).name == "a.md"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_unchanged_layout_builds_with_every_character(tmp_path):
    issue = _issue(tmp_path / "issue", MAG_TEXT)
    _every_character_printed(issue, build(issue, tmp_path / "out", epub=False).pdf_path)


def test_a_long_title_that_fits_loses_nothing(tmp_path):
    issue = _issue(tmp_path / "issue", MAG_TEXT, title="代表" * 60)
    result = build(issue, tmp_path / "out", epub=False)
    assert _pdf_text(result.pdf_path).count("代表") >= 60


def test_a_5000_character_title_is_an_error_not_a_title_cut_to_what_fits(tmp_path):
    issue = _issue(tmp_path / "issue", MAG_TEXT, title="题" * 5000)
    with pytest.raises(PublishError) as caught:
        build(issue, tmp_path / "out", epub=False)
    assert [p.code for p in caught.value.problems] == ["title-too-tall"]


# --- random layouts: refused with a message, or built with every character --------------------

_NUMBERS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -1.0, 1e300, 1e-300, 0.5, 2.0, 4.0]),
    st.floats(min_value=-10, max_value=400, allow_nan=False),
    st.integers(min_value=-5, max_value=300),
)
_KEYS = [
    "page.width_mm", "page.height_mm", "page.bleed_mm", "margins.inner_mm", "margins.outer_mm",
    "margins.top_mm", "margins.bottom_mm", "grid.columns", "grid.chars", "grid.lines", "grid.gutter_em",
    "body.size", "body.leading", "typography.indent_em", "flow.min_lines_after_title", "header.baseline_mm",
    "header.rule_pt", "header.rule_gap_mm", "figure.max_height_lines", "contents.columns",
]
_ELEMENTS = ["title", "subtitle", "byline", "paragraph", "heading1", "header", "folio", "contents_entry"]
_STYLE_KEYS = ["size", "leading", "indent_em", "space_before", "space_after"]


@st.composite
def hostile_layouts(draw) -> str:
    """The shipped layout with one to three numbers changed: to hostile values (NaN, ±inf, 0,
    negative, 1e300, …) or scaled by a plausible factor (0.2–5×), so that many layouts build."""
    text = MAG_TEXT
    for _ in range(draw(st.integers(1, 3))):
        data = tomllib.loads(text)
        scaled = draw(st.booleans())
        factor = draw(st.floats(min_value=0.2, max_value=5.0))
        if draw(st.booleans()):
            key = draw(st.sampled_from(_KEYS))
            table, name = key.split(".")
            old = data.get(table, {}).get(name, 1)
            value = old * factor if scaled else draw(_NUMBERS)
            if name in _INT_KEYS and isinstance(value, float) and math.isfinite(value):
                value = int(value)
            text = _set_key(text, key, _toml(value))
        else:
            element, key = draw(st.sampled_from(_ELEMENTS)), draw(st.sampled_from(_STYLE_KEYS))
            old = data["styles"][element].get(key, data["body"].get(key, 1.0) if key in ("size", "leading") else 1.0)
            text = _set_style(text, element, key, old * factor if scaled else draw(_NUMBERS))
    return text


_INT_KEYS = ("columns", "chars", "lines", "min_lines_after_title", "max_height_lines")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(layout=hostile_layouts())
def test_every_layout_is_refused_with_a_message_or_builds_with_every_character(tmp_path, layout):
    here = Path(tempfile.mkdtemp(dir=tmp_path))  # one folder per example (tmp_path is shared by them)
    issue = _issue(here / "issue", layout)
    try:
        result = build(issue, here / "out", epub=False)
    except PublishError as err:
        assert err.problems and all(str(p) for p in err.problems)
        assert all(p.path is not None for p in err.problems), [str(p) for p in err.problems]
        return
    finally:
        shutil.rmtree(here / "issue", ignore_errors=True)
    _every_character_printed(issue, result.pdf_path)
    shutil.rmtree(here, ignore_errors=True)
