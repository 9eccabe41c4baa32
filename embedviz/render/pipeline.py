"""Lesson → clips → lesson video, captions, chapters and manifest.

Each segment is one job: its storyboard is rendered to ``clips/NN-type.mp4``
in a worker process, unless a clip with the same content key already exists.
The lesson video is the clips joined by stream copy. One render owns an
output folder at a time, from its plan to its assembly (:mod:`.lock`); every
new file is built in a staging folder and moved into place only when all are
complete and checked (:mod:`.staging`), so a failed or interrupted render
leaves the previous output exactly as it was. A cached clip is reused only if
its size and SHA-256 match its entry.
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

from embedcore.integrity import VerifiedFile, atomic_write_bytes, part_path, read_entry
from embedcore.lesson import CompiledLesson
from embedcore.title_card import title_card
from embedviz.executors.lifecycle import stop_workers, worker_init
from embedviz.media import captions
from embedviz.media.video import concat, probe, thumbnail
from embedviz.narration import plan as narration
from embedviz.options import Quality
from embedviz.render.cache import segment_key
from embedviz.render.lock import OutputLock
from embedviz.render.staging import Staging, check_video, public_path


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
    """UTF-8 ``text`` to ``path`` through a per-process temporary and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _render_job(storyboard, style, width, height, fps, clip: str, fmt: str, transparent: bool,
                cfr: bool = False, part=None) -> dict:
    import resource

    from embedviz.draw.worker import render_clip
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        out = render_clip(storyboard, style, width, height, fps, Path(clip), fmt=fmt, transparent=transparent,
                          cfr=cfr, part=part)
    except Exception as exc:
        e = _os_error_in(exc) or _write_fails(Path(clip).parent)
        if e is None:
            raise
        # a full disk, a read-only folder: a plain OSError crosses the process pipe
        where = e.filename if e.filename and "/.render-" not in str(e.filename) else clip   # not Manim's temporaries
        raise OSError(e.errno, e.strerror, public_path(where)) from None
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = time.process_time() - c0       # all of this process's threads (drawing and encoding)
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


def _write_fails(folder: Path) -> OSError | None:
    """The OSError a small write into ``folder`` meets now, if any: a full disk
    also breaks renders in ways that hide it (Manim parses a cut-short SVG)."""
    probe = part_path(folder / "space-probe")
    try:
        with open(probe, "wb") as f:
            f.write(b"\0" * 65536)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        return OSError(e.errno, e.strerror)     # no file name: the message names the clip
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    return None


FRESH_PROCESS_PIXELS = 1920 * 1080


