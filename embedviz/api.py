"""The Python API: what the CLI, ``embedviz build``, ``watch`` and notebooks all call.

``render(path_or_dict, ...)`` validates, renders and writes the lesson folder
(video, clips, captions, chapters, manifest, thumbnail, ``index.html``,
``transcript.txt`` and, on request, a zip or SCORM package) and returns the
paths of every file written. Bad input of any kind -- the lesson file, an
override, an option -- raises :class:`LessonError` carrying the same one-line
``file:line:col: where: what (fix)`` message the CLI prints.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from embedcore.errors import LessonError
from embedviz.render import events

if TYPE_CHECKING:
    from embedviz.executors.base import Executor
    from embedviz.narration.plan import NarrationPlan
    from embedviz.render.outcome import ClipOutcome, RenderResult
    from embedviz.render.plan import Job

# The render stack (numpy, PyAV, pydantic, the lesson compiler) is imported by the functions
# that use it: ``import embedviz`` and the CLI start in a tenth of a second, and the CLI has its
# signal handlers in place before it loads. None of these imports is a cycle (tests/test_seams.py).

FORMATS = ("mp4", "webm", "gif", "mov")
PACKAGES = ("zip", "scorm")


def load(lesson: str | Path | Mapping, *, tokens: str | None = None, set: Iterable[str] = (),
         base_dir: str | Path = "."):
    """A compiled lesson from a file path or a dict, with ``--tokens`` / ``--set`` overrides applied."""
    from embedcore.lesson import CompiledLesson, lesson_from_data, load_lesson
    from embedcore.overrides import from_args

    overrides = from_args(tokens, list(set))
    if isinstance(lesson, CompiledLesson):       # already loaded (the CLI checks before it draws a progress bar)
        if overrides:
            raise ValueError("give tokens/set when loading the lesson, not with a loaded one")
        return lesson
    if isinstance(lesson, Mapping):
        return lesson_from_data(dict(lesson), base_dir, overrides=overrides)
    return load_lesson(lesson, overrides)


def quality_for(compiled, quality: str = "h", resolution: str | None = None, fps: int | None = None):
    """The output size, with the CLI's checks (a bad option is a :class:`LessonError` naming it)."""
    from embedviz.options import QUALITIES, output_size

    if quality not in QUALITIES:
        raise LessonError(f"unknown quality {quality!r}", file="--quality", hint="choose one of: l, m, h, p, k")
    if resolution and not re.fullmatch(r"[1-9]\d{1,4}x[1-9]\d{1,4}", resolution.lower()):
        raise LessonError("expected WIDTHxHEIGHT such as 1280x720", file=f"--resolution {resolution}")
    if fps is not None and not 1 <= fps <= 120:
        raise LessonError("expected a frame rate between 1 and 120", file=f"--fps {fps}")
    return output_size(QUALITIES[quality], compiled.lesson.style.aspect, resolution, fps)


def check_format(fmt: str | None, transparent: bool) -> str:
    fmt = fmt or ("webm" if transparent else "mp4")
    if fmt not in FORMATS:
        raise LessonError(f"unknown format {fmt!r}", file="--format", hint="choose one of: " + ", ".join(FORMATS))
    if transparent and fmt not in ("webm", "mov"):
        raise LessonError("needs --format webm or mov (H.264 mp4 and gif have no alpha channel)",
                          file="--transparent")
    return fmt


def check_package(package: str | None, fmt: str) -> None:
    if package is not None and package not in PACKAGES:
        raise LessonError(f"unknown package {package!r}", file="--package", hint="choose zip or scorm")
    if package == "scorm" and fmt not in ("mp4", "webm"):
        raise LessonError(f"a SCORM package needs video a browser plays, not {fmt}", file="--package scorm",
                          hint="use --format mp4 or webm")


def select_segments(compiled, names: Iterable[str] | None):
    """``--segment`` values (index, type or NN-type) to segment indices."""
    if not names:
        return None
    only = set()
    for s in names:
        s = str(s)
        match = [sb.index for sb in compiled.storyboards if str(sb.index) == s or sb.type == s or
                 f"{sb.index:02d}-{sb.type}" == s]
        if not match:
            choices = ", ".join(f"{sb.index} ({sb.type})" for sb in compiled.storyboards)
            raise LessonError("no such segment", file=f"{compiled.lesson.path}: --segment {s}",
                              hint=f"choose from: {choices}")
        only.update(match)
    return only


def make_executor(jobs: int | None = None, cluster: str | None = None,
                  store: str | Path | None = None) -> Executor:
    """The local process pool (default), or a Dask cluster's workers for ``cluster='tcp://HOST:8786'``."""
    if cluster:
        from embedviz.executors.dask import DaskExecutor
        return DaskExecutor(cluster, store=store)
    from embedviz.executors.local import LocalExecutor
    return LocalExecutor(jobs or os.cpu_count() or 1)


def render(
    lesson: str | Path | Mapping,
    *,
    quality: str = "h",
    resolution: str | None = None,
    fps: int | None = None,
    out: str | Path = "media",
    tokens: str | None = None,
    set: Iterable[str] = (),
    jobs: int | None = None,
    use_cache: bool = True,
    segments: Iterable[str] | None = None,
    format: str | None = None,
    transparent: bool = False,
    package: str | None = None,
    cluster: str | None = None,
    store: str | Path | None = None,
    base_dir: str | Path = ".",
    on_event: events.OnEvent = events.ignore,
    executor: Executor | None = None,
    voices: NarrationPlan | None = None,
    cfr: bool = False,
) -> RenderResult:
    """Render one lesson (a path, a dict with the lesson file's keys, or a lesson from
    :func:`load`) and return a
    :class:`~embedviz.render.outcome.RenderResult` whose ``files`` lists every file written.

    mp4 and webm are written with variable frame rate (a hold is one frame); ``cfr=True`` writes every
    frame, for video editors that conform variable frame rate badly.
    Raises :class:`LessonError` for bad input, with the CLI's one-line message. ``voices``: the
    lesson's :class:`~embedviz.narration.plan.NarrationPlan` if already resolved (else it is resolved here).
    ``on_event`` hears typed progress events (:mod:`embedviz.render.events`).
    """
    from embedviz.render.lesson import render_lesson

    compiled = load(lesson, tokens=tokens, set=set, base_dir=base_dir)
    q = quality_for(compiled, quality, resolution, fps)
    fmt = check_format(format, transparent)
    check_package(package, fmt)
    only = select_segments(compiled, segments)
    own = executor is None
    executor = executor or make_executor(jobs, cluster, store)
    try:
        result = render_lesson(compiled, q, Path(out), jobs=executor.jobs, use_cache=use_cache,
                               only=only, fmt=fmt, transparent=transparent, on_event=on_event, executor=executor,
                               voices=voices, cfr=cfr)
    finally:
        if own:
            executor.close()
    if package:
        from embedviz.publish.package import write_package
        result.files.append(write_package(result.out_dir, package))
    return result




def render_segment(job: Job, clip: str | Path) -> ClipOutcome:
    """Render one planned segment (:class:`~embedviz.render.plan.Job`) to ``clip``: what every worker runs,
    local or on a cluster. Returns its duration, caption cues, render seconds and peak memory."""
    from embedviz.executors.local import render_job

    return render_job(job, clip)


__all__ = ["LessonError", "render", "load", "render_segment"]
