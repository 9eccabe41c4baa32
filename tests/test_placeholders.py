"""Placeholders in narration lines: filled from the storyboard, formatted as on screen, true at the edges;
every malformed or inapplicable one is a one-line error at its column. Nothing here renders."""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedcore.errors import LessonError
from embedcore.lesson import lesson_from_data, load_lesson
from embedcore.placeholders import COMMON
from embedcore.segments import SEGMENT_TYPES

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.unit

MINUS = "\u2212"


def shown(x: float, dec: int = 2) -> str:
    """How the screen writes a number: fixed decimals, a true minus, no −0.00 (independent of embedcore)."""
    s = f"{x:.{dec}f}"
    if s.startswith("-"):
        s = s[1:] if float(s) == 0 else MINUS + s[1:]
    return s


def inline(vectors: dict, tokens, segment: dict, **extra) -> dict:
    return {"lesson": {"title": "T"}, "embeddings": {"source": "inline", "vectors": vectors},
            "tokens": tokens, "segments": [segment], **extra}


def lines(data: dict) -> tuple[str, ...]:
    return lesson_from_data(data).storyboards[0].narration


def error(data: dict) -> str:
    with pytest.raises(LessonError) as e:
        lesson_from_data(data)
    return str(e.value)


# ---------------------------------------------------------------- values against independent formulas

VEC = {"a": [1.0, 2.0, 0.0], "b": [2.0, 1.0, 1.0], "c": [-1.0, 0.5, 3.0], "z": [0.0, 0.0, 0.0]}


def test_cosine_vs_distance_values_match_numpy():
    seg = {"type": "cosine-vs-distance", "pair": ["a", "c"], "scale": 0.5,
           "narration": ["{a}/{b}: cos {cos}, angle {angle}, |A-B| {distance} then {scaled_distance}, dot {dot}, "
                         "|A| {norm_a} |B| {norm_b} then {scaled_norm_b}, s {scale}"]}
    (got,) = lines(inline(VEC, "a c", seg))
    A, B = np.array(VEC["a"]), np.array(VEC["c"])
    cos = A @ B / np.linalg.norm(A) / np.linalg.norm(B)
    angle = np.degrees(np.arccos(np.clip(cos, -1, 1)))
    want = (f"a/c: cos {shown(cos)}, angle {shown(angle, 1)}°, |A-B| {shown(np.linalg.norm(A - B))} then "
            f"{shown(np.linalg.norm(A - 0.5 * B))}, dot {shown(A @ B)}, |A| {shown(np.linalg.norm(A))} "
            f"|B| {shown(np.linalg.norm(B))} then {shown(np.linalg.norm(0.5 * B))}, s 0.5")
    assert got == want


def test_decimals_follow_the_style():
    seg = {"type": "cosine-vs-distance", "pair": ["a", "b"], "narration": "cos {cos}"}
    A, B = np.array(VEC["a"]), np.array(VEC["b"])
    cos = A @ B / np.linalg.norm(A) / np.linalg.norm(B)
    for dec in (0, 3, 4):
        assert lines(inline(VEC, "a b", seg, style={"decimals": dec})) == (f"cos {shown(cos, dec)}",)


def test_d_equals_one_opposite_arrows():
    """d = 1: two arrows on one line, pointing opposite ways; the drawing is exact, so {variance} has no value."""
    vec = {"a": [1.0], "b": [-2.0]}
    seg = {"type": "vectors-2d", "narration": ["{top}: cos {cos}, {angle}, {distance}; {d number} each"]}
    assert lines(inline(vec, "a b", seg)) == (f"a and b: cos {MINUS}1.00, 180.0°, 3.00; 1 number each",)
    msg = error(inline(vec, "a b", {"type": "vectors-2d", "narration": "keeps {variance}"}))
    assert "{variance} has no value here: the drawing is exact" in msg and msg.count("\n") == 0


