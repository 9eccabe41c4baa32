"""The layout check: build every scene of a lesson, play it without drawing, and measure each frame.

``embedviz check`` runs it. A scene is played by :class:`SamplingRenderer`, which
steps animations as a render does (updaters included) but draws and encodes
nothing; it samples the scene in the middle of every play and at the end of every
beat. Each sample is measured in pixels of a frame whose short side is 1080 px:

- ``safe``: every text inside the title-safe area (5 % in from each edge);
- ``overlap``: no two texts overlap; no text is crossed by the outline of a mark
  (arrow, cell, box, line) it does not label (:func:`scenes.marks.labels`);
- ``size``: cap height ≥ 18 px, readouts (:data:`scenes.marks.READOUT`) ≥ 24 px;
- ``contrast``: text against what lies behind it ≥ 4.5:1 (WCAG);
- ``palette``: tokens shown together differ by CIEDE2000 ≥ 20 and come from the
  theme's colour-blind-safe set (when there are more tokens than colours, every
  token is labelled by its text, so colour is never the only cue);
- ``token-colour``: a token string keeps one colour across the whole lesson;
- ``fill``: the body's content spans ≥ 70 % of the body in its limiting direction.

Mid-play samples check only ``safe`` (things in flight overlap on
purpose). Every violation is one line: segment, beat, the elements, what is wrong.
"""
from __future__ import annotations

import atexit
import dataclasses
import functools
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from coloraide import Color
from manim import CairoRenderer, Mobject, Text, ThreeDCamera, Typst, VMobject, Wait, logger, tempconfig

from embedcore.config import voice_config
from embedcore.title_card import title_card
from embedviz.draw.worker import text_cache_dir
from embedviz.options import QUALITIES, output_size
from scenes import marks
from scenes.components.text import NumberText, cap_px, is_text, text_cache
from scenes.registry import SCENES
from scenes.theme import MIN_CAP_PX, PX_PER_UNIT, READOUT_CAP_PX, theme_for

SHORT_PX = 1080.0            # sizes are measured as if the short side were 1080 px
SAFE = 0.05                  # title-safe margin, a fraction of each side
MIN_CAP = MIN_CAP_PX         # px: any text (the kit's floor, scenes/theme.py)
MIN_READOUT = READOUT_CAP_PX # px: readouts and numbers the narration names
MIN_CONTRAST = 4.5
MIN_DELTA_E = 20.0
MIN_FILL = 0.70
TOL = 1.5                    # px: touching is not overlapping
OPAQUE = 0.9                 # a panel at least this opaque hides what lies under it
DIMMED = 0.5                 # a text at most this opaque is dimmed context (lookup's other rows): no contrast rule
ASPECTS = ("16:9", "9:16", "1:1")
THEMES = ("dark", "light", "high-contrast")


@dataclass(frozen=True)
class Violation:
    segment: str             # "03-lookup"
    beat: str                # "beat 2 (_show_tables)" or "end"
    rule: str
    elements: str
    what: str

    def line(self, where: str = "") -> str:
        pre = f"{where}  " if where else ""
        return f"{pre}{self.segment}  {self.beat}  {self.rule}: {self.elements}: {self.what}"


# -- what a sample holds ---------------------------------------------------------------

@dataclass
class _Item:
    mob: Mobject
    chain: tuple[Mobject, ...]      # the item and its ancestors, innermost first
    z: int                          # drawing order
    box: np.ndarray                 # x0, y0, x1, y1 in px (frame centre at 0)

    def under(self, kind: Callable[[Mobject], object]):
        for m in self.chain:
            v = kind(m)
            if v is not None:
                return v
        return None


@dataclass
class _Text(_Item):
    name: str = ""
    colour: str = "#FFFFFF"
    opacity: float = 1.0
    cap: float = 0.0


@dataclass
class _Mark(_Item):
    segments: np.ndarray = field(default_factory=lambda: np.zeros((0, 2, 2)))
    fill: str | None = None
    fill_opacity: float = 0.0
    stroke: str | None = None