def worker_pool(workers: int, width: int, height: int) -> ProcessPoolExecutor:
    """Processes for segment jobs, forked from a forkserver at every size, never from the CLI.

    The CLI runs threads while it hands out jobs (voices synthesised in the
    background start espeak-ng, hibari's ONNX session has its own): a worker
    forked from it would inherit another thread's half-made pipe or held lock,
    and a render froze for good when a forked worker kept espeak-ng's pipe
    open. The forkserver is a fresh program started with only its own pipes;
    it has already imported Manim, so a worker costs milliseconds.

    At 1080p and above each segment gets a fresh process: a render's native
    memory (encoder buffers, Cairo surfaces) is not all given back, and a
    reused worker ended a lesson ~50 MB above its largest single segment.
    Smaller renders reuse their workers.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["embedviz.executors.forkserver_guard", "embedviz.draw.worker", "manim", "scenes.registry"])
    fresh = {"max_tasks_per_child": 1} if width * height >= FRESH_PROCESS_PIXELS else {}
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init,
                               initargs=(os.getpid(),), **fresh)


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
    cfr: bool = False           # constant frame rate (--cfr) instead of one frame per hold
    part: object = None     # a chunk of the segment (:class:`.chunks.Part`; :mod:`.split`), else the whole


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
    stage: Staging | None = None        # where new files are built until assemble() moves them into place
    lock: OutputLock | None = None      # the output folder, held from plan to assembly
    voices: narration.NarrationPlan | None = None   # every line's sound, resolved before rendering
    cfr: bool = False

    def abandon(self) -> None:
        """After a failure: the previous files stay, finished clips stay staged for the next render."""
        if self.voices is not None:
            self.voices.close()
        if self.stage is not None:
            self.stage.discard_work()
        if self.lock is not None:
            self.lock.release()

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
    cfr: bool = False,
) -> LessonPlan:
    """Which segments can be reused from the output folder's cache, and which must render.

    Takes the output folder's lock (waiting for another render of it) and
    opens its staging folder; :func:`assemble` or :meth:`LessonPlan.abandon`
    gives both back."""
    # every line's voice first (decoded or synthesised; before the lock: bad audio leaves nothing behind):
    # the beats' lengths are data for the scenes
    voices = voices or narration.resolve(compiled, fmt, defer=True)
    compiled = voices.apply(compiled)
    for message in voices.warnings:
        on_event("warning", {"message": message})
    if voices.voiced:
        on_event("narration", voices.stats)
    lesson = compiled.lesson
    out_dir = Path(out_root) / lesson.slug / quality.folder
    lock = OutputLock(out_dir, on_wait=lambda msg: on_event("waiting", {"message": msg, "lesson": lesson.slug}))
    try:
        stage = Staging(out_dir)
    except BaseException:
        lock.release()
        raise
    for note in stage.notes:
        on_event("note", {"message": note, "lesson": lesson.slug})
    clips_dir = out_dir / "clips"
    clips_dir.mkdir(parents=True, exist_ok=True)
    for stale in clips_dir.glob(".render-*"):          # left by a killed worker of an older version
        shutil.rmtree(stale, ignore_errors=True)
    style = lesson.style
    style_dict = style.model_dump()
    w, h, fps = quality.width, quality.height, quality.fps

    results: dict[int, SegmentResult] = {}
    todo, keys = [], {}
    boards = (title_card(compiled), *compiled.storyboards)
    for sb in boards:
        name = f"{clip_name(sb)}{'-alpha' if transparent else ''}.{fmt}"
        # beats follow from the voices, whose hashes cache_key adds: the key needs no sound yet
        key = keys[sb.index] = voices.cache_key(sb.index, segment_key(replace(sb, beat_seconds=()).to_dict(),
                                                                      style_dict, w, h, fps, fmt, transparent, cfr))
        keep = only is not None and sb.index not in only and sb.index != 0
        clip, meta, why = stage.reusable(name, key, any_key=keep) if (use_cache or keep) else (None, None, None)
        event = {"index": sb.index, "type": sb.type, "lesson": lesson.slug}
        if why:
            on_event("damaged", {**event, "why": why})
        elif keep and clip is None:
            on_event("missing", event)
        if clip is not None:
            results[sb.index] = SegmentResult(sb.index, sb.type, sb.title, clip, meta["duration"], meta["cues"], True)
            on_event("cached", event)
        else:
            new = stage.path(f"clips/{name}")
            todo.append(Job(sb, style, w, h, fps, new, new.with_name(new.name + ".json"), key, fmt, transparent,
                            expected_seconds(sb, read_entry(clips_dir / f"{name}.json")), lesson.slug, cfr))
    todo.sort(key=lambda job: -job.expected)
    return LessonPlan(compiled, quality, out_dir, fmt, transparent, results, todo, keys, stage, lock, voices, cfr)


def finish_job(job: Job, out: dict, voices: narration.NarrationPlan | None = None) -> SegmentResult:
    """Record a rendered clip in its cache entry; the clip is already at ``job.clip``."""
    if voices is not None:
        out = voices.finish_clip(job.storyboard.index, job.clip, out)   # its sound muxed in, cues timed by it
    sb, seconds = job.storyboard, out["seconds"]
    VerifiedFile(job.clip).commit(job.key, {"duration": out["duration"], "cues": out["cues"],
                                            "render_seconds": round(seconds, 2),
                                            "worker_peak_rss_mb": out.get("peak_rss_mb"),
                                            "cpu_seconds": round(out["cpu_seconds"], 2) if "cpu_seconds" in out
                                            else None,
                                            **{k: out.get(k) for k in ("frames", "pictures", "encoded")},
                                            "chunks": out.get("chunks", 1)})
    return SegmentResult(sb.index, sb.type, sb.title, job.clip, out["duration"], out["cues"], False, seconds)


class LocalExecutor:
    """Segment jobs in this machine's worker processes (the default; needs no Dask)."""

    def __init__(self, jobs: int = 1):
        self.jobs = max(1, jobs)

    def run(self, todo: Sequence[Job], on_result: Callable[[Job, dict], None],
            on_begin: Callable[[Job], None] = lambda job: None,
            prepare: Callable[[Job], None] = lambda job: None) -> None:
        """Render ``todo`` in order; ``prepare(job)`` runs just before a job is handed to a worker
        (a segment's voice may still be being synthesised until then)."""
        if not todo:
            return
        if self.jobs <= 1 or len(todo) <= 1:
            for job in todo:
                prepare(job)
                on_begin(job)
                on_result(job, _render_job(job.storyboard, job.style, job.width, job.height, job.fps,
                                           str(job.clip), job.fmt, job.transparent, job.cfr, job.part))
            return
        first = todo[0]
        pool = worker_pool(min(self.jobs, len(todo)), first.width, first.height)
        pending = {}
        try:
            for job in todo:
                prepare(job)
                fut = pool.submit(_render_job, job.storyboard, job.style, job.width, job.height, job.fps,
                                  str(job.clip), job.fmt, job.transparent, job.cfr, job.part)
                pending[fut] = job
                on_begin(job)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = pending.pop(fut)
                    on_result(job, fut.result())
        except BaseException:
            stop_workers(pool)          # a running segment is abandoned, not waited for
            raise
        pool.shutdown(wait=True)


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
    cfr: bool = False,
) -> RenderResult:
    """plan → run the jobs (local pool by default, or any executor) → assemble."""
    from embedviz.render.queue import run_queue

    plan = plan_lesson(compiled, quality, out_root, use_cache=use_cache, only=only, fmt=fmt,
                       transparent=transparent, on_event=on_event, voices=voices, cfr=cfr)
    try:
        if plan.todo:
            on_event("start", {"count": len(plan.todo), "jobs": min(jobs, len(plan.todo))})
        run_queue([plan], executor or LocalExecutor(jobs), on_event)
        return assemble(plan)
    except BaseException:
        plan.abandon()
        raise


