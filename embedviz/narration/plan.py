"""Every narration line's voice, resolved before a frame is drawn.

For each line of each segment: its recording (``audio:`` or a file in
``voice_dir`` named by :func:`recording_name`), else the segment's or the
lesson's synthetic voice, else silence. Recordings are decoded, voices
synthesised (cached on disk by content hash), every line brought to one rate
and loudness. Then each storyboard is handed its beat lengths (voice + a short
gap) with ``dataclasses.replace``, so the scene holds until the voice is done.
After a clip is drawn its lines are placed where the scene started them
(``cue[i].start``), and the cue ends where the voice ends.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import av
import numpy as np

from embedcore.config import VoiceConfig, voice_config
from embedcore.errors import LessonError
from embedcore.integrity import atomic_path
from embedcore.speech import spoken
from embedcore.storyboard import reading_time
from embedcore.yamlsource import Positions, load_yaml
from embedviz.media import audio
from embedviz.media.video import concat
from embedviz.narration import align
from embedviz.narration.voices import VoiceError, engine
from embedviz.render.outcome import ClipOutcome

GAP = 0.35              # seconds between the end of one line's voice and the start of the next
SYNTH_TIMEOUT = 600.0   # a line's voice is waited for at most this long (a stuck engine is one clear error)
LONG_LINE = 60.0        # a line longer than this renders, with a warning
EXTENSIONS = (".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".webm", ".mp4", ".mov", ".mkv")
_CACHE_FORMAT = 2       # bump when the stored samples change meaning (rate, loudness, trimming)


def recording_name(index: int, seg_type: str, line: int) -> str:
    """File stem a recording of line ``line`` (1-based) of segment ``index`` has in a ``voice_dir``."""
    return f"{index:02d}-{seg_type}-{line}"


def natural_seconds(text: str) -> float:
    """Expected length of ``text`` read aloud at a natural pace (~150 words a minute)."""
    return round(0.4 + len(spoken(text).split()) / 2.5, 1)


def voice_cache_dir() -> Path:
    """``$EMBEDVIZ_VOICE_CACHE``, else ``$XDG_CACHE_HOME/embedviz/voice`` (``~/.cache``)."""
    env = os.environ.get("EMBEDVIZ_VOICE_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "embedviz" / "voice"


@dataclass(frozen=True)
class Line:
    """One resolved narration line (``samples`` is None for a silent one)."""

    text: str
    say: str
    origin: str                                   # "recording voice/01-lookup-1.wav", "hibari heart", "silent"
    digest: str                                   # content hash: enters the segment's cache key
    samples: np.ndarray | None = field(default=None, repr=False, compare=False)
    how: str = "silent"                           # decoded | cached | synthesised | silent
    # when each word of ``say`` starts in ``samples`` (seconds; :mod:`.align`), None if unknown
    starts: tuple[float, ...] | None = field(default=None, repr=False, compare=False)

    @property
    def seconds(self) -> float:
        return 0.0 if self.samples is None else self.samples.size / audio.RATE

    @property
    def beat(self) -> float:
        return self.seconds + GAP if self.samples is not None else reading_time(self.text)


@dataclass
class Job:
    """What to do for one line before rendering (found quickly; run in parallel)."""

    seg: int
    line: int
    text: str
    say: str
    recording: Path | None
    voice: VoiceConfig | None
    loc: tuple
    shown: str = ""          # the recording's path as the lesson names it (for messages)


@dataclass
class NarrationPlan:
    lines: dict[int, tuple[Line, ...]]            # segment index → its lines
    captions_on_screen: dict[int, bool]
    voiced: bool                                  # any line in the lesson has a voice
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    _tracks: dict = field(default_factory=dict, repr=False)
    # lines still being synthesised in the background: segment → [(line number, future, job)]
    _pending: dict = field(default_factory=dict, repr=False)
    _synth: ThreadPoolExecutor | None = field(default=None, repr=False)
    _locate: object = field(default=None, repr=False)
    _started: float = field(default_factory=time.perf_counter, repr=False)
    _finished: list = field(default_factory=list, repr=False)     # when each background line was done

    def summary(self) -> dict:
        """The narration as it stands: lines, voiced lines, seconds of speech, how many were
        synthesised / taken from the voice cache / decoded from recordings / still pending, and the
        seconds from the start of :func:`resolve` until the last line was ready."""
        lines = [ln for ls in self.lines.values() for ln in ls]
        voiced = [ln for ln in lines if ln.samples is not None]
        out = {"lines": len(lines), "voiced": len(voiced), "seconds": round(sum(ln.seconds for ln in voiced), 1)}
        for how in ("synthesised", "cached", "decoded", "silent", "pending"):
            out[how] = sum(ln.how == how for ln in lines)
        out["wall"] = round(max([self.stats.get("wall", 0.0) + self._started, *self._finished]) - self._started, 1)
        return out

    # -- lines synthesised while segments render -------------------------------
    def wait(self, index: int) -> list[str]:
        """Block until segment ``index``'s lines are all resolved; return new warnings (long lines).

        A failed synthesis raises its located :class:`LessonError` here, in the
        thread that renders, so the render stops like any bad input."""
        todo = self._pending.pop(index, None)
        if not todo:
            return []
        lines = list(self.lines[index])
        new = []
        for j, fut, job in todo:
            try:
                line = fut.result(timeout=SYNTH_TIMEOUT)
            except FutureTimeout:
                self.close()
                err = LessonError(f"the voice did not finish line {job.line + 1} within {SYNTH_TIMEOUT:.0f} s",
                                  loc=job.loc, hint="render again; if it recurs, choose another narration_voice")
                raise (self._locate(err) if self._locate else err) from None
            except LessonError as e:
                self.close()
                raise (self._locate(e) if self._locate else e) from None
            lines[j] = line
            self.stats[line.how] = self.stats.get(line.how, 0) + 1
            self.stats["pending"] = self.stats.get("pending", 1) - 1
            if line.seconds > LONG_LINE:
                err = LessonError(f"line {job.line + 1} is {line.seconds:.0f} s long", loc=job.loc,
                                  hint="it renders, but a shorter line is easier to follow")
                new.append(str(self._locate(err) if self._locate else err))
        self.lines[index] = tuple(lines)
        self.warnings += new
        return new

    def storyboard(self, sb):
        """``sb`` with its beat lengths, once its voice exists (waits for a line still being synthesised)."""
        self.wait(sb.index)
        return self._with_beats(sb)

    def close(self) -> None:
        """Stop synthesising (a failed or interrupted render): queued lines are dropped."""
        if self._synth is not None:
            self._synth.shutdown(wait=False, cancel_futures=True)
            self._synth = None

    def _with_beats(self, sb):
        lines = self.lines.get(sb.index, ())
        beats = tuple(round(ln.beat, 3) for ln in lines) if any(ln.samples is not None for ln in lines) else ()
        return dataclasses.replace(sb, beat_seconds=beats,
                                   captions_on_screen=self.captions_on_screen.get(sb.index, True))

    # -- before rendering ---------------------------------------------------
    def apply(self, compiled):
        """The compiled lesson with each storyboard's beats and caption mode filled in.

        A segment whose voice is still being synthesised gets its beats from
        :meth:`storyboard` when it is about to render."""
        boards = tuple(dataclasses.replace(sb, captions_on_screen=self.captions_on_screen.get(sb.index, True))
                       if sb.index in self._pending else self._with_beats(sb) for sb in compiled.storyboards)
        return dataclasses.replace(compiled, storyboards=boards)

    def cache_key(self, index: int, key: str) -> str:
        """The segment's cache key with its audio's content hashes (re-recording a line re-renders it)."""
        if not self.voiced:
            return key
        digests = [ln.digest for ln in self.lines.get(index, ())]
        return hashlib.sha256(json.dumps([key, digests, sound_code()]).encode()).hexdigest()

    # -- after a clip is drawn ---------------------------------------------
    def cues(self, index: int, cues: list[dict]) -> list[dict]:
        """Cue times from the audio: a voiced line's cue ends where its voice ends."""
        self.wait(index)
        out = []
        lines = self.lines.get(index, ())
        for i, c in enumerate(cues):
            if i < len(lines) and lines[i].samples is not None:
                c = {**c, "end": round(c["start"] + lines[i].seconds, 3)}
                if lines[i].starts is not None:
                    c["words"] = caption_word_starts(c["text"], lines[i].say, lines[i].starts)
            out.append(c)
        return out

    def track(self, index: int, cues: list[dict], duration: float) -> np.ndarray | None:
        """The clip's sound: each line's voice from its cue's start, silence between, normalised.

        Made once per clip and run (the clip's mux and the lesson's join share it)."""
        if not self.voiced:
            return None
        self.wait(index)
        memo = (index, json.dumps([c["start"] for c in cues]), duration)
        if memo not in self._tracks:
            self._tracks[memo] = self._make_track(index, cues, duration)
        return self._tracks[memo]

    def _make_track(self, index: int, cues: list[dict], duration: float) -> np.ndarray:
        """Laid out and normalised once; kept in the voice cache by what it is made of (its lines' content
        hashes, where each starts, its length), so a re-render normalises only the clips that changed."""
        lines = self.lines.get(index, ())
        size = round(duration * audio.RATE)
        key = hashlib.sha256(json.dumps([[ln.digest for ln in lines], [c["start"] for c in cues], size,
                                         audio.RATE, audio.TARGET_LUFS, _CACHE_FORMAT, sound_code()]).encode())
        path = voice_cache_dir() / "tracks" / f"{key.hexdigest()}.npz"
        x = _load_cached(path)
        if x is not None and x.size == size:
            return x
        x = np.zeros(size, np.float32)
        for ln, cue in zip(lines, cues):
            if ln.samples is None:
                continue
            a = round(cue["start"] * audio.RATE)
            piece = ln.samples[: max(0, x.size - a)]
            x[a:a + piece.size] += piece
        x = audio.normalise(x)
        _store(path, x, compressed=True)
        return x

    def finish_clip(self, index: int, clip: Path, out: ClipOutcome) -> ClipOutcome:
        """Mux the sound into a drawn clip (in place, if it has none yet: a clip copied from an identical
        segment already has it); return the worker's outcome with audio-timed cues."""
        out = dataclasses.replace(out, cues=tuple(self.cues(index, list(out.cues))))
        if self.voiced and audio.codec_for(clip.suffix) is not None and not _has_audio(clip):
            concat([clip], clip, audio=[self.track(index, list(out.cues), out.duration)])
        return out


