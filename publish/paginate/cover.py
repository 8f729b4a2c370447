"""The print edition's own pages: the cover file, the masthead (版权页) and full-page pictures.

In: the `Issue` (its `[covers]`, `[masthead]`), the `Layout`, a `Setter` for text. Out:
- `cover_document(...)`: a two-page `Document` for `<slug>-cover.pdf` — page 1 the outside spread
  封四 | spine | 封一, page 2 the inside spread 封二 | spine | 封三 — its trim two page widths plus
  the spine wide, with the layout's bleed; fold marks at the spine outside the bleed;
- `masthead_lines(...)`: the masthead's lines set at the foot of a text block (on 封二, or on the
  last inner page);
- `full_page_picture(...)`: a picture covering a page and its bleed (inserts, house ads).

Every picture is delivered as a whole page *with bleed* on all four sides (what designers hand a
printer). On a cover spread it is clipped at the fold, so its spine-side bleed never shows on the
neighbouring panel; its aspect must match the page with bleed (`check_pictures`).
"""

from __future__ import annotations

from pathlib import Path

from publish.errors import Problem
from publish.layout.spec import MM, Layout
from publish.paginate.pages import Document, Page, PlacedGlyph, PlacedImage, Rule, TextLine

ASPECT_TOLERANCE = 0.02  # a picture's width/height may differ this much (relative) from its page's
FOLD_MARK_LENGTH = 6 * MM
FOLD_MARK_GAP = 1 * MM


def spine_width(issue) -> float:
    return (issue.covers.spine_mm if issue.covers is not None else 0.0) * MM


def masthead_on_cover(issue, L: Layout) -> bool:
    """The masthead goes on 封二 when the layout says so and the issue has a cover file; an issue
    without [covers] gets it on its last inner page instead (it is never dropped)."""
    return issue.masthead is not None and L.masthead == "inside-front" and issue.covers is not None


def masthead_on_last_page(issue, L: Layout) -> bool:
    return issue.masthead is not None and L.masthead != "none" and not masthead_on_cover(issue, L)


def full_page_picture(path: Path, L: Layout, clip: tuple[float, float, float, float] | None = None,
                      x: float = 0.0) -> PlacedImage:
    """A picture covering the page at x (trim width × height) and its bleed on every side."""
    b = L.bleed
    return PlacedImage(path, x - b, -b, L.trim_width + 2 * b, L.trim_height + 2 * b, clip)


def check_pictures(issue, L: Layout, fillers: list[Path]) -> list[Problem]:
    """Every cover, insert and filler picture must have the shape of a page with bleed; a wrong
    shape would be stretched, so it is an error naming the file and the size to crop it to."""
    from publish.errors import PublishError
    from publish.pdf.pictures import picture_aspect

    want = (L.trim_width + 2 * L.bleed) / (L.trim_height + 2 * L.bleed)
    paths: list[tuple[str, Path]] = []
    if issue.covers is not None:
        c = issue.covers
        for key, p in (("front", c.front), ("inside_front", c.inside_front), ("inside_back", c.inside_back),
                       ("back", c.back)):
            if p is not None:
                paths.append((f"[covers] {key}", p))
    paths += [("[[inserts]] picture", i.picture) for i in issue.inserts]
    paths += [("filler", p) for p in fillers]
    problems: list[Problem] = []
    for where, path in paths:
        try:
            aspect = picture_aspect(path)
        except PublishError as err:
            problems.extend(err.problems)
            continue
        if abs(aspect / want - 1) > ASPECT_TOLERANCE:
            problems.append(Problem(
                f"{where}: {path.name} has the shape {aspect:.3f} (width/height) but a page with bleed is "
                f"{(L.trim_width + 2 * L.bleed) / MM:.0f} × {(L.trim_height + 2 * L.bleed) / MM:.0f} mm ({want:.3f})",
                path, None, "crop it to the page size plus the bleed on every side", code="picture-shape"))
    return problems


