"""The segment registry: one entry per segment ``type``, found, not listed.

Every module in this package that defines ``TYPE`` is a segment type. It
declares, in one place:

- ``TYPE``: the name lessons write (``type: lookup``);
- ``Options``: a :class:`~embedcore.config.SegmentBase` model of its YAML keys
  (its docstring and ``Field(description=...)`` texts become README's table);
- ``build(lesson, options, index) -> Storyboard``: every number it shows;
- ``SCENE``: its Manim scene as an import string (``"scenes.lookup:LookupScene"``),
  so this package never imports Manim (:mod:`scenes.registry` resolves it);
- ``ORDER``: its place in the lesson schema and the README table.

Modules without ``TYPE`` are helpers (``common``, ``provenance``, ``_geometry``).
The lesson schema, ``validate``, ``inspect``, rendering, the README tables and the
tests all iterate :data:`SEGMENT_TYPES`, so a new type is its storyboard module,
its scene module and its example lesson ``configs/<type>.yaml``.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from ..config import SegmentBase, build_lesson_model
from ..storyboard import Storyboard
from ..title_card import title_card

if TYPE_CHECKING:
    from ..lesson import CompiledLesson, Lesson

#: what a segment module must define besides ``TYPE``
REQUIRED = ("Options", "build", "SCENE", "ORDER")


@dataclass(frozen=True)
class SegmentType:
    """One registry entry: what the lesson accepts, how it is computed, how it is drawn."""

    name: str                                   # the `type:` a lesson writes
    options: type[SegmentBase] | None           # None for the title card (not a lesson segment)
    build: Callable[..., Storyboard]
    scene: str                                  # "module:Class", resolved by scenes.registry
    order: int
    module: str

    @property
    def example(self) -> str:
        """The example lesson every type ships: ``configs/<type>.yaml``."""
        return f"configs/{self.name}.yaml"


def _entry(module: ModuleType) -> SegmentType:
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        raise ImportError(f"segment module {module.__name__} (TYPE {module.TYPE!r}) does not define "
                          f"{', '.join(missing)}: see docs/architecture.md, 'Adding a segment type'")
    opts = module.Options
    declared = opts.model_fields["type"].annotation.__args__
    if declared != (module.TYPE,):
        raise ImportError(f"{module.__name__}: Options.type is Literal{list(declared)} but TYPE is {module.TYPE!r}")
    return SegmentType(module.TYPE, opts, module.build, module.SCENE, module.ORDER, module.__name__)


def discover() -> tuple[SegmentType, ...]:
    """Import every module of this package; those with ``TYPE`` are segment types, in ``ORDER``."""
    entries = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "TYPE"):
            entries.append(_entry(module))
        elif hasattr(module, "build") or hasattr(module, "Options"):
            raise ImportError(f"{module.__name__} defines build/Options but no TYPE: name its segment type")
    entries.sort(key=lambda e: e.order)
    for a, b in zip(entries, entries[1:]):
        if a.order == b.order:
            raise ImportError(f"segment types {a.name!r} and {b.name!r} share ORDER {a.order}")
    return tuple(entries)


def _title_card(compiled: CompiledLesson, index: int = 0) -> Storyboard:
    return title_card(compiled)


#: every segment type, in README order
SEGMENT_TYPES: dict[str, SegmentType] = {e.name: e for e in discover()}
#: the lesson's opening card: drawn like a segment, but not something a lesson lists
TITLE_CARD = SegmentType("title", None, _title_card, "scenes.title_card:TitleCardScene", 0, "embedcore.title_card")
LessonConfig = build_lesson_model([e.options for e in SEGMENT_TYPES.values() if e.options is not None])


def scene_paths() -> dict[str, str]:
    """Segment type (and ``"title"``) → the import string of its scene class."""
    return {TITLE_CARD.name: TITLE_CARD.scene, **{t: e.scene for t, e in SEGMENT_TYPES.items()}}


def build_storyboard(lesson: Lesson, index: int) -> Storyboard:
    options = lesson.config.segments[index]
    return SEGMENT_TYPES[options.type].build(lesson, options, index)
