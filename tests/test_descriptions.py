"""Audio description (embedcore.descriptions): one entry per scene beat, words exactly where a beat draws.

Every example lesson's segments (and title cards) are built as scenes without rendering a frame;
each beat is played with ``play``/``wait``/``move_camera`` recorded instead of run. A beat that plays
an animation must have a description; a beat that plays none must have none (so no description
speaks of something that never appears).
"""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest

from embedcore.descriptions import describe, description_cues, formula_text, to_vtt
from embedcore.lesson import load_lesson
from embedcore.storyboard import narration_phases
from embedcore.title_card import title_card

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.name for p in (ROOT / "configs").glob("*.yaml"))
NARRATION_SHAPES = {"text", "pitfall-learned"}     # what these draw depends on how the lines fall on beats


@functools.lru_cache(maxsize=None)
def boards(name: str):
    c = load_lesson(ROOT / "configs" / name)
    return c.lesson.style, [title_card(c), *c.storyboards]


def variants(sb):
    """The storyboard as written, and with one and with many narration lines (beats then gain or lose lines)."""
    yield sb
    if sb.type in NARRATION_SHAPES:
        yield dataclasses.replace(sb, narration=sb.narration[:1])
        yield dataclasses.replace(sb, narration=tuple(f"Line {i}." for i in range(7)))


def drawn_per_beat(sb, style) -> list[bool]:
    """Play each beat of the scene with its animations recorded, not rendered: did it draw anything?"""
    from manim import tempconfig

    from scenes.registry import SCENES
    from scenes.theme import theme_for

    with tempconfig({"dry_run": True, "disable_caching": True, "pixel_width": 256, "pixel_height": 144,
                     "frame_width": 8.0 * 16 / 9, "frame_height": 8.0}):
        scene = SCENES[sb.type](sb, theme_for(style))
        scene.build()
        played: list[int] = []
        scene.play = lambda *anims, **kw: played.append(len(anims))
        scene.wait = lambda *a, **kw: None
        scene.move_camera = lambda *a, **kw: played.append(1)
        beats = scene.beats()
        drawn = []
        for beat, lines in zip(beats, narration_phases(sb.narration, len(beats))):
            beat.scene, beat.lines, beat.said = scene, list(lines), len(lines)   # lines counted as said
            before = len(played)
            beat.show(beat)
            drawn.append(sum(played[before:]) > 0)
    return drawn


def _cases():
    """Each segment type once (its own example lesson first), the title card once, and every storyboard
    of the default lesson."""
    seen, out = set(), []
    for name in ["default.yaml", *LESSONS]:
        for i, sb in enumerate(boards(name)[1]):
            if sb.type not in seen or name == "default.yaml":
                seen.add(sb.type)
                out.append((name, i))
    return out


CASES = _cases()


@pytest.mark.render                # builds scenes (Manim), draws no frame
@pytest.mark.parametrize("name,i", CASES, ids=[f"{n[:-5]}-{i}" for n, i in CASES])
def test_every_beat_that_draws_is_described(name, i):
    style, sbs = boards(name)
    for sb in variants(sbs[i]):
        words = describe(sb)
        drawn = drawn_per_beat(sb, style)
        assert len(words) == len(drawn), f"{sb.type}: {len(words)} descriptions for {len(drawn)} beats"
        for k, (text, did) in enumerate(zip(words, drawn)):
            if did:
                assert text.strip(), f"{sb.type} beat {k} draws but has no description"
            else:
                assert text == "", f"{sb.type} beat {k} draws nothing but is described: {text!r}"
        # each entry is one line of cue text (the numbers themselves: test_descriptions_carry_the_screens_numbers)
        for text in words:
            assert "-->" not in text and "\n" not in text and "\u22ef" not in text


@pytest.mark.unit
def test_descriptions_carry_the_screens_numbers():
    _, sbs = boards("default.yaml")
    by_type = {sb.type: sb for sb in sbs}
    lookup = describe(by_type["lookup"])
    assert "'the' id 1,996" in lookup[0] and "'mat' id 13,523" in lookup[0]
    assert "30,522 rows by 384 columns" in lookup[1]
    assert "'the' (id 1,996, the same row as position 1): 0.00, −0.02, 0.01, 0.02, 0.16, and more" in lookup[2]
    cos = describe(by_type["cosine-vs-distance"])
    sb = by_type["cosine-vs-distance"]
    assert f"cos θ = {sb.cosine_text}" in cos[0] and f"θ = {sb.angle_text}" in cos[0]
    assert f"the distance {sb.samples[0].distance_text} to {sb.samples[-1].distance_text}" in cos[2]
    sim = by_type["similarity-matrix"]
    assert describe(sim)[3] == "" and sim.repeats == ()          # no repeated token: that beat draws nothing


@pytest.mark.unit
def test_formula_is_written_as_read():
    assert formula_text("cos theta = (A dot B) / (norm(A) thin norm(B))") == "cos θ = (A ⋅ B) / (‖A‖ ‖B‖)"


@pytest.mark.unit
def test_cues_start_with_the_line_of_their_beat_and_lineless_beats_join_the_one_before():
    _, sbs = boards("lookup.yaml")
    sb = dataclasses.replace(sbs[1], narration=("First.", "Last."))        # lookup: 4 beats, lines on 0 and 3
    words = describe(sb)
    cues = [{"start": 0.75, "end": 9.0, "text": "First."}, {"start": 9.0, "end": 12.0, "text": "Last."}]
    out = description_cues(sb, cues, 13.5)
    assert [(c["start"], c["end"]) for c in out] == [(0.75, 9.0), (9.0, 13.5)]
    assert out[0]["text"] == f"{words[0]} Then: {words[1]} Then: {words[2]}"
    assert out[1]["text"] == words[3]
    # no narration at all: everything is described from the clip's start
    silent = description_cues(dataclasses.replace(sb, narration=()), [], 6.0)
    assert [(c["start"], c["end"]) for c in silent] == [(0.0, 6.0)]
    vtt = to_vtt(out)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.750 --> 00:00:09.000\n")
