# The two commands a new machine needs. Both set everything up first
# (system libraries, fonts, .venv); running them again reinstalls nothing.
.PHONY: setup demo test clean

setup:
	@bash scripts/setup.sh dev

demo: setup
	.venv/bin/embedviz render configs/default.yaml -q h

test: setup
	.venv/bin/python -m pytest -q

clean:
	rm -rf media .pytest_cache