class SilentNarration(NarrationPlan):
    """No voice at all (the null object): storyboards, cues and keys pass through unchanged,
    there is no sound track, nothing to wait for or close. Callers that render without
    resolving narration pass this instead of ``None``, so nothing branches on it."""

    def __init__(self) -> None:
        super().__init__({}, {}, False)

    def storyboard(self, sb):
        return sb

    def apply(self, compiled):
        return compiled


def caption_word_starts(text: str, say: str, starts: tuple[float, ...]) -> list[float]:
    """When each word of the caption ``text`` is heard, from the times of the spoken words of ``say``.

    The two differ where a symbol is said in words ("×" → "by", "[V, d]" → "V by d"): words they
    share are matched in order; a caption word with no spoken twin takes the time of the spoken
    words in its place."""
    cap = [w.strip(".,;:!?\"“”‘’()[]{}…—–-").lower().replace("’", "'") for w in text.split()]
    spoken_words = align.words_of(say)
    end = starts[-1] if starts else 0.0
    out: list[float] = [0.0] * len(cap)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, cap, spoken_words, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            if op == "equal":
                t = starts[j1 + k - i1]
            elif j2 > j1:           # replaced: spread over the spoken words said in its place
                t = starts[j1 + (k - i1) * (j2 - j1) // (i2 - i1)]
            else:                   # not said: when the next spoken word starts
                t = starts[j1] if j1 < len(starts) else end
            out[k] = round(t, 3)
    for k in range(1, len(out)):    # never earlier than the word before
        out[k] = max(out[k], out[k - 1])
    return out


def _has_audio(path: Path) -> bool:
    with av.open(str(path)) as c:
        return bool(c.streams.audio)


def check(compiled) -> None:
    """What ``validate`` can say without synthesising: every recording is there and decodes whole
    (not cut short, not a renamed text file, not video only), every voice exists and is installed.
    Raises a located :class:`LessonError`."""
    try:
        for job in _plan(compiled):
            if job.recording is not None:
                if not job.recording.is_file():
                    raise LessonError(f"recording {job.shown!r} not found" if not job.recording.exists() else
                                      f"{job.shown!r} is not a file", loc=job.loc,
                                      hint="check the path (relative to the lesson file)")
                try:
                    audio.decode(job.recording)
                except audio.AudioError as e:
                    raise LessonError(f"{job.shown}: {e.message}", loc=job.loc, hint=e.hint) from None
    except LessonError as e:
        raise _positions(compiled.lesson).locate(e) from None


def _positions(lesson):
    """Where each key of the lesson file is, for error messages (a lesson built from a dict has no file)."""
    if lesson.path.is_file():
        try:
            return load_yaml(lesson.path)[1]
        except LessonError:
            pass
    return Positions(file=lesson.path.name)


@lru_cache(maxsize=1)
def sound_code() -> str:
    """Hash of the code that makes a clip's sound: changing it re-makes the clips' audio."""
    pkg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for name in ("media/audio.py", "narration/plan.py", "narration/align.py", "media/video.py"):
        h.update((pkg / name).read_bytes())
    return h.hexdigest()[:16]


def resolve(compiled, fmt: str = "mp4", *, defer: bool = False) -> NarrationPlan:
    """Find, decode and synthesise every line of every segment; errors are one located line.

    ``defer``: lines the voice cache does not hold yet are synthesised in the
    background, longest segments first, while other segments render (each
    segment waits only for its own lines: :meth:`NarrationPlan.storyboard`).
    Recordings are always decoded and checked here, before anything is drawn."""
    lesson = compiled.lesson
    pos = _positions(lesson)
    try:
        jobs = _plan(compiled, check_voices=False)
        t0 = time.perf_counter()
        missing = _to_synthesise(jobs)
        # only a voice that must speak is checked (importing hibari to check it costs a second):
        # a re-render whose lines are all in the voice cache loads no engine
        checked: set[tuple[str, str]] = set()
        for k in sorted(missing):
            _check_voice(jobs[k].voice, jobs[k].loc, checked)
        later = missing if defer else set()
        done = _run([job for k, job in enumerate(jobs) if k not in later])
    except LessonError as e:
        raise pos.locate(e) from None
    synth, pending, finished = None, {}, []
    if later:
        synth = ThreadPoolExecutor(max_workers=2, thread_name_prefix="narration")
        by_seg: dict[int, list[int]] = {}
        for k in sorted(later):
            by_seg.setdefault(jobs[k].seg, []).append(k)
        # the longest segments render first: their voices first
        for seg in sorted(by_seg, key=lambda s: -sum(len(jobs[k].say) for k in by_seg[s])):
            pending[seg] = [(jobs[k].line, synth.submit(_timed, jobs[k], finished), jobs[k]) for k in by_seg[seg]]
        it = iter(done)
        done = [_placeholder(jobs[k]) if k in later else next(it) for k in range(len(jobs))]
    lines: dict[int, list[Line]] = {}
    for job, line in zip(jobs, done):
        lines.setdefault(job.seg, []).append(line)
    cfg = lesson.config
    plan_lines = {sb.index: tuple(lines.get(sb.index, ())) for sb in compiled.storyboards}
    def sounds(ln):
        return ln.samples is not None or ln.how == "pending"
    voiced = any(sounds(ln) for ls in plan_lines.values() for ln in ls)
    mode = cfg.style.captions
    on_screen = {}
    for sb in compiled.storyboards:
        seg_voiced = any(sounds(ln) for ln in plan_lines[sb.index])
        on_screen[sb.index] = mode in ("burned", "both") or (mode is None and not (seg_voiced and fmt != "gif"))
    plan = NarrationPlan(plan_lines, on_screen, voiced, _pending=pending, _synth=synth, _locate=pos.locate,
                         _started=t0, _finished=finished)
    for job, line in zip(jobs, done):
        if line.seconds > LONG_LINE:
            err = pos.locate(LessonError(f"line {job.line + 1} is {line.seconds:.0f} s long", loc=job.loc,
                                         hint="it renders, but a shorter line is easier to follow"))
            plan.warnings.append(str(err))
    if voiced and audio.codec_for("." + fmt) is None:
        plan.warnings.append(f"{fmt} has no audio track: the narration is only timed and captioned, not heard "
                             "(render mp4, webm or mov to hear it)")
    made = [ln for ln in done if sounds(ln)]
    plan.stats = {"lines": len(done), "voiced": len(made), "seconds": round(sum(ln.seconds for ln in made), 1),
                  "wall": round(time.perf_counter() - t0, 2)}
    for ln in done:
        plan.stats[ln.how] = plan.stats.get(ln.how, 0) + 1
    return plan


def _timed(job: Job, finished: list) -> Line:
    """A line resolved in the background; ``finished`` gets the time it was done (for the summary)."""
    try:
        return _resolve_line(job)
    finally:
        finished.append(time.perf_counter())


def _to_synthesise(jobs: list[Job]) -> set[int]:
    """Which lines a voice must still speak (not in the voice cache, or its engine cannot say)."""
    out = set()
    for k, job in enumerate(jobs):
        if job.recording is None and job.voice is not None:
            try:
                cached = _synth_cache_path(job).is_file()
            except VoiceError:             # not installed: checking it says so, located
                cached = False
            if not cached:
                out.add(k)
    return out


def _placeholder(job: Job) -> Line:
    """A line being synthesised: its content hash is known (it keys the segment's cache), its sound not yet."""
    eng = engine(job.voice.engine)
    return Line(job.text, job.say, f"{eng.name} {job.voice.voice or eng.default_voice}",
                "tts:" + _synth_key(job), None, "pending")


# -- planning: where each line's sound comes from ---------------------------------

def _plan(compiled, check_voices: bool = True) -> list[Job]:
    """One job per line. ``check_voices``: each voice named must exist and be installed (validate);
    a render checks only the voices that must speak (:func:`resolve`)."""
    lesson = compiled.lesson
    cfg = lesson.config
    base = lesson.path.parent
    lesson_voice = voice_config(cfg.narration_voice)
    checked: set[tuple[str, str]] = set()
    jobs = []
    for sb in compiled.storyboards:
        i = sb.index - 1
        opts = cfg.segments[i]
        items = opts.narration_items
        seg_loc = ("segments", i)
        voice = voice_config(opts.narration_voice) if opts.narration_voice is not None else lesson_voice
        voice_loc = seg_loc + ("narration_voice",) if opts.narration_voice is not None else ("narration_voice",)
        if voice is not None and voice.engine == "none":
            voice = None
        if voice is not None and check_voices:
            _check_voice(voice, voice_loc, checked)
        vdir_value = opts.voice_dir or cfg.voice_dir
        vdir_loc = seg_loc + ("voice_dir",) if opts.voice_dir else ("voice_dir",)
        vdir = (base / vdir_value) if vdir_value else None
        if vdir is not None and not vdir.is_dir():
            raise LessonError(f"voice folder {vdir_value!r} does not exist", loc=vdir_loc,
                              hint="create it, or fix the path (relative to the lesson file)")
        for j, text in enumerate(sb.narration):
            item = items[j] if j < len(items) and items[j].text == text else None
            say = (item.say if item and item.say else None) or spoken(text)
            line_loc = seg_loc + ("narration",) + ((j,) if isinstance(opts.narration, list) else ())
            recording, shown = None, ""
            if item is not None and item.audio:
                recording, shown = base / item.audio, item.audio
                line_loc = line_loc + ("audio",)
            elif vdir is not None:
                stem = recording_name(sb.index, sb.type, j + 1)
                found = sorted(p for p in vdir.glob(stem + ".*") if p.suffix.lower() in EXTENSIONS)
                if len(found) > 1:
                    raise LessonError(f"two recordings for line {j + 1}: " + ", ".join(p.name for p in found),
                                      loc=vdir_loc, hint="keep one")
                if found:
                    recording, line_loc, shown = found[0], vdir_loc, f"{vdir_value.rstrip('/')}/{found[0].name}"
                elif voice is None:
                    raise LessonError(f"no recording of line {j + 1} of segment {sb.index} ({sb.type}) in "
                                      f"{vdir_value!r}", loc=vdir_loc,
                                      hint=f"save it as {stem}.wav (embedviz script lists every line), or set "
                                           "narration_voice: hibari to synthesise missing lines")
            jobs.append(Job(sb.index, j, text, say, recording, None if recording else voice,
                            line_loc if recording else voice_loc, shown))
    return jobs


def _check_voice(voice: VoiceConfig, loc: tuple, checked: set) -> None:
    try:
        eng = engine(voice.engine)
        name = voice.voice or eng.default_voice
        if (voice.engine, name) not in checked:
            eng.check(name)
            checked.add((voice.engine, name))
    except VoiceError as e:
        raise LessonError(e.message, loc=loc, hint=e.hint) from None


# -- running: decode and synthesise (in parallel), with the on-disk cache -----------

def _run(jobs: list[Job]) -> list[Line]:
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=min(4, len(jobs))) as pool:
        return list(pool.map(_resolve_line, jobs))


