"""No process outlives the CLI, and a signal stops a render cleanly.

* SIGTERM and SIGHUP are turned into :class:`Terminated` (like SIGINT into
  KeyboardInterrupt), so the render unwinds: workers are stopped, the staging
  folder keeps its finished clips, the previous files stay as they were, and
  the CLI exits 128 + the signal number (143, 129).
* Each worker process asks the kernel to kill it when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``, Linux), and a watchdog thread checks its
  parent every half second (every other system): even a SIGKILL of the CLI,
  which runs no handler, leaves nothing behind. The forkserver used at 1080p
  and above gets the same request through :mod:`embedviz.executors.forkserver_guard`;
  it also exits by itself when the CLI's end of its pipe closes.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

from tqdm import tqdm  # Manim's progress bars (a dependency of Manim)

PR_SET_PDEATHSIG = 1


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _raise(signum, frame):
    # later signals must not interrupt the clean-up this one starts
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise Terminated(signum)


def handle_signals() -> None:
    """SIGTERM and SIGHUP end the CLI as SIGINT does: by unwinding, not by dying."""
    for name in ("SIGTERM", "SIGHUP"):          # (no SIGHUP on Windows)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise)


def gone(pid: int) -> bool:
    """True when process ``pid`` has exited (or is a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        pass
    return False


def die_with_parent(watchdog: bool = True, cli: int | None = None) -> None:
    """Make this process exit when its parent does, however the parent dies.

    ``cli``: also exit when that process (the CLI) is gone -- a worker forked
    by the forkserver just as the CLI died has already lost its parent when it
    gets here, so its parent's pid proves nothing. ``watchdog=False`` for the
    forkserver: it forks workers, and a fork copies no threads (it also exits
    by itself when the CLI's pipe to it closes)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent or (cli is not None and gone(cli)):   # died before the request took effect
        os._exit(1)
    if not watchdog:
        return

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent or (cli is not None and gone(cli)):
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def worker_init(cli: int | None = None) -> None:
    """ProcessPoolExecutor initializer: die with the parent; SIGTERM kills at once
    (the parent sends it to stop a worker; its files are only temporaries);
    Ctrl-C and a closed terminal, which signal the whole process group, are the
    parent's to handle (it stops the workers and reports the signal)."""
    die_with_parent(cli=cli)
    # Manim's tqdm would make a system semaphore in each worker, which a killed worker never
    # gives back: the resource tracker then warns under the CLI's one line. A thread lock will do.
    tqdm.set_lock(threading.RLock())
    for name, how in (("SIGTERM", signal.SIG_DFL), ("SIGHUP", signal.SIG_IGN), ("SIGINT", signal.SIG_IGN)):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), how)


def stop_workers(pool, grace: float = 3.0) -> None:
    """Stop every process of ``pool`` now (a running segment is abandoned)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.terminate()
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1.0)
        except (OSError, ValueError, AssertionError):
            pass
    pool.shutdown(wait=True, cancel_futures=True)     # joins the manager thread: its queues are closed
