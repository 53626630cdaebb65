# Two commands: `make run` opens the reader on the bundled briefings; `make test` runs lint and the
# tests, on every Python the project promises.

# The Pythons we promise (pyproject's requires-python, from 3.11, up to the newest released):
# `make test` runs the suite on each, and fails, naming it, where one is not installed.
PYTHONS := 3.11 3.12 3.13
# Workers for the unit and functional tests (pytest-xdist). Two: the machine CI runs on has two
# cores, and more workers than cores only slow the pilot tests that wait on the app.
JOBS ?= 2

# The interpreter for Python $(1) (3.12, say), or nothing: python3.X on PATH, uv's, or pyenv's
# newest. Each is tried by running it: pyenv's shims answer `command -v` for every version it has
# installed but run only the selected ones.
python_for = $(shell for p in "$$(command -v python$(1))" "$$(uv python find $(1) 2>/dev/null)" \
	"$$(pyenv root 2>/dev/null)/versions/$$(pyenv latest $(1) 2>/dev/null)/bin/python$(1)"; do \
	"$$p" -c '' 2>/dev/null && { echo "$$p"; break; }; done)

# .venv, which `make run` uses, is the oldest promised Python where there is one; the others get
# a venv each for the tests.
PYTHON ?= $(or $(call python_for,$(firstword $(PYTHONS))),python3)
VENV := .venv
BIN := $(VENV)/bin
venv_for = $(if $(filter $(firstword $(PYTHONS)),$(1)),$(VENV),$(VENV)-$(1))

.PHONY: run test lint bench clean pythons $(addprefix test-,$(PYTHONS))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# The venv of each other promised Python, for the tests.
$(VENV)-%/bin/python:
	@python='$(call python_for,$*)'; [ -n "$$python" ] || { echo "error: Python $* is not installed" >&2; exit 1; }; \
	echo "$$python -m venv $(VENV)-$*"; "$$python" -m venv $(VENV)-$*
	$(VENV)-$*/bin/python -m pip install --quiet --upgrade pip

$(VENV)-%/.installed-test: pyproject.toml | $(VENV)-%/bin/python
	$(VENV)-$*/bin/python -m pip install --quiet -e '.[test]'
	touch $@

# Made through the pattern rules above, which would otherwise delete them after the run.
.PRECIOUS: $(VENV)-%/bin/python $(VENV)-%/.installed-test

run: $(VENV)/.installed
	$(BIN)/briefing briefings/

# mypy reads its settings (strict, src/) and lint-imports its contracts from pyproject.toml;
# the import graph builds in well under a second, so it is not cached.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: pythons lint $(addprefix test-,$(PYTHONS))

# Before any test: a promised Python that is missing fails the run here, in one line.
pythons:
	@$(foreach v,$(PYTHONS),[ -n '$(call python_for,$(v))' ] || { echo "error: Python $(v) is \
	not installed, and make test runs the tests on each Python that pyproject promises \
	($(PYTHONS)): pyenv install $(v), or uv python install $(v)" >&2; exit 1; };)

# The unit and functional tests on $(JOBS) workers, then the end-to-end tests on their own: each
# waits for a real terminal's screen within a bound, which a full machine made them miss.
.SECONDEXPANSION:
$(addprefix test-,$(PYTHONS)): test-%: $$(call venv_for,$$*)/.installed-test
	@$(call venv_for,$*)/bin/python -c 'import sys; v = "%d.%d" % sys.version_info[:2]; \
	v == "$*" or sys.exit(f"error: $(call venv_for,$*) is Python {v}, not $*: make clean, then make test")'
	@echo "== Python $* =="
	$(call venv_for,$*)/bin/python -m pytest -n $(JOBS) tests/unit tests/functional
	$(call venv_for,$*)/bin/python -m pytest tests/e2e

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/library.py
	$(BIN)/python benchmarks/bytes.py

clean:
	rm -rf $(VENV) $(VENV)-* build dist
