"""The print edition's acceptance checks, read back from the built PDF (pdfplumber, pypdfium2)
and, for typography on whole pages, from the paginated Document the PDF is drawn from.

Runs on `examples/sample` always, and on the complete seed issue `examples/bayannaoer-2025-01`
(marked slow) when it has been imported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from build_support import (
    FULL_EXAMPLE,
    SAMPLE,
    article_printed_extras,
    article_source_text,
    is_subsequence,
    read_pdf,
    squeeze,
)

from publish.layout import load_layout
from publish.model import Figure, Heading, ListItem, Note, Paragraph, Salutation, Signature, Table

EXAMPLES = [pytest.param(SAMPLE, id="sample")]
EXAMPLES.append(pytest.param(FULL_EXAMPLE, id="full", marks=pytest.mark.slow))


@pytest.fixture(scope="module", params=EXAMPLES)
def built(request, tmp_path_factory):
    example: Path = request.param
    if not (example / "issue.toml").is_file():
        pytest.skip(f"{example.name} is not in examples/ (the importer writes it from ../shared/seed)")
    from publish.build import build
    from publish.sources import load_issue

    out = tmp_path_factory.mktemp(example.name)
    result = build(example, out, epub=False)
    issue = load_issue(example)
    layout = load_layout(issue.layout, issue.root)
    pages = read_pdf(result.pdf_path, layout.margin_top)
    return issue, layout, result, pages


def split(pages, issue):
    """Contents pages are the leading pages without a running header; body pages run from the
    first to the last page with one (the filler pages that make the page count a multiple of the
    layout's page_multiple, and a masthead page, follow without a header)."""
    headed = [k for k, p in enumerate(pages) if p.header_left or p.header_right]
    k = headed[0] if headed else len(pages)
    end = headed[-1] + 1 if headed else len(pages)
    return pages[:k], pages[k:end]


def opening_pages(issue, body):
    """Index into `body` of the page where each article's title is printed (searched in order)."""
    out = {}
    k = 0
    for a in issue.articles:
        title = squeeze("".join(a.title))
        while k < len(body) and title not in squeeze(body[k].text):
            k += 1
        assert k < len(body), f"title of {a.slug} not found in the PDF"
        out[a.slug] = k
    return out


def test_body_pages_are_numbered_from_first_folio(built):
    issue, _layout, _result, pages = built
    contents, body = split(pages, issue)
    assert contents, "the contents come first"
    assert [int(p.label) for p in body] == list(range(int(body[0].label), int(body[0].label) + len(body)))
    assert int(body[0].label) == (issue.first_folio if issue.first_folio > len(contents) else
                                  issue.first_folio + len(contents))


def article_pages(issue, body) -> dict[str, tuple[int, int]]:
    """(first, last) body page index of each article: from its title to the page where the last
    of its characters is found (reading its characters in order, page by page)."""
    opening = opening_pages(issue, body)
    spans = {}
    for a in issue.articles:
        source = article_source_text(a)
        k = opening[a.slug]
        pos = 0
        while True:
            hay = iter(squeeze(body[k].text))
            while pos < len(source) and any(h == source[pos] for h in hay):
                pos += 1
            if pos == len(source) or k == len(body) - 1:
                break
            k += 1
        # a picture floated past the article's last text, with its caption, is on its pages too
        extras = [e for e in article_printed_extras(a) if e]
        while k + 1 < len(body) and k + 1 not in opening.values() and \
                any(e in squeeze(body[k + 1].text) for e in extras):
            k += 1
        spans[a.slug] = (opening[a.slug], k)
    return spans


def test_each_body_page_header_shows_its_folio_and_section(built):
    issue, _layout, _result, pages = built
    _contents, body = split(pages, issue)
    section_of = {a.slug: s.title for s in issue.sections for a in s.articles}
    spans = article_pages(issue, body)
    for p_index, page in enumerate(body):
        folio = int(page.label)
        on_page = [s for s, (first, last) in spans.items() if first <= p_index <= last]
        # A section may open mid-page ([flow] section_start = "same-page"): the header names the
        # section of the page's first article (spans are in issue order).
        assert on_page, f"page {folio} holds no article"
        section = section_of[on_page[0]]
        if folio % 2:
            assert (page.header_left, page.header_right) == (section, f"{issue.magazine}/{folio}")
        else:
            assert (page.header_left, page.header_right) == (f"{folio}/{issue.magazine}", section)


def contents_entries(contents_pages) -> list[tuple[str, int]]:
    """(text since the previous folio, folio) for every folio: a number set on the baseline of the
    line drawn just before it (an entry's last title line), to its right."""
    entries = []
    text = ""
    for page in contents_pages:
        prev = None
        for line in page.lines:
            if re.fullmatch(r"\d+", line.text) and prev is not None and prev.y == line.y and line.x0 > prev.x1:
                entries.append((text, int(line.text)))
                text = ""
            elif not line.text.startswith("●"):
                text += line.text
            prev = line
    return entries


def test_contents_folios_equal_the_pages_where_articles_start(built):
    issue, _layout, _result, pages = built
    contents, body = split(pages, issue)
    entries = contents_entries(contents)
    assert len(entries) == len(issue.articles)
    opening = opening_pages(issue, body)
    for article, (text, folio) in zip(issue.articles, entries, strict=True):
        assert squeeze(text).endswith(squeeze(article.title_text))
        assert folio == int(body[opening[article.slug]].label), article.slug


def test_every_source_character_of_every_article_appears_in_order_on_its_pages(built):
    issue, _layout, _result, pages = built
    _contents, body = split(pages, issue)
    opening = opening_pages(issue, body)
    slugs = [a.slug for a in issue.articles]
    total = found_total = 0
    missing = []
    for n, a in enumerate(issue.articles):
        last = opening[slugs[n + 1]] if n + 1 < len(slugs) else len(body) - 1
        hay = squeeze("".join(p.text for p in body[opening[a.slug]:last + 1]))
        source = article_source_text(a)
        ok, found = is_subsequence(source, hay)
        total += len(source)
        found_total += found
        if not ok:
            missing.append((a.slug, found, len(source), source[found:found + 20]))
        for extra in article_printed_extras(a):  # captions, notes: on the article's pages
            assert extra in hay, (a.slug, extra[:20])
    assert not missing, f"{found_total}/{total} characters found in order; first gaps: {missing[:3]}"


def test_the_text_layer_holds_nothing_but_the_sources_headers_and_contents(built):
    issue, _layout, _result, pages = built
    _contents, body = split(pages, issue)
    sources = squeeze("".join(article_source_text(a) + "".join(article_printed_extras(a)) for a in issue.articles))
    body_text = squeeze("".join(p.text for p in body))
    assert len(body_text) == len(sources)


@pytest.fixture(scope="module")
def document(built):
    issue, layout, _result, _pages = built
    from publish.fonts import load_fonts
    from publish.paginate import paginate

    fonts = load_fonts(issue.root, dict(issue.fonts))
    return paginate(issue, layout, fonts), fonts


def block_lines(issue, doc):
    """Each article's body TextLines assigned to their blocks: {(slug, block): [(page, line)]}."""
    out = defaultdict(list)
    for a in issue.articles:
        seq = [(p, ln) for p in doc.pages for ln in p.items
               if getattr(ln, "article", "") == a.slug and hasattr(ln, "kind")  # text lines, not pictures
               and ln.kind not in ("title", "subtitle", "byline", "footnote", "noteref", "caption",
                                   "table-caption", "table-header", "table-cell")]
        k = 0
        for bi, block in enumerate(a.blocks):
            if isinstance(block, Figure | Table):
                continue  # a floated picture's caption, a wide table at a page's top: out of the text's order
            need = len(block.text)
            while need > 0:
                page, line = seq[k]
                out[(a.slug, bi)].append((page, line))
                need -= len(line.text)
                k += 1
            assert need == 0, f"{a.slug} block {bi}: lines do not end where the block does"
        assert k == len(seq)
    return out


def test_typography_holds_on_whole_pages(built, document):
    """0 prohibition breaks, 0 孤字 (publish.cjk.audit), non-last lines of justified paragraphs flush
    with both column edges within 0.05 em, no widow or orphan line at a column's top or bottom."""
    from publish.cjk import Glyph, Line, Style, audit

    issue, layout, _result, _pages = built
    doc, fonts = document
    counts = defaultdict(int)
    faults = []
    for (slug, bi), placed in block_lines(issue, doc).items():
        block = next(a for a in issue.articles if a.slug == slug).blocks[bi]
        if isinstance(block, Figure | Signature | Table) or not placed:
            continue  # captions, signature lines and table cells are not justified paragraphs
        element = {ListItem: "listitem", Paragraph: "paragraph", Salutation: "salutation", Note: "note",
                   Heading: "heading1" if getattr(block, "level", 1) <= 1 else "heading2"}[type(block)]
        st = layout.style(element)
        metrics = fonts.metrics({st.role: st.size, "emphasis": st.size})
        lines = []
        for n, (page, tl) in enumerate(placed):
            glyphs = tuple(Glyph(g.char, g.x, g.width, g.face) for g in tl.glyphs)
            right = glyphs[-1].x + glyphs[-1].width
            lines.append(Line(glyphs, right, right, 0.0, n == len(placed) - 1, 0.0, st.align))
            justified = isinstance(block, Paragraph | ListItem)
            if justified and n < len(placed) - 1:
                col_right = layout.column_x(tl.column, page.side) + layout.measure
                # The set box of the last glyph ends at x + width, or — for a mark set narrower
                # than its natural advance (a halved ・ or ，) — somewhere up to x + advance, as
                # the page carries only the pen position and the set width.
                last = tl.glyphs[-1]
                advance = max(metrics.advance(last.char, last.face), last.width)
                lo, hi = tl.x + last.x + last.width, tl.x + last.x + advance
                tol = 0.05 * st.size
                if not lo - tol <= col_right <= hi + tol:
                    faults.append(f"unflush {slug}:{bi} folio {page.folio}: {tl.text}")
                if tl.x != pytest.approx(layout.column_x(tl.column, page.side)):
                    faults.append(f"off the column edge {slug}:{bi} folio {page.folio}")
        report = audit(lines, layout.measure, metrics,
                       Style(**layout.typography_for(element)))
        counts["prohibition"] += report.count("prohibition")
        counts["孤字"] += report.count("orphan")
        counts["lines"] += len(lines)
        # Widows and orphans: a paragraph of 2+ lines split so that one line is alone.
        if len(placed) >= 2:
            where = [(p.index, tl.column) for p, tl in placed]
            if where[0] != where[1]:
                faults.append(f"orphan (first line alone) {slug}:{bi} folio {placed[0][0].folio}")
            if where[-1] != where[-2]:
                faults.append(f"widow (last line alone) {slug}:{bi} folio {placed[-1][0].folio}")
    assert counts["lines"] > 0
    assert (counts["prohibition"], counts["孤字"]) == (0, 0), dict(counts)
    assert not faults, faults[:5]


def test_the_full_seed_issue_comes_out_within_its_printed_66_pages(built):
    issue, layout, _result, pages = built
    if issue.root is None or issue.root.resolve() != FULL_EXAMPLE.resolve():
        pytest.skip("page count is compared for the complete seed issue only")
    _contents, body = split(pages, issue)
    # The printed issue's 66 pages also carry photographs its text layer has lost: set as tightly
    # as the magazine sets its pages (issue 14), the text alone takes fewer — but never fewer than
    # its characters need on full pages of the grid.
    chars = sum(len(squeeze(article_source_text(a))) for a in issue.articles)
    full_pages = chars / (layout.columns * layout.chars * layout.lines)
    assert full_pages <= len(body) <= 66, f"{len(body)} body pages for {full_pages:.1f} full pages of text"
