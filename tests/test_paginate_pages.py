"""Pagination, specified on hand-countable text (tests/paginate_support.py: every Han character
1 em, a stand-in composer keeping the composer contract). The real composer and fonts are covered
end to end by tests/test_build_*.py."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest
from paginate_support import FAKE, FakeFonts, article, make_issue

from publish.cjk.title_join import join_title
from publish.layout import load_layout
from publish.model import Figure, Signature, Text
from publish.paginate import PlacedImage, TextLine, paginate

MAG = load_layout("magazine-16k")


def run(issue, layout=MAG):
    return paginate(issue, layout, FakeFonts(), composer=FAKE)


def body_lines(page):
    return [it for it in page.items if isinstance(it, TextLine) and it.kind not in ("header", "folio")]


def seed_like_issue():
    return make_issue([
        ("特别报道", [article("changwei", [120, 45, 300, 80, 33, 500, 61, 90] * 2, heading_at={4: "一、总体情况", 9: "二、下一步"}),
                      article("jueding", [80, 40, 66])]),
        ("工作动态", [article("dongtai-1", [150, 70]), article("dongtai-2", [90, 30, 200]),
                      article("dongtai-3", [400, 300, 100])]),
    ])


def test_every_character_of_every_article_is_set_in_order_on_its_pages():
    issue = seed_like_issue()
    doc = run(issue)
    got: dict[str, str] = defaultdict(str)
    for page in doc.pages:
        for line in body_lines(page):
            if line.article:
                got[line.article] += line.text
    for a in issue.articles:
        expected = "".join(a.title) + "".join("●" + b.unit + "\u3000" + b.name for b in a.bylines)
        expected += "".join(b.text for b in a.blocks)
        assert got[a.slug] == expected


def test_running_headers_mirror_on_left_and_right_pages():
    doc = run(seed_like_issue())
    body = [p for p in doc.pages if p.kind == "body"]
    assert [p.folio for p in body] == list(range(3, 3 + len(body)))
    for p in body:
        header = sorted((it for it in p.items if isinstance(it, TextLine) and it.kind in ("header", "folio")),
                        key=lambda t: t.x)
        texts = [h.text for h in header]
        if p.folio % 2:  # right page: section at the inner (left) edge, magazine /folio outside
            assert p.side == "right"
            assert texts == [p.section, f"巴彦淖尔人大 /{p.folio}"]
        else:
            assert p.side == "left"
            assert texts == [f"{p.folio}/ 巴彦淖尔人大", p.section]
        assert header[0].y == header[1].y > max(line.y for line in body_lines(p))


def test_each_page_names_the_section_of_its_articles_and_sections_open_pages():
    issue = seed_like_issue()
    doc = run(issue, dataclasses.replace(MAG, section_start="new-page"))
    section_of = {a.slug: s.title for s in issue.sections for a in s.articles}
    for p in doc.pages:
        if p.kind != "body":
            continue
        for line in body_lines(p):
            assert section_of[line.article] == p.section
    first_dongtai = next(p for p in doc.pages if p.section == "工作动态")
    assert body_lines(first_dongtai)[0].kind == "title"


def test_contents_lists_sections_and_articles_with_their_opening_folios():
    issue = seed_like_issue()
    doc = run(issue)
    contents = [p for p in doc.pages if p.kind == "contents"]
    assert contents and doc.pages[0].kind == "contents"
    # The contents take the folios before first_folio (3): the body still starts at 3.
    assert [p.folio for p in contents] == list(range(3 - len(contents), 3))
    opening = {}
    for p in doc.pages:
        for line in body_lines(p):
            if line.kind == "title":
                opening.setdefault(line.article, p.folio)
    for e in doc.toc:
        if e.article:
            assert e.folio == opening[e.article]
    text = "".join(line.text for p in contents for line in body_lines(p))
    for a in issue.articles:
        assert a.title_text in text
    lines = [line for p in contents for line in body_lines(p)]
    for e in doc.toc:
        if e.article:  # the folio is printed right-aligned on the title's line
            k = next(k for k, ln in enumerate(lines) if ln.text == e.title)
            title_line, folio_line = lines[k], lines[k + 1]
            assert folio_line.text == str(e.folio) and folio_line.y == title_line.y
            assert folio_line.x > title_line.x


def test_when_the_contents_cannot_precede_first_folio_the_body_follows_it():
    issue = dataclasses.replace(seed_like_issue(), first_folio=1)
    doc = run(issue)
    n = sum(p.kind == "contents" for p in doc.pages)
    assert doc.pages[0].folio == 1
    first_body = next(p for p in doc.pages if p.kind == "body")
    assert first_body.folio == 1 + n
    assert doc.toc[1].folio == first_body.folio


def _contents_settings(monkeypatch, issue) -> list[dict[str, int]]:
    """The folios each setting of the contents was given, paginating `issue`."""
    import publish.paginate.folios as folios

    given: list[dict[str, int]] = []
    real = folios.set_contents

    def counting(issue, layout, setter, items, folio_of):
        given.append(dict(folio_of))
        return real(issue, layout, setter, items, folio_of)

    monkeypatch.setattr(folios, "set_contents", counting)
    run(issue)
    return given


def test_the_contents_are_set_once_when_they_take_the_folios_before_the_body(monkeypatch):
    # the first round's page count leaves the body where it was: the same folios, the same pages
    given = _contents_settings(monkeypatch, seed_like_issue())
    assert len(given) == 1


def test_the_contents_are_set_again_when_the_body_follows_them(monkeypatch):
    # first_folio 1: the contents push the body on, so its folios (and the entries) change
    given = _contents_settings(monkeypatch, dataclasses.replace(seed_like_issue(), first_folio=1))
    assert len(given) == 2 and given[0] != given[1]


def test_contents_spill_onto_more_pages_and_folios_stay_right():
    arts = [article(f"a{k}", [50], title=f"第{k}篇很长很长的文章标题用来撑满目录") for k in range(60)]
    issue = make_issue([("工作动态", arts[:30]), ("代表风采", arts[30:])], first_folio=1)
    doc = run(issue)
    n = sum(p.kind == "contents" for p in doc.pages)
    assert n >= 2
    by_slug = {}
    for p in doc.pages:
        for line in body_lines(p):
            if line.kind == "title":
                by_slug.setdefault(line.article, p.folio)
    assert all(e.folio == by_slug[e.article] for e in doc.toc if e.article)
    assert min(by_slug.values()) == 1 + n


def test_page_starts_name_the_first_line_of_every_body_page():
    issue = seed_like_issue()
    doc = run(issue)
    arts = {a.slug: a for a in issue.articles}
    body = [p for p in doc.pages if p.kind == "body"]
    assert [s.folio for s in doc.page_starts] == [p.folio for p in body]
    for start, page in zip(doc.page_starts, body, strict=True):
        first = body_lines(page)[0]
        assert first.article == start.article
        if start.block == -1:
            assert first.kind == "title" and start.offset == 0
        else:
            text = arts[start.article].blocks[start.block].text
            assert text[start.offset:].startswith(first.text)


def grid_baselines(layout, size):
    return {round(layout.baseline(k, size), 3) for k in range(layout.lines)}


def test_body_lines_sit_on_the_grid_in_mirrored_columns():
    doc = run(seed_like_issue())
    grid = grid_baselines(MAG, MAG.body_size)
    for p in doc.pages:
        if p.kind != "body":
            continue
        xs = {MAG.column_x(c, p.side) for c in range(MAG.columns)}
        for line in body_lines(p):
            if line.kind == "body":
                assert round(line.y, 3) in grid
                assert line.x in xs
                assert line.x == MAG.column_x(line.column, p.side)
    # Mirrored: the inner margin is at the spine.
    assert MAG.column_x(0, "right") == pytest.approx(MAG.margin_inner + (MAG.text_width - MAG.block_width) / 2)
    assert MAG.column_x(1, "left") + MAG.measure == pytest.approx(
        MAG.trim_width - MAG.margin_inner - (MAG.text_width - MAG.block_width) / 2)


def columns_of(page):
    cols: dict[tuple[int, str], list[TextLine]] = defaultdict(list)
    for line in body_lines(page):
        if line.kind == "body":
            cols[(line.column, line.article)].append(line)
    return {k: sorted(v, key=lambda ln: -ln.y) for k, v in cols.items()}


def test_no_widow_or_orphan_lines():
    """A paragraph's first line is indented 2 em and its last ends with 。 (paginate_support)."""
    doc = run(seed_like_issue())
    em = MAG.body_size
    for p in doc.pages:
        for (_col, _art), lines in columns_of(p).items():
            top, bottom = lines[0], lines[-1]
            top_is_first = top.glyphs[0].x == pytest.approx(2 * em)
            top_is_last = top.text.endswith("。")
            assert not (top_is_last and not top_is_first), f"widow at the top of a column on folio {p.folio}"
            bottom_is_first = bottom.glyphs[0].x == pytest.approx(2 * em)
            assert not (bottom_is_first and not bottom.text.endswith("。")), f"orphan on folio {p.folio}"


