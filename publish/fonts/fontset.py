"""The resolved fonts of one build: roles → faces, metrics, runs, coverage, PDF fonts, subsets.

In: the issue folder (for its `fonts/` and `fonts/fonts.toml`) and role overrides
(issue.toml `[fonts]`, or a layout's). Out: a `FontSet` (see `publish.fonts` for the contract).

A role is an ordered chain of faces. The first face is the role's face, keyed by the role name
(`"body"`); later faces are fallbacks keyed `"body~1"`, `"body~2"`, used character by character
only for what every earlier face lacks. Face keys are what `runs()` hands the composer, what the
metrics take, and what the paginator puts in `PlacedGlyph.face`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from pathlib import Path

from publish.errors import FontError, Problem
from publish.fonts import discovery
from publish.fonts.config import PROJECT_DIR, RoleConfig, load_config
from publish.fonts.faceinfo import FaceInfo, face_info

try:  # the composer's run type, when that stage is present
    from publish.cjk import Run  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - only while the composer is being written

    @dataclass(frozen=True)
    class Run:  # type: ignore[no-redef]
        text: str
        face: str


# Characters that are structure, not print: never checked for glyphs.
IGNORED = frozenset("\n\r")


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
        # face key → (the face it names, its size in pt): looked up once, not for each character
        # measured (a new issue measures ~3,000 characters in some fifteen metrics)
        self._faces: dict[str, tuple[ResolvedFace, float]] = {}

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
            named = self._faces.get(face)
            if named is None:
                named = self._faces[face] = (self._fonts.face(face_of(face)), self.em(face))
            resolved, em = named
            if not resolved.has(char):
                resolved = self._fonts.roles[role_of(face)].face_for(char) or resolved
            info = resolved.info
            v = em * info.advances[info.cmap.get(ord(char), 0)] / info.units_per_em
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
    def uncovered(self, text: str, role: str) -> str:
        """The distinct characters of `text` that no face of `role`'s chain has, in order — for
        strings a later stage makes up (running headers, folios, a table of contents)."""
        faces = self.faces_for(self.role(role).role, set(text) - IGNORED)
        return "".join(ch for ch in dict.fromkeys(text) if ch not in IGNORED and faces[ch] is None)

    def faces_for(self, role: str, chars: set[str]) -> dict[str, str | None]:
        """Character → key of the first face of `role`'s chain that has it (None: no face has it),
        for `chars`; looked up a whole set at a time and remembered. (The issue's coverage, which
        walks the model, is `publish.coverage`.)"""
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

    # ── output ──────────────────────────────────────────────────────────────────────────────
    def subset(self, face_key: str, chars: str | Iterable[str], language: str | None = None) -> bytes:
        """A plain TTF/OTF subset of the face for `chars` (for the EPUB's @font-face); `language`
        (BCP 47, the text's only language) leaves out layout forms for other languages."""
        from publish.fonts.programs import epub_subset

        text = "".join(sorted(set("".join(chars)) - IGNORED))
        face = self.face(face_key)
        self.check_embedding(face)
        return epub_subset(face.info, text, self.config.reserved_names, language)

    def check_embedding(self, face: ResolvedFace) -> None:
        """A `FontError` naming the file when the face's licence forbids embedding it."""
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
