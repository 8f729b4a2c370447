"""The EPUB stylesheet for Chinese text, styled after the print edition.

In: a `FontPlan` (embedded faces and the per-role font stacks). Out: the text of
`styles/main.css`.

Sources (docs/epub.md §1.4 and clreq):
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


def stylesheet(plan: FontPlan) -> str:
    """The whole stylesheet (deterministic for a given plan)."""
    title_weight = _weight(plan, "title")
    heading_weight = _weight(plan, "heading")
    return f"""@charset "utf-8";
/* publish: the EPUB edition's stylesheet. Chinese text set like the print edition. */
{font_faces(plan)}
html {{
  -epub-line-break: strict; line-break: strict;
  -epub-word-break: normal; word-break: normal;
  -epub-hyphens: none; hyphens: none;
}}
body {{
  font-family: {plan.stack("body")};
  line-height: 1.8;
  text-align: justify;
  margin: 0 1em;
}}
@supports (text-spacing-trim: trim-start) {{
  /* the print edition sets opening punctuation half width at line start and compresses
     adjacent punctuation (clreq §3.1.6) */
  body {{ text-spacing-trim: trim-start; }}
}}
@supports (text-autospace: normal) {{
  /* a quarter-em space between Han and Latin letters or digits, as in print (clreq §3.2.1) */
  body {{ text-autospace: normal; }}
}}
p {{ text-indent: 2em; margin: 0; }}
section {{ page-break-before: always; break-before: page; }}
header {{ margin: 1em 0 1.5em; text-align: center; }}
h1 {{
  font-family: {plan.stack("title")};
  font-weight: {title_weight};
  font-size: 1.6em; line-height: 1.4;
  text-align: center; text-indent: 0;
  margin: 0 0 0.5em;
  page-break-after: avoid; break-after: avoid;
}}
h1 .title-line {{ display: block; }}
header p {{ text-indent: 0; text-align: center; }}
.subtitle {{ font-family: {plan.stack("subtitle")}; font-size: 1.05em; margin: 0 0 0.5em; }}
.byline {{ font-family: {plan.stack("byline")}; font-size: 0.95em; margin: 0; }}
.byline::before {{ content: "{_css_string("●")}"; font-size: 0.75em; vertical-align: 0.1em; margin-right: 0.3em; }}
.byline .unit + .name, .byline .name {{ margin-left: 0.5em; }}
.byline .name:first-child {{ margin-left: 0; }}
h2, h3 {{
  font-family: {plan.stack("heading")};
  font-weight: {heading_weight};
  text-align: justify; text-indent: 2em;
  margin: 0.8em 0 0.2em;
  page-break-after: avoid; break-after: avoid;
}}
h2 {{ font-size: 1.05em; }}
h3 {{ font-size: 1em; }}
p.salutation {{ text-indent: 0; }}
p.note {{ font-family: {plan.stack("note")}; text-align: center; text-indent: 0; margin: 0.5em 0; }}
div.signature {{ margin: 1em 0 0; }}
div.signature p {{ text-align: right; text-indent: 0; }}
ol.items {{ list-style: none; margin: 0; padding: 0; }}
ol.items li {{ text-indent: 2em; }}
ol.items .label {{ margin-right: 0.25em; }}
em {{ font-family: {plan.stack("emphasis")}; font-style: normal; }}
figure {{ margin: 1em 0; text-align: center; page-break-inside: avoid; break-inside: avoid; }}
figure img {{ max-width: 100%; }}
figcaption {{ font-family: {plan.stack("caption")}; font-size: 0.9em; text-indent: 0; text-align: center; }}
/* the navigation document (目录) */
nav ol {{ list-style: none; margin: 0; padding: 0 0 0 1.5em; }}
nav > ol {{ padding-left: 0; }}
nav h1 {{ margin-bottom: 1em; }}
nav li {{ margin: 0.2em 0; }}
nav > ol > li {{ margin-top: 0.8em; }}
nav > ol > li > a {{ font-family: {plan.stack("heading")}; font-weight: {heading_weight}; }}
nav > ol > li > ol > li > ol {{ font-size: 0.9em; }}
nav a {{ text-decoration: none; color: inherit; }}
/* the cover page */
body.cover {{ margin: 0; padding: 0; text-align: center; }}
body.cover img {{ max-width: 100%; max-height: 100vh; }}
"""


def _weight(plan: FontPlan, role: str) -> int:
    """The CSS weight for a role: the embedded face's weight, else bold (print titles are bold)."""
    families = plan.stacks.get(role, ())
    for face in plan.faces:
        if families and face.family == families[0]:
            return 700 if face.weight >= 600 else 400
    return 700


def _css_string(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"\\{ord(c):x} " for c in text).strip()