def assemble(plan: LessonPlan) -> RenderResult:
    """The lesson video, captions, chapters, manifest, thumbnail and page from finished clips.

    All are written into the plan's staging folder; the lesson video is read
    back; then every new file is moved into place and the folder's lock given back."""
    from embedviz.publish.page import write_page

    stage = plan.stage or Staging(plan.out_dir)
    try:
        ordered = [plan.results[sb.index] for sb in plan.compiled.storyboards]
        card = plan.results[0]
        result = _assemble(plan.compiled, plan.quality, stage.dir, card, ordered, plan.fmt, plan.transparent,
                           plan.voices, lesson_key(plan), plan.out_dir)
        if plan.fmt in ("mp4", "webm"):        # what browsers play (a page around a GIF or qtrle .mov would not)
            result.files += write_page(result.out_dir, [s.cues for s in ordered])
        check_video(result.video, sum(s.duration for s in (card, *ordered)), plan.quality.fps, clips=len(ordered) + 1)
        stage.commit()
    except BaseException:
        plan.abandon()
        raise
    if plan.lock is not None:
        plan.lock.release()
    for i, res in list(plan.results.items()):          # a course copies clips from finished videos
        plan.results[i] = replace(res, clip=stage.final(res.clip))
    return RenderResult(plan.out_dir, stage.final(result.video),
                        [replace(s, clip=stage.final(s.clip)) for s in result.segments],
                        [stage.final(f) for f in result.files])


def lesson_key(plan: LessonPlan) -> str:
    """What the lesson video is made from: its clips' keys in order, the format, the joining code."""
    import hashlib

    keys = [plan.keys[0], *[plan.keys[sb.index] for sb in plan.compiled.storyboards]]
    return hashlib.sha256(json.dumps([keys, plan.fmt, plan.transparent, narration._sound_code()]).encode()).hexdigest()


def _assemble(compiled: CompiledLesson, quality: Quality, out_dir: Path, card: SegmentResult,
              segs: list[SegmentResult], fmt: str = "mp4", transparent: bool = False,
              voices: narration.NarrationPlan | None = None, key: str | None = None,
              final_dir: Path | None = None) -> RenderResult:
    lesson = compiled.lesson
    video = out_dir / f"{lesson.slug}{'-alpha' if transparent else ''}.{fmt}"
    # made from the same clips as the lesson video already in place (it verifies): keep it, no audio work
    previous = (final_dir / video.name) if final_dir is not None else None
    if key is not None and previous is not None and VerifiedFile(previous).load(key) is not None:
        video = previous
    else:
        tracks = [voices.track(r.index, r.cues, r.duration) for r in (card, *segs)] \
            if voices and voices.voiced else None
        concat([card.clip, *[s.clip for s in segs]], video, audio=tracks)
        VerifiedFile(video).commit(key, {"clips": len(segs) + 1})
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
        "format": probe(video, quality.fps),
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
             out_dir / "manifest.json", thumb, out_dir / "clips" / card.clip.name,
             *[out_dir / "clips" / name for s in segs for name in (s.clip.name, Path(s.clip.name).with_suffix(".vtt").name)]]
    return RenderResult(out_dir, video, segs, files)
