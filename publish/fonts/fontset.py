"""The resolved fonts of one build: roles → faces, metrics, runs, coverage, PDF fonts, subsets.

In: the issue folder (for its `fonts/` and `fonts/fonts.toml`) and role overrides
(issue.toml `[fonts]`, or a layout's). Out: a `FontSet` (see `publish.fonts` for the contract).

A role is an ordered chain of faces. The first face is the role's face, keyed by the role name
(`"body"`); later faces are fallbacks keyed `"body~1"`, `"body~2"`, used character by character
only for what every earlier face lacks. Face keys are what `runs()` hands the composer, what the
metrics take, and what the paginator puts in `PlacedGlyph.face`.
"""

from __future__ import annotations

import os
import unicodedata
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.errors import FontError, Problem
from publish.fonts import discovery
from publish.fonts.config import PROJECT_DIR, RoleConfig, load_config
from publish.fonts.faceinfo import FaceInfo, face_info

if TYPE_CHECKING:
    from publish.fonts.pdffont import CIDSubsetFont

try:  # the composer's run type, when that stage is present
    from publish.cjk import Run  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - only while the composer is being written

    @dataclass(frozen=True)
    class Run:  # type: ignore[no-redef]
        text: str
        face: str


# Characters that are structure, not print: never checked for glyphs.
IGNORED = frozenset("\n\r")

# Which role sets which part of an article (the layout may say otherwise: `coverage(roles=…)`).
DEFAULT_ELEMENT_ROLES = {
    "title": "title",
    "subtitle": "subtitle",
    "byline": "byline",
    "paragraph": "body",
    "salutation": "body",
    "signature": "body",
    "listitem": "body",
    "heading": "heading",  # both levels, unless "heading1"/"heading2" are given
    "note": "note",
    "caption": "caption",
    "emphasis": "emphasis",
    "header": "header",
    "folio": "folio",
}


@dataclass(frozen=True, eq=False)
class ResolvedFace:
    """One face of a role's chain. Its metrics (`info`) are read on first use: a fallback face
    that no character of the issue needs costs nothing (~0.3 s cold for a CJK face)."""

    key: str  # "body", "body~1", …
    role: str
    candidate: str  # the candidate string that found it
    path: Path
    index: int
    family: str
    style: str
    format: str  # "CFF" or "TrueType"

    @cached_property
    def info(self) -> FaceInfo:
        try:
            return face_info(self.path, self.index)
        except Exception as err:  # a damaged or unsupported file: say which
            raise FontError(
                Problem(f"cannot read font {self.candidate!r} for role {self.role!r}: {err}", self.path, None,
                        "remove or replace the file", code="font-unreadable")
            ) from None  # fmt: skip

    def has(self, char: str) -> bool:
        return ord(char) in self.info.cmap


@dataclass(frozen=True, eq=False)
class ResolvedRole:
    """A role's chain: the faces found, in order, and the candidates that are not installed."""

    role: str
    candidates: tuple[str, ...]
    faces: tuple[ResolvedFace, ...]
    missing: tuple[str, ...] = ()

    @property
    def face(self) -> ResolvedFace:
        return self.faces[0]

    # Convenience for listings: the primary face's file.
    @property
    def path(self) -> Path:
        return self.faces[0].path

    @property
    def index(self) -> int:
        return self.faces[0].index

    @property
    def family(self) -> str:
        return self.faces[0].family

    @property
    def format(self) -> str:
        return self.faces[0].format

    def face_for(self, char: str) -> ResolvedFace | None:
        for f in self.faces:
            if f.has(char):
                return f
        return None


def is_western(ch: str) -> bool:
    """Latin-script letters, digits, ASCII punctuation and spaces — not the CJK middle dot (·,
    clreq's 间隔号) nor anything from U+2000 on (dashes, quotes and ellipsis are set CJK-wide)."""
    return ord(ch) < 0x2000 and ch != "\u00b7"


def role_of(key: str) -> str:
    """The role of a face key: `"body~1"` → `"body"` (`"body~1@sup"` → `"body"`)."""
    return key.split("@", 1)[0].split("~", 1)[0]


def face_of(key: str) -> str:
    """The face key without a size variant: `"body~1@sup"` → `"body~1"`. A variant (`@sup`, the
    raised note marks) is the same face at another size: `FontMetrics` takes its size from the
    sizes given as `"body@sup"`."""
    return key.split("@", 1)[0]


