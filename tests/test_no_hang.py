"""No render waits for ever: workers never fork from the CLI, every wait on espeak-ng has a limit.

The hang this guards against: espeak-ng was started (with pipes) from the
background threads that synthesise voices while the pool forked its workers;
a forked worker kept a pipe's write end, and the CLI waited on it for ever.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embedviz.executors.local import worker_pool

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.render
@pytest.mark.parametrize("size", [(256, 144), (1920, 1080)])
def test_workers_are_never_forked_from_the_cli(size):
    """At every size a worker's parent is the forkserver, not this process (which runs threads)."""
    pool = worker_pool(1, *size)
    try:
        assert pool.submit(os.getppid).result(timeout=120) != os.getpid()
    finally:
        pool.shutdown()


@pytest.mark.unit
def test_espeak_has_a_time_limit():
    """A run that does not end is stopped at its limit and is one clear error."""
    from embedviz.narration.voices import VoiceError, espeak

    t0 = time.monotonic()
    with pytest.raises(VoiceError, match="did not finish within 1 s"):
        espeak.EspeakEngine._run(["/bin/sleep", "30"], 1.0)
    assert time.monotonic() - t0 < 10


LESSON = """
lesson: {title: Espeak everywhere, slug: espeak-lesson}
vocabulary: [the, cat, dog, sat, on, mat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat on the mat"
narration_voice: espeak
segments:
  - type: lookup
    narration: ["One row per token.", "The id selects a row.", "No arithmetic, just a lookup."]
  - type: matrix-shape
    narration: ["The table has V rows.", "Each row has d numbers."]
  - type: lookup
    tokens: "dog sat"
    narration: ["Two tokens, two rows.", "That is all."]
"""


def concurrent_renders(tmp: Path, n: int, bound: float, lesson: Path | None = None, extra: tuple = ()) -> list[dict]:
    """Start ``n`` renders at once (each with an empty voice cache); wait at most ``bound`` seconds in all.
    Returns each one's exit code (None: still running at the bound, then killed) and wall time."""
    if lesson is None:
        lesson = tmp / "espeak.yaml"
        lesson.write_text(LESSON)
    procs = []
    for i in range(n):
        env = {**os.environ, "EMBEDVIZ_VOICE_CACHE": str(tmp / f"voice-{i}")}
        (tmp / f"voice-{i}").mkdir()
        cmd = [sys.executable, "-m", "embedviz.cli", "render", str(lesson), "--resolution", "256x144", "--fps", "5",
               "-j", "2", "--out", str(tmp / f"media-{i}"), *extra]
        procs.append((subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                       stderr=open(tmp / f"err-{i}.txt", "w"), start_new_session=True),
                      time.monotonic()))
    deadline = time.monotonic() + bound
    out: list[dict | None] = [None] * n
    while any(r is None for r in out) and time.monotonic() < deadline:
        for i, (proc, t0) in enumerate(procs):
            if out[i] is None and proc.poll() is not None:
                out[i] = {"code": proc.returncode, "seconds": round(time.monotonic() - t0, 1)}
        time.sleep(0.5)
    for i, (proc, t0) in enumerate(procs):
        if out[i] is None:                      # hung: stop it and everything it started
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            out[i] = {"code": None, "seconds": round(time.monotonic() - t0, 1)}
    return out


@pytest.mark.faults
def test_eight_concurrent_espeak_renders_with_fresh_voice_caches_all_finish(tmp_path):
    runs = concurrent_renders(tmp_path, 8, bound=900)
    errors = [(tmp_path / f"err-{i}.txt").read_text()[-400:] for i, r in enumerate(runs) if r["code"] != 0]
    assert all(r["code"] == 0 for r in runs), (runs, errors)
