"""`embedviz check` over every example lesson × 16:9/9:16/1:1 × dark/light/high-contrast, and a hypothesis fuzz
of ordinary-but-unusual lessons (long, CJK, Hangul, emoji, Arabic tokens; d 1–4,096; V up to 250,000).

The goal is zero violations. Until the scenes get there, tests/layout_baseline.txt lists the violations
that remain (one line each, as `embedviz check` prints them): a violation not in it fails (a regression),
and one that no longer occurs is reported so the list only shrinks (`EMBEDVIZ_LAYOUT_RECORD=1` rewrites it).
``EMBEDVIZ_LAYOUT_STRICT=1`` asks for zero. Slow (a scene is played frame by frame): marked ``render``.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.render
import yaml

pytest.importorskip("manim")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from embedcore.errors import LessonError  # noqa: E402
from embedcore.lesson import load_lesson  # noqa: E402
from embedviz.draw.layout_check import ASPECTS, THEMES, check_lesson  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tests" / "layout_baseline.txt"
STRICT = os.environ.get("EMBEDVIZ_LAYOUT_STRICT") == "1"
RECORD = os.environ.get("EMBEDVIZ_LAYOUT_RECORD") == "1"
LESSONS = sorted(p.stem for p in ROOT.glob("configs/*.yaml"))
CASES = [(lesson, aspect, theme) for lesson in LESSONS for aspect in ASPECTS for theme in THEMES]


COLOUR_RULES = ("contrast", "palette", "token-colour")


def _key(line: str) -> str:
    """A violation as the baseline holds it: rules of geometry are the same in every theme (only colours
    change), so their lines name no theme; colour rules keep theirs."""
    lesson, rest = line.split(": ", 1)
    aspect, theme, tail = rest.split(" ", 2)
    rule = tail.split("  ")[-1].split(":")[0].split()[-1] if "  " in tail else ""
    return f"{lesson}: {aspect} {theme if rule in COLOUR_RULES else '*'} {tail.strip()}"


def _baseline() -> set[str]:
    return set(BASELINE.read_text(encoding="utf-8").splitlines()) if BASELINE.exists() else set()


@pytest.mark.parametrize("lesson,aspect,theme", CASES, ids=[f"{a}-{b}-{c}" for a, b, c in CASES])
def test_example_lessons_keep_the_layout_rules(lesson, aspect, theme):
    c = load_lesson(ROOT / "configs" / f"{lesson}.yaml")
    lines = {_key(f"{lesson}: {line}") for line in check_lesson(c, aspects=[aspect], themes=[theme])}
    if RECORD:
        keep = {x for x in _baseline() if not x.startswith((f"{lesson}: {aspect} {theme} ", f"{lesson}: {aspect} * "))}
        BASELINE.write_text("".join(f"{x}\n" for x in sorted(keep | lines)), encoding="utf-8")
        return
    if STRICT:
        assert not lines, "\n".join(sorted(lines))
    new = lines - _baseline()
    assert not new, "new layout violations:\n" + "\n".join(sorted(new))


# -- the fuzz ---------------------------------------------------------------------------------

ALPHABETS = {
    "latin": "abcdefghijklmnopqrstuvwxyz",
    "cjk": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "hangul": "한국어단어임베딩벡터토큰문장의미거리",
    "emoji": "🙂🚀🐱🐶🍎🌍🔥🎉",
    "arabic": "كلمةتضمينمتجهمعنى",
}
TYPES = {"lookup": 16, "vectors-2d": 8, "similarity-matrix": 16, "nearest-neighbours": 1, "cosine-vs-distance": 2,
         "pitfall-learned": 16, "matrix-shape": 16, "tokenize": 16, "analogy": 3}
FUZZ_EXAMPLES = int(os.environ.get("EMBEDVIZ_LAYOUT_FUZZ", "3"))
WORK = Path(tempfile.mkdtemp(prefix="embedviz-layout-fuzz-"))
SEEN: dict[str, int] = {}


@st.composite
def lessons(draw):
    kind = draw(st.sampled_from(sorted(TYPES)))
    alphabet = ALPHABETS[draw(st.sampled_from(sorted(ALPHABETS)))]
    n = draw(st.integers(2, max(2, TYPES[kind])))
    tokens = draw(st.lists(st.text(alphabet, min_size=1, max_size=40), min_size=n, max_size=n, unique=True))
    big_v = draw(st.booleans())
    d = draw(st.sampled_from([1, 2, 3, 16] if big_v else [1, 2, 8, 300, 4096]))
    vocab = list(tokens)
    if big_v:
        vocab += [f"w{i}" for i in range(250_000 - len(vocab))]
    opts = {"type": kind}
    if kind == "vectors-2d":
        opts["tokens"] = tokens
    elif kind == "nearest-neighbours":
        opts.update(query=tokens[0], k=min(5, len(vocab) - 1))
    elif kind == "cosine-vs-distance":
        opts["pair"] = tokens[:2]
    elif kind == "analogy":
        opts.update(a=tokens[0], b=tokens[1], c=tokens[2 % len(tokens)], k=2)
    lesson = {"lesson": {"title": f"Fuzz {kind}"},
              "style": {"aspect": draw(st.sampled_from(ASPECTS)), "theme": draw(st.sampled_from(THEMES))},
              "vocabulary": {"file": "vocab.txt"}, "embeddings": {"source": "synthetic", "dim": d, "seed": 3},
              "tokens": tokens, "segments": [opts]}
    return lesson, vocab


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(lessons())
def test_fuzzed_lessons_are_refused_in_one_line_or_checked(case):
    lesson, vocab = case
    (WORK / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    path = WORK / "lesson.yaml"
    path.write_text(yaml.safe_dump(lesson, allow_unicode=True), encoding="utf-8")
    try:
        c = load_lesson(path)
    except LessonError as e:            # validate refuses: one line naming the limit
        assert "\n" not in str(e) and str(path) in str(e)
        print(f"fuzz refused: {e}")
        return
    style = lesson["style"]
    lines = check_lesson(c, aspects=[style["aspect"]], themes=[style["theme"]])
    for line in lines:
        assert line.startswith(f"{style['aspect']} {style['theme']}  ") and ": " in line
        rule = line.split("  ")[-1].split(":")[0].split()[-1]
        SEEN[rule] = SEEN.get(rule, 0) + 1
    print(f"fuzz {lesson['segments'][0]['type']} {style['aspect']} {style['theme']}: {len(lines)} violations")
    for line in lines:
        print("   ", line)
    if STRICT:
        assert not lines, "\n".join(lines)