def test_headings_are_kept_with_the_next_two_lines():
    doc = run(seed_like_issue())
    for p in doc.pages:
        lines = body_lines(p)
        for k, line in enumerate(lines):
            if line.kind == "heading":
                after = [ln for ln in lines[k + 1:k + 3]]
                assert len(after) == 2 and all(a.column == line.column and a.kind == "body" for a in after)


def test_an_article_ending_mid_page_has_balanced_columns_and_the_next_follows_on_that_page():
    issue = make_issue([("工作动态", [article("a", [200, 200, 200]), article("b", [100, 60])])])
    doc = run(issue)
    page = next(p for p in doc.pages if p.kind == "body")
    cols = columns_of(page)
    a0, a1 = len(cols[(0, "a")]), len(cols[(1, "a")])
    assert abs(a0 - a1) <= 1
    titles = [ln for ln in body_lines(page) if ln.kind == "title"]
    assert {t.article for t in titles} == {"a", "b"}  # same-page start (magazine-16k's switch)
    b_title = next(t for t in titles if t.article == "b")
    assert b_title.y < min(ln.y for k, v in cols.items() if k[1] == "a" for ln in v)


def test_article_start_is_a_layout_switch():
    issue = make_issue([("工作动态", [article("a", [200]), article("b", [200])])])
    newpage = dataclasses.replace(MAG, article_start="new-page")
    doc = run(issue, newpage)
    assert sum(p.kind == "body" for p in doc.pages) == 2
    doc = run(issue, MAG)
    assert sum(p.kind == "body" for p in doc.pages) == 1


