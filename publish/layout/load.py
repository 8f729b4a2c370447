"""Reading and validating a layout file.

In: a layout name (`magazine-16k` → `layouts/magazine-16k.toml` of this project), or a path (absolute,
or relative to the issue folder, then to the working directory). Out: a frozen `Layout` in points.
Every problem — a missing or unknown key, a wrong type, a value out of range, a text block that does
not fit the page — is a `LayoutError` naming the file and the key (`[grid] chars`), all at once.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from publish.errors import LayoutError, Problem
from publish.layout.spec import (
    ELEMENTS,
    FILLERS,
    FOLLOWS_BODY,
    MASTHEAD_PLACES,
    MM,
    NOTE_MARKS,
    OPTIONAL_ELEMENTS,
    SECTION_STARTS,
    STYLE_KEYS,
    TABLE_RULES,
    ElementStyle,
    HeaderFormat,
    Layout,
)
from publish.layout.template import problems as template_problems

# The shipped layouts: package data (publish/data/layouts/, which the project's layouts/ links to),
# so that an installed wheel finds them without the source folder.
# The package's own files (a wheel installs them as files); `importlib.resources` would cost ~5 ms
# of imports (it and zipfile) on every build for the same path.
LAYOUTS_DIR = Path(__file__).parent.parent / "data" / "layouts"

_ALIGNS = ("justify", "left", "center", "right")
_CHOICES = {
    "prohibition": ("strict", "gb", "basic", "none"),
    "punctuation": ("quanjiao", "kaiming"),
}
_HEADER_FIELDS = ("section", "magazine", "folio", "label")


def find_layout(name_or_path: str | Path, issue_root: Path | None = None) -> Path:
    """The file a layout name or path refers to; `LayoutError` listing the shipped layouts if none."""
    raw = str(name_or_path)
    candidates: list[Path] = []
    p = Path(raw)
    looks_like_path = p.suffix == ".toml" or "/" in raw or "\\" in raw
    if looks_like_path:
        if p.is_absolute():
            candidates.append(p)
        else:
            if issue_root is not None:
                candidates.append(Path(issue_root) / p)
            candidates.append(Path.cwd() / p)
    else:
        if issue_root is not None:
            candidates.append(Path(issue_root) / "layouts" / f"{raw}.toml")
        candidates.append(LAYOUTS_DIR / f"{raw}.toml")
    for c in candidates:
        if c.is_file():
            return c
    shipped = ", ".join(sorted(f.stem for f in LAYOUTS_DIR.glob("*.toml")))
    raise LayoutError(
        Problem(
            f"layout {raw!r} not found (looked in {', '.join(str(c.parent) for c in candidates)})",
            fix=f"use one of: {shipped}, or a path to a .toml layout file",
            code="layout-unknown",
        )
    )


class _Reader:
    """Reads typed values from the parsed TOML, collecting problems instead of stopping at the first."""

    def __init__(self, data: dict[str, Any], path: Path, text: str = "") -> None:
        self.data = data
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[Problem] = []
        self.known: dict[str, set[str]] = {}

    def problem(self, where: str, message: str, fix: str = "", code: str = "layout-invalid") -> None:
        self.problems.append(Problem(f"{where}: {message}", self.path, self.line_of(where), fix, code))

    def line_of(self, where: str) -> int | None:
        """The line of the layout file where the key in `where` (`[grid] chars`, `[styles] title.size`)
        is written, when it can be found (else None: the message still names file and key)."""
        m = re.fullmatch(r"\[([\w.]+)\](?: ([\w]+)(?:\.(\w+))?)?", where)
        if m is None:
            return None
        table, key, sub = m.groups()
        return _key_line(self.lines, table, key, sub)

    def table(self, name: str) -> dict[str, Any]:
        t = self.data.get(name, {})
        if not isinstance(t, dict):
            self.problem(f"[{name}]", "must be a table")
            return {}
        return t

    def get(
        self,
        section: str,
        key: str,
        kind: type | tuple[type, ...],
        default: Any = ...,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        choices: tuple[str, ...] | None = None,
        table: dict[str, Any] | None = None,
        where: str | None = None,
    ) -> Any:
        self.known.setdefault(section, set()).add(key)
        t = self.table(section) if table is None else table
        where = where or f"[{section}] {key}"
        if key not in t:
            if default is ...:
                self.problem(where, "is missing", "add it (see layouts/magazine-16k.toml)")
                return None
            return default
        value = t[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(where, f"must be {names}, not {value!r}")
            return None if default is ... else default
        if choices is not None and value not in choices:
            self.problem(where, f"must be one of {', '.join(choices)}, not {value!r}")
            return None if default is ... else default
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(where, f"must be a finite number{_range_text(minimum, maximum)}, not {value}")
            return None if default is ... else default
        number = value if isinstance(value, (int, float)) else None
        if number is not None and ((minimum is not None and number < minimum)
                                   or (maximum is not None and number > maximum)):
            self.problem(where, f"must be{_range_text(minimum, maximum)}, not {value:g}")
            return None if default is ... else default
        return value

    def unknown_keys(self, section: str, table: dict[str, Any] | None = None, allowed: set[str] | None = None) -> None:
        t = self.table(section) if table is None else table
        allowed = self.known.get(section, set()) if allowed is None else allowed
        for key in t:
            if key not in allowed:
                self.problem(f"[{section}] {key}", "unknown key", f"allowed keys: {', '.join(sorted(allowed))}")


_TABLES = ("page", "margins", "grid", "body", "typography", "flow", "header", "contents", "figure", "table", "notes",
           "styles", "print", "makeup")


def load_layout(name_or_path: str | Path, issue_root: Path | str | None = None) -> Layout:
    """Load and validate a layout; see the module docstring."""
    root = Path(issue_root) if issue_root is not None else None
    path = find_layout(name_or_path, root)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LayoutError(Problem(f"not valid TOML: {err}", path, None, "fix the TOML syntax")) from None
    except OSError as err:
        raise LayoutError(Problem(f"cannot read the layout: {err.strerror}", path)) from None
    except UnicodeDecodeError:
        raise LayoutError(Problem("the layout is not UTF-8 text", path, None, "save it as UTF-8")) from None
    r = _Reader(data, path, text)
    for key in data:
        if key not in (*_TABLES, "name"):
            r.problem(f"[{key}]" if isinstance(data[key], dict) else key, "unknown table or key",
                      f"allowed: name, {', '.join(_TABLES)}")
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        r.problem("name", f"must be a string, not {name!r}")
        name = path.stem

    width = r.get("page", "width_mm", float, minimum=50.0, maximum=2000.0)
    height = r.get("page", "height_mm", float, minimum=50.0, maximum=2000.0)
    bleed = r.get("page", "bleed_mm", float, 3.0, minimum=0.0, maximum=20.0)
    inner = r.get("margins", "inner_mm", float, minimum=0.0, maximum=500.0)  # the text block is checked below
    outer = r.get("margins", "outer_mm", float, minimum=0.0, maximum=500.0)  # the text block is checked below
    top = r.get("margins", "top_mm", float, minimum=0.0, maximum=500.0)  # the text block is checked below
    bottom = r.get("margins", "bottom_mm", float, minimum=0.0, maximum=500.0)  # the text block is checked below
    columns = r.get("grid", "columns", int, minimum=1, maximum=6)
    chars = r.get("grid", "chars", int, minimum=4, maximum=80)
    lines = r.get("grid", "lines", int, minimum=4, maximum=200)
    gutter_em = r.get("grid", "gutter_em", float, 2.0, minimum=0.0, maximum=10.0)
    size = r.get("body", "size", float, minimum=4.0, maximum=40.0)
    leading = r.get("body", "leading", float, minimum=4.0, maximum=80.0)

    typo_t = r.table("typography")
    typography: list[tuple[str, object]] = []
    for key in STYLE_KEYS:
        if key in _CHOICES:
            v = r.get("typography", key, str, None, choices=_CHOICES[key])
        elif key in ("indent_em", "adjacent_compression"):
            v = r.get("typography", key, float, None, minimum=0.0, maximum=10.0)
        else:
            v = r.get("typography", key, bool, None)
        if v is not None and key in typo_t:
            typography.append((key, v))

    article_start = r.get("flow", "article_start", str, "new-page", choices=("new-page", "same-page"))
    min_after = r.get("flow", "min_lines_after_title", int, 6, minimum=1, maximum=200)
    section_start = r.get("flow", "section_start", str, "new-page", choices=SECTION_STARTS)
    fill_share = r.get("flow", "fill_page_share", float, 0.0, minimum=0.0, maximum=1.0)
    min_offered = r.get("flow", "min_lines_offered", int, 3, minimum=1, maximum=200)
    balance = r.get("flow", "balance_columns", bool, True)
    keep_heading = r.get("flow", "keep_heading_with", int, 2, minimum=0, maximum=5)

    on_start = r.get("header", "on_article_start", bool, True)
    on_contents = r.get("header", "on_contents", bool, False)
    header_base = r.get("header", "baseline_mm", float, 12.0, minimum=0.0, maximum=500.0)
    rule = r.get("header", "rule_pt", float, 0.5, minimum=0.0, maximum=5.0)
    rule_gap = r.get("header", "rule_gap_mm", float, 2.0, minimum=0.0, maximum=100.0)
    header_t = r.table("header")
    formats: dict[str, HeaderFormat] = {}
    for side in ("right", "left"):
        r.known.setdefault("header", set()).add(side)
        st = header_t.get(side, {})
        sect = f"header.{side}"
        if not isinstance(st, dict):
            r.problem(f"[{sect}]", "must be a table with inner and outer")
            st = {}
        vals = {}
        for key in ("inner", "outer"):
            v = r.get(sect, key, str, "", table=st)
            for message in template_problems(v or "", _HEADER_FIELDS):
                r.problem(f"[{sect}] {key}", message, code="layout-format")
            vals[key] = v or ""
        r.unknown_keys(sect, st, {"inner", "outer"})
        formats[side] = HeaderFormat(**vals)

    contents_title = r.get("contents", "title", str, "目录")
    folio_format = r.get("contents", "folio_format", str, "{folio}")
    for message in template_problems(folio_format or "", ("folio",)):
        r.problem("[contents] folio_format", message, code="layout-format")
    contents_columns = r.get("contents", "columns", int, 1, minimum=1, maximum=6)
    fig_lines = r.get("figure", "max_height_lines", int, 16, minimum=2, maximum=200)
    span_aspect = r.get("figure", "span_aspect", float, 0.0, minimum=0.0, maximum=20.0)

    table_rules = r.get("table", "rules", str, "three-line", choices=TABLE_RULES)
    note_marks = r.get("notes", "marks", str, "circled", choices=NOTE_MARKS)

    styles: dict[str, ElementStyle] = {}
    styles_t = r.table("styles")
    for el in (*ELEMENTS, *OPTIONAL_ELEMENTS):
        r.known.setdefault("styles", set()).add(el)
        st = styles_t.get(el)
        sect = f"styles.{el}"
        if st is None and el in OPTIONAL_ELEMENTS:
            base, factor, align_, indent_ = OPTIONAL_ELEMENTS[el]
            b = styles.get(base)
            if b is not None:
                styles[el] = ElementStyle(b.role, round(b.size * factor, 2), b.leading, align_, indent_)
            continue
        if st is None:
            r.problem(f"[styles] {el}", "is missing", "give it a role and a size")
            continue
        if not isinstance(st, dict):
            r.problem(f"[styles] {el}", "must be a table like { role = \"body\", size = 10 }")
            continue
        role = r.get(sect, "role", str, table=st, where=f"[styles] {el}.role")
        # The body text's elements take [body] size and leading unless they say otherwise, so that
        # changing [body] size alone changes the printed body (FOLLOWS_BODY).
        follows = el in FOLLOWS_BODY
        esize = r.get(sect, "size", float, size if follows and size else ..., table=st, minimum=3.0,
                      maximum=200.0, where=f"[styles] {el}.size")
        eleading = r.get(sect, "leading", float, leading if follows else None, table=st, minimum=3.0,
                         maximum=400.0, where=f"[styles] {el}.leading")
        align = r.get(sect, "align", str, "justify" if el in ("paragraph", "listitem") else "left",
                      table=st, choices=_ALIGNS, where=f"[styles] {el}.align")
        indent = r.get(sect, "indent_em", float, 0.0, table=st, minimum=0.0, maximum=20.0,
                       where=f"[styles] {el}.indent_em")
        before = r.get(sect, "space_before", float, 0.0, table=st, minimum=0.0, maximum=20.0,
                       where=f"[styles] {el}.space_before")
        after = r.get(sect, "space_after", float, 0.0, table=st, minimum=0.0, maximum=20.0,
                      where=f"[styles] {el}.space_after")
        for key in st:
            if key not in ("role", "size", "leading", "align", "indent_em", "space_before", "space_after"):
                r.problem(f"[styles] {el}.{key}", "unknown key",
                          "allowed: role, size, leading, align, indent_em, space_before, space_after")
        if role is None or esize is None:
            continue
        if not role:
            r.problem(f"[styles] {el}.role", "must name a font role (e.g. \"body\")")
        styles[el] = ElementStyle(role, esize, eleading or max(esize * 1.4, leading or 0.0), align, indent,
                                  before, after)
    for key in styles_t:
        if key not in ELEMENTS and key not in OPTIONAL_ELEMENTS:
            r.problem(f"[styles] {key}", "unknown element", f"elements: {', '.join((*ELEMENTS, *OPTIONAL_ELEMENTS))}")

    page_multiple = r.get("makeup", "page_multiple", int, 1, minimum=1, maximum=64)
    filler = r.get("makeup", "filler", str, "blank", choices=FILLERS)
    masthead = r.get("makeup", "masthead", str, "last-page", choices=MASTHEAD_PLACES)

    output_intent = r.get("print", "output_intent", str, "")
    output_condition = r.get("print", "output_condition", str, "")
    if output_intent:
        # A profile named in a layout belongs to that layout: resolve it against the layout
        # file's folder, not wherever the build happens to be run from.
        profile = (path.parent / output_intent).resolve()
        if not profile.is_file():
            r.problem("[print] output_intent", f"no such ICC profile: {output_intent}",
                      "give the profile's path relative to the layout file")
        output_intent = str(profile)
    for sect in _TABLES:
        if sect not in ("styles", "header"):
            r.unknown_keys(sect)
    r.unknown_keys("header")

    if r.problems:
        raise LayoutError(*r.problems)

    layout = Layout(
        name=name,
        path=path,
        trim_width=width * MM,
        trim_height=height * MM,
        bleed=bleed * MM,
        margin_inner=inner * MM,
        margin_outer=outer * MM,
        margin_top=top * MM,
        margin_bottom=bottom * MM,
        columns=columns,
        chars=chars,
        lines=lines,
        gutter=gutter_em * size,
        body_size=size,
        leading=leading,
        typography=tuple(typography),
        article_start=article_start,
        min_lines_after_title=min_after,
        balance_columns=balance,
        keep_heading_with=keep_heading,
        header_on_article_start=on_start,
        header_on_contents=on_contents,
        header_baseline=header_base * MM,
        header_rule=rule,
        header_rule_gap=rule_gap * MM,
        header_right=formats["right"],
        header_left=formats["left"],
        contents_title=contents_title,
        contents_folio_format=folio_format,
        contents_columns=contents_columns,
        figure_max_lines=fig_lines,
        figure_span_aspect=span_aspect,
        styles=styles,
        output_intent=output_intent,
        output_condition=output_condition,
        section_start=section_start,
        fill_page_share=fill_share,
        min_lines_offered=min_offered,
        page_multiple=page_multiple,
        filler=filler,
        masthead=masthead,
        table_rules=table_rules,
        note_marks=note_marks,
    )
    _check_fit(layout, r)
    if r.problems:
        raise LayoutError(*r.problems)
    return layout


def _check_fit(layout: Layout, r: _Reader) -> None:
    """The text block must fit inside the margins (0.5 pt tolerance for mm rounding)."""
    tol = 0.5
    if layout.block_width > layout.text_width + tol:
        r.problem(
            "[grid] chars",
            f"{layout.columns} columns of {layout.chars} characters at {layout.body_size:g} pt plus gutters "
            f"need {layout.block_width / MM:.1f} mm, but the margins leave {layout.text_width / MM:.1f} mm",
            "use fewer characters, a smaller [body] size or narrower [margins]",
        )
    height = layout.lines * layout.leading
    room = layout.trim_height - layout.margin_top - layout.margin_bottom
    if height > room + tol:
        r.problem(
            "[grid] lines",
            f"{layout.lines} lines at {layout.leading:g} pt need {height / MM:.1f} mm, "
            f"but the margins leave {room / MM:.1f} mm",
            "use fewer lines, a smaller [body] leading or smaller [margins] top/bottom",
        )
    if layout.figure_max_lines > layout.lines - 2:
        r.problem("[figure] max_height_lines", f"must leave room for a caption: at most {layout.lines - 2}")
    if layout.header_baseline >= layout.margin_top and (layout.header_right.inner or layout.header_right.outer):
        r.problem("[header] baseline_mm", "puts the header inside the text block",
                  "make it smaller than [margins] top_mm")
    # One line of every element must fit a column: a taller line could be placed nowhere.
    column = layout.lines * layout.leading
    for element, st in layout.styles.items():
        if st.leading > column + tol:
            r.problem(f"[styles] {element}.leading",
                      f"a line of {st.leading:g} pt does not fit in a column of {layout.lines} lines "
                      f"({column:g} pt)", f"make it at most {column:g}")
        if st.size > layout.measure:
            r.problem(f"[styles] {element}.size",
                      f"a {st.size:g} pt character is wider than the {layout.measure:g} pt column",
                      "make it smaller, or the columns wider ([grid] chars)")
    # The contents set each element in a narrower measure: its column, less the room kept for the
    # folio (3 entry ems) for entries and bylines, less the element's block indent.
    cols = layout.contents_columns
    width = (layout.block_width - (cols - 1) * (layout.gutter if cols > 1 else 0.0)) / cols
    folio_room = 3 * layout.styles["contents_entry"].size if "contents_entry" in layout.styles else 0.0
    for element, room in (("contents_title", layout.block_width), ("contents_section", width),
                          ("contents_entry", width - folio_room), ("contents_byline", width - folio_room)):
        found = layout.styles.get(element)
        if found is None:
            continue
        st = found
        left = room - st.indent_em * st.size
        if left < st.size:
            r.problem(f"[styles] {element}.size",
                      f"leaves {max(left, 0):g} pt for a line of the contents ({cols} column{'s' if cols > 1 else ''}, "
                      f"indent {st.indent_em:g} em, room for folios {folio_room:g} pt): not even one character",
                      "make it (or contents_entry's size, or its indent_em) smaller, or [contents] columns fewer")


def _range_text(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum:g} to {maximum:g}"
    if minimum is not None:
        return f" of at least {minimum:g}"
    if maximum is not None:
        return f" of at most {maximum:g}"
    return ""


def _key_line(lines: list[str], table: str, key: str | None, sub: str | None) -> int | None:
    """1-based line of `key` in `[table]` (or of the table's header when key is None)."""
    header = re.compile(r"\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?")
    start = next((k for k, ln in enumerate(lines) if header.fullmatch(ln)), None)
    if start is None:
        return None
    if key is None:
        return start + 1
    assign = re.compile(r"\s*" + re.escape(key) + r"\s*=")
    for k in range(start + 1, len(lines)):
        if re.match(r"\s*\[", lines[k]):
            break
        if assign.match(lines[k]):
            return k + 1
    return start + 1
