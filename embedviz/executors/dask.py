"""Segment jobs on a Dask distributed cluster (``--cluster tcp://HOST:8786``).

Needs the optional extra (``pip install .[cluster]``); the local process pool
needs none of this. Every worker must run the same embedviz -- same version
and the same drawing code, since the cache key includes the code -- and this
is checked before the first job is sent. A clip comes back to the client as
bytes (a few MB), or, with ``store=DIR`` (a folder every worker and the
client share), is written there under its content key, which also makes the
store a cache that every build of every machine reuses. A worker that dies
mid-job has its segment rescheduled on another by Dask.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from embedcore.errors import LessonError
from embedviz.render.pipeline import Job


def _worker_versions() -> dict:
    import embedviz
    from embedviz.render.cache import code_version
    return {"embedviz": embedviz.__version__, "code": code_version()}


def render_remote(job: Job, store: str | None) -> dict:
    """Run on a worker: render ``job`` through the API; return its timing, cues and clip."""
    import json

    from distributed import get_worker

    from embedviz.api import render_segment

    here = {"worker": get_worker().address}

    if store and job.part is None:      # a chunk is not a clip: it comes back to be joined
        target = store_path(store, job)
        meta = target.with_name(target.name + ".json")
        if target.exists() and meta.exists():
            return {**json.loads(meta.read_text()), "seconds": 0.0, "path": str(target), **here}
        out = render_segment(job, target)
        _store_entry(meta, out)
        return {**out, "path": str(target), **here}
    # in the worker's own scratch folder, which Dask clears when a killed worker's place is taken
    work = Path(tempfile.mkdtemp(prefix="embedviz-job-", dir=get_worker().local_directory))
    try:
        clip = work / f"clip.{job.fmt}"
        out = render_segment(job, clip)
        if job.part is not None:        # a folder of partial movies
            return {**out, "partial_data": [(clip / name).read_bytes() for name in out["partials"]], **here}
        return {**out, "data": clip.read_bytes(), **here}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def store_path(store: str | Path, job: Job) -> Path:
    """A clip's place in the shared store: named by its content key."""
    return Path(store) / f"{job.key}{'-alpha' if job.transparent else ''}.{job.fmt}"


def _store_entry(meta: Path, out: dict) -> None:
    import json
    tmp = meta.with_name(meta.name + ".part")
    tmp.write_text(json.dumps({k: out.get(k) for k in ("duration", "cues", "peak_rss_mb")}))
    os.replace(tmp, meta)


def _place(out: dict, clip: Path) -> None:
    """Put the worker's clip at ``clip`` (complete, or not at all); a chunk's partial movies in that folder."""
    if "partial_data" in out:
        clip.mkdir(parents=True, exist_ok=True)
        for name, data in zip(out["partials"], out.pop("partial_data")):
            (clip / name).write_bytes(data)
        return
    tmp = clip.with_name(clip.name + ".part")
    try:
        if "data" in out:
            tmp.write_bytes(out.pop("data"))
        else:
            shutil.copyfile(out["path"], tmp)
        os.replace(tmp, clip)
    finally:
        if tmp.exists():
            tmp.unlink()


class DaskExecutor:
    """The same interface as :class:`~embedviz.render.pipeline.LocalExecutor`, on a Dask scheduler's workers."""

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
        self.jobs = self.check_workers()

    def check_workers(self) -> int:
        """Every worker runs this embedviz (version and drawing code); return how many there are."""
        from embedviz import __version__
        from embedviz.render.cache import code_version

        try:
            seen = self.client.run(_worker_versions)
        except Exception as e:
            raise LessonError(f"a worker cannot run embedviz ({type(e).__name__}: {e})", file=self.label,
                              hint="install embedviz (the same version) where the workers run") from None
        if not seen:
            raise LessonError("the scheduler has no workers", file=self.label, hint="start `dask worker ADDRESS`")
        mine = {"embedviz": __version__, "code": code_version()}
        for worker, theirs in sorted(seen.items()):
            if theirs != mine:
                raise LessonError(
                    f"worker {worker} has embedviz {theirs['embedviz']} (drawing code {theirs['code']}), "
                    f"this machine {mine['embedviz']} (drawing code {mine['code']})", file=self.label,
                    hint="install the same embedviz on every worker; clips would not match the cache")
        return len(seen)

    def splittable(self, job: Job) -> bool:
        """A clip already in the store is fetched whole, not rendered again in chunks."""
        return not (self.store and store_path(self.store, job).exists())

    def keep(self, job: Job, out: dict) -> None:
        """A split segment, joined on this machine, goes into the store as a worker's clip would."""
        if self.store:
            target = store_path(self.store, job)
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(job.clip, tmp)
            os.replace(tmp, target)
            _store_entry(target.with_name(target.name + ".json"), out)

    def run(self, todo: Sequence[Job], on_result: Callable[[Job, dict], None],
            on_begin: Callable[[Job], None] = lambda job: None,
            prepare: Callable[[Job], None] = lambda job: None) -> None:
        from distributed import as_completed

        futures = {}
        try:
            for job in todo:
                prepare(job)
                fut = self.client.submit(render_remote, job, self.store, pure=False)
                futures[fut] = job
                on_begin(job)
            for fut in as_completed(list(futures)):
                job = futures.pop(fut)
                out = {**fut.result(), "task": fut.key}
                _place(out, job.clip)
                on_result(job, out)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise

    def close(self) -> None:
        if self._own:
            self.client.close()
