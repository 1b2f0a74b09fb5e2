"""Ingest DAGs: one per feed in the feed registry (config/linewatch.yaml, `feeds:`)."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    OBSERVATIONS,
    START_DATE,
    TAGS,
    TIMEZONE,
    postgis_engine,
    reporting_day,
)

DOC = """
### Ingest feed `{name}` ({format})
{description}

**Does**: reads the day's file `{path}`, parses and validates every row, quarantines bad rows with a
reason (`linewatch.rejected_row`), COPYs the good ones into staging and merges them into
`linewatch.observation` on (feed, source_id). Records an `ingest_batch` row (file sha256, counts).
An identical re-delivery (same sha256) is skipped. Emits the `linewatch_observations` asset with the
affected reporting days in its extra, which triggers flagging.

**Reads**: the feed file. **Writes**: observation, ingest_batch, rejected_row.

**When it fails**: the log names the file and the reason. A missing file means the feed is late: check
with its provider, then clear the task. A failed load leaves the database unchanged (and a `failed`
ingest_batch row with the error); fix the file or the parser and clear the task — re-running is safe.
Run a past day by triggering with `day` = YYYY-MM-DD.
"""


def build_ingest_dag(feed):
    @dag(
        dag_id=f"linewatch_ingest_{feed.name}",
        schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIMEZONE),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=[*TAGS, "ingest", f"feed:{feed.name}"],
        default_args=DEFAULT_ARGS,
        doc_md=DOC.format(**vars(feed)),
        params={"day": Param(None, type=["null", "string"], format="date",
                             description="Reporting day to ingest (YYYY-MM-DD); empty = the run's data interval")},
    )
    def ingest_feed():
        @task(outlets=[OBSERVATIONS])
        def ingest(**context) -> dict:
            from linewatch.ingest import ingest_file

            day = reporting_day(context)
            path = feed.path_for(day)
            if not path.is_file():
                raise FileNotFoundError(f"feed {feed.name}: no file for {day} at {path} (feed late or missing)")
            result = ingest_file(postgis_engine(), path, feed.name, feed.format, tz=TIMEZONE)
            context["outlet_events"][OBSERVATIONS].extra = {
                "feed": feed.name, "batch_id": result.batch_id, "days": [d.isoformat() for d in result.days]}
            return result.as_dict()

        ingest()

    return ingest_feed()


for _feed in CONFIG.feeds:
    build_ingest_dag(_feed)
