"""One queue of segment jobs for any number of lessons, each distinct segment rendered once.

Jobs are grouped by content key: a segment that two variants share (the
title card of the same lesson, a ``matrix-shape`` that does not depend on the
tokens) is rendered for the first and copied to the others. A key already in
one lesson's cache is copied, not rendered, for every other lesson that needs
it. The executor (local pool or Dask cluster) only ever sees distinct jobs.
"""
from __future__ import annotations

import inspect
import os
import shutil
from collections.abc import Callable, Sequence

from embedviz.executors import split
from embedviz.render.pipeline import Job, LessonPlan, finish_job


def _copy(src, dst) -> None:
    tmp = dst.with_name(dst.name + ".part")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def run_queue(plans: Sequence[LessonPlan], executor, on_event: Callable[[str, dict], None] = lambda k, i: None,
              on_complete: Callable[[LessonPlan], None] = lambda plan: None, share: bool = True) -> dict:
    """Render every plan's jobs; call ``on_complete(plan)`` once, as each lesson's last segment arrives.

    Returns counts: ``rendered`` (jobs the executor ran), ``shared`` (copies).
    ``share=False`` renders every job, shared or not (to measure what sharing saves).
    A clip is copied to every video that shares it before any of those videos is
    completed, so completing one (which may move its files) never takes a clip
    from under another.
    """
    owner: dict[int, LessonPlan] = {}
    have: dict[str, object] = {}                     # key -> a finished clip path
    for plan in plans:
        for idx, res in plan.results.items():
            have.setdefault(plan.keys[idx], res.clip)
    followers: dict[str, list[Job]] = {}
    leaders: list[Job] = []
    counts = {"rendered": 0, "shared": 0}
    for plan in plans:
        for job in plan.todo:
            owner[id(job)] = plan
            if not share:
                leaders.append(job)
            elif job.key in followers:
                followers[job.key].append(job)
            elif job.key in have:
                _share(job, have[job.key], plan, on_event, counts)
            else:
                followers[job.key] = []
                leaders.append(job)
    completed: set[int] = set()

    def complete(candidates) -> None:
        for plan in candidates:
            if id(plan) not in completed and plan.complete:
                completed.add(id(plan))
                on_complete(plan)

    complete(plans)
    leaders.sort(key=lambda job: -job.expected)

    def result(job: Job, out: dict) -> None:
        plan = owner[id(job)]
        plan.results[job.storyboard.index] = finish_job(job, out, plan.voices)
        counts["rendered"] += 1
        on_event("rendered", {"index": job.storyboard.index, "type": job.storyboard.type,
                              "seconds": out["seconds"], "chunks": out.get("chunks", 1), "lesson": job.lesson})
        touched = [plan]
        for other in followers.pop(job.key, []):
            _share(other, job.clip, owner[id(other)], on_event, counts, out)
            touched.append(owner[id(other)])
        complete(touched)

    def begin(job: Job) -> None:
        on_event("begin", {"index": job.storyboard.index, "type": job.storyboard.type, "lesson": job.lesson})

    def prepare(job: Job) -> None:
        """The segment's beats, once its voice exists (synthesis runs while earlier jobs render)."""
        voices = owner[id(job)].voices
        if voices is not None:
            for message in voices.wait(job.storyboard.index):
                on_event("warning", {"message": message})
            job.storyboard = voices.storyboard(job.storyboard)
        for other in followers.get(job.key, []):          # shared jobs keep their own lesson's lines
            other_voices = owner[id(other)].voices
            if other_voices is not None:
                other.storyboard = other_voices.storyboard(other.storyboard)

    # long segments in chunks on several workers (split.run hands the executor chunk jobs)
    if "prepare" in inspect.signature(executor.run).parameters:
        split.run(executor, leaders, result, begin, on_event, prepare)
    else:                       # an executor of the older interface: every voice before the first job
        for job in leaders:
            prepare(job)
        split.run(executor, leaders, result, begin, on_event)
    return counts


def _share(job: Job, clip, plan: LessonPlan, on_event, counts, out: dict | None = None) -> None:
    """Give ``job`` a copy of an identical clip instead of rendering it again."""
    import json
    if out is None:                                   # from a cache entry: its timing and cues
        meta = json.loads(clip.with_name(clip.name + ".json").read_text())
        out = {"duration": meta["duration"], "cues": meta["cues"], "seconds": 0.0,
               "peak_rss_mb": meta.get("worker_peak_rss_mb")}
    if clip != job.clip:
        _copy(clip, job.clip)
    plan.results[job.storyboard.index] = finish_job(job, {**out, "seconds": 0.0}, plan.voices)
    counts["shared"] += 1
    on_event("shared", {"index": job.storyboard.index, "type": job.storyboard.type, "lesson": job.lesson})
