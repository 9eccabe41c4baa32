# The two commands a new machine needs. Both set everything up first
# (system libraries, fonts, .venv); running them again reinstalls nothing.
.PHONY: setup demo check test layout docs gallery bench clean

setup:
	@bash scripts/setup.sh dev

demo: setup
	.venv/bin/embedviz render configs/default.yaml -q h

# The typed seams mypy holds to strict besides embedcore ([tool.mypy] in pyproject.toml): those that exist.
SEAMS := $(wildcard embedviz/executors/base.py embedviz/render/outcome.py embedviz/render/events.py)

# The edit loop (under a minute on a quiet 2-core machine): lint, types, and the unit layer of the tests on
# 2 workers (after `make setup`; ~65 CPU-seconds in all, most of it CLI subprocesses).
check:
	.venv/bin/ruff check .
	.venv/bin/mypy embedcore $(SEAMS)
	.venv/bin/python -m pytest -q -m unit -n 2 --dist loadfile

# Everything: every layer. Unit, golden and render tests on 2 workers, each file on one worker (its module
# fixtures, such as the course and golden renders, run once); then faults and browser tests, apart from the
# CPU-heavy layers, also on 2 workers by file: a file's kills, signals and playback run one at a time, and a fault
# test finds its own processes by a marker in their environment, never by name. The 15 slowest of each run are printed.
# The test set-up also installs Debian's chromium for the browser playback test.
test:
	@EMBEDVIZ_BROWSER=1 bash scripts/setup.sh dev
	.venv/bin/ruff check .
	.venv/bin/mypy embedcore $(SEAMS)
	.venv/bin/python -m pytest -q -n 2 --dist loadfile -m "unit or golden or render" --durations=15
	.venv/bin/python -m pytest -q -n 2 --dist loadfile -m "faults or browser" --durations=15

# `embedviz check` over every example lesson in every frame shape and theme (~5 CPU-min; `make test` runs the
# default lesson in all of them and each other lesson in one, in turn)
layout: setup
	EMBEDVIZ_LAYOUT=all .venv/bin/python -m pytest -q -n 2 tests/test_layout_examples.py

# README's segment and source tables, from the lesson schema's docstrings and field descriptions
docs:
	.venv/bin/python scripts/make_docs.py

# one still per segment type (and two at 9:16) in docs/gallery/, shown in README's segment table; run it
# when a scene's picture changes on purpose, look at the PNGs, commit them
gallery: setup
	.venv/bin/python scripts/make_gallery.py

# the speed figures (bench/bench_render.py, ~20 min on 2 cores; run it on a quiet machine), recorded in
# bench/speed.json and README.md's speed table
bench: setup
	.venv/bin/python bench/bench_render.py --record bench/speed.json
	.venv/bin/python scripts/make_docs.py

clean:
	rm -rf media .pytest_cache
