"""Lesson → clips → lesson video, captions, chapters and manifest.

Each segment is one job: its storyboard is rendered to ``clips/NN-type.mp4``
in a worker process, unless a clip with the same content key already exists.
The lesson video is the clips joined by stream copy. One render owns an
output folder at a time (:mod:`.lock`); every new file is built in a staging
folder and moved into place only when all are complete and checked
(:mod:`.staging`), so a failed or interrupted render leaves the previous
output exactly as it was. A cached clip is reused only if its size and
SHA-256 match its entry.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from embedcore.integrity import VerifiedFile, part_path, read_entry
from embedcore.lesson import CompiledLesson
from embedcore.title_card import title_card

from . import captions
from .cache import segment_key
from .lifecycle import stop_workers, worker_init
from .lock import output_lock
from .quality import Quality
from .staging import Staging, check_video, public_path
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
    card: SegmentResult | None = None


def atomic_write(path: Path, text: str) -> None:
    tmp = part_path(path)
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _render_job(storyboard, style, width, height, fps, clip: str, fmt: str, transparent: bool) -> dict:
    import resource

    from .worker import render_clip
    t0 = time.perf_counter()
    try:
        out = render_clip(storyboard, style, width, height, fps, Path(clip), fmt=fmt, transparent=transparent)
    except Exception as exc:
        e = _os_error_in(exc)
        if e is None:
            raise
        # a full disk, a read-only folder: a plain OSError crosses the process pipe
        where = e.filename if e.filename and "/.render-" not in str(e.filename) else clip   # not Manim's temporaries
        raise OSError(e.errno, e.strerror, public_path(where)) from None
    out["seconds"] = time.perf_counter() - t0
    # the worker process's peak so far (it may have rendered earlier segments)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def _os_error_in(exc: BaseException | None) -> OSError | None:
    """The OSError behind ``exc`` (Manim wraps an encoder's in a RuntimeError)."""
    for _ in range(10):
        if exc is None or (isinstance(exc, OSError) and exc.errno):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


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
        return ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(),))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["embedviz.forkserver_guard", "embedviz.worker", "manim", "scenes.registry"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=1, initializer=worker_init,
                               initargs=(os.getpid(),))


def expected_seconds(storyboard, previous: dict | None) -> float:
    """How long a segment's clip will run: its last render's duration, else its
    narration's reading time. Longest jobs start first, so no worker sits idle
    at the end while another finishes a long segment it started last."""
    if previous and isinstance(previous.get("duration"), (int, float)):
        return float(previous["duration"])
    return 4.0 + sum(0.6 + len(line) / 15 for line in storyboard.narration)


def clip_name(sb) -> str:
    return f"{sb.index:02d}-{sb.type}"


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
) -> RenderResult:
    out_dir = Path(out_root) / compiled.lesson.slug / quality.folder
    with output_lock(out_dir, on_wait=lambda msg: on_event("waiting", {"message": msg})):
        stage = Staging(out_dir)
        for note in stage.notes:
            on_event("note", {"message": note})
        try:
            res = _render_staged(compiled, quality, out_dir, stage, jobs=jobs, use_cache=use_cache, only=only,
                                 fmt=fmt, transparent=transparent, on_event=on_event)
            check_video(res.video, sum(s.duration for s in (res.card, *res.segments)), quality.fps,
                        clips=len(res.segments) + 1)
            stage.commit()
        except BaseException:
            stage.discard_work()        # finished clips stay for the next render; the old files are untouched
            raise
    return RenderResult(out_dir, stage.final(res.video),
                        [replace(s, clip=stage.final(s.clip)) for s in res.segments],
                        [stage.final(f) for f in res.files], replace(res.card, clip=stage.final(res.card.clip)))


