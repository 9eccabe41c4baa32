"""A long segment split into chunks on several workers gives the clip an unsplit render gives.

Chunks run the scene's construct dry up to their slice and render the plays that
start in it; the segment's partial movies are joined as Manim joins them. The
frame tests decode both clips in rgb24 and compare every picture and its time;
the pipeline tests check one clip and one cache entry, the voice muxed once,
nothing left behind, and when the planner splits at all.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from embedcore.lesson import load_lesson
from embedviz.draw.chunks import Part
from embedviz.executors import split
from embedviz.executors.base import Executor, JobListener
from embedviz.render import events as ev
from embedviz.render.outcome import ClipOutcome

from .conftest import ROOT

W, H, FPS = 320, 180, 15


def decoded(path: Path) -> list[tuple[int, float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(f.pts, f.time, f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def render_in_chunks(sb, style, folder: Path, n: int, span: float, **kw) -> tuple[Path, list[dict]]:
    """What split.run does for one segment, in this process: every chunk, then the join."""
    from embedviz.draw.worker import render_clip

    job = _Job(folder / f"clip.{kw.get('fmt', 'mp4')}", kw.get("fmt", "mp4"), kw.get("transparent", False))
    seg = split._Segment(job, split.chunk_folder(job.clip))
    outs = []
    for k in range(n):
        out = ClipOutcome.from_worker(render_clip(sb, style, W, H, FPS, seg.folder / str(k), part=Part(k, n, span),
                                                  **kw))
        seg.outs[k] = out
        outs.append(out)
    merged = split._joined(seg)
    assert not seg.folder.exists(), "the chunks are removed after the join"
    return job.clip, [*outs, merged]


class _Job:
    def __init__(self, clip: Path, fmt: str, transparent: bool):
        self.clip, self.fmt, self.transparent = clip, fmt, transparent


@pytest.mark.render
@pytest.mark.parametrize("name,fmt,cfr", [("cosine-vs-distance", "mp4", False), ("lookup", "webm", True)])
def test_joined_chunks_show_the_unsplit_frames_at_the_unsplit_times(tmp_path, name, fmt, cfr):
    """cosine-vs-distance has updaters (its dry plays step frame by frame), in variable frame
    rate; lookup has none (they jump to their end), in constant frame rate. WebM's millisecond
    clock is where a join of whole chunks would slip."""
    from embedviz.draw.worker import render_clip

    lesson = load_lesson(ROOT / "configs" / f"{name}.yaml")
    sb, style = lesson.storyboards[0], lesson.lesson.style
    whole = ClipOutcome.from_worker(render_clip(sb, style, W, H, FPS, tmp_path / f"whole.{fmt}", fmt=fmt, cfr=cfr))
    clip, outs = render_in_chunks(sb, style, tmp_path, 3, whole.duration, fmt=fmt, cfr=cfr)
    *chunks, merged = outs
    assert all(c.plays for c in chunks), "every chunk must render something for this test to mean anything"
    assert merged.duration == whole.duration and merged.cues == whole.cues
    assert merged.frames == whole.frames and merged.pictures == whole.pictures
    a, b = decoded(tmp_path / f"whole.{fmt}"), decoded(clip)
    assert len(a) == len(b) > 30
    assert sum(not np.array_equal(x[2], y[2]) for x, y in zip(a, a[1:])) > 20, "the clip must move"
    for i, ((pa, ta, xa), (pb, tb, xb)) in enumerate(zip(a, b)):
        assert (pa, ta) == (pb, tb), f"picture {i} shown at {tb}, unsplit at {ta}"
        assert np.array_equal(xa, xb), f"picture {i} differs"
    with av.open(str(clip)) as c, av.open(str(tmp_path / f"whole.{fmt}")) as d:
        assert c.duration == d.duration
    if fmt == "mp4":
        assert clip.read_bytes() == (tmp_path / f"whole.{fmt}").read_bytes()


@pytest.mark.unit
def test_a_play_belongs_to_exactly_one_chunk():
    for n in (2, 3, 5):
        part = Part(0, n, 20.0)
        owners = [part.of(t) for t in np.linspace(0, 40, 401)]
        assert owners == sorted(owners) and set(owners) == set(range(n))
        assert part.of(0.0) == 0 and part.of(19.99) == n - 1 and part.of(1e6) == n - 1


@pytest.mark.unit
def test_planner_splits_only_when_a_core_would_idle():
    rate = split.render_rate(1920, 1080, 60)
    assert 1.5 < rate < 2.5 and split.render_rate(1280, 720, 30) < rate / 3
    # one worker, or jobs that already share two workers evenly: nothing to gain
    assert split.chunk_counts([30.0, 5.0], 1, rate) == [1, 1]
    assert split.chunk_counts([20.0, 19.0, 10.0, 9.0], 2, rate) == [1, 1, 1, 1]
    # a title card and one long segment on two workers: the segment is split
    counts = split.chunk_counts([3.5, 35.0], 2, rate)
    assert counts[0] == 1 and counts[1] >= 2
    before = split._schedule([3.5, 35.0], [1, 1], rate, 2)
    after = split._schedule([3.5, 35.0], counts, rate, 2)
    assert after < 0.7 * before
    # at a tiny size the re-run construct costs more than the drawing it spreads
    assert split.chunk_counts([3.5, 35.0], 2, split.render_rate(320, 180, 15)) == [1, 1]
    # short segments are never cut below MIN_CHUNK
    assert split.chunk_counts([3.5, 6.0], 4, rate) == [1, 1]
    assert split.chunk_counts([3.5, 35.0], 2, rate, splittable=[True, False]) == [1, 1]


@pytest.mark.unit
def test_chunks_pay_for_their_re_run_construct():
    whole = split.chunk_costs(30.0, 1, 2.0)
    parts = split.chunk_costs(30.0, 3, 2.0)
    assert whole == [60.0] and sum(parts) > 60.0 and parts == sorted(parts)
    assert split.makespan([5, 4, 3, 3], 2) == 8 and split.makespan([5], 4) == 5


class _Fake:
    def __init__(self, fmt="mp4", expected=35.0, w=1920, h=1080, fps=60):
        self.fmt, self.expected, self.width, self.height, self.fps = fmt, expected, w, h, fps


@pytest.mark.unit
def test_split_setting(monkeypatch):
    jobs = [_Fake(expected=35.0), _Fake(expected=3.5)]
    assert [p for _, p in split.split_jobs(jobs, 2)][0] is not None          # auto: the long one
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "0")
    assert all(p is None for _, p in split.split_jobs(jobs, 2))
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "3")
    pairs = split.split_jobs(jobs, 2)
    assert len(pairs) == 6 and {p.count for _, p in pairs} == {3}
    assert all(p is None for _, p in split.split_jobs(jobs, 1)), "--jobs 1 never splits"
    assert all(p is None for _, p in split.split_jobs([_Fake("gif"), _Fake("gif")], 2)), "a GIF is re-encoded"
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "many")
    with pytest.raises(ValueError, match="EMBEDVIZ_SPLIT"):
        split.split_jobs(jobs, 2)


NARRATED = """
lesson: {title: Split check, slug: splitcheck}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat"
segments:
  - type: lookup
    narration:
      - {text: "First line, a wav.", audio: rec/one.wav}
      - {text: "Second line.", audio: rec/two.wav}
