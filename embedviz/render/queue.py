"""One queue of segment jobs for any number of lessons, each distinct segment rendered once.

Jobs are grouped by content key: a segment that two variants share (the
title card of the same lesson, a ``matrix-shape`` that does not depend on the
tokens) is rendered for the first and copied to the others. A key already in
one lesson's cache is copied, not rendered, for every other lesson that needs
it. The executor (local pool or Dask cluster) only ever sees distinct jobs.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from embedcore.integrity import atomic_copy
from embedviz.executors.base import Executor, JobListener
from embedviz.executors.split import SplitExecutor
from embedviz.render import events
from embedviz.render.assemble import finish_job
from embedviz.render.outcome import ClipOutcome
from embedviz.render.plan import Job, LessonPlan


class _Queue(JobListener):
    """The plans' jobs: who owns each, who shares its clip, which plans are complete."""

    def __init__(self, plans: Sequence[LessonPlan], on_event: events.OnEvent,
                 on_complete: Callable[[LessonPlan], None]) -> None:
        self.plans, self.on_event, self.on_complete = plans, on_event, on_complete
        self.owner: dict[int, LessonPlan] = {}
        self.followers: dict[str, list[Job]] = {}
        self.counts = {"rendered": 0, "shared": 0}
        self.completed: set[int] = set()

    def complete(self, candidates: Sequence[LessonPlan]) -> None:
        for plan in candidates:
            if id(plan) not in self.completed and plan.complete:
                self.completed.add(id(plan))
                self.on_complete(plan)

    def prepare(self, job: Job) -> None:
        """The segment's beats, once its voice exists (synthesis runs while earlier jobs render)."""
        voices = self.owner[id(job)].voices
        for message in voices.wait(job.storyboard.index):
            self.on_event(events.Warned(message))
        job.storyboard = voices.storyboard(job.storyboard)
        for other in self.followers.get(job.key, []):          # shared jobs keep their own lesson's lines
            other.storyboard = self.owner[id(other)].voices.storyboard(other.storyboard)

    def begin(self, job: Job) -> None:
        self.on_event(events.Begun(job.storyboard.index, job.storyboard.type, job.lesson))

    def damaged(self, job: Job, why: str) -> None:
        self.on_event(events.Damaged(job.storyboard.index, job.storyboard.type, job.lesson, why, "stored clip"))

    def result(self, job: Job, outcome: ClipOutcome) -> None:
        plan = self.owner[id(job)]
        plan.results[job.storyboard.index] = finish_job(job, outcome, plan.voices)
        self.counts["rendered"] += 1
        self.on_event(events.Rendered(job.storyboard.index, job.storyboard.type, job.lesson, outcome.seconds,
                                      outcome.chunks))
        touched = [plan]
        for other in self.followers.pop(job.key, []):
            self.share(other, job.clip, outcome)
            touched.append(self.owner[id(other)])
        self.complete(touched)

    def share(self, job: Job, clip: Path, out: ClipOutcome | None = None) -> None:
        """Give ``job`` a copy of an identical clip instead of rendering it again."""
        plan = self.owner[id(job)]
        if out is None:                                   # from a cache entry: its timing and cues
            out = ClipOutcome.from_entry(json.loads(clip.with_name(clip.name + ".json").read_text()))
        if clip != job.clip:
            atomic_copy(clip, job.clip)
        plan.results[job.storyboard.index] = finish_job(job, replace(out, seconds=0.0), plan.voices)
        self.counts["shared"] += 1
        self.on_event(events.Shared(job.storyboard.index, job.storyboard.type, job.lesson))


def run_queue(plans: Sequence[LessonPlan], executor: Executor, on_event: events.OnEvent = events.ignore,
              on_complete: Callable[[LessonPlan], None] = lambda plan: None, share: bool = True) -> dict:
    """Render every plan's jobs; call ``on_complete(plan)`` once, as each lesson's last segment arrives.

    Returns counts: ``rendered`` (jobs the executor ran), ``shared`` (copies).
    ``share=False`` renders every job, shared or not (to measure what sharing saves).
    A clip is copied to every video that shares it before any of those videos is
    completed, so completing one (which may move its files) never takes a clip
    from under another.
    """
    queue = _Queue(plans, on_event, on_complete)
    have: dict[str, Path] = {}                     # key -> a finished clip path
    for plan in plans:
        for idx, res in plan.results.items():
            have.setdefault(plan.keys[idx], res.clip)
    leaders: list[Job] = []
    for plan in plans:
        for job in plan.todo:
            queue.owner[id(job)] = plan
            if not share:
                leaders.append(job)
            elif job.key in queue.followers:
                queue.followers[job.key].append(job)
            elif job.key in have:
                queue.share(job, have[job.key])
            else:
                queue.followers[job.key] = []
                leaders.append(job)
    queue.complete(plans)
    leaders.sort(key=lambda job: -job.expected)
    # long segments in chunks on several workers (the split executor hands the executor chunk jobs)
    SplitExecutor(executor, on_event).run(leaders, queue)
    return queue.counts