def cover_document(issue, L: Layout, setter) -> Document:
    """The cover file's two spreads (see the module docstring)."""
    c = issue.covers
    W, H, b = L.trim_width, L.trim_height, L.bleed
    s = spine_width(issue)
    spread = 2 * W + s
    left_clip = (-b, -b, W, H + b)  # the left panel up to the fold (its bleed on three sides)
    right_clip = (W + s, -b, spread + b, H + b)

    def panel(path: Path | None, x: float, clip) -> list:
        return [full_page_picture(path, L, clip, x)] if path is not None else []

    outside: list = []
    outside += panel(c.back, 0.0, left_clip)  # 封四
    if c.spine is not None and s > 0:
        outside.append(PlacedImage(c.spine, W, -b, s, H + 2 * b, (W, -b, W + s, H + b)))
    outside += panel(c.front, W + s, right_clip)  # 封一
    inside: list = []
    inside += panel(c.inside_front, 0.0, left_clip)  # 封二
    inside += panel(c.inside_back, W + s, right_clip)  # 封三
    if masthead_on_cover(issue, L):
        # 封二 is a right-hand page once the cover is folded: its text block sits like a body page's
        inside += masthead_lines(issue, L, setter, L.block_left("right"))
    marks = _fold_marks(W, s, H, b)
    return Document(
        trim_width=spread,
        trim_height=H,
        bleed=b,
        pages=(Page(0, None, "right", "", (*outside, *marks), "cover"),
               Page(1, None, "right", "", (*inside, *marks), "cover")),
        title=f"{issue.magazine} {issue.label} 封面",
        author=issue.publisher or issue.magazine,
        subject=issue.label,
        language=issue.language,
        date=issue.date.isoformat(),
        output_intent=L.output_intent,
        output_condition=L.output_condition,
        meta={k: v for k, v in (("publisher", issue.publisher), ("issn", issue.issn)) if v},
    )


def _fold_marks(W: float, s: float, H: float, b: float) -> list[Rule]:
    """Short marks continuing the fold lines (both sides of the spine) above and below the sheet,
    outside the bleed like the crop marks, so the binder can see where the cover folds."""
    out: list[Rule] = []
    for x in sorted({W, W + s}):
        out.append(Rule(x, -b - FOLD_MARK_GAP, x, -b - FOLD_MARK_GAP - FOLD_MARK_LENGTH, 0.25))
        out.append(Rule(x, H + b + FOLD_MARK_GAP, x, H + b + FOLD_MARK_GAP + FOLD_MARK_LENGTH, 0.25))
    return out


def masthead_lines(issue, L: Layout, setter, left: float) -> list:
    """The masthead set in the caption style at the foot of the text block starting at `left`:
    the magazine's name, a rule, then one `label：value` per entry (long values wrap under
    themselves). Items are in reading order."""
    head = L.style("contents_section")
    st = L.style("caption")
    width = L.block_width
    groups: list[tuple] = []  # (style, composed line, x shift, kind)
    for ln in setter.text_lines("contents_section", issue.magazine, width, align="left", indent_em=0.0):
        groups.append((head, ln, 0.0, "masthead"))
    for label, value in issue.masthead.entries:
        lead = f"{label}："
        lead_lines = setter.text_lines("caption", lead, width, align="left", indent_em=0.0)
        shift = max((g.x + g.width for g in lead_lines[0].glyphs), default=0.0) if lead_lines else 0.0
        body = setter.text_lines("caption", value, width - shift, align="left", indent_em=0.0)
        for k, ln in enumerate(body):
            if k == 0 and lead_lines:
                groups.append((st, lead_lines[0], 0.0, "masthead"))
            groups.append((st, ln, shift, "masthead"))
    # bottom-up from the foot of the text block; the lead and its first value line share a baseline
    heights = []
    for k, (g_st, _ln, shift, _kind) in enumerate(groups):
        same_line = k + 1 < len(groups) and shift == 0.0 and groups[k + 1][2] > 0 and g_st is st
        heights.append(0.0 if same_line else g_st.leading)
    rule_gap = 0.5 * L.leading
    bottom = L.block_top - L.lines * L.leading
    y = bottom + sum(heights) + rule_gap
    items: list = []
    first_body = True
    for (g_st, ln, shift, kind), h in zip(groups, heights, strict=True):
        if g_st is st and first_body:
            items.append(Rule(left, y - rule_gap / 2, left + width, y - rule_gap / 2, 0.5))
            y -= rule_gap
            first_body = False
        base = y - (g_st.leading - g_st.size) / 2 - 0.88 * g_st.size
        glyphs = tuple(PlacedGlyph(g.char, g.x, g.width, g.face) for g in ln.glyphs)
        items.append(TextLine(left + shift, base, g_st.size, glyphs, kind, "", 0))
        y -= h
    return items
