"""The ``trained`` source and the ``training`` segment: schema, storyboard, scene, render."""
from __future__ import annotations

import numpy as np
import pytest

from embedcore import training
from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedcore.segments.training import TrainingStoryboard, pca_basis
from embedcore.similarity import cosine
from embedcore.storyboard import fmt

from .conftest import run_cli
from .test_training import shared_context_corpus

LESSON = """
lesson: {title: "Learned live", slug: learned-live}
embeddings:
  source: trained
  corpus: corpus.txt
  dim: 8
  epochs: 4
  window: 2
  negatives: 4
  seed: 2
  min_count: 2
  subsample: 0.01
  batch_size: 128
tokens: "the cat was fed"
segments:
  - type: training
    tokens: [cat, dog, bat]
    pairs: [[cat, dog], [cat, bat]]
    seconds: 3
"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDVIZ_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def lesson_dir(tmp_path):
    (tmp_path / "corpus.txt").write_text(shared_context_corpus(300), encoding="utf-8")
    return tmp_path


@pytest.fixture
def write(lesson_dir):
    def _w(text: str = LESSON, name: str = "lesson.yaml"):
        import textwrap
        p = lesson_dir / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p
    return _w


@pytest.fixture
def compiled(write):
    return load_lesson(write())


@pytest.mark.unit
def test_source_is_labelled_honestly(compiled):
    src = compiled.lesson.table.source
    tr = compiled.lesson.table.training
    assert src.kind == "trained" and src.learned is True
    assert src.label == f"word2vec trained on corpus.txt ({tr.n_tokens:,} tokens, 4 epochs, seed 2)"
    for key in ("dim", "epochs", "window", "negatives", "seed", "min_count", "learning_rate", "corpus"):
        assert key in src.details
    assert src.details["epochs"] == 4 and src.details["window"] == 2
    # the vocabulary and the matrix are the trainer's
    assert compiled.lesson.table.vocab.tokens == tr.vocab
    assert np.array_equal(compiled.lesson.table.matrix, tr.vectors)


@pytest.mark.unit
def test_storyboard_holds_the_real_snapshots(compiled):
    sb = compiled.storyboards[0]
    assert isinstance(sb, TrainingStoryboard)
    tr = compiled.lesson.table.training
    snaps = np.array(sb.snapshots)                          # [E+1, n, d]
    assert snaps.shape == (5, 3, 8)
    for j, tok in enumerate(sb.tokens):
        tid = tr.vocab.index(tok)
        assert sb.token_ids[j] == tid
        assert np.array_equal(snaps[:, j], tr.history(tid))
    assert np.array_equal(snaps[-1], tr.vectors[list(sb.token_ids)])
    # the 2D points are one fixed projection of those snapshots (fitted on the last)
    basis, kept = pca_basis(snaps[-1])
    assert np.allclose(np.array(sb.points), snaps @ basis.T)
    assert abs(sb.variance_kept - kept) < 1e-12
    assert "projection" in sb.projection_note and "PCA" in sb.projection_note


@pytest.mark.unit
def test_live_cosines_and_loss_are_the_trainers(compiled):
    sb = compiled.storyboards[0]
    tr = compiled.lesson.table.training
    snaps = np.array(sb.snapshots)
    for pair in sb.pairs:
        ia, ib = sb.tokens.index(pair.a), sb.tokens.index(pair.b)
        want = [cosine(snaps[e, ia], snaps[e, ib]) for e in range(5)]
        assert np.allclose(pair.cosines, want)
        assert pair.cells == tuple(fmt(c, 2) for c in want)
    assert sb.losses[0] is None and np.allclose(sb.losses[1:], tr.losses)
    assert sb.loss_cells[1:] == tuple(fmt(x, 3) for x in tr.losses)
    assert sb.epoch_cells[0].startswith("start") and sb.epoch_cells[-1] == "after epoch 4 of 4"
    assert sb.loss_max >= max(tr.losses)
    cat_dog, cat_bat = sb.pairs
    assert cat_dog.cosines[-1] > cat_bat.cosines[-1]


@pytest.mark.unit
def test_second_load_uses_the_cache(write, monkeypatch):
    path = write()
    first = load_lesson(path)
    assert first.lesson.table.source.details["cache_hit"] is False

    def boom(*a, **k):
        raise AssertionError("retrained")

    monkeypatch.setattr(training, "train", boom)
    again = load_lesson(path)
    assert again.lesson.table.source.details["cache_hit"] is True
    assert again.storyboards[0].snapshots == first.storyboards[0].snapshots


def _err(write, text) -> str:
    with pytest.raises(LessonError) as e:
        load_lesson(write(text))
    return str(e.value)


@pytest.mark.unit
def test_training_segment_needs_a_trained_source(write):
    msg = _err(write, """
        lesson: {title: t}
        vocabulary: [cat, dog]
        embeddings: {source: synthetic, dim: 4}
        tokens: "cat dog"
        segments:
          - type: training
        """)
    assert "lesson.yaml:6:11: segments[0].type: a training segment needs vectors trained by the lesson" in msg
    assert "source: trained" in msg


@pytest.mark.unit
def test_vocabulary_with_trained_source_is_refused(write):
    msg = _err(write, LESSON.replace("embeddings:", "vocabulary: [cat, dog]\nembeddings:"))
    assert ":2:1: vocabulary: a trained source takes its vocabulary from the corpus" in msg
    assert "remove 'vocabulary:'" in msg


@pytest.mark.unit
def test_unknown_trainer_key_points_at_it(write):
    msg = _err(write, LESSON.replace("  epochs: 4", "  epochz: 4"))
    assert ":6:3: embeddings.epochz: unknown key 'epochz'" in msg and "did you mean 'epochs'" in msg


@pytest.mark.unit
def test_bad_hyper_parameter(write):
    msg = _err(write, LESSON.replace("  dim: 8", "  dim: 0"))
    assert ":5:8: embeddings.dim:" in msg


@pytest.mark.unit
def test_missing_corpus(write):
    msg = _err(write, LESSON.replace("corpus: corpus.txt", "corpus: nope.txt"))
    assert ":4:11: embeddings.corpus: corpus file 'nope.txt' not found" in msg


@pytest.mark.unit
def test_pair_token_not_in_corpus_vocabulary(write):
    msg = _err(write, LESSON.replace("[cat, bat]]", "[cat, bta]]"))
    assert "segments[0].pairs[1][1]: 'bta' is not in the vocabulary" in msg and "did you mean 'bat'" in msg


@pytest.mark.unit
def test_too_many_tokens(write):
    msg = _err(write, LESSON.replace("tokens: [cat, dog, bat]",
                                     "tokens: [cat, dog, bat, the, was, fed, vet, sofa, food]"))
    assert "segments[0].tokens: a training segment shows at most 8 tokens" in msg


@pytest.mark.unit
def test_cli_validate_exit_codes(write):
    good = write()
    r = run_cli("validate", good)
    assert r.returncode == 0, r.stderr
    bad = write(LESSON.replace("  epochs: 4", "  epochs: -1"), name="bad.yaml")
    r = run_cli("validate", bad)
    assert r.returncode == 2
    assert "bad.yaml:6:11: embeddings.epochs:" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.unit
def test_shipped_corpus_is_the_default_and_small():
    from embedcore.sources.trained import SHIPPED_CORPUS
    assert SHIPPED_CORPUS.is_file()
    size = SHIPPED_CORPUS.stat().st_size
    assert 100_000 < size < 300_000
    assert "CC0" in SHIPPED_CORPUS.read_text(encoding="utf-8").splitlines()[0]


# -- scene (no rendering) ---------------------------------------------------------

@pytest.mark.render
def test_scene_builds_from_storyboard(compiled):
    from manim import tempconfig

    from scenes.registry import SCENES
    from scenes.theme import theme_for
    from scenes.training import TrainingScene

    sb = compiled.storyboards[0]
    assert SCENES["training"] is TrainingScene
    with tempconfig({"frame_height": 8.0, "frame_width": 8.0 * 16 / 9, "dry_run": True}):
        scene = TrainingScene(sb, theme_for(compiled.lesson.style))
        scene.build()
        # every readout the scene can show is the storyboard's text, one per snapshot
        assert [t.original_text for t in scene.epoch_text.items] == list(sb.epoch_cells)
        assert [t.original_text for t in scene.loss_text.items] == list(sb.loss_cells)
        for row, pair in zip(scene.cos_rows, sb.pairs):
            assert [t.original_text for t in row[1].items] == list(pair.cells)
        # at every epoch the arrow tips sit on the projected real snapshots, with one
        # uniform scale (so angles on screen are angles in the projection plane)
        pts = np.array(sb.points)
        for k in (0, 2, sb.epochs):
            scene.apply(k)
            assert scene.epoch_text.current == k
            for i in range(len(sb.tokens)):
                tip = scene.tips[i].get_center()[:2]
                want = scene.origin[:2] + scene.unit * pts[k, i]
                assert np.allclose(tip, want, atol=1e-6)
        # word labels never overlap each other and stay inside the plot, at every snapshot
        x0, y0, x1, y1 = scene.plot_rect
        for k, centres in enumerate(scene.label_pos):
            boxes = []
            for lab, c in zip(scene.word_labels, centres):
                w, h = lab.width, lab.height
                boxes.append((c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2))
            for i, a in enumerate(boxes):
                assert x0 <= a[0] and a[2] <= x1 and y0 <= a[1] and a[3] <= y1, (k, i)
                for b in boxes[i + 1:]:
                    assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (k, i)
        # the plot starts below the header (title and source line)
        assert y1 < scene.header.get_bottom()[1]
        # half-way between epochs 1 and 2: on the straight line between the two real snapshots
        scene.apply(1.5)
        mid = scene.origin[:2] + scene.unit * (pts[1] + pts[2]) / 2
        assert np.allclose([t.get_center()[:2] for t in scene.tips], mid, atol=1e-6)
        assert scene.epoch_text.current == 1


@pytest.mark.render
def test_trails_are_the_snapshots_and_older_steps_fade(compiled):
    from manim import tempconfig

    from scenes.theme import theme_for
    from scenes.training import TRAIL_EPOCHS, TRAIL_FLOOR, TRAIL_OPACITY, TrainingScene, trail_opacity

    sb = compiled.storyboards[0]
    E = sb.epochs
    assert E >= 3
    with tempconfig({"frame_height": 8.0, "frame_width": 8.0 * 16 / 9, "dry_run": True}):
        scene = TrainingScene(sb, theme_for(compiled.lesson.style))
        scene.build()
        t = E - 0.5                     # steps 0 … E − 2 walked, the last under way
        scene.apply(t)
        pts = scene.screen_pts
        for i, trail in enumerate(scene.trails):
            steps = trail.submobjects
            assert len(steps) == E
            ops = [step.get_stroke_opacity() for step in steps]
            for e in range(E - 1):      # finished steps run snapshot e → e + 1, exactly
                assert np.allclose(steps[e].get_start(), pts[e, i]) and np.allclose(steps[e].get_end(), pts[e + 1, i])
                age = t - (e + 1)
                assert ops[e] == pytest.approx(TRAIL_FLOOR + (TRAIL_OPACITY - TRAIL_FLOOR) * max(0.0, 1 - age / TRAIL_EPOCHS))
            assert ops[-1] == pytest.approx(TRAIL_OPACITY)               # the step under way
            assert all(a < b for a, b in zip(ops, ops[1:]))               # older is fainter
        scene.apply(1.5)                # steps not yet walked are not drawn
        assert all(step.get_stroke_opacity() == 0 for trail in scene.trails for step in trail.submobjects[2:])
    assert trail_opacity(TRAIL_EPOCHS + 2.5) == pytest.approx(TRAIL_FLOOR)      # long past: faded to the floor


@pytest.mark.render
def test_loss_chart_axes_are_labelled(compiled):
    from manim import tempconfig

    from scenes.theme import theme_for
    from scenes.training import TrainingScene

    sb = compiled.storyboards[0]
    assert sb.epoch_axis == ("0", str(sb.epochs), "epoch")
    with tempconfig({"frame_height": 8.0, "frame_width": 8.0 * 16 / 9, "dry_run": True}):
        scene = TrainingScene(sb, theme_for(compiled.lesson.style))
        scene.build()
        axes, y_top, y_0, x_e, x_0, x_title = scene.chart
        x_axis = axes[0]
        assert [t.original_text for t in (x_0, x_e, x_title)] == list(sb.epoch_axis)
        assert y_top.original_text == sb.loss_max_cell
        for tick in (x_0, x_e, x_title):        # under the x axis, between its ends
            assert tick.get_top()[1] < x_axis.get_start()[1]
        assert x_0.get_center()[0] < x_title.get_center()[0] < x_e.get_center()[0]
        assert x_title.get_center()[0] == pytest.approx(x_axis.get_center()[0], abs=1e-6)


@pytest.mark.render
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_loss_chart_is_a_readable_main_panel_in_every_shape(compiled, aspect):
    """The loss chart's axis is at least CHART_LINES lines of its title tall in every frame shape: where the
    body is too short for plot, chart and readouts at once (1:1 under a three-line caption) the plot and the
    chart take turns in one place, and the whole segment plays with no layout violation."""
    from manim import tempconfig

    from embedcore.config import Style
    from embedviz.draw.layout_check import check_storyboard
    from scenes.theme import theme_for
    from scenes.training import CHART_LINES, TrainingScene

    sb = compiled.storyboards[0]
    w, h = {"16:9": (16 / 9 * 8, 8.0), "9:16": (8.0, 16 / 9 * 8), "1:1": (8.0, 8.0)}[aspect]
    with tempconfig({"frame_width": w, "frame_height": h, "dry_run": True}):
        scene = TrainingScene(sb, theme_for(compiled.lesson.style))
        scene.build()
        assert scene.chart_height() >= CHART_LINES * scene.y_title.height
        assert scene.turns == (aspect == "1:1")
        body, eps = scene.regions.body, 0.01      # a descender may dip a pixel under the chart's box
        for m in (scene.chart_panel, scene.plot_frame):
            assert body.x0 - eps <= m.get_left()[0] and m.get_right()[0] <= body.x1 + eps
            assert body.y0 - eps <= m.get_bottom()[1] and m.get_top()[1] <= body.y1 + eps
    rep = check_storyboard(sb, Style(theme="light", aspect=aspect), aspect)
    assert not rep.violations, "\n".join(map(str, rep.violations))
