"""The project's import graph, read from the source (nothing is imported): every ``import``
and ``from ... import`` of a package's modules, at module level or inside a function.

``python -m tests.import_graph [PACKAGE]`` prints the imports made inside functions and any
import cycle (``tests/test_seams.py`` asserts there are none, and which lazy imports may stay).
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Import:
    module: str          # the importing module
    target: str          # the imported module (``from a import b``: ``a.b`` when that is a module)
    line: int
    lazy: bool           # inside a function


def modules(package: str) -> dict[str, Path]:
    """Every module of ``package`` by dotted name (a package is its ``__init__``)."""
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _inside_function(tree: ast.AST) -> set[int]:
    """ids of import nodes inside a function body."""
    lazy: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    lazy.add(id(inner))
    return lazy


def imports(package: str, known: dict[str, Path] | None = None) -> list[Import]:
    """Every import in ``package``'s modules."""
    mods = modules(package)
    known = {**(known or {}), **mods}
    out = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        lazy = _inside_function(tree)
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")[: len(name.split(".")) - node.level + (1 if is_pkg else 0)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
            else:
                continue
            for t in dict.fromkeys(targets):
                out.append(Import(name, t, node.lineno, id(node) in lazy))
    return out


def cycles(edges: list[Import], within: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), lazy imports included."""
    graph: dict[str, set[str]] = {m: set() for m in within}
    for e in edges:
        if e.module in within and e.target in within and e.target != e.module:
            graph[e.module].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(argv: list[str]) -> int:
    package = argv[0] if argv else "embedviz"
    known = {**modules("embedcore"), **modules("scenes"), **modules("embedviz")}
    edges = imports(package, known)
    lazy = [e for e in edges if e.lazy]
    for e in lazy:
        print(f"{modules(package)[e.module].relative_to(ROOT)}:{e.line}: {e.target}")
    print(f"{len(lazy)} imports inside functions")
    for group in cycles(edges, set(modules(package))):
        print("cycle:", " -> ".join(group))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
