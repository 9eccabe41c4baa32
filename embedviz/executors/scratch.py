"""Scratch folders that vanish with their process, however it ends (even SIGKILL).

A render writes into a scratch folder (Manim's media folder, the clip before
it is moved into place). A process killed by SIGKILL runs no clean-up, and a
Dask worker started with ``--no-nanny`` has nobody to clear its folder until a
new worker starts in the same place. So the first :func:`scratch` of a
process starts a *keeper*: a small separate Python process (its own session,
so a Ctrl-C to the worker's group does not stop it first) that reads folder
names from a pipe. The worker holds the pipe's only write end; when the worker
exits for any reason the kernel closes it, the keeper reads end-of-file and
removes every folder it was given. Each job still removes its own folder when
it ends; the keeper only clears what a killed process could not.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KEEPER = """
import shutil, sys
folders = []
for line in sys.stdin:
    folders.append(line.rstrip("\\n"))
for folder in folders:
    shutil.rmtree(folder, ignore_errors=True)
"""

_lock = threading.Lock()
_keeper: tuple[int, subprocess.Popen] | None = None      # (the pid that started it, the keeper)


def _keeper_pipe():
    global _keeper
    if _keeper is None or _keeper[0] != os.getpid():          # a forked child starts its own
        proc = subprocess.Popen([sys.executable, "-c", KEEPER], stdin=subprocess.PIPE, text=True,
                                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _keeper = (os.getpid(), proc)
    return _keeper[1].stdin


@contextmanager
def scratch(parent: str | Path, prefix: str = ".embedviz-scratch-") -> Iterator[Path]:
    """A new folder inside ``parent`` for the ``with`` block: removed when the block ends,
    or by the keeper when this process dies first."""
    with _lock:
        pipe = _keeper_pipe()
        Path(parent).mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent)).resolve()
        pipe.write(f"{folder}\n")
        pipe.flush()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keeper_pid() -> int | None:
    """The keeper's pid in this process (tests)."""
    return _keeper[1].pid if _keeper is not None and _keeper[0] == os.getpid() else None