def _resolve_line(job: Job) -> Line:
    if job.recording is not None:
        try:
            data = job.recording.read_bytes()
        except FileNotFoundError:
            raise LessonError(f"recording {job.shown!r} not found", loc=job.loc,
                              hint="check the path (relative to the lesson file)") from None
        except IsADirectoryError:
            raise LessonError(f"{job.shown!r} is a directory, not a recording", loc=job.loc,
                              hint="name the audio file") from None
        except PermissionError:
            raise LessonError(f"recording {job.shown!r} is not readable", loc=job.loc,
                              hint="check its permissions") from None
        digest = "rec:" + hashlib.sha256(data).hexdigest()
        # the same bytes decoded whole and were normalised before: their sound is in the voice cache
        path = _rec_cache_path(digest)
        samples = _load_cached(path)
        if samples is None:
            try:
                samples = audio.decode(job.recording)
            except audio.AudioError as e:
                raise LessonError(f"{job.shown}: {e.message}", loc=job.loc, hint=e.hint) from None
            samples = audio.trim_silence(samples)
            if samples.size == 0:
                raise LessonError(f"{job.shown}: the recording is silent", loc=job.loc,
                                  hint="check the microphone and record the line again")
            samples = audio.normalise(samples)
            _store(path, samples)
        return Line(job.text, job.say, f"recording {job.shown}", digest, samples, "decoded", _starts(samples, job))
    if job.voice is None:
        return Line(job.text, job.say, "silent", "silent")
    return _synthesised(job)


