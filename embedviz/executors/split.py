"""Both cores busy until the end: long segments split into chunks on different workers.

Jobs run longest first, but when one segment is long against the lesson's
total, the other workers run out of jobs while it renders. :func:`chunk_counts`
simulates the schedule (each worker takes the next job when it is free, as the
pool and Dask do) and splits the segments whose chunks shorten it: chunk k of n
renders the plays that start in the k-th n-th of the segment's expected time
(:mod:`.chunks`), at the price of running the scene's construct dry up to its
slice. A split must save a clear share of the lesson's wall time after that
price, so short lessons, one worker, and schedules without an idle tail are
never split.

:class:`SplitExecutor` wraps any executor: it expands the jobs into chunk jobs, joins a
segment's chunks (their partial movies, by stream copy) into its one clip as
soon as the last arrives, and hands the executor's callback one result per
segment, as if it had not been split. The chunks are built in a dot-folder
beside the clip in the staging folder (never moved into place) and removed
after the join or when the render stops.
"""
from __future__ import annotations

import heapq
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from embedviz.draw.chunks import Part, join
from embedviz.executors.base import Executor, JobListener
from embedviz.media.video import remux
from embedviz.render import events
from embedviz.render.outcome import ClipOutcome
from embedviz.render.plan import Job
from embedviz.render.staging import public_path

SPLIT_FORMATS = ("mp4", "webm", "mov")   # a GIF's frames are re-encoded with one palette: not a stream copy
MIN_CHUNK = 4.0          # seconds of video in a chunk at least
MAX_CHUNKS = 8           # per segment
MIN_GAIN = 0.04          # a split must shorten the simulated wall time by this share ...
MIN_GAIN_SECONDS = 1.0   # ... and by this many CPU-seconds

# The cost model, in CPU-seconds (measured on the 2-core machine, manim 0.22; see docs/architecture.md).
CHUNK_SECONDS = 2.5      # a chunk's fixed price: the scene's build (text, formulas) and deep copies again
DRY_PER_SECOND = 0.1     # running construct dry, per second of video before the chunk's slice


def render_rate(width: int, height: int, fps: int) -> float:
    """CPU-seconds to render a second of video: ≈ 2.0 at 1080p60, ≈ 0.5 at 720p30 (drawing and
    encoding grow with pixels a second; Manim's bookkeeping with frames a second)."""
    return 0.05 * fps / 60 + 1.95 * (width * height * fps) / (1920 * 1080 * 60)


def makespan(costs: Sequence[float], workers: int) -> float:
    """Wall time of ``costs`` run in this order by ``workers`` that each take the next when free."""
    free = [0.0] * max(1, workers)
    for c in costs:
        heapq.heapreplace(free, free[0] + c)
    return max(free)


def chunk_costs(seconds: float, n: int, rate: float) -> list[float]:
    """CPU-seconds of each of ``n`` chunks of a segment of ``seconds`` (one chunk: the whole job)."""
    if n == 1:
        return [rate * seconds]
    return [rate * seconds / n + CHUNK_SECONDS + DRY_PER_SECOND * seconds * k / n for k in range(n)]


def _schedule(expected: Sequence[float], counts: Sequence[int], rate: float, workers: int) -> float:
    costs = [c for s, n in zip(expected, counts) for c in chunk_costs(s, n, rate)]
    return makespan(sorted(costs, reverse=True), workers)


def chunk_counts(expected: Sequence[float], workers: int, rate: float,
                 splittable: Sequence[bool] | None = None) -> list[int]:
    """How many chunks each job gets (1: not split), greedily: while splitting one more job once
    more shortens the simulated wall time by at least ``MIN_GAIN``, do the best such split."""
    counts = [1] * len(expected)
    if workers <= 1 or not expected:
        return counts
    ok = list(splittable) if splittable is not None else [True] * len(expected)
    best = _schedule(expected, counts, rate, workers)
    while True:
        trials = []
        for i, s in enumerate(expected):
            n = counts[i] + 1
            if ok[i] and n <= MAX_CHUNKS and s / n >= MIN_CHUNK:
                trial = [*counts[:i], n, *counts[i + 1:]]
                trials.append((_schedule(expected, trial, rate, workers), i))
        if not trials:
            return counts
        wall, i = min(trials)
        if best - wall < max(MIN_GAIN * best, MIN_GAIN_SECONDS):
            return counts
        counts[i] += 1
        best = wall


@dataclass
class _Segment:
    """A split job's chunks in flight."""

    job: Job
    folder: Path
    outs: dict[int, ClipOutcome] = field(default_factory=dict)
    begun: bool = False
    prepared: bool = False


def chunk_folder(clip: Path) -> Path:
    """Where a split clip's chunks are built: a dot-folder beside it (staging never moves it)."""
    return clip.with_name(f".{clip.name}.chunks")


def setting() -> int | None:
    """``$EMBEDVIZ_SPLIT``: ``0`` never splits (the benchmark's side-by-side figure), ``N`` > 1
    splits every segment that can be split into N chunks (tests), unset or ``auto`` decides.
    ``EMBEDVIZ_PLAIN_MANIM=1`` (stock Manim) never splits: a chunk needs embedviz's renderer."""
    if os.environ.get("EMBEDVIZ_PLAIN_MANIM") == "1":
        return 0
    value = os.environ.get("EMBEDVIZ_SPLIT", "auto").strip().lower()
    if value in ("", "auto"):
        return None
    if not value.isdigit():
        raise ValueError(f"EMBEDVIZ_SPLIT={value!r}: expected auto, 0 or a number of chunks")
    return int(value)


