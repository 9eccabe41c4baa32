"""Literals in a teacher's lines that a variant makes false: warnings naming the line and the placeholder,
errors with --strict; and values such as 9:16 or 12:30 stay the strings the author wrote."""
from __future__ import annotations

import re

import pytest

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedcore.overrides import from_args
from embedviz.publish.course import load_course

from .conftest import run_cli

pytestmark = pytest.mark.unit

LESSON = """\
lesson: {title: T, slug: t}
vocabulary: [the, cat, sat, on, mat, a, dog, ran, home]
embeddings: {source: synthetic, dim: 4, seed: 1}
tokens: "the cat sat on the mat"
segments:
  - type: lookup
    narration:
      - "Each id names a row of 9; 'the' appears twice, so it selects the same row twice."
      - "Stacked, the rows are 6 tokens × 4 numbers."
      - {text: "A {n token} input.", say: "An input of 6 tokens."}
"""


def stale(path, tokens=None, sets=()) -> list[str]:
    return [str(e) for e in load_lesson(path, from_args(tokens, list(sets))).stale]


def col_of(path, line: int, text: str) -> int:
    return path.read_text().splitlines()[line - 1].index(text) + 1


def twice_cols(path) -> list[int]:
    return [m.start() + 1 for m in re.finditer("twice", path.read_text().splitlines()[7])]


def test_as_written_nothing_is_stale(write_lesson):
    assert load_lesson(write_lesson(LESSON)).stale == ()


def test_tokens_variant_names_each_stale_literal_and_its_placeholder(write_lesson):
    p = write_lesson(LESSON)
    got = stale(p, "a dog ran home")
    assert got == [
        f"{p}:8:{col_of(p, 8, chr(39) + 'the')}: segments[0].narration[0]: stale literal: 'the' was {{repeated}} in "
        "the lesson as written; in t--a-dog-ran-home {repeated} has no value (no token appears more than once in 'a dog ran home') "
        "(use {repeats}, which is true for any tokens)",
        *(f"{p}:8:{col}: segments[0].narration[0]: stale literal: twice was {{repeated_times}} in the lesson as "
          "written; in t--a-dog-ran-home {repeated_times} has no value (no token appears more than once in 'a dog ran home') "
          "(use {repeats}, which is true for any tokens)" for col in twice_cols(p)),
        f"{p}:9:{col_of(p, 9, '6 tokens')}: segments[0].narration[1]: stale literal: 6 was {{n}} in the lesson as "
        "written, but in t--a-dog-ran-home {n} is 4 (write {n token} instead of '6 tokens')",
        f"{p}:10:{col_of(p, 10, '6 tokens.')}: segments[0].narration[2].say: stale literal: 6 was {{n}} in the lesson "
        "as written, but in t--a-dog-ran-home {n} is 4 (write {n token} instead of '6 tokens')",
    ]
    # 9 (V) and 4 (d) did not change: not named


def test_a_variant_that_keeps_them_true_warns_nothing(write_lesson):
    assert stale(write_lesson(LESSON), "the dog sat on the mat") == []


def test_numbers_written_as_words(write_lesson):
    p = write_lesson(LESSON.replace("6 tokens × 4 numbers", "six tokens × four numbers"))
    assert [m.split(": stale literal: ")[1] for m in stale(p, "a dog ran home", ["embeddings.dim=8"])
            if ":9:" in m] == [
        "six was {n} in the lesson as written, but in t--a-dog-ran-home-8-79022f {n} is 4 (write {n token} instead of 'six tokens')",
        "four was {d} in the lesson as written, but in t--a-dog-ran-home-8-79022f {d} is 8 (write {d number} instead of 'four numbers')"]


def test_set_variant_and_the_noun_form(write_lesson):
    p = write_lesson(LESSON)
    assert stale(p, sets=["embeddings.dim=8"]) == [
        f"{p}:9:{col_of(p, 9, '4 numbers')}: segments[0].narration[1]: stale literal: 4 was {{d}} in the lesson as "
        "written, but in t--8-79022f {d} is 8 (write {d number} instead of '4 numbers')"]


