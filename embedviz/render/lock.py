"""One render per output folder at a time.

A second render of the same lesson at the same size (a teacher re-running in
another terminal, a build with two jobs) waits for the first, with a message,
then runs: it finds the first one's clips and reuses them. The lock is
``fcntl.flock`` on ``<out>/.embedviz.lock``: the kernel releases it when the
process holding it dies, however it dies, so a killed render never leaves the
folder locked. (Forked workers share the lock while they live; they die with
the CLI, see :mod:`.lifecycle`.) The lock file itself stays; it is empty but
for the holder's pid.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".embedviz.lock"


class OutputLock:
    """Held from a lesson's plan to its assembly (a course holds one per video)."""

    def __init__(self, folder: Path, on_wait: Callable[[str], None] = lambda msg: None) -> None:
        self._fd: int | None = None
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                on_wait(f"another render (pid {holder}) is writing {folder}; waiting for it to finish")
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


@contextmanager
def output_lock(folder: Path, on_wait: Callable[[str], None] = lambda msg: None) -> Iterator[None]:
    lock = OutputLock(folder, on_wait)
    try:
        yield
    finally:
        lock.release()