def test_the_title_block_spans_the_columns_above_the_body():
    issue = make_issue([("特别报道", [article("a", [600, 600])])])
    doc = run(issue)
    page = next(p for p in doc.pages if p.kind == "body")
    title = next(ln for ln in body_lines(page) if ln.kind == "title")
    byline = next(ln for ln in body_lines(page) if ln.kind == "byline")
    centre = MAG.block_left(page.side) + MAG.block_width / 2
    mid = title.x + (title.glyphs[0].x + title.glyphs[-1].x + title.glyphs[-1].width) / 2
    assert mid == pytest.approx(centre, abs=0.5)
    assert byline.text.startswith("●")
    top_body = max(ln.y for ln in body_lines(page) if ln.kind == "body")
    assert byline.y > top_body
    assert {ln.column for ln in body_lines(page) if ln.kind == "body"} == {0, 1}


def test_outline_goes_sections_then_articles():
    issue = seed_like_issue()
    doc = run(issue)
    expected = []
    for s in issue.sections:
        expected.append((0, s.title))
        expected += [(1, join_title(a.title)) for a in s.articles]
    assert [(e.level, e.title) for e in doc.outline] == expected
    for e in doc.outline:
        assert doc.pages[e.page].kind == "body"


def test_a_figure_is_placed_whole_with_its_caption(tmp_path):
    from PIL import Image

    img = tmp_path / "photo.png"
    Image.new("L", (1200, 800), 128).save(img)
    fig = Figure(img, (Text("图为会议现场"),), line=3)
    a = article("f", [300, 300, 300])
    a = dataclasses.replace(a, blocks=(*a.blocks[:2], fig, *a.blocks[2:]))
    doc = run(make_issue([("工作动态", [a])]))
    placed = [(p, it) for p in doc.pages for it in p.items if isinstance(it, PlacedImage)]
    assert len(placed) == 1
    page, image = placed[0]
    assert image.w == pytest.approx(MAG.measure)
    assert image.h == pytest.approx(MAG.measure * 800 / 1200)
    caption = next(ln for ln in body_lines(page) if ln.kind == "caption")
    assert caption.text == "图为会议现场"
    assert caption.y < image.y and caption.x == image.x
    assert image.y >= MAG.block_top - MAG.lines * MAG.leading - 0.01


