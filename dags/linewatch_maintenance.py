"""Housekeeping of the PostGIS data database: retention, then fresh planner statistics."""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, Param, dag, task

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    OPERATIONS,
    POSTGIS_POOL,
    SETTINGS,
    START_DATE,
    TAGS,
    TIMEZONE,
    postgis_engine,
)


def _days_param(default: int, what: str) -> Param:
    return Param(default, type="integer", minimum=1, description=f"Delete {what} older than this many days")


@dag(
    dag_id="linewatch_maintenance",
    # Early morning, after the daily summary (00:00) has had time to finish.
    schedule=CronTriggerTimetable("30 4 * * *", timezone=TIMEZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=[*TAGS, "maintenance"],
    default_args=DEFAULT_ARGS,
    params={
        "rejected_retention_days": _days_param(OPERATIONS.rejected_retention_days, "quarantined rows"),
        "failed_batch_retention_days": _days_param(OPERATIONS.failed_batch_retention_days,
                                                   "failed ingest batches"),
        "report_version_retention_days": _days_param(
            OPERATIONS.report_version_retention_days,
            "earlier report versions (each day's latest version is always kept)"),
        "feed": Param(None, type=["null", "string"], enum=[None, *(f.name for f in CONFIG.feeds)],
                      description="Only this feed's quarantine and failed batches; empty = every feed"),
    },
    doc_md=f"""
### Maintenance
**Does**, daily:
1. `retention`, one transaction, measured back from the run's time:
   - quarantined rows (`rejected_row`) of batches older than `rejected_retention_days`
     (default {OPERATIONS.rejected_retention_days}); the batch rows and their counts stay;
   - `failed` ingest batches older than `failed_batch_retention_days`
     (default {OPERATIONS.failed_batch_retention_days});
   - report versions generated more than `report_version_retention_days` ago
     (default {OPERATIONS.report_version_retention_days}), row and files, **except each day's latest
     version, which is never deleted**; earlier versions stay readable until then.
2. `analyze`: `ANALYZE` of every `linewatch` table, so the planner sees today's data.

Defaults come from `operations:` in `config/linewatch.yaml`; a manual run may override them (and limit
the quarantine clean-up to one `feed`). Re-running a day deletes nothing more.

**Reads/writes**: rejected_row, ingest_batch, daily_report, report folders under the reports directory.
Tasks run in the `linewatch_postgis` pool.

**When it fails**: the log (and the alert webhook, if configured) says which step. Retention is one
transaction, so a failure deletes nothing; clear the task after fixing the cause. A failed ANALYZE is
harmless for a day (the planner uses older statistics).
""",
)
def linewatch_maintenance():
    @task(pool=POSTGIS_POOL)
    def retention(**context) -> dict:
        from dataclasses import replace
        from datetime import UTC, datetime

        from linewatch.maintenance import apply_retention

        params = context["params"]
        operations = replace(OPERATIONS, **{key: int(params[key]) for key in (
            "rejected_retention_days", "failed_batch_retention_days", "report_version_retention_days")})
        as_of = context.get("data_interval_end") or context.get("logical_date") or datetime.now(UTC)
        return apply_retention(postgis_engine(), as_of, operations, SETTINGS.reports_dir,
                               feed=params.get("feed")).as_dict()

    @task(pool=POSTGIS_POOL)
    def analyze() -> list[str]:
        from linewatch.maintenance import analyze_tables

        return analyze_tables(postgis_engine())

    retention() >> analyze()


linewatch_maintenance()
