"""An unchanged re-render does no audio work: nothing decoded, normalised, laid out or encoded.

The lesson video records what it was made from (its clips' keys, the format,
the joining code) in its own cache entry; when a re-render would join the same
clips, the video in place is kept. A changed line makes only its segment's
track (the others are kept in the voice cache) and the lesson's one encode again.
"""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedviz.media import audio, video
from embedviz.narration import plan as narration
from embedviz.options import Quality
from embedviz.render import assemble
from embedviz.render.lesson import render_lesson
from tests.test_narration import write_audio

LESSON = """
lesson: {title: Re-render, slug: again}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration:
      - {text: "A recorded line.", audio: one.wav}
  - type: lookup
    tokens: "dog cat"
    narration:
      - {text: "Another recorded line.", audio: two.mp3}
"""
QUALITY = Quality("t", 256, 144, 5)
WATCHED = [(audio, "decode"), (audio, "normalise"), (audio, "encode"), (video, "encode"), (video, "concat"),
           (assemble, "concat"), (narration, "concat"),
           (narration.NarrationPlan, "track")]


@pytest.fixture
def count_audio_work(monkeypatch):
    calls: dict[str, int] = {}
    for owner, name in WATCHED:
        real = getattr(owner, name)

        def counted(*args, _real=real, _name=name, **kw):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kw)
        monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.mark.render
def test_an_unchanged_re_render_does_no_audio_work(tmp_path, monkeypatch, count_audio_work):
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "voices"))
    write_audio(tmp_path / "one.wav", 1.0, level=0.2)
    write_audio(tmp_path / "two.mp3", 1.2, level=0.1, seed=1)
    (tmp_path / "l.yaml").write_text(LESSON)

    first = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert count_audio_work["normalise"] >= 3 and count_audio_work["encode"] >= 1   # the counting works
    before = Path(first.video).read_bytes()
    entry = Path(str(first.video) + ".json")
    assert entry.is_file()

    count_audio_work.clear()
    again = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert count_audio_work == {}, count_audio_work
    assert again.video == first.video and Path(again.video).read_bytes() == before
    assert all(s.cached for s in again.segments)

    # a changed recording: that segment's track and the lesson's one encode, nothing else re-made
    write_audio(tmp_path / "two.mp3", 0.8, level=0.1, seed=2)
    count_audio_work.clear()
    third = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert count_audio_work.get("decode") == 1 and count_audio_work.get("concat", 0) >= 1
    # normalised: the new recording, and the one track it is in (the others come from the voice cache)
    assert count_audio_work.get("normalise") == 2, count_audio_work
    assert Path(third.video).read_bytes() != before
    assert [s.cached for s in third.segments] == [True, False]


@pytest.mark.render
def test_a_damaged_lesson_video_is_joined_again(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "voices"))
    write_audio(tmp_path / "one.wav", 1.0, level=0.2)
    write_audio(tmp_path / "two.mp3", 1.2, level=0.1, seed=1)
    (tmp_path / "l.yaml").write_text(LESSON)
    first = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    good = Path(first.video).read_bytes()
    Path(first.video).write_bytes(good[: len(good) // 2])
    again = render_lesson(load_lesson(tmp_path / "l.yaml"), QUALITY, tmp_path / "media")
    assert Path(again.video).read_bytes() == good


@pytest.mark.unit
def test_a_voice_is_checked_only_when_it_must_speak(tmp_path, monkeypatch):
    """Every line in the voice cache: no engine is checked (hibari's import alone costs a second of a re-render).
    A line not in it: its voice is checked first, and a voice that does not exist is still one located error."""
    from embedviz.narration.voices.espeak import EspeakEngine

    monkeypatch.setenv("EMBEDVIZ_VOICE_CACHE", str(tmp_path / "voices"))
    checks: list[str] = []
    real = EspeakEngine.check
    monkeypatch.setattr(EspeakEngine, "check", lambda self, voice: (checks.append(voice), real(self, voice))[1])
    lesson = tmp_path / "l.yaml"
    lesson.write_text(LESSON.replace("      - {text: \"A recorded line.\", audio: one.wav}", "      - A spoken line.")
                      .replace("segments:", "narration_voice: espeak\nsegments:"))
    write_audio(tmp_path / "two.mp3", 1.2, level=0.1, seed=1)
    assert narration.resolve(load_lesson(lesson)).lines[1][0].how == "synthesised" and checks == ["en-us"]
    checks.clear()
    assert narration.resolve(load_lesson(lesson)).lines[1][0].how == "cached" and checks == []
    lesson.write_text(lesson.read_text().replace("narration_voice: espeak", "narration_voice: "
                                                 "{engine: espeak, voice: xx-nowhere}"))
    with pytest.raises(LessonError, match="has no voice 'xx-nowhere'") as err:
        narration.resolve(load_lesson(lesson))
    assert lesson.read_text().splitlines()[err.value.line - 1].startswith("narration_voice:")


@pytest.mark.unit
def test_the_thumbnail_is_the_picture_a_full_decode_gives(tmp_path):
    """The thumbnail seeks to the key frame before its time: the same picture as decoding from the start."""
    clip = tmp_path / "c.mp4"
    with av.open(str(clip), "w") as c:
        s = c.add_stream("libx264", rate=10, options={"g": "7"})       # a key frame every 0.7 s
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for i in range(40):
            f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 6 * i, np.uint8), format="rgb24")
            f.pts = i
            for pkt in s.encode(f):
                c.mux(pkt)
        for pkt in s.encode(None):
            c.mux(pkt)
    for at in (0.0, 0.05, 0.69, 0.7, 1.234, 2.75, 3.9, 10.0):
        with av.open(str(clip)) as c:
            frames = list(c.decode(video=0))
        want = [f for f in frames if f.time <= at + 1e-6][-1].to_ndarray(format="rgb24")
        video.thumbnail(clip, at, tmp_path / "t.png")
        assert np.array_equal(np.asarray(Image.open(tmp_path / "t.png").convert("RGB")), want), at
