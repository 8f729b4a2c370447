"""Role configuration: which candidates each font role tries, in which order.

In: `fonts/default.toml` (the project's defaults), optionally an issue folder's own
`fonts/fonts.toml`, and overrides as `{role: [candidate, …]}` (issue.toml `[fonts]`, or a layout).
Out: `RoleConfig`: role → ordered candidate tuple, plus the OFL Reserved Font Names to rename in
subsets. An override replaces a role's whole chain (it does not prepend), so an office that names
its licensed Song face and nothing else gets exactly that — plus the default chain's faces as
fallbacks only when it lists them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from publish.errors import FontError, Problem

# The project's folder in a source checkout: its fonts/ may hold font files (not in a wheel).
PROJECT_DIR = Path(__file__).resolve().parents[2]
# The default roles: package data (publish/data/fonts/, which the project's fonts/default.toml links
# to), so that an installed wheel has them.
# (the package's own file, found as `publish.layout.load.LAYOUTS_DIR` is: no importlib.resources)
DEFAULT_TOML = Path(__file__).parent.parent / "data" / "fonts" / "default.toml"

ROLES = ("body", "title", "subtitle", "byline", "heading", "header", "folio", "note", "latin")


@dataclass(frozen=True)
class RoleConfig:
    roles: dict[str, tuple[str, ...]]
    reserved_names: dict[str, str]  # reserved family name → replacement family for subsets


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as err:
        raise FontError(Problem(f"invalid TOML: {err}", path, None, "fix the font role file", code="fonts-invalid-toml")) from None
    except OSError as err:
        raise FontError(Problem(f"cannot read font role file: {err.strerror}", path, code="fonts-unreadable")) from None


def _roles_from(data: dict, path: Path) -> dict[str, tuple[str, ...]]:
    roles = data.get("roles", {})
    if not isinstance(roles, dict):
        raise FontError(Problem("[roles] must be a table of role = [candidates]", path, code="fonts-bad-roles"))
    out: dict[str, tuple[str, ...]] = {}
    for role, cands in roles.items():
        if isinstance(cands, str):
            cands = [cands]
        if not isinstance(cands, list) or not all(isinstance(c, str) for c in cands) or not cands:
            raise FontError(
                Problem(f"font role {role!r} must be a non-empty list of font names or files", path, code="fonts-bad-role")
            )
        out[role] = tuple(cands)
    return out


def load_config(
    issue_root: Path | None = None, overrides: dict[str, list[str] | tuple[str, ...]] | None = None
) -> RoleConfig:
    data = _read_toml(DEFAULT_TOML)
    roles = _roles_from(data, DEFAULT_TOML)
    reserved = {str(k): str(v) for k, v in data.get("reserved_font_names", {}).items()}
    if issue_root is not None:
        local = Path(issue_root) / "fonts" / "fonts.toml"
        if local.is_file():
            local_data = _read_toml(local)
            roles.update(_roles_from(local_data, local))
            reserved.update({str(k): str(v) for k, v in local_data.get("reserved_font_names", {}).items()})
    for role, cands in (overrides or {}).items():
        if isinstance(cands, str):
            cands = [cands]
        cands = tuple(cands)
        if not cands or not all(isinstance(c, str) for c in cands):
            raise FontError(
                Problem(
                    f"font override for role {role!r} must be a non-empty list of font names or files",
                    Path(issue_root) / "issue.toml" if issue_root else None, code="fonts-bad-override",
                )
            )
        roles[role] = cands
    return RoleConfig(roles=roles, reserved_names=reserved)
