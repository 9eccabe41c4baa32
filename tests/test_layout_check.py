"""embedviz check: each rule finds what it is for on a small made-up scene, and stays quiet on a clean one."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.render

pytest.importorskip("manim")

from manim import Arrow, FadeIn, MathTypst, Rectangle, VGroup  # noqa: E402

from embedcore.config import Style  # noqa: E402
from embedcore.storyboard import (  # noqa: E402
    TOKEN_PALETTE,
    Storyboard,  # noqa: E402
    token_slots,
)
from embedviz.draw.layout_check import check_storyboard, contrast, delta_e  # noqa: E402
from scenes import marks  # noqa: E402
from scenes.base import Beat, SegmentScene  # noqa: E402
from scenes.components.text import cap_px, label, number  # noqa: E402
from scenes.theme import THEMES  # noqa: E402

SB = Storyboard(type="probe", index=1, title="A probe", narration=("One line.",), source_label="made up",
                decimals=2)


def run(body, aspect="16:9", theme="dark"):
    """Check a scene whose body ``body(scene)`` builds (a list of mobjects, faded in in one beat)."""
    class Probe(SegmentScene):
        PANELS = ()

        def build_body(self):
            self.things = VGroup(*body(self))

        def beats(self):
            return [Beat(lambda beat: self.play(FadeIn(self.things), run_time=0.5))]

    style = Style(theme=theme, aspect=aspect)
    rep = check_storyboard(SB, style, aspect, scene_class=Probe)
    return {(v.rule, v.elements) for v in rep.violations}, rep


def filler(scene):
    """A faint frame around most of the body, so the fill rule holds."""
    r = scene.regions.body
    return Rectangle(width=r.width * 0.9, height=r.height * 0.9, stroke_width=1, stroke_color=scene.theme.faint,
                     fill_opacity=0).move_to(r.centre)


def test_a_clean_scene_has_no_violations():
    found, rep = run(lambda s: [filler(s), label("hello", s.theme, size=24).move_to(s.regions.body.centre)])
    assert found == set()
    assert rep.span is not None and rep.span >= 0.7


def test_overlapping_texts_are_named():
    found, _ = run(lambda s: [filler(s), label("alpha", s.theme, size=24), label("beta", s.theme, size=24).shift([0.3, 0, 0])])
    assert ("overlap", "'alpha' × 'beta'") in found


def test_text_below_the_floor_and_readouts_below_theirs():
    def body(s):
        small = label("tiny", s.theme, size=10).shift([-2, 1, 0])              # ~14 px: below 18
        plain = label("plain", s.theme, size=16).shift([2, 1, 0])              # ~22 px: fine for text
        read = marks.role(number("0.81", s.theme, size=16).shift([2, -1, 0]), marks.READOUT)   # below 24
        shrunk = label("shrunk", s.theme, size=24).scale(0.5).shift([-2, -1, 0])           # scaled: ~16 px
        return [filler(s), small, plain, read, shrunk]
    found, _ = run(body)
    rules = {e for r, e in found if r == "size"}
    assert any("'tiny'" in e and "'shrunk'" in e and "'0.81'" in e for e in rules) or \
        {"'tiny'", "'shrunk'", "'0.81'"} <= rules
    assert not any("'plain'" in e for e in rules)


def test_a_typst_formula_is_measured_by_its_own_capitals():
    """Typst sets math in its own font, ~30 % shorter in the caps than Inter at one size: a formula of
    numbers shrunk to fit a panel (font 19: ~18 px caps) must fall under the readout floor, though
    Inter at 19 would pass it (~26 px), and one at the kit's value size must not."""
    def body(s):
        shrunk = marks.role(MathTypst("x = (0.62) / (1.04 times 0.74)", font_size=19).shift([-2, 0, 0]), marks.READOUT)
        fine = marks.role(MathTypst("y = (0.62) / (1.04 times 0.74)", font_size=30).shift([2, 0, 0]), marks.READOUT)
        return [filler(s), shrunk, fine]
    found, _ = run(body)
    sizes = [e for r, e in found if r == "size"]
    assert len(sizes) == 1 and sizes[0].startswith("'$ x = "), sizes
    h = MathTypst("upright(H)", font_size=30)
    assert abs(cap_px(h, "Inter") - h.height * 135) < 0.5       # measured: the drawn capital, 135 px per unit
    assert cap_px(h, "Inter") < 0.8 * cap_px(label("H", THEMES["dark"], size=30), "Inter")


