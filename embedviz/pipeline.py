"""Lesson → clips → lesson video, captions, chapters and manifest.

Each segment is one job: its storyboard is rendered to ``clips/NN-type.mp4``
in a worker process, unless a clip with the same content key already exists.
The lesson video is the clips joined by stream copy. Every file is written
beside its final path and renamed into place, so an interrupted render leaves
the previous complete output (or nothing), never half a file.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from embedcore.lesson import CompiledLesson
from embedcore.title_card import title_card

from . import captions, narration
from .cache import segment_key
from .quality import Quality
from .video import concat, probe, thumbnail


@dataclass
class SegmentResult:
    index: int
    type: str
    title: str
    clip: Path
    duration: float
    cues: list[dict]
    cached: bool
    seconds: float = 0.0


@dataclass
class RenderResult:
    out_dir: Path
    video: Path
    segments: list[SegmentResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _render_job(storyboard, style, width, height, fps, clip: str, fmt: str, transparent: bool) -> dict:
    import resource

    from .worker import render_clip
    t0 = time.perf_counter()
    out = render_clip(storyboard, style, width, height, fps, Path(clip), fmt=fmt, transparent=transparent)
    out["seconds"] = time.perf_counter() - t0
    # the worker process's peak so far (it may have rendered earlier segments)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


FRESH_PROCESS_PIXELS = 1920 * 1080


def worker_pool(workers: int, width: int, height: int) -> ProcessPoolExecutor:
    """Processes for segment jobs.

    At 1080p and above each segment gets a fresh process: a render's native
    memory (encoder buffers, Cairo surfaces) is not all given back, and a
    reused worker ended a lesson ~50 MB above its largest single segment.
    The processes fork from a server that has already imported Manim, so a
    fresh one costs milliseconds, not the ~2 s of imports. Smaller renders
    reuse their workers (their memory is small and the savings are not
    worth a fork per segment).
    """
    if width * height < FRESH_PROCESS_PIXELS:
        return ProcessPoolExecutor(max_workers=workers)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["embedviz.worker", "manim", "scenes.registry"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=1)


def expected_seconds(storyboard, previous: dict | None) -> float:
    """How long a segment's clip will run: its last render's duration, else its
    narration's reading time. Longest jobs start first, so no worker sits idle
    at the end while another finishes a long segment it started last."""
    if previous and isinstance(previous.get("duration"), (int, float)):
        return float(previous["duration"])
    return 4.0 + sum(0.6 + len(line) / 15 for line in storyboard.narration)


def clip_name(sb) -> str:
    return f"{sb.index:02d}-{sb.type}"


@dataclass
class Job:
    """One segment to render: everything a worker (local or on a cluster) needs, and where it goes."""

    storyboard: object
    style: object
    width: int
    height: int
    fps: int
    clip: Path
    meta_path: Path
    key: str
    fmt: str = "mp4"
    transparent: bool = False
    expected: float = 0.0
    lesson: str = ""


@dataclass
class LessonPlan:
    """A lesson's segments split into reused results and jobs still to render."""

    compiled: CompiledLesson
    quality: Quality
    out_dir: Path
    fmt: str
    transparent: bool
    results: dict[int, SegmentResult]
    todo: list[Job]
    keys: dict[int, str] = field(default_factory=dict)     # every segment's cache key, title card = 0
    voices: narration.NarrationPlan | None = None            # every line's sound, resolved before rendering

    @property
    def complete(self) -> bool:
        return all(i in self.results for i in self.keys)


