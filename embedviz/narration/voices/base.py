"""What every speech engine is: text in, mono float32 samples at the engine's own rate out."""
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
