# linewatch — the two commands: `make demo` and `make test`. Every step is idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The PostGIS data database. Set LINEWATCH_DATABASE_URL to use your own (it must have PostGIS);
# otherwise the local PostgreSQL on 127.0.0.1:5432 is provisioned.
# Migrations run as the schema owner (a superuser or a member of linewatch_owner); the DAGs and the CLI
# log in as a member of linewatch_pipeline, analysts of linewatch_analyst (README, "Security"; migration 0004).
ifdef LINEWATCH_DATABASE_URL
export LINEWATCH_EXTERNAL_DATABASE := 1
export LINEWATCH_OWNER_DATABASE_URL ?= $(LINEWATCH_DATABASE_URL)
else
export LINEWATCH_OWNER_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/linewatch
export LINEWATCH_DATABASE_URL := postgresql+psycopg://linewatch_pipeline_login@127.0.0.1:5432/linewatch
endif
# Airflow reaches the same database through connection `linewatch_postgis` (a libpq URI, no driver suffix).
export AIRFLOW_CONN_LINEWATCH_POSTGIS ?= $(subst +psycopg,,$(LINEWATCH_DATABASE_URL))
# Airflow's own metadata database is separate from the data database.
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN ?= postgresql+psycopg://postgres@127.0.0.1:5432/linewatch_airflow
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__UNIT_TEST_MODE := False
export LINEWATCH_REPORTS_DIR ?= $(CURDIR)/reports

.PHONY: help venv postgis migrate airflow-db browser demo test lint bench airflow sample clean

help:
	@echo "make demo    set up everything, run the Airflow DAGs over the sample days, print report paths"
	@echo "make test    set up everything, run the whole test suite (real PostGIS, real DAGs)"
	@echo "make airflow start a local Airflow UI (login required) against the local PostGIS"
	@echo "make bench   run the benchmarks"
	@echo "make lint    ruff (including Airflow AIR rules)"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/python -m uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/python -m uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

postgis:
	bash scripts/provision-postgis.sh

migrate: venv postgis
	$(BIN)/linewatch db upgrade
	bash scripts/provision-postgis.sh logins

airflow-db: venv postgis
	@mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -50 $(AIRFLOW_HOME)/db-migrate.log; exit 1)

demo: migrate airflow-db
	$(BIN)/python scripts/run_dags.py --sample

# Headless Chromium + chromedriver for tests/browser (Debian packages; installed only when missing).
browser:
	bash scripts/provision-browser.sh

test: migrate airflow-db browser
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check src dags tests scripts benchmarks

bench: migrate
	$(BIN)/python -m benchmarks

airflow: migrate airflow-db
	bash scripts/airflow-local.sh

sample: venv
	$(BIN)/linewatch sample sample_data

clean:
	rm -rf reports .airflow