def test_text_outside_the_title_safe_area():
    found, _ = run(lambda s: [filler(s), label("edge", s.theme, size=24).move_to([s.fw / 2 - 0.3, 0, 0])])
    assert ("safe", "'edge'") in found


def test_low_contrast_against_the_cell_behind():
    def body(s):
        cell = Rectangle(width=2, height=1, fill_color="#F0E442", fill_opacity=1, stroke_width=0)
        return [filler(s), cell, label("on yellow", s.theme, size=20, colour="#FFFFFF").move_to(cell)]
    found, _ = run(body)
    assert ("contrast", "'on yellow'") in found


def test_a_mark_crossing_a_label_unless_it_is_what_the_label_labels():
    def body(s, own):
        a = Arrow([-3, 0, 0], [3, 0, 0], buff=0)
        t = label("crossed", s.theme, size=24)
        if own:
            marks.labels(t, a)
        return [filler(s), a, t]
    found, _ = run(lambda s: body(s, False))
    assert any(r == "overlap" and "'crossed'" in e for r, e in found)
    found, _ = run(lambda s: body(s, True))
    assert not any(r == "overlap" for r, e in found)


def test_tokens_shown_together_must_differ_in_colour():
    def body(s):
        a = marks.token(label("dog", s.theme, size=24, colour="#56B4E9").shift([-2, 0, 0]), "dog")
        b = marks.token(label("queen", s.theme, size=24, colour="#3A8FD6").shift([2, 0, 0]), "queen")
        return [filler(s), a, b]
    found, _ = run(body)
    assert any(r == "palette" and "'dog' × 'queen'" in e for r, e in found)


def test_content_that_fills_too_little_of_the_body():
    found, rep = run(lambda s: [label("lonely", s.theme, size=24)])
    assert ("fill", "body") in found and rep.span < 0.7


def test_palettes_are_colour_blind_safe_apart_and_readable():
    for th in THEMES.values():
        for i, a in enumerate(th.tokens):
            assert contrast(a, th.background) >= 4.5, (th.name, a)
            for b in th.tokens[i + 1:]:
                assert delta_e(a, b) >= 20, (th.name, a, b)


def test_a_token_keeps_one_slot_in_the_lesson_and_tokens_shown_together_differ():
    groups = (("the", "cat", "sat", "on", "the", "mat"), ("dog", "cat", "queen", "king"), ("the", "king", "bus"))
    slots = token_slots(groups, 5)
    for g in groups:
        shown = list(dict.fromkeys(g))
        assert len({slots[t] for t in shown}) == len(shown), g
    assert all(len(th.tokens) == TOKEN_PALETTE for th in THEMES.values())


@pytest.mark.parametrize("words", [("puppy", "queen"), ("0.81", "dog"), ("jig", "ox")])
def test_rows_share_a_baseline(words):
    """Texts sat on one baseline have their flat-bottomed glyphs on the same line (not their outlines)."""
    from scenes.components.text import baseline_y, sit_on
    th = THEMES["dark"]
    a, b = (label(w, th, size=22) for w in words)
    sit_on(a, 0.0)
    sit_on(b, 0.0)
    ref = label("x", th, size=22)
    sit_on(ref, 0.0)
    assert abs(ref.get_bottom()[1]) < 1e-6
    for m in (a, b):
        assert abs(baseline_y(m)) < 0.01            # < 1.4 px at 1080
    # 'x' and 'n' in "queen" sit on the line; "puppy"'s descenders reach below it
    if words[0] == "puppy":
        assert a.get_bottom()[1] < -0.05 and abs(b.submobjects[-1].get_bottom()[1]) < 0.01


def test_denser_sampling_finds_what_only_shows_a_quarter_into_a_play():
    """A label swings out of the title-safe area only around 1/4 of a play (from 15 % to 35 % of it): one
    sample (the middle) and the play's end miss it; four evenly spaced samples (20, 40, 60, 80 %) find it."""
    from manim import UpdateFromAlphaFunc, linear

    from embedviz.draw.layout_check import moments

    class Swing(SegmentScene):
        PANELS = ()

        def build_body(self):
            self.things = VGroup(filler(self))
            self.swinger = label("swinger", self.theme, size=24).move_to(self.regions.body.centre)

        def beats(self):
            home, out = self.swinger.get_center().copy(), [self.fw / 2 - 0.3, 0, 0]

            def at(m, alpha):
                m.move_to(out if 0.15 < alpha < 0.35 else home)
            return [Beat(lambda beat: (self.add(self.things, self.swinger),
                                       self.play(UpdateFromAlphaFunc(self.swinger, at, rate_func=linear),
                                                 run_time=3)))]

    assert moments(18, 1) == [9] and moments(18, 4) == [3, 7, 10, 14] and moments(2, 4) == []
    style = Style(theme="dark", aspect="16:9")
    for samples, seen in ((1, False), (4, True)):
        rep = check_storyboard(SB, style, "16:9", scene_class=Swing, samples=samples)
        hit = [v for v in rep.violations if v.rule == "safe" and "'swinger'" in v.elements]
        assert bool(hit) == seen, (samples, rep.violations)
        assert all(v.beat.endswith("(moving)") for v in hit)


