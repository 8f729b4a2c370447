"""Reading and validating a layout file.

In: a layout name (`magazine-16k` → `layouts/magazine-16k.toml` of this project), or a path (absolute,
or relative to the issue folder, then to the working directory). Out: a frozen `Layout` in points.
Every problem — a missing or unknown key, a wrong type, a value out of range, a text block that does
not fit the page — is a `LayoutError` naming the file and the key (`[grid] chars`), all at once.
"""

from __future__ import annotations

import tomllib
from importlib import resources
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

# The shipped layouts: package data (publish/data/layouts/, which the project's layouts/ links to),
# so that an installed wheel finds them without the source folder.
LAYOUTS_DIR = Path(str(resources.files("publish").joinpath("data", "layouts")))

_ALIGNS = ("justify", "left", "center", "right")
_CHOICES = {
    "prohibition": ("strict", "gb", "basic", "none"),
    "punctuation": ("quanjiao", "kaiming"),
}
_PLACEHOLDERS = ("{section}", "{magazine}", "{folio}", "{label}")


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
            fix=f"use one of: {shipped}, or a path to a .toml layout file", code="layout-not-found",
        )
    )


class _Reader:
    """Reads typed values from the parsed TOML, collecting problems instead of stopping at the first."""

    def __init__(self, data: dict[str, Any], path: Path) -> None:
        self.data = data
        self.path = path
        self.problems: list[Problem] = []
        self.known: dict[str, set[str]] = {}

    def problem(self, where: str, message: str, fix: str = "", code: str = "") -> None:
        self.problems.append(Problem(f"{where}: {message}", self.path, None, fix, code))

    def table(self, name: str) -> dict[str, Any]:
        t = self.data.get(name, {})
        if not isinstance(t, dict):
            self.problem(f"[{name}]", "must be a table", code="layout-not-table")
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
                self.problem(where, "is missing", "add it (see layouts/magazine-16k.toml)", code="layout-missing-key")
                return None
            return default
        value = t[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(where, f"must be {names}, not {value!r}", code="layout-bad-value")
            return None if default is ... else default
        if choices is not None and value not in choices:
            self.problem(where, f"must be one of {', '.join(choices)}, not {value!r}", code="layout-bad-value")
            return None if default is ... else default
        if minimum is not None and isinstance(value, (int, float)) and value < minimum:
            self.problem(where, f"must be at least {minimum}, not {value}", code="layout-bad-value")
            return None if default is ... else default
        if maximum is not None and isinstance(value, (int, float)) and value > maximum:
            self.problem(where, f"must be at most {maximum}, not {value}", code="layout-bad-value")
            return None if default is ... else default
        return value

    def unknown_keys(self, section: str, table: dict[str, Any] | None = None, allowed: set[str] | None = None) -> None:
        t = self.table(section) if table is None else table
        allowed = self.known.get(section, set()) if allowed is None else allowed
        for key in t:
            if key not in allowed:
                self.problem(f"[{section}] {key}", "unknown key", f"allowed keys: {', '.join(sorted(allowed))}", code="layout-unknown-key")


_TABLES = ("page", "margins", "grid", "body", "typography", "flow", "header", "contents", "figure", "table", "notes",
           "styles", "print", "makeup")


def load_layout(name_or_path: str | Path, issue_root: Path | str | None = None) -> Layout:
    """Load and validate a layout; see the module docstring."""
    root = Path(issue_root) if issue_root is not None else None
    path = find_layout(name_or_path, root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise LayoutError(Problem(f"not valid TOML: {err}", path, None, "fix the TOML syntax", code="layout-invalid-toml")) from None
    except OSError as err:
        raise LayoutError(Problem(f"cannot read the layout: {err.strerror}", path, code="layout-unreadable")) from None
    r = _Reader(data, path)
    for key in data:
        if key not in (*_TABLES, "name"):
            r.problem(f"[{key}]" if isinstance(data[key], dict) else key, "unknown table or key",
                      f"allowed: name, {', '.join(_TABLES)}", code="layout-unknown-key")
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        r.problem("name", f"must be a string, not {name!r}", code="layout-bad-value")
        name = path.stem

    width = r.get("page", "width_mm", float, minimum=50.0, maximum=2000.0)
    height = r.get("page", "height_mm", float, minimum=50.0, maximum=2000.0)
    bleed = r.get("page", "bleed_mm", float, 3.0, minimum=0.0, maximum=20.0)
    inner = r.get("margins", "inner_mm", float, minimum=0.0)
    outer = r.get("margins", "outer_mm", float, minimum=0.0)
    top = r.get("margins", "top_mm", float, minimum=0.0)
    bottom = r.get("margins", "bottom_mm", float, minimum=0.0)
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
    min_after = r.get("flow", "min_lines_after_title", int, 6, minimum=1)
    section_start = r.get("flow", "section_start", str, "new-page", choices=SECTION_STARTS)
    fill_share = r.get("flow", "fill_page_share", float, 0.0, minimum=0.0, maximum=1.0)
    min_offered = r.get("flow", "min_lines_offered", int, 3, minimum=1)
    balance = r.get("flow", "balance_columns", bool, True)
    keep_heading = r.get("flow", "keep_heading_with", int, 2, minimum=0, maximum=5)

    on_start = r.get("header", "on_article_start", bool, True)
    on_contents = r.get("header", "on_contents", bool, False)
    header_base = r.get("header", "baseline_mm", float, 12.0, minimum=0.0)
    rule = r.get("header", "rule_pt", float, 0.5, minimum=0.0, maximum=5.0)
    rule_gap = r.get("header", "rule_gap_mm", float, 2.0, minimum=0.0)
    header_t = r.table("header")
    formats: dict[str, HeaderFormat] = {}
    for side in ("right", "left"):
        r.known.setdefault("header", set()).add(side)
        st = header_t.get(side, {})
        sect = f"header.{side}"
        if not isinstance(st, dict):
            r.problem(f"[{sect}]", "must be a table with inner and outer", code="layout-bad-value")
            st = {}
        vals = {}
        for key in ("inner", "outer"):
            v = r.get(sect, key, str, "", table=st)
            for piece in _brace_names(v or ""):
                if "{" + piece + "}" not in _PLACEHOLDERS:
                    r.problem(f"[{sect}] {key}", f"unknown placeholder {{{piece}}}",
                              f"use {', '.join(_PLACEHOLDERS)}", code="layout-unknown-placeholder")
            vals[key] = v or ""
        r.unknown_keys(sect, st, {"inner", "outer"})
        formats[side] = HeaderFormat(**vals)

    contents_title = r.get("contents", "title", str, "目录")
    folio_format = r.get("contents", "folio_format", str, "{folio}")
    contents_columns = r.get("contents", "columns", int, 1, minimum=1, maximum=6)
    fig_lines = r.get("figure", "max_height_lines", int, 16, minimum=2)
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
            r.problem(f"[styles] {el}", "is missing", "give it a role and a size", code="layout-missing-key")
            continue
        if not isinstance(st, dict):
            r.problem(f"[styles] {el}", "must be a table like { role = \"body\", size = 10 }", code="layout-bad-value")
            continue
        role = r.get(sect, "role", str, table=st, where=f"[styles] {el}.role")
        # The body text's elements take [body] size and leading unless they say otherwise, so that
        # changing [body] size alone changes the printed body (FOLLOWS_BODY).
        follows = el in FOLLOWS_BODY
        esize = r.get(sect, "size", float, size if follows and size else ..., table=st, minimum=3.0,
                      maximum=200.0, where=f"[styles] {el}.size")
        eleading = r.get(sect, "leading", float, leading if follows else None, table=st, minimum=3.0,
                         where=f"[styles] {el}.leading")
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
                          "allowed: role, size, leading, align, indent_em, space_before, space_after", code="layout-unknown-key")
        if role is None or esize is None:
            continue
        if not role:
            r.problem(f"[styles] {el}.role", "must name a font role (e.g. \"body\")", code="layout-bad-value")
        styles[el] = ElementStyle(role, esize, eleading or max(esize * 1.4, leading or 0.0), align, indent,
                                  before, after)
    for key in styles_t:
        if key not in ELEMENTS and key not in OPTIONAL_ELEMENTS:
            r.problem(f"[styles] {key}", "unknown element", f"elements: {', '.join((*ELEMENTS, *OPTIONAL_ELEMENTS))}",
                      code="layout-unknown-element")

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
                      "give the profile's path relative to the layout file", code="layout-no-icc-profile")
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


