"""Flag observations against the rules and cluster them into incidents, when observations change."""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    INCIDENTS,
    OBSERVATIONS,
    POSTGIS_POOL,
    START_DATE,
    TAGS,
    day_params,
    postgis_engine,
    reporting_days,
)


@dag(
    dag_id="linewatch_flag_incidents",
    schedule=[OBSERVATIONS],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=[*TAGS, "rules"],
    default_args=DEFAULT_ARGS,
    params={
        "days": Param([], type="array", items={"type": "string", "format": "date"},
                      description="Reporting days to (re)flag, YYYY-MM-DD; added to the days the "
                                  "triggering ingest runs name"),
        **{name: param for name, param in day_params("re-flag").items() if name != "day"},
    },
    doc_md="""
### Flag and cluster
**Does**: for each affected reporting day, runs every rule in `config/linewatch.yaml` (SQL in `sql/flag/`)
against the reference layers in force at each observation's time, then clusters the flagged
observations into incidents (`sql/incidents/`). Each day is one transaction and is replaced whole.
Then `check_flag_passes` verifies that every rule ran over every observation of each day.

**Triggered by**: the `linewatch_observations` asset; the days come from the asset events' extra.
**Manual runs**: `days` (a list) and/or `date_from` + `date_to`, to re-flag days after a rule or
reference-layer change. (The daily summary re-flags its own day too, so a backfill of
`linewatch_daily_summary` also applies a rule change.)

**Reads**: observation, line_of_occupation, line_piece, occupied_area, sector, zone.
**Writes**: flag, flag_run, incident, incident_observation. Emits `linewatch_incidents`.
Tasks on PostGIS run in the `linewatch_postgis` pool.

**When it fails**: the log (and the alert webhook, if configured) names the day and the SQL file. A failed
day is left as it was (one transaction per day); fix the rule or layer and clear the task — re-running
is safe (same rows). `check_flag_passes` failing means observations of a day arrived after its flag
pass, or a rule never ran: re-flag the day it names.
""",
)
def linewatch_flag_incidents():
    @task
    def affected_days(**context) -> list[str]:
        days = set(context["params"].get("days") or [])
        if context["params"].get("date_from") or context["params"].get("date_to"):
            days.update(d.isoformat() for d in reporting_days(context))
        for events in (context.get("triggering_asset_events") or {}).values():
            for event in events:
                days.update((event.extra or {}).get("days", []))
        return sorted(days)

    @task(outlets=[INCIDENTS], pool=POSTGIS_POOL)
    def flag_and_cluster(days: list[str], **context) -> dict:
        from datetime import date

        from linewatch.pipeline import flag_and_cluster as run

        result = run(postgis_engine(), [date.fromisoformat(d) for d in days], CONFIG)
        context["outlet_events"][INCIDENTS].extra = {"days": days}
        return result

    @task(pool=POSTGIS_POOL)
    def check_flag_passes(days: list[str], flagged: dict) -> list[dict]:
        from datetime import date

        from linewatch.checks import check_flag_passes as check

        with postgis_engine().connect() as conn:
            return [check(conn, date.fromisoformat(d), CONFIG) for d in days]

    days = affected_days()
    check_flag_passes(days, flag_and_cluster(days))


linewatch_flag_incidents()
