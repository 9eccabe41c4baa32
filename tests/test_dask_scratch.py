"""A Dask worker killed mid-render (SIGKILL) leaves no scratch folder, with a nanny or without.

The worker is a real ``dask worker`` process (``--no-nanny`` or with its nanny) against a
local scheduler; it renders a real segment through :func:`embedviz.executors.dask.render_remote`
into its scratch folder (in ``--local-directory``, or in the shared ``--store``), and is killed
while the folder exists. The folder's keeper (:mod:`embedviz.executors.scratch`) removes it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embedcore.lesson import load_lesson
from embedviz.executors.dask import render_remote
from embedviz.executors.lifecycle import gone
from embedviz.executors.scratch import keeper_pid
from embedviz.narration.plan import SilentNarration
from embedviz.options import Quality
from embedviz.render.plan import plan_lesson

from .conftest import ROOT


def _scratch(*folders: Path) -> list[Path]:
    return [p for f in folders if f.exists() for p in f.rglob(".embedviz-scratch-*")]


def _until(what, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.faults
@pytest.mark.parametrize("nanny,use_store", [(False, False), (False, True), (True, True)],
                         ids=["no-nanny", "no-nanny-store", "nanny-store"])
def test_a_killed_worker_leaves_no_scratch_folder(tmp_path, nanny, use_store):
    from distributed import Client, LocalCluster

    local, store = tmp_path / "worker", tmp_path / "store"
    store.mkdir()
    plan = plan_lesson(load_lesson(ROOT / "configs" / "lookup.yaml"), Quality("t", 256, 144, 5), tmp_path / "out",
                       voices=SilentNarration())
    (job,) = [j for j in plan.todo if j.storyboard.index == 1]        # ~20 s of video: several seconds to render
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cl, Client(cl) as client:
        cmd = [sys.executable, "-m", "distributed.cli.dask_worker", cl.scheduler_address, "--nthreads", "1",
               "--local-directory", str(local), "--no-dashboard", *([] if nanny else ["--no-nanny"])]
        worker = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            client.wait_for_workers(1, timeout=60)
            (pid,) = client.run(os.getpid).values()
            fut = client.submit(render_remote, job, str(store) if use_store else None, pure=False)
            assert _until(lambda: _scratch(local, store), 60), "the render never made its scratch folder"
            (keeper,) = client.run(keeper_pid).values()
            assert keeper and not gone(keeper)
            fut.cancel()                          # not to be retried on the nanny's next worker
            os.kill(pid, signal.SIGKILL)
            assert _until(lambda: gone(pid), 10)
            assert _until(lambda: not _scratch(local, store), 15), _scratch(local, store)
            assert _until(lambda: gone(keeper), 10), "the keeper exits once its folders are gone"
            assert sorted(p.name for p in store.iterdir()) == []      # nothing half-written in the store either
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(30)
            plan.abandon()
