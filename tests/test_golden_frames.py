"""Every example lesson still draws what it drew when its golden frames were recorded.

The frames in tests/golden/ were recorded by scripts/record_golden.py. Each
segment of each lesson in configs/ is re-rendered tiny (once, in a
module-scoped fixture, two processes) and its held frames compared with a
tolerance that x264 noise passes and a moved label does not. A failure saves
expected | got | diff side by side in test-artifacts/. Nothing here can skip:
a lesson without golden frames, or golden frames without a lesson, fail.
"""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from . import golden_frames as gf

pytestmark = pytest.mark.golden

ARTIFACTS = gf.ROOT / "test-artifacts"
CASES = gf.cases()
IDS = [gf.case_id(c) for c in CASES]


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict]:
    return gf.render_all(CASES, jobs=2)


def test_every_example_lesson_has_golden_frames():
    index = gf.load_index()
    assert sorted(index) == sorted(IDS), "record with scripts/record_golden.py"
    total = sum(p.stat().st_size for p in gf.GOLDEN.iterdir())
    assert total < 3_000_000
    for entry in index.values():
        assert entry["files"] and all((gf.GOLDEN / f).is_file() for f in entry["files"])


@pytest.mark.parametrize("cid", IDS)
def test_frames_match_golden(rendered, cid):
    entry = gf.load_index()[cid]
    got = rendered[cid]
    assert got["cues"] == entry["cues"], "every narration line is said once, in order"
    assert len(got["frames"]) == len(entry["files"])
    bad = []
    for k, (fn, frame) in enumerate(zip(entry["files"], got["frames"])):
        ok, summary, diff = gf.compare(gf.load_frame(gf.GOLDEN, fn), frame)
        if not ok:
            ARTIFACTS.mkdir(exist_ok=True)
            Image.fromarray(diff).save(ARTIFACTS / f"golden-diff-{cid}-{k}.png")
            bad.append(f"frame {k} (t={got['times'][k]:.1f} s): {summary}")
    assert not bad, f"{cid}: " + "; ".join(bad) + f" (expected | got | diff in {ARTIFACTS.name}/)"


@pytest.mark.parametrize("cid", IDS)
def test_clip_decodes_with_its_duration_and_every_line(rendered, cid):
    """What the per-segment tiny renders used to check (they are folded in here: one render each)."""
    got = rendered[cid]
    assert abs(got["n_frames"] / gf.FPS - got["duration"]) < 0.5
    assert got["mid_std"] > 5                                 # not blank
    assert got["cues"] == got["narration"]                    # every line once, in order
    if got["type"] != "title":
        assert 8 < got["duration"] < 40 and len(got["cues"]) >= 3
    if got["type"] == "training":                             # the arrows move during the epochs
        assert got["mid_moving"]


def test_comparison_catches_a_moved_label_and_passes_noise():
    """The tolerance itself: re-encoding noise passes, a label moved by 3 px fails."""
    entry = gf.load_index()["vectors-2d-00"]
    ref = gf.load_frame(gf.GOLDEN, entry["files"][-1])
    rng = np.random.default_rng(0)
    # x264-like: ±1 everywhere, and a few isolated pixels off by a lot (edges of glyphs)
    noise = rng.integers(-1, 2, ref.shape)
    spikes = rng.random(ref.shape[:2]) < 0.0005
    noise[spikes] = 90
    noisy = np.clip(ref.astype(int) + noise, 0, 255).astype(np.uint8)
    assert gf.compare(ref, noisy)[0]
    # move the header (the title in the top-left corner) 3 pixels right
    moved = ref.copy()
    h = ref.shape[0]
    band = ref[: h // 8, : ref.shape[1] // 2]
    moved[: h // 8, 3: ref.shape[1] // 2 + 3] = band
    assert not gf.compare(ref, moved)[0]


def test_golden_frames_are_not_blank():
    """A recording of empty frames would make every comparison meaningless."""
    for entry in gf.load_index().values():
        for fn in entry["files"]:
            fr = gf.load_frame(gf.GOLDEN, fn)
            assert (np.abs(fr.astype(int) - fr[0, 0].astype(int)).max(axis=2) > 60).mean() > 0.003, fn
