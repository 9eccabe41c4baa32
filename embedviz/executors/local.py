"""Segment jobs in this machine's worker processes (the default executor; needs no Dask).

:func:`render_job` is what every worker runs, here or on a cluster: it calls
:func:`embedviz.draw.worker.render_clip` and turns its answer into a
:class:`~embedviz.render.outcome.ClipOutcome` with the worker's time and memory.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import resource_tracker
from pathlib import Path

from embedcore.integrity import part_path
from embedviz.draw.worker import render_clip  # imports Manim only when it draws
from embedviz.executors.base import Executor, JobListener
from embedviz.executors.lifecycle import stop_workers, worker_init
from embedviz.render.outcome import ClipOutcome
from embedviz.render.plan import Job
from embedviz.render.staging import public_path


def render_job(job: Job, clip: str | Path | None = None) -> ClipOutcome:
    """Render ``job`` to ``clip`` (default ``job.clip``) in this process; a full disk or a
    read-only folder comes back as a plain OSError naming the clip (it crosses the process pipe)."""
    clip = Path(clip if clip is not None else job.clip)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        answer = render_clip(job.storyboard, job.style, job.width, job.height, job.fps, clip, fmt=job.fmt,
                             transparent=job.transparent, cfr=job.cfr, part=job.part)
    except Exception as exc:
        e = _os_error_in(exc) or _write_fails(clip.parent)
        if e is None:
            raise
        where = e.filename if e.filename and "/.render-" not in str(e.filename) else clip   # not Manim's temporaries
        raise OSError(e.errno, e.strerror, public_path(where)) from None
    return ClipOutcome.from_worker(
        answer, seconds=time.perf_counter() - t0,
        cpu_seconds=time.process_time() - c0,       # all of this process's threads (drawing and encoding)
        # the worker process's peak so far (it may have rendered earlier segments)
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


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
    _start_resource_tracker()
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init,
                               initargs=(os.getpid(),), **fresh)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (it keeps the forkserver pool's semaphores) deaf to SIGHUP.

    A closed terminal signals the whole process group; the tracker ignores SIGINT and SIGTERM but
    not SIGHUP, and one killed by it printed a relaunch warning and tracebacks under the CLI's
    one line. An ignored signal stays ignored across exec; the CLI's own handler is put back at once.
    The tracker still ends with the CLI (when its pipe closes)."""
    if threading.current_thread() is not threading.main_thread():
        resource_tracker.ensure_running()
        return
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        resource_tracker.ensure_running()
    finally:
        signal.signal(signal.SIGHUP, previous if previous is not None else signal.SIG_DFL)


class LocalExecutor(Executor):
    """Segment jobs in this machine's worker processes (one job at a time in this process with one worker)."""

    def run(self, todo: Sequence[Job], listener: JobListener) -> None:
        if not todo:
            return
        if self.jobs <= 1 or len(todo) <= 1:
            for job in todo:
                listener.prepare(job)
                listener.begin(job)
                listener.result(job, render_job(job))
            return
        first = todo[0]
        pool = worker_pool(min(self.jobs, len(todo)), first.width, first.height)
        pending: dict[Future, Job] = {}
        try:
            for job in todo:
                listener.prepare(job)
                pending[pool.submit(render_job, job)] = job
                listener.begin(job)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = pending.pop(fut)
                    listener.result(job, fut.result())
        except BaseException:
            stop_workers(pool)          # a running segment is abandoned, not waited for
            raise
        pool.shutdown(wait=True)

    def close(self) -> None:
        """Nothing held between runs: each run's pool is shut down when it ends."""
