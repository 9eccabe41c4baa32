"""What a job runner is: the one seam between planning a render and running it.

An :class:`Executor` renders :class:`~embedviz.render.plan.Job` s somewhere
(this machine's processes, a Dask cluster, or another executor with long
segments split into chunks) and tells a :class:`JobListener` about each job:

- ``prepare(job)`` just before the job is handed to a worker. This is the
  last moment the caller may finish the job's inputs; the queue uses it to
  wait for a segment's voice (synthesised in the background while earlier
  segments render) and to write its beat lengths into the storyboard. An
  executor only has to call it, in submission order, before it pickles the
  job: it need not know what is prepared, so narration stays out of every
  executor.
- ``begin(job)`` once the job is handed over (progress display);
- ``result(job, outcome)`` with the job's :class:`ClipOutcome`, the clip
  already complete at ``job.clip``;
- ``damaged(job, why)`` when a clip the executor keeps itself (the Dask
  store) fails its check and is rendered again instead of served.

``splittable`` and ``keep`` let :class:`~embedviz.executors.split.SplitExecutor`
cut a long job into chunks and hand the joined clip back (the Dask store
keeps it). Subclasses must implement :meth:`Executor.run` and
:meth:`Executor.close`; an executor missing either cannot be instantiated.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from embedviz.render.outcome import ClipOutcome
from embedviz.render.plan import Job


class JobListener:
    """Told about each job an executor runs; override what you need (the defaults do nothing)."""

    def prepare(self, job: Job) -> None:
        """The job is about to go to a worker: finish its inputs now."""

    def begin(self, job: Job) -> None:
        """The job went to a worker."""

    def result(self, job: Job, outcome: ClipOutcome) -> None:
        """The job's clip is complete at ``job.clip``."""

    def damaged(self, job: Job, why: str) -> None:
        """A clip the executor had to hand for ``job`` (its store) was not served, because ``why``:
        the job is rendered instead."""


class Executor(ABC):
    """Runs segment jobs on ``jobs`` workers and reports each to a :class:`JobListener`."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, jobs)

    @abstractmethod
    def run(self, todo: Sequence[Job], listener: JobListener) -> None:
        """Render every job of ``todo``, in order of submission, and return when all are reported.
        For each: ``listener.prepare``, then hand it over, ``listener.begin``, and later
        ``listener.result``. An exception (or an interrupt) stops the rest and propagates."""

    @abstractmethod
    def close(self) -> None:
        """Give back what the executor holds (a client connection); nothing to do for some."""

    def splittable(self, job: Job) -> bool:
        """Whether ``job`` may be rendered in chunks (not when its clip is already to hand)."""
        return True

    def keep(self, job: Job, outcome: ClipOutcome) -> None:  # noqa: B027 (optional: most keep nothing)
        """A split job's joined clip, now at ``job.clip``: keep it as a whole job's would be kept."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
