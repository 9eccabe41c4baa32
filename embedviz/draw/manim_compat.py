"""Every Manim member embedviz overrides or reaches into, checked when this module is imported.

embedviz makes frames cheaper (:mod:`.fast_frames`) and renders a segment in
chunks (:mod:`.chunk_renderer`) by subclassing Manim's Cairo renderer, camera, file
writer and segment encoder. Those subclasses override methods Manim calls and
call or read members Manim does not promise to keep (the private ones start
with ``_``; others are public but documented "for Manim's internal use").
:data:`MEMBERS` lists each one with the call signature the subclasses were
written against (Manim 0.22). Importing this module checks every entry --
the name exists and ``inspect.signature`` gives the same parameters -- and a
mismatch fails the import with one line naming the Manim version and the
member, before any subclass is defined. :mod:`.fast_frames` and
:mod:`.chunk_renderer` take their Manim base classes from here, so they cannot be
imported past a failed check.

:data:`MIRRORED` names the Manim methods whose *bodies* embedviz's overrides
repeat in part (the clock of a dry play, the frame hand-out); a unit test
compares their source with the fingerprints recorded here, so a Manim release
that changes them is read again before it is trusted.

``EMBEDVIZ_PLAIN_MANIM=1`` renders with stock Manim: :mod:`.worker` then
builds no renderer of its own and does not import this module.
"""
from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass

import manim

SUPPORTED = "0.22.x"


class ManimMismatch(ImportError):
    """The installed Manim lacks a member embedviz relies on, or calls it differently."""


try:
    from manim.animation.animation import Animation
    from manim.camera.camera import Camera
    from manim.manager import Manager
    from manim.mobject.mobject import Mobject
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene import Scene
    from manim.scene.scene_file_writer import SceneFileWriter
    from manim.scene.video_segment_encoder import VideoSegmentEncoder
    from manim.utils.exceptions import EndSceneEarlyException
except ImportError as error:    # a module or class moved: one line, as for a changed member
    raise ManimMismatch(f"embedviz needs manim {SUPPORTED}: {error} in manim {manim.__version__}") from None

__all__ = ["Animation", "CairoRenderer", "Camera", "EndSceneEarlyException", "SceneFileWriter",
           "VideoSegmentEncoder", "MEMBERS", "MIRRORED", "ManimMismatch", "Member", "problems"]


@dataclass(frozen=True)
class Member:
    """``owner.spec``: a method as ``name(params)`` (without ``self``), or a bare attribute name.

    ``overridden``: an embedviz subclass replaces it (Manim calls it with these
    parameters); otherwise embedviz calls or reads it. ``why`` says what for."""

    owner: type
    spec: str
    why: str
    overridden: bool = False

    @property
    def name(self) -> str:
        return self.spec.split("(", 1)[0]

    @property
    def params(self) -> str | None:
        """The expected parameters, ``(a, b=1)``; None for an attribute."""
        return self.spec[len(self.name):] or None

    def label(self) -> str:
        return f"{self.owner.__name__}.{self.spec}"