def test_lines_the_variant_rewrites_are_not_compared(write_lesson):
    p = write_lesson(LESSON)
    assert stale(p, "a dog ran home", ["segments[0].narration=[\"'the' cat: 6 tokens\"]"]) == []


def test_course_variant_warns_at_the_lesson_line(write_lesson):
    p = write_lesson(LESSON, "l.yaml")
    course = write_lesson('course: {title: W}\nlessons:\n  - file: l.yaml\n    variants:\n'
                          '      - tokens: "a dog ran home"\n      - tokens: "the dog sat on the mat"\n', "c.yaml")
    c = load_course(course)
    (_, first), (_, second) = c.videos
    assert [str(e).split(": stale")[0] for e in first.stale] == [
        f"{p}:8:{col_of(p, 8, chr(39) + 'the')}: segments[0].narration[0]",
        *(f"{p}:8:{col}: segments[0].narration[0]" for col in twice_cols(p)),
        f"{p}:9:{col_of(p, 9, '6 tokens')}: segments[0].narration[1]",
        f"{p}:10:{col_of(p, 10, '6 tokens.')}: segments[0].narration[2].say"]
    assert all(" in t--a-dog-ran-home {" in str(e) for e in first.stale)          # which video it is about
    assert second.stale == ()


def test_titles_and_bullets_are_compared_too(write_lesson):
    p = write_lesson(LESSON.replace("    narration:", '    title: "Six tokens, one row each"\n    narration:')
                     + "  - type: text\n    title: Recap\n    bullets: [\"'the' twice: 6 tokens\"]\n")
    got = [m.split(": stale literal: ") for m in stale(p, "a dog ran home")]
    assert [(where, what) for where, what in got if "narration" not in where] == [
        (f"{p}:7:{col_of(p, 7, 'Six')}: segments[0].title",
         "Six was {n} in the lesson as written, but in t--a-dog-ran-home {n} is 4 (write {n token} instead of 'Six tokens')"),
        (f"{p}:14:{col_of(p, 14, chr(39) + 'the')}: segments[1].bullets[0]",
         "'the' was {repeated} in the lesson as written; in t--a-dog-ran-home {repeated} has no value (no token appears more than "
         "once in 'a dog ran home') (use {repeats}, which is true for any tokens)"),
        (f"{p}:14:{col_of(p, 14, 'twice')}: segments[1].bullets[0]",
         "twice was {repeated_times} in the lesson as written; in t--a-dog-ran-home {repeated_times} has no value (no token appears "
         "more than once in 'a dog ran home') (use {repeats}, which is true for any tokens)"),
        (f"{p}:14:{col_of(p, 14, '6 tokens')}: segments[1].bullets[0]",
         "6 was {n} in the lesson as written, but in t--a-dog-ran-home {n} is 4 (write {n token} instead of '6 tokens')")]
    # a title the variant itself rewrites is the author's new words
    assert not [m for m in stale(p, "a dog ran home", ["segments[0].title=Six tokens"]) if ".title" in m]


def test_cli_warns_and_strict_refuses(write_lesson):
    p = write_lesson(LESSON)
    r = run_cli("validate", p, "--tokens", "a dog ran home")
    assert r.returncode == 0 and f"{p}: ok" in r.stdout
    warns = r.stderr.strip().splitlines()
    assert len(warns) == 5 and all(w.startswith(f"warning: {p}:") and w.endswith("; --strict makes it an error)")
                                   for w in warns), r.stderr
    out = p.parent / "media"
    for cmd in (["validate"], ["script"], ["render", "--out", str(out)]):
        r = run_cli(*cmd, p, "--tokens", "a dog ran home", "--strict")
        assert r.returncode == 2, (cmd, r.stderr)
        errs = r.stderr.strip().splitlines()
        assert len(errs) == 5 and all(re.match(rf"{re.escape(str(p))}:\d+:\d+: segments\[0\]", e) for e in errs)
        assert "Traceback" not in r.stderr and "warning" not in r.stderr
    assert not out.exists()


