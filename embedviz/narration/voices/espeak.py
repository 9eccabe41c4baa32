"""Debian's espeak-ng as the fallback voice: always installable, robotic but clear.

espeak-ng is GPL-3.0: it is run as a separate program (``--stdout`` gives a
WAV on a pipe), never loaded into this process.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import wave

import numpy as np

from embedviz.narration.voices.base import Speech, VoiceError

BINARY = "espeak-ng"


class EspeakEngine:
    name = "espeak"
    default_voice = "en-us"

    def _binary(self) -> str:
        path = shutil.which(BINARY)
        if path is None:
            raise VoiceError("espeak-ng is not installed", "run scripts/setup.sh (it installs Debian's espeak-ng)")
        return path

    def version(self) -> str:
        if not hasattr(self, "_version"):
            out = subprocess.run([self._binary(), "--version"], capture_output=True, text=True, timeout=30)
            self._version = out.stdout.strip()
        return self._version

    def check(self, voice: str) -> None:
        out = subprocess.run([self._binary(), "--voices"], capture_output=True, text=True, timeout=30)
        names = set()
        for row in out.stdout.splitlines()[1:]:
            cols = row.split()
            if len(cols) >= 5:
                names.update((cols[1], cols[4]))
        if voice not in names and voice.split("+")[0] not in names:
            raise VoiceError(f"espeak-ng has no voice {voice!r}", "try en-us or en-gb (espeak-ng --voices lists them)")

    def synthesise(self, text: str, voice: str, speed: float) -> Speech:
        # 175 words a minute is espeak's own default pace
        cmd = [self._binary(), "-v", voice, "-s", str(round(175 * speed)), "--stdout", text]
        out = subprocess.run(cmd, capture_output=True, timeout=120)
        if out.returncode != 0 or not out.stdout:
            raise VoiceError(f"espeak-ng failed: {out.stderr.decode(errors='replace').strip()[:200]}",
                             "check the voice name")
        with wave.open(io.BytesIO(out.stdout)) as w:
            rate, width, n = w.getframerate(), w.getsampwidth(), w.getnframes()
            data = w.readframes(n)
        if width != 2:
            raise VoiceError(f"espeak-ng wrote {8 * width}-bit audio", "expected 16-bit PCM")
        pcm = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        return Speech(pcm, rate)