_O = True   # overridden
MEMBERS: tuple[Member, ...] = (
    # -- fast_frames.PathCache (a camera mixin) --
    Member(Camera, "set_cairo_context_path(ctx, vmobject)", "replays a VMobject's cached Cairo path", _O),
    Member(Camera, "transform_points_pre_display(mobject, points)",
           "the displayed points a path is built from (the flat camera's leaves them as they are)"),
    Member(Camera, "pixel_array", "the buffer the camera draws into; the pooled renderer swaps it"),
    Member(Camera, "frame_rate", "a frame's duration (1 / frame_rate), as Manim's renderer computes it"),
    # -- fast_frames.FilledBackground (a camera mixin) --
    Member(Camera, "init_background()", "the background array is built; its one colour is noted", _O),
    Member(Camera, "reset()", "a frame starts as the background: filled with its one colour, not copied", _O),
    Member(Camera, "background", "the background array a frame starts from (replaced: copied as Manim does)"),
    # -- fast_frames.FastListing (a camera mixin) --
    Member(Camera, "capture_mobjects(mobjects, **kwargs)",
           "draws the listed mobjects in runs of one type, their function looked up once a class", _O),
    Member(Camera, "get_mobjects_to_display(mobjects, include_submobjects=True, excluded_mobjects=None)",
           "the mobjects a frame draws, in order, listed in one plain walk", _O),
    Member(Camera, "type_or_raise(mobject)", "which of display_funcs draws a mobject (depends on its class)"),
    Member(Camera, "display_funcs", "the function drawing each run of one type (set by type_or_raise)"),
    Member(Camera, "use_z_index", "whether the listed mobjects are sorted by z_index"),
    Member(Camera, "display_vectorized(vmobject, ctx)",
           "the same Cairo calls, without the calls that find a zero stroke and unpack a one-colour fill", _O),
    Member(Camera, "apply_stroke(ctx, vmobject, background=False)", "a stroke of non-zero width, as Manim draws it"),
    Member(Camera, "set_cairo_context_color(ctx, rgbas, vmobject)", "a fill of several colours (a gradient)"),
    # -- fast_frames.PooledCairoRenderer and chunk_renderer.PartRenderer --
    Member(CairoRenderer, "__init__(file_writer_class=SceneFileWriter, camera_class=None, skip_animations=False, "
           "**kwargs)", "subclasses take the camera and writer classes as Manim's renderer does", _O),
    Member(CairoRenderer, "init_scene(scene, session_spec, file_writer_settings)",
           "the pooled renderer gives its frame pool to the file writer it creates", _O),
    Member(CairoRenderer, "render(scene, time, moving_mobjects=None)",
           "hands the drawn buffer to the writer instead of a copy (stock: update_frame, add_frame(get_frame()))",
           _O),
    Member(CairoRenderer, "freeze_current_frame(duration)",
           "the same for a held frame (stock: add_frame(get_frame(), int(duration / dt)))", _O),
    Member(CairoRenderer, "play(scene, *args, **kwargs)",
           "a chunk renders its plays, runs earlier ones dry and ends the scene at a later one", _O),
    Member(CairoRenderer, "update_frame(scene, mobjects=None, include_submobjects=True, ignore_skipping=True, "
           "**kwargs)", "draws a frame before it is handed out"),
    Member(CairoRenderer, "add_frame(frame, num_frames=1)",
           "writes a frame and advances the clock by num_frames * dt; a dry play advances it the same way"),
    Member(CairoRenderer, "camera", "the renderer's camera"),
    Member(CairoRenderer, "file_writer", "the writer init_scene created"),
    Member(CairoRenderer, "skip_animations", "add_frame writes nothing while it is set"),
    Member(CairoRenderer, "time", "the scene clock; a chunk reads where it starts and ends"),
    Member(CairoRenderer, "num_plays", "counts plays; a dry play counts too"),
    Member(CairoRenderer, "animations_hashes", "one entry a play; a dry play appends None as a skipped play does"),
    Member(CairoRenderer, "static_image", "cleared by a dry play as by a drawn one"),
    # -- fast_frames.HoldingFileWriter --
    Member(SceneFileWriter, "__init__(settings)", "the writer starts its frame statistics and has no pool yet", _O),
    Member(SceneFileWriter, "_create_segment_encoder(target)",
           "builds a HoldingSegmentEncoder for every partial movie", _O),
    Member(SceneFileWriter, "video_encoder", "the resolved encoder settings a segment encoder is built with"),
    Member(SceneFileWriter, "add_partial_movie_file(hash_animation)",
           "a dry play registers None, as Manim does for a skipped play"),
    Member(SceneFileWriter, "partial_movie_files", "a chunk's partial movies, one a play (None: not drawn)"),
    # -- fast_frames.HoldingSegmentEncoder --
    Member(VideoSegmentEncoder, "__init__(*, target, spec)", "opens the container and the stream", _O),
    Member(VideoSegmentEncoder, "write_frame(pixels, *, repeat=1)",
           "converts a picture once and encodes a hold once (variable frame rate)", _O),
    Member(VideoSegmentEncoder, "finish()", "writes the held picture before flushing", _O),
    Member(VideoSegmentEncoder, "_validate_frame(pixels, repeat)", "Manim's own checks of a frame"),
    Member(VideoSegmentEncoder, "_operation_error(operation, error)", "Manim's own error for a failed encode"),
    Member(VideoSegmentEncoder, "_stream", "the output stream (its codec context's pixel format, encode)"),
    Member(VideoSegmentEncoder, "_container", "the output container packets are muxed into"),
    Member(VideoSegmentEncoder, "_next_pts", "the next frame's time stamp; a hold advances it by its length"),
    Member(VideoSegmentEncoder, "_closed", "set once the segment is finished"),
    # -- chunk_renderer.PartRenderer's dry play (CairoRenderer.play and Scene.play_internal without drawing) --
    Member(Scene, "compile_animation_data(*animations, **play_kwargs)", "prepares a play's animations"),
    Member(Scene, "begin_animations()", "begins them"),
    Member(Scene, "is_current_animation_frozen_frame()", "a static wait: one held frame"),
    Member(Scene, "get_run_time(animations)", "a play's length"),
    Member(Scene, "update_to_time(t)", "advances animations and updaters to time t of the play"),
    Member(Scene, "update_mobjects(dt)", "the updaters' last call after a play"),
    Member(Scene, "animations", "the current play's animations"),
    Member(Scene, "duration", "the current play's length"),
    Member(Scene, "stop_condition", "a wait's stop condition"),
    Member(Scene, "updaters", "scene updaters (a dry play with none jumps to its end)"),
    Member(Animation, "finish()", "an animation's end state"),
    Member(Animation, "clean_up_from_scene(scene)", "removes what the animation added"),
)
del _O

