"""When each word of a voiced line is spoken: forced alignment with pocketsphinx.

A caption line split into several cues changes cue where its next word is
heard, not where its characters would fall: "30,522" takes a tenth of a line
to write and a third of it to say. Neither engine reports word times (hibari's
ONNX model returns spectra only; espeak-ng is run as a separate program and
prints none), and recordings have none, so every voiced line is aligned the
same way: pocketsphinx (BSD, its US English model is in the wheel) finds each
word of the spoken text in the samples.

Words the pocketsphinx dictionary lacks ("cosine", "embeddings", "30,522")
get their pronunciation from hibari's G2P (misaki phonemes mapped to ARPAbet),
so digits are aligned as the voices read them. Results are cached by the
samples' hash, the text and :data:`VERSION`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path

import numpy as np
from pocketsphinx import Decoder

from embedviz.media.audio import resample

VERSION = 2             # bump when the times mean something else
RATE = 16_000           # the acoustic model's rate
FRAME = 0.01            # pocketsphinx's frame: 10 ms

# misaki (hibari's G2P alphabet) → ARPAbet; stress marks and length are dropped
_MISAKI = {
    "A": "EY", "I": "AY", "O": "OW", "Q": "OW", "W": "AW", "Y": "OY", "ᵊ": "AH", "ə": "AH", "ɚ": "ER",
    "ɜ": "ER", "æ": "AE", "ɑ": "AA", "ɒ": "AA", "a": "AA", "ɔ": "AO", "ɛ": "EH", "e": "EH", "ɪ": "IH",
    "ᵻ": "IH", "ɨ": "IH", "i": "IY", "u": "UW", "ʊ": "UH", "ʌ": "AH", "ɐ": "AH", "o": "OW",
    "b": "B", "d": "D", "f": "F", "h": "HH", "j": "Y", "k": "K", "l": "L", "m": "M", "n": "N", "p": "P",
    "s": "S", "t": "T", "v": "V", "w": "W", "z": "Z", "ɡ": "G", "g": "G", "ŋ": "NG", "ð": "DH",
    "θ": "TH", "ʃ": "SH", "ʒ": "ZH", "ʤ": "JH", "ʧ": "CH", "ɹ": "R", "r": "R", "T": "D", "ɾ": "D",
    "ʔ": "T", "ç": "HH", "x": "K", "c": "K",
}
_local = threading.local()
_g2p_lock = threading.Lock()


def words_of(say: str) -> list[str]:
    """The spoken text as the aligner's words: whitespace-separated, outer punctuation stripped."""
    out = []
    for w in say.split():
        w = w.strip(".,;:!?\"“”‘’()[]{}…—–-").lower().replace("’", "'")
        if w and re.search(r"[\w]", w):
            out.append(w)
    return out


def word_starts(samples: np.ndarray, rate: int, say: str, cache: Path | None = None) -> tuple[float, ...] | None:
    """Start of every word of ``words_of(say)`` in ``samples`` (seconds), or None when alignment fails.

    ``cache``: a folder for results (keyed by the samples, the text and :data:`VERSION`)."""
    words = words_of(say)
    if not words:
        return None
    key = hashlib.sha256(json.dumps([VERSION, say, rate]).encode() + np.ascontiguousarray(samples).tobytes())
    path = cache / "align" / f"{key.hexdigest()}.json" if cache is not None else None
    if path is not None:
        try:
            got = json.loads(path.read_text())
            if got is None or (isinstance(got, list) and len(got) == len(words)):
                return None if got is None else tuple(float(t) for t in got)
        except (OSError, ValueError):
            pass
    starts = _align(samples, rate, words)
    if path is not None:
        _store(path, None if starts is None else [round(t, 3) for t in starts])
    return starts


def _decoder():
    """One decoder per thread (a decoder is not thread-safe; loading one takes ~0.8 s)."""
    dec = getattr(_local, "decoder", None)
    if dec is None:
        # no pruning to speak of: the search is held to one sentence's words, and narrower beams lost
        # espeak's robotic voice and long lines of numbers
        dec = _local.decoder = Decoder(samprate=RATE, bestpath=False, loglevel="FATAL", logfn=os.devnull,
                                       beam=1e-200, wbeam=1e-200, pbeam=1e-200, lpbeam=1e-200,
                                       lponlybeam=1e-200, maxhmmpf=-1, maxwpf=-1)
        _local.added = {}
    return dec


def _align(samples: np.ndarray, rate: int, words: list[str]) -> tuple[float, ...] | None:
    dec = _decoder()
    names = [_entry(dec, w) for w in words]
    known = [n for n in names if n is not None]
    if not known:
        return None
    x = resample(np.asarray(samples, np.float32), rate, RATE)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    try:
        dec.set_align_text(" ".join(known))
        dec.start_utt()
        dec.process_raw(pcm, full_utt=True)
        dec.end_utt()
        segs = [s for s in dec.seg() or () if s.word not in ("<s>", "</s>", "<sil>")
                and not s.word.startswith(("[", "+"))]
    except RuntimeError:
        return None
    if len(segs) != len(known):
        return None
    found = iter(segs)
    starts: list[float | None] = [next(found).start_frame * FRAME if n is not None else None for n in names]
    return _fill(starts, x.size / RATE)


def _fill(starts: list[float | None], total: float) -> tuple[float, ...]:
    """Words with no pronunciation start between their neighbours (shared evenly)."""
    out = list(starts)
    i = 0
    while i < len(out):
        if out[i] is not None:
            i += 1
            continue
        j = i
        while j < len(out) and out[j] is None:
            j += 1
        a = out[i - 1] if i else 0.0
        b = out[j] if j < len(out) else total
        for k in range(i, j):
            out[k] = a + (b - a) * (k - i + (1 if i else 0)) / (j - i + (1 if i else 0))
        i = j
    return tuple(float(t) for t in out)


def _entry(dec, word: str) -> str | None:
    """The dictionary entry for ``word``: pocketsphinx's own, else one made from hibari's G2P."""
    added = _local.added
    if word in added:
        return added[word]
    name = word if re.fullmatch(r"[a-z']+", word) and dec.lookup_word(word) else None
    if name is None:
        phones = _phones(word)
        if phones:
            name = "w" + hashlib.sha1(word.encode()).hexdigest()[:12]
            try:
                dec.add_word(name, " ".join(phones), True)
            except RuntimeError:
                name = None
    added[word] = name
    return name


def _phones(word: str) -> list[str]:
    """ARPAbet phones of ``word`` from hibari's G2P (empty when hibari is not installed)."""
    try:
        g2p = _g2p()
    except ImportError:
        return []
    with _g2p_lock:
        ps = g2p(word)
    out = []
    for ch in ps or "":
        p = _MISAKI.get(ch)
        if p == "R" and out and out[-1] == "ER":
            continue                     # ɜɹ is one ER
        if p is not None:
            out.append(p)
    return out


_G2P = None


def _g2p():
    global _G2P
    if _G2P is None:
        from hibari.g2p import G2P
        _G2P = G2P(british=False)
    return _G2P


def _store(path: Path, value) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
        with os.fdopen(fd, "w") as f:
            json.dump(value, f)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass          # a cache that cannot be written only costs time
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
