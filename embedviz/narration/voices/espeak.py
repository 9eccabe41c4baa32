"""Debian's espeak-ng as the fallback voice: always installable, robotic but clear.

espeak-ng is GPL-3.0: it is run as a separate program, never loaded into this
process. It writes its WAV into a temporary file (``-w``), not onto a pipe,
and every run has a time limit: no wait on it can last for ever (a pipe's
end held by another process would keep a reader waiting with no limit).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from embedviz.narration.voices.base import Speech, VoiceError

BINARY = "espeak-ng"
TIMEOUT = 120.0         # seconds one line may take (a long line takes about one)


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
            self._version = self._run([self._binary(), "--version"], 30).strip()
        return self._version

    def check(self, voice: str) -> None:
        names = set()
        for row in self._run([self._binary(), "--voices"], 30).splitlines()[1:]:
            cols = row.split()
            if len(cols) >= 5:
                names.update((cols[1], cols[4]))
        if voice not in names and voice.split("+")[0] not in names:
            raise VoiceError(f"espeak-ng has no voice {voice!r}", "try en-us or en-gb (espeak-ng --voices lists them)")

    def synthesise(self, text: str, voice: str, speed: float) -> Speech:
        with tempfile.TemporaryDirectory(prefix="embedviz-espeak-") as tmp:
            wav = Path(tmp) / "line.wav"
            # 175 words a minute is espeak's own default pace
            self._run([self._binary(), "-v", voice, "-s", str(round(175 * speed)), "-w", str(wav), text],
                      TIMEOUT, check_voice=True)
            try:
                with wave.open(str(wav)) as w:
                    rate, width, n = w.getframerate(), w.getsampwidth(), w.getnframes()
                    data = w.readframes(n)
            except (OSError, EOFError, wave.Error):
                raise VoiceError("espeak-ng wrote no sound", "check the voice name") from None
        if width != 2:
            raise VoiceError(f"espeak-ng wrote {8 * width}-bit audio", "expected 16-bit PCM")
        pcm = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        return Speech(pcm, rate)

    @staticmethod
    def _run(cmd: list[str], timeout: float, check_voice: bool = False) -> str:
        """Run espeak-ng with no pipe: its output and errors go to temporary files; at most ``timeout`` s."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            except OSError as e:
                raise VoiceError(f"espeak-ng cannot be started ({e.strerror})", "reinstall espeak-ng") from None
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
                raise VoiceError(f"espeak-ng did not finish within {timeout:.0f} s", "try a shorter line") from None
            out.seek(0)
            err.seek(0)
            if code != 0:
                message = err.read().decode(errors="replace").strip()[:200] or f"exit status {code}"
                raise VoiceError(f"espeak-ng failed: {message}",
                                 "check the voice name" if check_voice else "reinstall espeak-ng")
            return out.read().decode(errors="replace")
