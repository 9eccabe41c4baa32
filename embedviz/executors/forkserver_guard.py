"""Preloaded by the forkserver (see ``executors.local.worker_pool``): it dies with the CLI.

Importing this module anywhere else does nothing: it acts only inside the
forkserver process, which multiprocessing starts as ``python -c 'from
multiprocessing.forkserver import main; ...'``.

A worker being forked when the CLI is stopped cannot read its task from the
CLI any more; the forkserver would print that child's traceback under the
CLI's one-line message. The hook below keeps such a child quiet when the CLI
is gone, or goes within a few seconds (a CLI being stopped removes the pool's
semaphores before it exits: the child fails while the CLI prints its last
line); any other error is printed as usual.
"""
import os
import signal
import sys
import time

STOPPING = 5.0      # seconds a failed child waits for the CLI to exit before it speaks

if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    from embedviz.executors.lifecycle import die_with_parent, gone

    _CLI = os.getppid()
    die_with_parent(watchdog=False)
    # Ctrl-C and a closed terminal signal the whole process group: they are the CLI's to handle (it
    # stops the workers and says so). Without this, one arriving while the server still imports Manim
    # printed a KeyboardInterrupt traceback under the CLI's line. (Workers ignore both too: worker_init.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _default_hook = sys.excepthook

    def _quiet_if_orphaned(kind, value, tb):
        if isinstance(value, (OSError, EOFError)):
            deadline = time.monotonic() + STOPPING
            while not gone(_CLI) and time.monotonic() < deadline:
                time.sleep(0.05)
            if gone(_CLI):
                return
        _default_hook(kind, value, tb)

    sys.excepthook = _quiet_if_orphaned
