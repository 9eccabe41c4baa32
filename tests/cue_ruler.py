"""An independent ruler for caption timing: when does each split cue's first word sound?

The render times split cues with pocketsphinx forced alignment
(:mod:`embedviz.narration.align`). This ruler shares none of that: it works
as aeneas does. Each piece of a split line is synthesised on its own, the
pieces are joined (so where each begins is known), and the joined template is
matched to the lesson's decoded sound with dynamic time warping over MFCCs;
the warping path carries each piece's start onto the lesson's timeline.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

RATE = 16_000
HOP = 160                       # 10 ms frames


def mfcc(x: np.ndarray, rate: int = RATE, n_mels: int = 26, n_ceps: int = 13) -> np.ndarray:
    """[frames, n_ceps] MFCCs (25 ms Hann windows every 10 ms), mean-normalised per utterance."""
    from scipy.fft import dct, rfft

    x = np.append(x[:1], x[1:] - 0.97 * x[:-1]).astype(np.float64)
    win, n_fft = 400, 512
    if x.size < win:
        x = np.pad(x, (0, win - x.size))
    frames = np.lib.stride_tricks.sliding_window_view(x, win)[::HOP] * np.hanning(win)
    power = np.abs(rfft(frames, n_fft, axis=1)) ** 2
    mel = lambda f: 2595 * np.log10(1 + f / 700)          # noqa: E731
    imel = lambda m: 700 * (10 ** (m / 2595) - 1)           # noqa: E731
    edges = imel(np.linspace(mel(60), mel(rate / 2 * 0.95), n_mels + 2))
    bins = np.floor((n_fft + 1) * edges / rate).astype(int)
    fb = np.zeros((n_mels, n_fft // 2 + 1))
    for m in range(1, n_mels + 1):
        a, b, c = bins[m - 1], bins[m], bins[m + 1]
        fb[m - 1, a:b] = (np.arange(a, b) - a) / max(b - a, 1)
        fb[m - 1, b:c] = (c - np.arange(b, c)) / max(c - b, 1)
    ceps = dct(np.log(power @ fb.T + 1e-10), type=2, axis=1, norm="ortho")[:, 1:n_ceps]
    return ceps - ceps.mean(axis=0)


def dtw_path(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int]]:
    """The cheapest monotonic path from (0, 0) to the ends (anti-diagonals at once: numpy, no loops per cell)."""
    n, m = len(a), len(b)
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for d in range(2, n + m + 1):                  # cells (i, j), 1-based, with i + j = d
        i = np.arange(max(1, d - m), min(n, d - 1) + 1)
        j = d - i
        best = np.minimum(np.minimum(acc[i - 1, j], acc[i, j - 1]), acc[i - 1, j - 1])
        acc[i, j] = cost[i - 1, j - 1] + best
    path, i, j = [], n, m
    while i > 0 and j > 0:
        path.append((i - 1, j - 1))
        step = np.argmin((acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]))
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
    return path[::-1]


def _voiced(x: np.ndarray, floor_db: float = -45.0) -> np.ndarray:
    """Per 10 ms frame: is there sound (the templates are trimmed, so a pause belongs to no piece)?"""
    n = x.size // HOP
    rms = np.sqrt((x[: n * HOP].reshape(n, HOP).astype(np.float64) ** 2).mean(axis=1))
    return 20 * np.log10(rms + 1e-12) > floor_db


def lesson_sound(video: Path) -> np.ndarray:
    """The lesson video's narration, mono at 16 kHz."""
    import av

    parts = []
    with av.open(str(video)) as c:
        res = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        for frame in c.decode(c.streams.audio[0]):
            for out in res.resample(frame):
                parts.append(out.to_ndarray().reshape(-1))
        for out in res.resample(None):
            parts.append(out.to_ndarray().reshape(-1))
    return np.concatenate(parts)


# symbols spoken() reads only between two words ("A · B"): a piece may end with one
_BETWEEN = {"·": "dot", "×": "by", "=": "equals"}


def _said(piece: str) -> str:
    from embedcore.speech import spoken

    return spoken(" ".join(_BETWEEN.get(w, w) for w in piece.split()))


def measure_line(heard: np.ndarray, parts: list[list[str]], shown: list[float], synthesise) -> list[dict]:
    """One split line: ``heard`` its sound (16 kHz, from the line's start), ``parts`` its cue pieces,
    ``shown`` where the captions start each piece (seconds from the line's start)."""
    from embedviz.media.audio import trim_silence

    pieces = [trim_silence(synthesise(_said(" ".join(p))), RATE) for p in parts]
    starts = np.cumsum([0] + [p.size for p in pieces])[:-1] / RATE
    path = dtw_path(mfcc(np.concatenate(pieces)), mfcc(heard))
    loud = _voiced(heard)
    found = []
    for k in range(1, len(parts)):
        frame = round(starts[k] * RATE / HOP)
        j = min(j for i, j in path if i >= frame)
        while j < len(loud) - 1 and not loud[j]:      # a pause between pieces: the word starts after it
            j += 1
        at = j * HOP / RATE
        found.append({"text": " ".join(parts[k]), "cue": shown[k], "heard": round(at, 3),
                      "error": round(shown[k] - at, 3)})
    return found


def measure(out_dir: Path, synthesise) -> list[dict]:
    """Every split cue of a rendered lesson: the start the captions give it and the start its first
    word is heard at (the ruler's), in lesson time; ``by_length_error`` is what the old rule (time
    shared by characters) would have shown. ``synthesise(text) -> float32 samples at 16 kHz``."""
    from embedviz.media.captions import split_cue_text

    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text())
    sound = lesson_sound(out_dir / manifest["video"])
    found = []
    for seg in manifest["segments"]:
        entry = json.loads((out_dir / (seg["clip"] + ".json")).read_text())
        shown = iter(seg["cues"])
        for line in entry["cues"]:
            parts = split_cue_text(line["text"])
            mine = [next(shown)["start"] for _ in parts]
            if len(parts) < 2:
                continue
            a = seg["start"] + line["start"]
            heard = sound[round(a * RATE): round((seg["start"] + line["end"]) * RATE)]
            lengths = [len(" ".join(p)) for p in parts]      # the old rule: time shared by characters
            for k, r in enumerate(measure_line(heard, parts, [t - a for t in mine], synthesise), 1):
                by_length = (line["end"] - line["start"]) * sum(lengths[:k]) / sum(lengths)
                found.append({**r, "cue": round(a + r["cue"], 3), "heard": round(a + r["heard"], 3),
                              "by_length_error": round(by_length - r["heard"], 3)})
    return found
