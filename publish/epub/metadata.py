"""The issue → the EPUB package metadata (OPF <metadata>), and the build timestamp.

In: an `Issue`, what the publication actually contains (page-list? figures? cover?) and the
environment (`SOURCE_DATE_EPOCH`). Out: values for ebooklib's `EpubBook` metadata calls, as a list
of `MetaEntry`s applied by `apply_metadata`.

Sources of the rules (docs/design/epub.md §1.1):
- identifier: EPUB 3.3 §5.5.3.1 `dc:identifier`, stable across rebuilds → `urn:uuid:` + uuid5 of
  magazine + issue label (RFC 4122 name-based UUID), so the same issue always gets the same id.
- `dcterms:modified`: EPUB 3.3 §5.5.6, `CCYY-MM-DDThh:mm:ssZ` in UTC; from `SOURCE_DATE_EPOCH`
  (reproducible-builds.org spec) so that rebuilds are byte-identical.
- series membership: EPUB 3.3 meta properties vocabulary `belongs-to-collection`,
  `collection-type` = `series`, `group-position` (decimal-separated positions are allowed, so
  `2025.1` = year.issue).
- accessibility: EPUB Accessibility 1.1 §Package metadata (schema.org accessMode,
  accessModeSufficient, accessibilityFeature, accessibilityHazard, accessibilitySummary) and
  `pageBreakSource` (EPUB Accessibility 1.1 §Pagination source; a property of the default meta
  vocabulary, not `a11y:`: EPUBCheck 5.3 reports `a11y:pageBreakSource` as OPF-027). Only claims that are true
  of what was built: page navigation only with a page-list, alternative text only if every image
  has one; no `dcterms:conformsTo`, because nothing was evaluated against WCAG.
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ebooklib import epub

from publish.errors import BuildError, Problem
from publish.model import Issue
from publish.version import __version__

# A fixed namespace for our name-based identifiers (uuid5 of the URL namespace and our scheme).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://publish.invalid/magazine-issue")


def issue_identifier(issue: Issue) -> str:
    """`urn:uuid:…` derived from magazine title + issue label (+ ISSN when known): stable."""
    name = "\n".join([issue.issn.strip() or issue.magazine.strip(), issue.label.strip()])
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def group_position(issue: Issue) -> str:
    """The issue's position in the series: `2025.1` for `2025年第1期`, else the label's number."""
    numbers = re.findall(r"\d+", issue.label)
    if len(numbers) >= 2 and len(numbers[0]) == 4:
        return f"{int(numbers[0])}.{int(numbers[1])}"
    if len(numbers) == 1:
        return f"{issue.date.year}.{int(numbers[0])}" if len(numbers[0]) < 4 else str(int(numbers[0]))
    return ""


def build_time(environ: Mapping[str, str] | None = None, *, fallback: _dt.date | None = None) -> _dt.datetime:
    """The UTC time the edition claims to be made: `SOURCE_DATE_EPOCH`, else midnight of `fallback`.

    Why a fallback and not the clock: the same sources must give the same bytes
    (reproducible-builds.org). The issue date is a true "no later than" for the edition's content.
    """
    if environ is None:
        from publish import settings

        raw = settings.source_date_epoch()
    else:
        raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isdigit():
            raise BuildError(Problem(f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds",
                                     fix="set it to an integer Unix time, e.g. $(git log -1 --format=%ct)"))
        return _dt.datetime.fromtimestamp(int(raw), tz=_dt.UTC)
    day = fallback or _dt.date(1980, 1, 1)
    return _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC)


def creators(issue: Issue) -> list[str]:
    """The people (or, without a name, the units) named in the bylines, in order, without repeats.

    A byline name field can list several people (`split_names`). Each name is kept as written
    (`file_as` gives it without the padding).
    """
    seen: dict[str, None] = {}
    for article in issue.articles:
        for byline in article.bylines:
            names = split_names(byline.name) if byline.name else []
            if not names and byline.unit.strip():
                names = [byline.unit.strip()]
            for n in names:
                seen.setdefault(n, None)
    return list(seen)


_NAME_SEPARATORS = re.compile(r"[、，,；;／/]+")
_SPACES = re.compile(r"[\s\u3000]+")


def _gaps(text: str, *, astral: bool = True) -> Iterator[tuple[int, int]]:
    """Where `text` has white space between two Han characters (U+3400–U+9FFF, and with `astral`
    U+20000–U+2FFFF): where a byline separates people, or pads a name. Each run whole, as
    `(?<=[han])[\\s\\u3000]+(?=[han])` finds them; found as runs of white space with a Han
    character on either side instead, because a character class of the Han ranges costs ~0.9 ms to
    compile (the regular-expression compiler visits each of its 27,000 code points), paid by every
    EPUB helper."""
    for m in _SPACES.finditer(text):
        start, end = m.span()
        if start and end < len(text) and _han(text[start - 1], astral) and _han(text[end], astral):
            yield start, end


def _han(ch: str, astral: bool) -> bool:
    return "\u3400" <= ch <= "\u9fff" or (astral and "\U00020000" <= ch <= "\U0002ffff")


def split_names(field: str) -> list[str]:
    """The people a byline's name field lists, each as written.

    People are separated by list punctuation (`张三、李四`) or by a space between Han characters
    (`张三 李四`, `杨 菁　薛 博`). But the print pads a two-character name to the width of three
    with a space (`杨 菁`, `杨　菁`): a lone Han character is no name, so it is joined with the
    lone character after it, space and all. A space inside a name in Latin letters is kept.

    >>> split_names("杨 菁　薛 博")
    ['杨 菁', '薛 博']
    >>> split_names("张三 杨　菁、John Smith")
    ['张三', '杨\u3000菁', 'John Smith']
    """
    out: list[str] = []
    for piece in _NAME_SEPARATORS.split(field):
        piece = piece.strip()
        if not piece:
            continue
        tokens: list[tuple[int, int]] = []  # each token's place in `piece`
        at = 0
        for start, end in _gaps(piece):
            tokens.append((at, start))
            at = end
        tokens.append((at, len(piece)))
        i = 0
        while i < len(tokens):
            start, end = tokens[i]
            if end - start == 1 and i + 1 < len(tokens) and tokens[i + 1][1] - tokens[i + 1][0] == 1:
                out.append(piece[start:tokens[i + 1][1]])  # 杨 菁: one padded name
                i += 2
            else:
                out.append(piece[start:end])
                i += 1
    return out


def file_as(name: str) -> str:
    """A name as sorted and searched: the padding spaces between Han characters taken out."""
    kept, at = [], 0
    for start, end in _gaps(name, astral=False):
        kept.append(name[at:start])
        at = end
    kept.append(name[at:])
    return "".join(kept).strip()


@dataclass(frozen=True)
class Contents:
    """What the built publication contains, so that the metadata claims only what is true."""

    has_page_list: bool
    has_cover_image: bool
    figures: int
    figures_with_text: int


def accessibility_summary(issue: Issue, contents: Contents) -> str:
    parts = [f"《{issue.magazine}》{issue.label}的电子版，正文为可重排的文字，按栏目和文章提供目录导航，文章内小标题可跳转。"]
    if contents.has_page_list:
        parts.append("提供与印刷版页码一致的页码导航和分页标记。")
    if contents.figures:
        parts.append(f"含{contents.figures}幅插图，图片说明以文字给出。")
    if contents.has_cover_image:
        parts.append("封面为图片，其文字（刊名、期号、本期要目）另以替代文字提供。")
    parts.append("未经无障碍标准（WCAG）评估。")
    return "".join(parts)


def apply_metadata(book: epub.EpubBook, issue: Issue, contents: Contents, *, title: str) -> None:
    """Fill `book`'s metadata (everything except `dcterms:modified`, which the writer adds)."""
    lang = issue.language or "zh-CN"
    # ebooklib's defaults: a random uuid4 identifier (defect #3) and a generator meta; start clean.
    book.metadata = {}
    book.add_metadata("OPF", "generator", "", {"name": "generator", "content": f"publish {__version__} (ebooklib 0.20)"})
    book.set_identifier(issue_identifier(issue))
    book.set_title(title)
    book.set_language(lang)  # without it documents get lang="en" and dc:language is missing (#12)
    book.add_metadata("DC", "date", issue.date.isoformat())
    if issue.publisher:
        book.add_metadata("DC", "publisher", issue.publisher)
    for i, name in enumerate(creators(issue), 1):
        # Distinct ids: two add_author() calls with the default uid give duplicate id="creator" (#11).
        uid = f"creator-{i:02d}"
        book.add_metadata("DC", "creator", name, {"id": uid})
        book.add_metadata(None, "meta", "aut", {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})
        if file_as(name) != name:  # EPUB 3.3 §D.3.5 file-as: the sort form of `杨 菁` is `杨菁`
            book.add_metadata(None, "meta", file_as(name), {"refines": f"#{uid}", "property": "file-as"})
    if issue.issn:
        book.add_metadata("DC", "identifier", f"urn:issn:{issue.issn}", {"id": "issn"})
    # The issue as a member of the magazine series.
    book.add_metadata(None, "meta", issue.magazine, {"property": "belongs-to-collection", "id": "series"})
    book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    position = group_position(issue)
    if position:
        book.add_metadata(None, "meta", position, {"refines": "#series", "property": "group-position"})
    if issue.issn:
        book.add_metadata(None, "meta", f"urn:issn:{issue.issn}", {"refines": "#series", "property": "dcterms:identifier"})

    # Accessibility (EPUB Accessibility 1.1 §Package metadata; schema: is a reserved prefix).
    modes = ["textual"] + (["visual"] if contents.figures or contents.has_cover_image else [])
    for mode in modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    # Text alone suffices when no figure lacks a text alternative; with figures both together do.
    if contents.figures == 0 or contents.figures == contents.figures_with_text:
        book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    if len(modes) > 1:
        book.add_metadata(None, "meta", ",".join(modes), {"property": "schema:accessModeSufficient"})
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if contents.has_page_list:
        features += ["pageNavigation", "pageBreakMarkers"]  # printPageNumbers is deprecated
    if contents.figures == contents.figures_with_text and (contents.figures or contents.has_cover_image):
        features.append("alternativeText")
    for feature in features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    # Static text and still images only: no flashing, motion simulation or sound.
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    book.add_metadata(None, "meta", accessibility_summary(issue, contents), {"property": "schema:accessibilitySummary"})
    if contents.has_page_list:
        book.add_metadata(None, "meta", f"{issue.magazine} {issue.label} 印刷版", {"property": "pageBreakSource"})
