"""Preloaded by the forkserver (see ``pipeline.worker_pool``): it dies with the CLI.

Importing this module anywhere else does nothing: it acts only inside the
forkserver process, which multiprocessing starts as ``python -c 'from
multiprocessing.forkserver import main; ...'``.
"""
import sys

if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    from .lifecycle import die_with_parent

    die_with_parent(watchdog=False)
