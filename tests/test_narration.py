"""Narrated lessons: recordings in any format, the picture waits for the voice, a real audio track.

Test audio is made here: noise bursts of known length at different levels,
sample rates and channel counts, written as wav, mp3 and flac through PyAV.
One render (two short segments) is shared by the assertions; a second render
after re-recording one line checks that only that segment is drawn again.
"""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedviz.cli import main
from embedviz.media import audio
from embedviz.narration import plan as narration
from embedviz.options import Quality
from embedviz.render import events as ev
from embedviz.render.lesson import render_lesson

FPS = 10
FRAME = 1 / FPS
QUALITY = Quality("t", 256, 144, FPS)


def write_audio(path: Path, seconds: float, *, rate: int = 44_100, channels: int = 1, level: float = 0.3,
                lead: float = 0.0, tail: float = 0.0, seed: int = 0) -> None:
    """A noise burst of ``seconds`` (with optional silence around it), encoded by the file's suffix."""
    rng = np.random.default_rng(seed)
    n_lead, n, n_tail = round(lead * rate), round(seconds * rate), round(tail * rate)
    burst = (rng.standard_normal(n) * level).clip(-1, 1)
    x = np.concatenate([np.zeros(n_lead), burst, np.zeros(n_tail)]).astype(np.float32)
    codec = {".wav": "pcm_s16le", ".mp3": "mp3", ".flac": "flac", ".m4a": "aac", ".ogg": "libopus"}[path.suffix]
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=rate, layout=layout)
        fmt = {"pcm_s16le": "s16", "mp3": "fltp", "flac": "s16", "aac": "fltp", "libopus": "flt"}[codec]
        size = s.codec_context.frame_size or 1024
        planar = fmt.endswith("p")
        for start in range(0, x.size, size):
            chunk = np.tile(x[start:start + size], (channels, 1))
            if fmt == "s16":
                chunk = (chunk * 32767).astype(np.int16)
            arr = chunk if planar else chunk.T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(arr), format=fmt, layout=layout)
            frame.sample_rate, frame.pts = rate, start
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)


def bursts(x: np.ndarray, rate: int = audio.RATE, *, min_gap: float = 0.15) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of sound: 5 ms RMS above -40 dBFS, gaps under min_gap joined."""
    win = rate // 200
    n = x.size // win
    rms = np.sqrt((x[: n * win].reshape(n, win) ** 2).mean(axis=1))
    on = rms > 10 ** (-40 / 20)
    out: list[list[float]] = []
    for i in np.flatnonzero(np.diff(np.concatenate([[0], on.astype(int), [0]])) != 0):
        t = i * win / rate
        if not out or len(out[-1]) == 2:
            if out and t - out[-1][1] < min_gap:
                out[-1].pop()
            else:
                out.append([t])
        else:
            out[-1].append(t)
    return [tuple(b) for b in out if len(b) == 2]


LESSON = """
lesson: {title: Narration check, slug: narr}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
voice_dir: voice
segments:
  - type: lookup
    narration:
      - {text: "First line, a wav at 44.1 kHz stereo.", audio: rec/one.wav}
      - {text: "Second line, an mp3.", audio: rec/two.mp3}
      - {text: "Third line, a flac at 22 kHz.", audio: rec/three.flac}
  - type: lookup
    tokens: "dog cat"
    narration: ["Found by the naming convention in voice/."]
