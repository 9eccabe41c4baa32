"""Every segment scene lays out inside the frame in 16:9, 9:16 and 1:1, in every theme.

Scenes are built, not rendered (tempconfig with the frame worker.py sets: the
short side is 8 units). For each example lesson and aspect: every mobject the
scene built lies inside the frame, the key panels do not overlap each other,
and nothing of the body reaches into the caption band. One tiny portrait
render checks the real thing end to end.
"""
from __future__ import annotations

import functools
import itertools
from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("manim")

from manim import Mobject, ThreeDScene, VGroup, VMobject, tempconfig  # noqa: E402

from embedcore.lesson import load_lesson  # noqa: E402
from embedcore.segments import SEGMENT_TYPES  # noqa: E402
from embedcore.title_card import title_card  # noqa: E402
from embedviz.options import QUALITIES, output_size  # noqa: E402
from scenes.registry import SCENES  # noqa: E402
from scenes.theme import THEMES, theme_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ASPECTS = ("16:9", "9:16", "1:1")
EPS = 1e-3


# Every case comes from the registry: each segment type's example lesson configs/<type>.yaml and its scene's
# PANELS; the title card is drawn from the first type's example.
def examples() -> dict[str, tuple[str, int | None]]:
    """Segment type → (example lesson, segment index), read from the YAML (collection stays fast).

    Of the type's segments in its example lesson, the most crowded one (most tokens listed; the first on a
    tie) is the one laid out in every frame shape: e.g. vectors-2d's six projected tokens, not its two."""
    out: dict[str, tuple[str, int | None]] = {}
    for kind in SEGMENT_TYPES:
        data = yaml.safe_load((ROOT / "configs" / f"{kind}.yaml").read_text(encoding="utf-8"))
        mine = [(i, seg) for i, seg in enumerate(data["segments"]) if seg["type"] == kind]
        if not mine:
            raise AssertionError(f"configs/{kind}.yaml has no segment of type {kind!r}")

        def crowd(item):
            tokens = item[1].get("tokens") or ""
            return len(tokens.split() if isinstance(tokens, str) else tokens)
        out[kind] = (kind, max(mine, key=crowd)[0])
    out["title"] = (next(iter(SEGMENT_TYPES)), None)
    return out


EXAMPLES = examples()


@functools.lru_cache(maxsize=None)
def compiled(name: str):
    return load_lesson(ROOT / "configs" / f"{name}.yaml")


def frame_for(aspect: str) -> dict:
    q = output_size(QUALITIES["l"], aspect)
    w, h = q.width, q.height
    return {"dry_run": True, "disable_caching": True, "pixel_width": w, "pixel_height": h,
            "frame_width": 8.0 * max(1.0, w / h), "frame_height": 8.0 * max(1.0, h / w)}


def theme_of(kind: str, aspect: str) -> str:
    """Layout does not depend on the theme (same fonts and sizes; only colours change), so the
    layout checks build every scene in one theme: its glyphs are then shared across aspects.
    The themes' colours are checked by test_scene_uses_only_theme_colours."""
    return "dark"


@functools.lru_cache(maxsize=None)
def build(case: str, aspect: str, theme: str):
    name, idx = EXAMPLES[case]
    c = compiled(name)
    sb = title_card(c) if idx is None else c.storyboards[idx]
    assert sb.type == case
    style = c.lesson.style.model_copy(update={"theme": theme, "aspect": aspect})
    opts = frame_for(aspect)
    with tempconfig(opts):
        scene = SCENES[sb.type](sb, theme_for(style))
        scene.build()
        # the caption page with the most lines (building every caption costs seconds)
        from scenes.base import caption_pages
        pages = [p for t in sb.narration for p in caption_pages(t, scene.caption_chars)]
        tallest = max(pages, key=lambda t: (len(t.split("\n")), len(t)), default=None)
        captions = [scene.caption_mob(tallest)] if tallest else []
    return sb, scene, captions, opts["frame_width"], opts["frame_height"]


def box(m: Mobject):
    (x0, y0, _), (x1, y1, _) = m.get_corner([-1, -1, 0]), m.get_corner([1, 1, 0])
    return x0, y0, x1, y1


def has_points(m: Mobject) -> bool:
    return any(s.has_points() for s in m.get_family())


def overlap(a, b) -> bool:
    return a[0] < b[2] - EPS and b[0] < a[2] - EPS and a[1] < b[3] - EPS and b[1] < a[3] - EPS


CASES = [(kind, aspect, theme_of(kind, aspect)) for kind in EXAMPLES for aspect in ASPECTS]


