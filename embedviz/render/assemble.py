"""Finished clips → the lesson video, captions, chapters, manifest, thumbnail and page.

:func:`finish_job` records one rendered clip in its cache entry (its voice
muxed in first); :func:`assemble` joins a plan's clips by stream copy, writes
everything else into the plan's staging folder, checks the video, and moves
every new file into place.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from embedcore.integrity import VerifiedFile, atomic_write_text
from embedcore.lesson import CompiledLesson
from embedcore.title_card import title_card
from embedviz.media import captions
from embedviz.media.video import concat, probe, thumbnail
from embedviz.narration.plan import NarrationPlan, sound_code
from embedviz.options import Quality
from embedviz.publish.descriptions import write_descriptions
from embedviz.publish.page import write_page
from embedviz.render.outcome import ClipOutcome, RenderResult, SegmentResult
from embedviz.render.plan import Job, LessonPlan
from embedviz.render.staging import Staging, check_video


def finish_job(job: Job, out: ClipOutcome, voices: NarrationPlan) -> SegmentResult:
    """Record a rendered clip in its cache entry; the clip is already at ``job.clip``."""
    out = voices.finish_clip(job.storyboard.index, job.clip, out)     # its sound muxed in, cues timed by it
    sb = job.storyboard
    VerifiedFile(job.clip).commit(job.key, out.entry())
    return SegmentResult(sb.index, sb.type, sb.title, job.clip, out.duration, list(out.cues), False, out.seconds)


def assemble(plan: LessonPlan) -> RenderResult:
    """The lesson video, captions, chapters, manifest, thumbnail and page from finished clips.

    All are written into the plan's staging folder; the lesson video is read
    back; then every new file is moved into place and the folder's lock given back."""
    stage = plan.stage or Staging(plan.out_dir)
    try:
        ordered = [plan.results[sb.index] for sb in plan.compiled.storyboards]
        card = plan.results[0]
        result = _assemble(plan.compiled, plan.quality, stage.dir, card, ordered, plan.fmt, plan.transparent,
                           plan.voices, lesson_key(plan), plan.out_dir)
        result.files += write_descriptions(result.out_dir, [title_card(plan.compiled), *plan.compiled.storyboards],
                                           [card, *ordered])
        if plan.fmt in ("mp4", "webm"):        # what browsers play (a page around a GIF or qtrle .mov would not)
            result.files += write_page(result.out_dir, [s.cues for s in ordered], plan.compiled,
                                       plan.out_dir.parent.parent)     # the playground's asset: the output root
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
    keys = [plan.keys[0], *[plan.keys[sb.index] for sb in plan.compiled.storyboards]]
    return hashlib.sha256(json.dumps([keys, plan.fmt, plan.transparent, sound_code()]).encode()).hexdigest()


def _assemble(compiled: CompiledLesson, quality: Quality, out_dir: Path, card: SegmentResult,
              segs: list[SegmentResult], fmt: str, transparent: bool, voices: NarrationPlan,
              key: str, final_dir: Path) -> RenderResult:
    lesson = compiled.lesson
    video = out_dir / f"{lesson.slug}{'-alpha' if transparent else ''}.{fmt}"
    # made from the same clips as the lesson video already in place (and it verifies): keep it, so an
    # unchanged re-render lays out, normalises and encodes no sound at all
    previous = final_dir / video.name
    if VerifiedFile(previous).load(key) is not None:
        video = previous
    else:
        tracks = [voices.track(r.index, r.cues, r.duration) for r in (card, *segs)] if voices.voiced else None
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
        atomic_write_text(vtt, captions.to_vtt(seg_cues))
        manifest_segments.append({
            "index": s.index, "type": s.type, "title": s.title,
            "start": round(t, 3), "end": round(t + s.duration, 3), "duration": round(s.duration, 3),
            "clip": f"clips/{s.clip.name}", "captions": f"clips/{vtt.name}",
            "cues": shifted, "cached": s.cached,
        })
        t += s.duration
    base = out_dir / lesson.slug
    atomic_write_text(base.with_suffix(".vtt"), captions.to_vtt(all_cues))
    atomic_write_text(base.with_suffix(".srt"), captions.to_srt(all_cues))
    atomic_write_text(out_dir / "chapters.vtt", captions.chapters_vtt(chapters))
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
    atomic_write_text(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    thumb = out_dir / "thumbnail.png"
    # the first segment's finished picture, just before its closing fade (not a frame mid-motion)
    thumbnail(segs[0].clip, max(0.0, segs[0].duration - 1.2), thumb)
    files = [video, base.with_suffix(".vtt"), base.with_suffix(".srt"), out_dir / "chapters.vtt",
             out_dir / "manifest.json", thumb, out_dir / "clips" / card.clip.name,
             *[out_dir / "clips" / name for s in segs for name in (s.clip.name, Path(s.clip.name).with_suffix(".vtt").name)]]
    return RenderResult(out_dir, video, segs, files)
