"""Reading source files as text, and TOML with line numbers in its errors.

In: a path (or bytes) and the list that collects problems. Out: the decoded text (UTF-8, an
optional byte-order mark dropped), or parsed TOML tables; every failure is a `Problem` naming the
file and the line (invalid UTF-8: the line of the first bad byte; bad TOML: the parser's line).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, Literal

from publish.errors import Problem

NORMAL_FORMS = ("NFC", "NFD", "NFKC", "NFKD")

# C0/C1 control characters other than tab, LF and CR: never meant, and Markdown would rewrite some
# (NUL becomes U+FFFD), so they are reported rather than passed on or silently replaced.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def decode(data: bytes, path: Path | str, problems: list[Problem]) -> str | None:
    """UTF-8 bytes → text; None (and a problem at the bad byte's line) when not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        problems.append(
            Problem(
                f"not valid UTF-8 (byte 0x{data[err.start]:02X} at offset {err.start})",
                path,
                line,
                "save the file as UTF-8", code="file-not-utf8",
            )
        )
        return None
    # A byte-order mark is an encoding signature, not text of the article.
    return text.removeprefix("\ufeff")


def read_text(path: Path, shown: Path | str, problems: list[Problem]) -> str | None:
    """Read a UTF-8 text file; None (with a problem) when it is missing or not UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem("file not found", shown, None, "create it or correct the path", code="file-not-found"))
        return None
    except IsADirectoryError:
        problems.append(Problem("is a folder, not a file", shown, None, "name a .md file", code="file-is-folder"))
        return None
    except OSError as err:
        problems.append(Problem(f"cannot be read ({err.strerror})", shown, None, "check its permissions", code="file-unreadable"))
        return None
    return decode(data, shown, problems)


def control_characters(text: str, path: Path | str, first_line: int, problems: list[Problem]) -> bool:
    """Report each control character (one problem per line that has any); True when clean."""
    clean = True
    for number, line in enumerate(LINE_BREAK.split(text), start=first_line):
        found = _CONTROL.search(line)
        if found:
            clean = False
            problems.append(
                Problem(
                    f"control character U+{ord(found.group()):04X} in the text",
                    path,
                    number,
                    "delete it (it is invisible in most editors)", code="control-character",
                )
            )
    return clean


# A numeric character reference (`&#x4E2D;`, `&#20013;`) in Markdown text.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def character_references(text: str, path: Path | str, first_line: int, problems: list[Problem]) -> bool:
    """Report each numeric character reference that names no character — a UTF-16 surrogate
    (`&#xD800;`), zero, or a number beyond U+10FFFF — as what it is (Markdown would silently print
    U+FFFD instead); True when there is none."""
    clean = True
    for number, line in enumerate(LINE_BREAK.split(text), start=first_line):
        for found in _REFERENCE.finditer(line):
            cp = int(found.group(1), 16) if found.group(1) else int(found.group(2))
            if 0xD800 <= cp <= 0xDFFF:
                what = f"U+{cp:04X} is a UTF-16 surrogate (half of a pair), not a character"
            elif cp == 0 or cp > 0x10FFFF:
                what = f"{cp:#x} is not a Unicode code point" if cp else "U+0000 (NUL) is not a character"
            else:
                continue
            clean = False
            problems.append(Problem(f"character reference {found.group()}: {what}", path, number,
                                    "write the character itself, or the reference of the character meant",
                                    "bad-character-reference"))
    return clean


_FORMS: dict[str, Literal["NFC", "NFD", "NFKC", "NFKD"]] = {"NFC": "NFC", "NFD": "NFD", "NFKC": "NFKC", "NFKD": "NFKD"}


def normalize(text: str, form: str | None) -> str:
    """Apply the Unicode normal form the issue asked for (`normalize = "NFC"`); else unchanged."""
    return unicodedata.normalize(_FORMS[form], text) if form else text


def parse_toml(text: str, path: Path | str, first_line: int, problems: list[Problem]) -> dict[str, Any] | None:
    """TOML text → dict; on a syntax error, a problem at the file line the parser names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _TOML_LINE.search(message)
        if found:
            line = first_line + int(found.group(1)) - 1
        elif "end of document" in message:
            line = first_line + max(len(LINE_BREAK.split(text.rstrip("\r\n"))) - 1, 0)
        else:
            line = first_line
        what = _TOML_LINE.sub("", message).replace("(at end of document)", "at the end").strip().rstrip(".")
        hint = "fix the TOML syntax (strings in double quotes, dates as YYYY-MM-DD without quotes)"
        lines = LINE_BREAK.split(text)
        source = lines[line - first_line] if 0 <= line - first_line < len(lines) else ""
        curly = sorted(set(_CURLY.findall(_outside_strings(source))), key=source.find)
        if curly:
            # A word processor or an input method turned the quotes round: say so, not just
            # "Invalid value", since the line looks right to the eye.
            what = f"{what}: the curly quotes {' '.join(curly)} are not TOML quotes"
            hint = 'write straight double quotes: title = "…" (switch the input method to half-width for them)'
        problems.append(Problem(f"invalid TOML: {what}", path, line, hint, code="toml-invalid"))
        return None


_CURLY = re.compile("[“”‘’＂＇]")


def _outside_strings(line: str) -> str:
    """`line` without its straight-quoted TOML strings (a “ inside "…" is text, not a mistake)."""
    return re.sub(r'"(?:[^"\\]|\\.)*"' + "|'[^']*'", "", line)


def key_line(lines: list[str], key: str, first_line: int, start: int = 0) -> int:
    """The file line where `key = …` (or a `[key]` table) is written; `first_line` if not found."""
    pattern = None
    for index in range(start, len(lines)):
        line = lines[index]
        if key not in line:  # (the pattern needs the key itself: most lines are passed by without it)
            continue
        if pattern is None:
            pattern = _key_pattern(key)
        if pattern.search(line):
            return first_line + index
    return first_line


@functools.lru_cache(maxsize=256)
def _key_pattern(key: str) -> re.Pattern[str]:
    """`key = …`, `[key]`, `[[key]]` or `{…, key = …}` in a TOML line (`key_line`)."""
    return re.compile(
        rf"""^\s*(?:\[\[?\s*{re.escape(key)}\s*\]\]?|["']?{re.escape(key)}["']?\s*=)|[{{,]\s*["']?{re.escape(key)}["']?\s*="""
    )
