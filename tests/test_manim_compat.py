"""embedviz.draw.manim_compat: the Manim members embedviz overrides or uses, checked at import.

Fast: no render except the last test (a title card at 256x144, 5 fps, in a subprocess)."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from .conftest import ROOT

mc = pytest.importorskip("embedviz.draw.manim_compat")

# the modules that subclass Manim's classes
OVERRIDING = ("embedviz/draw/fast_frames.py", "embedviz/draw/chunk_renderer.py")


@pytest.mark.unit
def test_the_installed_manim_has_every_member_as_expected():
    assert mc.problems() == []


@pytest.mark.unit
def test_the_mirrored_manim_bodies_are_the_ones_embedviz_was_written_against():
    """A changed body is not an error at import (a patch release may reword it), but the overrides that
    repeat it (the dry play's clock, the frame hand-out) must be read against it again."""
    import manim
    changed = {k: mc.source_fingerprint(k) for k, v in mc.MIRRORED.items() if mc.source_fingerprint(k) != v}
    assert not changed, f"manim {manim.__version__} changed {sorted(changed)}: re-read them against " \
                        f"chunk_renderer/fast_frames and record the new fingerprints {changed} in MIRRORED"


def _embedviz_classes():
    from embedviz.draw import chunk_renderer, fast_frames
    return [c for m in (fast_frames, chunk_renderer) for c in vars(m).values()
            if isinstance(c, type) and c.__module__ == m.__name__]


def _manim_definer(cls: type, name: str) -> type | None:
    """The Manim class whose method ``name`` ``cls`` overrides (PathCache, FilledBackground and FastListing are
    mixins for cameras)."""
    mro = cls.__mro__ if cls.__name__ not in ("PathCache", "FilledBackground", "FastListing") else (mc.Camera,)
    return next((c for c in mro if c.__module__.startswith("manim.") and name in vars(c)), None)


@pytest.mark.unit
def test_every_overridden_manim_method_is_listed():
    """Each method an embedviz class defines that a Manim class in its bases defines is in MEMBERS as
    overridden, under that Manim class."""
    listed = {(m.owner, m.name) for m in mc.MEMBERS if m.overridden}
    found, missing = [], []
    for cls in _embedviz_classes():
        for name, value in vars(cls).items():
            definer = _manim_definer(cls, name) if callable(value) else None
            if definer is not None:
                found.append(name)
                if (definer, name) not in listed:
                    missing.append(f"{cls.__name__}.{name} overrides {definer.__name__}.{name}")
    assert {"render", "play", "_create_segment_encoder", "set_cairo_context_path"} <= set(found)
    assert not missing


@pytest.mark.unit
def test_every_private_manim_member_used_is_listed():
    """Every ``x._name`` in the overriding modules that names a member of a Manim base class is in MEMBERS."""
    listed = {m.name for m in mc.MEMBERS}
    bases = (mc.CairoRenderer, mc.Camera, mc.SceneFileWriter, mc.VideoSegmentEncoder)
    used = set()
    for path in OVERRIDING:
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                used.add(node.attr)
    private_manim = {name for name in used for base in bases if mc._assigned(base, name)}
    assert private_manim, "the scan must see the private members fast_frames uses"
    assert private_manim <= listed, sorted(private_manim - listed)


@pytest.mark.unit
@pytest.mark.parametrize("member", [m for m in mc.MEMBERS if m.params is not None], ids=lambda m: m.label())
def test_a_changed_signature_is_one_line_naming_the_member(monkeypatch, member):
    def changed(self, something_else):
        pass
    monkeypatch.setattr(member.owner, member.name, changed)
    found = mc.problems()
    assert found == [f"embedviz needs manim 0.22.x: {member.label()} changed in manim "
                     f"{__import__('manim').__version__} (now {member.name}(something_else))"]


@pytest.mark.parametrize("member", [m for m in mc.MEMBERS if m.name in ("render", "_create_segment_encoder",
                                                                        "_validate_frame", "update_to_time")],
                         ids=lambda m: m.label())
@pytest.mark.unit
def test_a_missing_method_is_named(monkeypatch, member):
    for cls in member.owner.__mro__:
        if member.name in vars(cls):
            monkeypatch.delattr(cls, member.name)
    assert mc.problems() == [f"embedviz needs manim 0.22.x: {member.label()} is gone in manim "
                             f"{__import__('manim').__version__}"]


@pytest.mark.unit
def test_a_missing_attribute_is_named():
    fake = mc.Member(mc.VideoSegmentEncoder, "_no_such_stream", "test")
    real = [m for m in mc.MEMBERS if m.name == "_stream"]
    assert mc.problems((*real, fake)) == [
        f"embedviz needs manim 0.22.x: VideoSegmentEncoder._no_such_stream is gone in manim "
        f"{__import__('manim').__version__}"]


@pytest.mark.unit
def test_importing_the_drawing_code_fails_in_one_line_on_a_changed_manim():
    """A Manim whose CairoRenderer.render lost a parameter: importing fast_frames fails before any
    subclass is defined, with one line naming the version and the member."""
    code = ("import manim; manim.__version__ = '0.23.1'\n"
            "from manim.renderer.cairo_renderer import CairoRenderer\n"
            "def render(self, scene, time): pass\n"
            "CairoRenderer.render = render\n"
            "try:\n"
            "    import embedviz.draw.fast_frames\n"
            "except ImportError as e:\n"
            "    print(repr(str(e))); raise SystemExit(3)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 3, r.stdout + r.stderr
    assert r.stdout.strip() == repr("embedviz needs manim 0.22.x: CairoRenderer.render(scene, time, "
                                    "moving_mobjects=None) changed in manim 0.23.1 (now render(scene, time))")


def _python_files(*folders: str):
    for folder in folders:
        yield from (ROOT / folder).rglob("*.py")


@pytest.mark.unit
def test_only_manim_compat_imports_manims_internals():
    """embedviz reaches Manim's renderer, camera, file writer and encoder through manim_compat only
    (``from manim import ...``, the public namespace, is fine)."""
    offenders = []
    for path in _python_files("embedviz"):
        if path.name == "manim_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("manim.")]
    assert not offenders


@pytest.mark.unit
def test_no_class_is_reassigned():
    offenders = []
    for path in _python_files("embedviz", "scenes", "embedcore"):
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno}" for t in targets
                          if isinstance(t, ast.Attribute) and t.attr == "__class__"]
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and len(node.args) > 1 \
                    and isinstance(node.args[1], ast.Constant) and node.args[1].value == "__class__":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders


