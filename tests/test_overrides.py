"""Lesson variants from the command line: --tokens and --set, their errors, and their folders."""
from __future__ import annotations

import json

import pytest

from embedcore.errors import LessonError
from embedcore.lesson import load_lesson
from embedcore.overrides import from_args, variant_suffix
from embedviz.cli import main

pytestmark = pytest.mark.unit

LESSON = """\
lesson: {title: "Cosine lesson", slug: cos}
style: {theme: dark}
vocabulary: [the, cat, dog, car, bus, king, queen, sat, wore, a, crown]
embeddings: {source: synthetic, dim: 8, seed: 7, groups: {animals: [cat, dog], royalty: [king, queen]}}
tokens: "the cat sat"
segments:
  - type: lookup
  - type: matrix-shape
  - type: cosine-vs-distance
    pair: [cat, dog]
  - type: similarity-matrix
  - type: vectors-2d
    tokens: [cat, dog, car]
  - type: pitfall-spelling
    word: cat
    lookalike: car
    related: dog
"""


@pytest.fixture
def lesson(write_lesson):
    return write_lesson(LESSON)


def err(path, tokens=None, sets=()):
    with pytest.raises(LessonError) as e:
        load_lesson(path, from_args(tokens, list(sets)))
    return str(e.value)


def test_override_errors_point_at_the_argument(lesson):
    assert err(lesson, sets=["segments[9].pair=[king,queen]"]) == \
        "--set segments[9].pair: there is no segment 9 (the lesson has 6)"
    assert err(lesson, sets=["segments[2].pair=[cat,dgo]"]) == \
        "--set segments[2].pair: segments[2].pair[1]: 'dgo' is not in the vocabulary (did you mean 'dog'?)"
    assert err(lesson, "the kign wore a crown") == \
        "--tokens: word 2: 'kign' is not in the vocabulary (did you mean 'king'?)"
    assert err(lesson, sets=["style.theme=lite"]) == \
        "--set style.theme: 'lite' is not allowed (choose one of: dark, light or high-contrast)"
    assert err(lesson, sets=["style.themes=light"]) == \
        "--set style.themes: unknown key 'themes' (did you mean 'theme'?)"
    assert err(lesson, sets=["segments[2].pair=[cat, dog"]) == \
        "--set segments[2].pair: the value is not valid YAML (expected ',' or ']', but got '<stream end>') " \
        "(quote text, write lists as [a, b])"
    assert err(lesson, sets=["style.theme"]) == "--set style.theme: expected PATH=VALUE (e.g. --set style.theme=light)"
    assert err(lesson, sets=["segments..pair=1"]) == \
        "--set segments..pair: 'segments..pair' is not a key path " \
        "(write keys joined by dots, list items as [N], e.g. segments[2].pair)"
    assert err(lesson, sets=["tokens[0]=cat"]) == "--set tokens[0]: tokens is not a list (drop [0])"
    assert err(lesson, sets=["segments[2].pair[5]=cat"]) == \
        "--set segments[2].pair[5]: there is no item 5 in segments[2].pair (it has 2)"
    assert err(lesson, sets=["lesson.title.main=x"]) == \
        "--set lesson.title.main: lesson.title is not a mapping, so it has no key 'main' (check the key path)"


def test_errors_in_the_file_still_point_into_the_file(write_lesson):
    path = write_lesson(LESSON.replace("pair: [cat, dog]", "pair: [cat, dgo]"))
    # an override elsewhere does not move an error that is in the file
    assert err(path, "the king sat", ["style.theme=light"]) == \
        f"{path}:10:17: segments[2].pair[1]: 'dgo' is not in the vocabulary (did you mean 'dog'?)"
    # ... and overriding the broken value fixes it
    fixed = load_lesson(path, from_args(None, ["segments[2].pair=[cat,dog]"])).storyboards[2].to_dict()
    assert (fixed["a"]["token"], fixed["b"]["token"]) == ("cat", "dog")


def test_tokens_and_set_equal_editing_the_file(lesson, write_lesson, capsys):
    edited = write_lesson(LESSON.replace('tokens: "the cat sat"', 'tokens: "the king wore a crown"')
                          .replace("theme: dark", "theme: light")
                          .replace("pair: [cat, dog]", "pair: [king, queen]"), "edited.yaml")
    args = ["--tokens", "the king wore a crown", "--set", "style.theme=light", "--set", "segments[2].pair=[king,queen]"]
    assert main(["inspect", str(lesson), "--json", *args]) == 0
    by_flags = json.loads(capsys.readouterr().out)
    assert main(["inspect", str(edited), "--json"]) == 0
    by_edit = json.loads(capsys.readouterr().out)
    assert [t["token"] for t in by_flags["tokens"]] == ["the", "king", "wore", "a", "crown"]
    assert [t["id"] for t in by_flags["tokens"]] == [t["id"] for t in by_edit["tokens"]] == [0, 5, 8, 9, 10]
    assert by_flags["cosine"] == by_edit["cosine"]
    assert by_flags["segments"] == by_edit["segments"]          # every storyboard number and caption
    assert by_flags["slug"] == "cos--the-king-wore-a-crown-light-" + by_flags["slug"].rsplit("-", 1)[1]
    assert by_edit["slug"] == "cos"


def test_variant_folders_are_stable_and_distinct(lesson):
    def slug(tokens=None, sets=()):
        return load_lesson(lesson, from_args(tokens, list(sets))).lesson.slug

    assert slug() == "cos"
    assert slug("the king wore a crown") == "cos--the-king-wore-a-crown" == slug("the  king wore a crown ")
    assert slug("the dog sat") != slug("the cat sat")
    a, b = slug(sets=["style.theme=light"]), slug(sets=["style.theme=high-contrast"])
    assert a.startswith("cos--light-") and a != b and a == slug(sets=["style.theme=light"])
    # words the slug cannot spell exactly still get a folder of their own
    assert variant_suffix(from_args("the cat")) == "the-cat"
    upper, cjk = variant_suffix(from_args("The cat")), variant_suffix(from_args("猫 の"))
    assert upper.startswith("the-cat-") and len(upper) == len("the-cat-") + 6
    assert len(cjk) == 6 and cjk != variant_suffix(from_args("犬 の"))
    assert slug(sets=["lesson.slug=mine"]) == "mine"


def test_validate_takes_the_same_flags(lesson, capsys):
    assert main(["validate", str(lesson), "--tokens", "a dog sat"]) == 0
    assert "ok as cos--a-dog-sat (6 segments" in capsys.readouterr().out
    assert main(["validate", str(lesson), "--set", "segments[9].pair=[king,queen]"]) == 2
    assert capsys.readouterr().err.strip() == "--set segments[9].pair: there is no segment 9 (the lesson has 6)"
