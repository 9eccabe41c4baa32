"""This installation's version (``embedviz.__version__``), in a module of its own so that
any module can import it without importing the package's API."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("embedviz")
except PackageNotFoundError:        # running from a source tree that was never installed
    __version__ = "0+unknown"