# Manim methods whose bodies embedviz repeats in part: the sha256 (first 16 hex digits) of their source
# in Manim 0.22.0 (tests/test_manim_compat.py recomputes them).
MIRRORED: dict[str, str] = {
    "CairoRenderer.play": "5affbe0f311d6099",              # chunk_renderer.PartRenderer._dry_play
    "CairoRenderer.add_frame": "eadf486029f08f4e",         # the dry play's clock
    "CairoRenderer.freeze_current_frame": "a95825fff9f7570d",   # fast_frames; the dry play's held frame
    "CairoRenderer.render": "924e3bd668b26dc0",            # fast_frames.PooledCairoRenderer.render
    "Scene.play_internal": "c83eff575fd77321",             # the dry play's frame loop
    "Scene.get_time_progression": "9bc9c9d98d6b45b8",      # its frame times (np.arange(0, run_time, dt))
    "Manager.render": "0d2179d58049e2c1",                  # EndSceneEarlyException ends a chunk normally
    "Camera.reset": "4d3cf5d3ee7a4761",                     # fast_frames.FilledBackground.reset: the frame is
    "Camera.set_pixel_array": "5bcba816d6abd92b",           # the background's bytes, in place
    "Camera.init_background": "fd1161dedfbfb972",           # a colour's background: one value everywhere
    "Camera.display_vectorized": "4d9d158f2a424050",        # fast_frames.FastListing.display_vectorized, with
    "Camera.apply_fill": "021a92466cd3f493",                # the fill's body inlined,
    "Camera.set_cairo_context_color": "2c53d3a7c71e4250",   # its one-colour case,
    "Camera.get_fill_rgbas": "4276431a486bbdee",            # the fill's colours,
    "Camera.apply_stroke": "81447e68863efb9d",              # and its zero-width early return
    "Camera.capture_mobjects": "958b8f23af48f900",          # fast_frames.FastListing.capture_mobjects
    "Camera.get_mobjects_to_display": "ef93088d70b3ca3f",   # fast_frames.FastListing.get_mobjects_to_display
    "Mobject.get_family": "d0b2953532b4380a",               # fast_frames._family_with_points: the walk,
    "Mobject._iter_family": "50a525fb52d55d4b",             # its cycle guard
    "Mobject.family_members_with_points": "fc69ac2726f2d19d",# and which members are drawn
}

_OWNERS = {cls.__name__: cls for cls in (CairoRenderer, Scene, Manager, Camera, Mobject)}


def source_fingerprint(qualname: str) -> str:
    """sha256 (16 hex digits) of the source of ``Owner.method`` in the installed Manim."""
    owner, name = qualname.split(".")
    return hashlib.sha256(inspect.getsource(getattr(_OWNERS[owner], name)).encode()).hexdigest()[:16]


def _params(function) -> str:
    """``function``'s parameters without ``self`` and annotations, as :attr:`Member.spec` writes them."""
    out, star = [], False
    for p in list(inspect.signature(function).parameters.values())[1:]:
        if p.kind is p.VAR_POSITIONAL:
            out.append(f"*{p.name}")
            star = True
            continue
        if p.kind is p.VAR_KEYWORD:
            out.append(f"**{p.name}")
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        if p.default is p.empty:
            out.append(p.name)
        else:
            default = p.default.__name__ if isinstance(p.default, type) else repr(p.default)
            out.append(f"{p.name}={default}")
    return f"({', '.join(out)})"


def _assigned(owner: type, name: str) -> bool:
    """True when ``name`` is a class attribute of ``owner`` or a name some method of it stores or reads
    (an instance attribute set in ``__init__``, ``init_scene``, ...)."""
    for cls in owner.__mro__:
        if name in vars(cls):
            return True
        if any(inspect.isfunction(value) and name in value.__code__.co_names for value in vars(cls).values()):
            return True
    return False


def problems(members: tuple[Member, ...] = MEMBERS) -> list[str]:
    """One line for each member the installed Manim lacks or calls differently."""
    version = manim.__version__
    out = []
    for m in members:
        owner = m.owner.__name__
        if m.params is None:
            if not _assigned(m.owner, m.name):
                out.append(f"embedviz needs manim {SUPPORTED}: {owner}.{m.name} is gone in manim {version}")
            continue
        function = inspect.getattr_static(m.owner, m.name, None)
        if not callable(function):
            out.append(f"embedviz needs manim {SUPPORTED}: {m.label()} is gone in manim {version}")
            continue
        now = _params(function)
        if now != m.params:
            out.append(f"embedviz needs manim {SUPPORTED}: {m.label()} changed in manim {version} "
                       f"(now {m.name}{now})")
    return out


def check() -> None:
    """Raise :class:`ManimMismatch` (one line, the first mismatch) unless every member is as expected."""
    found = problems()
    if found:
        raise ManimMismatch(found[0])


check()
