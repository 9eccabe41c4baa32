"""The typed seams between planning, running and reporting a render (issue 18), without rendering:
executors are an abstract base class, a job's outcome is a frozen value that pickles, progress
events are typed, a silent lesson has a narration object, (the import graph: tests/test_layers.py)."""
from __future__ import annotations

import dataclasses
import pickle

import pytest

from embedcore.integrity import VerifiedFile
from embedcore.lesson import load_lesson
from embedviz.executors.base import Executor, JobListener
from embedviz.executors.dask import DaskExecutor
from embedviz.executors.local import LocalExecutor
from embedviz.executors.split import SplitExecutor
from embedviz.narration.plan import NarrationPlan, SilentNarration
from embedviz.options import Quality
from embedviz.render import events as ev
from embedviz.render.outcome import ClipOutcome
from embedviz.render.plan import plan_lesson
from embedviz.render.queue import run_queue

from .conftest import ROOT

pytestmark = pytest.mark.unit

def test_an_executor_missing_a_method_cannot_be_made():
    class NoClose(Executor):
        def run(self, todo, listener):
            pass

    class NoRun(Executor):
        def close(self):
            pass

    for cls, missing in ((NoClose, "close"), (NoRun, "run")):
        with pytest.raises(TypeError, match=f"abstract method.*{missing}"):
            cls(2)
    for cls in (LocalExecutor, DaskExecutor, SplitExecutor):
        assert issubclass(cls, Executor)
    assert LocalExecutor(0).jobs == 1 and SplitExecutor(LocalExecutor(3)).jobs == 3


def test_clip_outcome_is_frozen_and_pickles():
    answer = {"duration": 3.4, "cues": [{"text": "a", "start": 0.5, "end": 2.0}], "frames": 17, "pictures": 9,
              "encoded": 9, "start": 1.0, "end": 3.4, "plays": [2, 5], "partials": ["00002.mp4"]}
    out = ClipOutcome.from_worker(answer, seconds=1.25, cpu_seconds=2.5, peak_rss_mb=120)
    back = pickle.loads(pickle.dumps(out))
    assert back == out and back.cues == ({"text": "a", "start": 0.5, "end": 2.0},) and back.plays == (2, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.duration = 1.0
    with pytest.raises(TypeError):                        # a field the worker gained must be added here
        ClipOutcome.from_worker({**answer, "surprise": 1})
    entry = out.entry()
    assert entry == {"duration": 3.4, "cues": [{"text": "a", "start": 0.5, "end": 2.0}], "render_seconds": 1.25,
                     "worker_peak_rss_mb": 120, "cpu_seconds": 2.5, "frames": 17, "pictures": 9, "encoded": 9,
                     "chunks": 1}
    again = ClipOutcome.from_entry({**entry, "key": "k", "file": {}})
    assert (again.duration, again.cues, again.seconds, again.peak_rss_mb) == (3.4, out.cues, 0.0, 120)


def test_progress_events_are_typed_values():
    e = ev.Rendered(2, "lookup", "demo", 1.5, chunks=3)
    assert isinstance(e, ev.SegmentEvent) and isinstance(e, ev.Event) and (e.index, e.chunks) == (2, 3)
    with pytest.raises(TypeError):
        ev.Rendered(2, "lookup", "demo")                  # seconds is not optional
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.seconds = 0.0
    assert ev.Damaged(1, "t", "l", "why").what == "cached clip"


def test_silent_narration_changes_nothing():
    compiled = load_lesson(ROOT / "configs" / "lookup.yaml")
    silent = SilentNarration()
    assert isinstance(silent, NarrationPlan) and not silent.voiced
    sb = compiled.storyboards[0]
    assert silent.apply(compiled) is compiled and silent.storyboard(sb) is sb
    assert silent.cache_key(1, "k") == "k" and silent.wait(1) == [] and silent.track(1, [], 2.0) is None
    cues = [{"text": "x", "start": 0.0, "end": 1.0}]
    assert silent.cues(1, cues) == cues
    silent.close()


class _Copying(Executor):
    """Writes a stand-in clip for every job, as a worker would, and says what it was asked."""

    def __init__(self) -> None:
        super().__init__(1)
        self.calls: list[tuple[str, int]] = []

    def run(self, todo, listener: JobListener) -> None:
        for job in todo:
            listener.prepare(job)
            self.calls.append(("prepare", job.storyboard.index))
            listener.begin(job)
            job.clip.write_bytes(b"clip %d" % job.storyboard.index)
            listener.result(job, ClipOutcome(2.0, (), seconds=0.5))

    def close(self) -> None:
        pass


def test_the_queue_reports_typed_events_and_records_each_clip(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_SPLIT", "0")
    compiled = load_lesson(ROOT / "configs" / "lookup.yaml")
    seen: list[ev.Event] = []
    plan = plan_lesson(compiled, Quality("t", 256, 144, 5), tmp_path, on_event=seen.append, voices=SilentNarration())
    try:
        ex = _Copying()
        done = []
        counts = run_queue([plan], ex, seen.append, on_complete=done.append)
        assert counts == {"rendered": 2, "shared": 0} and done == [plan]
        assert [type(e) for e in seen] == [ev.Begun, ev.Rendered] * 2
        assert all(e.lesson == "lookup" and e.seconds == 0.5 for e in seen if isinstance(e, ev.Rendered))
        assert [c for c, _ in ex.calls] == ["prepare", "prepare"]
        for job in plan.todo:
            entry = VerifiedFile(job.clip).load(job.key)        # sealed, with the clip's size and SHA-256
            assert entry["duration"] == 2.0 and entry["render_seconds"] == 0.5
    finally:
        plan.abandon()
