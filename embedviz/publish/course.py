"""``embedviz build course.yaml``: every lesson and variant of a course, one queue, one page.

A course file lists lesson files and, per lesson, optional variants (another
token sequence, title, theme, or any ``--set``-style override). Every variant
is checked before anything renders; then every segment of every variant is a
job in one shared queue (:mod:`embedviz.render.queue`), so a segment two variants
share renders once. Each video gets its own folder with its page; the course
gets ``index.html`` listing them.

    course: {title: "Embeddings, week 1"}
    lessons:
      - file: lessons/lookup.yaml
        variants:
          - tokens: "the king wore a crown"
          - tokens: "a dog sat on the mat"
            theme: light
            set: {"segments[2].pair": [dog, cat]}
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from embedcore.config import StrictModel, Token, pydantic_to_lesson_error
from embedcore.errors import LessonError, format_loc
from embedcore.integrity import atomic_write_text
from embedcore.lesson import CompiledLesson, load_lesson, slugify
from embedcore.overrides import Override, parse_path
from embedcore.yamlsource import Positions, load_yaml
from embedviz import api
from embedviz.executors.base import Executor
from embedviz.narration.plan import check as check_narration
from embedviz.publish.package import write_course_package
from embedviz.publish.page import course_page
from embedviz.render import events
from embedviz.render.assemble import assemble
from embedviz.render.outcome import RenderResult
from embedviz.render.plan import LessonPlan, plan_lesson
from embedviz.render.queue import run_queue


class CourseInfo(StrictModel):
    title: str = Field(min_length=1)
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]*$")


class Variant(StrictModel):
    tokens: str | list[Token] | None = None
    title: str | None = Field(default=None, min_length=1)
    theme: str | None = None
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    set: dict[str, Any] = Field(default_factory=dict, description="key path -> value, as --set")


class CourseLesson(StrictModel):
    file: str = Field(min_length=1, description="lesson file, relative to the course file")
    variants: list[Variant] = Field(default_factory=list, description="default: the lesson as written")


class CourseConfig(StrictModel):
    course: CourseInfo
    lessons: list[CourseLesson] = Field(min_length=1)


@dataclass
class Course:
    path: Path
    config: CourseConfig
    videos: list[tuple[str, CompiledLesson]]          # (name shown in progress lines, compiled variant)

    @property
    def title(self) -> str:
        return self.config.course.title

    @property
    def slug(self) -> str:
        return self.config.course.slug or slugify(self.title)


@dataclass
class CourseResult:
    page: Path
    lessons: list[RenderResult] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    package: Path | None = None           # the course's zip or SCORM package, when asked for


def _overrides(variant: Variant, loc: tuple, pos: Positions) -> list[Override]:
    """A variant's keys as overrides whose errors point at the course file."""
    def label(*sub) -> str:
        where = loc + sub
        line, col = pos.find(where) or (None, None)
        return f"{pos.file}:{line}:{col}: {format_loc(where)}" if line else f"{pos.file}: {format_loc(where)}"

    out = []

    def add(target: tuple, value, *sub) -> None:
        out.append(Override(target, value, label(*sub), (pos, loc + sub)))

    if variant.tokens is not None:
        add(("tokens",), variant.tokens, "tokens")
    if variant.title is not None:
        add(("lesson", "title"), variant.title, "title")
    if variant.theme is not None:
        add(("style", "theme"), variant.theme, "theme")
    for path, value in variant.set.items():
        add(parse_path(path, label("set", path)), value, "set", path)
    if variant.slug is not None:
        add(("lesson", "slug"), variant.slug, "slug")
    return out


