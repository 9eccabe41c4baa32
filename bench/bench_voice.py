"""Synthesis speed of the voices: seconds of speech per CPU second, on the default lesson's lines.

    .venv/bin/python bench/bench_voice.py [lesson.yaml]

Synthesises every narration line (spoken forms, as a render would) with each
engine, with no cache, and prints the figures. CPU time is this process's
plus its children's (espeak-ng runs as a subprocess).
"""
from __future__ import annotations

import os
import sys
import time

from embedcore.lesson import load_lesson
from embedcore.speech import spoken
from embedviz.narration.voices import engine


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    lesson = load_lesson(sys.argv[1] if len(sys.argv) > 1 else "configs/default.yaml")
    lines = [spoken(t) for sb in lesson.storyboards for t in sb.narration]
    for name in ("hibari", "espeak"):
        eng = engine(name)
        eng.synthesise("Warm up.", eng.default_voice, 1.0)          # model loaded, not timed
        c0, w0 = cpu(), time.perf_counter()
        seconds = 0.0
        for text in lines:
            sp = eng.synthesise(text, eng.default_voice, 1.0)
            seconds += sp.samples.size / sp.rate
        c, w = cpu() - c0, time.perf_counter() - w0
        print(f"{name:7s} {len(lines)} lines, {seconds:6.1f} s of speech in {c:5.2f} CPU s ({w:5.2f} s wall): "
              f"{seconds / c:6.1f} s of speech per CPU second")


if __name__ == "__main__":
    main()
