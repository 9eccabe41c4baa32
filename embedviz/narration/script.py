"""``embedviz script``: what a teacher reads aloud, one numbered line at a time.

Each line names the file its recording is found by in the lesson's (or the
segment's) ``voice_dir`` and how long it should take at a natural pace, so a
whole lesson can be recorded in one sitting and dropped into one folder.
"""
from __future__ import annotations

from embedcore.speech import spoken
from embedcore.wording import count
from embedviz.narration.plan import natural_seconds, recording_name


def recording_script(compiled) -> str:
    cfg = compiled.lesson.config
    folder = cfg.voice_dir or "voice"
    out = [f"Recording script: {compiled.lesson.title}",
           f"Save each line in {folder}/ under the name shown (any of .wav .mp3 .m4a .flac .ogg)"
           + ("" if cfg.voice_dir else f"; then add 'voice_dir: {folder}' to the lesson"), ""]
    n, total = 0, 0.0
    for sb in compiled.storyboards:
        opts = cfg.segments[sb.index - 1]
        where = f"  (in {opts.voice_dir}/)" if opts.voice_dir else ""
        out.append(f"Segment {sb.index}: {sb.title} ({sb.type}){where}")
        items = opts.narration_items
        for j, text in enumerate(sb.narration):
            n += 1
            secs = natural_seconds(text)
            total += secs
            item = items[j] if j < len(items) and items[j].text == text else None
            out.append(f"  {n:3d}. {recording_name(sb.index, sb.type, j + 1)}.wav   ~{secs:.0f} s")
            out.append(f"       {text}")
            say = item.say if item is not None and item.say else spoken(text)
            if say != text:
                out.append(f"       say: {say}")
            if item is not None and item.audio:
                out.append(f"       (already recorded: {item.audio})")
        if not sb.narration:
            out.append("       (no narration)")
        out.append("")
    length = f"{total:.0f} s" if total < 60 else f"{total / 60:.1f} minutes"
    out.append(f"{count(n, 'line')}, about {length} of speech at a natural pace.")
    return "\n".join(out) + "\n"