class FontMetrics:
    """The composer's `Metrics` protocol over a `FontSet` and a size per role (pt)."""

    def __init__(self, fonts: FontSet, sizes: dict[str, float]) -> None:
        self._fonts = fonts
        self._sizes = dict(sizes)
        self._cache: dict[tuple[str, str], float] = {}

    def em(self, face: str) -> float:
        """Font size in pt of a face key (the size given for its role; for a `@variant` key, the
        size given for `role@variant`) or a role."""
        r = role_of(face)
        if "@" in face:
            r += face[face.index("@"):]
        try:
            return self._sizes[r]
        except KeyError:
            raise KeyError(f"no font size given for role {r!r} (sizes: {sorted(self._sizes)})") from None

    def advance(self, char: str, face: str) -> float:
        """Advance width in pt of `char` in the face the key `face` names (a role's name: its first face).

        A character that face lacks is measured in the first face of the chain that has it (the
        face `FontSet.runs` would give it), so measuring never silently uses a .notdef width.
        """
        k = (char, face)
        v = self._cache.get(k)
        if v is None:
            resolved = self._fonts.face(face_of(face))
            if not resolved.has(char):
                resolved = self._fonts.roles[role_of(face)].face_for(char) or resolved
            info = resolved.info
            v = self.em(face) * info.advances[info.cmap.get(ord(char), 0)] / info.units_per_em
            self._cache[k] = v
        return v

    def ascent(self, face: str) -> float:
        """Ascender in pt (typographic ascender of the face)."""
        info = self._fonts.face(face_of(face)).info
        return self.em(face) * info.ascent / info.units_per_em

    def descent(self, face: str) -> float:
        """Descender in pt (negative)."""
        info = self._fonts.face(face_of(face)).info
        return self.em(face) * info.descent / info.units_per_em


