# Two commands for a fresh clone with only python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench e2e clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## open the TUI on the bundled task list (loaded on first run)
	@# Byte-compile ahead (a no-op when current): where PYTHONDONTWRITEBYTECODE is set,
	@# Python would otherwise compile every module of the editable install at every start.
	@$(BIN)/python -m compileall -q supervise_tui
	$(BIN)/supervise-tui

test: $(STAMP)  ## the whole test suite, the tmux end-to-end runs included
	$(BIN)/python -m pytest

bench: $(STAMP)  ## start-up, latency, memory and diff figures at 300 and 200,000 items
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
