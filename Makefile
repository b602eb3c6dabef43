# Two commands for a fresh clone with only python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BUNDLE_STAMP := $(VENV)/.bundle-stamp

.PHONY: run test bench bench-exchange e2e clean bundle

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# PyInstaller and packaging, for `make bundle` and the tests that build bundles; `make run` needs neither.
$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bundle]'
	touch $(BUNDLE_STAMP)

run: $(STAMP)  ## open the TUI on the bundled task list (loaded on first run)
	@# Byte-compile ahead (a no-op when current): where PYTHONDONTWRITEBYTECODE is set,
	@# Python would otherwise compile every module of the editable install at every start.
	@$(BIN)/python -m compileall -q supervise_tui
	$(BIN)/supervise-tui

test: $(BUNDLE_STAMP)  ## lint, type-check, then the whole suite on both cores (tmux runs and bundle builds included)
	$(BIN)/ruff check supervise_tui tests tools benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup

bench: $(STAMP)  ## start-up, latency, memory, diff, batch-job and loader figures (300 and 200,000 items)
	$(BIN)/python benchmarks/bench.py

bench-exchange: $(STAMP)  ## importing 1,000 return files (200,000 items) as one process, against its floor
	@$(BIN)/python -m compileall -q supervise_tui
	$(BIN)/python benchmarks/exchange.py

bundle: $(BUNDLE_STAMP)  ## offline install zips (Linux x86-64/aarch64, Windows) and the Linux executable, into dist/
	$(BIN)/python -m tools.offline.build --out dist

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