def test_one_token_agrees_in_number():
    seg = {"type": "lookup", "narration": ["{n token} × {d number}; {repeats}; {distinct} row", "{V token}"]}
    assert lines(inline(VEC, "a", seg)) == ("1 token × 3 numbers; the one token appears once; 1 row", "4 tokens")
    assert "{repeated} has no value here: no token appears more than once in 'a'" in \
        error(inline(VEC, "a", {"type": "lookup", "narration": "'{repeated}' repeats"}))


def test_repeats_names_every_repeat_truthfully():
    seg = {"type": "lookup", "narration": ["{repeats}.", "{repeated} {repeated_times}", "x. {repeats}"]}
    assert lines(inline(VEC, "a b a c b a", seg)) == ("'a' appears 3 times and 'b' twice.", "a 3 times",
                                                      "x. 'a' appears 3 times and 'b' twice")
    assert lines(inline(VEC, "a b c", seg | {"narration": ["{repeats}.", "x. {repeats}"]})) == (
        "No token appears more than once.", "x. No token appears more than once")


def test_similarity_matrix_top_and_bottom_match_numpy_and_ties_take_the_first():
    seg = {"type": "similarity-matrix", "narration": "{top} {cos}; {bottom} {bottom_cos}"}
    toks = ["a", "b", "c"]
    m = np.array([VEC[t] for t in toks])
    unit = m / np.linalg.norm(m, axis=1, keepdims=True)
    c = unit @ unit.T
    pairs = [(c[i, j], i, j) for i in range(3) for j in range(i + 1, 3)]
    hi = max(pairs, key=lambda p: (p[0], -p[1], -p[2]))
    lo = min(pairs, key=lambda p: (p[0], p[1], p[2]))
    assert lines(inline(VEC, " ".join(toks), seg)) == (
        f"{toks[hi[1]]} and {toks[hi[2]]} {shown(hi[0])}; {toks[lo[1]]} and {toks[lo[2]]} {shown(lo[0])}",)
    # a tie: cos(x, y) = cos(x, w): both pairs are named, so "{top} are the most alike" stays true
    tie = {"x": [1.0, 0.0], "y": [1.0, 1.0], "w": [1.0, -1.0], "v": [1.0, 0.0]}
    assert lines(inline(tie, "x y w", seg | {"narration": "{top} {cos}"})) == ("x and y (tied with x and w) 0.71",)
    # the repeated token's own pair (cos 1) is not a pair of different tokens; v equals x: 1.00, named alone
    assert lines(inline(tie, "x y x v", seg | {"narration": "{top} {cos}"})) == ("x and v 1.00",)
    two = {"type": "vectors-2d", "narration": "{top}: {cos}"}
    assert lines(inline(tie, "x y w", two)) == ("x and y (tied with x and w): 0.71",)


def test_zero_vectors_leave_no_pair_to_name():
    seg = {"type": "similarity-matrix", "narration": "{top} is closest"}
    msg = error(inline(VEC, "z z", seg))
    assert "segments[0].narration: {top} has no value here: no two different tokens here have a cosine" in msg


def test_matrix_shape_and_nearest_neighbours_against_numpy():
    rng = np.random.default_rng(3)
    vec = {t: list(rng.normal(size=5) * (k + 1)) for k, t in enumerate("abcdefg")}
    seg = {"type": "matrix-shape", "narration": "{parameters} = {memory}, {lookup_numbers number}"}
    assert lines(inline(vec, "a b c", seg)) == (f"35 = {35 * 4} B, {3 * 5} numbers",)
    seg = {"type": "nearest-neighbours", "query": "c", "k": 2,
           "narration": "{query} {k}: {nearest} {cos}, {nearest_by_distance} {distance}"}
    m = np.array([vec[t] for t in "abcdefg"])
    q = m[2]
    cos = m @ q / np.linalg.norm(m, axis=1) / np.linalg.norm(q)
    dist = np.linalg.norm(m - q, axis=1)
    cos[2], dist[2] = -np.inf, np.inf
    nc, nd = int(np.argmax(cos)), int(np.argmin(dist))
    assert lines(inline(vec, "a b", seg)) == (
        f"c 2: {'abcdefg'[nc]} {shown(cos[nc])}, {'abcdefg'[nd]} {shown(dist[nd])}",)


