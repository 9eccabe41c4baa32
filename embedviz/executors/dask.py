"""Segment jobs on a Dask distributed cluster (``--cluster tcp://HOST:8786``).

Needs the optional extra (``pip install .[cluster]``); the local process pool
needs none of this, and ``distributed`` is imported only here, when a cluster
is used. Every worker must run the same embedviz -- same version and the same
drawing code, since the cache key includes the code -- and this is checked
before the first job is sent. A clip comes back to the client as bytes (a few
MB), or, with ``store=DIR`` (a folder every worker and the client share), is
written there under its content key, which also makes the store a cache that
every build of every machine reuses. A store entry is a
:class:`~embedcore.integrity.VerifiedFile` (size and SHA-256 in a sealed
entry), checked as the output folder's cache is: by the worker before it
serves one and by the client as it copies it; a damaged entry is rendered
again, with one line saying why. A worker that dies mid-job has its segment
rescheduled on another by Dask; its scratch folders go with it
(:mod:`.scratch`), with a nanny or without.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from embedcore.errors import LessonError
from embedcore.integrity import VerifiedFile, atomic_write_bytes, digest_bytes, entry_problem, read_entry
from embedviz.executors.base import Executor, JobListener
from embedviz.executors.local import render_job
from embedviz.executors.scratch import scratch
from embedviz.render import cache
from embedviz.render.outcome import ClipOutcome
from embedviz.render.plan import Job
from embedviz.version import __version__


def _worker_versions() -> dict:
    return {"embedviz": __version__, "code": cache.code_version()}


@dataclass(frozen=True)
class Delivery:
    """A worker's answer: the outcome, and how the clip travels (bytes, partial movies, or a store path)."""

    outcome: ClipOutcome
    data: bytes | None = None
    partial_data: tuple[bytes, ...] = ()
    path: str | None = None               # the clip in the store ...
    file: dict | None = None              # ... and its size and SHA-256 there
    damaged: str | None = None            # why a store entry was not served (rendered again)


def render_remote(job: Job, store: str | None, fresh: bool = False) -> Delivery:
    """Run on a worker: render ``job`` (or serve it from the store); return its outcome and clip."""
    from distributed import get_worker

    worker = get_worker()
    here = {"worker": worker.address}
    damaged = None
    if store and job.part is None:      # a chunk is not a clip: it comes back to be joined
        stored = VerifiedFile(store_path(store, job))
        if not fresh:
            entry, why = stored_entry(stored, job.key)
            if entry is not None:
                return Delivery(replace(ClipOutcome.from_entry(entry), **here), path=str(stored.path),
                                file=entry["file"])
            damaged = why
    # a scratch folder that goes when this job ends, or with this worker if it is killed (.scratch)
    parent = Path(store) if store and job.part is None else Path(worker.local_directory)
    with scratch(parent) as work:
        clip = work / f"clip.{job.fmt}"
        out = replace(render_job(job, clip), **here)
        if job.part is not None:        # a folder of partial movies
            return Delivery(out, partial_data=tuple((clip / name).read_bytes() for name in out.partials))
        if store:
            clip.replace(stored.path)          # same file system: the store's clip is whole or absent
            entry = stored.commit(job.key, out.entry())
            return Delivery(out, path=str(stored.path), file=entry["file"], damaged=damaged)
        return Delivery(out, data=clip.read_bytes())


def stored_entry(stored: VerifiedFile, key: str) -> tuple[dict | None, str | None]:
    """A store entry checked as the local cache checks a clip: ``(entry, None)`` if its clip matches
    its sealed size and SHA-256, else ``(None, why)`` (why None: nothing stored under ``key``)."""
    if not stored.entry_path.exists() and not stored.path.exists():
        return None, None
    entry = read_entry(stored.entry_path)
    if entry is None:
        return None, entry_problem(stored.entry_path)
    if entry.get("key") != key:
        return None, "its cache entry names another key"
    if not (isinstance(entry.get("duration"), (int, float)) and isinstance(entry.get("cues"), list)):
        return None, "its cache entry is incomplete"
    if stored.load(key) is None:
        return None, stored.why
    return entry, None


