"""Segment type → Manim scene class (the drawing half of the registry)."""
from __future__ import annotations

from .lookup import LookupScene

SCENES = {
    "lookup": LookupScene,
}