@pytest.mark.unit
def test_a_chunk_renderer_is_built_as_a_subclass_of_the_whole_render_one():
    from embedviz.draw.chunk_renderer import PartRenderer
    from embedviz.draw.chunks import Part
    from embedviz.draw.fast_frames import PooledCairoRenderer
    from embedviz.draw.worker import make_renderer
    from scenes.lookup import LookupScene

    part = Part(1, 3, 12.0)
    fast = make_renderer(LookupScene, plain=False, vfr=True, part=part)
    assert isinstance(fast, PartRenderer) and isinstance(fast, PooledCairoRenderer) and fast.part == part
    plain = make_renderer(LookupScene, plain=True, part=part)
    assert isinstance(plain, PartRenderer) and not isinstance(plain, PooledCairoRenderer)
    assert type(plain).__mro__[1:] == (PartRenderer, mc.CairoRenderer, object)
    assert make_renderer(LookupScene, plain=True) is None, "plain and whole: Manim builds its own renderer"
    assert type(make_renderer(LookupScene, plain=False)) is PooledCairoRenderer


@pytest.mark.unit
def test_plain_manim_never_splits(monkeypatch):
    from embedviz.executors import split

    class Job:
        fmt, expected, width, height, fps = "mp4", 35.0, 1920, 1080, 60
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "3")
    assert all(p is not None for _, p in split.split_jobs([Job(), Job()], 2))
    monkeypatch.setenv("EMBEDVIZ_PLAIN_MANIM", "1")
    assert all(p is None for _, p in split.split_jobs([Job(), Job()], 2))


@pytest.mark.render
def test_plain_manim_loads_none_of_embedvizs_manim_code(tmp_path):
    """EMBEDVIZ_PLAIN_MANIM=1: a render with stock Manim imports neither manim_compat nor the overrides."""
    code = ("import os, sys\n"
            "os.environ['EMBEDVIZ_PLAIN_MANIM'] = '1'\n"
            "from pathlib import Path\n"
            "from embedcore.lesson import load_lesson\n"
            "from embedcore.title_card import title_card\n"
            "from embedviz.draw.worker import render_clip\n"
            "lesson = load_lesson('configs/lookup.yaml')\n"
            f"out = render_clip(title_card(lesson), lesson.lesson.style, 256, 144, 5, Path({str(tmp_path)!r}) / 'c.mp4')\n"
            "ours = sorted(m for m in sys.modules if m.startswith('embedviz.draw.') and m != 'embedviz.draw.worker'"
            " and m != 'embedviz.draw.chunks')\n"
            "print(ours, out['pictures'], 'manim' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["[]", "None", "True"], r.stdout
    assert (tmp_path / "c.mp4").stat().st_size > 1000
