"""The daily incident summary: one report per local day, for the whole day."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import (
    AsyncCallback,
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    dag,
    task,
)

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    OPERATIONS,
    POSTGIS_POOL,
    SETTINGS,
    START_DATE,
    TAGS,
    TIMEZONE,
    day_params,
    postgis_engine,
    report_deadline_missed,
    reporting_days,
)


@dag(
    dag_id="linewatch_daily_summary",
    # An explicit data-interval timetable: each run's window is the whole local day it reports on
    # (a bare cron string would give a zero-width interval in Airflow 3).
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIMEZONE),
    start_date=START_DATE,
    # No catch-up: unpausing must not start a run for every day since start_date. Past days are filled
    # on purpose with `airflow backfill create` (Airflow 3 backfills do not need catchup=True).
    catchup=False,
    max_active_runs=1,
    tags=[*TAGS, "report"],
    default_args=DEFAULT_ARGS,
    params={
        **day_params("report on"),
        "reflag": Param(True, type="boolean",
                        description="Re-flag and re-cluster the day(s) with the rules in force before "
                                    "reporting (same rows when nothing changed)"),
    },
    # Late report: the run is queued when its day ends; if it has not succeeded report_deadline_hours
    # later, the triggerer logs it and posts to the alert webhook. Queued-at, not the logical date, so a
    # backfill of past days does not raise an alert per day.
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(hours=OPERATIONS.report_deadline_hours),
        callback=AsyncCallback(report_deadline_missed, kwargs={"hours": OPERATIONS.report_deadline_hours}),
        name="daily_report_late",
    ),
    doc_md=f"""
### Daily incident summary
**Does**, for the run's day (or each day of a manual range):
1. `reflag`: re-runs the rules and the incident clustering for the day (`sql/flag/`, `sql/incidents/`),
   so that the report follows the rules and reference layers in force. Same rows when nothing changed.
2. `check_flag_passes`: every rule ran over every observation of the day.
3. `publish`: computes the summary (`sql/report/`) and writes `reports/<date>/v<N>/report.html` (map
   embedded), `report.md`, `map.png`, `incidents.geojson`, `incidents.csv`, plus a `daily_report` row
   with the content hash. A new version is written only when the content changed; earlier versions stay.
4. `check_report`: the published headline numbers equal fresh counts from the database.

**Window**: the data interval, one local day in {TIMEZONE} (23 or 25 hours on DST days).
Runs are not caught up automatically (`catchup=False`). To (re)build past days, for example after a rule
change, backfill: `airflow backfill create --dag-id linewatch_daily_summary --from-date 2026-11-01
--to-date 2026-11-07 --reprocess-behavior completed`. That rewrites those days' flags, incidents and (when
the content changed) adds report versions, and nothing else.
**Manual runs**: `day`, or `date_from` + `date_to`; `reflag` = false reports on the flags as they are.

**Deadline**: the run must succeed within {OPERATIONS.report_deadline_hours:g} h of being queued (just after
its day ends); otherwise a "report late" alert is logged by the triggerer and posted to the webhook.

**Reads**: observation, reference layers, ingest_batch. **Writes**: flag, flag_run, incident,
incident_observation, daily_report, report files. Tasks on PostGIS run in the `linewatch_postgis` pool.

**When it fails**: the log (and the alert webhook, if configured) names the day. A `check_*` task says
which numbers disagree. Check the day's ingest runs, fix the cause, then clear the failed task;
re-running is safe.
""",
)
def linewatch_daily_summary():
    @task
    def days(**context) -> list[str]:
        return [d.isoformat() for d in reporting_days(context)]

    @task(pool=POSTGIS_POOL)
    def reflag(days: list[str], **context) -> dict:
        from datetime import date

        from linewatch.pipeline import flag_and_cluster

        if not context["params"].get("reflag", True):
            return {}
        return flag_and_cluster(postgis_engine(), [date.fromisoformat(d) for d in days], CONFIG)

    @task(pool=POSTGIS_POOL)
    def check_flag_passes(days: list[str], flagged: dict) -> list[dict]:
        from datetime import date

        from linewatch.checks import check_flag_passes as check

        with postgis_engine().connect() as conn:
            return [check(conn, date.fromisoformat(d), CONFIG) for d in days]

    @task(pool=POSTGIS_POOL)
    def publish(days: list[str], checked: list[dict]) -> list[dict]:
        from datetime import date

        from linewatch.report.publish import publish_daily_report

        reports = []
        for day in days:
            published = publish_daily_report(postgis_engine(), date.fromisoformat(day), CONFIG,
                                             SETTINGS.reports_dir)
            reports.append({"day": published.day.isoformat(), "version": published.version,
                            "new": published.new, "html": str(published.html),
                            "content_hash": published.content_hash})
        return reports

    @task(pool=POSTGIS_POOL)
    def check_report(reports: list[dict]) -> list[dict]:
        from datetime import date

        from linewatch.checks import check_report as check

        with postgis_engine().connect() as conn:
            return [check(conn, date.fromisoformat(r["day"]), CONFIG) for r in reports]

    run_days = days()
    check_report(publish(run_days, check_flag_passes(run_days, reflag(run_days))))


linewatch_daily_summary()
