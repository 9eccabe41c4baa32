"""The benchmark's own arithmetic: which picture is on screen when, PSNR by time, CPU and hold share."""
from __future__ import annotations

import importlib.util
import json
import math
import sys
from fractions import Fraction

import av
import numpy as np
import pytest
import yaml

from .conftest import ROOT

pytestmark = pytest.mark.unit


def _module(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = mod          # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


fidelity = _module("fidelity")
bench_render = _module("bench_render")


def picture(value: int, size=(32, 48)) -> np.ndarray:
    rgba = np.full((*size, 4), 255, np.uint8)
    rgba[..., :3] = value
    rgba[: size[0] // 2, :, 0] = 255 - value          # not flat: chroma and luma both vary
    return rgba


def test_sampler_keeps_the_picture_on_screen_at_evenly_spaced_frames():
    s = fidelity.PictureSampler(samples=4)
    shown = []                                    # the picture value on screen at each frame
    for value, repeat in [(10, 1), (20, 7), (30, 1), (40, 1), (50, 12), (60, 3)]:
        s.add(picture(value), repeat)
        shown += [value] * repeat
    assert s.frames == len(shown) == 25
    assert 4 <= len(s.kept) <= 8
    gaps = np.diff(sorted(s.kept))
    assert len(set(gaps)) == 1 and sorted(s.kept)[0] == 0           # every stride-th frame, from the first
    for k, rgb in s.kept.items():
        assert rgb.shape == (32, 48, 3) and rgb[-1, 0, 0] == shown[k]


def write_clip(path, pictures: list[tuple[np.ndarray, int]], fps: int, vfr: bool) -> None:
    """``pictures`` = (RGBA, frames on screen); VFR: one coded frame per picture, CFR: one per frame."""
    with av.open(str(path), "w") as cont:
        stream = cont.add_stream("libx264", rate=fps, options={"crf": "18"})
        stream.width, stream.height, stream.pix_fmt = 48, 32, "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        pts = 0
        for rgba, repeat in pictures:
            for r in range(1 if vfr else repeat):
                frame = av.VideoFrame.from_ndarray(rgba, format="rgba")
                frame.pts, frame.time_base = pts + r, Fraction(1, fps)
                for packet in stream.encode(frame):
                    cont.mux(packet)
            pts += repeat
        for packet in stream.encode():
            cont.mux(packet)


@pytest.mark.parametrize("vfr", [True, False])
def test_psnr_compares_the_picture_shown_at_each_frame_time(tmp_path, vfr):
    fps, shots = 10, [(picture(0), 5), (picture(200), 1), (picture(90), 6), (picture(140), 3)]
    path = tmp_path / "clip.mp4"
    write_clip(path, shots, fps, vfr)
    sampler = fidelity.PictureSampler(samples=8)
    for rgba, repeat in shots:
        sampler.add(rgba, repeat)
    good = fidelity.compare(path, sampler.kept, fps)
    assert good["decoded_frames"] == (len(shots) if vfr else 15)
    assert good["psnr"] > 35 and good["psnr_y"] > 40
    # the same samples, each one frame late: the comparison must notice pictures shown at the wrong time
    late = {k + 1: v for k, v in sampler.kept.items() if k + 1 < 15}
    assert fidelity.compare(path, late, fps)["worst_psnr"] < 20


def test_psnr_of_identical_pictures_is_infinite():
    assert fidelity.psnr(0.0) == math.inf and round(fidelity.psnr(255.0 ** 2), 6) == 0


def entry(tmp_path, name: str, **fields) -> None:
    clips = tmp_path / "slug" / "480p15" / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    (clips / f"{name}.mp4.json").write_text(json.dumps({"duration": 2.0, "key": "k", **fields}))
    (clips / f"{name}.vtt").write_text("WEBVTT\n")


def test_render_stats_add_the_forkservers_workers_and_the_hold_share(tmp_path):
    entry(tmp_path, "00-title", cpu_seconds=1.5, frames=120, pictures=20, worker_peak_rss_mb=300)
    entry(tmp_path, "01-lookup", cpu_seconds=4.0, frames=480, pictures=180, worker_peak_rss_mb=410)
    run = bench_render.Run(wall=5.0, cpu=0.5, out=tmp_path)
    forked = bench_render.render_stats(run, forkserver=True)
    assert forked["cpu"] == pytest.approx(6.0) and forked["worker_cpu"] == pytest.approx(5.5)
    assert forked["holds"] == pytest.approx(1 - 200 / 600) and forked["peak_mb"] == 410
    # workers the CLI waited for are in its own RUSAGE_CHILDREN already: not counted twice
    assert bench_render.render_stats(run, forkserver=False)["cpu"] == pytest.approx(0.5)


def test_render_stats_without_the_new_fields_say_so(tmp_path):
    entry(tmp_path, "00-title", worker_peak_rss_mb=300)
    stats = bench_render.render_stats(bench_render.Run(5.0, 0.5, tmp_path), forkserver=True)
    assert stats["cpu"] is None and stats["holds"] is None and stats["peak_mb"] == 300


def test_the_bench_lesson_is_cut_down_and_edited(tmp_path):
    source = ROOT / "configs" / "default.yaml"
    full = yaml.safe_load(source.read_text())
    cut = yaml.safe_load(bench_render.bench_lesson(source, tmp_path, [1, 4]).read_text())
    assert cut["segments"] == [full["segments"][0], full["segments"][3]]
    edited = yaml.safe_load(bench_render.bench_lesson(source, tmp_path, [1, 4], "e.yaml", edit=True).read_text())
    first = edited["segments"][0]["narration"]
    assert first[0] == "Edited: " + full["segments"][0]["narration"][0] and first[1:] == full["segments"][0][
        "narration"][1:]
    assert edited["segments"][1:] == cut["segments"][1:]
    from embedviz import api
    assert len(api.load(tmp_path / "e.yaml").storyboards) == 2          # a valid lesson, relative paths included
