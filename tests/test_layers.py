"""The import graph of the three packages, read from their source: layers and no cycles.

Every ``import`` statement counts, also the ones inside functions (a cycle dodged by importing
late is still a cycle) -- except those under ``if TYPE_CHECKING:``, which never run. The layers
are ``embedviz -> scenes -> embedcore``: embedcore imports neither embedviz nor scenes nor Manim;
scenes never imports embedviz. An import inside a function in embedcore or scenes is allowed only
for the optional heavy dependencies in LAZY_OK, loaded when a lesson needs them.

Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``; those implicit edges are not
counted (as import-linter does not), since a package's ``__init__`` importing its own modules is
not a cycle the code can dodge or break.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .import_graph import ROOT, Import, _top, cycles, describe, import_graph, runtime_cycles

pytestmark = pytest.mark.unit

#: Optional heavy dependencies that embedcore and scenes may import inside a function, and why.
LAZY_OK = {
    "tokenizers": "Hugging Face's Rust tokenizer: loaded only for model sources (embedcore.subwords)",
    "typst": "the Typst compiler: loaded only to check a text segment's formula (embedcore.segments.text)",
    "manim": "scenes is the Manim layer; scenes.components.text also imports it inside functions",
    "manimpango": "Manim's font shaper: its version goes into the shaped-text cache key (scenes.components.text)",
}


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, Path], list[Import]]:
    return import_graph()


FORBIDDEN = {
    "embedcore": {"embedviz", "scenes", "manim", "manimpango"},
    "scenes": {"embedviz"},
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers(graph, layer):
    """embedcore imports neither embedviz, scenes nor Manim; scenes never imports embedviz (any import counts)."""
    modules, imps = graph
    bad = [i for i in imps if _top(i.source) == layer and _top(i.target) in FORBIDDEN[layer]]
    assert not bad, f"{layer} must not import {sorted(FORBIDDEN[layer])}:\n" + describe(bad, modules)


@pytest.mark.parametrize("package", ["embedcore", "scenes"])
def test_no_import_cycles(graph, package):
    modules, imps = graph
    found = runtime_cycles(imps, within=package)
    assert not found, "import cycles (imports inside functions count):\n" + "\n".join(" <-> ".join(c) for c in found)


def test_no_import_cycles_in_embedviz_or_across(graph):
    modules, imps = graph
    found = runtime_cycles(imps)
    assert not found, "import cycles (imports inside functions count):\n" + "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("package", ["embedcore", "scenes"])
def test_imports_inside_functions_only_for_heavy_optional_dependencies(graph, package):
    """A late import hides a dependency; only the allow-listed heavy optional packages may be loaded late."""
    modules, imps = graph
    bad = [i for i in imps if _top(i.source) == package and i.in_function and not i.type_only
           and _top(i.target) not in LAZY_OK]
    assert not bad, ("import at the top of the module, or add a heavy optional dependency to LAZY_OK with why:\n"
                     + describe(bad, modules))


#: What embedviz may import inside a function. Optional or heavy dependencies, loaded only when used:
#: dask's ``distributed`` (clusters), the voice engine ``hibari``, scipy/pyloudnorm (~1.3 CPU-s to import,
#: needed only for narration audio), and the drawing side (manim, scenes, embedviz.draw: a worker's job).
EMBEDVIZ_LAZY_OK = ("distributed", "manim", "hibari", "scenes", "embedviz.draw", "scipy", "pyloudnorm", "av")
#: The CLI and the API load the render stack when a command runs: ``import embedviz`` and the CLI start in
#: a tenth of a second, with the CLI's signal handlers in place before the stack loads (test_faults).
EMBEDVIZ_LAZY_AT_START = ("embedviz.cli", "embedviz.api")


def test_embedviz_imports_inside_functions_only_what_is_heavy_or_optional(graph):
    modules, imps = graph
    bad = [i for i in imps if _top(i.source) == "embedviz" and i.in_function and not i.type_only
           and not any(i.target == ok or i.target.startswith(ok + ".") for ok in EMBEDVIZ_LAZY_OK)
           and i.source not in EMBEDVIZ_LAZY_AT_START]
    assert not bad, "import at the top of the module, or say why it must be late:\n" + describe(bad, modules)


# --- the checker itself: it must see what it claims to see ------------------------------------------------

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


def test_checker_finds_a_cycle_hidden_in_a_function_and_resolves_relative_imports(tmp_path):
    root = _tree(tmp_path, {
        "core/__init__.py": "",
        "core/a.py": "from .b import f\n",
        "core/b.py": "def f():\n    from core import a\n    return a\n",
        "core/sub/__init__.py": "from .. import c\n",
        "core/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from core.sub import x\n",
        "core/sub/x.py": "import tokenizers\ndef g():\n    import json\n    from ..a import f\n",
    })
    modules, imps = import_graph(root, ["core"])
    assert set(modules) == {"core", "core.a", "core.b", "core.sub", "core.c", "core.sub.x"}
    edges = {(i.source, i.target, i.in_function, i.type_only) for i in imps}
    assert ("core.a", "core.b", False, False) in edges
    assert ("core.b", "core.a", True, False) in edges            # ``from core import a`` names the module core.a
    assert ("core.sub", "core.c", False, False) in edges          # ``from .. import c`` in a package __init__
    assert ("core.c", "core.sub.x", False, True) in edges         # under TYPE_CHECKING
    assert ("core.sub.x", "core.a", True, False) in edges         # ``from ..a import f`` inside a function
    assert ("core.sub.x", "json", True, False) in edges
    assert runtime_cycles(imps) == [["core.a", "core.b"]]         # the type-only edge makes no cycle
    assert cycles([("p", "q"), ("q", "r"), ("r", "p"), ("r", "s")]) == [["p", "q", "r"]]


# --- the test layers: tests/conftest.py refuses a test without exactly one layer marker ---------------------

def test_a_test_without_exactly_one_layer_marker_fails_collection(tmp_path):
    import subprocess
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\n\n@pytest.mark.unit\ndef test_marked():\n    pass\n\n\ndef test_unmarked():\n    pass\n\n\n"
        "@pytest.mark.unit\n@pytest.mark.render\ndef test_two():\n    pass\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning",
                        "test_x.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == pytest.ExitCode.USAGE_ERROR, out
    assert "test_x.py::test_unmarked: no layer marker" in out and "test_x.py::test_two: render, unit" in out, out
    assert "test_marked" not in out and "passed" not in out, out
