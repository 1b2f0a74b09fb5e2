"""Ingest DAGs: one per feed in the feed registry (config/linewatch.yaml, `feeds:`)."""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, TriggerRule, dag, task

from linewatch.orchestration import (
    CONFIG,
    DEFAULT_ARGS,
    OBSERVATIONS,
    POSTGIS_POOL,
    START_DATE,
    TAGS,
    TIMEZONE,
    day_params,
    postgis_engine,
    reporting_days,
)

DOC = """
### Ingest feed `{name}` ({format})
{description}

**Does**: reads the day's file `{path}`, parses and validates every row, quarantines bad rows with a
reason (`linewatch.rejected_row`), COPYs the good ones into staging and merges them into
`linewatch.observation` on (feed, source_id). Records an `ingest_batch` row (file sha256, counts).
An identical re-delivery (same sha256) is skipped. Emits the `linewatch_observations` asset with the
affected reporting days in its extra, which triggers flagging.

**Checks** (tasks that fail with a message naming the numbers):
- `check_batches`: each batch accounts for every row it read (loaded + updated + rejected + duplicate),
  and the database holds exactly what the batch says it loaded and quarantined;
- `check_freshness` (runs even when the load failed): the feed's newest loaded data is at most
  {cadence_hours:g} h (cadence) + {expected_delay_hours:g} h (expected delay) older than the end of the
  run's window. Set the cadence and delay per feed in `config/linewatch.yaml`.

**Reads**: the feed file. **Writes**: observation, ingest_batch, rejected_row. Tasks on PostGIS run in the
`linewatch_postgis` pool.

**Manual runs**: `day` = YYYY-MM-DD, or `date_from` + `date_to` for a range of daily files.

**When it fails**: the log (and the alert webhook, if configured) names the file and the reason.
- A missing file means the feed is late: `check_freshness` then fails too, saying how old the newest data
  is. Check with the provider, then clear `ingest` (its downstream tasks follow).
- A failed load leaves the database unchanged (and a `failed` ingest_batch row with the error); fix the
  file or the parser and clear the task — re-running is safe (same rows).
- `check_batches` failing means the bookkeeping and the rows disagree: do not clear it blindly; the message
  names the batch and the counts.
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
        params=day_params("ingest"),
    )
    def ingest_feed():
        @task(outlets=[OBSERVATIONS], pool=POSTGIS_POOL)
        def ingest(**context) -> list[dict]:
            from linewatch.ingest import ingest_file

            results, days = [], set()
            for day in reporting_days(context):
                path = feed.path_for(day)
                if not path.is_file():
                    raise FileNotFoundError(f"feed {feed.name}: no file for {day} at {path} (feed late or missing)")
                result = ingest_file(postgis_engine(), path, feed.name, feed.format, tz=TIMEZONE)
                results.append(result.as_dict())
                days.update(d.isoformat() for d in result.days)
            context["outlet_events"][OBSERVATIONS].extra = {
                "feed": feed.name, "batch_ids": [r["batch_id"] for r in results], "days": sorted(days)}
            return results

        @task(pool=POSTGIS_POOL)
        def check_batches(results: list[dict]) -> list[dict]:
            from linewatch.checks import check_batch

            with postgis_engine().connect() as conn:
                return [check_batch(conn, r["batch_id"]) for r in results]

        @task(pool=POSTGIS_POOL, trigger_rule=TriggerRule.ALL_DONE)
        def check_freshness(**context) -> dict:
            from linewatch.checks import check_freshness as check
            from linewatch.periods import day_bounds

            _, as_of = day_bounds(reporting_days(context)[-1], TIMEZONE)
            with postgis_engine().connect() as conn:
                return check(conn, feed, as_of)

        loaded = ingest()
        check_batches(loaded)
        loaded >> check_freshness()

    return ingest_feed()


for _feed in CONFIG.feeds:
    build_ingest_dag(_feed)
