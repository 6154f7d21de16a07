# Two commands on a fresh machine: `make run` (the app on the demo data) and `make test`.
VENV := .venv
PYTHON := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-fast lint bench demo

# The app's own packages; the test tools come on top, for `make test` only.
$(VENV)/installed: requirements.txt
	@echo "Installing the app's packages into $(VENV) (first run only; about a minute)…"
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/test-installed: $(VENV)/installed requirements-test.txt
	@echo "Installing the test tools into $(VENV)…"
	$(PYTHON) -m pip install --quiet -r requirements-test.txt
	touch $@

# The browser tests drive Debian's Chromium; a test tool's own browser download is not used.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's chromium: sudo apt-get install chromium (or run make test-fast)"; exit 1; \
	fi

# `streamlit run app.py`, after making the demo workspace and importing the engine (ui/serve.py),
# so that the first page is drawn at once.
run: $(VENV)/installed
	$(PYTHON) -m ui.serve

# Property tests draw 20 examples each (hypothesis profile "ci", tests/conftest.py); HYPOTHESIS_PROFILE=dev
# draws a handful, for a quick loop while editing.
test: lint $(CHROMIUM)
	$(PYTHON) -m pytest --browser

# Everything but the real-browser journeys.
test-fast: lint
	$(PYTHON) -m pytest

# Lint and format (ruff), the engine's layers (import-linter), types (mypy): settings in pyproject.toml.
lint: $(VENV)/test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(VENV)/installed
	$(PYTHON) benchmarks/bench_engine.py

demo: $(VENV)/installed
	$(PYTHON) -m kpi demo data/demo
