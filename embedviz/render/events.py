"""Progress events: what a render tells its caller as it goes, one dataclass a kind.

A caller passes ``on_event(event)`` and matches on the class (``match event:
case Rendered(index=i, seconds=s): ...``); every field is typed, so a printer
cannot ask for a key an event does not carry. Segment events share
:class:`SegmentEvent`'s ``index``, ``type`` and ``lesson`` (the lesson's slug).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """Any progress event."""


@dataclass(frozen=True)
class Warned(Event):
    """Something renders, but the author should know (a long line, a format without sound)."""

    message: str


@dataclass(frozen=True)
class NarrationReady(Event):
    """The lesson's voices: lines, voiced lines, seconds of speech and how each was found."""

    lines: int
    voiced: int
    seconds: float
    wall: float
    synthesised: int = 0
    cached: int = 0
    decoded: int = 0
    pending: int = 0


@dataclass(frozen=True)
class Waiting(Event):
    """Another render holds the output folder; this one waits."""

    message: str
    lesson: str


@dataclass(frozen=True)
class Note(Event):
    """The staging folder found something from an earlier render (finished, or salvaged)."""

    message: str
    lesson: str


@dataclass(frozen=True)
class Started(Event):
    """``count`` jobs are about to render on ``jobs`` workers."""

    count: int
    jobs: int


@dataclass(frozen=True)
class Planned(Event):
    """A course's videos are planned: ``segments`` in all, ``jobs`` of them to render."""

    videos: int
    segments: int
    jobs: int


@dataclass(frozen=True)
class SegmentEvent(Event):
    """Something happened to one segment of a lesson."""

    index: int
    type: str
    lesson: str


@dataclass(frozen=True)
class Cached(SegmentEvent):
    """Its clip is reused from the output folder's cache."""


@dataclass(frozen=True)
class Damaged(SegmentEvent):
    """Its ``what`` (the output folder's cached clip, or the Dask store's) is not reused, because ``why``;
    it renders again."""

    why: str
    what: str = "cached clip"


@dataclass(frozen=True)
class Missing(SegmentEvent):
    """``--segment`` keeps the others, but this one has no clip yet: it renders."""


@dataclass(frozen=True)
class Begun(SegmentEvent):
    """Handed to a worker."""


@dataclass(frozen=True)
class Split(SegmentEvent):
    """Rendered as ``chunks`` chunks on several workers."""

    chunks: int


@dataclass(frozen=True)
class Rendered(SegmentEvent):
    """Its clip is rendered (``seconds`` of worker time, summed over its ``chunks``)."""

    seconds: float
    chunks: int = 1


@dataclass(frozen=True)
class Shared(SegmentEvent):
    """An identical segment of another video was rendered: its clip is copied."""


@dataclass(frozen=True)
class LessonDone(Event):
    """A course's video is assembled."""

    name: str
    duration: float
    rendered: int
    reused: int
    page: str


OnEvent = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The default listener."""
