"""A lesson's plan: which segments are reused from the cache, and the jobs still to render.

Each segment is one job: its storyboard is rendered to ``clips/NN-type.mp4``
unless a clip with the same content key already exists. One render owns an
output folder at a time, from its plan to its assembly (:mod:`.lock`); every
new file is built in a staging folder and moved into place only when all are
complete and checked (:mod:`.staging`), so a failed or interrupted render
leaves the previous output exactly as it was. A cached clip is reused only if
its size and SHA-256 match its entry.
"""
from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from embedcore.integrity import read_entry
from embedcore.lesson import CompiledLesson
from embedcore.storyboard import reading_time
from embedcore.title_card import title_card
from embedviz.narration import plan as narration
from embedviz.options import Quality
from embedviz.render import events
from embedviz.render.cache import segment_key
from embedviz.render.lock import OutputLock
from embedviz.render.outcome import SegmentResult
from embedviz.render.staging import Staging


def expected_seconds(storyboard, previous: dict | None) -> float:
    """How long a segment's clip will run: its last render's duration, else its
    narration's reading time. Longest jobs start first, so no worker sits idle
    at the end while another finishes a long segment it started last."""
    if previous and isinstance(previous.get("duration"), (int, float)):
        return float(previous["duration"])
    return 4.0 + sum(reading_time(line) for line in storyboard.narration)


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
    # every line's sound, resolved before rendering (a silent lesson: the null object)
    voices: narration.NarrationPlan = field(default_factory=narration.SilentNarration)
    cfr: bool = False

    def abandon(self) -> None:
        """After a failure: the previous files stay, finished clips stay staged for the next render."""
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
    on_event: events.OnEvent = events.ignore,
    voices: narration.NarrationPlan | None = None,
    cfr: bool = False,
) -> LessonPlan:
    """Which segments can be reused from the output folder's cache, and which must render.

    ``voices``: the lesson's narration if already resolved (None: resolved here).
    Takes the output folder's lock (waiting for another render of it) and
    opens its staging folder; :func:`~embedviz.render.assemble.assemble` or
    :meth:`LessonPlan.abandon` gives both back."""
    # every line's voice first (decoded or synthesised; before the lock: bad audio leaves nothing behind):
    # the beats' lengths are data for the scenes
    voices = voices or narration.resolve(compiled, fmt, defer=True)
    compiled = voices.apply(compiled)
    for message in voices.warnings:
        on_event(events.Warned(message))
    if voices.voiced:
        s = voices.summary()        # what is known now: lines still pending have no seconds yet
        on_event(events.NarrationReady(s["lines"], s["voiced"], s["seconds"], s["wall"], s["synthesised"],
                                       s["cached"], s["decoded"], s["pending"]))
    lesson = compiled.lesson
    out_dir = Path(out_root) / lesson.slug / quality.folder
    lock = OutputLock(out_dir, on_wait=lambda msg: on_event(events.Waiting(msg, lesson.slug)))
    try:
        stage = Staging(out_dir)
    except BaseException:
        lock.release()
        raise
    for note in stage.notes:
        on_event(events.Note(note, lesson.slug))
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
        if why:
            on_event(events.Damaged(sb.index, sb.type, lesson.slug, why))
        elif keep and clip is None:
            on_event(events.Missing(sb.index, sb.type, lesson.slug))
        if clip is not None:
            results[sb.index] = SegmentResult(sb.index, sb.type, sb.title, clip, meta["duration"], meta["cues"], True)
            on_event(events.Cached(sb.index, sb.type, lesson.slug))
        else:
            new = stage.path(f"clips/{name}")
            todo.append(Job(sb, style, w, h, fps, new, new.with_name(new.name + ".json"), key, fmt, transparent,
                            expected_seconds(sb, read_entry(clips_dir / f"{name}.json")), lesson.slug, cfr))
    todo.sort(key=lambda job: -job.expected)
    return LessonPlan(compiled, quality, out_dir, fmt, transparent, results, todo, keys, stage, lock, voices, cfr)
