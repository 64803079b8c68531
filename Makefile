# Two entry points, each works from a fresh clone with only Python 3.10+ installed:
#   make demo   set up .venv with the runtime dependencies and walk the course's example
#   make test   set up .venv with the test tools too (pytest, hypothesis, torch 2.13.0,
#               ruff, mypy) and run lint, type checks and the whole test suite
#               (which runs every notebook; `make notebooks` saves their outputs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint bench notebooks clean

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

test: lint
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