def _synth_key(job: Job) -> str:
    eng = engine(job.voice.engine)
    name = job.voice.voice or eng.default_voice
    return hashlib.sha256(json.dumps([job.say, eng.name, eng.version(), name, job.voice.speed, audio.RATE,
                                      audio.TARGET_LUFS, _CACHE_FORMAT]).encode()).hexdigest()


def _rec_cache_path(digest: str) -> Path:
    """Where a recording's trimmed, normalised sound is kept (by the file's content hash)."""
    key = hashlib.sha256(json.dumps([digest, audio.RATE, audio.TARGET_LUFS, audio.SHORT, _CACHE_FORMAT]).encode())
    return voice_cache_dir() / "recordings" / f"{key.hexdigest()}.npz"


def _synth_cache_path(job: Job) -> Path:
    key = _synth_key(job)
    return voice_cache_dir() / key[:2] / f"{key}.npz"


def _synthesised(job: Job) -> Line:
    eng = engine(job.voice.engine)
    name = job.voice.voice or eng.default_voice
    key = _synth_key(job)
    origin = f"{eng.name} {name}"
    path = _synth_cache_path(job)
    samples = _load_cached(path)
    if samples is not None:
        return Line(job.text, job.say, origin, "tts:" + key, samples, "cached", _starts(samples, job))
    try:
        speech = eng.synthesise(job.say, name, job.voice.speed)
    except VoiceError as e:
        raise LessonError(e.message, loc=job.loc, hint=e.hint) from None
    # engines pad a line with ~0.3 s of silence before and ~0.45 s after: cut it, so the cue is the voice
    samples = audio.normalise(audio.trim_silence(audio.resample(speech.samples, speech.rate)))
    if samples.size == 0:
        raise LessonError(f"the voice said nothing for line {job.line + 1} ({job.say!r})", loc=job.loc,
                          hint="give the line words, or a spoken form with 'say:'")
    _store(path, samples)
    return Line(job.text, job.say, origin, "tts:" + key, samples, "synthesised", _starts(samples, job))


def _starts(samples: np.ndarray, job: Job) -> tuple[float, ...] | None:
    """When each spoken word starts (cached beside the voices); None when alignment fails."""
    return align.word_starts(samples, audio.RATE, job.say, cache=voice_cache_dir())


def _load_cached(path: Path) -> np.ndarray | None:
    """A cached voice, or None when missing or damaged (it is then made again, never served)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            samples = z["samples"]
            digest = bytes(z["sha256"]).hex()
    except Exception:        # missing, truncated, bad CRC, not a zip...: any damage means "make it again"
        return None
    if samples.dtype != np.float32 or samples.ndim != 1 or hashlib.sha256(samples.tobytes()).hexdigest() != digest:
        return None
    return samples


def _store(path: Path, samples: np.ndarray, compressed: bool = False) -> None:
    """Write atomically: a reader sees the whole entry or none.
    ``compressed``: for tracks, mostly the exact zeros between lines."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            (np.savez_compressed if compressed else np.savez)(f, samples=samples,
                     sha256=np.frombuffer(hashlib.sha256(samples.tobytes()).digest(), np.uint8))
    except OSError:
        pass          # a cache that cannot be written only costs time
