"""Speech engines behind one small interface.

An engine turns text into mono float32 samples at its own sample rate.
``name`` and ``version`` go into the synthesis cache key, so a new engine
release re-synthesises instead of serving old audio. Adding an engine is one
module with one class and one line in :data:`ENGINES`.
"""
from __future__ import annotations

from embedviz.narration.voices.base import Engine, Speech, VoiceError
from embedviz.narration.voices.espeak import EspeakEngine
from embedviz.narration.voices.hibari import HibariEngine

__all__ = ["ENGINES", "Engine", "Speech", "VoiceError", "engine"]


def engine(name: str) -> Engine:
    """The engine called ``name`` (one instance per process: loading a model is not free)."""
    if name not in _INSTANCES:
        if name == "hibari":
            _INSTANCES[name] = HibariEngine()        # its model (onnxruntime) loads on first use
        elif name == "espeak":
            _INSTANCES[name] = EspeakEngine()
        else:
            raise VoiceError(f"unknown voice engine {name!r}", "choose one of: " + ", ".join(ENGINES))
    return _INSTANCES[name]


ENGINES = ("hibari", "espeak")
_INSTANCES: dict[str, Engine] = {}
