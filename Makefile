# DataJam: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo run worker beat test lint format migrations-check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The cache table is used when REDIS_URL is unset (login counts, invitation caps); harmless otherwise.
migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo

# Web server, Celery worker (scoring + default queues) and beat in one command; Ctrl-C stops all.
run: demo
	$(PY) manage.py rundev --host $(HOST) --port $(PORT)

worker: install
	$(VENV)/bin/celery -A datajam worker -Q scoring,default --loglevel INFO

beat: install
	$(VENV)/bin/celery -A datajam beat --loglevel INFO

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

migrations-check: lint

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Two processes (pytest-xdist, one test database each) for everything but the end-to-end tests,
# which start real workers on one Redis database and run after, one at a time.
TEST_PROCESSES ?= 2
test: install lint
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadfile -m "not e2e" $(PYTEST_ARGS)
	$(VENV)/bin/pytest -m e2e $(PYTEST_ARGS)

bench: install
	$(PY) bench/scoring.py
	$(PY) bench/generate.py
	$(PY) bench/leaderboard.py

clean:
	rm -rf var/ $(VENV)