def test_pitfall_learned_zero_vector_cosine_is_undefined():
    vec = {"cat": [1.0, 2.0], "she": [0.0, 0.0], "the": [3.0, 1.0]}
    seg = {"type": "pitfall-learned", "tokens": "the cat the", "lookalike": "she",
           "narration": "'{token}' {token_times}, id {token_id}; '{lookalike}' {edits edit} away, cosine {cos}"}
    assert lines(inline(vec, "the cat the", seg)) == ("'the' twice, id 2; 'she' 1 edit away, cosine undefined",)


def test_splits_is_true_for_any_words_and_split_is_refused_without_one():
    data = {"lesson": {"title": "T"}, "embeddings": {"source": "minilm"}, "tokens": "the cat chased embeddings",
            "segments": [{"type": "lookup", "narration": ["{splits}.", "{split}|{split_pieces}|{split_count piece}"]}]}
    c = lesson_from_data(data)
    words = dict(c.lesson.sequence.words)
    pieces = [c.lesson.sequence.tokens[k] for k in words["embeddings"]]
    assert c.storyboards[0].narration == (
        f"'embeddings' is not in the vocabulary, so it becomes {len(pieces)} pieces: {' '.join(pieces)}.",
        f"embeddings|{' '.join(pieces)}|{len(pieces)} pieces")
    data["tokens"] = "dog"
    data["segments"][0]["narration"] = ["{splits}."]
    assert lines(data) == ("The word is in the vocabulary, so it stays one piece.",)
    data["segments"][0]["narration"] = ["{split}"]
    assert "{split} has no value here: the tokenizer keeps every word of 'dog' whole (use {splits}" in error(data)
    whitespace = inline(VEC, "a b", {"type": "lookup", "narration": ["{splits}.", "{split}"]})
    assert "{split} has no value here: this lesson splits at spaces" in error(whitespace)


def test_literal_braces_and_defaults_untouched():
    seg = {"type": "lookup", "narration": ["{{n}} is {n}", "a }} and {{"]}
    assert lines(inline(VEC, "a b", seg)) == ("{n} is 2", "a } and {")
    # default lines (no narration given) are never parsed as templates
    assert lesson_from_data(inline(VEC, "a b", {"type": "lookup"})).storyboards[0].narration


def test_say_is_filled_and_captions_see_filled_text():
    seg = {"type": "lookup", "narration": [{"text": "{n token} × {d}", "say": "{n token} by {d} numbers"}]}
    c = lesson_from_data(inline(VEC, "a b c", seg))
    assert c.storyboards[0].narration == ("3 tokens × 3",)
    item = c.lesson.config.segments[0].narration_items[0]
    assert (item.text, item.say) == ("3 tokens × 3", "3 tokens by 3 numbers")


def test_every_type_has_described_placeholders_and_no_name_means_two_things_in_one_type():
    for p in COMMON:
        assert p.description
    for kind, entry in SEGMENT_TYPES.items():
        names = [p.name for p in (*COMMON, *entry.placeholders)]
        assert len(names) == len(set(names)), kind
        assert all(p.description for p in entry.placeholders), kind


# ---------------------------------------------------------------- bad input: one line at the placeholder

HEAD = """lesson: {title: T}
vocabulary: [the, cat, dog, sat]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: the cat sat
segments:
  - type: lookup
    narration:
"""

