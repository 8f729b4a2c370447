"""One preflight for `check` and `build` (publish.preflight): what `build` refuses, `check` reports.

What is specified: for each defective issue below, `publish check` fails with exactly the error lines
`publish build` fails with, and the build writes nothing; sound issues pass both. The preflight
returns the issue, layout and fonts it loaded with every problem in stage order, stops after the
sources when they have a problem, uses the layout's font roles for coverage and rejects a role the
fonts do not have; a real error inside a stage (a bug) is raised, never taken for "no problem".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from sources_support import make_issue

from publish.cli import main
from publish.errors import BuildError, FontError, LayoutError, SourceError
from publish.preflight import preflight

LAYOUT = Path(__file__).resolve().parents[1] / "layouts" / "magazine-16k.toml"


def _with_toml(root: Path, old: str, new: str) -> Path:
    toml = root / "issue.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def _odd_layout(root: Path, *changes: tuple[str, str]) -> Path:
    """The issue set in a copy of the house layout with some lines changed."""
    text = LAYOUT.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    (root / "odd.toml").write_text(text, encoding="utf-8")
    return _with_toml(root, 'date = 2025-01-20', 'date = 2025-01-20\nlayout = "odd.toml"')


def no_front_matter(root: Path) -> Path:
    return make_issue(root, {"articles/a.md": "no front matter\n"})


def missing_image(root: Path) -> Path:
    return make_issue(root, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n正文。\n\n![没有](gone.png)\n'})


def unreadable_image(root: Path) -> Path:
    make_issue(root, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n正文。\n\n![坏图](bad.jpg)\n'})
    (root / "bad.jpg").write_bytes(b"not a picture")
    return root


def layout_that_does_not_load(root: Path) -> Path:
    return _with_toml(make_issue(root), 'date = 2025-01-20', 'date = 2025-01-20\nlayout = "no-such-layout"')


def layout_naming_an_unknown_role(root: Path) -> Path:
    return _odd_layout(make_issue(root), ('note       = { role = "note"', 'note       = { role = "fangsong"'))


def character_no_font_has(root: Path) -> Path:
    return make_issue(root, {"articles/a.md": '+++\ntitle = "标题"\n+++\n\n正文。\n\n象形文字𓀀。\n'})


# AR PL UKai (fonts-arphic-ukai) lacks U+3400 㐀, which Noto Serif CJK (the body font) has.
NOT_IN_UKAI = "\u3400"
UKAI_BYLINE = '[fonts]\nbyline = ["AR PL UKai CN"]\n\n[[sections]]'


def body_text_in_a_role_whose_font_lacks_a_character(root: Path) -> Path:
    # The layout sets paragraphs in the byline role: 㐀 in a paragraph has no glyph there, though
    # the body role (what a check by the default roles would look at) has it.
    make_issue(root, {"articles/a.md": f'+++\ntitle = "标题"\n+++\n\n正文{NOT_IN_UKAI}。\n'})
    _with_toml(root, "[[sections]]", UKAI_BYLINE)
    return _odd_layout(root, ('paragraph  = { role = "body"', 'paragraph  = { role = "byline"'))


def role_with_no_installed_font(root: Path) -> Path:
    return _with_toml(make_issue(root), "[[sections]]", '[fonts]\nbyline = ["No Such Font Sans"]\n\n[[sections]]')


def substituted_font_in_a_strict_issue(root: Path) -> Path:
    return _with_toml(make_issue(root), "[[sections]]",
                      '[fonts]\nstrict = true\nbody = ["No Such Font Serif", "Noto Serif CJK SC"]\n\n[[sections]]')


def cover_of_the_wrong_shape(root: Path) -> Path:
    make_issue(root)
    (root / "covers").mkdir()
    Image.new("RGB", (400, 400), "white").save(root / "covers" / "front.png")
    return _with_toml(root, "[[sections]]", '[covers]\nfront = "covers/front.png"\n\n[[sections]]')


def two_defects_in_two_stages(root: Path) -> Path:
    layout_that_does_not_load(root)
    (root / "articles" / "a.md").write_text('+++\ntitle = "标题"\n+++\n\n象形𓀀。\n', encoding="utf-8")
    return root


DEFECTS = [no_front_matter, missing_image, unreadable_image, layout_that_does_not_load,
           layout_naming_an_unknown_role, character_no_font_has, body_text_in_a_role_whose_font_lacks_a_character, role_with_no_installed_font,
           substituted_font_in_a_strict_issue, cover_of_the_wrong_shape, two_defects_in_two_stages]


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda f: f.__name__)
def test_check_reports_exactly_what_build_refuses(defect, tmp_path):
    root = defect(tmp_path / "issue")
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(root), "-o", str(tmp_path / "out")])
    checked = runner.invoke(main, ["check", str(root)])
    assert built.exit_code == 1, built.output
    assert checked.exit_code == 1, checked.output
    assert _errors(built.stderr), built.output
    assert _errors(checked.stderr) == _errors(built.stderr)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_sound_issue_passes_both(tmp_path):
    root = make_issue(tmp_path / "issue")
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(root)]).exit_code == 0
    built = runner.invoke(main, ["build", str(root), "-o", str(tmp_path / "out"), "--no-epub"])
    assert built.exit_code == 0, built.output


def test_it_returns_what_it_loaded(tmp_path):
    checked = preflight(make_issue(tmp_path))
    assert checked.ok and checked.errors == ()
    assert checked.issue is not None and checked.issue.label == "2025年第1期"
    assert checked.layout is not None and checked.layout.styles["paragraph"].role == "body"
    assert checked.fonts is not None and "body" in checked.fonts.roles


def test_source_problems_stop_before_the_later_stages(tmp_path):
    checked = preflight(no_front_matter(tmp_path))
    assert checked.issue is None and checked.layout is None and checked.fonts is None
    assert [p.message for p in checked.problems] == ["no front matter: the file must start with a line '+++'"]
    with pytest.raises(SourceError):
        checked.raise_errors()


def test_a_build_raises_the_kind_of_the_first_stage_that_failed(tmp_path):
    with pytest.raises(LayoutError):
        preflight(layout_naming_an_unknown_role(tmp_path / "a")).raise_errors()
    with pytest.raises(FontError):
        preflight(role_with_no_installed_font(tmp_path / "b")).raise_errors()
    with pytest.raises(BuildError):
        preflight(unreadable_image(tmp_path / "c")).raise_errors()
    with pytest.raises(LayoutError) as caught:
        preflight(two_defects_in_two_stages(tmp_path / "d")).raise_errors()
    text = "\n".join(map(str, caught.value.problems))
    assert "no-such-layout" in text and "U+13000" in text  # both stages, in one report


def test_coverage_follows_the_layouts_roles(tmp_path):
    # The layout sets bylines in the title role: 㐀 in a byline is judged by the title role's fonts,
    # which have it, not by the byline role's (UKai, which has not).
    root = make_issue(tmp_path, {"articles/a.md": f'+++\ntitle = "标题"\nbyline = [{{unit = "办公室", '
                                                  f'name = "张{NOT_IN_UKAI}"}}]\n+++\n\n正文。\n'})
    _with_toml(root, "[[sections]]", UKAI_BYLINE)
    by_defaults = preflight(root)
    assert [p.message[:6] for p in by_defaults.errors] == ["U+3400"]  # the house layout: byline role
    _odd_layout(root, ('byline     = { role = "byline"', 'byline     = { role = "title"'),
                ('contents_byline  = { role = "byline"', 'contents_byline  = { role = "title"'))
    checked = preflight(root)
    assert checked.ok, checked.problems
    assert checked.layout is not None and checked.layout.styles["byline"].role == "title"


def test_a_bug_inside_a_stage_is_raised_not_hidden(tmp_path, monkeypatch):
    import publish.coverage

    def broken(fonts, issue, roles=None):
        raise AttributeError("a bug in the coverage check")

    monkeypatch.setattr(publish.coverage, "coverage", broken)
    with pytest.raises(AttributeError, match="a bug in the coverage check"):
        preflight(make_issue(tmp_path))


def test_the_check_command_uses_the_preflight(tmp_path, monkeypatch):
    import publish.preflight as module

    calls = []
    real = module.preflight

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "preflight", spy)
    root = make_issue(tmp_path / "issue")
    assert CliRunner().invoke(main, ["check", str(root)]).exit_code == 0
    assert CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "out")]).exit_code == 0
    assert [c.get("proofread", False) for c in calls] == [True, False]
