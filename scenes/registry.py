"""Segment type → Manim scene class, resolved from the import strings of :mod:`embedcore.segments`.

The registry itself lives with the storyboards (each segment module names its
``SCENE``); this module only imports those classes, so the forkserver that
preloads it has every scene ready.
"""
from __future__ import annotations

import importlib

from embedcore.segments import scene_paths

from .base import SegmentScene


def resolve(path: str) -> type[SegmentScene]:
    """``"scenes.lookup:LookupScene"`` → the class; a wrong string names itself."""
    module_name, _, attr = path.partition(":")
    if not attr:
        raise ImportError(f"scene {path!r} is not 'module:Class'")
    cls = getattr(importlib.import_module(module_name), attr, None)
    if not (isinstance(cls, type) and issubclass(cls, SegmentScene)):
        raise ImportError(f"scene {path!r}: {module_name} has no SegmentScene subclass {attr!r}")
    return cls


SCENES: dict[str, type[SegmentScene]] = {kind: resolve(path) for kind, path in scene_paths().items()}
