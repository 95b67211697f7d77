"""The code's shape: no module imports another's private names, and the modules import each
other without cycles (lazy imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "okrcli"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, list[tuple[str, str]]]:
    """module -> (imported module, imported name) for every import of okrcli's own modules
    that runs (those under ``if TYPE_CHECKING:`` do not)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        mine = found.setdefault(_module(path), [])
        tree = ast.parse(path.read_text("utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue  # for the type checker only: no import at run time
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("okrcli"):
                mine += [(node.module or "", a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                mine += [(a.name, "") for a in node.names if a.name.startswith("okrcli")]
    return found


def test_no_module_imports_another_modules_private_names() -> None:
    private = [
        f"{mod} imports {name} from {src}"
        for mod, imports in _imports().items()
        for src, name in imports
        if name.startswith("_") and not name.startswith("__") and src != mod
    ]
    assert not private, private


def test_modules_import_each_other_without_cycles() -> None:
    imports = _imports()
    modules = set(imports)
    graph: dict[str, set[str]] = {}
    for mod, items in imports.items():
        targets = set()
        for src, name in items:
            if f"{src}.{name}" in modules:  # from okrcli.lint import engine
                targets.add(f"{src}.{name}")
            elif src in modules:
                targets.add(src)
        # a package's own __init__ importing its submodules is how packages load; the
        # submodules' imports of the package are what would form a cycle
        graph[mod] = {t for t in targets if t != mod and not t.startswith(mod + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for mod in sorted(graph):
        if mod not in state:
            visit(mod, [mod])
    assert not cycles, cycles


# where a function may import one of okr's own modules (CONTRIBUTING.md, "Imports"): the
# command line imports each command's modules when the command runs, so that `okr --help`
# stays light (tests/test_light_imports.py); `okr lsp` imports its server only once it
# knows pygls, an optional dependency, is installed
LOCAL_IMPORTS_ALLOWED = {"okrcli.cli.app", "okrcli.lsp"}


def test_no_function_imports_okrs_own_modules_outside_the_allow_list() -> None:
    """A function-local import of okr's own modules is no cycle breaker (the test above
    finds none) and no speed trick: it belongs at the top of the module."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        if module in LOCAL_IMPORTS_ALLOWED:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else []
                )
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                    for name in names
                    if name == "okrcli" or name.startswith("okrcli.")
                ]
    assert not found, found
