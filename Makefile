# The two commands: `make run` (the app with demo data) and `make test` (the test suite).
# Both create .venv when missing, install the project into it when pyproject.toml changed, and
# start embedded PostgreSQL and Redis under var/ unless DATABASE_URL / REDIS_URL are set.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: run test lint bench manage services install clean-var help

help:
	@echo "make run                 start the app (web, worker, beat) with demo data"
	@echo "make test [ARGS=...]     run the test suite (extra pytest arguments in ARGS)"
	@echo "make lint                ruff"
	@echo "make bench [ARGS=...]    benchmarks (bench/run.py)"
	@echo "make manage ARGS=...     any manage.py command, against the dev servers"
	@echo "make services            only the embedded PostgreSQL and Redis, until Ctrl-C"
	@echo "make clean-var           delete var/ (dev database, Redis, media)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) scripts/dev.py run

test: $(STAMP)
	$(PY) scripts/dev.py test $(ARGS)

bench: $(STAMP)
	$(PY) scripts/dev.py bench $(ARGS)

manage: $(STAMP)
	$(PY) scripts/dev.py manage $(ARGS)

services: $(STAMP)
	$(PY) scripts/dev.py services

lint: $(STAMP)
	$(PY) -m ruff check .

clean-var:
	rm -rf var
