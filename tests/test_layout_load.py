"""Layouts are data: the shipped layouts load with the geometry they promise, and a bad layout file
is refused with every problem named by file and key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from publish.errors import LayoutError
from publish.layout import check_prepress, load_layout
from publish.layout.prepress import ImageWarning, is_error
from publish.model import Article, Figure, Issue, Section, Text

MM = 72 / 25.4
MAG_FILE = Path(__file__).resolve().parents[1] / "layouts" / "magazine-16k.toml"


def test_magazine_16k_is_the_printed_magazine():
    L = load_layout("magazine-16k")
    assert (L.trim_width / MM, L.trim_height / MM, L.bleed / MM) == pytest.approx((185, 260, 3))
    assert (L.columns, L.chars, L.lines) == (2, 21, 38)
    assert L.measure == pytest.approx(21 * L.body_size)
    assert L.block_width <= L.text_width + 0.5
    assert L.lines * L.leading <= L.trim_height - L.margin_top - L.margin_bottom + 0.5
    assert L.margin_inner != L.margin_outer
    assert L.header_right.outer.format(magazine="巴彦淖尔人大", folio=57) == "巴彦淖尔人大 /57"
    assert L.header_right.inner == "{section}"
    assert L.header_left.outer.format(magazine="巴彦淖尔人大", folio=62) == "62/ 巴彦淖尔人大"
    assert dict(L.typography)["prohibition"] == "strict"
    assert L.styles["byline"].role == "byline" and L.styles["title"].role == "title"


def test_the_second_layout_is_different():
    a5 = load_layout("a5-book")
    mag = load_layout("magazine-16k")
    assert a5.columns == 1 and a5.trim_width < mag.trim_width
    assert a5.article_start == "new-page" and mag.article_start == "same-page"


def test_a_layout_can_be_given_by_path_relative_to_the_issue(tmp_path):
    (tmp_path / "my.toml").write_text(MAG_FILE.read_text(encoding="utf-8").replace('"magazine-16k"', '"mine"'),
                                      encoding="utf-8")
    assert load_layout("my.toml", tmp_path).name == "mine"
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "house.toml").write_text(MAG_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_layout("house", tmp_path).path == tmp_path / "layouts" / "house.toml"


def test_an_output_profile_is_found_beside_the_layout_file(tmp_path, monkeypatch):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "press.icc").write_bytes(b"icc")
    text = MAG_FILE.read_text(encoding="utf-8")
    old = 'output_intent = ""'
    assert old in text
    (tmp_path / "house.toml").write_text(text.replace(old, 'output_intent = "profiles/press.icc"', 1),
                                         encoding="utf-8")
    monkeypatch.chdir("/")  # the build may run from anywhere
    assert load_layout(tmp_path / "house.toml").output_intent == str(tmp_path / "profiles" / "press.icc")


def test_a_missing_output_profile_is_a_problem_naming_the_key(tmp_path):
    err = broken(tmp_path, 'output_intent = ""', 'output_intent = "nowhere.icc"')
    assert "[print] output_intent" in str(err) and "nowhere.icc" in str(err)


def test_an_unknown_layout_lists_the_shipped_ones():
    with pytest.raises(LayoutError) as err:
        load_layout("tabloid")
    assert "magazine-16k" in str(err.value) and "a5-book" in str(err.value)


def broken(tmp_path, old: str, new: str) -> LayoutError:
    text = MAG_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        load_layout(path)
    return err.value


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("chars = 21", "chars = \"21\"", "[grid] chars"),
        ("chars = 21", "chars = 30", "[grid] chars"),  # 2 × 30 characters do not fit the page
        ("lines = 38", "lines = 60", "[grid] lines"),
        ("lines = 38", "", "[grid] lines"),
        ('prohibition = "strict"', 'prohibition = "loose"', "[typography] prohibition"),
        ('article_start = "same-page"', 'article_start = "odd-page"', "[flow] article_start"),
        ('outer = "{magazine} /{folio}"', 'outer = "{magazine} /{page}"', "[header.right] outer"),
        ('title      = { role = "title", size = 18', 'title      = { role = "title", size = -1', "[styles] title.size"),
        ('caption    = { role = "caption"', 'caption    = { role = "caption", colour = "red"', "[styles] caption.colour"),
        ("[figure]", "[figures]", "[figures]"),
        ("bleed_mm = 3", "bleed_mm = 3\nbleed = 3", "[page] bleed"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path, old, new, key):
    err = broken(tmp_path, old, new)
    text = str(err)
    assert "bad.toml" in text
    assert key in text


def test_all_problems_are_reported_at_once(tmp_path):
    text = MAG_FILE.read_text(encoding="utf-8").replace("chars = 21", "chars = 0").replace("lines = 38", "lines = -2")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        load_layout(path)
    assert len(err.value.problems) >= 2


def test_invalid_toml_is_one_clear_problem(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        load_layout(path)
    assert re.search(r"bad\.toml.*not valid TOML", str(err.value))


def test_layout_is_frozen():
    L = load_layout("magazine-16k")
    with pytest.raises(dataclasses.FrozenInstanceError):
        L.columns = 3  # type: ignore[misc]


def issue_with(figures: list[Figure], layout: str = "magazine-16k") -> Issue:
    art = Article("a", ("标题",), (*figures,), source=Path("articles/a.md"))
    return Issue("巴彦淖尔人大", "2025年第1期", dt.date(2025, 1, 20), (Section("工作动态", (art,)),), layout=layout)


def test_check_reports_missing_images_and_low_resolution_photos(tmp_path):
    from PIL import Image

    good = tmp_path / "good.jpg"
    Image.new("RGB", (2000, 1300), "white").save(good)  # 2000 px over 74 mm ≈ 686 dpi
    small = tmp_path / "small.jpg"
    Image.new("RGB", (600, 400), "white").save(small)  # 600 px over 74 mm ≈ 206 dpi
    figures = [Figure(good, (Text("好"),), 3), Figure(small, (Text("小"),), 5), Figure(tmp_path / "gone.png", (), 7)]
    problems = check_prepress(issue_with(figures))
    assert len(problems) == 2
    low, missing = problems
    assert isinstance(low, ImageWarning) and not is_error(low)
    assert "small.jpg" in str(low) and "dpi" in str(low) and low.line == 5
    assert is_error(missing) and "gone.png" in str(missing) and missing.line == 7


def test_check_reports_a_layout_that_does_not_load():
    problems = check_prepress(issue_with([], layout="no-such-layout"))
    assert len(problems) == 1 and "no-such-layout" in str(problems[0])