def plan_lesson(
    compiled: CompiledLesson,
    quality: Quality,
    out_root: Path,
    *,
    use_cache: bool = True,
    only: Sequence[int] | None = None,
    fmt: str = "mp4",
    transparent: bool = False,
    on_event: Callable[[str, dict], None] = lambda kind, info: None,
    voices: narration.NarrationPlan | None = None,
) -> LessonPlan:
    """Which segments can be reused from the output folder's cache, and which must render."""
    # every line's voice first (decoded or synthesised): the beats' lengths are data for the scenes
    voices = voices or narration.resolve(compiled, fmt)
    compiled = voices.apply(compiled)
    for message in voices.warnings:
        on_event("warning", {"message": message})
    if voices.voiced:
        on_event("narration", voices.stats)
    lesson = compiled.lesson
    out_dir = Path(out_root) / lesson.slug / quality.folder
    clips_dir = out_dir / "clips"
    clips_dir.mkdir(parents=True, exist_ok=True)
    for stale in clips_dir.glob(".render-*"):          # left by a killed worker
        shutil.rmtree(stale, ignore_errors=True)
    style = lesson.style
    style_dict = style.model_dump()
    w, h, fps = quality.width, quality.height, quality.fps

    results: dict[int, SegmentResult] = {}
    todo, keys = [], {}
    boards = (title_card(compiled), *compiled.storyboards)
    for sb in boards:
        name = clip_name(sb)
        clip = clips_dir / f"{name}{'-alpha' if transparent else ''}.{fmt}"
        meta_path = clip.with_name(clip.name + ".json")       # one cache entry per clip file
        key = keys[sb.index] = voices.cache_key(sb.index,
                                                segment_key(sb.to_dict(), style_dict, w, h, fps, fmt, transparent))
        meta = None
        if meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text())
            except (OSError, ValueError):
                meta = None
        reuse = use_cache and meta is not None and meta.get("key") == key and clip.exists()
        if only is not None and sb.index not in only and sb.index != 0:
            if meta is None or not clip.exists():
                raise FileNotFoundError(f"segment {sb.index} ({sb.type}) has no clip yet; render the whole lesson first")
            reuse = True
        if reuse:
            results[sb.index] = SegmentResult(sb.index, sb.type, sb.title, clip, meta["duration"], meta["cues"], True)
            on_event("cached", {"index": sb.index, "type": sb.type, "lesson": lesson.slug})
        else:
            todo.append(Job(sb, style, w, h, fps, clip, meta_path, key, fmt, transparent,
                            expected_seconds(sb, meta), lesson.slug))
    todo.sort(key=lambda job: -job.expected)
    return LessonPlan(compiled, quality, out_dir, fmt, transparent, results, todo, keys, voices)


def finish_job(job: Job, out: dict, voices: narration.NarrationPlan | None = None) -> SegmentResult:
    """Record a rendered clip in its cache entry; the clip is already at ``job.clip``."""
    if voices is not None:
        out = voices.finish_clip(job.storyboard.index, job.clip, out)   # its sound muxed in, cues timed by it
    sb, seconds = job.storyboard, out["seconds"]
    entry = {"key": job.key, "duration": out["duration"], "cues": out["cues"],
             "render_seconds": round(seconds, 2), "worker_peak_rss_mb": out.get("peak_rss_mb")}
    atomic_write(job.meta_path, json.dumps(entry, indent=1))
    return SegmentResult(sb.index, sb.type, sb.title, job.clip, out["duration"], out["cues"], False, seconds)


class LocalExecutor:
    """Segment jobs in this machine's worker processes (the default; needs no Dask)."""

    def __init__(self, jobs: int = 1):
        self.jobs = max(1, jobs)

    def run(self, todo: Sequence[Job], on_result: Callable[[Job, dict], None],
            on_begin: Callable[[Job], None] = lambda job: None) -> None:
        if not todo:
            return
        if self.jobs <= 1 or len(todo) <= 1:
            for job in todo:
                on_begin(job)
                on_result(job, _render_job(job.storyboard, job.style, job.width, job.height, job.fps,
                                           str(job.clip), job.fmt, job.transparent))
            return
        first = todo[0]
        with worker_pool(min(self.jobs, len(todo)), first.width, first.height) as pool:
            pending = {}
            try:
                for job in todo:
                    fut = pool.submit(_render_job, job.storyboard, job.style, job.width, job.height, job.fps,
                                      str(job.clip), job.fmt, job.transparent)
                    pending[fut] = job
                    on_begin(job)
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job = pending.pop(fut)
                        on_result(job, fut.result())
            except BaseException:
                for fut in pending:
                    fut.cancel()
                raise


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
    on_event: Callable[[str, dict], None] = lambda kind, info: None,
    executor=None,
    voices: narration.NarrationPlan | None = None,
) -> RenderResult:
    """plan → run the jobs (local pool by default, or any executor) → assemble."""
    from .queue import run_queue

    plan = plan_lesson(compiled, quality, out_root, use_cache=use_cache, only=only, fmt=fmt,
                       transparent=transparent, on_event=on_event, voices=voices)
    if plan.todo:
        on_event("start", {"count": len(plan.todo), "jobs": min(jobs, len(plan.todo))})
    run_queue([plan], executor or LocalExecutor(jobs), on_event)
    return assemble(plan)


