"""Which characters each font face sets in the EPUB, and the subset font files to embed.

In: the issue's text sorted by the font role that prints it (`RoleTexts`), and a `FontSet` from the
fonts stage (`runs(text, role)` splits text into runs of *face keys* exactly as the print edition
does: first face of the role's chain that has the character; `subset(face_key, chars, language)`
makes a plain TTF/OTF subset). Out: a `FontPlan`: the embedded faces (CSS family name, file, bytes, weight)
and, per role, the ordered list of CSS families to use — the print edition's fallback chain.

Why subsets per face of what that face actually sets: a whole Noto Serif CJK SC face is 24 MB, the
subset for a whole issue about 1 MB (docs/design/epub.md §1.5). Why plain TTF/OTF, not obfuscated, not
WOFF2: Kobo reads only TTF/OTF, KOReader lacked WOFF2, KindleGen throws obfuscated fonts away
(docs/design/epub.md §1.5, kobolabs/epub-spec#3 and #17, koreader/koreader-base#1098); EPUB 3.3 advises
obfuscation "only when no other options are available".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from publish.model import (
    Emphasis,
    Figure,
    Heading,
    Issue,
    ListItem,
    Note,
    NoteRef,
    Paragraph,
    Salutation,
    Signature,
    Table,
    note_mark,
)


class FontSetLike(Protocol):
    roles: Mapping[str, Any]

    def runs(self, text: str, role: str) -> list[Any]: ...

    def subset(self, face_key: str, chars: str, language: str | None = None) -> bytes: ...


# The roles the EPUB uses and the role to fall back to when a FontSet does not define one.
ROLE_FALLBACK = {
    "body": "body", "title": "body", "subtitle": "body", "byline": "body", "heading": "body",
    "note": "body", "emphasis": "body", "caption": "note",
}  # fmt: skip

# System families to try after the embedded faces (and the whole stack when fonts are left out),
# by the kind of face the print edition uses for the role (fonts/default.toml): Song for text,
# Hei for titles and headings, Kai for bylines, notes, emphasis and captions. "DK-…" are Duokan's
# built-in faces, which EPUBCheck accepts as plain family names (docs/design/epub.md §1.4).
GENERIC = {
    "song": ['"Noto Serif CJK SC"', '"Source Han Serif SC"', '"Songti SC"', "STSong", "SimSun", '"DK-SONGTI"', "serif"],
    "hei": ['"Noto Sans CJK SC"', '"Source Han Sans SC"', '"PingFang SC"', '"Heiti SC"', '"Microsoft YaHei"', "SimHei",
            '"DK-HEITI"', "sans-serif"],
    "kai": ['"LXGW WenKai"', '"AR PL UKai CN"', '"Kaiti SC"', "STKaiti", "KaiTi", '"DK-KAITI"', "serif"],
}  # fmt: skip
ROLE_KIND = {
    "body": "song", "title": "hei", "subtitle": "hei", "heading": "hei",
    "byline": "kai", "note": "kai", "emphasis": "kai", "caption": "kai",
}  # fmt: skip
# Text that CSS generates or the navigation shows, so the embedded faces cover it too.
BYLINE_MARK = "●"
NAV_LABELS = "目录导航页码封面正文本期要目0123456789"


@dataclass
class RoleTexts:
    """The issue's characters, collected per font role."""

    texts: dict[str, list[str]] = field(default_factory=dict)

    def add(self, role: str, text: str) -> None:
        if text:
            self.texts.setdefault(role, []).append(text)

    def chars(self, role: str) -> str:
        return "".join(sorted(set("".join(self.texts.get(role, [])))))


# Element → font role, as in layouts/magazine-16k.toml; a layout's [styles] override these.
DEFAULT_ELEMENT_ROLES = {
    "title": "title", "subtitle": "subtitle", "byline": "byline", "heading1": "heading",
    "heading2": "heading", "paragraph": "body", "listitem": "body", "salutation": "body",
    "signature": "body", "note": "note", "caption": "caption", "emphasis": "emphasis",
    "table": "body", "table_header": "heading", "table_caption": "heading", "footnote": "body",
}  # fmt: skip


