# Two commands do everything on a fresh clone with Python 3.11+:
#   make run    creates .venv, installs planner, plans the reference visit and writes its
#               programme, itineraries and calendars into out/
#   make test   creates .venv with the test extras and runs the whole suite (lint included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REFERENCE := fixtures/herzog-azerbaijan-2023.yaml
OUT := out

.PHONY: run test lint format tui bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/planner check --quiet $(REFERENCE)
	$(BIN)/planner generate $(REFERENCE) -o $(OUT)/herzog-azerbaijan-2023 --plans $(OUT)/plans --print-programme

lint: $(VENV)/.test-installed
	$(BIN)/ruff check planner tui tests bench
	$(BIN)/ruff format --check planner tui tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2 -q

format: $(VENV)/.test-installed
	$(BIN)/ruff format planner tui tests bench
	$(BIN)/ruff check --fix planner tui tests bench

tui: $(VENV)/.run-installed
	$(BIN)/planner tui $(REFERENCE)

bench: $(VENV)/.test-installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
