"""What the preview marks on a page: loose lines, text from fallback fonts, overset text, pictures
with too few pixels for print, and the warnings of the articles on it.

In: a paginated `Document`, the `Layout`, the issue's warnings (`Problem`s with file and line) and
the issue (to map a file line to a page through `Document.page_starts`). Out: per page index a list
of `Mark`s — a kind, a message and a box in points (origin bottom-left of the trim box, as the
Document's coordinates; None for a warning that belongs to the page but not to one spot of it).

The thresholds are the ones the typography checker uses (publish/cjk/audit.py: Han gaps averaging
more than 0.10 em make a loose line) and the print check (300 dpi for a photo).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from publish.model import Article
from publish.paginate.pages import Document, PlacedImage, TextLine

LOOSE_EM = 0.10  # = publish.cjk.audit's loose-line threshold (average extra space between Han characters)
MIN_DPI = 300
_TOLERANCE = 0.5  # pt: what rounding may put outside the text block


@dataclass(frozen=True)
class Mark:
    kind: str  # loose, fallback, overset, low-dpi, warning
    message: str
    box: tuple[float, float, float, float] | None = None  # x, y, width, height in pt

    def as_json(self) -> dict:
        return {"kind": self.kind, "message": self.message, "box": list(self.box) if self.box else None}


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"


def _line_box(line: TextLine) -> tuple[float, float, float, float]:
    g = line.glyphs
    x0 = line.x + (g[0].x if len(g) else 0.0)
    x1 = line.x + (g[-1].x + g[-1].width if len(g) else 0.0)
    return (x0, line.y - 0.2 * line.size, x1 - x0, 1.1 * line.size)


def _line_marks(line: TextLine, right_edge: float, fallback_families: dict[str, str]) -> list[Mark]:
    marks: list[Mark] = []
    g = line.glyphs
    if not len(g):
        return marks
    chars = [x.char for x in g] if not hasattr(g, "chars") else g.chars
    xs = [x.x for x in g] if not hasattr(g, "xs") else g.xs
    widths = [x.width for x in g] if not hasattr(g, "widths") else g.widths
    faces = [x.face for x in g] if not hasattr(g, "faces") else g.faces
    if line.kind == "body":
        gaps = [xs[i + 1] - xs[i] - widths[i] for i in range(len(chars) - 1)
                if _is_han(chars[i]) and _is_han(chars[i + 1])]
        if gaps and sum(gaps) / len(gaps) > LOOSE_EM * line.size:
            marks.append(Mark("loose", f"loose line: Han characters {sum(gaps) / len(gaps) / line.size:.2f} em apart",
                              _line_box(line)))
    fallback = sorted({f for f in faces if "~" in f})
    if fallback:
        chars_from = "".join(c for c, f in zip(chars, faces, strict=True) if "~" in f)
        names = ", ".join(fallback_families.get(f, f) for f in fallback)
        marks.append(Mark("fallback", f"{chars_from[:12]} set from fallback font {names}", _line_box(line)))
    if line.x + xs[-1] + widths[-1] > right_edge + _TOLERANCE:
        marks.append(Mark("overset", "text runs past the text block", _line_box(line)))
    return marks


def page_marks(document: Document, layout, fallback_families: dict[str, str] | None = None,
               indexes: list[int] | None = None) -> dict[int, list[Mark]]:
    """The marks drawn from the pages themselves (see the module docstring), by page index; only
    the pages in `indexes` when given."""
    families = fallback_families or {}
    out: dict[int, list[Mark]] = {}
    pages = document.pages if indexes is None else [document.pages[i] for i in indexes]
    for page in pages:
        marks: list[Mark] = []
        left = layout.block_left(page.side)
        right_edge = left + layout.text_width
        for item in page.items:
            if isinstance(item, TextLine):
                marks.extend(_line_marks(item, right_edge, families))
            elif isinstance(item, PlacedImage):
                dpi = _dpi(item)
                if dpi is not None and dpi < MIN_DPI:
                    marks.append(Mark("low-dpi", f"{Path(item.path).name}: {dpi:.0f} dpi at this size (print wants "
                                      f"{MIN_DPI})", (item.x, item.y, item.w, item.h)))
        if marks:
            out[page.index] = marks
    return out


def _dpi(image: PlacedImage) -> float | None:
    try:
        from PIL import Image

        with Image.open(image.path) as im:
            return im.size[0] / (image.w / 72) if image.w > 0 else None
    except Exception:  # an unreadable image is reported by the build's checks
        return None


def warning_pages(document: Document, issue, problems) -> dict[int, list[Mark]]:
    """Each warning that names an article file and line, on the page where that line is set."""
    by_source: dict[Path, Article] = {}
    for article in issue.articles:
        if article.source is not None:
            by_source[Path(article.source).resolve()] = article
    starts: dict[str, list[tuple[int, int]]] = {}  # slug → [(block, page index)]
    index_of_folio = {p.folio: p.index for p in document.pages if p.folio is not None}
    for start in document.page_starts:
        page = index_of_folio.get(start.folio)
        if page is not None:
            starts.setdefault(start.article, []).append((start.block, page))
    out: dict[int, list[Mark]] = {}
    resolved: dict[str, Path] = {}  # the warnings of one file name it alike: resolved once
    for problem in problems:
        if problem.path is None:
            continue
        shown = str(problem.path)
        path = resolved.get(shown)
        if path is None:
            path = resolved[shown] = Path(problem.path).resolve()
        article = by_source.get(path)
        if article is None or not starts.get(article.slug):
            continue
        line = problem.line or 0
        lines = [b.line for b in article.blocks]
        block = bisect_right(lines, line) - 1 if line else -1
        pages = starts[article.slug]
        page = pages[0][1]
        for first_block, index in pages:
            if first_block <= block:
                page = index
        kind = "warning"
        text = f"{problem.path}:{problem.line}: warning[{problem.code}]: {problem.message}" if problem.line else str(problem)
        out.setdefault(page, []).append(Mark(kind, text))
    return out