def collect(issue: Issue, element_roles: Mapping[str, str] | None = None,
            extra_body: Iterable[str] = ()) -> RoleTexts:
    """Sort every character of the issue by the font role that sets it (mirrors the stylesheet).

    `element_roles` maps the layout's element names (title, heading1, paragraph, …) to roles.
    """
    roles = {**DEFAULT_ELEMENT_ROLES, **(element_roles or {})}
    rt = RoleTexts()

    def runs(element: str, items: Iterable[Any]) -> None:
        for r in items:
            if isinstance(r, NoteRef):  # its mark, in either numbering a layout may choose
                rt.add(roles[element], note_mark(r.number) + note_mark(r.number, "arabic"))
            else:
                rt.add(roles["emphasis"] if isinstance(r, Emphasis) else roles[element], r.text)

    rt.add(roles["title"], "目录")  # the nav's heading is an h1, set like an article title
    for section in issue.sections:
        rt.add(roles["heading1"], section.title)  # the nav's section entries, set like headings
        for article in section.articles:
            rt.add(roles["paragraph"], article.title_text)  # the nav lists titles in the body face
            for line in article.title:
                rt.add(roles["title"], line)
            rt.add(roles["subtitle"], article.subtitle)
            for b in article.bylines:
                rt.add(roles["byline"], BYLINE_MARK + b.unit + b.name)
            for block in article.blocks:
                if isinstance(block, Paragraph):
                    runs("paragraph", block.runs)
                elif isinstance(block, Salutation):
                    runs("salutation", block.runs)
                elif isinstance(block, Heading):
                    runs("heading1" if block.level <= 1 else "heading2", block.runs)
                    rt.add(roles["paragraph"], block.text)  # nav entry
                elif isinstance(block, Note):
                    runs("note", block.runs)
                elif isinstance(block, ListItem):
                    rt.add(roles["listitem"], block.label)
                    runs("listitem", block.runs)
                elif isinstance(block, Signature):
                    rt.add(roles["signature"], block.text)
                elif isinstance(block, Figure):
                    runs("caption", block.caption)
                elif isinstance(block, Table):
                    runs("table_caption", block.caption)
                    for row in block.rows:
                        for cell in row.cells:
                            runs("table_header" if row.header else "table", cell.runs)
            for note in article.notes:
                runs("footnote", note.runs)
                rt.add(roles["footnote"], note_mark(note.number) + note_mark(note.number, "arabic"))
    for text in extra_body:
        rt.add(roles["paragraph"], text)
    rt.add(roles["paragraph"], NAV_LABELS)
    return rt


@dataclass(frozen=True)
class EmbeddedFace:
    face_key: str
    family: str  # the CSS family name, e.g. "pub-body"
    file_name: str  # relative to the package folder, e.g. "fonts/pub-body.otf"
    media_type: str  # font/otf or font/ttf (EPUB 3.3 core media types)
    weight: int
    data: bytes
    chars: int


@dataclass(frozen=True)
class FontPlan:
    faces: tuple[EmbeddedFace, ...] = ()
    stacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # role → CSS family names

    def stack(self, role: str) -> str:
        """The CSS `font-family` value for `role`: embedded faces, then system families."""
        names = [f'"{f}"' for f in self.stacks.get(role, ())]
        kind = ROLE_KIND.get(role, "song")
        return ", ".join(names + [g for g in GENERIC[kind] if g not in names])


KEPT_SPACES = "\u00a0\u0020\u3000"
ALWAYS_SPACES = "\u0020\u3000"


def _has(fonts: FontSetLike, key: str, ch: str) -> bool:
    """Whether the face behind `key` maps `ch` (True when the font set cannot say)."""
    face = getattr(fonts, "face", None)
    if face is None:
        return True
    cmap = getattr(getattr(face(key), "info", None), "cmap", None)
    return True if cmap is None else ord(ch) in cmap


def _css_family(face_key: str) -> str:
    return "pub-" + re.sub(r"[^A-Za-z0-9]+", "-", face_key).strip("-")


