"""Pagination invariants on generated issues (stand-in composer): whatever the mix of paragraphs,
headings, signatures and figures, every character is set once and in order, nothing leaves the
text block, folios run on, page starts point at each page's first line, and no column ends in a
place the break rules forbid."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paginate_support import FAKE, FakeFonts, body_text, make_issue

from publish.layout import load_layout
from publish.model import Article, Byline, Figure, Heading, Paragraph, Signature, Text
from publish.paginate import PlacedImage, TextLine, paginate

MAG = load_layout("magazine-16k")
A5 = load_layout("a5-book")
IMAGES = Path(tempfile.gettempdir()) / "publish-test-paginate-images"


def image(w: int, h: int) -> Path:
    from PIL import Image

    IMAGES.mkdir(exist_ok=True)
    path = IMAGES / f"{w}x{h}.png"
    if not path.exists():
        Image.new("L", (w, h), 100).save(path)
    return path


@st.composite
def articles(draw, slug: str):
    blocks = []
    for k in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["p", "p", "p", "p", "h", "sig", "fig"]))
        if kind == "p":
            blocks.append(Paragraph((Text(body_text(draw(st.integers(1, 900)), k)),), k + 1))
        elif kind == "h":
            blocks.append(Heading(draw(st.integers(1, 2)), (Text(body_text(draw(st.integers(3, 30)), k)),), k + 1))
        elif kind == "sig":
            blocks.append(Signature(("巴彦淖尔市人大常委会", "2025年1月10日"), k + 1))
        else:
            w, h = draw(st.sampled_from([(1200, 800), (1600, 600), (600, 900), (2000, 1000)]))
            blocks.append(Figure(image(w, h), (Text(body_text(draw(st.integers(0, 40)), k)),), k + 1))
    title = tuple(body_text(draw(st.integers(4, 40)), 1) for _ in range(draw(st.integers(1, 2))))
    bylines = tuple(Byline("市人大常委会办公室", "张三") for _ in range(draw(st.integers(0, 2))))
    return Article(slug, title, tuple(blocks), bylines=bylines, source=Path(f"{slug}.md"))


@st.composite
def issues(draw):
    sections = []
    n = 0
    for s in range(draw(st.integers(1, 3))):
        arts = []
        for _ in range(draw(st.integers(1, 3))):
            arts.append(draw(articles(f"a{n}")))
            n += 1
        sections.append((f"栏目{s}", arts))
    return make_issue(sections, first_folio=draw(st.sampled_from([1, 3, 7])))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issues(), st.sampled_from(["mag", "mag-newpage", "a5", "three-columns"]))
def test_pagination_invariants(issue, which):
    layout = {"mag": MAG, "a5": A5, "mag-newpage": dataclasses.replace(MAG, article_start="new-page"),
              "three-columns": dataclasses.replace(MAG, columns=3, chars=13, contents_columns=3)}[which]
    doc = paginate(issue, layout, FakeFonts(), composer=FAKE)
    folios = [p.folio for p in doc.pages]
    assert folios == list(range(folios[0], folios[0] + len(folios)))
    body = [p for p in doc.pages if p.kind == "body"]
    bottom = layout.block_top - layout.lines * layout.leading - 1e-6
    got: dict[str, str] = {}
    captions: dict[str, str] = {}
    for p in body:
        for it in p.items:
            if isinstance(it, TextLine) and it.article:
                # a picture that does not fit floats on (the text goes on before it): captions
                # are compared apart from the text's order
                into = captions if it.kind == "caption" else got
                into[it.article] = into.get(it.article, "") + it.text
                assert bottom - layout.leading < it.y < layout.block_top
                assert layout.block_left(p.side) - layout.body_size <= it.x <= \
                    layout.block_left(p.side) + layout.block_width
            elif isinstance(it, PlacedImage):
                assert it.y >= bottom and it.y + it.h <= layout.block_top + 1e-6
    for a in issue.articles:
        want = "".join(a.title) + "".join("●" + b.unit + "\u3000" + b.name for b in a.bylines)
        want += "".join(b.text for b in a.blocks if not isinstance(b, Figure))
        assert got.get(a.slug, "") == want
        assert sorted(captions.get(a.slug, "")) == sorted("".join(b.text for b in a.blocks if isinstance(b, Figure)))
    assert [s.folio for s in doc.page_starts] == [p.folio for p in body]
    arts = {a.slug: a for a in issue.articles}
    for start, page in zip(doc.page_starts, body, strict=True):
        # the page starts at its first line of flow text (pictures and captions are set where
        # they fit), or at its first item when it has none
        items = [it for it in page.items if isinstance(it, TextLine | PlacedImage)
                 and not (isinstance(it, TextLine) and it.kind in ("header", "folio"))]
        flow = [it for it in items if isinstance(it, TextLine) and it.kind != "caption"]
        first = flow[0] if flow else items[0]
        if start.block == -1:
            assert isinstance(first, TextLine) and first.kind == "title"
        else:
            block = arts[start.article].blocks[start.block]
            if isinstance(first, TextLine):
                assert block.text[start.offset:].startswith(first.text)
            else:
                assert isinstance(block, Figure) and start.offset == 0
    # Widows and orphans (paginate_support text: a paragraph's first line is indented 2 em, only its
    # last line ends with 。).
    em = layout.style("paragraph").size
    for p in body:
        columns: dict[tuple[int, str], list[TextLine]] = {}
        for it in p.items:
            if isinstance(it, TextLine) and it.kind == "body":
                columns.setdefault((it.column, it.article), []).append(it)
        for lines in columns.values():
            lines.sort(key=lambda ln: -ln.y)
            top, foot = lines[0], lines[-1]
            top_first = abs(top.glyphs[0].x - 2 * em) < 1e-6
            assert top_first or not top.text.endswith("。"), f"widow on folio {p.folio}"
            foot_first = abs(foot.glyphs[0].x - 2 * em) < 1e-6
            assert not foot_first or foot.text.endswith("。"), f"orphan on folio {p.folio}"
    opening = {}
    for p in body:
        for it in p.items:
            if isinstance(it, TextLine) and it.kind == "title":
                opening.setdefault(it.article, p.folio)
    assert all(e.folio == opening[e.article] for e in doc.toc if e.article)

