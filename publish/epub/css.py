"""The EPUB stylesheet for Chinese text, styled after the print edition.

In: a `FontPlan` (embedded faces and the per-role font stacks). Out: the text of
`styles/main.css`.

Sources (docs/design/epub.md §1.4 and clreq, https://www.w3.org/TR/clreq/):
- 2-em first-line indent, justified, no hyphenation: clreq §Paragraph indent; the indent is CSS,
  never U+3000 (Kindle Publishing Guidelines §3.1.5).
- `line-break: strict` with the `-epub-` pair: EPUB 3.3 §Prefixed properties keeps `-epub-line-break`,
  `-epub-word-break`, `-epub-hyphens`; creators write both, reading systems SHOULD support them.
- `text-spacing-trim` / `text-autospace` (CSS Text 4) only inside `@supports`, so that a reading
  system that does not know them ignores the whole rule.
- No `direction`/`unicode-bidi` (EPUB 3.3 §CSS requirements); no remote or `file:` font URLs
  (EPUBCheck RSC-030/031, OPF-014).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from publish.epub.fonts import FontPlan


def font_faces(plan: FontPlan, *, base: str = "../") -> str:
    rules = []
    for face in plan.faces:
        fmt = "opentype" if face.media_type == "font/otf" else "truetype"
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{base}{face.file_name}") format("{fmt}");\n'
            f"  font-weight: {700 if face.weight >= 600 else 400};\n"
            "  font-style: normal;\n"
            "}\n"
        )
    return "".join(rules)


@dataclass(frozen=True)
class Style:
    """The part of a layout element style the EPUB uses (duck-compatible with
    `publish.layout.ElementStyle`): font role, size and leading in pt, alignment, indent in em,
    space before/after in grid lines."""

    role: str
    size: float
    leading: float
    align: str = "justify"
    indent_em: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0


# What layouts/magazine-16k.toml says, for when no layout is given.
DEFAULT_STYLES: dict[str, Style] = {
    "title": Style("title", 18, 26, "center", 0, 0, 0.5),
    "subtitle": Style("subtitle", 11, 16.4, "center"),
    "byline": Style("byline", 10.5, 16.4, "center", 0, 0, 1),
    "heading1": Style("heading", 10, 16.4, "left", 0),
    "heading2": Style("heading", 10, 16.4, "left", 2),
    "paragraph": Style("body", 10, 16.4, "justify", 2),
    "listitem": Style("body", 10, 16.4, "justify", 2),
    "salutation": Style("body", 10, 16.4, "left", 0),
    "signature": Style("body", 10, 16.4, "right", 0),
    "note": Style("note", 10, 16.4, "center", 0),
    "caption": Style("caption", 9, 16.4, "center", 0),
    "table": Style("body", 9, 16.4, "left", 0),
    "table_header": Style("heading", 9, 16.4, "center", 0),
    "table_caption": Style("heading", 9, 16.4, "center", 0),
    "footnote": Style("body", 8, 16.4, "justify", 0),
}

# Layout element → the selector of our markup (publish.epub.xhtml).
SELECTORS = {
    "paragraph": "p",
    "title": "h1",
    "subtitle": "header p.subtitle",
    "byline": "header p.byline",
    "heading1": ".heading1",  # the tag (h2…h6) is the outline level; the class the source level
    "heading2": ".heading2",
    "listitem": "ol.items li",
    "salutation": "p.salutation",
    "signature": "div.signature p",
    "note": "p.note",
    "caption": "figcaption",
    "table": "table",
    "table_header": "table thead th",
    "table_caption": "table caption",
    "footnote": "aside.footnote p",
}
TABLE_ELEMENTS = ("table", "table_header", "table_caption")
NOTE_ELEMENTS = ("footnote",)
BOLD_ROLES = {"title", "heading"}  # print titles and headings are set in a bold Hei face


def element_roles(styles: Mapping[str, Any]) -> dict[str, str]:
    """Element → font role from a layout's styles (for `publish.epub.fonts.collect`)."""
    return {element: styles[element].role for element in SELECTORS if element in styles}