def store_path(store: str | Path, job: Job) -> Path:
    """A clip's place in the shared store: named by its content key."""
    return Path(store) / f"{job.key}{'-alpha' if job.transparent else ''}.{job.fmt}"


def _place(got: Delivery, clip: Path) -> str | None:
    """Put the worker's clip at ``clip`` (complete, or not at all); a chunk's partial movies in that folder.
    Returns why a stored clip could not be used (it changed after the worker checked it), else None."""
    if got.partial_data:
        clip.mkdir(parents=True, exist_ok=True)
        for name, data in zip(got.outcome.partials, got.partial_data):
            (clip / name).write_bytes(data)
        return None
    if got.data is not None:
        atomic_write_bytes(clip, got.data)
        return None
    data = Path(got.path).read_bytes()
    if digest_bytes(data) != got.file:          # read once: the bytes checked are the bytes placed
        return "its content changed (SHA-256 differs from its cache entry)"
    atomic_write_bytes(clip, data)
    return None


class DaskExecutor(Executor):
    """Segment jobs on a Dask scheduler's workers (as many jobs at once as there are workers)."""

    def __init__(self, address: str, store: str | Path | None = None, *, client=None):
        self.address = address
        self.label = f"--cluster {address}"
        self.store = str(Path(store).resolve()) if store else None
        try:
            from distributed import Client
        except ImportError:
            raise LessonError("Dask is not installed", file=self.label,
                              hint="pip install '.[cluster]' (or drop --cluster to render on this machine)") from None
        self._own = client is None
        if client is None:
            try:
                client = Client(address, timeout="15s")
            except (OSError, TimeoutError, ValueError) as e:
                raise LessonError(f"cannot reach the Dask scheduler ({e})", file=self.label,
                                  hint="start it with `dask scheduler` and `dask worker ADDRESS`, "
                                       "or check the address") from None
        self.client = client
        if self.store:
            Path(self.store).mkdir(parents=True, exist_ok=True)
        super().__init__(self.check_workers())

    def check_workers(self) -> int:
        """Every worker runs this embedviz (version and drawing code); return how many there are."""
        try:
            seen = self.client.run(_worker_versions)
        except Exception as e:
            raise LessonError(f"a worker cannot run embedviz ({type(e).__name__}: {e})", file=self.label,
                              hint="install embedviz (the same version) where the workers run") from None
        if not seen:
            raise LessonError("the scheduler has no workers", file=self.label, hint="start `dask worker ADDRESS`")
        mine = _worker_versions()
        for worker, theirs in sorted(seen.items()):
            if theirs != mine:
                raise LessonError(
                    f"worker {worker} has embedviz {theirs['embedviz']} (drawing code {theirs['code']}), "
                    f"this machine {mine['embedviz']} (drawing code {mine['code']})", file=self.label,
                    hint="install the same embedviz on every worker; clips would not match the cache")
        return len(seen)

    def splittable(self, job: Job) -> bool:
        """A clip already in the store (and whole) is fetched whole, not rendered again in chunks."""
        return not (self.store and stored_entry(VerifiedFile(store_path(self.store, job)), job.key)[0])

    def keep(self, job: Job, outcome: ClipOutcome) -> None:
        """A split segment, joined on this machine, goes into the store as a worker's clip would."""
        if self.store:
            stored = VerifiedFile(store_path(self.store, job))
            stored.store(job.key, job.clip.read_bytes(), outcome.entry())

    def run(self, todo: Sequence[Job], listener: JobListener) -> None:
        from distributed import as_completed

        futures = {}
        try:
            for job in todo:
                listener.prepare(job)
                futures[self.client.submit(render_remote, job, self.store, pure=False)] = job
                listener.begin(job)
            done = as_completed(list(futures))
            for fut in done:
                job = futures.pop(fut)
                got: Delivery = fut.result()
                if got.damaged:
                    listener.damaged(job, got.damaged)
                why = _place(got, job.clip)
                if why:                     # damaged after the worker's check: render it, never serve it
                    listener.damaged(job, why)
                    again = self.client.submit(render_remote, job, self.store, True, pure=False)
                    futures[again] = job
                    done.add(again)
                    continue
                listener.result(job, replace(got.outcome, task=str(fut.key)))
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise

    def close(self) -> None:
        if self._own:
            self.client.close()
