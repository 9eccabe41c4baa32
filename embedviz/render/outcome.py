"""What a render hands back: one clip's outcome, one segment's result, one lesson's files.

:class:`ClipOutcome` is the answer a worker gives for one job (a whole
segment or one chunk of it). It is frozen and made of plain values, so it
pickles across a process pool and a Dask cluster unchanged; every stage that
adds to it (the worker's timing, the chunk join, the voice's cue times)
returns a new one with :func:`dataclasses.replace`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ClipOutcome:
    """One rendered job: the clip's timing and caption cues, and what it cost.

    ``frames`` counts frames at the nominal rate, ``pictures`` the distinct
    pictures drawn, ``encoded`` the frames encoded (None where stock Manim
    does not tell). A chunk (:class:`~embedviz.draw.chunks.Part`) also carries
    its clock ``start``/``end``, its ``plays`` and the names of its
    ``partials`` (partial movies); a joined segment its ``chunks`` count and
    each chunk's ``chunk_seconds``. ``worker``/``task`` name where a cluster
    ran it.
    """

    duration: float
    cues: tuple[dict[str, Any], ...]
    frames: int | None = None
    pictures: int | None = None
    encoded: int | None = None
    seconds: float = 0.0                   # wall time of the render (0 for a copy or a stored clip)
    cpu_seconds: float | None = None       # the worker's CPU time on it (drawing and encoding threads)
    peak_rss_mb: int | None = None         # the worker process's peak so far
    chunks: int = 1
    chunk_seconds: tuple[float, ...] = ()
    start: float | None = None             # a chunk's clock where its first play starts
    end: float | None = None               # ... and where it stops
    plays: tuple[int, int] | None = None   # [first, last + 1) of the plays a chunk rendered
    partials: tuple[str, ...] = ()
    worker: str | None = None
    task: str | None = None

    @classmethod
    def from_worker(cls, answer: dict[str, Any], **extra: Any) -> ClipOutcome:
        """The outcome from :func:`embedviz.draw.worker.render_clip`'s answer (a dict) and ``extra`` fields."""
        fields = {**answer, "cues": tuple(dict(c) for c in answer["cues"])}    # a key it does not know: TypeError
        if "partials" in fields:
            fields["partials"] = tuple(fields["partials"])
        if fields.get("plays") is not None:
            fields["plays"] = tuple(fields["plays"])
        return cls(**{**fields, **extra})

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> ClipOutcome:
        """The outcome a cache entry records (a clip reused or copied: no render time)."""
        return cls(entry["duration"], tuple(entry["cues"]), peak_rss_mb=entry.get("worker_peak_rss_mb"))

    def entry(self) -> dict[str, Any]:
        """What a clip's cache entry records about its render."""
        return {"duration": self.duration, "cues": list(self.cues), "render_seconds": round(self.seconds, 2),
                "worker_peak_rss_mb": self.peak_rss_mb,
                "cpu_seconds": round(self.cpu_seconds, 2) if self.cpu_seconds is not None else None,
                "frames": self.frames, "pictures": self.pictures, "encoded": self.encoded, "chunks": self.chunks}


@dataclass
class SegmentResult:
    """A segment's clip in a lesson (rendered now, reused from the cache, or copied)."""

    index: int
    type: str
    title: str
    clip: Path
    duration: float
    cues: list[dict[str, Any]]
    cached: bool
    seconds: float = 0.0


@dataclass
class RenderResult:
    """A finished lesson: its folder, its video, its segments and every file written."""

    out_dir: Path
    video: Path
    segments: list[SegmentResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
