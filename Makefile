# The two commands in the README:
#   make run    install everything, seed demo members once, serve http://127.0.0.1:5000 (SQLite in instance/)
#   make test   install the test extras and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app mentormatch

.PHONY: run test lint lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "MentorMatch needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app-installed: $(BIN)/python requirements/app.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/app.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.test-installed: $(BIN)/python requirements/test.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.app-installed

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser tests will be skipped (install Node.js to run them)."; fi

run: $(VENV)/.app-installed
	$(FLASK) --debug db upgrade
	$(FLASK) --debug seed-demo --users 300
	$(FLASK) --debug run

test: $(VENV)/.test-installed node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check mentormatch tests
	$(BIN)/lint-imports --no-cache

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --generate-hashes --extra prod -o requirements/app.lock pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --generate-hashes --extra prod --extra test -o requirements/test.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