"""


def _narrated(d: Path) -> Path:
    from .test_narration import write_audio
    (d / "rec").mkdir(parents=True)
    write_audio(d / "rec/one.wav", 1.4, seed=1)
    write_audio(d / "rec/two.wav", 1.1, seed=2)
    (d / "l.yaml").write_text(NARRATED)
    return d / "l.yaml"


def _user_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(s.startswith(".") for s in p.relative_to(out).parts)}


@pytest.mark.render
def test_split_lesson_matches_the_unsplit_one_with_its_voice_muxed_once(tmp_path, monkeypatch):
    from embedviz.options import Quality
    from embedviz.render.lesson import render_lesson

    lesson = _narrated(tmp_path)
    q = Quality("t", W, H, FPS)
    results = {}
    for mode in ("0", "2"):
        monkeypatch.setenv("EMBEDVIZ_SPLIT", mode)
        events: list = []
        res = render_lesson(load_lesson(lesson), q, tmp_path / f"out{mode}", jobs=2,
                            on_event=events.append)
        results[mode] = res, events
    (plain, _), (cut, events) = results["0"], results["2"]
    assert sorted(e.index for e in events if isinstance(e, ev.Split)) == [0, 1]
    assert [e.chunks for e in events if isinstance(e, ev.Rendered)] == [2, 2]
    files_plain, files_cut = _user_files(plain.out_dir), _user_files(cut.out_dir)
    assert sorted(files_cut) == sorted(files_plain)          # one clip and one entry a segment, nothing more
    leftovers = [p for p in cut.out_dir.rglob("*") if p.name.startswith(".") and p.name != ".embedviz.lock"]
    assert leftovers == [], "chunks and staging are gone"
    for name, data in files_plain.items():
        if name.startswith("clips/") and name.endswith(".mp4.json"):     # a clip's cache entry
            a, b = json.loads(data), json.loads(files_cut[name])
            assert b["chunks"] == 2 and a["chunks"] == 1
            assert (a["duration"], a["cues"], a["frames"]) == (b["duration"], b["cues"], b["frames"])
        else:
            assert files_cut[name] == data, f"{name} differs"
    with av.open(str(cut.out_dir / "clips" / "01-lookup.mp4")) as c:
        assert len(c.streams.audio) == 1 and c.streams.audio[0].codec_context.name == "aac"


@pytest.mark.render
def test_a_split_render_through_dask_matches_the_local_one(tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    from embedviz import api
    from embedviz.executors.dask import DaskExecutor

    lesson = ROOT / "configs" / "vectors-2d.yaml"
    size = {"resolution": "256x144", "fps": 5}
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "0")
    local = api.render(lesson, out=tmp_path / "local", jobs=2, **size)
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "2")
    events = []
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cl, \
            Client(cl) as client:
        ex = DaskExecutor(cl.scheduler_address, store=tmp_path / "store", client=client)
        remote = api.render(lesson, out=tmp_path / "remote", executor=ex, on_event=events.append,
                            **size)
    assert sum(isinstance(e, ev.Split) for e in events) == 3
    for clip in sorted((local.out_dir / "clips").glob("*.mp4")):
        assert (remote.out_dir / "clips" / clip.name).read_bytes() == clip.read_bytes(), clip.name
    stored = sorted(p.name for p in (tmp_path / "store").iterdir())
    assert len(stored) == 6 and not any(".chunks" in n for n in stored)      # each joined clip and its entry


@pytest.mark.unit
def test_gif_and_one_job_stay_whole(tmp_path, monkeypatch):
    """No render: the executor sees the jobs as planned."""
    seen = []

    class Spy(Executor):
        def run(self, todo, listener):
            seen.extend(todo)

        def close(self):
            pass

    monkeypatch.setenv("EMBEDVIZ_SPLIT", "2")
    jobs = [_Fake("gif"), _Fake("gif")]
    split.SplitExecutor(Spy(2)).run(jobs, JobListener())
    assert seen == jobs
    seen.clear()
    split.SplitExecutor(Spy(1)).run([_Fake(), _Fake()], JobListener())
    assert len(seen) == 2 and all(not hasattr(j, "part") for j in seen)


@pytest.mark.unit
def test_a_failed_chunk_leaves_no_chunk_folder(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from embedviz.render.plan import Job

    class Boom(Executor):
        def run(self, todo, listener):
            for job in todo:
                job.clip.mkdir(parents=True)
                (job.clip / "00000.mp4").write_bytes(b"half")
            raise KeyboardInterrupt

        def close(self):
            pass

    monkeypatch.setenv("EMBEDVIZ_SPLIT", "2")
    clip = tmp_path / "clips" / "01-lookup.mp4"
    job = Job(SimpleNamespace(index=1, type="lookup"), None, 320, 180, 15, clip, clip.with_name(clip.name + ".json"), "k", expected=30.0)
    with pytest.raises(KeyboardInterrupt):
        split.SplitExecutor(Boom(2)).run([job], JobListener())
    assert not split.chunk_folder(clip).exists() and not clip.exists()
    shutil.rmtree(tmp_path / "clips")


def _chunk_folders(out: Path) -> list[Path]:
    """Chunk folders under ``out`` now; a staging folder the render removes while we look is skipped."""
    import os
    return [Path(top) / d for top, dirs, _ in os.walk(out) for d in dirs if d.endswith(".chunks")]


@pytest.mark.faults
def test_a_killed_split_render_leaves_no_chunk_and_no_process(tmp_path, monkeypatch):
    """SIGTERM while chunks render: they are removed at once; SIGKILL: the next render removes them."""
    import signal
    import time
    import uuid

    from .test_faults import LESSON, left_behind, start

    monkeypatch.setenv("EMBEDVIZ_SPLIT", "2")
    lesson, out = tmp_path / "l.yaml", tmp_path / "out"
    lesson.write_text(LESSON)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        mark = uuid.uuid4().hex
        proc = start(lesson, out, "--no-cache", mark=mark)
        deadline = time.monotonic() + 120
        while not _chunk_folders(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, f"the render ended before a chunk started: {proc.communicate()}"
        proc.send_signal(sig)
        proc.communicate(timeout=60)
        assert left_behind(mark) == []
        if sig == signal.SIGTERM:
            assert _chunk_folders(out) == []
    mark = uuid.uuid4().hex
    proc = start(lesson, out, mark=mark)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert left_behind(mark) == [] and _chunk_folders(out) == []
    (clips,) = list(out.glob("*/*/clips"))
    assert sorted(p.name for p in clips.iterdir()) == ["00-title.descriptions.vtt", "00-title.mp4", "00-title.mp4.json",
                                                       "01-lookup.descriptions.vtt", "01-lookup.mp4",
                                                       "01-lookup.mp4.json", "01-lookup.vtt",
                                                       "02-lookup.descriptions.vtt", "02-lookup.mp4",
                                                       "02-lookup.mp4.json", "02-lookup.vtt"]
    for entry in clips.glob("*.json"):
        assert json.loads(entry.read_text())["chunks"] == 2
