"""Golden frames: what every example lesson looks like at fixed moments.

Shared by ``scripts/record_golden.py`` (writes ``tests/golden/``) and
``tests/test_golden_frames.py`` (re-renders and compares). Each example
lesson in ``configs/`` is rendered tiny (144 px on the short side: 256×144 at
16:9; 5 fps; in the aspect the file asks for); for every segment the frame
shown at the held end of each narration beat (the last frame before the
cue's end) is kept, decoded as rgb24. Held frames move nothing, so they do
not depend on exactly when an animation started, only on what the scene
drew: a moved label shows, a beat that got 0.1 s longer does not.
"""
from __future__ import annotations

import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
FPS = 5
SHORT = 144                     # pixels on the short side (16:9 → 256×144)
TITLE_CARDS = ("default",)      # lessons whose title card is recorded too (the card is the same scene for all)


def lesson_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "configs").glob("*.yaml"))


def size_for(aspect: str) -> tuple[int, int]:
    w, h = (int(x) for x in aspect.split(":"))
    if w >= h:
        return (round(SHORT * w / h) + 1) // 2 * 2, SHORT
    return SHORT, (round(SHORT * h / w) + 1) // 2 * 2


def cases() -> list[tuple[str, int | None]]:
    """(lesson, segment index) for every segment of every example lesson; None = its title card."""
    from embedcore.lesson import load_lesson
    out: list[tuple[str, int | None]] = []
    for name in lesson_names():
        c = load_lesson(ROOT / "configs" / f"{name}.yaml")
        if name in TITLE_CARDS:
            out.append((name, None))
        out.extend((name, i) for i in range(len(c.storyboards)))
    return out


def case_id(case: tuple[str, int | None]) -> str:
    name, idx = case
    return f"{name}-title" if idx is None else f"{name}-{idx:02d}"


def frame_index(t: float, n_frames: int) -> int:
    """The last frame shown before time ``t``."""
    return max(0, min(n_frames - 1, int(round(t * FPS)) - 1))


def render_case(case: tuple[str, int | None]) -> dict:
    """Render one segment tiny; return its held frames (rgb24), their times and the cue texts."""
    from embedcore.lesson import load_lesson
    from embedcore.title_card import title_card
    from embedviz.draw.worker import render_clip
    from embedviz.media.video import frames_on_grid

    name, idx = case
    c = load_lesson(ROOT / "configs" / f"{name}.yaml")
    sb = title_card(c) if idx is None else c.storyboards[idx]
    w, h = size_for(c.lesson.style.aspect)
    with tempfile.TemporaryDirectory(prefix="golden-") as d:
        out = Path(d) / "clip.mp4"
        # constant frame rate, as recorded: x264 sharpens a held picture over its repeats, and these
        # frames test the drawing, not the encoding (test_fast_frames checks VFR against CFR)
        res = render_clip(sb, c.lesson.style, w, h, FPS, out, cfr=True)
        frames = frames_on_grid(out, FPS)
    # the held end of each beat; a title card has no cues: the card fully shown
    times = [cue["end"] for cue in res["cues"]] or [res["duration"] - 0.6]
    picks = [frame_index(t, len(frames)) for t in times]
    mid = len(frames) // 2
    return {"id": case_id(case), "type": sb.type, "times": times, "frames": [frames[i] for i in picks],
            "cues": [cue["text"] for cue in res["cues"]], "narration": list(sb.narration), "size": [w, h],
            "n_frames": len(frames), "duration": res["duration"], "mid_std": float(frames[mid].std()),
            "mid_moving": not np.array_equal(frames[mid], frames[mid - 3])}


def render_all(case_list, jobs: int = 2) -> dict[str, dict]:
    """Render ``case_list`` in ``jobs`` processes (each render has its own media dir), longest first."""
    if jobs <= 1:
        return {case_id(c): render_case(c) for c in case_list}
    import multiprocessing as mp
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork")) as ex:
        return {r["id"]: r for r in ex.map(render_case, case_list)}


def save(results: dict[str, dict], directory: Path = GOLDEN) -> None:
    """Record ``results`` as the whole golden set: every other frame and the old index are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in [*directory.glob("*.png"), directory / "index.json"]:
        old.unlink(missing_ok=True)
    save_some(results, directory)


def save_some(results: dict[str, dict], directory: Path = GOLDEN) -> None:
    """Replace the frames of ``results``' cases only; every other case keeps its recorded frames."""
    from PIL import Image
    index = load_index(directory) if (directory / "index.json").is_file() else {}
    for cid, r in sorted(results.items()):
        for fn in index.get(cid, {}).get("files", []):
            (directory / fn).unlink(missing_ok=True)
        files = []
        for k, fr in enumerate(r["frames"]):
            fn = f"{cid}-{k}.png"
            Image.fromarray(fr).save(directory / fn, optimize=True)
            files.append(fn)
        index[cid] = {"type": r["type"], "size": r["size"], "times": r["times"], "files": files, "cues": r["cues"]}
    index = dict(sorted(index.items()))
    (directory / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_index(directory: Path = GOLDEN) -> dict:
    return json.loads((directory / "index.json").read_text(encoding="utf-8"))


def load_frame(directory: Path, fn: str) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(directory / fn).convert("RGB"))


# A frame matches when x264 noise is all that differs: few pixels change by
# much and the mean change is small. A label moved by a few pixels changes
# hundreds of pixels by > 64 levels (its old and new place).
MAX_STRONG_FRACTION = 0.0015     # share of pixels whose largest channel difference exceeds STRONG
STRONG = 64
MAX_MEAN = 1.2                   # mean absolute difference over all pixels and channels (0–255)


def compare(expected: np.ndarray, got: np.ndarray) -> tuple[bool, str, np.ndarray]:
    """(matches, a one-line summary, a diff image)."""
    if expected.shape != got.shape:
        return False, f"shape {got.shape} != {expected.shape}", np.zeros_like(expected)
    d = np.abs(expected.astype(np.int16) - got.astype(np.int16))
    strong = (d.max(axis=2) > STRONG)
    frac, mean = float(strong.mean()), float(d.mean())
    ok = frac <= MAX_STRONG_FRACTION and mean <= MAX_MEAN
    diff = np.concatenate([expected, got, np.where(strong[..., None], np.array([255, 0, 255], np.uint8),
                                                   (d * 4).clip(0, 255).astype(np.uint8))], axis=1)
    return ok, f"{frac:.4%} of pixels differ by > {STRONG}, mean |diff| {mean:.2f}", diff
