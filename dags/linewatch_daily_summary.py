"""The daily incident summary: one report per local day, for the whole day."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    SETTINGS,
    START_DATE,
    TAGS,
    TIMEZONE,
    postgis_engine,
    reporting_day,
)


@dag(
    dag_id="linewatch_daily_summary",
    # An explicit data-interval timetable: each run's window is the whole local day it reports on
    # (a bare cron string would give a zero-width interval in Airflow 3).
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIMEZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=[*TAGS, "report"],
    default_args=DEFAULT_ARGS,
    params={"day": Param(None, type=["null", "string"], format="date",
                         description="Reporting day (YYYY-MM-DD); empty = the run's data interval")},
    doc_md="""
### Daily incident summary
**Does**: computes the day's summary from PostGIS (`sql/report/`) and writes
`reports/<date>/v<N>/report.html` (map embedded), `report.md`, `map.png`, `incidents.geojson`,
`incidents.csv`, plus a `daily_report` row with the content hash. A new version is written only when
the data changed (late data); otherwise the run changes nothing.

**Window**: the data interval, one local day in the mission's time zone. Backfill with
`airflow backfill create --dag-id linewatch_daily_summary --from-date … --to-date …`.

**Reads**: incident, flag, observation, ingest_batch, reference layers. **Writes**: daily_report, report files.

**When it fails**: the log names the day. Check that the day was flagged (`linewatch_flag_incidents`), then
clear the task; re-running is safe.
""",
)
def linewatch_daily_summary():
    @task
    def publish(**context) -> dict:
        from linewatch.report.publish import publish_daily_report

        published = publish_daily_report(postgis_engine(), reporting_day(context), CONFIG, SETTINGS.reports_dir)
        return {"day": published.day.isoformat(), "version": published.version, "new": published.new,
                "html": str(published.html), "content_hash": published.content_hash}

    publish()


linewatch_daily_summary()
