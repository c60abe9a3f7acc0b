# news-monitor: the everyday commands. `make test` and `make run` are ./bootstrap's two commands;
# the benchmarks (issue 9, docs/performance.md) need the `bench` extra, installed once into .venv.

VENV ?= .venv
PYTHON ?= $(VENV)/bin/python

.PHONY: test run typecheck bench bench-quick

test:
	./bootstrap test

run:
	./bootstrap run

# mypy --strict over monitor/ ([tool.mypy] in pyproject.toml); `./bootstrap test` runs it too.
typecheck:
	@[ -x $(VENV)/bin/mypy ] || { echo "make: no mypy in $(VENV): run ./bootstrap test first" >&2; exit 1; }
	$(PYTHON) -m mypy

# Under a minute: 100 feeds, 100,000 stored articles, a 3-day polling simulation; same shape as `bench`.
bench-quick: $(VENV)/.bench-installed
	$(PYTHON) bench/run.py --quick

# Minutes: 1,000 feeds x 50 items, 1,000,000 stored articles, a 7-day simulation, the stage benchmarks.
bench: $(VENV)/.bench-installed
	$(PYTHON) bench/run.py

$(VENV)/.bench-installed: pyproject.toml
	@[ -x $(PYTHON) ] || { echo "make: no $(VENV) yet: run ./bootstrap test first" >&2; exit 1; }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	@touch $@
