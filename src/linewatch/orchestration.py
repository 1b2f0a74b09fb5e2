"""Airflow glue shared by the DAG files: assets, defaults, the PostGIS engine from the Airflow connection.

The one module of the package that imports Airflow; the pipeline functions never do. Kept cheap to
import: the DAG processor parses every DAG file often, so nothing heavy at module level.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from airflow.sdk import Asset

from linewatch.config import load_config
from linewatch.settings import Settings

SETTINGS = Settings.from_env()
CONFIG = load_config(SETTINGS.config_path)
TIMEZONE = CONFIG.timezone
POSTGIS_CONN_ID = "linewatch_postgis"
START_DATE = datetime(2026, 10, 28, tzinfo=UTC)
TAGS = ["linewatch"]

# Assets: what each DAG writes, so that downstream DAGs run when it changes.
OBSERVATIONS = Asset(name="linewatch_observations", uri="linewatch://postgis/linewatch/observation")
INCIDENTS = Asset(name="linewatch_incidents", uri="linewatch://postgis/linewatch/incident")
REFERENCE = Asset(name="linewatch_reference", uri="linewatch://postgis/linewatch/reference")

DEFAULT_ARGS = {
    "owner": "linewatch",
    # LINEWATCH_TASK_RETRIES=0 in tests: dag.test() really waits between retries.
    "retries": int(os.environ.get("LINEWATCH_TASK_RETRIES", "2")),
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
}


def postgis_engine():
    """SQLAlchemy engine for the PostGIS data database, from Airflow connection `linewatch_postgis`."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    return PostgresHook(postgres_conn_id=POSTGIS_CONN_ID).get_sqlalchemy_engine()


def reporting_day(context) -> date:
    """The day a run is about: `params.day` for manual runs, else the local date its data interval starts."""
    from linewatch.periods import local_day

    chosen = context["params"].get("day")
    if chosen:
        return date.fromisoformat(chosen)
    return local_day(context["data_interval_start"], TIMEZONE)