def assemble(plan: LessonPlan) -> RenderResult:
    """The lesson video, captions, chapters, manifest, thumbnail and page from finished clips."""
    from .page import write_page

    ordered = [plan.results[sb.index] for sb in plan.compiled.storyboards]
    result = _assemble(plan.compiled, plan.quality, plan.out_dir, plan.results[0], ordered, plan.fmt,
                       plan.transparent, plan.voices)
    if plan.fmt in ("mp4", "webm"):        # what browsers play (a page around a GIF or qtrle .mov would not)
        result.files += write_page(result.out_dir, [s.cues for s in ordered])
    return result


def _assemble(compiled: CompiledLesson, quality: Quality, out_dir: Path, card: SegmentResult,
              segs: list[SegmentResult], fmt: str = "mp4", transparent: bool = False,
              voices: narration.NarrationPlan | None = None) -> RenderResult:
    lesson = compiled.lesson
    video = out_dir / f"{lesson.slug}{'-alpha' if transparent else ''}.{fmt}"
    tracks = [voices.track(r.index, r.cues, r.duration) for r in (card, *segs)] if voices and voices.voiced else None
    concat([card.clip, *[s.clip for s in segs]], video, audio=tracks)
    # Lesson timeline: the title card, then each clip where the previous one ended.
    t = card.duration
    all_cues, chapters, manifest_segments = [], [], []
    for s in segs:
        seg_cues = captions.timed_cues(s.cues)
        shifted = [{**c, "start": round(c["start"] + t, 3), "end": round(c["end"] + t, 3)} for c in seg_cues]
        all_cues += shifted
        chapters.append({"title": s.title, "start": round(0.0 if s is segs[0] else t, 3),
                         "end": round(t + s.duration, 3)})
        atomic_write(s.clip.with_suffix(".vtt"), captions.to_vtt(seg_cues))
        manifest_segments.append({
            "index": s.index, "type": s.type, "title": s.title,
            "start": round(t, 3), "end": round(t + s.duration, 3), "duration": round(s.duration, 3),
            "clip": str(s.clip.relative_to(out_dir)), "captions": str(s.clip.with_suffix(".vtt").relative_to(out_dir)),
            "cues": shifted, "cached": s.cached,
        })
        t += s.duration
    base = out_dir / lesson.slug
    atomic_write(base.with_suffix(".vtt"), captions.to_vtt(all_cues))
    atomic_write(base.with_suffix(".srt"), captions.to_srt(all_cues))
    atomic_write(out_dir / "chapters.vtt", captions.chapters_vtt(chapters))
    src = lesson.table.source
    manifest = {
        "title": lesson.title,
        "slug": lesson.slug,
        "quality": quality.folder,
        "video": video.name,
        "duration": round(t, 3),
        "source": {"kind": src.kind, "label": src.label, "learned": src.learned, "V": lesson.table.V,
                   "d": lesson.table.d, **src.details},
        "format": probe(video),
        "title_card": {"clip": str(card.clip.relative_to(out_dir)), "start": 0.0, "end": round(card.duration, 3)},
        "thumbnail": "thumbnail.png",
        "captions": {"vtt": base.with_suffix(".vtt").name, "srt": base.with_suffix(".srt").name,
                     "chapters": "chapters.vtt"},
        "segments": manifest_segments,
    }
    atomic_write(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    thumb = out_dir / "thumbnail.png"
    # the first segment's finished picture, just before its closing fade (not a frame mid-motion)
    thumbnail(segs[0].clip, max(0.0, segs[0].duration - 1.2), thumb)
    files = [video, base.with_suffix(".vtt"), base.with_suffix(".srt"), out_dir / "chapters.vtt",
             out_dir / "manifest.json", thumb, *[s.clip for s in segs]]
    return RenderResult(out_dir, video, segs, files)
