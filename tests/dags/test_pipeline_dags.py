"""The real DAGs, run with dag.test() over the sample days against the test PostGIS.

Re-running is the operator's everyday tool (clear a task, re-run a day, backfill a range), so the tests
re-run in every way an operator would and compare every table by content.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from linewatch.sample import SAMPLE_DAYS
from tests.conftest import count, rows
from tests.dags.conftest import fingerprint, run_sample_pipeline, state

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture(scope="module")
def sample_run(engine):
    """Run the DAGs once over the sample days on an empty schema."""
    return run_sample_pipeline(engine)


def test_dags_load_everything_and_quarantine_the_bad_rows(sample_run, engine):
    assert count(engine, "SELECT count(*) FROM linewatch.ingest_batch WHERE status = 'loaded'") == 3
    assert count(engine, "SELECT count(*) FROM linewatch.rejected_row WHERE NOT is_duplicate") == 3 * 7
    assert count(engine, """SELECT sum(rows_read - rows_loaded - rows_updated - rows_rejected - rows_duplicate)
                            FROM linewatch.ingest_batch""") == 0
    assert count(engine, "SELECT count(DISTINCT day) FROM linewatch.flag_run") == 3
    assert count(engine, "SELECT count(*) FROM linewatch.daily_report") == 3


def test_every_check_task_ran_and_passed(sample_run, engine):
    """The data-quality tasks are part of the runs above (run_dags fails on any failed task); their
    results name what they verified."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        for dag_id, task_id in (("linewatch_ingest_patrol", "check_batches"),
                                ("linewatch_ingest_patrol", "check_freshness"),
                                ("linewatch_flag_incidents", "check_flag_passes"),
                                ("linewatch_daily_summary", "check_flag_passes"),
                                ("linewatch_daily_summary", "check_report")):
            latest = (session.query(TaskInstance).filter_by(dag_id=dag_id, task_id=task_id)
                      .order_by(TaskInstance.start_date.desc()).first())
            assert latest is not None and str(latest.state) in ("success", "TaskInstanceState.SUCCESS"), \
                (dag_id, task_id, latest and latest.state)


def test_report_numbers_from_the_dag_run_equal_the_database(sample_run, engine):
    for day in SAMPLE_DAYS:
        summary_text, files = rows(engine, "SELECT summary::text, files FROM linewatch.daily_report "
                                           "WHERE report_date = :d", d=day)[0]
        summary = json.loads(summary_text)
        assert summary["totals"]["incidents"] == count(
            engine, "SELECT count(*) FROM linewatch.incident WHERE day = :d", d=day)
        assert summary["totals"]["observations"] == count(engine, """
            SELECT count(*) FROM linewatch.observation
            WHERE (observed_at AT TIME ZONE 'Europe/Kyiv')::date = :d""", d=day)
        assert summary["totals"]["violations"] == sum(s["violations"] for s in summary["sectors"])
        html = Path(files["html"]).read_text(encoding="utf-8")
        assert f"{summary['totals']['violations']:,} ceasefire violations" in html
        for name in ("markdown", "map", "geojson", "csv"):
            assert Path(files[name]).stat().st_size > 0


def test_rerunning_every_dag_for_every_day_changes_nothing(sample_run, engine):
    from run_dags import run_day

    before = fingerprint(engine)
    sample_run["linewatch_reference"].test()
    for day in SAMPLE_DAYS:
        run_day(sample_run, day, "Europe/Kyiv")
    assert fingerprint(engine) == before


def test_rerunning_one_day_out_of_order_changes_nothing(sample_run, engine):
    """Clearing a whole day's runs later (after the following days ran) leaves the same rows."""
    from run_dags import run_day

    before = fingerprint(engine)
    run_day(sample_run, SAMPLE_DAYS[0], "Europe/Kyiv")
    assert fingerprint(engine) == before


def test_manual_runs_over_a_date_range_change_nothing(sample_run, engine):
    """Operators re-run a range with params date_from/date_to (ingest, flag, report): same rows."""
    before = fingerprint(engine)
    conf = {"date_from": SAMPLE_DAYS[0].isoformat(), "date_to": SAMPLE_DAYS[-1].isoformat()}
    when = datetime(2026, 11, 20, tzinfo=KYIV)
    for dag_id in ("linewatch_ingest_patrol", "linewatch_flag_incidents", "linewatch_daily_summary"):
        assert state(sample_run[dag_id].test(logical_date=when, run_conf=conf)) == "success", dag_id
    assert fingerprint(engine) == before


def test_a_reversed_date_range_fails_with_a_clear_message(sample_run, engine, caplog):
    before = fingerprint(engine)
    run = sample_run["linewatch_daily_summary"].test(
        logical_date=datetime(2026, 11, 21, tzinfo=KYIV),
        run_conf={"date_from": "2026-11-03", "date_to": "2026-11-01"})
    assert state(run) == "failed"
    assert "need date_from <= date_to" in caplog.text
    assert fingerprint(engine) == before


def test_dag_tasks_reach_postgis_as_the_pipeline_role_not_a_superuser():
    """The DAGs' connection (AIRFLOW_CONN_LINEWATCH_POSTGIS) is the pipeline login of the local setup."""
    import os

    import sqlalchemy as sa

    from linewatch.orchestration import postgis_engine
    from tests.conftest import LOCAL_PIPELINE_LOGIN, PIPELINE_TEST_URL

    if PIPELINE_TEST_URL.username != LOCAL_PIPELINE_LOGIN:
        pytest.skip("an external database: its operators choose the pipeline login")
    assert LOCAL_PIPELINE_LOGIN in os.environ["AIRFLOW_CONN_LINEWATCH_POSTGIS"]
    with postgis_engine().connect() as conn:
        user, superuser, pipeline = conn.execute(sa.text(
            "SELECT current_user, rolsuper, pg_has_role(current_user, 'linewatch_pipeline', 'MEMBER') "
            "FROM pg_roles WHERE rolname = current_user")).one()
    assert (user, superuser, pipeline) == (LOCAL_PIPELINE_LOGIN, False, True)
