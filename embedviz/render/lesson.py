"""One lesson, start to finish: plan → run the jobs (local pool by default, or any executor) → assemble."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from embedcore.lesson import CompiledLesson
from embedviz.executors.base import Executor
from embedviz.executors.local import LocalExecutor
from embedviz.narration.plan import NarrationPlan
from embedviz.options import Quality
from embedviz.render import events
from embedviz.render.assemble import assemble
from embedviz.render.outcome import RenderResult
from embedviz.render.plan import plan_lesson
from embedviz.render.queue import run_queue


def render_lesson(
    compiled: CompiledLesson,
    quality: Quality,
    out_root: Path,
    *,
    jobs: int = 1,
    use_cache: bool = True,
    only: Sequence[int] | None = None,
    fmt: str = "mp4",
    transparent: bool = False,
    on_event: events.OnEvent = events.ignore,
    executor: Executor | None = None,
    voices: NarrationPlan | None = None,
    cfr: bool = False,
) -> RenderResult:
    """Render ``compiled`` into ``out_root/<slug>/<quality>/`` and return what was written.

    ``executor`` defaults to a :class:`LocalExecutor` of ``jobs`` workers (the caller closes one it passes);
    ``voices``: the lesson's narration if already resolved (None: resolved while planning)."""
    plan = plan_lesson(compiled, quality, out_root, use_cache=use_cache, only=only, fmt=fmt,
                       transparent=transparent, on_event=on_event, voices=voices, cfr=cfr)
    try:
        if plan.todo:
            on_event(events.Started(len(plan.todo), min(jobs, len(plan.todo))))
        run_queue([plan], executor or LocalExecutor(jobs), on_event)
        return assemble(plan)
    except BaseException:
        plan.abandon()
        raise
