"""The clip key's code version covers every file that decides a clip's bytes, found by walking the packages.

Each check runs on a copy of the source tree in a temporary folder (about 2 s in all)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from embedviz.render.cache import DRAWING_PACKAGES, code_version, drawing_files

from .conftest import ROOT

pytestmark = pytest.mark.unit

version = code_version.__wrapped__          # uncached: the tests edit files between calls


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for package in ("embedcore", "embedviz", "scenes"):
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _touched(root: Path, path: Path, text: str = "\n# touched\n") -> str:
    before = path.read_bytes()
    try:
        path.write_bytes(before + text.encode())
        return version(root)
    finally:
        path.write_bytes(before)


def test_the_copy_hashes_as_the_tree_does(tree):
    assert version(tree) == code_version() == version(ROOT)


def test_the_walk_finds_every_drawing_file(tree):
    found = {f.relative_to(tree).as_posix() for f in drawing_files(tree)}
    walked = {f.relative_to(tree).as_posix() for p in DRAWING_PACKAGES for f in (tree / p).rglob("*.py")}
    assert walked <= found
    # chunks.py was left out of the hand list this replaces; video.py writes the clip's container
    assert {"embedviz/draw/chunks.py", "embedviz/draw/chunk_renderer.py", "embedviz/draw/manim_compat.py",
            "embedviz/draw/fast_frames.py", "embedviz/draw/worker.py", "embedviz/media/video.py",
            "scenes/base.py", "scenes/components/text.py", "embedcore/storyboard.py"} <= found
    assert not found & {"embedviz/cli.py", "embedviz/render/plan.py", "embedcore/lesson.py",
                        "embedviz/media/audio.py", "embedviz/media/captions.py"}


def test_changing_any_drawing_file_changes_the_version(tree):
    base = version(tree)
    files = drawing_files(tree)
    assert len(files) > 30
    unchanged = [f.relative_to(tree).as_posix() for f in files if _touched(tree, f) == base]
    assert not unchanged
    assert version(tree) == base, "every file was restored"


@pytest.mark.parametrize("outside", ["embedviz/cli.py", "embedviz/render/plan.py", "embedcore/lesson.py",
                                     "embedviz/media/audio.py"])
def test_a_file_outside_the_drawing_code_does_not_change_it(tree, outside):
    assert _touched(tree, tree / outside) == version(tree)


def test_a_new_file_and_a_module_a_scene_starts_to_import_are_covered(tree):
    base = version(tree)
    new_component = tree / "scenes" / "components" / "new_component.py"
    helper = tree / "embedcore" / "new_wrap.py"
    scene = tree / "scenes" / "lookup.py"
    original = scene.read_bytes()
    try:
        new_component.write_text("X = 1\n")
        with_component = version(tree)
        assert with_component != base
        helper.write_text("def wrap(text):\n    return text\n")
        assert version(tree) == with_component, "not imported by the drawing code yet"
        scene.write_bytes(original + b"\nfrom embedcore.new_wrap import wrap  # noqa\n")
        imported = version(tree)
        assert _touched(tree, helper) != imported
    finally:
        new_component.unlink(missing_ok=True)
        helper.unlink(missing_ok=True)
        scene.write_bytes(original)
    assert version(tree) == base
