"""The library as a developer scripts it: `import publish`, render to bytes from a folder or from an
issue made in memory, build with an Issue, writers into file objects, validation with stable codes,
and nothing process-wide changed (ReportLab's settings, the names in `dir(publish)`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import threading
import zipfile
from pathlib import Path

import pytest
from build_support import SAMPLE

import publish

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")

EPOCH = "1737331200"


def _memory_issue(*articles: publish.Article, label: str = "2025年第7期") -> publish.Issue:
    return publish.Issue(
        magazine="巴彦淖尔人大", label=label, date=dt.date(2025, 7, 20), magazine_slug="bayannaoer-renda",
        sections=(publish.Section("工作动态", tuple(articles)),),
    )


def _article(slug: str = "news", text: str = "内存中的文章，没有文件夹。", **kw: object) -> publish.Article:
    fields: dict = {"title": ("来自数据库的标题",), "blocks": (publish.Paragraph((publish.Text(text),), 1),)}
    fields.update(kw)
    return publish.Article(slug=slug, **fields)


def _epub_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        folder = publish.render(SAMPLE)
        built = publish.build(SAMPLE, tmp_path_factory.mktemp("out"))
        yield folder, built
    finally:
        mp.undo()


def test_render_gives_the_same_bytes_build_writes(rendered):
    folder, built = rendered
    assert folder.pdf is not None and folder.pdf.startswith(b"%PDF-")
    assert folder.epub is not None and folder.epub.startswith(b"PK")
    assert folder.pdf == built.pdf_path.read_bytes() and folder.epub == built.epub_path.read_bytes()
    assert folder.pages == built.pages > 0 and folder.name == built.pdf_path.stem


def test_render_only_the_editions_asked_for():
    r = publish.render(SAMPLE, pdf=False)
    assert r.pdf is None and r.epub is not None and r.pages > 0  # pagination still runs (page-list)


def test_render_and_build_an_issue_made_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    issue = _memory_issue(_article())
    r = publish.render(issue)
    assert "内存中的文章，没有文件夹。" in _epub_text(r.epub)
    result = publish.build(issue, tmp_path)
    assert result.pdf_path == tmp_path / "bayannaoer-renda-2025-7.pdf"
    assert result.pdf_path.read_bytes() == r.pdf and result.epub_path.read_bytes() == r.epub


def test_an_issue_loaded_from_its_folder_renders_like_the_folder(rendered, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder, _ = rendered
    again = publish.render(publish.load_issue(SAMPLE))
    assert (again.pdf, again.epub) == (folder.pdf, folder.epub)


def test_render_takes_a_layout_name_and_font_roles():
    r = publish.render(SAMPLE, epub=False, layout="a5-book", fonts={"body": ["Noto Serif CJK SC"]})
    default = publish.render(SAMPLE, epub=False)
    assert r.pages > default.pages  # A5 pages hold less than 16K ones


def test_writers_take_a_binary_file_object(monkeypatch):
    from publish.epub import write_epub
    from publish.fonts import load_fonts
    from publish.layout import load_layout
    from publish.paginate import paginate
    from publish.pdf import write_pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    issue = publish.load_issue(SAMPLE)
    fonts = load_fonts(issue.root, dict(issue.fonts))
    layout = load_layout(issue.layout, issue.root)
    document = paginate(issue, layout, fonts)
    pdf, epub = io.BytesIO(), io.BytesIO()
    assert write_pdf(document, fonts, pdf) is pdf
    assert write_epub(issue, epub, page_starts=document.page_starts, fonts=fonts, layout=layout) is epub
    r = publish.render(issue)
    assert pdf.getvalue() == r.pdf and epub.getvalue() == r.epub


def test_a_source_of_another_type_is_a_type_error():
    with pytest.raises(TypeError, match=r"issue folder or a publish\.Issue"):
        publish.render(42)  # type: ignore[arg-type]


# ── validation ────────────────────────────────────────────────────────────────────────────────
def test_a_sound_issue_has_no_problems():
    assert publish.validate(publish.load_issue(SAMPLE)) == []
    assert publish.validate(_memory_issue(_article())) == []


@pytest.mark.parametrize(
    ("articles", "code"),
    [
        ((_article("a"), _article("a")), "article-duplicate-slug"),
        ((_article("a b"),), "article-bad-slug"),
        ((_article(""),), "article-no-slug"),
        ((_article(kind="poem"),), "article-unknown-kind"),
        ((_article(title=()),), "article-no-title"),
        ((_article(title=("  ",)),), "article-no-title"),
        ((_article(blocks=()),), "article-empty"),
        ((_article(text=" "),), "block-empty"),
        ((_article(bylines=(publish.Byline("", ""),)),), "article-empty-byline"),
        ((), "section-empty"),
    ],
)
def test_validate_names_each_problem_with_a_stable_code(articles, code):
    problems = publish.validate(_memory_issue(*articles))
    assert code in [p.code for p in problems]
    assert all(p.code and p.fix and p.path for p in problems)
    assert all(publish.is_error(p) for p in problems)


def test_problems_carry_the_article_file_and_line_when_the_model_has_them(tmp_path):
    art = _article("x", text="", source=tmp_path / "x.md")
    (problem,) = publish.validate(_memory_issue(art))
    assert (problem.path, problem.line, problem.code) == (tmp_path / "x.md", 1, "block-empty")
    assert str(problem).startswith(f"{tmp_path / 'x.md'}:1: empty paragraph — ")


def test_an_invalid_issue_is_not_built_and_nothing_is_written(tmp_path):
    with pytest.raises(publish.SourceError) as err:
        publish.build(_memory_issue(_article("a"), _article("a")), tmp_path / "out")
    assert [p.code for p in err.value.problems] == ["article-duplicate-slug"]
    assert not (tmp_path / "out").exists()


def test_a_character_without_a_glyph_is_a_font_error_with_its_code():
    issue = _memory_issue(_article(text="没有字形的字：\U000f0001"))
    with pytest.raises(publish.FontError) as err:
        publish.render(issue)
    assert [p.code for p in err.value.problems] == ["glyph-missing"]
    assert "U+F0001" in str(err.value)


def test_source_errors_from_a_folder_carry_path_line_and_fix(tmp_path):
    (tmp_path / "issue.toml").write_text('[magazine]\ntitle = "刊"\nslug = "Bad Slug"\n', encoding="utf-8")
    with pytest.raises(publish.SourceError) as err:
        publish.render(tmp_path)
    bad = [p for p in err.value.problems if p.code == "issue-bad-slug"]
    assert bad and bad[0].line == 3 and bad[0].path == tmp_path / "issue.toml" and bad[0].fix


# ── output names ──────────────────────────────────────────────────────────────────────────────
def test_output_names_are_unique_per_issue():
    names = {
        _memory_issue(_article(), label="2025年第1期").slug,
        _memory_issue(_article(), label="2025年第2期").slug,
        publish.Issue("Renda Monthly", "增刊", dt.date(2025, 1, 20), ()).slug,
        publish.Issue("巴彦淖尔人大", "增刊", dt.date(2025, 1, 20), ()).slug,
    }
    assert names == {"bayannaoer-renda-2025-1", "bayannaoer-renda-2025-2", "renda-monthly-2025-01-20",
                     "issue-2025-01-20"}


# ── nothing process-wide ──────────────────────────────────────────────────────────────────────
def test_reportlab_settings_are_never_changed_even_by_threaded_renders():
    from reportlab import rl_config

    assert rl_config.useA85 == 1  # ReportLab's default
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(rl_config.useA85)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        threads = [threading.Thread(target=publish.render, args=(SAMPLE,), kwargs={"epub": False}) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop.set()
        watcher.join()
    assert rl_config.useA85 == 1 and set(seen) == {1}


def test_the_pdf_has_no_ascii85_streams_whatever_reportlab_is_set_to(monkeypatch):
    from reportlab import rl_config

    pdf = publish.render(SAMPLE, epub=False).pdf
    assert b"ASCII85Decode" not in pdf
    monkeypatch.setattr(rl_config, "useA85", 0)
    assert publish.render(SAMPLE, epub=False).pdf == pdf


def test_dir_of_the_package_is_its_public_api():
    names = dir(publish)
    assert names == sorted(publish.__all__)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    for name in names:  # every name resolves, and none is a submodule
        assert type(getattr(publish, name)).__name__ != "module", name
    assert {"render", "build", "build_many", "validate", "Publisher", "Issue", "Problem", "is_error",
            "ProblemWarning", "Rendered"} <= set(names)


def test_the_package_is_typed():
    assert (Path(publish.__file__).parent / "py.typed").is_file()


# Tables and notes are read by their shape: the same checks hold for the model's own classes.
@dataclasses.dataclass(frozen=True)
class NoteRef:
    label: str
    number: int
    text: str = ""


@dataclasses.dataclass(frozen=True)
class Footnote:
    label: str
    number: int
    runs: tuple = ()
    line: int = 0


@dataclasses.dataclass(frozen=True)
class NotedArticle(publish.Article):
    notes: tuple = ()


@dataclasses.dataclass(frozen=True)
class Cell:
    runs: tuple


@dataclasses.dataclass(frozen=True)
class Row:
    cells: tuple
    line: int = 0


@dataclasses.dataclass(frozen=True)
class Table:
    rows: tuple
    align: tuple
    line: int = 0

    @property
    def text(self) -> str:
        return "".join(r.runs[0].text for row in self.rows for r in row.cells)


def test_validate_checks_note_references_and_notes():
    para = publish.Paragraph((publish.Text("正文"), NoteRef("a", 1), NoteRef("b", 2)), 3)
    notes = (Footnote("a", 1, (publish.Text("注一"),), 9), Footnote("a", 1, (publish.Text("再注"),), 10),
             Footnote("c", 2, (), 11))
    art = NotedArticle(slug="n", title=("题",), blocks=(para,), notes=notes)
    codes = sorted(p.code for p in publish.validate(_memory_issue(art)))
    assert codes == ["note-duplicate", "note-empty", "note-undefined", "note-unused"]


def test_validate_checks_tables():
    cell = Cell((publish.Text("格"),))
    ragged = Table((Row((cell, cell)), Row((cell,), 7)), ("", ""), 5)
    empty = Table((), (), 8)
    art = _article(blocks=(publish.Paragraph((publish.Text("文"),), 1), ragged, empty))
    problems = publish.validate(_memory_issue(art))
    assert [(p.code, p.line) for p in problems] == [("table-ragged", 7), ("table-empty", 8)]
