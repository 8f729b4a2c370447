"""Checking a layout's format strings (running headers, contents folios) before anything uses them.

In: a format string from a layout file (`"{magazine} /{folio}"`), the names it may use and whether a
width/alignment spec is allowed. Out: a list of messages (empty: the string is fine); a string that
passes is safe for `str.format` with those names — nothing but the documented fields, no attribute
or index access (`{folio.__class__}`), no conversions (`!r`), and a spec of at most fill, alignment,
zero-padding and a width up to `MAX_WIDTH` (`{folio:>100000000}` would build a 100 MB string).
"""

from __future__ import annotations

import re
import string

# Enough for any folio or header alignment; more is a typo (or an attack on memory).
MAX_WIDTH = 20
# [[fill]align][0][width] — the part of Python's format-spec mini-language a folio or header needs
_SPEC = re.compile(r"(?:(?P<fill>[^{}])?(?P<align>[<>^]))?(?P<zero>0)?(?P<width>\d+)?")


def problems(template: str, fields: tuple[str, ...], *, specs: bool = True) -> list[str]:
    """What is wrong with `template` (each a short sentence), or [] when it can be formatted."""
    out: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as err:  # a lone "{" or "}"
        return [f"is not a valid format string ({err}); write {{{{ and }}}} for literal braces"]
    allowed = ", ".join("{" + f + "}" for f in fields)
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in fields:
            out.append(f"unknown field {{{name}}}; use {allowed}" if name else f"empty field {{}}; use {allowed}")
            continue
        if conversion:
            out.append(f"{{{name}!{conversion}}}: conversions are not supported")
        if spec:
            m = _SPEC.fullmatch(spec)
            if not specs or m is None or "{" in spec:
                out.append(f"{{{name}:{spec}}}: only an alignment and width such as {{{name}:>3}} are supported")
            elif m.group("width") and (len(m.group("width")) > 3 or int(m.group("width")) > MAX_WIDTH):
                out.append(f"{{{name}:{spec}}}: the width must be at most {MAX_WIDTH}")
    return out
