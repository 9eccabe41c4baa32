"""Audio with PyAV and numpy: decode anything, one rate, loudness, encode.

Every narration line becomes mono float32 at :data:`RATE` (48 kHz, what AAC
and Opus both use in video). Loudness is measured with pyloudnorm (ITU-R
BS.1770) and set to -16 LUFS integrated with the true peak (4× oversampled)
held at or below -1 dBTP by a smooth look-around limiter.
"""
from __future__ import annotations

import warnings
import wave
from math import gcd
from pathlib import Path

import av
import numpy as np

# scipy and pyloudnorm (which imports scipy) are imported where they are used: ~1.3 s of CPU
# that only a render with narration audio needs (validate, inspect and silent lessons do not).

RATE = 48_000
TARGET_LUFS = -16.0
PEAK_DBTP = -1.0
_PEAK_MARGIN_DB = 0.5          # lossy encoding moves peaks a little; aim below the limit


class AudioError(Exception):
    """A file that cannot serve as narration audio; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


SHORT = 0.9            # decoded audio shorter than this share of what the container declares is cut short


def decode(path: Path, rate: int = RATE) -> np.ndarray:
    """Decode the first audio stream of ``path`` (any container, or a video's sound) to mono float32.

    The whole file is decoded and its length compared with what its header
    declares: a file cut short (a copy that stopped halfway) is refused, not
    played until it stops mid-sentence. Every refusal says what is wrong in
    words (:class:`AudioError`), never an FFmpeg error number."""
    path = Path(path)
    if not path.exists():
        raise AudioError("audio file not found", "check the path (relative to the lesson file)")
    if path.is_dir():
        raise AudioError("is a directory, not an audio file", "name the file")
    if path.stat().st_size == 0:
        raise AudioError("audio file is empty", "record the line again")
    decoded = 0
    try:
        with av.open(str(path)) as c:
            if not c.streams.audio:
                raise AudioError("the file has no audio stream" + (" (only video)" if c.streams.video else ""),
                                 "give a recording with sound")
            stream = c.streams.audio[0]
            declared = _declared_seconds(path, c, stream)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            parts = []
            for frame in c.decode(stream):
                decoded += frame.samples / (frame.sample_rate or stream.rate or rate)
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1))
    except AudioError:
        raise
    except PermissionError:
        raise AudioError("audio file is not readable", "check its permissions") from None
    except av.error.InvalidDataError:
        where = f" after {decoded:.1f} s" if decoded else ""
        raise AudioError(f"the file's data is not valid audio{where} (damaged, cut short, or not an audio file)",
                         "re-export it as wav, mp3, m4a, flac or ogg") from None
    except (av.FFmpegError, ValueError, OSError) as e:
        what = (getattr(e, "strerror", None) or "").strip().rstrip(".").lower() or "it could not be read"
        raise AudioError(f"the file cannot be decoded as audio ({what})",
                         "re-export it as wav, mp3, m4a, flac or ogg") from None
    samples = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
    if samples.size == 0:
        raise AudioError("audio stream holds no samples", "record the line again")
    if declared and decoded < SHORT * declared:
        raise AudioError(f"the file is cut short: its header declares {declared:.2f} s of audio but only "
                         f"{decoded:.2f} s decode", "copy or export the recording again")
    if not np.isfinite(samples).all():
        raise AudioError("audio holds invalid samples", "re-export the file")
    return samples


def _declared_seconds(path: Path, container, stream) -> float | None:
    """How long the file says its audio is: the stream's or container's header, or a WAV's data chunk
    (FFmpeg shortens a WAV's declared length to the bytes present; the header keeps the truth)."""
    found = []
    if stream.duration and stream.time_base:
        found.append(float(stream.duration * stream.time_base))
    elif container.duration:
        found.append(container.duration / av.time_base)
    if path.suffix.lower() == ".wav":
        try:
            with wave.open(str(path)) as w:
                size = w.getnframes() * w.getsampwidth() * w.getnchannels()
                if w.getframerate() and 0 < size < 0xFFFFF000:       # not a streaming header's "unknown"
                    found.append(w.getnframes() / w.getframerate())
        except (wave.Error, EOFError, OSError):
            pass
    return max(found) if found else None


def resample(samples: np.ndarray, rate_in: int, rate_out: int = RATE) -> np.ndarray:
    """Mono float32 at ``rate_out`` (polyphase filter: no aliasing from the engines' 22–24 kHz)."""
    if rate_in == rate_out:
        return np.asarray(samples, np.float32)
    from scipy.signal import resample_poly
    g = gcd(rate_in, rate_out)
    return resample_poly(np.asarray(samples, np.float64), rate_out // g, rate_in // g).astype(np.float32)


def trim_silence(samples: np.ndarray, rate: int = RATE, *, floor_db: float = -50.0, keep: float = 0.03) -> np.ndarray:
    """Cut the silence a recording starts and ends with (so a cue starts when the voice does)."""
    win = max(1, rate // 200)                                  # 5 ms
    n = samples.size // win
    if n == 0:
        return samples
    rms = np.sqrt((samples[: n * win].reshape(n, win).astype(np.float64) ** 2).mean(axis=1))
    loud = np.flatnonzero(rms > 10 ** (floor_db / 20))
    if loud.size == 0:
        return samples[:0]
    pad = round(keep * rate)
    a = max(0, loud[0] * win - pad)
    b = min(samples.size, (loud[-1] + 1) * win + pad)
    return samples[a:b]


def loudness(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (-inf for silence or less than one 400 ms block)."""
    import pyloudnorm

    if samples.size < int(0.4 * rate) + 1 or not np.any(samples):
        return float("-inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def true_peak_db(samples: np.ndarray) -> float:
    """True peak in dBTP (4× oversampled, as BS.1770-4 does)."""
    if not np.any(samples):
        return float("-inf")
    from scipy.signal import resample_poly
    over = resample_poly(samples.astype(np.float64), 4, 1)
    return float(20 * np.log10(max(np.abs(over).max(), np.abs(samples).max())))


def _limit(samples: np.ndarray, ceiling_db: float, rate: int) -> np.ndarray:
    """Pull peaks down to ``ceiling_db`` with a gain that moves over ±2 ms (no clicks, no clipping)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d
    from scipy.signal import resample_poly

    ceiling = 10 ** (ceiling_db / 20)
    x = samples.astype(np.float64)
    for _ in range(4):
        over = np.abs(resample_poly(x, 4, 1))[: 4 * x.size].reshape(-1, 4).max(axis=1)
        peak = np.maximum(over, np.abs(x))
        if peak.max() <= ceiling:
            break
        need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
        w = max(3, int(0.002 * rate)) | 1
        gain = uniform_filter1d(minimum_filter1d(need, size=2 * w + 1), size=w)
        x = x * np.minimum(gain, 1.0)
    return x.astype(np.float32)


def normalise(samples: np.ndarray, rate: int = RATE) -> np.ndarray:
    """Scale to -16 LUFS integrated, true peak ≤ -1 dBTP. Too short to gate: peak-normalise instead."""
    x = np.asarray(samples, np.float32)
    if not np.any(x):
        return x
    ceiling = PEAK_DBTP - _PEAK_MARGIN_DB
    for _ in range(3):
        lufs = loudness(x, rate)
        if not np.isfinite(lufs):
            return (x * (10 ** ((ceiling - 3) / 20) / np.abs(x).max())).astype(np.float32)
        if abs(lufs - TARGET_LUFS) < 0.1 and true_peak_db(x) <= ceiling + 0.05:
            break
        x = _limit((x * 10 ** ((TARGET_LUFS - lufs) / 20)).astype(np.float32), ceiling, rate)
    return x


def codec_for(suffix: str) -> str | None:
    """The audio codec a container gets: AAC-LC in mp4/mov, Opus in webm, none in gif."""
    return {".mp4": "aac", ".mov": "aac", ".webm": "libopus"}.get(suffix.lower())


def add_audio_stream(container, codec: str, rate: int = RATE, bitrate: int = 128_000):
    """An audio output stream on ``container``: mono at ``rate``."""
    stream = container.add_stream(codec, rate=rate, layout="mono")
    stream.bit_rate = bitrate
    if codec == "aac":
        stream.codec_context.profile = "LC"
    return stream


def encode(stream, samples: np.ndarray, rate: int = RATE):
    """Yield the packets of ``samples`` encoded on ``stream`` (pts in samples from 0).

    The last frame is sent short, not padded: both encoders accept a small last
    frame and then mark the true end, so the track lasts exactly as long as the
    samples (a padded AAC frame would add up to 21 ms, more than a 60 fps frame).
    """
    fmt = stream.codec_context.format.name if stream.codec_context.format else "fltp"
    size = stream.codec_context.frame_size or 960
    x = np.asarray(samples, np.float32)
    for start in range(0, x.size, size):
        chunk = np.ascontiguousarray(x[start:start + size])
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="fltp" if fmt.endswith("p") else "flt",
                                           layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        yield from stream.encode(frame)
    yield from stream.encode(None)