def _brace_names(text: str) -> list[str]:
    out, i = [], 0
    while (j := text.find("{", i)) >= 0:
        k = text.find("}", j)
        if k < 0:
            break
        out.append(text[j + 1 : k])
        i = k + 1
    return out


def _check_fit(layout: Layout, r: _Reader) -> None:
    """The text block must fit inside the margins (0.5 pt tolerance for mm rounding)."""
    tol = 0.5
    if layout.block_width > layout.text_width + tol:
        r.problem(
            "[grid] chars",
            f"{layout.columns} columns of {layout.chars} characters at {layout.body_size:g} pt plus gutters "
            f"need {layout.block_width / MM:.1f} mm, but the margins leave {layout.text_width / MM:.1f} mm",
            "use fewer characters, a smaller [body] size or narrower [margins]", code="layout-does-not-fit",
        )
    height = layout.lines * layout.leading
    room = layout.trim_height - layout.margin_top - layout.margin_bottom
    if height > room + tol:
        r.problem(
            "[grid] lines",
            f"{layout.lines} lines at {layout.leading:g} pt need {height / MM:.1f} mm, "
            f"but the margins leave {room / MM:.1f} mm",
            "use fewer lines, a smaller [body] leading or smaller [margins] top/bottom", code="layout-does-not-fit",
        )
    if layout.figure_max_lines > layout.lines - 2:
        r.problem("[figure] max_height_lines", f"must leave room for a caption: at most {layout.lines - 2}", code="layout-does-not-fit")
    if layout.header_baseline >= layout.margin_top and (layout.header_right.inner or layout.header_right.outer):
        r.problem("[header] baseline_mm", "puts the header inside the text block",
                  "make it smaller than [margins] top_mm", code="layout-does-not-fit")
