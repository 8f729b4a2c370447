"""The package's import graph: the command line stays at the edge, and nothing imports in a circle.

What is specified, read from the source text (ast) of every module under publish/:
- only `publish/cli/` imports click, and no module outside it imports `publish.cli` — the stages
  are a library that knows nothing of the command line;
- `publish/fonts/` imports neither ReportLab nor the issue model (nor the stages that use it);
- the modules import each other without a cycle, counting every import (also those made inside
  a function to defer their cost; `if TYPE_CHECKING:` blocks are not imports at run time). A
  package's `__init__` that a submodule's import runs first is not counted as imported by it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "publish"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imported_names(path: Path) -> list[tuple[str, int]]:
    """Every module name an import statement in `path` names (absolute), with its line."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if _is_type_checking(node):
                continue
            if isinstance(node, ast.Import):
                found.extend((alias.name, node.lineno) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                # `from publish.x import y` names the submodule publish.x.y when there is one,
                # else a name defined by publish.x itself
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    found.append((submodule if submodule in MODULES else base, node.lineno))
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])
                elif isinstance(child, ast.excepthandler):
                    visit(child.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def _own_module(name: str) -> str | None:
    """The module of ours that importing `name` runs (the longest prefix that is one of ours)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {_own_module(imported) for imported, _ in _imported_names(path)}
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def _in_cli(module: str) -> bool:
    return module == "publish.cli" or module.startswith("publish.cli.")


def test_the_walk_sees_imports_made_inside_functions():
    # publish/cli/build.py imports the build only when the command runs
    assert "publish.build" in _graph()["publish.cli.build"]


def test_only_the_command_line_package_imports_click():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for name, path in MODULES.items() if not _in_cli(name)
        for imported, line in _imported_names(path)
        if imported == "click" or imported.startswith("click.")
    ]
    assert offenders == []
    assert any(imported == "click" for imported, _ in _imported_names(MODULES["publish.cli"]))


def test_no_module_outside_the_command_line_imports_it():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for name, path in MODULES.items() if not _in_cli(name)
        for imported, line in _imported_names(path)
        if _in_cli(imported)
    ]
    # publish/__main__.py (`python -m publish`) is the one module whose job is to run it
    assert offenders == ["publish/__main__.py:3"]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), or a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_modules_import_each_other_without_a_cycle():
    assert _cycles(_graph()) == []


def test_the_fonts_package_needs_neither_reportlab_nor_the_issue_model():
    # Coverage of an issue lives in publish/coverage.py, the PDF font objects in publish/pdf/fonts.py.
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}"
        for name, path in MODULES.items() if name == "publish.fonts" or name.startswith("publish.fonts.")
        for imported, line in _imported_names(path)
        if imported.split(".")[0] == "reportlab" or imported == "publish.model"
        or imported.startswith(("publish.model.", "publish.pdf", "publish.paginate", "publish.sources"))
    ]
    assert offenders == []
