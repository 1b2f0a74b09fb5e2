"""`airflow backfill create` against the real scheduler (LocalExecutor, airflow-local.sh), the
`linewatch_airflow` metadata DB and the test data DB: after a rule change, a backfill of the daily summary
over the sample days rewrites those days' flags, incidents and report versions, and nothing else."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import yaml

from linewatch.sample import SAMPLE_DAYS
from tests.conftest import count, rows
from tests.dags.conftest import fingerprint

BACKFILL_TIMEOUT = 360
UNTOUCHED = ("observation", "ingest_batch", "rejected_row", "line_piece")


def delete_summary_runs_in(window_from: datetime, window_to: datetime) -> None:
    """dag.test() runs (scripts/run_dags.py, the DAG tests) sit at logical date = data-interval *end*,
    where scheduled runs sit at its start: drop the ones inside the window, or the backfill would
    re-run them with their own (shifted) intervals instead of creating its own."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        for run in session.scalars(sa.select(DagRun).where(
                DagRun.dag_id == "linewatch_daily_summary",
                DagRun.logical_date >= window_from, DagRun.logical_date <= window_to)):
            session.delete(run)


@pytest.fixture
def changed_rules(local_airflow):
    """A rule change: the line-proximity bands narrowed to [2, 5] km, in the instance's own config file
    (each task process reads it afresh); restored afterwards."""
    original = local_airflow.config.read_text()
    config = yaml.safe_load(original)
    config["bands_km"] = [2, 5]
    local_airflow.config.write_text(yaml.safe_dump(config, sort_keys=False))
    yield local_airflow.config
    local_airflow.config.write_text(original)


def test_backfill_after_a_rule_change_rewrites_flags_incidents_and_reports_only(
        local_airflow, engine, changed_rules):
    first, last = SAMPLE_DAYS[0], SAMPLE_DAYS[-1]
    before = fingerprint(engine)
    versions = dict(rows(engine, "SELECT report_date, max(version) FROM linewatch.daily_report GROUP BY 1"))
    other_days = rows(engine, "SELECT report_date, version, content_hash FROM linewatch.daily_report "
                              "WHERE report_date NOT BETWEEN :a AND :b ORDER BY 1, 2", a=first, b=last)

    # Logical dates of the daily data-interval timetable are local midnights starting each day.
    window_from, window_to = (datetime.combine(d, time(0), tzinfo=ZoneInfo("Europe/Kyiv")) for d in (first, last))
    delete_summary_runs_in(window_from, window_to)
    local_airflow.airflow("dags", "unpause", "linewatch_daily_summary")
    local_airflow.airflow("backfill", "create", "--dag-id", "linewatch_daily_summary", "--from-date",
                          window_from.isoformat(), "--to-date", window_to.isoformat(), "--reprocess-behavior", "completed",
                          "--max-active-runs", "3")

    runs = local_airflow.api("GET", "/api/v2/dags/linewatch_daily_summary/dagRuns?run_type=backfill&limit=100")
    run_ids = {r["dag_run_id"] for r in runs["dag_runs"]
               if window_from <= datetime.fromisoformat(r["logical_date"].replace("Z", "+00:00")) <= window_to}
    assert len(run_ids) == len(SAMPLE_DAYS), runs
    states = local_airflow.wait_for_runs("linewatch_daily_summary", run_ids, BACKFILL_TIMEOUT)
    assert set(states.values()) == {"success"}, states

    after = fingerprint(engine)
    # The rule change narrowed the bands: fewer flags, so different incidents and new report versions.
    for table in ("flag", "flag_run", "daily_report"):
        assert after[table] != before[table], table
    for table in UNTOUCHED:
        assert after[table] == before[table], f"the backfill changed {table}"
    for day in SAMPLE_DAYS:
        assert count(engine, "SELECT max(version) FROM linewatch.daily_report WHERE report_date = :d",
                     d=day) == versions[day] + 1, day
        assert count(engine, "SELECT count(*) FROM linewatch.flag WHERE day = :d AND band = '5-15 km'",
                     d=day) == 0
    assert rows(engine, "SELECT report_date, version, content_hash FROM linewatch.daily_report "
                        "WHERE report_date NOT BETWEEN :a AND :b ORDER BY 1, 2", a=first, b=last) == other_days
