"""Fading out a picture whose parts were brought on screen one by one."""
from __future__ import annotations

from manim import FadeOut, Mobject


class FadeOutAll(FadeOut):
    """``FadeOut(group)`` that also takes off the group's parts that were added on their own.

    A part played in by its own animation (``FadeIn(part)``) sits in the scene's list by itself;
    removing the group leaves it there, and a FadeOut restores what it faded once it ends, so the
    part would reappear. This removes the group's whole family from the scene.
    """

    def __init__(self, group: Mobject, **kwargs) -> None:
        super().__init__(group, **kwargs)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        scene.remove(*self.mobject.get_family())
