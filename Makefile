# The two commands a new machine needs. Both set everything up first
# (system libraries, fonts, .venv); running them again reinstalls nothing.
.PHONY: setup demo test docs bench clean

setup:
	@bash scripts/setup.sh dev

demo: setup
	.venv/bin/embedviz render configs/default.yaml -q h

# the test set-up also installs Debian's chromium for the browser playback test
test:
	@EMBEDVIZ_BROWSER=1 bash scripts/setup.sh dev
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -q

# README's segment and source tables, from the lesson schema's docstrings and field descriptions
docs:
	.venv/bin/python scripts/make_docs.py

# the speed figures (bench/bench_render.py, ~20 min on 2 cores; run it on a quiet machine), recorded in
# bench/speed.json and README.md's speed table
bench: setup
	.venv/bin/python bench/bench_render.py --record bench/speed.json
	.venv/bin/python scripts/make_docs.py

clean:
	rm -rf media .pytest_cache