def test_signature_lines_are_right_aligned_and_kept_together():
    a = article("n", [200])
    sig = Signature(("巴彦淖尔市人大常委会办公室", "2025年1月10日"), line=9)
    a = dataclasses.replace(a, blocks=(*a.blocks, sig))
    doc = run(make_issue([("工作动态", [a])]))
    lines = [ln for p in doc.pages for ln in body_lines(p) if ln.kind == "signature"]
    assert [ln.text for ln in lines] == list(sig.lines)
    assert lines[0].column == lines[1].column
    right = lines[0].x + MAG.measure
    for ln in lines:
        end = ln.x + ln.glyphs[-1].x + ln.glyphs[-1].width
        assert end == pytest.approx(right)


def test_a_second_layout_is_only_data():
    a5 = load_layout("a5-book")
    doc = run(seed_like_issue(), a5)
    assert doc.trim_width == pytest.approx(148 * 72 / 25.4)
    body = [p for p in doc.pages if p.kind == "body"]
    assert {ln.column for p in body for ln in body_lines(p)} == {0}
    assert len(body) > len([p for p in run(seed_like_issue()).pages if p.kind == "body"])
    # Its header format: the folio alone at the outer edge.
    right = next(p for p in body if p.side == "right" and any(ln.kind == "folio" for ln in p.items
                                                              if isinstance(ln, TextLine)))
    folio = next(ln for ln in right.items if isinstance(ln, TextLine) and ln.kind == "folio")
    assert folio.text == str(right.folio)


def test_a_title_never_stands_alone_at_the_foot_of_a_page():
    # b's first unit is a figure-like unbreakable block of 16 lines: it cannot follow a's title
    # low on the page, so b's title goes to the next page with it.
    from publish.paginate.flow import Row
    from publish.paginate.setting import Setter

    class TallFirst(Setter):
        def body(self, article):
            rows = super().body(article)
            if article.slug == "b":
                return [Row(16, True, payload=()), *rows]
            return rows

    import importlib

    pag = importlib.import_module("publish.paginate.setting")  # where pagination takes its Setter

    issue = make_issue([("工作动态", [article("a", [200, 200, 100]), article("b", [60])])])
    layout = dataclasses.replace(MAG, min_lines_after_title=1)
    original = pag.Setter
    pag.Setter = TallFirst
    try:
        doc = run(issue, layout)
    finally:
        pag.Setter = original
    body = [p for p in doc.pages if p.kind == "body"]
    assert len(body) == 2
    b_title_page = next(p for p in body if any(ln.article == "b" and ln.kind == "title" for ln in body_lines(p)))
    assert b_title_page is body[1]
    assert any(ln.article == "b" and ln.kind == "body" for ln in body_lines(body[1]))