def split_jobs(todo: Sequence[Job], workers: int,
               splittable: Callable[[Job], bool] = lambda job: True) -> list[tuple[Job, Part | None]]:
    """``todo`` as (job, part) pairs, longest first: a whole job has part None."""
    forced = setting()
    if workers <= 1 or not todo or forced == 0:
        return [(job, None) for job in todo]
    first = todo[0]
    rate = render_rate(first.width, first.height, first.fps)
    expected = [max(job.expected, 0.1) for job in todo]
    ok = [job.fmt in SPLIT_FORMATS and splittable(job) for job in todo]
    if forced is None:
        counts = chunk_counts(expected, workers, rate, ok)
    else:
        counts = [forced if can else 1 for can in ok]
    pieces = []
    for job, s, n in zip(todo, expected, counts):
        for k, cost in enumerate(chunk_costs(s, n, rate)):
            pieces.append((cost, job, Part(k, n, s) if n > 1 else None))
    pieces.sort(key=lambda p: -p[0])
    return [(job, part) for _, job, part in pieces]


class SplitExecutor(Executor):
    """``inner`` with long segments split across its workers (:func:`split_jobs`).

    Its listener hears of each segment once, as if it had not been split:
    ``prepare`` before the segment's first chunk goes out (its chunks share the
    prepared storyboard), ``begin`` with the first chunk, ``result`` when the last
    chunk arrives and the segment's chunks are joined into its clip (which
    ``inner.keep`` is then given)."""

    def __init__(self, inner: Executor, on_event: events.OnEvent = events.ignore) -> None:
        super().__init__(inner.jobs)
        self.inner, self.on_event = inner, on_event

    def splittable(self, job: Job) -> bool:
        return self.inner.splittable(job)

    def keep(self, job: Job, outcome: ClipOutcome) -> None:
        self.inner.keep(job, outcome)

    def close(self) -> None:
        self.inner.close()

    def run(self, todo: Sequence[Job], listener: JobListener) -> None:
        pairs = split_jobs(todo, self.inner.jobs, self.inner.splittable)
        if all(part is None for _, part in pairs):
            self.inner.run(todo, listener)
            return
        segments: dict[int, _Segment] = {}
        expanded: list[Job] = []
        owner: dict[int, _Segment] = {}
        for job, part in pairs:
            if part is None:
                expanded.append(job)
                continue
            seg = segments.get(id(job))
            if seg is None:
                seg = segments[id(job)] = _Segment(job, chunk_folder(job.clip))
                shutil.rmtree(seg.folder, ignore_errors=True)
                self.on_event(events.Split(job.storyboard.index, job.storyboard.type, job.lesson, part.count))
            piece = replace(job, clip=seg.folder / f"{part.index}", part=part)
            owner[id(piece)] = seg
            expanded.append(piece)
        try:
            self.inner.run(expanded, _Chunks(self, listener, owner))
        finally:
            for seg in segments.values():
                shutil.rmtree(seg.folder, ignore_errors=True)


class _Chunks(JobListener):
    """Between the inner executor (which reports chunks) and the listener (which hears of segments)."""

    def __init__(self, executor: SplitExecutor, listener: JobListener, owner: dict[int, _Segment]) -> None:
        self.executor, self.listener, self.owner = executor, listener, owner

    def prepare(self, piece: Job) -> None:
        seg = self.owner.get(id(piece))
        if seg is None:
            self.listener.prepare(piece)
            return
        if not seg.prepared:
            self.listener.prepare(seg.job)
            seg.prepared = True
        piece.storyboard = seg.job.storyboard

    def damaged(self, piece: Job, why: str) -> None:
        seg = self.owner.get(id(piece))
        self.listener.damaged(piece if seg is None else seg.job, why)

    def begin(self, piece: Job) -> None:
        seg = self.owner.get(id(piece))
        if seg is None:
            self.listener.begin(piece)
        elif not seg.begun:
            seg.begun = True
            self.listener.begin(seg.job)

    def result(self, piece: Job, outcome: ClipOutcome) -> None:
        seg = self.owner.get(id(piece))
        if seg is None:
            self.listener.result(piece, outcome)
            return
        seg.outs[piece.part.index] = outcome
        if len(seg.outs) == piece.part.count:
            joined = _joined(seg)
            self.executor.keep(seg.job, joined)
            self.listener.result(seg.job, joined)


def _joined(seg: _Segment) -> ClipOutcome:
    """Join a segment's chunks into its clip; return the outcome an unsplit render would give."""
    job, outs = seg.job, [seg.outs[k] for k in sorted(seg.outs)]
    for a, b in zip(outs, outs[1:]):      # each chunk starts where the previous one stopped, to the last bit
        if a.end != b.start:
            raise RuntimeError(f"{public_path(job.clip)}: chunk clocks disagree ({a.end!r} vs {b.start!r})")
    partials = [seg.folder / str(k) / name for k, out in enumerate(outs) for name in out.partials]
    movie = seg.folder / f"joined{job.clip.suffix}"
    join(partials, movie, alpha_webm=job.transparent and job.fmt == "webm")
    remux(movie, job.clip)
    shutil.rmtree(seg.folder, ignore_errors=True)
    last = outs[-1]

    def total(values):                    # the chunks' work adds up (unknown if any chunk does not tell)
        values = list(values)
        return sum(values) if all(v is not None for v in values) else None

    peaks = [o.peak_rss_mb for o in outs]
    return ClipOutcome(last.duration, last.cues, frames=total(o.frames for o in outs),
                       pictures=total(o.pictures for o in outs), encoded=total(o.encoded for o in outs),
                       seconds=sum(o.seconds for o in outs), cpu_seconds=total(o.cpu_seconds for o in outs),
                       peak_rss_mb=max(p or 0 for p in peaks) if any(p is not None for p in peaks) else None,
                       chunks=len(outs), chunk_seconds=tuple(round(o.seconds, 2) for o in outs))
