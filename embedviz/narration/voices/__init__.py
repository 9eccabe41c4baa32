"""Speech engines behind one small interface.

An engine turns text into mono float32 samples at its own sample rate.
``name`` and ``version`` go into the synthesis cache key, so a new engine
release re-synthesises instead of serving old audio. Adding an engine is one
module with one class and one line in :data:`ENGINES`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class VoiceError(Exception):
    """A voice cannot be used (unknown, needs a download, engine missing): the user's to fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray     # float32, mono, in [-1, 1]
    rate: int


class Engine(Protocol):
    name: str
    default_voice: str

    def version(self) -> str: ...
    def check(self, voice: str) -> None:
        """Raise :class:`VoiceError` now (before rendering) if ``voice`` cannot be used."""
    def synthesise(self, text: str, voice: str, speed: float) -> Speech: ...


def engine(name: str) -> Engine:
    """The engine called ``name`` (one instance per process: loading a model is not free)."""
    if name not in _INSTANCES:
        if name == "hibari":
            from embedviz.narration.voices.hibari import HibariEngine
            _INSTANCES[name] = HibariEngine()
        elif name == "espeak":
            from embedviz.narration.voices.espeak import EspeakEngine
            _INSTANCES[name] = EspeakEngine()
        else:
            raise VoiceError(f"unknown voice engine {name!r}", "choose one of: " + ", ".join(ENGINES))
    return _INSTANCES[name]


ENGINES = ("hibari", "espeak")
_INSTANCES: dict[str, Engine] = {}