def text_name(m: Mobject) -> str:
    if isinstance(m, (Text, NumberText)):
        s = m.original_text if isinstance(m, Text) else m.text
    else:
        s = m.typst_code if isinstance(m, Typst) else type(m).__name__
    s = " ".join(str(s).split())
    return f"'{s[:28]}…'" if len(s) > 29 else f"'{s}'"


def _hex(c) -> str:
    return c.to_hex().upper()[:7]


def _rgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def _lum(rgb: np.ndarray) -> float:
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(a: str | np.ndarray, b: str | np.ndarray) -> float:
    la = _lum(_rgb(a) if isinstance(a, str) else a)
    lb = _lum(_rgb(b) if isinstance(b, str) else b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def delta_e(a: str, b: str) -> float:
    return float(Color(a).delta_e(b, method="2000"))


def _outline(pts: np.ndarray, px: float) -> np.ndarray:
    """An outline's Bézier points as straight pieces (n, 2, 2) in px: each cubic sampled at 8 steps."""
    n = len(pts) // 4
    if n == 0:
        return np.zeros((0, 2, 2))
    q = pts[: n * 4, :2].reshape(n, 4, 2) * px
    t = np.linspace(0, 1, 9)[:, None]
    w = np.stack([(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3], axis=1)  # (9, 4, 1)
    curve = np.einsum("tk,nkd->ntd", w[..., 0], q)                                            # (n, 9, 2)
    return np.stack([curve[:, :-1], curve[:, 1:]], axis=2).reshape(-1, 2, 2)


def _encloses(segs: np.ndarray, x: float, y: float) -> bool:
    """Is (x, y) inside the filled shape outlined by ``segs`` (even-odd rule, the outline closed from its
    last point to its first as Cairo fills it)? A circle's box holds corners its fill does not."""
    if not len(segs):
        return False
    segs = np.concatenate([segs, [[segs[-1, 1], segs[0, 0]]]])
    (x0, y0), (x1, y1) = segs[:, 0].T, segs[:, 1].T
    straddles = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(straddles & (at > x)) % 2)


def _segments_hit(segs: np.ndarray, box: np.ndarray) -> bool:
    """Does any segment pass through the inside of ``box`` (Liang–Barsky, vectorised)?"""
    if not len(segs):
        return False
    p, d = segs[:, 0], segs[:, 1] - segs[:, 0]
    t0, t1 = np.zeros(len(segs)), np.ones(len(segs))
    ok = np.ones(len(segs), bool)
    for pk, qk in ((-d[:, 0], p[:, 0] - box[0]), (d[:, 0], box[2] - p[:, 0]),
                   (-d[:, 1], p[:, 1] - box[1]), (d[:, 1], box[3] - p[:, 1])):
        zero = np.abs(pk) < 1e-12
        ok &= ~(zero & (qk < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(zero, 0.0, qk / np.where(zero, 1.0, pk))
        t0 = np.where(~zero & (pk < 0), np.maximum(t0, t), t0)
        t1 = np.where(~zero & (pk > 0), np.minimum(t1, t), t1)
    return bool((ok & (t0 <= t1)).any())


def _overlap(a: np.ndarray, b: np.ndarray, tol: float = TOL) -> tuple[float, float] | None:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return (w, h) if w > tol and h > tol else None


# -- one sample of a scene --------------------------------------------------------------

class Sample:
    """The texts and marks on screen at one moment, in px."""

    def __init__(self, scene, px: float) -> None:
        self.scene, self.px = scene, px
        self.texts: list[_Text] = []
        self.marks: list[_Mark] = []
        cam = scene.renderer.camera
        if isinstance(cam, ThreeDCamera):
            cam.reset_rotation_matrix()     # a render refreshes it while drawing; the check draws nothing
        self.background = _hex(cam.background_color) if not isinstance(cam.background_color, str) else \
            cam.background_color.upper()
        z = 0
        seen: set[int] = set()

        def walk(m: Mobject, chain: tuple[Mobject, ...]) -> None:
            nonlocal z
            if id(m) in seen:
                return
            seen.add(id(m))
            chain = (m, *chain)
            if marks.role_of(m) == marks.DECOR:
                return
            if is_text(m):
                self._add_text(m, chain, z)
                z += 1
                return
            if isinstance(m, VMobject) and len(m.points):
                self._add_mark(m, chain, z)
                z += 1
            for s in m.submobjects:
                walk(s, chain)

        for top in [*scene.mobjects, *scene.foreground_mobjects]:
            walk(top, ())

    def _points(self, m: Mobject) -> np.ndarray:
        """``m``'s own points where the camera shows them (a 3D camera projects what is not fixed in frame)."""
        return self.scene.renderer.camera.transform_points_pre_display(m, m.points)

    def _box(self, m: Mobject) -> np.ndarray:
        pts = np.concatenate([self._points(s) for s in m.family_members_with_points()])[:, :2] * self.px
        return np.array([*pts.min(axis=0), *pts.max(axis=0)])

    def _add_text(self, m: Mobject, chain, z) -> None:
        leaves = [s for s in m.family_members_with_points() if isinstance(s, VMobject)]
        if not leaves:
            return
        op = max(float(s.get_fill_opacity()) for s in leaves)
        if op < 0.05:
            return
        first = max(leaves, key=lambda s: float(s.get_fill_opacity()))
        cap = cap_px(m, self.scene.theme.font) * self.px / PX_PER_UNIT
        self.texts.append(_Text(m, chain, z, self._box(m), name=text_name(m), colour=_hex(first.get_fill_color()),
                                opacity=op, cap=cap))

    def _add_mark(self, m: VMobject, chain, z) -> None:
        fill_op = float(m.get_fill_opacity())
        stroke_op = float(m.get_stroke_opacity()) if m.get_stroke_width() > 0 else 0.0
        if fill_op < 0.05 and stroke_op < 0.05:
            return
        box = self._box(m)
        if box[2] - box[0] < 0.5 and box[3] - box[1] < 0.5:
            return
        self.marks.append(_Mark(m, chain, z, box, segments=_outline(self._points(m), self.px),
                                fill=_hex(m.get_fill_color()) if fill_op >= 0.05 else None, fill_opacity=fill_op,
                                stroke=_hex(m.get_stroke_color()) if stroke_op >= 0.05 else None))


# -- the rules ------------------------------------------------------------------------------

def _labels(text: _Text, other: _Item) -> bool:
    """Does ``text`` (or a group holding it) label ``other`` (or a group holding it)?"""
    chain = {id(m) for m in other.chain}
    for m in text.chain:
        if any(id(t) in chain for t in marks.targets_of(m)):
            return True
    mine = {id(m) for m in text.chain}
    for m in other.chain:
        if any(id(t) in mine for t in marks.targets_of(m)):
            return True
    return False


def check_sample(s: Sample, *, full: bool, frame: tuple[float, float]) -> list[tuple[str, str, str]]:
    """(rule, elements, what) for every problem in one sample; ``full`` adds the end-of-beat rules."""
    out: list[tuple[str, str, str]] = []
    fw, fh = frame
    sx, sy = fw * (0.5 - SAFE), fh * (0.5 - SAFE)
    for t in s.texts:
        b = t.box
        if b[0] < -sx - TOL or b[2] > sx + TOL or b[1] < -sy - TOL or b[3] > sy + TOL:
            worst = max(-sx - b[0], b[2] - sx, -sy - b[1], b[3] - sy)
            out.append(("safe", t.name, f"{worst:.0f} px outside the title-safe area"))
        floor = MIN_READOUT if t.under(marks.role_of) == marks.READOUT else MIN_CAP
        if full and t.cap < floor - 0.5:
            out.append(("size", t.name, f"cap height {t.cap:.0f} px < {floor:.0f} px"))
    if not full:
        return out
    texts = s.texts
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            ov = _overlap(a.box, b.box)
            if ov and not _labels(a, b) and not _labels(b, a) and not _hidden(s, *sorted((a, b), key=lambda x: x.z)):
                out.append(("overlap", f"{a.name} × {b.name}", f"texts overlap by {ov[0]:.0f}×{ov[1]:.0f} px"))
    for t in texts:
        inner = t.box + np.array([TOL, TOL, -TOL, -TOL])
        for m in s.marks:
            if _overlap(t.box, m.box, 0) is None or _labels(t, m) or (m.z < t.z and _hidden(s, m, t)):
                continue
            if _segments_hit(m.segments, inner):
                out.append(("overlap", f"{t.name} × {_mark_name(m)}", "a mark's outline crosses the text"))
                break
    for t in texts:
        if t.opacity <= DIMMED:
            continue            # dimmed on purpose (the rows not in focus): context to look past, not to read
        behind = _behind(s, t)
        ink = _rgb(t.colour) * t.opacity + behind * (1 - t.opacity)
        c = contrast(ink, behind)
        if c < MIN_CONTRAST - 0.01:
            out.append(("contrast", t.name, f"{c:.1f}:1 against what is behind it (< {MIN_CONTRAST}:1)"))
    out += _palette(s)
    return out


def _hidden(s: Sample, lower: _Item, upper: _Text) -> bool:
    """Is ``lower`` covered where ``upper`` lies, by an opaque panel drawn between them (a card laid over
    a matrix: the grid under the card's numbers is not seen, so it crosses nothing)?"""
    b = upper.box
    return any(lower.z < m.z < upper.z and m.fill is not None and m.fill_opacity >= OPAQUE
               and m.box[0] <= b[0] and m.box[1] <= b[1] and b[2] <= m.box[2] and b[3] <= m.box[3]
               for m in s.marks)


def _mark_name(m: _Mark) -> str:
    tok = m.under(marks.token_of)
    kind = type(m.under(lambda x: x if type(x).__name__ not in ("VMobject", "VGroup") else None) or m.mob).__name__
    return f"{kind.lower()}" + (f" of '{tok}'" if tok else "")


def _behind(s: Sample, t: _Text) -> np.ndarray:
    """The colour under the text's centre: the background, then every filled mark drawn before it."""
    cx, cy = (t.box[0] + t.box[2]) / 2, (t.box[1] + t.box[3]) / 2
    area = (t.box[2] - t.box[0]) * (t.box[3] - t.box[1])
    colour = _rgb(s.background)
    for m in sorted(s.marks, key=lambda m: m.z):
        if m.z > t.z or m.fill is None:
            continue
        b = m.box
        if b[0] <= cx <= b[2] and b[1] <= cy <= b[3] and (b[2] - b[0]) * (b[3] - b[1]) >= 0.5 * area \
                and _encloses(m.segments, cx, cy):
            colour = colour * (1 - m.fill_opacity) + _rgb(m.fill) * m.fill_opacity
    return colour


def _token_colours(s: Sample) -> dict[str, set[str]]:
    """Token string → the colours it is drawn in (text fill, or a mark's stroke) in this sample."""
    out: dict[str, set[str]] = {}
    for it in [*s.texts, *s.marks]:
        tok = it.under(marks.token_of)
        if tok is None:
            continue
        if isinstance(it, _Text):
            c = it.colour
        else:
            if it.under(marks.role_of) == marks.DECOR:
                continue
            c = it.stroke or it.fill
            # a chip's token colour is its outline; its panel fill is not the token's colour
            if it.stroke is None:
                continue
        if isinstance(it, _Text) and c in _neutral(s):
            continue            # a token written in the text colour inside its coloured chip
        out.setdefault(tok, set()).add(c)
    return out


def _neutral(s: Sample) -> set[str]:
    th = s.scene.theme
    return {th.text.upper(), th.muted.upper(), th.accent.upper(), th.background.upper(), th.panel.upper(),
            "#000000", "#FFFFFF"}


def _palette(s: Sample) -> list[tuple[str, str, str]]:
    th = s.scene.theme
    cols = _token_colours(s)
    allowed = {c.upper() for c in th.tokens}
    out = []
    firsts: dict[str, str] = {}
    for tok, cs in sorted(cols.items()):
        odd = cs - allowed - _neutral(s)
        if odd:
            out.append(("palette", f"'{tok}'", f"colour {sorted(odd)[0]} is not in the theme's colour-blind-safe set"))
        picked = sorted(cs - _neutral(s))
        if len(picked) > 1:
            out.append(("token-colour", f"'{tok}'", f"drawn in {len(picked)} colours in one frame: {', '.join(picked)}"))
        if picked:
            firsts[tok] = picked[0]
    if len(firsts) <= len(th.tokens):
        toks = sorted(firsts)
        for i, a in enumerate(toks):
            for b in toks[i + 1:]:
                de = delta_e(firsts[a], firsts[b])
                if de < MIN_DELTA_E:
                    out.append(("palette", f"'{a}' × '{b}'", f"colours {firsts[a]} and {firsts[b]} differ by "
                                                             f"ΔE2000 {de:.0f} < {MIN_DELTA_E:.0f}"))
    return out


def body_span(s: Sample, body_px: np.ndarray, skip: Iterable[Mobject]) -> float | None:
    """How much of the body region the body's content spans, in its limiting direction (0..1)."""
    skip_ids = {id(m) for m in skip}
    boxes = [it.box for it in [*s.texts, *s.marks] if not any(id(m) in skip_ids for m in it.chain)]
    if not boxes:
        return None
    b = np.array(boxes)
    x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    bw, bh = body_px[2] - body_px[0], body_px[3] - body_px[1]
    return max((x1 - x0) / bw, (y1 - y0) / bh)


# -- playing a scene ----------------------------------------------------------------------

def moments(frames: int, samples: int) -> list[int]:
    """The frame indices of ``samples`` evenly spaced moments inside a play of ``frames`` frames
    (at k/(samples+1) of it, k = 1..samples; one sample is the middle). None for a play of two frames
    or fewer (its end is sampled anyway)."""
    if frames <= 2:
        return []
    return sorted({min(frames - 1, max(1, frames * k // (samples + 1))) for k in range(1, samples + 1)})


class SamplingRenderer(CairoRenderer):
    """Plays a scene as a render does (every frame's updaters and interpolations) but draws and
    encodes nothing; calls ``on_sample(scene, "moving")`` at ``samples`` evenly spaced moments inside
    each play (default one: its middle) and ``on_sample(scene, "held")`` in every wait (a frame the
    viewer looks at for a while, even where the beat clears it before its end)."""

    def __init__(self, on_sample: Callable[[object, str], None], *, samples: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_sample = on_sample
        self.samples = samples

    def play(self, scene, *args, **kwargs) -> None:
        scene.compile_animation_data(*args, **kwargs)
        self.file_writer.add_partial_movie_file(None)
        self.animations_hashes.append(None)
        scene.begin_animations()
        self.static_image = None
        dt = 1 / self.camera.frame_rate
        if scene.is_current_animation_frozen_frame():
            self.time += int(scene.duration / dt) * dt
            self.num_plays += 1
            self.on_sample(scene, "held")
            return
        scene.duration = scene.get_run_time(scene.animations)
        frames = np.arange(0, scene.duration, dt)
        inside = set(moments(len(frames), self.samples))
        for k, t in enumerate(frames):
            scene.update_to_time(t)
            self.time += dt
            if k in inside:
                self.on_sample(scene, "moving")
        held = all(isinstance(a, Wait) for a in scene.animations)
        for animation in scene.animations:
            animation.finish()
            animation.clean_up_from_scene(scene)
        scene.update_mobjects(0)
        self.num_plays += 1
        if held:
            self.on_sample(scene, "held")

    def update_frame(self, *args, **kwargs) -> None:       # nothing is drawn
        pass

    def scene_finished(self, scene) -> None:
        pass


@dataclass
class SceneReport:
    segment: str
    violations: list[Violation]
    token_colours: dict[str, set[str]]      # token → colours over the whole segment
    span: float | None


@functools.lru_cache(1)
def _media_dir() -> str:
    """This process's own Manim media folder (Text writes SVGs there; parallel runs must not share one)."""
    d = tempfile.mkdtemp(prefix="embedviz-check-")
    atexit.register(shutil.rmtree, d, True)
    return d


def check_storyboard(sb, style, aspect: str, *, fps: int = 6, scene_class=None, samples: int = 1) -> SceneReport:
    """Play one segment's scene (``scene_class``, default the registry's for ``sb.type``) in a frame
    of ``aspect`` and return what breaks the rules (sampled at each beat's end and at ``samples``
    evenly spaced moments inside every play)."""

    logger.setLevel(logging.ERROR)
    text_cache.directory = text_cache_dir()     # shaped text from the render's cache (the same outlines)
    q = output_size(QUALITIES["l"], aspect)
    w, h = q.width, q.height
    fw_u, fh_u = 8.0 * max(1.0, w / h), 8.0 * max(1.0, h / w)
    px = SHORT_PX / 8.0
    seg = f"{sb.index:02d}-{sb.type}"
    found: dict[tuple, Violation] = {}
    colours: dict[str, set[str]] = {}
    spans: list[float] = []
    frame_px = (fw_u * px, fh_u * px)

    def sample(scene, when: str) -> None:
        """``when``: "moving" (inside a play: the frame-edge rule only), "held" (a wait: every rule;
        a picture shown and cleared inside one beat is checked at rest too) or "beat" (a beat's end)."""
        s = Sample(scene, px)
        beat = scene.beat_label + {"moving": " (moving)", "held": " (held)", "beat": ""}[when]
        for rule, els, what in check_sample(s, full=when != "moving", frame=frame_px):
            v = Violation(seg, beat, rule, els, what)
            if (rule, els) not in found or (when == "beat" and found[(rule, els)].beat.endswith(("(moving)", "(held)"))):
                found[(rule, els)] = v          # a beat's end outranks a moment inside it
        if when != "beat":
            return
        for tok, cs in _token_colours(s).items():
            colours.setdefault(tok, set()).update(cs & {c.upper() for c in scene.theme.tokens})
        r = scene.regions.body
        span = body_span(s, np.array([r.x0, r.y0, r.x1, r.y1]) * px, [scene.header, *scene.caption_mobs()])
        if span is not None:
            spans.append(span)

    opts = {"media_dir": _media_dir(), "dry_run": True, "disable_caching": True, "pixel_width": w, "pixel_height": h, "frame_rate": fps,
            "frame_width": fw_u, "frame_height": fh_u, "progress_bar": "none", "verbosity": "ERROR",
            "write_to_movie": False, "save_last_frame": False}
    with tempconfig(opts):
        cls = scene_class or SCENES[sb.type]
        renderer = SamplingRenderer(sample, samples=samples,
                                    camera_class=cls.camera_kind)
        scene = cls(sb, theme_for(style), renderer=renderer)
        scene.beat_observer = lambda scene: sample(scene, "beat")
        scene.render()
    out = _grouped(list(found.values()))
    span = max(spans) if spans else None
    if sb.type != "title" and span is not None and span < MIN_FILL - 1e-3:
        out.append(Violation(seg, "fullest beat", "fill", "body", f"content spans {span:.0%} of the body "
                                                                  f"in its limiting direction (< {MIN_FILL:.0%})"))
    return SceneReport(seg, out, colours, span)


def _grouped(vs: list[Violation]) -> list[Violation]:
    """One line per beat and rule for the per-text rules (size, safe): "12 texts ('0.12', '−0.33', …)"."""
    keep: list[Violation] = []
    groups: dict[tuple, list[Violation]] = {}
    for v in vs:
        if v.rule in ("size", "safe", "contrast"):
            groups.setdefault((v.segment, v.beat, v.rule), []).append(v)
        else:
            keep.append(v)
    overlaps: dict[tuple, list[Violation]] = {}
    for v in [v for v in keep if v.rule == "overlap"]:
        overlaps.setdefault((v.segment, v.beat, v.elements.split(" × ")[0]), []).append(v)
    keep = [v for v in keep if v.rule != "overlap"]
    for (seg, beat, first), g in overlaps.items():      # one text over many: one line
        if len(g) == 1:
            keep.append(g[0])
            continue
        others = [v.elements.split(" × ", 1)[1] for v in g]
        names = ", ".join(others[:3]) + (f", and {len(others) - 3} more" if len(others) > 3 else "")
        keep.append(Violation(seg, beat, "overlap", f"{first} × {len(g)} things ({names})",
                              "overlaps them (texts, or marks it does not label)"))
    for (seg, beat, rule), g in groups.items():
        if len(g) == 1:
            keep.append(g[0])
            continue
        nums = [float(x) for v in g for x in re.findall(r"(\d+(?:\.\d+)?) px|(\d+\.\d+):1", v.what)[0] if x]
        names = ", ".join(v.elements for v in g[:3]) + (f", and {len(g) - 3} more" if len(g) > 3 else "")
        lo, hi = min(nums), max(nums)
        rng = f"{lo:.0f}" if round(lo) == round(hi) else f"{lo:.0f}–{hi:.0f}"
        first = g[0].what
        if rule == "size":
            what = re.sub(r"cap height \d+ px", f"cap height {rng} px", first)
        elif rule == "safe":
            what = re.sub(r"^\d+ px", f"{rng} px", first)
        else:
            what = re.sub(r"^[\d.]+:1", f"{lo:.1f}–{hi:.1f}:1", first)
        keep.append(Violation(seg, beat, rule, f"{len(g)} texts ({names})", what))
    return keep


def check_lesson(compiled, *, aspects: Iterable[str], themes: Iterable[str],
                 progress: Callable[[str], None] | None = None, fps: int = 6, samples: int = 1) -> list[str]:
    """Every violation of the lesson's scenes in each aspect and theme, one line each (plays stepped at
    ``fps``: samples are taken at beat ends and at ``samples`` evenly spaced moments inside each play,
    default its middle, so fewer steps find the same frames)."""

    lines: list[str] = []
    boards = [title_card(compiled), *compiled.storyboards]
    style0 = compiled.lesson.style
    for aspect in aspects:
        for theme in themes:
            style = style0.model_copy(update={"theme": theme, "aspect": aspect})
            where = f"{aspect} {theme}"
            lesson_colours: dict[str, dict[str, list[str]]] = {}
            for sb in boards:
                sb = dataclasses.replace(sb, captions_on_screen=captions_on_screen(compiled, sb))
                if progress:
                    progress(f"{where} {sb.index:02d}-{sb.type}")
                rep = check_storyboard(sb, style, aspect, fps=fps, samples=samples)
                lines += [v.line(where) for v in rep.violations]
                for tok, cs in rep.token_colours.items():
                    for c in cs:
                        lesson_colours.setdefault(tok, {}).setdefault(c, []).append(rep.segment)
            for tok, by in sorted(lesson_colours.items()):
                if len(by) > 1:
                    what = "; ".join(f"{c} in {', '.join(sorted(set(s)))}" for c, s in sorted(by.items()))
                    lines.append(Violation("lesson", "all", "token-colour", f"'{tok}'",
                                           f"{len(by)} colours across the lesson: {what}").line(where))
    return lines


def captions_on_screen(compiled, sb) -> bool:
    """Whether segment ``sb``'s narration is drawn on screen, as the render decides it (without
    synthesising a voice): ``style.captions``, else drawn only where no voice speaks."""
    cfg = compiled.lesson.config
    mode = cfg.style.captions
    if mode is not None:
        return mode in ("burned", "both")
    if sb.index < 1:
        return True
    opts = cfg.segments[sb.index - 1]
    voice = voice_config(opts.narration_voice if opts.narration_voice is not None else cfg.narration_voice)
    return voice is None or voice.engine == "none"
