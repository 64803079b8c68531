# Two entry points, each works from a fresh clone with only Python 3.10+ installed:
#   make demo   set up .venv with the runtime dependencies and walk the course's example
#   make test   set up .venv with the test tools too (pytest, hypothesis, torch 2.13.0,
#               ruff, mypy, playwright) and run lint, type checks and the whole test suite
#               (which runs every notebook; `make notebooks` saves their outputs); as root
#               (CI) it also installs Debian's chromium for the playground's browser tests
#               when /usr/bin/chromium is missing
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint browser bench notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test,notebooks]'
	touch $@

demo: $(VENV)/.runtime
	$(BIN)/autograd-mini demo

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/mypy

# The playground's browser tests drive Debian's chromium through Playwright (the browser
# download of `playwright install` is not reachable). Root installs it; anyone else is told
# how, and the browser tests skip outside CI (under CI=true a missing browser fails them).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "make: no /usr/bin/chromium: the playground's browser tests will be skipped" \
	         "(sudo apt-get install -y chromium runs them)"; \
	  fi; \
	fi

test: lint browser
	AUTOGRAD_MINI_REQUIRE_TORCH=1 $(BIN)/python -m pytest

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test,bench,notebooks]'
	touch $@

# run every notebook in a fresh kernel and save it with its outputs (with micrograd from the
# bench extra, so notebook 6 compares the two engines)
notebooks: $(VENV)/.bench
	$(BIN)/python tools/run_notebooks.py --write

bench: $(VENV)/.bench
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