def _chain_index(face_key: str) -> int:
    # Face keys are "<role>" for the role's first face and "<role>~N" for the N-th fallback.
    m = re.search(r"~(\d+)$", face_key)
    return int(m.group(1)) if m else 0


def _weight(data: bytes) -> int:
    """usWeightClass of a (subset) font file, 400 without an OS/2 table.

    Read from the table directory (12-byte header, 16-byte records: tag, checksum, offset, length;
    usWeightClass is the OS/2 table's third uint16) rather than with fontTools, whose import alone
    costs a warm build (every subset comes from the cache) more than the rest of this module.
    """
    count = int.from_bytes(data[4:6], "big")
    for record in range(12, 12 + 16 * count, 16):
        if data[record:record + 4] == b"OS/2":
            offset = int.from_bytes(data[record + 8:record + 12], "big")
            return int.from_bytes(data[offset + 4:offset + 6], "big")
    return 400


def _physical(fonts: FontSetLike, key: str) -> object:
    """What identifies the font behind a face key: (file, face index), so that roles sharing a
    face (title and heading are both Noto Sans CJK SC Bold by default) share one subset."""
    face = getattr(fonts, "face", None)
    if face is None:
        return key
    f = face(key)
    return (str(f.path), int(f.index))


def plan_fonts(texts: RoleTexts, fonts: FontSetLike, language: str | None = None) -> FontPlan:
    """Subset, for every face the print edition would use, exactly the characters it sets.

    `language` is the book's language (BCP 47, on every content document's <html>): the subsets
    keep only the OpenType language systems a shaper selects for it (no Japanese `locl` forms in a
    zh-CN book); None keeps them all."""
    rep: dict[object, str] = {}  # physical face → the first face key seen for it (names the CSS family)
    face_chars: dict[object, set[str]] = {}
    stacks: dict[str, tuple[str, ...]] = {}
    available = set(fonts.roles)
    for role in texts.texts:
        font_role = role
        while font_role not in available and ROLE_FALLBACK.get(font_role, "body") != font_role:
            font_role = ROLE_FALLBACK.get(font_role, "body")
        if font_role not in available:
            continue
        text = "".join(texts.texts[role])
        keys: list[str] = []
        for run in fonts.runs(text, font_role):
            if not run.face:
                continue
            phys = _physical(fonts, run.face)
            rep.setdefault(phys, run.face)
            # Other spaces need no glyph of ours; NBSP is kept because it is text the sources contain.
            # (each distinct character once: the runs hold the issue's whole text, ~75,000 characters)
            face_chars.setdefault(phys, set()).update(
                ch for ch in set(run.text) if not ch.isspace() or ch in KEPT_SPACES)
            if run.face not in keys:
                keys.append(run.face)
        keys.sort(key=_chain_index)
        families: list[str] = []
        for k in keys:
            fam = _css_family(rep[_physical(fonts, k)])
            if fam not in families:
                families.append(fam)
        stacks[role] = tuple(families)
    faces = []
    for phys in sorted(face_chars, key=lambda p: _css_family(rep[p])):
        if not face_chars[phys]:
            continue
        # Every face carries the word space and the ideographic space: a reading system that
        # takes a space from another font gets another width and another baseline (the print
        # edition sets them in the face's own advance).
        face_chars[phys] |= {ch for ch in ALWAYS_SPACES if _has(fonts, rep[phys], ch)}
        chars = "".join(sorted(face_chars[phys]))
        key = rep[phys]
        data = fonts.subset(key, chars, language=language)
        is_cff = data[:4] == b"OTTO"
        family = _css_family(key)
        faces.append(EmbeddedFace(
            face_key=key, family=family,
            file_name=f"fonts/{family}.{'otf' if is_cff else 'ttf'}",
            media_type="font/otf" if is_cff else "font/ttf",
            weight=_weight(data), data=data, chars=len(chars),
        ))
    subsetter = sys.modules.get("publish.fonts.epubsubset")  # imported only if a subset was made
    if subsetter is not None:
        subsetter.forget_names()
        from publish.heap import give_back

        give_back()  # what the subsets used, before the EPUB helper waits through the PDF
    return FontPlan(tuple(faces), stacks)