def _shown_then_cleared(extra, *, wait: bool = True):
    """A scene whose one beat shows ``extra(scene)`` (two crossing texts and what else the test adds), holds it
    in a wait (or not), and clears it before the beat ends: only a held moment can see it."""
    from manim import FadeOut

    class Interlude(SegmentScene):
        PANELS = ()

        def build_body(self):
            self.things = VGroup(filler(self))
            self.extra = VGroup(*extra(self))

        def beats(self):
            def beat(b):
                self.add(self.things)
                self.play(FadeIn(self.extra), run_time=0.5)
                if wait:
                    self.wait(0.5)
                self.play(FadeOut(self.extra), run_time=0.5)
            return [Beat(beat)]
    rep = check_storyboard(SB, Style(theme="dark", aspect="16:9"), "16:9", scene_class=Interlude)
    return {(v.rule, v.elements) for v in rep.violations}, rep


def test_a_picture_held_and_cleared_inside_one_beat_is_checked_while_it_is_held():
    """The cone picture of nearest-neighbours lived only inside a beat: its overlapping labels were never
    checked. A wait is a frame the viewer looks at; every rule applies there."""
    def pair(s):
        return [label("alpha", s.theme, size=24), label("beta", s.theme, size=24).shift([0.3, 0, 0])]
    found, rep = _shown_then_cleared(pair)
    assert ("overlap", "'alpha' × 'beta'") in found
    assert all(v.beat.endswith("(held)") for v in rep.violations if v.rule == "overlap")
    found, _ = _shown_then_cleared(pair, wait=False)        # never held still: a moment in flight, not a frame
    assert not any(r == "overlap" for r, _ in found)


def test_an_opaque_card_hides_what_lies_under_it():
    """A card laid over a matrix (similarity-matrix's derivation at 9:16): the grid line under the card's
    number is not seen, so it crosses nothing; the same line with a see-through card does."""
    def body(s, opacity):
        line = Arrow([-3, 0, 0], [3, 0, 0], buff=0)
        card = Rectangle(width=3, height=1.5, fill_color=s.theme.background, fill_opacity=opacity, stroke_width=0)
        return [line, card, label("0.42", s.theme, size=24)]
    found, _ = _shown_then_cleared(lambda s: body(s, 0.96))
    assert not any(r == "overlap" for r, _ in found), found
    found, _ = _shown_then_cleared(lambda s: body(s, 0.3))
    assert any(r == "overlap" and "'0.42'" in e for r, e in found)


def test_dimmed_context_is_not_held_to_the_contrast_rule_but_faint_text_is():
    def body(s, opacity, colour):
        return [label("context", s.theme, size=24, colour=colour).set_opacity(opacity).shift([0, 1, 0])]
    found, _ = _shown_then_cleared(lambda s: body(s, 0.3, s.theme.text))
    assert not any(r == "contrast" for r, _ in found)
    found, _ = _shown_then_cleared(lambda s: body(s, 1.0, "#2A2F36"))      # full opacity, near the background
    assert ("contrast", "'context'") in found


def test_contrast_is_measured_against_a_circle_s_fill_not_its_box():
    """A label just outside a tinted circle but inside its box's corner is on the background."""
    import numpy as np
    from manim import Circle

    def body(s, where):
        disc = Circle(radius=1.2, fill_color="#F0E442", fill_opacity=1, stroke_width=0)
        corner = 1.2 * np.array([0.86, 0.86, 0])
        return [disc, label("x", s.theme, size=20, colour="#FFFFFF").move_to(corner if where == "corner" else [0, 0, 0])]
    found, _ = run(lambda s: [filler(s), *body(s, "corner")])
    assert not any(r == "contrast" for r, _ in found), found
    found, _ = run(lambda s: [filler(s), *body(s, "centre")])
    assert ("contrast", "'x'") in found