"""
LENGTHS = {"rec/one.wav": 1.2, "rec/two.mp3": 0.9, "rec/three.flac": 1.6, "voice/02-lookup-1.wav": 1.1}


def make_lesson(d: Path) -> Path:
    (d / "rec").mkdir()
    (d / "voice").mkdir()
    write_audio(d / "rec/one.wav", 1.2, channels=2, level=0.02, lead=0.3, tail=0.2)   # quiet, with silence
    write_audio(d / "rec/two.mp3", 0.9, level=0.5, seed=1)
    write_audio(d / "rec/three.flac", 1.6, rate=22_050, level=0.1, seed=2)
    write_audio(d / "voice/02-lookup-1.wav", 1.1, rate=48_000, seed=3)
    (d / "l.yaml").write_text(LESSON)
    return d / "l.yaml"


@pytest.fixture(scope="module")
def narrated(tmp_path_factory):
    d = tmp_path_factory.mktemp("narrated")
    lesson = make_lesson(d)
    events: list = []
    result = render_lesson(load_lesson(lesson), QUALITY, d / "media", jobs=2, on_event=events.append)
    return d, result, json.loads((result.out_dir / "manifest.json").read_text()), events


def _streams(path: Path) -> tuple[float, str | None, float | None]:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        a = c.streams.audio[0] if c.streams.audio else None
        return (float(v.duration * v.time_base), a.codec_context.name if a else None,
                float(a.duration * a.time_base) if a else None)


@pytest.mark.render
def test_clips_and_lesson_carry_aac_audio_in_sync(narrated):
    d, result, manifest, _ = narrated
    for f in [manifest["video"], manifest["title_card"]["clip"], *[s["clip"] for s in manifest["segments"]]]:
        vdur, codec, adur = _streams(result.out_dir / f)
        assert codec == "aac", f
        with av.open(str(result.out_dir / f)) as c:
            assert c.streams.audio[0].codec_context.profile == "LC"
        decoded = audio.decode(result.out_dir / f)
        assert abs(adur - vdur) <= 0.005, f          # stream durations: well inside a frame, even at 60 fps
        assert abs(decoded.size / audio.RATE - vdur) <= FRAME, f        # what a player decodes
    assert manifest["format"]["audio"] == {"codec": "aac", "rate": audio.RATE, "channels": 1}


@pytest.mark.render
def test_cues_are_where_the_voice_is(narrated):
    """Each cue starts where its line's sound starts and ends where it ends (onsets found in the decoded audio)."""
    d, result, manifest, _ = narrated
    lesson_audio = audio.decode(result.out_dir / manifest["video"])
    found = bursts(lesson_audio)
    lines = [(c["start"], c["end"]) for seg in manifest["segments"] for c in seg["cues"]]
    # timed_cues may split one line into two pieces; join pieces that touch
    joined: list[list[float]] = []
    for s, e in lines:
        if joined and abs(joined[-1][1] - s) < 1e-3:
            joined[-1][1] = e
        else:
            joined.append([s, e])
    assert len(found) == len(joined) == 4
    for (s, e), (fs, fe), length in zip(joined, found, LENGTHS.values()):
        # a recording's leading and trailing silence is cut (30 ms kept): its cue is its sound
        assert abs(fs - s) <= 0.04 and abs(fe - e) <= 0.05
        assert abs((e - s) - length) <= 0.06
    # each segment's sound is where it is in its own clip: no drift at the joins
    for seg, (fs, _) in zip(manifest["segments"], [found[0], found[3]]):
        own = bursts(audio.decode(result.out_dir / seg["clip"]))[0][0]
        assert abs((fs - seg["start"]) - own) <= min(FRAME, 0.02)
    # the next line never starts before the previous one's voice has ended
    assert all(b[0] >= a[1] for a, b in zip(joined, joined[1:]))


@pytest.mark.render
def test_loudness_is_normalised(narrated):
    d, result, manifest, _ = narrated
    x = audio.decode(result.out_dir / manifest["video"])
    assert audio.loudness(x) == pytest.approx(audio.TARGET_LUFS, abs=1.0)
    assert audio.true_peak_db(x) <= audio.PEAK_DBTP
    # the quiet recording (-34 dBFS) and the loud one (-6 dBFS) end up within 1 LU of each other
    seg = audio.decode(result.out_dir / manifest["segments"][0]["clip"])
    parts = bursts(seg)
    levels = [audio.loudness(seg[round(a * audio.RATE): round(b * audio.RATE)]) for a, b in parts]
    assert max(levels) - min(levels) <= 1.0