def _num(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def _element_rule(selector: str, st: Any, plan: FontPlan, body_size: float, body_leading: float) -> str:
    """One element's rule, in em of the element's own size, so the reader's font size scales it."""
    align = {"justify": "justify", "left": "left", "center": "center", "right": "right"}.get(st.align, "justify")
    size = st.size / body_size
    # Space before/after is counted in grid lines (the body leading) in the layout.
    before = st.space_before * body_leading / st.size
    after = st.space_after * body_leading / st.size
    return (
        f"{selector} {{\n"
        f"  font-family: {plan.stack(st.role)};\n"
        f"  font-weight: {_weight(plan, st.role)};\n"
        f"  font-size: {_num(size)}em; line-height: {_num(st.leading / st.size)};\n"
        f"  text-align: {align}; text-indent: {_num(st.indent_em)}em;\n"
        f"  margin: {_num(before)}em 0 {_num(after)}em;\n"
        "}\n"
    )


def stylesheet(plan: FontPlan, styles: Mapping[str, Any] | None = None, *, tables: bool = False,
               notes: bool = False) -> str:
    """The whole stylesheet (deterministic for a given plan and layout styles).

    Element fonts, relative sizes, leading, alignment, indents and spacing come from the layout's
    [styles] (the print edition's), so the EPUB is set like the magazine. The rules for tables and
    notes are written only when the issue has them (`tables`, `notes`).
    """
    st = {**DEFAULT_STYLES, **{k: v for k, v in (styles or {}).items() if k in SELECTORS}}
    body = st["paragraph"]
    wanted = [e for e in SELECTORS if (tables or e not in TABLE_ELEMENTS) and (notes or e not in NOTE_ELEMENTS)]
    rules = "".join(_element_rule(SELECTORS[e], st[e], plan, body.size, body.leading) for e in wanted)
    extra = (TABLE_CSS if tables else "") + (NOTE_CSS if notes else "")
    emphasis = plan.stack("emphasis")
    return f"""@charset "utf-8";
/* publish: the EPUB edition's stylesheet. Chinese text set like the print edition. */
{font_faces(plan)}
html {{
  -epub-line-break: strict; line-break: strict;
  -epub-word-break: keep-all; word-break: keep-all;
  -epub-hyphens: none; hyphens: none;
}}
body {{
  font-family: {plan.stack(body.role)};
  line-height: {_num(body.leading / body.size)};
  text-align: justify;
  /* a line of at most ~40 characters on a large screen (clreq §3.1: 15–40 for continuous text) */
  max-width: 40em;
  margin: 0 auto;
  padding: 0 1em;
}}
p, li {{ widows: 2; orphans: 2; }}
@supports (text-spacing-trim: trim-start) {{
  /* the print edition sets opening punctuation half width at line start and compresses
     adjacent punctuation (clreq §3.1.6) */
  body {{ text-spacing-trim: trim-start; }}
}}
@supports (text-autospace: normal) {{
  /* a quarter-em space between Han and Latin letters or digits, as in print (clreq §3.2.1) */
  body {{ text-autospace: normal; }}
}}
section {{ page-break-before: always; break-before: page; }}
header {{ margin: 1em 0 1.5em; }}
{rules}h1 {{
  /* the print line breaks are hints only: the title wraps at the word ends its <wbr>s mark,
     never inside a word (CSS Text 3 §5.2), into lines of balanced length (CSS Text 4 §6.1) */
  -epub-word-break: keep-all; word-break: keep-all;
  overflow-wrap: break-word;
  text-wrap: balance;
}}
h1, h2, h3, h4, h5, h6 {{ page-break-after: avoid; break-after: avoid; }}
/* space above the in-article headings, so a heading belongs to what follows it */
section > .heading1 {{ margin-top: 1.2em; }}
section > .heading2 {{ margin-top: 0.6em; }}
p.section-name {{
  font-family: {plan.stack(st["heading1"].role)};
  font-weight: {_weight(plan, st["heading1"].role)};
  font-size: 0.9em; text-align: left; text-indent: 0;
  margin: 0 0 1em; padding-bottom: 0.2em; border-bottom: 1px solid currentColor;
}}
@media (max-width: 30em) {{
  /* a phone: a smaller title so that a line holds a phrase, narrower page margins */
  body {{ padding: 0 0.6em; }}
  h1 {{ font-size: 1.5em; }}
}}
@media (min-width: 60em) {{
  /* a large screen: the column stays readable, with more room above each article */
  header {{ margin-top: 3em; }}
}}
.byline::before {{ content: "{_css_string("●")}"; font-size: 0.75em; vertical-align: 0.1em; margin-right: 0.3em; }}
.byline .unit + .name {{ margin-left: 0.5em; }}
div.signature {{ margin: 1em 0 0; }}
ol.items {{ list-style: none; margin: 0; padding: 0; }}
ol.items .label {{ margin-right: 0.25em; }}
em {{ font-family: {emphasis}; font-style: normal; }}
figure {{ margin: 1em 0; text-align: center; page-break-inside: avoid; break-inside: avoid; }}
figure img {{ max-width: 100%; }}
{extra}/* the navigation document (目录) */
nav ol {{ list-style: none; margin: 0; padding: 0 0 0 1.5em; }}
nav > ol {{ padding-left: 0; }}
nav h1 {{ margin-bottom: 1em; }}
nav li {{ margin: 0.2em 0; text-indent: 0; }}
nav > ol > li {{ margin-top: 0.8em; }}
nav > ol > li > a {{ font-family: {plan.stack(st["heading1"].role)}; font-weight: {_weight(plan, st["heading1"].role)}; }}
nav > ol > li > ol > li > ol {{ font-size: 0.9em; }}
nav a {{ text-decoration: none; color: inherit; }}
/* the cover page */
body.cover {{ margin: 0; padding: 0; max-width: none; text-align: center; }}
body.cover img {{ max-width: 100%; max-height: 100vh; }}
"""


# Tables: a three-line table (三线表) like the print edition; a wide table scrolls sideways in its
# wrapper on a small screen instead of being squeezed (overflow-x on the div, not the table).
TABLE_CSS = """div.table-wrap { overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; margin: 0 auto; border-top: 1.5px solid; border-bottom: 1.5px solid; text-indent: 0; }
table caption { caption-side: top; padding-bottom: 0.4em; }
table thead th { border-bottom: 0.75px solid; }
table th, table td { padding: 0.2em 0.6em; vertical-align: top; }
table td, table th[scope="row"] { font-weight: normal; text-align: left; }
table .r, table td.r { text-align: right; }
table .c, table td.c { text-align: center; }
table td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
"""
# Notes: the reference as a small raised mark; the footnotes after a short rule at the article's end.
NOTE_CSS = """a.noteref { vertical-align: super; font-size: 0.6em; line-height: 0; text-decoration: none; }
aside.footnote { margin: 0; }
aside.footnote:first-of-type { margin-top: 1.5em; }
aside.footnote:first-of-type::before { content: ""; display: block; width: 6em; border-top: 0.75px solid; margin-bottom: 0.5em; }
aside.footnote a { text-decoration: underline dotted; }
"""


def _weight(plan: FontPlan, role: str) -> int:
    """The CSS weight for a role: its embedded face's weight; without one, bold for title and
    heading roles (the print sets them in a bold face), else normal."""
    families = plan.stacks.get(role, ())
    for face in plan.faces:
        if families and face.family == families[0]:
            return 700 if face.weight >= 600 else 400
    return 700 if role in BOLD_ROLES else 400


def _css_string(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"\\{ord(c):x} " for c in text).strip()