class FontSet:
    """Every role of one build resolved to faces; see the `publish.fonts` docstring."""

    def __init__(self, roles: dict[str, ResolvedRole], config: RoleConfig, issue_root: Path | None) -> None:
        self.roles = roles
        self.config = config
        self.issue_root = issue_root
        self._faces = {f.key: f for r in roles.values() for f in r.faces}
        self._pdf: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # canvas-less registrations (`pdf_font(None, key)`) waiting for a canvas: name → (face, font)
        self._unbound: dict[str, tuple[tuple[str, int], CIDSubsetFont]] = {}
        self._run_memo: dict[tuple[str, str | None], dict[str, str]] = {}
        self._cover_memo: dict[str, dict[str, str | None]] = {}

    # ── faces ───────────────────────────────────────────────────────────────────────────────
    def face(self, key: str) -> ResolvedFace:
        """The face for a face key (`"body~1"`) or a role (its first face)."""
        f = self._faces.get(key)
        if f is None:
            role = self.role(key)
            raise FontError(Problem(f"font role {role.role!r} has no face {key!r}", code="font-unknown-face"))
        return f

    def role(self, name: str) -> ResolvedRole:
        """The chain of a role (or of a face key's role); a clear error for an unknown role."""
        r = self.roles.get(role_of(name))
        if r is None:
            raise FontError(
                Problem(f"unknown font role {role_of(name)!r}", fix=f"use one of: {', '.join(sorted(self.roles))}", code="font-unknown-role")
            )
        return r

    @property
    def face_keys(self) -> tuple[str, ...]:
        return tuple(self._faces)

    # ── composer ────────────────────────────────────────────────────────────────────────────
    def metrics(self, sizes: dict[str, float]) -> FontMetrics:
        return FontMetrics(self, sizes)

    def runs(self, text: str, role: str, latin: str | None = None) -> list[Run]:
        """Split `text` into runs, each char in the first face of `role`'s chain that has it.

        A character no face has stays in the role's first face (`coverage` reports it).
        With `latin` (a role, e.g. "latin"), Latin letters, digits and ASCII punctuation try that
        role's chain first — for a layout that sets them in a separate face.
        """
        r = role_of(role)
        chain = self.role(r).faces
        memo = self._run_memo.setdefault((r, latin), {})
        distinct = set(text)
        new = distinct.difference(memo)
        if new and latin is not None and latin != r:
            latin_faces = self.role(latin).faces
            western = {ord(ch) for ch in new if is_western(ch)}
            for f in latin_faces:
                for cp in f.info.cmap.covered(western):
                    memo[chr(cp)] = f.key
                western -= {ord(ch) for ch in new if ch in memo}
            new = {ch for ch in new if ch not in memo}
        if new:
            todo = {ord(ch) for ch in new}
            for f in chain:
                for cp in f.info.cmap.covered(todo):
                    memo[chr(cp)] = f.key
                todo -= {ord(ch) for ch in new if ch in memo}
                if not todo:
                    break
            for cp in todo:  # no face has it: the role's first face (coverage reports it)
                memo[chr(cp)] = chain[0].key
        # runs() is called for every paragraph the composer sets, and nearly every paragraph is
        # set in one face: look at the distinct characters first (a C-level set), and split
        # character by character only when they need more than one face.
        keys = set(map(memo.__getitem__, distinct))
        if len(keys) == 1:
            return [Run(text, keys.pop())]
        out: list[Run] = []
        pos = 0
        for key, group in groupby(map(memo.__getitem__, text)):
            n = len(list(group))
            out.append(Run(text[pos : pos + n], key))
            pos += n
        return out

    # ── coverage ────────────────────────────────────────────────────────────────────────────
    def coverage(self, issue, roles: dict[str, str] | None = None) -> list[Problem]:
        """One problem per character that no face of its role's chain has, per article and role.

        Names the code point, the character, the article file and the first source line where
        it occurs, and every face tried. `roles` maps parts of an article (see
        `DEFAULT_ELEMENT_ROLES`) to font roles, for a layout that assigns them differently.
        """
        texts = list(self._texts(issue, roles))
        missing = {
            role: {ch for ch, key in self._faces_for(role, chars).items() if key is None}
            for role, chars in self._chars_by_role(texts).items()
        }
        if not any(missing.values()):
            return []
        # Find where each missing character occurs: one problem per (character, file, role).
        problems: dict[tuple, Problem] = {}
        for path, line_hint, role, text in texts:
            for ch in dict.fromkeys(text):  # distinct characters, in order of appearance
                if ch in missing.get(role, ()) and (ch, role, str(path)) not in problems:
                    problems[(ch, role, str(path))] = self._problem(ch, role, self.roles[role], path, line_hint)
        return list(problems.values())

    def uncovered(self, text: str, role: str) -> str:
        """The distinct characters of `text` that no face of `role`'s chain has, in order — for
        strings a later stage makes up (running headers, folios, a table of contents)."""
        faces = self._faces_for(self.role(role).role, set(text) - IGNORED)
        return "".join(ch for ch in dict.fromkeys(text) if ch not in IGNORED and faces[ch] is None)

    def coverage_report(self, issue, roles: dict[str, str] | None = None) -> dict[str, dict[str, set[str]]]:
        """Role → face key (or `"missing"`) → the issue's characters that face sets."""
        report: dict[str, dict[str, set[str]]] = {}
        for role, chars in self._chars_by_role(list(self._texts(issue, roles))).items():
            per = report.setdefault(role, {})
            for ch, key in self._faces_for(role, chars).items():
                per.setdefault(key or "missing", set()).add(ch)
        return report

    def _chars_by_role(self, texts) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for _path, _line, role, text in texts:
            if role in self.roles:
                out.setdefault(role, set()).update(text)
        for chars in out.values():
            chars -= IGNORED
        return out

    def _faces_for(self, role: str, chars: set[str]) -> dict[str, str | None]:
        """Character → key of the first face of `role`'s chain that has it (None: no face has it),
        for `chars`; looked up a whole set at a time and remembered."""
        memo = self._cover_memo.setdefault(role, {})
        new = {ch for ch in chars if ch not in memo}
        if new:
            todo = {ord(ch) for ch in new}
            for f in self.roles[role].faces:
                got = f.info.cmap.covered(todo)
                for cp in got:
                    memo[chr(cp)] = f.key
                todo -= got
                if not todo:
                    break
            for cp in todo:
                memo[chr(cp)] = None
        return {ch: memo[ch] for ch in chars}

    def fallback_notes(self, issue, roles: dict[str, str] | None = None) -> list[str]:
        """One line per fallback face that sets some of the issue's characters, e.g.
        `body: 2 characters from fallback Noto Sans CJK SC Regular: 㐀𠀀` — for `publish check`
        to print as information (not an error)."""
        notes = []
        for role, per in self.coverage_report(issue, roles).items():
            for key in sorted(k for k in per if k not in (role, "missing")):
                chars = "".join(sorted(per[key]))
                face = self.face(key)
                notes.append(
                    f"{role}: {len(chars)} character{'s' if len(chars) != 1 else ''} from fallback "
                    f"{face.family} {face.style}: {chars[:20]}{'…' if len(chars) > 20 else ''}"
                )
        return notes

    def _problem(self, ch: str, role: str, chain: ResolvedRole, path, line_hint) -> Problem:
        line = _find_line(path, ch, line_hint)
        tried = ", ".join(f.info.label for f in chain.faces)
        name = unicodedata.name(ch, "unnamed character")
        shown = ch if ch.isprintable() and not ch.isspace() else ""
        return Problem(
            f"U+{ord(ch):04X} {shown + ' ' if shown else ''}({name}) has no glyph in any font of role "
            f"{role!r} (tried: {tried})",
            path,
            line,
            f"add a font that has it to [fonts] {role} in issue.toml or put one in the issue's fonts/ folder",
            code="glyph-missing",
        )

    def _texts(self, issue, roles: dict[str, str] | None) -> Iterator[tuple[object, int | None, str, str]]:
        """(file, line, role, text) for every piece of text the issue prints."""
        er = {**DEFAULT_ELEMENT_ROLES, **(roles or {})}

        def pick(name: str) -> str:
            r = er.get(name, "body")
            return r if r in self.roles else "body"

        root = getattr(issue, "root", None)
        toml = Path(root) / "issue.toml" if root else None
        yield toml, None, pick("header"), f"{issue.magazine}{issue.label}"
        for section in issue.sections:
            yield toml, None, pick("header"), section.title
        yield toml, None, pick("folio"), "0123456789"
        for art in issue.articles:
            src = art.source
            yield src, 1, pick("title"), art.title_text
            if art.subtitle:
                yield src, 1, pick("subtitle"), art.subtitle
            for b in art.bylines:
                yield src, 1, pick("byline"), f"{b.unit}{b.name}"
            for block in art.blocks:
                kind = type(block).__name__.lower()
                if kind == "heading" and f"heading{block.level}" in er:
                    kind = f"heading{block.level}"  # a layout may set the levels differently
                line = getattr(block, "line", None) or None
                runs = getattr(block, "runs", None)
                if kind == "figure":
                    runs = block.caption
                    kind = "caption"
                if kind == "listitem":
                    yield src, line, pick(kind), block.label
                if runs is None:
                    yield src, line, pick(kind), block.text
                    continue
                for run in runs:
                    emph = type(run).__name__ == "Emphasis"
                    yield src, line, pick("emphasis" if emph else kind), run.text
            for note in getattr(art, "notes", ()):  # notes are set in the body face, smaller
                yield src, note.line or None, pick("paragraph"), note.text

    # ── output ──────────────────────────────────────────────────────────────────────────────
    def pdf_font(self, canvas, face_key: str) -> str:
        """Register the face with ReportLab for `canvas`'s document; return the name for setFont.

        One registration per face file per document: keys resolving to the same face (e.g.
        `heading` and `title`, both Noto Sans CJK SC Bold) share one embedded subset.
        `canvas=None` returns a name not yet bound to a document — for `Canvas(initialFontName=…)`,
        the canvas then adopts it on the first `pdf_font(canvas, same key)` call.
        """
        from reportlab.pdfbase import pdfmetrics

        from publish.fonts.pdffont import CIDSubsetFont

        face = self.face(face_key)
        info = face.info
        self._check_embedding(face)
        fid = (str(face.path), face.index)
        program = cff_program() if info.format == "CFF" else "truetype"
        if canvas is None:
            font = CIDSubsetFont(info, program)
            pdfmetrics.registerFont(font)
            self._unbound[font.fontName] = (fid, font)
            return font.fontName
        doc = canvas._doc
        per_doc = self._pdf.setdefault(doc, {})
        if fid in per_doc:
            return per_doc[fid].fontName
        initial: str | None = getattr(canvas, "_initialFontName", None)
        if initial:
            pending = self._unbound.pop(initial, None)
            if pending is not None and pending[0] == fid:
                per_doc[fid] = pending[1]
                return initial
            if pending is not None:
                self._unbound[initial] = pending
        font = CIDSubsetFont(info, program)
        pdfmetrics.registerFont(font)
        per_doc[fid] = font
        return font.fontName

    def release_pdf(self, doc: Any) -> None:
        """The PDF document `doc` is written: release the fonts registered for it (see
        `CIDSubsetFont.release`), so that a long-lived process making many PDFs stays small."""
        fonts = self._pdf.pop(doc, None) or {}
        for font in fonts.values():
            font.release()

    def subset(self, face_key: str, chars: str | Iterable[str], language: str | None = None) -> bytes:
        """A plain TTF/OTF subset of the face for `chars` (for the EPUB's @font-face); `language`
        (BCP 47, the text's only language) leaves out layout forms for other languages."""
        from publish.fonts.programs import epub_subset

        text = "".join(sorted(set("".join(chars)) - IGNORED))
        face = self.face(face_key)
        self._check_embedding(face)
        return epub_subset(face.info, text, self.config.reserved_names, language)

    def _check_embedding(self, face: ResolvedFace) -> None:
        why = face.info.embedding_problem
        if why:
            raise FontError(
                Problem(
                    f"font {face.family} {face.style} (role {face.role!r}) cannot be embedded: {why}",
                    face.path,
                    None,
                    "use a font whose licence permits embedding, or ask the foundry for one", code="font-not-embeddable",
                )
            )

    def subset_family(self, face_key: str) -> str:
        """The family name the EPUB subset carries (renamed for OFL Reserved Font Names)."""
        from publish.fonts.programs import _reserved_rename

        info = self.face(face_key).info
        return _reserved_rename(info, self.config.reserved_names) or info.family


