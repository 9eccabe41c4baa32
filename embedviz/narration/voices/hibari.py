"""The offline neural voice: hibari-tts (Apache-2.0), in-process.

Only voices inside the installed wheel are used. hibari fetches its other
voices from the network on first use; these machines have none, so asking for
one is refused up front with one line instead of waiting on a download.
"""
from __future__ import annotations

import importlib.metadata
import os
import threading

import numpy as np

from embedviz.narration.voices.base import Speech, VoiceError


class HibariEngine:
    name = "hibari"
    default_voice = "heart"

    def __init__(self) -> None:
        self._models: dict[str, object] = {}
        self._lock = threading.Lock()

    def version(self) -> str:
        try:
            return importlib.metadata.version("hibari-tts")
        except importlib.metadata.PackageNotFoundError:
            self._voices()          # raises the one-line "not installed" error
            raise

    def _voices(self) -> dict:
        try:
            from hibari.voices import VOICES
        except ImportError:
            raise VoiceError("the offline voice (hibari-tts) is not installed",
                             "run scripts/setup.sh, or choose narration_voice: espeak") from None
        return VOICES

    def check(self, voice: str) -> None:
        voices = self._voices()
        from hibari.voices import cache_dir
        if voice not in voices:
            raise VoiceError(f"hibari has no voice {voice!r}", "choose one of: " + ", ".join(voices))
        v = voices[voice]
        if not v.get("bundled") and not os.path.exists(os.path.join(cache_dir(), v["file"])):
            raise VoiceError(f"hibari voice {voice!r} is not installed and would need a download",
                             f"use voice 'heart' (in the package), or copy {v['file']} into {cache_dir()}")

    def _model(self, voice: str):
        if voice not in self._models:
            self.check(voice)
            from hibari import Hibari
            self._models[voice] = Hibari(voice=voice, threads=1)
        return self._models[voice]

    def synthesise(self, text: str, voice: str, speed: float) -> Speech:
        with self._lock:                      # one ONNX session, one caller at a time
            model = self._model(voice)
            audio = model(text, speed=speed, seed=0)     # seed: the same text gives the same audio
        return Speech(np.asarray(audio, dtype=np.float32), int(model.sample_rate))