def test_a_title_never_stands_alone_above_a_page_wide_figure_that_does_not_fit():
    # b opens with a page-wide (spanning) block of 16 lines: it cannot follow b's title low on the
    # page, so the title goes to the next page with it, as it does for a column block.
    from publish.paginate.flow import Row
    from publish.paginate.setting import Setter

    class WideFirst(Setter):
        def body(self, article):
            rows = super().body(article)
            if article.slug == "b":
                return [Row(16, True, payload=(), span=True), *rows]
            return rows

    import importlib

    pag = importlib.import_module("publish.paginate.setting")  # where pagination takes its Setter

    issue = make_issue([("工作动态", [article("a", [200, 200, 100]), article("b", [60])])])
    layout = dataclasses.replace(MAG, min_lines_after_title=1)
    original = pag.Setter
    pag.Setter = WideFirst
    try:
        doc = run(issue, layout)
    finally:
        pag.Setter = original
    body = [p for p in doc.pages if p.kind == "body"]
    assert len(body) == 2
    b_title_page = next(p for p in body if any(ln.article == "b" and ln.kind == "title" for ln in body_lines(p)))
    assert b_title_page is body[1]
    assert not any(ln.article == "b" for ln in body_lines(body[0]))
    opening = next(e for e in doc.outline if e.title == "关于b的报告")
    assert opening.page == body[1].index


def test_a_composer_that_loses_a_character_is_a_build_error_naming_the_article():
    from types import SimpleNamespace

    from paginate_support import compose as good_compose

    from publish.errors import BuildError

    def lossy(runs, measure, metrics, style):
        lines = good_compose(runs, measure, metrics, style)
        if len(lines) > 3:  # drop the last glyph of a long paragraph
            last = lines[-1]
            lines[-1] = dataclasses.replace(last, glyphs=last.glyphs[:-1])
        return lines

    issue = make_issue([("工作动态", [article("lossy", [300])])])
    with pytest.raises(BuildError) as err:
        paginate(issue, MAG, FakeFonts(), composer=SimpleNamespace(compose=lossy, Style=FAKE.Style))
    assert "lossy" in str(err.value) and "articles/lossy.md" in str(err.value)


def test_a_contents_section_name_never_ends_a_column():
    sections = [(f"栏目{k}", [article(f"s{k}a{j}", [40], title=f"第{k}栏第{j}篇稍长一些的文章标题") for j in range(k % 4 + 1)])
                for k in range(30)]
    doc = run(make_issue(sections, first_folio=1))
    names = {f"栏目{k}" for k in range(30)}
    contents = [p for p in doc.pages if p.kind == "contents"]
    assert len(contents) >= 2
    for p in contents:
        for col in range(MAG.contents_columns):
            lines = [ln for ln in body_lines(p) if ln.column == col and ln.text != MAG.contents_title]
            if lines:
                assert min(lines, key=lambda ln: ln.y).text not in names


def _top_or_bottom(page, image) -> str:
    """Where a spanning picture sits among the page's body text: "top" when every body line is
    under it, "bottom" when every one is above it (a band mid-page fails)."""
    lines = [ln for ln in body_lines(page) if ln.kind in ("body", "heading")]
    if all(ln.y < image.y for ln in lines):
        return "top"
    assert all(ln.y > image.y + image.h for ln in lines), "text both above and below a spanning picture"
    return "bottom"


