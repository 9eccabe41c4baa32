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
    """Split long cues into ≤2-line pieces, each starting when its first word is heard.

    A voiced cue carries ``words``: when each of its words starts, from the
    audio (:func:`embedviz.narration.plan.caption_word_starts`). A cue without
    them (a silent line, shown for its reading time) shares its time by length.
    """
    out = []
    for c in cues:
        parts = split_cue_text(c["text"])
        starts = _part_starts(c, parts)
        for k, p in enumerate(parts):
            end = starts[k + 1] if k + 1 < len(parts) else c["end"]
            out.append({"start": round(starts[k], 3), "end": round(end, 3), "lines": p})
    return out


def _part_starts(cue: dict, parts: list[list[str]]) -> list[float]:
    """Where each piece of a split cue starts: its first word's time, else a share by length."""
    start, end = cue["start"], cue["end"]
    counts = [len(" ".join(p).split()) for p in parts]
    words = cue.get("words")
    if isinstance(words, list) and len(words) == sum(counts):
        out, first = [], 0
        for n in counts:
            out.append(min(max(start + words[first], out[-1] if out else start), end))
            first += n
        return out
    total = sum(len(" ".join(p)) for p in parts) or 1
    out, t = [], start
    for p in parts:
        out.append(t)
        t += (end - start) * len(" ".join(p)) / total
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