def _render_staged(compiled, quality, out_dir: Path, stage: Staging, *, jobs, use_cache, only, fmt, transparent,
                   on_event) -> RenderResult:
    lesson = compiled.lesson
    clips_dir = out_dir / "clips"
    clips_dir.mkdir(parents=True, exist_ok=True)
    for stale in clips_dir.glob(".render-*"):          # left by a killed worker of an older version
        shutil.rmtree(stale, ignore_errors=True)
    style = lesson.style
    style_dict = style.model_dump()
    w, h, fps = quality.width, quality.height, quality.fps

    results: dict[int, SegmentResult] = {}
    todo = []
    boards = (title_card(compiled), *compiled.storyboards)
    for sb in boards:
        name = f"{clip_name(sb)}{'-alpha' if transparent else ''}.{fmt}"
        key = segment_key(sb.to_dict(), style_dict, w, h, fps, fmt, transparent)
        keep = only is not None and sb.index not in only and sb.index != 0
        clip, meta, why = stage.reusable(name, key, any_key=keep) if (use_cache or keep) else (None, None, None)
        if why:
            on_event("damaged", {"index": sb.index, "type": sb.type, "why": why})
        elif keep and clip is None:
            on_event("missing", {"index": sb.index, "type": sb.type})
        if clip is not None:
            results[sb.index] = SegmentResult(sb.index, sb.type, sb.title, clip, meta["duration"], meta["cues"], True)
            on_event("cached", {"index": sb.index, "type": sb.type})
        else:
            previous = read_entry(clips_dir / f"{name}.json")
            new = stage.path(f"clips/{name}")
            todo.append((sb, new, key, expected_seconds(sb, previous)))
    todo = [job[:3] for job in sorted(todo, key=lambda job: -job[3])]

    def finish(sb, clip, key, out, seconds):
        VerifiedFile(clip).commit(key, {"duration": out["duration"], "cues": out["cues"],
                                        "render_seconds": round(seconds, 2),
                                        "worker_peak_rss_mb": out.get("peak_rss_mb")})
        results[sb.index] = SegmentResult(sb.index, sb.type, sb.title, clip, out["duration"], out["cues"], False, seconds)
        on_event("rendered", {"index": sb.index, "type": sb.type, "seconds": seconds})

    if todo:
        on_event("start", {"count": len(todo), "jobs": min(jobs, len(todo))})
    if jobs <= 1 or len(todo) <= 1:
        for sb, clip, key in todo:
            on_event("begin", {"index": sb.index, "type": sb.type})
            out = _render_job(sb, style, w, h, fps, str(clip), fmt, transparent)
            finish(sb, clip, key, out, out["seconds"])
    elif todo:
        pool = worker_pool(min(jobs, len(todo)), w, h)
        pending = {}
        try:
            for sb, clip, key in todo:
                fut = pool.submit(_render_job, sb, style, w, h, fps, str(clip), fmt, transparent)
                pending[fut] = (sb, clip, key)
                on_event("begin", {"index": sb.index, "type": sb.type})
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    sb, clip, key = pending.pop(fut)
                    out = fut.result()
                    finish(sb, clip, key, out, out["seconds"])
        except BaseException:
            stop_workers(pool)          # a running segment is abandoned, not waited for
            raise
        pool.shutdown(wait=True)

    ordered = [results[sb.index] for sb in compiled.storyboards]
    return _assemble(compiled, quality, stage.dir, results[0], ordered, fmt, transparent)


def _assemble(compiled: CompiledLesson, quality: Quality, out_dir: Path, card: SegmentResult,
              segs: list[SegmentResult], fmt: str = "mp4", transparent: bool = False) -> RenderResult:
    lesson = compiled.lesson
    video = out_dir / f"{lesson.slug}{'-alpha' if transparent else ''}.{fmt}"
    concat([card.clip, *[s.clip for s in segs]], video)
    # Lesson timeline: the title card, then each clip where the previous one ended.
    t = card.duration
    all_cues, chapters, manifest_segments = [], [], []
    for s in segs:
        seg_cues = captions.timed_cues(s.cues)
        shifted = [{**c, "start": round(c["start"] + t, 3), "end": round(c["end"] + t, 3)} for c in seg_cues]
        all_cues += shifted
        chapters.append({"title": s.title, "start": round(0.0 if s is segs[0] else t, 3),
                         "end": round(t + s.duration, 3)})
        vtt = out_dir / "clips" / Path(s.clip.name).with_suffix(".vtt").name
        atomic_write(vtt, captions.to_vtt(seg_cues))
        manifest_segments.append({
            "index": s.index, "type": s.type, "title": s.title,
            "start": round(t, 3), "end": round(t + s.duration, 3), "duration": round(s.duration, 3),
            "clip": f"clips/{s.clip.name}", "captions": f"clips/{vtt.name}",
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
        "title_card": {"clip": f"clips/{card.clip.name}", "start": 0.0, "end": round(card.duration, 3)},
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
             out_dir / "manifest.json", thumb, *[out_dir / "clips" / s.clip.name for s in segs]]
    return RenderResult(out_dir, video, segs, files, card)