def load_course(path: str | Path) -> Course:
    """Parse and check a course file and every lesson variant it names (nothing is rendered)."""
    path = Path(path)
    data, pos = load_yaml(path)
    try:
        if not isinstance(data, dict):
            raise LessonError("a course file must be a mapping of keys", loc=(),
                              hint="start with 'course: {title: ...}' and 'lessons:'")
        try:
            cfg = CourseConfig.model_validate(data)
        except ValidationError as e:
            raise pydantic_to_lesson_error(e, data) from None
    except LessonError as e:
        raise pos.locate(e) from None
    videos: list[tuple[str, CompiledLesson]] = []
    owners: dict[str, tuple] = {}
    for i, entry in enumerate(cfg.lessons):
        file = path.parent / entry.file
        if not file.is_file():
            raise pos.locate(LessonError("file not found", loc=("lessons", i, "file"),
                                         hint="give the lesson file's path relative to the course file"))
        for j, variant in enumerate(entry.variants or [None]):
            overrides = _overrides(variant, ("lessons", i, "variants", j), pos) if variant else []
            compiled = load_lesson(file, overrides)
            check_narration(compiled)          # recordings present, voices installed: before anything renders
            where = ("lessons", i, "variants", j) if variant else ("lessons", i)
            slug = compiled.lesson.slug
            if slug in owners:
                raise pos.locate(LessonError(
                    f"this video's folder {slug!r} is already used by {format_loc(owners[slug])}", loc=where,
                    hint="give the variant another token sequence, or a 'slug:'"))
            owners[slug] = where
            videos.append((slug, compiled))
    return Course(path, cfg, videos)


def build_course(
    course: Course | str | Path,
    *,
    quality: str = "h",
    resolution: str | None = None,
    fps: int | None = None,
    out: str | Path = "media",
    jobs: int | None = None,
    use_cache: bool = True,
    share: bool = True,
    package: str | None = None,
    cluster: str | None = None,
    store: str | Path | None = None,
    on_event: events.OnEvent = events.ignore,
    executor: Executor | None = None,
) -> CourseResult:
    """Render every video of the course through one queue; write each page and the course page.

    ``share=False`` renders each video's segments even when another video has the
    same one (only for measuring what sharing saves).
    """
    if not isinstance(course, Course):
        course = load_course(course)
    if package is not None and package not in api.PACKAGES:
        raise LessonError(f"unknown package {package!r}", file="--package", hint="choose zip or scorm")
    root = Path(out) / course.slug
    plans: list[LessonPlan] = []
    for _name, compiled in course.videos:
        q = api.quality_for(compiled, quality, resolution, fps)
        plans.append(plan_lesson(compiled, q, root, use_cache=use_cache, on_event=on_event))
    on_event(events.Planned(len(plans), sum(len(p.keys) for p in plans), sum(len(p.todo) for p in plans)))
    done: dict[int, RenderResult] = {}

    def complete(plan: LessonPlan) -> None:
        result = assemble(plan)
        done[id(plan)] = result
        rendered = sum(1 for s in plan.results.values() if not s.cached)
        # the whole video: the title card and every segment
        on_event(events.LessonDone(plan.compiled.lesson.slug, sum(s.duration for s in plan.results.values()),
                                   rendered, len(plan.results) - rendered, str(result.out_dir / "index.html")))

    own = executor is None
    executor = executor or api.make_executor(jobs, cluster, store)
    try:
        counts = run_queue(plans, executor, on_event, complete, share=share)
    except BaseException:
        for plan in plans:          # the previous files stay; finished clips stay staged for the next build
            plan.abandon()
        raise
    finally:
        if own:
            executor.close()
    counts["cached"] = sum(1 for p in plans for s in p.results.values() if s.cached)
    results = [done[id(p)] for p in plans]
    notes = ["“" + " ".join(p.compiled.lesson.sequence.tokens)[:60] + "”" for p in plans]
    page = write_course_page(course, root, results, notes)
    packed = None
    if package:
        packed = write_course_package(root, course.title, course.slug, [r.out_dir for r in results], package)
    return CourseResult(page, results, counts, packed)


def write_course_page(course: Course, root: Path, results: list[RenderResult], notes: list[str]) -> Path:
    """``root/index.html``: one card per video (thumbnail, title, length, its token sequence)."""
    entries = []
    for r, note in zip(results, notes):
        m = json.loads((r.out_dir / "manifest.json").read_text(encoding="utf-8"))
        rel = r.out_dir.relative_to(root).as_posix()
        entries.append({"title": m["title"], "href": f"{rel}/index.html", "thumbnail": f"{rel}/{m['thumbnail']}",
                        "duration": m["duration"], "note": note})
    page = root / "index.html"
    atomic_write_text(page, course_page(course.title, entries))
    return page
