"""WebVTT and SRT captions and chapters from timed cues."""
from __future__ import annotations

from collections.abc import Sequence

from embedcore.wrap import units, wrap_lines

MAX_LINE = 42


def split_cue_text(text: str, max_line: int = MAX_LINE) -> list[list[str]]:
    """Break a narration line into cues of at most two lines of ~42 characters.

    Lines are balanced: a sentence that needs three lines becomes two cues of
    similar length, not a full cue followed by one stranded word.
    """
    greedy = _wrap(text, max_line)
    cues = -(-len(greedy) // 2)
    if cues > 1 or len(greedy) == 2:
        target = -(-len(text) // (2 * cues)) + 3
        balanced = _wrap(text, min(max_line, max(target, max(map(len, units(text))))))
        if len(balanced) <= 2 * cues:
            greedy = balanced
    return [greedy[i:i + 2] for i in range(0, len(greedy), 2)]


def _wrap(text: str, max_line: int) -> list[str]:
    """The project's one word wrap (never inside an expression)."""
    return wrap_lines(text, max_line)


def timed_cues(cues: Sequence[dict]) -> list[dict]:
    """Split long cues into ≤2-line pieces, sharing the time by length."""
    out = []
    for c in cues:
        parts = split_cue_text(c["text"])
        total = sum(len(" ".join(p)) for p in parts) or 1
        t = c["start"]
        for p in parts:
            dur = (c["end"] - c["start"]) * len(" ".join(p)) / total
            out.append({"start": round(t, 3), "end": round(t + dur, 3), "lines": p})
            t += dur
    return out


def _ts(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_vtt(cues: Sequence[dict]) -> str:
    body = ["WEBVTT", ""]
    for i, c in enumerate(cues, 1):
        body += [str(i), f"{_ts(c['start'], '.')} --> {_ts(c['end'], '.')}", *c["lines"], ""]
    return "\n".join(body)


def to_srt(cues: Sequence[dict]) -> str:
    body = []
    for i, c in enumerate(cues, 1):
        body += [str(i), f"{_ts(c['start'], ',')} --> {_ts(c['end'], ',')}", *c["lines"], ""]
    return "\n".join(body)


def chapters_vtt(chapters: Sequence[dict]) -> str:
    body = ["WEBVTT", ""]
    for i, ch in enumerate(chapters, 1):
        body += [f"chapter-{i}", f"{_ts(ch['start'], '.')} --> {_ts(ch['end'], '.')}", ch["title"], ""]
    return "\n".join(body)