def test_a_wide_picture_spans_the_columns_at_the_top_or_bottom_of_its_page(tmp_path):
    from PIL import Image

    img = tmp_path / "wide.png"
    Image.new("L", (1600, 800), 128).save(img)  # 2:1, wider than [figure] span_aspect (1.6)
    for at in (1, 3, 5, 8):  # the picture referenced early, mid-page, late, on a following page
        fig = Figure(img, (Text("会议全景"),), line=4)
        a = article("w", [150, 150, 150, 150, 150, 150, 150, 600, 600, 300])
        a = dataclasses.replace(a, blocks=(*a.blocks[:at], fig, *a.blocks[at:]))
        doc = run(make_issue([("工作动态", [a])]))
        page = next(p for p in doc.pages if any(isinstance(it, PlacedImage) for it in p.items))
        image = next(it for it in page.items if isinstance(it, PlacedImage))
        assert image.w == pytest.approx(MAG.block_width)
        assert image.x == pytest.approx(MAG.block_left(page.side))
        where = _top_or_bottom(page, image)
        if where == "top":  # at the top of the text area (the page's first row)
            assert image.y + image.h == pytest.approx(MAG.trim_height - MAG.margin_top, abs=1)
        lines = [ln for ln in body_lines(page) if ln.kind == "body"]
        assert {ln.column for ln in lines} == {0, 1}  # the text flows on in both columns beside it
        # referenced on its page, or on the page before when it did not fit there
        blocks_text = a.blocks[at - 1].text
        ref_page = next(n for n, p in enumerate(doc.pages)
                        if blocks_text[-8:] in "".join(ln.text for ln in body_lines(p)))
        assert page.index - ref_page in (0, 1), (at, where)
        # Reading order: the text in source order (a picture that waits for the next page's top
        # is read there, after the text that goes on), the caption on the picture's page.
        text = "".join(ln.text for p in doc.pages for ln in body_lines(p)
                       if ln.article == "w" and ln.kind not in ("title", "byline", "caption"))
        assert text == "".join(b.text for b in a.blocks if not isinstance(b, Figure))
        assert [ln.text for ln in body_lines(page) if ln.kind == "caption"] == ["会议全景"]


def test_a_heading_just_before_a_wide_picture_stays_with_the_text_after_it(tmp_path):
    from PIL import Image

    from publish.model import Heading

    img = tmp_path / "wide.png"
    Image.new("L", (1600, 800), 128).save(img)
    a = article("h", [300, 300, 200, 600])
    heading = Heading(1, (Text("二、主要工作"),), line=3)
    fig = Figure(img, (Text("全景"),), line=4)
    a = dataclasses.replace(a, blocks=(*a.blocks[:3], heading, fig, *a.blocks[3:]))
    doc = run(make_issue([("工作动态", [a])]))
    page = next(p for p in doc.pages for ln in body_lines(p) if ln.kind == "heading")
    head = next(ln for ln in body_lines(page) if ln.kind == "heading")
    # the next lines of its column (the text after the picture) are directly under it
    under = sorted((ln for ln in body_lines(page) if ln.column == head.column and ln.kind == "body"
                    and ln.y < head.y), key=lambda ln: -ln.y)
    assert len(under) >= MAG.keep_heading_with and head.y - under[0].y < 2 * MAG.leading
    assert under[0].text.startswith(a.blocks[5].text[:4])
    image_page = next(p for p in doc.pages if any(isinstance(it, PlacedImage) for it in p.items))
    _top_or_bottom(image_page, next(it for it in image_page.items if isinstance(it, PlacedImage)))


def test_a_section_name_listed_twice_gets_an_outline_entry_each_time():
    issue = make_issue([("监督工作", [article("a", [100])]), ("调查报告", [article("b", [100])]),
                        ("监督工作", [article("c", [100])])])
    doc = run(issue)
    assert [(e.level, e.title) for e in doc.outline] == [
        (0, "监督工作"), (1, "关于a的报告"), (0, "调查报告"), (1, "关于b的报告"), (0, "监督工作"), (1, "关于c的报告")]


def test_placed_glyphs_are_ordinary_frozen_placed_glyphs():
    from publish.paginate import PlacedGlyph

    doc = run(make_issue([("工作动态", [article("g", [50])])]))
    g = next(ln for p in doc.pages for ln in body_lines(p) if ln.kind == "body").glyphs[0]
    same = PlacedGlyph(g.char, g.x, g.width, g.face)
    assert type(g) is PlacedGlyph and g == same and hash(g) == hash(same) and repr(g) == repr(same)
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.x = 0.0  # type: ignore[misc]
