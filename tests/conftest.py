"""Test fixtures: a real PostGIS database (`<name>_test` beside the configured one), migrated fresh per session.

Nothing is mocked: tests talk to PostgreSQL/PostGIS and run DAGs with dag.test().
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"

_pipeline_url = make_url(
    os.environ.get("LINEWATCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/linewatch")
).set(drivername="postgresql+psycopg")
_owner_url = make_url(os.environ.get("LINEWATCH_OWNER_DATABASE_URL") or _pipeline_url).set(
    drivername="postgresql+psycopg")
# The test database, beside the configured one. Fixtures set it up as the owner (create, migrate, truncate);
# the DAGs under test run as the pipeline login, as they do in production.
TEST_URL = _owner_url.set(database=f"{_owner_url.database}_test")
PIPELINE_TEST_URL = _pipeline_url.set(database=TEST_URL.database)
LOCAL_PIPELINE_LOGIN = "linewatch_pipeline_login"

# Everything that runs in this process (DAG tasks included) uses the test database and a temp reports dir.
os.environ["LINEWATCH_OWNER_DATABASE_URL"] = TEST_URL.render_as_string(hide_password=False)
os.environ["LINEWATCH_DATABASE_URL"] = PIPELINE_TEST_URL.render_as_string(hide_password=False)
os.environ["AIRFLOW_CONN_LINEWATCH_POSTGIS"] = PIPELINE_TEST_URL.set(drivername="postgresql").render_as_string(
    hide_password=False)
os.environ["LINEWATCH_TASK_RETRIES"] = "0"
# Airflow's metadata database, as the Makefile sets it up (`make test` migrates it first).
os.environ.setdefault("AIRFLOW_HOME", str(ROOT / ".airflow"))
os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                      "postgresql+psycopg://postgres@127.0.0.1:5432/linewatch_airflow")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
ARTIFACTS = ROOT / "test-artifacts"
os.environ["LINEWATCH_REPORTS_DIR"] = str(ARTIFACTS / "reports")

TABLES = ("daily_report", "incident_observation", "incident", "flag", "flag_run", "rejected_row", "observation",
          "ingest_batch", "line_piece", "line_of_occupation", "occupied_area", "zone", "sector")


def _create_database() -> None:
    admin = sa.create_engine(TEST_URL.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": TEST_URL.database})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{TEST_URL.database}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{TEST_URL.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    from linewatch.db import make_engine
    from linewatch.migrate import upgrade

    _create_database()
    eng = make_engine(TEST_URL.render_as_string(hide_password=False))
    with eng.begin() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    upgrade(eng)
    if PIPELINE_TEST_URL.username == LOCAL_PIPELINE_LOGIN:  # the local setup: make sure the logins exist
        from linewatch.db import read_sql

        with eng.begin() as conn:
            conn.execute(sa.text(read_sql("roles/local_logins.sql")))
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine):
    """An empty schema (migrated, no rows) for one test."""
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(f"linewatch.{t}" for t in TABLES) + " RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture(scope="session")
def config():
    from linewatch.config import load_config

    return load_config(ROOT / "config" / "linewatch.yaml")


@pytest.fixture
def reference(db):
    """The sample reference layers loaded into an empty schema."""
    from linewatch.reference import load_reference_folder

    with db.begin() as conn:
        load_reference_folder(conn, SAMPLE / "reference")
    return db


@pytest.fixture(scope="session")
def role_engine(engine):
    """role_engine("pipeline" | "analyst" | "owner"): an engine logged in as that role's local login user
    (sql/roles/local_logins.sql, created here if missing), on the test database."""
    from linewatch.db import make_engine, read_sql

    with engine.begin() as conn:
        conn.execute(sa.text(read_sql("roles/local_logins.sql")))
    engines = {}

    def make(role: str):
        if role not in engines:
            url = TEST_URL.set(username=f"linewatch_{role}_login", password=None)
            engines[role] = make_engine(url.render_as_string(hide_password=False))
        return engines[role]

    yield make
    for eng in engines.values():
        eng.dispose()


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def rows(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).all()