@pytest.mark.render
def test_captions_go_to_the_track_with_a_voice(narrated):
    d, result, manifest, _ = narrated
    vtt = (result.out_dir / manifest["captions"]["vtt"]).read_text()
    assert "Second line, an mp3." in vtt and "naming convention" in vtt
    # nothing is drawn at the bottom of the frame while the first line plays (style.captions defaults to track)
    seg = manifest["segments"][0]
    with av.open(str(result.out_dir / seg["clip"])) as c:
        t = seg["cues"][0]["start"] - seg["start"] + 0.5
        shown = [f for f in c.decode(video=0) if f.time <= t]          # the picture on screen at t
        frame = shown[-1].to_ndarray(format="rgb24")
    bottom = frame[-30:].astype(int)
    assert np.abs(bottom - bottom[0, 0]).max() < 40


@pytest.mark.render
def test_re_recording_one_line_re_renders_one_segment(narrated):
    d, result, manifest, _ = narrated
    write_audio(d / "voice/02-lookup-1.wav", 2.0, seed=9)          # a new take of segment 2's line
    events: list = []
    again = render_lesson(load_lesson(d / "l.yaml"), QUALITY, d / "media", jobs=1, on_event=events.append)
    rendered = sorted(e.index for e in events if isinstance(e, ev.Rendered))
    cached = sorted(e.index for e in events if isinstance(e, ev.Cached))
    assert rendered == [2] and cached == [0, 1]
    new = json.loads((again.out_dir / "manifest.json").read_text())
    c = new["segments"][1]["cues"][0]
    assert c["end"] - c["start"] == pytest.approx(2.0, abs=FRAME)


def _plan_for(tmp_path: Path, body: str, monkeypatch) -> narration.NarrationPlan:
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "l.yaml").write_text(body)
    return narration.resolve(load_lesson(tmp_path / "l.yaml"))


SYNTH = """
lesson: {title: Synth}
vocabulary: [the, cat]
embeddings: {source: synthetic, dim: 4}
tokens: "the cat"
narration_voice: hibari
segments:
  - type: lookup
    narration: ["Each token is first turned into a number.", {text: "n × d", say: "n by d"}]
"""


