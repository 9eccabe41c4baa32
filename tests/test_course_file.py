"""course.yaml: checked before anything renders, errors at file:line:col of the course file."""
from __future__ import annotations

import pytest

from embedcore.errors import LessonError
from embedviz.cli import main
from embedviz.publish.course import load_course

pytestmark = pytest.mark.unit

LESSON = """\
lesson: {title: "Cosine lesson", slug: cos}
vocabulary: [the, cat, dog, king, wore, a, crown, sat]
embeddings: {source: synthetic, dim: 4, seed: 7}
tokens: "the cat sat"
segments:
  - type: lookup
  - type: cosine-vs-distance
    pair: [cat, dog]
"""


@pytest.fixture
def course(write_lesson):
    write_lesson(LESSON, "l.yaml")

    def _course(body: str):
        return write_lesson('course: {title: "Week 1"}\nlessons:\n' + body, "course.yaml")
    return _course


def err(path) -> str:
    with pytest.raises(LessonError) as e:
        load_course(path)
    return str(e.value)


def test_variants_become_videos_with_their_own_folders(course):
    c = load_course(course('  - file: l.yaml\n    variants:\n      - tokens: "the king wore a crown"\n'
                           '      - {tokens: "the dog sat", theme: light, title: "Dogs"}\n'
                           '      - {set: {"segments[1].pair": [king, cat]}, slug: royal}\n'))
    names = [name for name, _ in c.videos]
    assert names[0] == "cos--the-king-wore-a-crown" and names[1].startswith("cos--the-dog-sat-dogs-light-")
    assert names[2] == "royal" and c.slug == "week-1"
    dogs = c.videos[1][1]
    assert dogs.lesson.title == "Dogs" and dogs.lesson.style.theme == "light"
    assert [sb.to_dict()["a"]["token"] for sb in (c.videos[2][1].storyboards[1],)] == ["king"]


def test_course_errors_point_into_the_course_file(course):
    p = course('  - file: l.yaml\n    variants:\n      - tokens: "the kign wore a crown"\n')
    assert err(p) == f"{p}:5:22: lessons[0].variants[0].tokens: 'kign' is not in the vocabulary (did you mean 'king'?)"
    p = course('  - file: l.yaml\n    variants:\n      - set: {"segments[1].pair": [cat, dgo]}\n')
    assert err(p) == (f"{p}:5:41: lessons[0].variants[0].set.segments[1].pair[1]: 'dgo' is not in the vocabulary "
                      "(did you mean 'dog'?)")
    p = course('  - file: l.yaml\n    variants:\n      - set: {"segments[7].pair": [cat, dog]}\n')
    assert err(p) == f"{p}:5:35: lessons[0].variants[0].set.segments[7].pair: there is no segment 7 (the lesson has 2)"
    p = course('  - file: l.yaml\n    variants:\n      - theme: lite\n')
    assert err(p) == (f"{p}:5:16: lessons[0].variants[0].theme: 'lite' is not allowed "
                      "(choose one of: dark, light or high-contrast)")
    p = course('  - file: l.yaml\n    variants:\n      - tokens: "the cat"\n        sett: {}\n')
    assert err(p) == f"{p}:6:9: lessons[0].variants[0].sett: unknown key 'sett' (did you mean 'set'?)"
    p = course("  - file: nope.yaml\n")
    assert err(p) == f"{p}:3:11: lessons[0].file: file not found (give the lesson file's path relative to the course file)"
    p = course("  - file: l.yaml\n  - file: l.yaml\n")
    assert err(p) == (f"{p}:4:5: lessons[1]: this video's folder 'cos' is already used by lessons[0] "
                      "(give the variant another token sequence, or a 'slug:')")
    p = course("  []\n")
    assert err(p).startswith(f"{p}:3:3: lessons: ")


def test_errors_in_a_lesson_file_point_into_that_file(course, write_lesson):
    write_lesson(LESSON.replace("pair: [cat, dog]", "pair: [cat, dgo]"), "l.yaml")
    p = course("  - file: l.yaml\n")
    assert err(p) == f"{p.parent / 'l.yaml'}:8:17: segments[1].pair[1]: 'dgo' is not in the vocabulary (did you mean 'dog'?)"


def test_build_reports_a_bad_course_in_one_line_and_writes_nothing(course, tmp_path, capsys):
    p = course('  - file: l.yaml\n    variants:\n      - tokens: "the kign"\n')
    assert main(["build", str(p), "--out", str(tmp_path / "media")]) == 2
    out = capsys.readouterr()
    assert out.err.strip().splitlines() == [f"{p}:5:22: lessons[0].variants[0].tokens: 'kign' is not in the "
                                            "vocabulary (did you mean 'king'?)"]
    assert not (tmp_path / "media").exists()


def test_the_page_credits_the_vectors_truthfully():
    from embedviz.publish.page import licence_line, transcript_text

    minilm = {"kind": "minilm", "label": "Learned token embeddings of all-MiniLM-L6-v2", "learned": True,
              "licence": "Apache-2.0", "model": "sentence-transformers/all-MiniLM-L6-v2"}
    assert licence_line(minilm) == ("Vectors: Learned token embeddings of all-MiniLM-L6-v2. Licence: Apache-2.0 "
                                    "(sentence-transformers/all-MiniLM-L6-v2).")
    synthetic = {"kind": "synthetic", "label": "Synthetic vectors (seed 7): random, not learned", "learned": False}
    assert licence_line(synthetic).endswith("Made for this lesson; no licence applies.")
    npy = {"kind": "npy", "label": "vectors from my.npy", "learned": None}
    assert licence_line(npy) == "Vectors: vectors from my.npy. Licence: not stated by the source; check it before publishing."
    manifest = {"title": "T", "source": synthetic, "segments": [
        {"title": "One", "start": 2.0, "cues": [{"start": 2.5, "end": 4.0, "lines": ["Hello", "there."]}]},
        {"title": "Two", "start": 65.4, "cues": []}]}
    assert transcript_text(manifest) == ("T\n" + licence_line(synthetic) + "\n\n[0:02] One\nHello there.\n\n[1:05] Two\n")
