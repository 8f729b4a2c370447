"""Roles, discovery and metrics: role names resolve to the right faces on a fresh machine."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from fonts_support import need_cjk_fonts
from hypothesis import given, settings
from hypothesis import strategies as st

from publish.errors import FontError
from publish.fonts import load_fonts
from publish.fonts.config import ROLES


@pytest.fixture(scope="module")
def fonts():
    need_cjk_fonts()
    return load_fonts()


def test_default_roles_resolve_to_song_hei_and_kai(fonts):
    assert set(ROLES) <= set(fonts.roles)
    body, title, byline = fonts.roles["body"], fonts.roles["title"], fonts.roles["byline"]
    assert (body.family, body.face.style, body.format) == ("Noto Serif CJK SC", "Regular", "CFF")
    assert (title.family, title.face.style) == ("Noto Sans CJK SC", "Bold")
    assert byline.family in ("LXGW WenKai", "AR PL UKai CN")


def test_collection_faces_are_chosen_by_family_not_by_position(fonts):
    body = fonts.roles["body"].face
    assert body.path.suffix == ".ttc"
    # Face 0 of the Noto CJK collections is the Japanese face; the SC face is found by its name.
    assert body.info.family == "Noto Serif CJK SC"
    assert "CJKsc" in body.info.ps_name or "SC" in body.info.ps_name


def test_an_override_replaces_the_chain_and_missing_candidates_are_skipped(fonts):
    f = load_fonts(None, {"body": ["No Such Font 123", "AR PL UKai CN", "Noto Serif CJK SC"]})
    body = f.roles["body"]
    assert body.missing == ("No Such Font 123",)
    assert [x.key for x in body.faces] == ["body", "body~1"]
    assert body.family == "AR PL UKai CN"


def test_a_role_with_no_installed_candidate_is_a_clear_error():
    with pytest.raises(FontError) as err:
        load_fonts(None, {"title": ["No Such Font 123", "Nor This One"]})
    text = str(err.value)
    assert "'title'" in text and "No Such Font 123" in text and "Nor This One" in text


def test_an_office_font_in_the_issue_folder_wins_by_file_and_by_family(tmp_path):
    need_cjk_fonts()
    src = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not src.exists():
        pytest.skip("DejaVu Sans not installed")
    (tmp_path / "fonts").mkdir()
    shutil.copy(src, tmp_path / "fonts" / "Office.ttf")
    by_file = load_fonts(tmp_path, {"body": ["fonts/Office.ttf"]})
    assert by_file.roles["body"].path == (tmp_path / "fonts" / "Office.ttf").resolve()
    by_family = load_fonts(tmp_path, {"body": ["DejaVu Sans"]})
    assert by_family.roles["body"].path.parent == tmp_path / "fonts"


def test_family_names_match_in_any_language():
    need_cjk_fonts()
    f = load_fonts(None, {"byline": ["霞鹜文楷"]})
    assert f.roles["byline"].family == "LXGW WenKai" or pytest.skip("LXGW WenKai not installed")


def test_metrics_give_em_and_advances_in_points(fonts):
    m = fonts.metrics({"body": 10.5, "title": 22})
    assert m.em("body") == 10.5 and m.em("body~1") == 10.5
    assert m.advance("人", "body") == pytest.approx(10.5)
    assert m.advance("，", "body") == pytest.approx(10.5)  # full-width comma: a full em box
    assert 0 < m.advance("1", "body") < 10.5 / 1.5  # proportional Latin digits
    assert m.advance("大", "title") == pytest.approx(22)
    assert m.ascent("body") > 0 > m.descent("body")
    with pytest.raises(KeyError):
        m.em("byline")


def test_each_face_key_is_measured_at_its_own_size_whatever_was_asked_first(fonts):
    # a face's size is looked up once per face key (`FontMetrics` remembers it): the raised note
    # marks' variant ("body@sup") keeps its own size, before or after the plain face was asked
    m = fonts.metrics({"body": 10.5, "body@sup": 6.3, "title": 22})
    first = [m.advance("人", "body@sup"), m.advance("人", "body"), m.advance("1", "body@sup"),
             m.advance("1", "body"), m.advance("大", "title")]
    n = fonts.metrics({"body": 10.5, "body@sup": 6.3, "title": 22})
    second = [n.advance("人", "body@sup"), n.advance("人", "body"), n.advance("1", "body@sup"),
              n.advance("1", "body"), n.advance("大", "title")]
    assert first == second
    assert first[0] == pytest.approx(first[1] * 6.3 / 10.5) and first[2] == pytest.approx(first[3] * 6.3 / 10.5)
    with pytest.raises(KeyError):
        m.advance("人", "byline")  # no size given for the role: an error each time it is asked
    with pytest.raises(KeyError):
        m.advance("大", "byline")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("人大代表GDP 5%，。·—\u00a0撖磴\U00013000")), max_size=30))
def test_runs_cover_the_text_exactly_in_order(text):
    fonts = _FONTS()
    runs = fonts.runs(text, "body")
    assert "".join(r.text for r in runs) == text
    assert all(r.text for r in runs)
    assert all(a.face != b.face for a, b in itertools.pairwise(runs))


_cached = []


def _FONTS():
    if not _cached:
        need_cjk_fonts()
        _cached.append(load_fonts())
    return _cached[0]


def test_a_damaged_font_file_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "fonts").mkdir()
    bad = tmp_path / "fonts" / "Broken.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00" + b"not really a font" * 10)
    with pytest.raises(FontError) as err:
        load_fonts(tmp_path, {"body": ["fonts/Broken.ttf"]})
    assert "Broken.ttf" in str(err.value) and "'body'" in str(err.value)
    # Merely lying in the folder is harmless: discovery skips files it cannot read.
    need_cjk_fonts()
    assert load_fonts(tmp_path).roles["body"].family == "Noto Serif CJK SC"


def test_an_unknown_role_is_a_font_error_not_a_key_error(fonts):
    with pytest.raises(FontError, match="unknown font role 'quote'"):
        fonts.runs("文字", "quote")
    with pytest.raises(FontError, match="no face 'body~9'"):
        fonts.face("body~9")