@pytest.mark.unit
def test_synthesis_is_cached_and_damaged_entries_are_remade(tmp_path, monkeypatch):
    from embedviz.narration.voices import engine
    eng = engine("hibari")
    calls = []
    real = eng.synthesise
    monkeypatch.setattr(eng, "synthesise", lambda text, voice, speed: calls.append(text) or real(text, voice, speed))
    first = _plan_for(tmp_path, SYNTH, monkeypatch)
    assert sorted(calls) == ["Each token is first turned into a number.", "n by d"]     # say: is what is spoken
    assert first.stats["synthesised"] == 2 and "cached" not in first.stats
    second = _plan_for(tmp_path, SYNTH, monkeypatch)
    assert len(calls) == 2                                     # nothing synthesised twice
    assert second.stats["cached"] == 2 and "synthesised" not in second.stats
    a, b = first.lines[1][0], second.lines[1][0]
    assert a.digest == b.digest and np.array_equal(a.samples, b.samples)
    entries = sorted((tmp_path / "cache").rglob("*.npz"))
    assert len(entries) == 2
    for e in entries:                                          # damage every entry
        data = bytearray(e.read_bytes())
        data[len(data) // 2] ^= 0xFF
        e.write_bytes(bytes(data))
    third = _plan_for(tmp_path, SYNTH, monkeypatch)
    assert len(calls) == 4                                     # re-made, not served
    assert np.array_equal(third.lines[1][0].samples, a.samples)
    assert not list((tmp_path / "cache").rglob("*.part"))
    # the beats the scene gets: the voice's length plus the gap
    sb = first.apply(load_lesson(tmp_path / "l.yaml")).storyboards[0]
    assert sb.beat_seconds == pytest.approx([ln.seconds + narration.GAP for ln in first.lines[1]], abs=1e-3)
    assert sb.captions_on_screen is False


@pytest.mark.unit
def test_offline_voice_says_a_real_sentence():
    """hibari: speech of a plausible length, and an offline recogniser hears most of its words."""
    from embedviz.narration.voices import engine
    sentence = "Each token is first turned into a number."
    sp = engine("hibari").synthesise(sentence, "heart", 1.0)
    x = audio.resample(sp.samples, sp.rate)
    seconds = x.size / audio.RATE
    assert 1.5 < seconds < 5.0                       # 8 words at 100-300 words a minute
    assert audio.loudness(x) > -40                   # not silence
    pocketsphinx = pytest.importorskip("pocketsphinx")
    dec = pocketsphinx.Decoder(samprate=16000, logfn="/dev/null")
    pcm = (np.clip(audio.resample(sp.samples, sp.rate, 16000), -1, 1) * 32767).astype("<i2").tobytes()
    dec.start_utt()
    dec.process_raw(pcm, full_utt=True)
    dec.end_utt()
    heard = set((dec.hyp().hypstr if dec.hyp() else "").split())
    words = set(sentence.lower().rstrip(".").split())
    assert len(words & heard) >= 0.75 * len(words), heard


@pytest.mark.unit
def test_espeak_runs_as_a_subprocess():
    from embedviz.narration.voices import engine
    sp = engine("espeak").synthesise("one two three", "en-us", 1.0)
    assert 0.8 < sp.samples.size / sp.rate < 4 and sp.samples.dtype == np.float32
    import sys
    assert not any("espeak" in name for name in sys.modules if name != "embedviz.narration.voices.espeak")


# -- bad input: one line, exit 2, nothing written ------------------------------------

BAD = """
lesson: {title: Bad, slug: bad}
vocabulary: [the, cat]
embeddings: {source: synthetic, dim: 4}
tokens: "the cat"
segments:
  - type: lookup
    narration:
      - {text: "A line.", audio: AUDIO}
"""


def _bad(tmp_path: Path, capsys, body: str) -> str:
    (tmp_path / "l.yaml").write_text(body)
    code = main(["render", str(tmp_path / "l.yaml"), "--resolution", "256x144", "--fps", "5",
                 "--out", str(tmp_path / "media")])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert not (tmp_path / "media").exists()
    return err


@pytest.mark.parametrize("make, expect", [
    (None, "not found"),
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"RIFF\x00\x00garbage" * 50), "not valid audio"),
    (lambda p: p.mkdir(), "directory"),
])
@pytest.mark.unit
def test_bad_recordings(tmp_path, capsys, make, expect):
    if make is not None:
        make(tmp_path / "x.wav")
    err = _bad(tmp_path, capsys, BAD.replace("AUDIO", "x.wav"))
    assert err.startswith(f"{tmp_path / 'l.yaml'}:9:") and "segments[0].narration[0].audio" in err
    assert expect in err
    if expect != "directory":           # validate finds these too (it decodes every recording)
        assert main(["validate", str(tmp_path / "l.yaml")]) == 2
        assert capsys.readouterr().err.strip() == err