@pytest.mark.render
@pytest.mark.parametrize("kind,aspect,theme", CASES, ids=[f"{k}-{a}-{t}" for k, a, t in CASES])
def test_scene_fits_frame(kind, aspect, theme):
    sb, scene, captions, fw, fh = build(kind, aspect, theme)
    # every mobject the scene built lies inside the frame (in a 3D scene only those fixed in the frame:
    # the rest are projected by the moving camera)
    fixed = getattr(scene.renderer.camera, "fixed_in_frame_mobjects", None) if isinstance(scene, ThreeDScene) else None
    for name, m in vars(scene).items():
        if not isinstance(m, Mobject) or not has_points(m):
            continue
        if fixed is not None and m not in fixed:
            continue
        x0, y0, x1, y1 = box(m)
        assert x0 >= -fw / 2 - EPS and x1 <= fw / 2 + EPS, f"{name} leaves the frame sideways: x {x0:.2f}..{x1:.2f}"
        assert y0 >= -fh / 2 - EPS and y1 <= fh / 2 + EPS, f"{name} leaves the frame: y {y0:.2f}..{y1:.2f}"
    for cap in captions:
        x0, y0, x1, y1 = box(cap)
        assert -fw / 2 <= x0 and x1 <= fw / 2 and y0 >= -fh / 2
        # captions are re-flowed to the frame's width, not shrunk: every line at full size
        assert cap.width <= fw - 0.6 + EPS
        assert len(cap) <= 6
    cap_top = max((box(c)[3] for c in captions), default=-fh / 2)
    # key panels: pairwise apart, and all of them above the tallest caption
    groups = []
    for names in type(scene).PANELS:
        mobs = [getattr(scene, n) for n in names if has_points(getattr(scene, n))]
        if mobs:
            groups.append(("+".join(names), box(VGroup(*mobs))))
    def take_turns(na: str, nb: str) -> bool:
        """Panels the scene shows one after the other in one place (content too tall at the text floor)."""
        ta, tb = set(na.split("+")), set(nb.split("+"))
        return scene.turns and any((x in ta and y in tb) or (x in tb and y in ta) for x, y in scene.TAKE_TURNS)
    for (na, a), (nb, b) in itertools.combinations(groups, 2):
        assert take_turns(na, nb) or not overlap(a, b), f"{na} overlaps {nb} in {aspect}"
    if kind == "matrix-shape":      # the card comes last: under the table, or in its place in square frames
        assert not overlap(box(scene.card), box(scene.header))
        if not scene.card_replaces_table:
            assert not overlap(box(scene.card), box(scene.table))
        if not scene.paged:
            assert not overlap(box(scene.table), box(scene.left))
            assert not overlap(box(scene.table), box(scene.pitfall))
        assert box(scene.card)[1] >= cap_top - EPS
    if kind != "title":
        for n, b in groups:
            assert b[1] >= cap_top - EPS, f"{n} reaches into the caption band in {aspect} ({b[1]:.2f} < {cap_top:.2f})"


@pytest.mark.render
@pytest.mark.parametrize("aspect", ASPECTS)
def test_titles_wrap_instead_of_shrinking(aspect):
    """A long title keeps its size and wraps onto more lines in narrow frames."""
    sb, scene, _, fw, _ = build("matrix-shape", aspect, theme_of("matrix-shape", aspect))
    lines = list(scene.title)
    assert scene.title.width <= fw - 0.7 + EPS
    full = scene.title[0].height          # one line's height at size 34, shrunk at most 8 %
    from scenes.components.text import label
    natural = label(lines[0].original_text, scene.theme, size=34, weight="BOLD").height
    assert full >= natural * 0.92
    if aspect == "16:9":
        assert len(lines) == 1


@pytest.mark.render
def test_lookup_portrait_stacks_matrix_above_output():
    sb, scene, _, fw, fh = build("lookup", "9:16", theme_of("lookup", "9:16"))
    assert scene.stacked
    assert scene.matrix.get_bottom()[1] > scene.output_title.get_top()[1]
    # stacked, the grids keep their full size (side by side they would be shrunk to half the width)
    assert scene.matrix.cells[0][0].height >= wide_cell_height() * 0.99
    _, wide, _, _, _ = build("lookup", "16:9", theme_of("lookup", "16:9"))
    # the flow reads forwards: E first (left, or above), then the output
    assert not wide.stacked and wide.matrix.get_right()[0] < wide.output.get_left()[0]


def wide_cell_height() -> float:
    """A matrix number's height in the 16:9 layout (drawn at full size there)."""
    _, wide, _, _, _ = build("lookup", "16:9", theme_of("lookup", "16:9"))
    return wide.matrix.cells[0][0].height


@pytest.mark.render
def test_lookup_chips_wrap_in_portrait(write_lesson):
    path = write_lesson("""
        lesson: {title: "Long sentence", slug: long}
        vocabulary: [the, quick, brown, fox, jumps, over, lazy, dog]
        embeddings: {source: synthetic, dim: 4, seed: 3}
        tokens: the quick brown fox jumps over the lazy dog
        segments: [{type: lookup}]
    """)
    c = load_lesson(path)
    style = c.lesson.style.model_copy(update={"aspect": "9:16"})
    with tempconfig(frame_for("9:16")):
        scene = SCENES["lookup"](c.storyboards[0], theme_for(style))
        scene.build()
    rows = {round(ch.get_y(), 2) for ch in scene.chips}
    assert len(rows) >= 2                                     # wrapped onto more rows ...
    assert abs(scene.chips[0].height - scene.chips[0].box.height) < 0.2
    from scenes.components.text import cap_px  # ... never under the text floor
    from scenes.theme import MIN_CAP_PX
    assert cap_px(scene.chips[0].word, "Inter") >= MIN_CAP_PX - 0.01
    assert scene.chips.get_left()[0] >= -4 and scene.chips.get_right()[0] <= 4
    for a, b in itertools.combinations(list(scene.chips), 2):
        assert not overlap(box(a), box(b))