BAD = [
    # (line as written, where the column must point (the text there), needles)
    ('      - "We have {m} rows."', "{m}", ["segments[0].narration[0]: unknown placeholder {m}", "'{{'",
                                           "a lookup segment has {n}, {V}, {d}"]),
    ('      - "We have {tokns}."', "{tokns}", ["unknown placeholder {tokns} (did you mean {tokens}? A lookup segment"]),
    ('      - "Cosine {cos} here."', "{cos}", ["{cos} does not apply to a lookup segment",
                                              "cosine-vs-distance", "a lookup segment has {n}"]),
    ('      - "Open {n here."', "{n here", ["a '{' is not closed", "'{{'"]),
    ('      - "Open {n and {d}."', "{n and", ["a '{' is not closed"]),
    ('      - "Close n} here."', "} here", ["a '}' without its '{'", "'}}'"]),
    ('      - "Format {n:.2f}."', "{n:", ["'{n:.2f}' is not a placeholder", "{n token}"]),
    ('      - "Empty {} here."', "{}", ["an empty '{}'"]),
    ('      - "{repeated} twice"', "{repeated}", ["{repeated} has no value here: no token appears more than once "
                                                 "in 'the cat sat'", "use {repeats}"]),
    ('      - "cos {cos number}"', "{cos", ["does not apply"]),
    ('      - "{tokens word}"', "{tokens", ["{tokens} is not a count, so it takes no noun", "write {tokens}"]),
    ("      - '{n} and {{d}} {x}'", "{x}", ["unknown placeholder {x}"]),
    ('      - {text: "{n} tokens", say: "{n} tokens by {d}"}', "{d}",
     ["segments[0].narration[0].say", "{d} is in 'say' but not in the caption 'text'"]),
    ('      - {text: "bad {x}"}', "{x}", ["segments[0].narration[0].text", "unknown placeholder {x}"]),
    ('      - "' + "{tokens} " * 20 + '"', '"', ["filled in, the line is 240 characters", "at most 200"]),
]


@pytest.mark.parametrize("line,at,needles", BAD, ids=[b[0].strip()[3:30] for b in BAD])
def test_bad_placeholder_is_one_located_line(write_lesson, line, at, needles):
    path = write_lesson(HEAD + line + "\n")
    with pytest.raises(LessonError) as e:
        load_lesson(path)
    msg = str(e.value)
    assert "\n" not in msg and msg.endswith(")"), msg
    assert msg.startswith(f"{path}:8:{line.index(at) + 1}: "), msg
    for needle in needles:
        assert needle in msg, msg


CLI_BAD = [
    # (line, where the column must point, what the message says): each kind the issue names
    ('      - "Cosine {cos} here."', "{cos}", "{cos} does not apply to a lookup segment"),
    ('      - "We have {m} rows."', "{m}", "unknown placeholder {m}"),
    ('      - "Open {n here."', "{n here", "a '{' is not closed"),
    ('      - {text: "{n} tokens", say: "{n} tokens by {d}"}', "{d}", "{d} is in 'say' but not in the caption"),
]


@pytest.mark.parametrize("line,at,needle", CLI_BAD, ids=["inapplicable", "unknown", "unclosed", "say-not-shown"])
def test_bad_placeholder_cli_exit_2_nothing_written(write_lesson, line, at, needle):
    path = write_lesson(HEAD + line + "\n")
    media = path.parent / "media"
    cmds = (["validate"], ["render", "--out", str(media)]) + ((["script"],) if at == "{cos}" else ())
    for cmd in cmds:
        r = run_cli(*cmd, path)
        assert r.returncode == 2 and "Traceback" not in r.stderr and r.stdout == "", (cmd, r.stderr)
        assert r.stderr.strip().splitlines() == [r.stderr.strip()], r.stderr
        assert re.fullmatch(rf"{re.escape(str(path))}:8:{line.index(at) + 1}: segments\[0\]\.narration\[0\]"
                            r"(\.say)?: .+ \(.+\)", r.stderr.strip()), r.stderr
        assert needle in r.stderr
    assert not media.exists()


