"""Size and PSNR of the VFR clip and of today's CFR clip, against the pictures Manim drew.

Run: .venv/bin/python bench/fidelity.py [--lesson configs/default.yaml] [--segment 1 --segment 4] [-q h]
       [--samples 24] [--json]

A PSNR between two lossy files says little, so each segment is rendered here,
in this process, twice (variable frame rate, the default, and ``cfr``), with a
hook on the file writer that keeps the RGB picture drawn at a sample of frame
times (frame k is on screen from k / fps). Both files are then decoded with
PyAV (rgb24: MANIM_NOTES says rgba is not stable) and the picture each shows at
those times is compared with the one drawn. Samples are evenly spaced over the
whole clip, holds included, at most ``2 × samples`` pictures kept in memory.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class PictureSampler:
    """Keeps the picture shown at every ``stride``-th frame; doubles the stride when too many are kept."""

    def __init__(self, samples: int):
        self.samples = max(1, samples)
        self.stride = 1
        self.frames = 0                 # video frames at the nominal rate so far
        self.kept: dict[int, np.ndarray] = {}

    def add(self, pixels: np.ndarray, repeat: int = 1) -> None:
        """``pixels`` (RGBA) is on screen for frames ``self.frames`` … ``self.frames + repeat - 1``."""
        first = -(-self.frames // self.stride) * self.stride
        if first < self.frames + repeat:
            rgb = np.ascontiguousarray(pixels[..., :3])         # one copy, shared by the frames it covers
            for k in range(first, self.frames + repeat, self.stride):
                self.kept[k] = rgb
        self.frames += repeat
        while len(self.kept) > 2 * self.samples:
            self.stride *= 2
            self.kept = {k: v for k, v in self.kept.items() if k % self.stride == 0}


def digests(kept: dict[int, np.ndarray]) -> dict[int, str]:
    return {k: hashlib.sha1(v.tobytes()).hexdigest() for k, v in kept.items()}


def hooked(sampler: PictureSampler):
    """A context in which every Manim file writer created feeds ``sampler`` what it is asked to encode.

    The hook is set on each writer instance, so it sees each frame once
    whatever a subclass's ``write_frame`` does after it."""
    from contextlib import contextmanager

    from manim.scene.scene_file_writer import SceneFileWriter

    @contextmanager
    def ctx():
        original_init = SceneFileWriter.__init__

        def init(self, *a, **k):
            original_init(self, *a, **k)
            write = self.write_frame

            def write_frame(pixels, *, repeat=1):
                # frames outside an open partial movie are not written to the file (Manim drops them)
                if getattr(self, "_current_encode_job", True) is not None:
                    sampler.add(pixels, repeat)
                return write(pixels, repeat=repeat)

            self.write_frame = write_frame

        SceneFileWriter.__init__ = init
        try:
            yield sampler
        finally:
            SceneFileWriter.__init__ = original_init

    return ctx()


def psnr(mse: float) -> float:
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def luma(rgb: np.ndarray) -> np.ndarray:
    """The Y plane of ``rgb`` converted to yuv420p as the encoder converts it (PyAV's swscale)."""
    import av

    yuv = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p").to_ndarray()
    return yuv[: rgb.shape[0]]


def compare(path: Path, truth: dict[int, np.ndarray], fps: int) -> dict:
    """PSNR of the pictures ``path`` shows at frame times ``truth`` (k → RGB): in RGB, as a viewer gets them
    (chroma subsampling included), and of the luma plane against the drawn picture's own yuv420p
    conversion (what the encoder loses); over all samples and the worst sample."""
    import av

    wanted = sorted(truth)
    rgb_err: dict[int, float] = {}
    y_err: dict[int, float] = {}
    eps = 0.25 / fps        # pts are rounded to the stream's time base

    def score(frame, ks):
        rgb = frame.to_ndarray(format="rgb24").astype(np.int32)
        y = frame.to_ndarray()[: rgb.shape[0]].astype(np.int32) if frame.format.name == "yuv420p" else None
        for k in ks:
            rgb_err[k] = float(np.mean((rgb - truth[k]) ** 2))
            if y is not None:
                y_err[k] = float(np.mean((y - luma(truth[k])) ** 2))

    with av.open(str(path)) as cont:
        prev, j, decoded = None, 0, 0
        for frame in cont.decode(video=0):
            decoded += 1
            due = []
            while j < len(wanted) and wanted[j] / fps < frame.time - eps:      # shown before this frame
                due.append(wanted[j])
                j += 1
            if due and prev is not None:
                score(prev, due)
            prev = frame
        if prev is not None:
            score(prev, wanted[j:])
    missing = [k for k in wanted if k not in rgb_err]
    if missing:
        raise SystemExit(f"{path.name}: no picture decoded for frame(s) {missing[:5]}")
    out = {"decoded_frames": decoded, "bytes": path.stat().st_size}
    for name, err in (("psnr", rgb_err), ("psnr_y", y_err)):
        if err:
            mses = [err[k] for k in wanted]
            out[name], out[f"worst_{name}"] = psnr(float(np.mean(mses))), psnr(max(mses))
    return out


