"""Preloaded by the forkserver (see ``executors.local.worker_pool``): it dies with the CLI.

Importing this module anywhere else does nothing: it acts only inside the
forkserver process, which multiprocessing starts as ``python -c 'from
multiprocessing.forkserver import main; ...'``.

A worker being forked when the CLI is stopped cannot read its task from the
CLI any more; the forkserver would print that child's traceback under the
CLI's one-line message. The hook below keeps such a child quiet when the CLI
is gone; any other error is printed as usual.
"""
import os
import sys

if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    from embedviz.executors.lifecycle import die_with_parent, gone

    _CLI = os.getppid()
    die_with_parent(watchdog=False)
    _default_hook = sys.excepthook

    def _quiet_if_orphaned(kind, value, tb):
        if isinstance(value, (OSError, EOFError)) and gone(_CLI):
            return
        _default_hook(kind, value, tb)

    sys.excepthook = _quiet_if_orphaned