@pytest.mark.unit
def test_video_without_sound_and_video_with_sound(tmp_path, capsys):
    # a video file with no audio stream is refused ...
    with av.open(str(tmp_path / "v.mp4"), "w") as c:
        s = c.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        for i in range(5):
            f = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    err = _bad(tmp_path, capsys, BAD.replace("AUDIO", "v.mp4"))
    assert "no audio stream" in err
    # ... and a video with sound gives its sound (an m4a too)
    from embedviz.media.video import concat
    burst = (np.random.default_rng(0).standard_normal(audio.RATE // 4) * 0.2).astype(np.float32)
    concat([tmp_path / "v.mp4"], tmp_path / "with-sound.mp4", audio=[burst])
    x = audio.decode(tmp_path / "with-sound.mp4")
    assert bursts(x)[0] == (pytest.approx(0.0, abs=0.01), pytest.approx(0.25, abs=0.02))
    write_audio(tmp_path / "s.m4a", 0.7, rate=48_000)
    x = audio.decode(tmp_path / "s.m4a")
    assert abs(x.size / audio.RATE - 0.7) < 0.05


@pytest.mark.parametrize("voice, expect", [
    ("{engine: hibari, voice: emma}", "would need a download"),
    ("{engine: hibari, voice: nobody}", "has no voice 'nobody'"),
    ("{engine: espeak, voice: xx-nowhere}", "has no voice"),
    ("klingon", "not allowed"),
])
@pytest.mark.unit
def test_bad_voices(tmp_path, capsys, voice, expect):
    body = BAD.replace("      - {text: \"A line.\", audio: AUDIO}", "      - A line.").replace(
        "segments:", f"narration_voice: {voice}\nsegments:")
    err = _bad(tmp_path, capsys, body)
    assert err.startswith(f"{tmp_path / 'l.yaml'}:6:") and "narration_voice" in err and expect in err


@pytest.mark.unit
def test_missing_recording_in_voice_dir(tmp_path, capsys):
    (tmp_path / "voice").mkdir()
    body = BAD.replace("      - {text: \"A line.\", audio: AUDIO}", "      - A line.").replace(
        "segments:", "voice_dir: voice\nsegments:")
    err = _bad(tmp_path, capsys, body)
    assert "no recording of line 1" in err and "01-lookup-1.wav" in err


@pytest.mark.unit
def test_a_long_line_renders_with_a_warning(tmp_path, monkeypatch):
    write_audio(tmp_path / "long.flac", 61.0, rate=8000, level=0.1)
    plan = _plan_for(tmp_path, BAD.replace("AUDIO", "long.flac"), monkeypatch)
    assert len(plan.warnings) == 1 and "61 s long" in plan.warnings[0] and ":9:" in plan.warnings[0]


@pytest.mark.unit
def test_recording_script_lists_every_line(tmp_path):
    lesson = make_lesson(tmp_path)
    from embedviz.narration.script import recording_script
    text = recording_script(load_lesson(lesson))
    assert "01-lookup-1.wav" in text and "02-lookup-1.wav" in text
    assert "Found by the naming convention in voice/." in text
    assert "4 lines" in text


def _video(path: Path, codec: str, frames: int, fps: int = 10) -> None:
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        for i in range(frames):
            f = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 7 % 255, np.uint8), format="rgb24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)


@pytest.mark.unit
@pytest.mark.parametrize("suffix, codec, acodec", [(".mp4", "libx264", "aac"), (".webm", "libvpx-vp9", "opus")])
def test_concat_lays_each_clip_sound_under_its_picture(tmp_path, suffix, codec, acodec):
    """Video packets copied, one sound track: each clip's burst starts where that clip starts."""
    from embedviz.media.video import concat
    clips = []
    for i, frames in enumerate((13, 7, 21)):                      # 1.3 s, 0.7 s, 2.1 s at 10 fps
        clips.append(tmp_path / f"c{i}{suffix}")
        _video(clips[-1], codec, frames)
    rng = np.random.default_rng(0)
    tracks = [None, *[(rng.standard_normal(round(s * audio.RATE)) * 0.1).astype(np.float32) for s in (0.3, 5.0)]]
    out = tmp_path / f"joined{suffix}"
    seconds = concat(clips, out, audio=tracks)
    assert seconds == pytest.approx(4.1, abs=1e-6)
    with av.open(str(out)) as c:
        assert c.streams.audio[0].codec_context.name == acodec
        assert sum(1 for _ in c.demux(c.streams.video[0]) if _.size) == 41      # every frame copied
    x = audio.decode(out)
    assert abs(x.size / audio.RATE - 4.1) <= 0.1                  # A/V ends within one frame
    found = bursts(x)
    # clip 1's burst at 1.3 s; clip 2's (5 s long) starts at 2.0 s and is cut at the lesson's end
    assert [round(a, 2) for a, _ in found] == [pytest.approx(1.3, abs=0.01), pytest.approx(2.0, abs=0.01)]
    assert found[0][1] == pytest.approx(1.6, abs=0.02)
    assert found[1][1] == pytest.approx(4.1, abs=0.03)


@pytest.mark.parametrize("captions, segment_voice, on_screen", [
    (None, None, False), ("track", None, False), ("burned", None, True), ("both", None, True), (None, "none", True),
])
@pytest.mark.unit
def test_caption_mode(tmp_path, monkeypatch, captions, segment_voice, on_screen):
    write_audio(tmp_path / "x.wav", 0.5)
    body = BAD.replace("AUDIO", "x.wav")
    if captions:
        body = body.replace("tokens:", f"style: {{captions: {captions}}}\ntokens:")
    if segment_voice:         # a second, silent segment: its captions are drawn unless told otherwise
        body += f"  - type: lookup\n    narration_voice: {segment_voice}\n"
    plan = _plan_for(tmp_path, body, monkeypatch)
    idx = 2 if segment_voice else 1
    assert plan.captions_on_screen[idx] is on_screen
    sb = plan.apply(load_lesson(tmp_path / "l.yaml")).storyboards[idx - 1]
    assert sb.captions_on_screen is on_screen
    assert bool(sb.beat_seconds) is (idx == 1)


TWO_SEGMENTS = SYNTH + """  - type: lookup
    narration: ["A second segment says this.", "And then this."]
"""


@pytest.mark.unit
def test_deferred_synthesis_gives_the_same_keys_beats_and_sound(tmp_path, monkeypatch):
    """Lines not yet in the voice cache are synthesised while segments render: what a segment gets
    when it is about to render, and its cache key, equal what resolving everything first gives."""
    import dataclasses

    from embedviz.render.cache import segment_key
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "l.yaml").write_text(TWO_SEGMENTS)
    compiled = load_lesson(tmp_path / "l.yaml")
    late = narration.resolve(compiled, defer=True)
    assert late.stats["pending"] == 4 and "synthesised" not in late.stats
    assert all(ln.how == "pending" and ln.samples is None for ls in late.lines.values() for ln in ls)
    assert late.voiced and not any(late.captions_on_screen.values())          # voiced: captions on the track

    def key(plan, sb):
        return plan.cache_key(sb.index, segment_key(dataclasses.replace(sb, beat_seconds=()).to_dict(), {}, 8, 8, 1))
    late_boards = late.apply(compiled).storyboards
    late_keys = [key(late, sb) for sb in late_boards]
    ready = [late.storyboard(sb) for sb in late_boards]                     # waits for each segment's voice
    assert late.stats["synthesised"] == 4 and late.stats["pending"] == 0
    first = narration.resolve(compiled)                                     # now all from the cache
    assert first.stats["cached"] == 4
    boards = first.apply(compiled).storyboards
    assert [key(first, sb) for sb in boards] == late_keys
    assert [sb.to_dict() for sb in boards] == [sb.to_dict() for sb in ready]
    assert all(len(sb.beat_seconds) == 2 and min(sb.beat_seconds) > 0.5 for sb in ready)
    for sb in boards:
        a, b = first.lines[sb.index], late.lines[sb.index]
        assert [x.digest for x in a] == [y.digest for y in b]
        assert all(np.array_equal(x.samples, y.samples) for x, y in zip(a, b))


@pytest.mark.unit
def test_a_failed_deferred_line_stops_the_render_with_one_located_line(tmp_path, monkeypatch):
    from embedcore.errors import LessonError
    from embedviz.narration.voices import VoiceError, engine
    eng = engine("hibari")

    def broken(text, voice, speed):
        raise VoiceError("the voice engine stopped", "reinstall it")
    monkeypatch.setattr(eng, "synthesise", broken)
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "l.yaml").write_text(SYNTH)
    compiled = load_lesson(tmp_path / "l.yaml")
    plan = narration.resolve(compiled, defer=True)
    with pytest.raises(LessonError) as e:
        plan.storyboard(compiled.storyboards[0])
    assert "the voice engine stopped" in str(e.value) and "l.yaml:" in str(e.value)
    code = main(["render", str(tmp_path / "l.yaml"), "--resolution", "64x36", "--fps", "2",
                 "--out", str(tmp_path / "media")])
    assert code == 2
    assert not any((tmp_path / "media").rglob("*.mp4")), "nothing half-written"
