"""The project's import graph, read from the source (nothing is imported): every ``import`` and
``from ... import`` of the three packages, at module level or inside a function, resolved to module
names (relative imports too). Imports under ``if TYPE_CHECKING:`` are marked: they never run.

``python -m tests.import_graph [PACKAGE]`` prints a package's imports inside functions and any import
cycle; ``tests/test_layers.py`` asserts the layers, no cycles, and which late imports may stay.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("embedcore", "scenes", "embedviz")


@dataclass(frozen=True)
class Import:
    source: str          # the importing module
    target: str          # the imported module (the most specific one that exists, for internal ones)
    line: int
    in_function: bool
    type_only: bool      # under ``if TYPE_CHECKING:``


def module_names(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of the packages, by dotted name (a package by its ``__init__``'s name)."""
    out = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, in_function: bool, type_only: bool):
    """Yield (import node, in_function, type_only) for every import below ``node``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function, type_only
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for sub in child.body:
                yield from _walk_one(sub, in_function, True)
            for sub in child.orelse:
                yield from _walk_one(sub, in_function, type_only)
        else:
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from _walk(child, inner, type_only)


def _walk_one(node: ast.AST, in_function: bool, type_only: bool):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, in_function, type_only
    else:
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        yield from _walk(node, inner, type_only)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The imports in one module's source, resolved to module names (relative ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node, in_function, type_only in _walk(tree, False, False):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from pkg import mod`` imports the module pkg.mod; ``from mod import name`` imports mod
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
            targets = subs if len(subs) == len(node.names) else subs + [base]
        for t in targets:
            out.append(Import(name, _internal(t, modules) or t, node.lineno, in_function, type_only))
    return out


def _internal(target: str, modules: dict[str, Path]) -> str | None:
    """The most specific module of ours that ``target`` names, or None for another package."""
    parts = target.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def import_graph(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> tuple[dict[str, Path], list[Import]]:
    modules = module_names(root, packages)
    return modules, [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-import), Tarjan's way."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                found.append(sorted(comp))

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 10_000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(old)
    return sorted(found)


def _top(name: str) -> str:
    """The package a module belongs to."""
    return name.partition(".")[0]


def describe(imps: Iterable[Import], modules: dict[str, Path]) -> str:
    return "\n".join(f"{modules[i.source].relative_to(ROOT)}:{i.line}: {i.source} imports {i.target}"
                     + (" (inside a function)" if i.in_function else "") for i in imps)


def runtime_cycles(imps: list[Import], within: str | None = None) -> list[list[str]]:
    """Cycles among runtime imports (TYPE_CHECKING ones never run), optionally among one package's modules."""
    mods = {i.source for i in imps}
    edges = [(i.source, i.target) for i in imps
             if not i.type_only and i.target in mods and i.source != i.target
             and (within is None or (_top(i.source) == within and _top(i.target) == within))]
    return cycles(edges)


def main(argv: list[str]) -> int:
    package = argv[0] if argv else "embedviz"
    modules, imps = import_graph()
    late = [i for i in imps if _top(i.source) == package and i.in_function and not i.type_only]
    print(describe(late, modules))
    print(f"{len(late)} imports inside functions in {package}")
    for group in runtime_cycles(imps):
        print("cycle:", " <-> ".join(group))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