def render_pair(sb, style, q, tmp: Path, samples: int) -> dict:
    """One segment rendered VFR and CFR; sizes and PSNR of each against the drawn pictures."""
    from embedviz.draw import manim_compat  # noqa: F401  (checks Manim's signatures before the hook patches one)
    from embedviz.draw.worker import render_clip

    has_cfr = "cfr" in inspect.signature(render_clip).parameters
    out: dict = {"segment": sb.index, "type": sb.type, "cfr_switch": has_cfr}
    truth = None
    for name, cfr in (("vfr", False), ("cfr", True)):
        path = tmp / f"{sb.index:02d}-{name}.mp4"
        sampler = PictureSampler(samples)
        with hooked(sampler):
            result = render_clip(sb, style, q.width, q.height, q.fps, path, **({"cfr": cfr} if has_cfr else {}))
        expected = result.get("frames") or round(result["duration"] * q.fps)
        if sampler.frames != expected:          # a tripwire: the hook must see every frame the file holds
            raise SystemExit(f"segment {sb.index}: the file writer hook saw {sampler.frames} frames of {expected}; "
                             "bench/fidelity.py's hook needs updating")
        if truth is None:
            truth = sampler.kept
            out["frames"], out["samples"] = sampler.frames, len(truth)
        elif digests(sampler.kept) != digests(truth):        # Manim must draw the same pictures either way
            raise SystemExit(f"segment {sb.index}: the {name} render drew other pictures than the first")
        out[name] = compare(path, truth, q.fps)
    return out


def measure(lesson: str, segments: list[int], quality: str, samples: int) -> list[dict]:
    from embedviz import api
    from embedviz.narration import plan as narration

    compiled = api.load(lesson)
    compiled = narration.resolve(compiled, "mp4").apply(compiled)       # beats last as long as their voice
    q = api.quality_for(compiled, quality)
    boards = {sb.index: sb for sb in compiled.storyboards}
    unknown = [i for i in segments if i not in boards]
    if unknown:
        raise SystemExit(f"no segment {unknown[0]} in {lesson} (it has 1 to {len(boards)})")
    with tempfile.TemporaryDirectory() as tmp:
        return [render_pair(boards[i], compiled.lesson.style, q, Path(tmp), samples) for i in segments]


def describe(r: dict) -> str:
    v, c = r["vfr"], r["cfr"]
    grow = (v["bytes"] / c["bytes"] - 1) * 100

    def db(e, name):
        return f"{e[name]:.2f} dB (worst {e['worst_' + name]:.2f})" if name in e else "-"

    return (f"segment {r['segment']} {r['type']}: {r['frames']} frames, {r['samples']} sampled; "
            f"VFR {v['bytes'] / 1e6:.2f} MB = {grow:+.1f}% vs CFR {c['bytes'] / 1e6:.2f} MB "
            f"({v['decoded_frames']} vs {c['decoded_frames']} coded frames); "
            f"PSNR RGB VFR {db(v, 'psnr')}, CFR {db(c, 'psnr')}; luma VFR {db(v, 'psnr_y')}, CFR {db(c, 'psnr_y')}"
            + ("" if r["cfr_switch"] else "  [no cfr switch yet: both are CFR]"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lesson", default=str(ROOT / "configs" / "default.yaml"))
    ap.add_argument("--segment", type=int, action="append", help="segment index (1 = first after the title card)")
    ap.add_argument("-q", "--quality", default="h")
    ap.add_argument("--samples", type=int, default=24, help="pictures compared per segment (at least)")
    ap.add_argument("--json", action="store_true", help="one JSON line instead of text")
    args = ap.parse_args()
    results = measure(args.lesson, args.segment or [1, 4], args.quality, args.samples)
    if args.json:
        print(json.dumps(results))
    else:
        for r in results:
            print(describe(r))


if __name__ == "__main__":
    main()
