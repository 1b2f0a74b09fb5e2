"""Airflow glue shared by the DAG files: assets, defaults, the PostGIS pool and engine, manual-run params,
failure and deadline alerts.

The one module of the package that imports Airflow; the pipeline functions never do. Kept cheap to
import: the DAG processor parses every DAG file often, so nothing heavy at module level.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import urllib.request
from datetime import UTC, date, datetime, timedelta

from airflow.sdk import Asset, Param

from linewatch.config import load_config
from linewatch.settings import Settings

log = logging.getLogger(__name__)

SETTINGS = Settings.from_env()
CONFIG = load_config(SETTINGS.config_path)
OPERATIONS = CONFIG.operations
TIMEZONE = CONFIG.timezone
POSTGIS_CONN_ID = "linewatch_postgis"
# Tasks that work on PostGIS run in this Airflow pool, so that backfills cannot swamp the database.
# scripts/airflow-local.sh and the compose airflow-init create it (`airflow pools set`): the scheduler
# never queues a task whose pool is missing. dag.test() ignores pools, so scripts and tests need none.
POSTGIS_POOL = "linewatch_postgis"
START_DATE = datetime(2026, 10, 28, tzinfo=UTC)
TAGS = ["linewatch"]
# The longest date range a manual run accepts (a year of days, one transaction each).
MAX_RANGE_DAYS = 366

# Assets: what each DAG writes, so that downstream DAGs run when it changes.
OBSERVATIONS = Asset(name="linewatch_observations", uri="linewatch://postgis/linewatch/observation")
INCIDENTS = Asset(name="linewatch_incidents", uri="linewatch://postgis/linewatch/incident")
REFERENCE = Asset(name="linewatch_reference", uri="linewatch://postgis/linewatch/reference")


# --- alerts -----------------------------------------------------------------------------------------


def webhook_url() -> str | None:
    """The alert webhook, from the environment variable named in config `operations.webhook_url_env`."""
    return os.environ.get(OPERATIONS.webhook_url_env) or None


def post_alert(message: dict, timeout: float = 10.0) -> bool:
    """POST `message` as JSON to the alert webhook, if one is configured. Never raises: an alert that
    cannot be delivered is logged, and must not hide the failure it reports."""
    url = webhook_url()
    if not url:
        return False
    request = urllib.request.Request(url, data=json.dumps(message, default=str).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (operator-set URL)
            log.info("alert posted to the webhook (HTTP %s)", response.status)
        return True
    except Exception as exc:
        log.error("could not post the alert to the webhook %s: %s", OPERATIONS.webhook_url_env, exc)
        return False


def notify_failure(context) -> None:
    """on_failure_callback of every task: one clear log line naming the task, run and error, and the same
    as JSON to the alert webhook when configured."""
    ti = context["ti"]
    error = context.get("exception")
    message = {
        "event": "task_failed",
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": ti.run_id,
        "try_number": ti.try_number,
        "logical_date": context.get("logical_date"),
        "data_interval_end": context.get("data_interval_end"),
        "error": f"{type(error).__name__}: {error}" if error else "unknown (see the task log)",
        "log_url": getattr(ti, "log_url", None),
    }
    log.error("linewatch task FAILED: %(dag_id)s.%(task_id)s run %(run_id)s try %(try_number)s: %(error)s",
              message)
    post_alert(message)


async def report_deadline_missed(context: dict, **kwargs) -> None:
    """Deadline-alert callback (runs in the triggerer): the daily report is late."""
    dag_run = context.get("dag_run") or {}
    message = {
        "event": "report_late",
        "dag_id": dag_run.get("dag_id"),
        "run_id": dag_run.get("dag_run_id") or dag_run.get("run_id"),
        "data_interval_start": dag_run.get("data_interval_start"),
        "deadline": (context.get("deadline") or {}).get("deadline_time"),
        "state": dag_run.get("state"),
        "hours_allowed": kwargs.get("hours"),
    }
    log.error("linewatch daily report LATE: %(dag_id)s run %(run_id)s (day starting %(data_interval_start)s) "
              "has not succeeded by its deadline %(deadline)s", message)
    await asyncio.to_thread(post_alert, message)


DEFAULT_ARGS = {
    "owner": "linewatch",
    # LINEWATCH_TASK_RETRIES=0 in tests: dag.test() really waits between retries.
    "retries": int(os.environ.get("LINEWATCH_TASK_RETRIES", "2")),
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
    "on_failure_callback": notify_failure,
}


# --- the data database --------------------------------------------------------------------------------


def postgis_engine():
    """SQLAlchemy engine for the PostGIS data database, from Airflow connection `linewatch_postgis`."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    return PostgresHook(postgres_conn_id=POSTGIS_CONN_ID).get_sqlalchemy_engine()


# --- which days a run is about -----------------------------------------------------------------------


def day_params(what: str) -> dict:
    """Params of a manual run: one day, or a range of days; all empty = the run's data interval."""
    optional_date = {"type": ["null", "string"], "format": "date"}
    return {
        "day": Param(None, **optional_date, description=f"Reporting day to {what} (YYYY-MM-DD); "
                                                         "empty = the run's data interval"),
        "date_from": Param(None, **optional_date, description=f"First day of a range to {what}; "
                                                               "needs date_to"),
        "date_to": Param(None, **optional_date, description="Last day of the range (inclusive)"),
    }


def reporting_days(context) -> list[date]:
    """The days a run is about: the range `date_from`..`date_to`, else `day`, else the local day its
    data interval starts."""
    from linewatch.periods import days_between, local_day

    params = context["params"]
    first, last = params.get("date_from"), params.get("date_to")
    if first or last:
        if not (first and last):
            raise ValueError(f"give both date_from and date_to (got {first!r}, {last!r})")
        first, last = date.fromisoformat(first), date.fromisoformat(last)
        if not 0 <= (last - first).days < MAX_RANGE_DAYS:
            raise ValueError(f"date_from {first} .. date_to {last}: need date_from <= date_to, "
                             f"at most {MAX_RANGE_DAYS} days")
        return days_between(first, last)
    if params.get("day"):
        return [date.fromisoformat(params["day"])]
    return [local_day(context["data_interval_start"], TIMEZONE)]