def test_course_build_strict_exit_2_before_rendering(write_lesson):
    write_lesson(LESSON, "l.yaml")
    course = write_lesson('course: {title: W}\nlessons:\n  - file: l.yaml\n    variants:\n'
                          '      - tokens: "a dog ran home"\n', "c.yaml")
    out = course.parent / "media"
    r = run_cli("build", course, "--strict", "--out", out)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 5, r.stderr
    assert not out.exists()


def test_default_lesson_with_other_tokens_says_only_true_things():
    r = run_cli("script", "configs/default.yaml", "--tokens", "a dog ran home")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    said = r.stdout.split("Segment 2")[0]           # the lookup: the teacher's lines
    assert "'the'" not in said and "6 tokens" not in said
    assert "here no token appears more than once." in said
    assert "input: 4 tokens × 384 numbers." in said and "4 tokens by 384 numbers" in said
    assert "vocabulary of 30,522 pieces" in said


# ---------------------------------------------------------------- times stay strings

def test_unquoted_ratios_and_times_stay_strings_in_lesson_files(write_lesson):
    p = write_lesson("lesson: {title: 12:30}\nstyle: {aspect: 9:16}\n"
                     "vocabulary: [12:30, 007, 0x1F, 2024-01-01, 1_000, 3]\n"
                     "embeddings: {source: synthetic, dim: 4, seed: 010}\n"
                     "tokens: [12:30, 007, 0x1F, 2024-01-01, 1_000, 3]\nsegments: [{type: lookup}]\n")
    c = load_lesson(p)
    assert c.lesson.style.aspect == "9:16" and c.lesson.title == "12:30"
    assert c.lesson.sequence.tokens == ("12:30", "007", "0x1F", "2024-01-01", "1_000", "3")
    assert c.lesson.config.embeddings.seed == 10       # '010' is the whole number ten, never octal 8


def test_set_ratio_stays_a_string(write_lesson):
    p = write_lesson(LESSON)
    c = load_lesson(p, from_args(None, ["style.aspect=1:1"]))
    assert c.lesson.style.aspect == "1:1"
    with pytest.raises(LessonError) as e:
        load_lesson(p, from_args(None, ["style.aspect=4:3"]))
    assert str(e.value) == "--set style.aspect: '4:3' is not allowed (choose one of: 16:9, 9:16 or 1:1)"
    with pytest.raises(LessonError) as e:
        load_lesson(write_lesson(LESSON.replace("style", "x").replace("lesson: {", "style: {aspect: 1:30}\nlesson: {")))
    assert ":1:17: style.aspect: '1:30' is not allowed" in str(e.value)


def test_course_file_values_stay_strings(write_lesson):
    write_lesson(LESSON, "l.yaml")
    course = write_lesson("course: {title: 9:30}\nlessons:\n  - file: l.yaml\n    variants:\n"
                          "      - {title: 12:30, set: {style.aspect: 9:16}}\n", "c.yaml")
    c = load_course(course)
    assert c.title == "9:30"
    (_, v), = c.videos
    assert v.lesson.title == "12:30" and v.lesson.style.aspect == "9:16"


def test_a_recording_of_a_line_whose_values_change_is_named(write_lesson):
    p = write_lesson(LESSON.replace('      - {text: "A {n token} input.", say: "An input of 6 tokens."}',
                                    '      - {text: "A {n token} input.", audio: takes/3.wav}'))
    assert stale(p, "the dog sat on the mat") == []          # the line reads the same: the recording is still true
    (msg,) = [m for m in stale(p, "a dog ran home") if "stale recording" in m]
    assert msg == (f"{p}:10:{col_of(p, 10, 'takes/')}: segments[0].narration[2].audio: stale recording: "
                   "'takes/3.wav' says the line as written ('A 6 tokens input.'); in t--a-dog-ran-home it reads 'A 4 tokens input.' "
                   "(record the variant's line (embedviz script prints it), or leave 'audio:' out of the variant "
                   "with --set)")
