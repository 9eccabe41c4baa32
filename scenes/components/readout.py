"""Readouts that track a value (an epoch, a loss, a cosine) from prebuilt mobjects."""
from __future__ import annotations

from collections.abc import Callable, Hashable

from manim import Animation, Mobject, UpdateFromFunc, ValueTracker, VGroup


def on_change(key: Callable[[], Hashable], update: Callable[[Mobject], object]) -> Callable[[Mobject], None]:
    """An updater that calls ``update(m)`` only when ``key()`` has changed since its last call.

    For updaters that redraw from a sampled input (a sample index, an epoch):
    running one again with the same input draws the same picture, and a
    ``become`` costs milliseconds a mobject, every frame of a 60 fps render.
    """
    last: list = []

    def updater(m: Mobject) -> None:
        k = key()
        if not last or last[0] != k:
            last[:] = [k]
            update(m)
    return updater


class _Shared:
    """A list that ``copy.deepcopy`` shares instead of copying: Manim deep-copies a
    mobject at the start of every FadeIn/Transform, and copying all of a
    Readout's hidden items each time cost seconds per render."""

    def __init__(self, items) -> None:
        self.items = list(items)

    def __deepcopy__(self, memo):
        return self


class Readout(VGroup):
    """A readout that tracks a value: shows exactly one of several prebuilt mobjects
    (one per sample of the value), so following the value shapes no text per frame."""

    def __init__(self, items, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shared = _Shared(items)
        self.current = 0
        self.add(self.items[0])

    @property
    def items(self) -> list:
        return self._shared.items

    def show(self, k: int) -> None:
        if k != self.current:
            self.submobjects = [self.items[k]]
            self.current = k

    def follow(self, tracker: ValueTracker, index_of: Callable[[float], int]) -> Animation:
        """Played beside the tracker's own animation: keeps showing item ``index_of(tracker value)``."""
        return UpdateFromFunc(self, lambda m: m.show(index_of(tracker.get_value())))