def test_placeholder_in_a_folded_line_points_at_the_line(write_lesson):
    path = write_lesson(HEAD + "      - >\n        Folded {nope}\n        text.\n")
    with pytest.raises(LessonError, match=r":8:9: segments\[0\]\.narration\[0\]: unknown placeholder \{nope\}"):
        load_lesson(path)


# ---------------------------------------------------------------- the default lesson under random tokens

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "home", "embeddings", "king", "queen"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
def test_default_lesson_lines_state_the_storyboards_numbers(words):
    import yaml
    data = yaml.safe_load((ROOT / "configs" / "default.yaml").read_text(encoding="utf-8"))
    data["tokens"] = " ".join(words)
    data["segments"] = data["segments"][:1]          # the lookup, whose lines are the teacher's
    try:
        c = lesson_from_data(data, ROOT / "configs")
    except LessonError as e:         # 'embeddings' is 4 pieces: over 16 tokens the lookup refuses, in one line
        assert "a lookup segment shows at most 16 tokens" in str(e)
        return
    sb = c.storyboards[0]
    tokens = [c.lesson.sequence.tokens[s.position] for s in sb.steps]
    n, d, V = len(sb.steps), sb.dim, sb.vocab_size
    first, second, third, fourth = sb.narration
    assert f"vocabulary of {V:,} pieces" in first
    assert fourth.endswith(f"input: {n} {'token' if n == 1 else 'tokens'} × {d} numbers.")
    counts = Counter(tokens)
    reps = [t for t in dict.fromkeys(tokens) if counts[t] > 1]
    if reps:
        k = counts[reps[0]]
        assert f"here '{reps[0]}' appears {'twice' if k == 2 else f'{k} times'}" in third
        for t in reps[1:3]:
            assert f"'{t}' " in third
    else:
        assert re.search(r"here (no token appears more than once|the one token appears once)\.$", third)
    assert "{" not in "".join(sb.narration)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab {}:n d", max_size=24))
def test_any_braces_either_parse_or_fail_at_a_brace(text):
    """Never a traceback: a line parses (literal text round-trips with its escapes undone) or is refused at a
    brace of the line."""
    from embedcore.placeholders import parse
    try:
        parts = parse(text, ("segments", 0, "narration"))
    except LessonError as e:
        assert e.offset is not None and text[e.offset] in "{}", (text, e.offset)
        return
    literal = "".join(p.text for p in parts if p.name is None)
    if all(p.name is None for p in parts):
        assert literal == text.replace("{{", "\0").replace("}}", "\1").replace("\0", "{").replace("\1", "}")
    for p in parts:
        if p.name is not None:
            assert text[p.start] == "{" and text[p.end - 1] == "}"


WORDS_AS_DIGITS = {w: str(k) for k, w in enumerate("zero one two three four five six seven eight nine ten".split())}


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "configs").glob("*.yaml")))
def test_example_lessons_state_no_value_a_placeholder_gives(name):
    """Wherever an example's own line, title or bullet states a number or names a token that a placeholder
    gives, it uses the placeholder (so the example stays true under --tokens and --set)."""
    import yaml

    from embedcore.placeholders import Context, applicable, literals, parse, value_text
    from embedcore.segments import placeholder_registry

    raw = yaml.safe_load((ROOT / "configs" / f"{name}.yaml").read_text(encoding="utf-8"))
    c = load_lesson(ROOT / "configs" / f"{name}.yaml")
    registry = placeholder_registry()
    for i, seg in enumerate(raw["segments"]):
        items = seg.get("narration") or []
        items = (items if isinstance(items, list) else [items]) + [seg.get("title") or "", *seg.get("bullets", [])]
        ctx = Context(c.lesson, c.lesson.config.segments[i], c.storyboards[i], i)
        here = applicable(seg["type"], registry)
        values = {n: value_text(p, ctx) for n, p in here.items()}
        for item in items:
            for text in ([item] if isinstance(item, str) else [item["text"], item.get("say") or ""]):
                for lit in literals(text, parse(text, ())):
                    said = WORDS_AS_DIGITS.get(lit.text.lower(), lit.text).replace(",", "")
                    same = [n for n, v in values.items() if v == lit.text or (lit.number and isinstance(v, str)
                            and v.replace(",", "") == said)]
                    assert not same, f"{name}: {text!r} states {lit.text!r}: write {{{same[0]}}}"