def cff_program() -> str:
    """How CFF faces go into the PDF: "cff" (path B, default) or "truetype" (path A, cu2qu).

    `PUBLISH_CFF_PATH=truetype` selects path A (kept for the benchmark's comparison).
    """
    choice = os.environ.get("PUBLISH_CFF_PATH", "").lower()
    if choice in ("a", "truetype", "ttf"):
        return "truetype"
    if choice in ("b", "cff"):
        return "cff"
    return DEFAULT_CFF_PROGRAM


DEFAULT_CFF_PROGRAM = "cff"


def _find_line(path, ch: str, hint: int | None) -> int | None:
    """The first source line at or after `hint` that contains `ch` (`hint` when not found)."""
    if path is None:
        return hint
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return hint
    start = (hint or 1) - 1
    for i in range(start, len(lines)):
        if ch in lines[i]:
            return i + 1
    for i in range(0, min(start, len(lines))):
        if ch in lines[i]:
            return i + 1
    return hint


def search_dirs(issue_root: Path | None) -> list[Path]:
    dirs = []
    if issue_root is not None:
        dirs.append(Path(issue_root) / "fonts")
    dirs.append(PROJECT_DIR / "fonts")
    return dirs + discovery.system_font_dirs()


def load_fonts(issue_root: Path | str | None = None, overrides: dict | None = None) -> FontSet:
    """Resolve every role's chain (issue `fonts/` → project `fonts/` → system) to faces.

    `overrides` maps roles to candidate lists and replaces those roles' chains. A build that has
    both a layout's font roles and the issue's `[fonts]` passes `{**layout_fonts, **dict(issue.fonts)}`
    (the issue wins). Raises `FontError` listing every role none of whose candidates is installed.
    """
    root = Path(issue_root) if issue_root is not None else None
    config = load_config(root, overrides)
    index = discovery.FontIndex(search_dirs(root))
    file_roots = [p for p in ([root] if root else []) + [PROJECT_DIR]]
    roles: dict[str, ResolvedRole] = {}
    problems: list[Problem] = []
    for role, cands in config.roles.items():
        faces: list[ResolvedFace] = []
        missing: list[str] = []
        seen: set[tuple[str, int]] = set()
        for cand in cands:
            name, style, idx, is_file = discovery.parse_candidate(cand)
            if is_file:
                found = discovery.resolve_file(name, idx, file_roots)
                if found is None:
                    missing.append(cand)
                    continue
                path, face_index = found
                try:
                    info = face_info(path, face_index)
                except Exception as err:  # a damaged or unsupported file: say which
                    problems.append(
                        Problem(f"cannot read font {cand!r} for role {role!r}: {err}", path, None,
                                "remove or replace the file", code="font-unreadable")
                    )  # fmt: skip
                    continue
                family, style, fmt = info.family, info.style, info.format
            else:
                rec = index.find(name, style)
                if rec is None:
                    missing.append(cand)
                    continue
                path, face_index = Path(rec.path), rec.index
                family, style, fmt = rec.family or name, rec.style or (style or "Regular"), rec.format
            ident = (str(path), face_index)
            if ident in seen:
                continue
            seen.add(ident)
            key = role if not faces else f"{role}~{len(faces)}"
            faces.append(ResolvedFace(key, role, cand, path, face_index, family, style, fmt))
        if not faces:
            problems.append(
                Problem(
                    f"no font found for role {role!r} (tried: {', '.join(cands)})",
                    root / "issue.toml" if root else None,
                    None,
                    "install one (make setup installs fonts-noto-cjk, fonts-arphic-ukai, fonts-lxgw-wenkai) "
                    "or put a font file in the issue's fonts/ folder and name it in [fonts]", code="font-not-found",
                )
            )
            continue
        roles[role] = ResolvedRole(role, tuple(cands), tuple(faces), tuple(missing))
    if problems:
        raise FontError(*problems)
    return FontSet(roles, config, root)
