"""The layout rules live in the kit (scenes/layout.py, scenes/theme.py), not in each scene (issue 19).

A scene describes its panels; the kit measures and places them. So no scene file asks which shape the
frame has (``self.portrait``, ``self.landscape``, a comparison of the frame's width and height) and no
scene spaces its mobjects with a literal number (``buff=0.3``): gaps come from ``GAP``. Read from the
source's syntax tree, so a comment or a string never counts.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
KIT = {"layout.py", "theme.py"}                     # where the rules live
SCENE_FILES = sorted(p for p in (ROOT / "scenes").rglob("*.py") if p.name not in KIT)
SHAPE_NAMES = {"portrait", "landscape"}
FRAME_SIZES = {"fw", "fh", "frame_width", "frame_height"}


def _names(node: ast.AST) -> set[str]:
    return {n.attr if isinstance(n, ast.Attribute) else n.id
            for n in ast.walk(node) if isinstance(n, (ast.Attribute, ast.Name))}


def shape_branches(tree: ast.AST) -> list[tuple[int, str]]:
    """Places that ask for the frame's shape: a ``portrait``/``landscape`` read, or a comparison
    that involves the frame's width or height (``self.fw > self.fh``)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SHAPE_NAMES and isinstance(node.ctx, ast.Load):
            out.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Compare) and _names(node) & FRAME_SIZES:
            out.append((node.lineno, "compares the frame's size"))
    return out


def literal_gaps(tree: ast.AST) -> list[tuple[int, str]]:
    """``buff=`` (and ``*_buff=``) given a non-zero number literal."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("buff"):
            v = node.value
            if isinstance(v, ast.UnaryOp):
                v = v.operand
            if isinstance(v, ast.Constant) and isinstance(v.value, (int, float)) and v.value != 0:
                out.append((node.value.lineno, f"{node.arg}={v.value}"))
    return out


def test_the_checks_see_what_they_look_for():
    tree = ast.parse("if self.portrait:\n    x = 1\ny = a if self.fw > self.fh * 1.3 else b\n"
                     "m.next_to(n, buff=0.3)\nm.next_to(n, buff=GAP.s)\nm.arrange(buff=0)\n")
    assert [line for line, _ in shape_branches(tree)] == [1, 3]
    assert literal_gaps(tree) == [(4, "buff=0.3")]


@pytest.mark.parametrize("path", SCENE_FILES, ids=[str(p.relative_to(ROOT)) for p in SCENE_FILES])
def test_scenes_leave_the_frame_shape_and_the_gaps_to_the_kit(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    found = shape_branches(tree) + literal_gaps(tree)
    rel = path.relative_to(ROOT)
    assert not found, "\n".join(f"{rel}:{line}: {what} (let scenes/layout.py decide; gaps from GAP)"
                                for line, what in sorted(found))