def test_text_card_bullets_take_the_common_placeholders(write_lesson):
    seg = {"type": "text", "title": "Recap", "bullets": ["  {V token} in the vocabulary", "{n token}: {tokens}"]}
    c = lesson_from_data(inline(VEC, "a b a", seg))
    assert c.storyboards[0].bullets == ("4 tokens in the vocabulary", "3 tokens: a b a")
    assert c.storyboards[0].narration == c.storyboards[0].bullets          # the default narration reads them
    path = write_lesson("lesson: {title: T}\nvocabulary: [a, b]\nembeddings: {source: synthetic, dim: 2}\n"
                        "tokens: a b\nsegments:\n  - type: text\n    title: Recap\n    bullets:\n"
                        "      - \"cos is {cos}\"\n")
    with pytest.raises(LessonError, match=r":9:17: segments\[0\]\.bullets\[0\]: unknown placeholder \{cos\}"):
        load_lesson(path)


def test_singular_inverts_plural():
    from embedcore.wording import plural, singular
    for one in ("token", "number", "matrix", "dimension", "piece", "edit", "box"):
        assert singular(plural(2, one)) == one
    assert [singular(w) for w in ("so", "is", "this", "plus", "as")] == [None] * 5


def test_titles_take_their_types_placeholders():
    vecs = {"a": [1.0, 0.0, 0.0], "b": [1.0, 1.0, 0.0], "c": [0.0, 1.0, 1.0]}
    c = lesson_from_data(inline(vecs, "a b", {"type": "vectors-2d", "title": "{n token}, {drawing}"}))
    assert c.storyboards[0].title == "2 tokens, drawn exactly"
    assert c.lesson.config.segments[0].title == "2 tokens, drawn exactly"        # what chapters and the script read
    c = lesson_from_data(inline(vecs, "a b c", {"type": "vectors-2d", "title": "{n token}, {drawing}: {top}"}))
    assert c.storyboards[0].title == "3 tokens, projected: a and b"               # cos(a,b)=0.71 is the largest
    card = lesson_from_data(inline(vecs, "a b", {"type": "text", "title": "{V token}, {d number}"}))
    assert card.storyboards[0].title == "3 tokens, 3 numbers" and card.storyboards[0].narration == (
        "3 tokens, 3 numbers",)                                                   # no bullets: it reads the title


def test_a_bad_title_placeholder_is_one_located_line(write_lesson):
    path = write_lesson(HEAD.replace("    narration:\n", '    title: "Row {cos}"\n'))
    with pytest.raises(LessonError) as e:
        load_lesson(path)
    assert str(e.value).startswith(f"{path}:7:17: segments[0].title: {{cos}} does not apply to a lookup segment")
    long = "{tokens} " * 4 + "{tokens}"
    path = write_lesson(HEAD.replace("    narration:\n", f'    title: "{long}"\n').replace(
        "tokens: the cat sat", "tokens: the cat sat the cat sat"))
    with pytest.raises(LessonError, match=r":7:12: segments\[0\]\.title: filled in, the title is 119 characters "
                                          r"\(at most 60\)"):
        load_lesson(path)


def test_script_counts_its_lines_in_agreement():
    from embedviz.narration.script import recording_script

    one = recording_script(lesson_from_data(inline(VEC, "a b", {"type": "text", "title": "T",
                                                                 "bullets": ["{n token}: {tokens}"]})))
    assert "2 tokens: a b" in one and re.search(r"\n1 line, about [1-9] s of speech at a natural pace\.\n$", one), one