def theme_colours(theme) -> set[str]:
    from scenes.components.heatmap import neutral
    return {c.upper() for c in (theme.background, theme.text, theme.muted, theme.faint, theme.panel, theme.accent,
                                theme.highlight_fill, theme.negative, theme.positive, neutral(theme), *theme.tokens)}


# scenes whose every stroke and fill is a theme colour (heatmap cells and the cosine bar are
# blends of theme colours, with black or white ink chosen by contrast: checked in test_similarity_scenes)
PURE = ("lookup", "cosine-vs-distance", "pitfall-learned", "tokenize", "text")


@pytest.mark.render
@pytest.mark.parametrize("theme", ["light", "high-contrast"])
@pytest.mark.parametrize("kind", PURE)
def test_scene_uses_only_theme_colours(kind, theme):
    """No hard-coded colours: every stroke, fill and glyph comes from the lesson's theme."""
    aspect = "9:16" if theme == "light" else "1:1"
    _, scene, _, _, _ = build(kind, aspect, theme)
    allowed = theme_colours(THEMES[theme])
    used = set()
    for m in vars(scene).values():
        if not isinstance(m, Mobject):
            continue
        for sub in m.get_family():
            if not isinstance(sub, VMobject) or not sub.has_points():
                continue
            for get, op in ((sub.get_stroke_colors, sub.get_stroke_opacity), (sub.get_fill_colors, sub.get_fill_opacity)):
                if op() > 0:
                    used |= {c.to_hex().upper() for c in get()}
    assert used, kind
    assert used <= allowed, f"{kind} in {theme}: colours outside the theme {sorted(used - allowed)}"


@pytest.mark.unit
def test_every_token_colour_is_readable():
    """Token labels are small text: WCAG 4.5:1 against the background in every theme."""
    from scenes.components.heatmap import luminance

    def ratio(a, b):
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)
    for t in THEMES.values():
        for c in (t.text, t.muted, t.accent, *t.tokens):
            assert ratio(c, t.background) >= 4.5, (t.name, c)
        assert len(set(t.tokens)) == len(t.tokens)


@pytest.mark.render
def test_tiny_portrait_render(tmp_path):
    """A 9:16 lookup renders at 256×456, decodes, and draws in both halves of the frame."""
    from embedviz.draw.worker import render_clip
    from embedviz.media.video import frames_on_grid

    lesson = tmp_path / "portrait.yaml"
    lesson.write_text(
        'lesson: {title: "A portrait lesson about lookup", slug: portrait}\n'
        'style: {aspect: "9:16", theme: light}\n'
        "vocabulary: [the, cat, sat, on, mat]\n"
        "embeddings: {source: synthetic, dim: 4, seed: 1}\n"
        'tokens: "the cat sat on the mat"\n'
        "segments:\n"
        '  - {type: lookup, narration: "Each id selects one row."}\n')
    c = load_lesson(lesson)
    out = tmp_path / "clip.mp4"
    render_clip(c.storyboards[0], c.lesson.style, 256, 456, 5, out)
    frames = frames_on_grid(out, 5)
    assert frames and frames[0].shape == (456, 256, 3)
    bg = np.array([int(THEMES["light"].background[i:i + 2], 16) for i in (1, 3, 5)])
    late = frames[int(len(frames) * 0.8)].astype(int)
    ink = np.abs(late - bg).sum(axis=2) > 60
    top, bottom = ink[: 456 // 2], ink[456 // 2:]
    assert top.mean() > 0.01 and bottom.mean() > 0.005      # matrix up top, output block and caption below
    assert not ink[:, :2].any() and not ink[:, -2:].any()   # nothing touches the side edges


# segments whose panels the kit stacks to fill the body of tall and square frames
FILLED = ("lookup", "pitfall-spelling", "analogy", "nearest-neighbours", "pitfall-learned")


@pytest.mark.render
@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
@pytest.mark.parametrize("kind", FILLED)
def test_tall_and_square_frames_use_their_body_region(kind, aspect):
    """The body is not stuck in the top third: its panels span most of the body region, inside it."""
    sb, scene, _, fw, fh = build(kind, aspect, theme_of(kind, aspect))
    body = scene.regions.body
    mobs = [getattr(scene, n) for names in type(scene).PANELS for n in names if n != "header"]
    x0, y0, x1, y1 = box(VGroup(*[m for m in mobs if has_points(m)]))
    assert y1 <= body.y1 + EPS and y0 >= body.y0 - EPS, f"outside the body region {body}"
    assert x0 >= body.x0 - EPS and x1 <= body.x1 + EPS
    span = (y1 - y0) / body.height
    assert span >= (0.7 if aspect == "9:16" else 0.6), f"panels span only {span:.0%} of the body's height"
