"""Flag observations against the rules and cluster them into incidents, when observations change."""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    INCIDENTS,
    OBSERVATIONS,
    START_DATE,
    TAGS,
    postgis_engine,
)


@dag(
    dag_id="linewatch_flag_incidents",
    schedule=[OBSERVATIONS],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=[*TAGS, "rules"],
    default_args=DEFAULT_ARGS,
    params={"days": Param([], type="array", items={"type": "string", "format": "date"},
                          description="Reporting days to (re)flag, YYYY-MM-DD; added to the days the "
                                      "triggering ingest runs name")},
    doc_md="""
### Flag and cluster
**Does**: for each affected reporting day, runs every rule in `config/linewatch.yaml` (SQL in `sql/flag/`)
against the line of occupation in force at each observation's time, then clusters the flagged
observations into incidents (`sql/incidents/`). Each day is one transaction and is replaced whole.

**Triggered by**: the `linewatch_observations` asset; the days come from the asset events' extra.
Trigger by hand with `days` to re-flag days after a rule or reference-layer change.

**Reads**: observation, line_of_occupation, line_piece, occupied_area, sector.
**Writes**: flag, flag_run, incident, incident_observation. Emits `linewatch_incidents`.

**When it fails**: the log names the day and the SQL file. Re-running is safe (same rows).
""",
)
def linewatch_flag_incidents():
    @task
    def affected_days(**context) -> list[str]:
        days = set(context["params"].get("days") or [])
        for events in (context.get("triggering_asset_events") or {}).values():
            for event in events:
                days.update((event.extra or {}).get("days", []))
        return sorted(days)

    @task(outlets=[INCIDENTS])
    def flag_and_cluster(days: list[str], **context) -> dict:
        from datetime import date

        from linewatch.pipeline import flag_and_cluster as run

        result = run(postgis_engine(), [date.fromisoformat(d) for d in days], CONFIG)
        context["outlet_events"][INCIDENTS].extra = {"days": days}
        return result

    flag_and_cluster(affected_days())


linewatch_flag_incidents()
