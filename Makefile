# Frankly: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV_VERSION := 0.13.9
PG_BASE_URL ?= postgres://postgres@127.0.0.1:5432

.PHONY: install run demo test test-sqlite test-postgres lint format lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/frankly migrate --no-input
	$(BIN)/frankly demo
	PORT=$(PORT) $(BIN)/frankly serve

demo: install
	$(BIN)/frankly migrate --no-input
	$(BIN)/frankly demo

# The whole suite on SQLite and on PostgreSQL (a fresh database each), the two side by
# side on two cores; FRANKLY_TEST_SEQUENTIAL=1 runs one after the other.
test: install
	bash scripts/test-prerequisites
	$(BIN)/ruff check .
	bash scripts/test-both

test-sqlite: install
	@echo "== tests on SQLite =="
	env -u DATABASE_URL FRANKLY_TEST_SQLITE=var/test-$$$$.sqlite3 $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_BASE_URL)/frankly_$$$$ $(BIN)/pytest --create-db $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The load benchmark (bench/run.py), on SQLite then PostgreSQL with Redis; results in
# bench/results/. BENCH_ARGS="--scale 0.1 --duration 5" for a quicker run.
BENCH_ARGS ?=
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
bench: install
	bash scripts/test-prerequisites
	$(BIN)/python bench/run.py --db sqlite $(BENCH_ARGS)
	$(BIN)/python bench/run.py --db postgres --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) var/test-*.sqlite3* .pytest_cache
