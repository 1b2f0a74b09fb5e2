"""Operating the pipeline: failure alerts to a webhook, the late-report deadline alert, data-quality checks
that say what is wrong, and the maintenance DAG (retention that always keeps each day's latest report)."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from linewatch.sample import SAMPLE_DAYS
from tests.conftest import count, rows
from tests.dags.conftest import fingerprint, run_sample_pipeline, state

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture(scope="module")
def dags(engine):
    return run_sample_pipeline(engine)


@pytest.fixture
def rolled_back(engine):
    """A connection whose changes are rolled back: break the data, run a check, leave no trace."""
    with engine.connect() as conn:
        tx = conn.begin()
        yield conn
        tx.rollback()


# --- failure alerts --------------------------------------------------------------------------------


def test_a_failed_task_posts_a_clear_json_alert_to_the_webhook(dags, engine, webhook):
    """A day without a feed file: the load fails, the freshness check fails too; both alert."""
    before = fingerprint(engine)
    run = dags["linewatch_ingest_patrol"].test(logical_date=datetime(2026, 12, 26, tzinfo=KYIV),
                                                run_conf={"day": "2026-12-25"})
    assert state(run) == "failed"
    alerts = {a["json"]["task_id"]: a for a in webhook.received}
    assert set(alerts) == {"ingest", "check_freshness"}, webhook.received
    for alert in alerts.values():
        assert alert["path"] == "/alerts" and alert["content_type"] == "application/json"
        assert alert["json"]["event"] == "task_failed"
        assert alert["json"]["dag_id"] == "linewatch_ingest_patrol"
        assert alert["json"]["run_id"] == run.run_id
    assert "FileNotFoundError: feed patrol: no file for 2026-12-25" in alerts["ingest"]["json"]["error"]
    freshness = alerts["check_freshness"]["json"]["error"]
    assert "CheckFailed: feed patrol is stale as of 2026-12-26 00:00" in freshness
    assert "expected a delivery every 24 h, late by at most 6 h" in freshness
    assert fingerprint(engine) == before  # a failed run changes nothing


def test_without_a_webhook_the_alert_is_only_logged(monkeypatch, caplog):
    from linewatch.orchestration import OPERATIONS, post_alert

    monkeypatch.delenv(OPERATIONS.webhook_url_env, raising=False)
    assert post_alert({"event": "task_failed"}) is False


def test_an_unreachable_webhook_does_not_hide_the_failure(monkeypatch):
    from linewatch.orchestration import OPERATIONS, post_alert

    monkeypatch.setenv(OPERATIONS.webhook_url_env, "http://127.0.0.1:9/unreachable")
    assert post_alert({"event": "task_failed"}, timeout=2) is False


# --- the late-report deadline ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def daily_summary():
    """The DAG as the DAG processor sees it (run_dags drops deadlines for dag.test)."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(Path(__file__).resolve().parents[2] / "dags" / "linewatch_daily_summary.py"))\
        .dags["linewatch_daily_summary"]


def test_daily_summary_has_a_deadline_alert_on_queued_time(daily_summary):
    from airflow.sdk import AsyncCallback, DeadlineReference

    from linewatch.orchestration import OPERATIONS

    (alert,) = daily_summary.deadline
    # Queued-at, not the logical date: a backfill of past days must not alert once per day.
    assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert alert.interval.total_seconds() == OPERATIONS.report_deadline_hours * 3600
    assert isinstance(alert.callback, AsyncCallback)
    assert alert.callback.path == "linewatch.orchestration.report_deadline_missed"


def test_deadline_alert_survives_serialization(daily_summary):
    from airflow.serialization.serialized_objects import DagSerialization

    serialized = DagSerialization.to_dict(daily_summary)
    assert "report_deadline_missed" in json.dumps(serialized)


def test_a_missed_deadline_posts_report_late(webhook):
    from linewatch.orchestration import report_deadline_missed

    # The context the scheduler hands to a deadline callback (airflow.models.deadline.Deadline.handle_miss).
    context = {"dag_run": {"dag_id": "linewatch_daily_summary", "dag_run_id": "scheduled__2026-11-02",
                           "data_interval_start": "2026-11-01T22:00:00Z", "state": "running"},
               "deadline": {"id": "x", "deadline_time": "2026-11-03T04:00:00Z"}}
    asyncio.run(report_deadline_missed(context=context, hours=6))
    (alert,) = webhook.received
    assert alert["json"] == {"event": "report_late", "dag_id": "linewatch_daily_summary",
                             "run_id": "scheduled__2026-11-02", "data_interval_start": "2026-11-01T22:00:00Z",
                             "deadline": "2026-11-03T04:00:00Z", "state": "running", "hours_allowed": 6}


# --- data-quality checks say exactly what is wrong -----------------------------------------------------


def test_batch_check_names_the_batch_and_the_counts(dags, rolled_back):
    from linewatch.checks import CheckFailed, check_batch

    batch_id = rolled_back.execute(sa.text("SELECT min(batch_id) FROM linewatch.ingest_batch")).scalar_one()
    assert check_batch(rolled_back, batch_id)["rows_read"] > 0
    rolled_back.execute(sa.text("DELETE FROM linewatch.rejected_row WHERE reject_id = (SELECT min(reject_id) "
                                "FROM linewatch.rejected_row WHERE batch_id = :b AND NOT is_duplicate)"),
                        {"b": batch_id})
    rolled_back.execute(sa.text("UPDATE linewatch.ingest_batch SET rows_read = rows_read + 1 WHERE batch_id = :b"),
                        {"b": batch_id})
    with pytest.raises(CheckFailed) as failed:
        check_batch(rolled_back, batch_id)
    message = str(failed.value)
    assert f"ingest batch {batch_id} (feed patrol, file patrol_2026-11-01.csv)" in message
    assert "rejected_row holds 6 rows of the batch, its count says 7" in message
    assert "rows_read" in message and "!= loaded" in message


def test_flag_check_names_the_day_and_the_rule(dags, rolled_back, config):
    from linewatch.checks import CheckFailed, check_flag_passes

    day = SAMPLE_DAYS[1]
    assert check_flag_passes(rolled_back, day, config)["observations"] > 0
    rule = config.rules[0].name
    rolled_back.execute(sa.text("UPDATE linewatch.flag_run SET observations = observations - 1 "
                                "WHERE day = :d AND rule = :r"), {"d": day, "r": rule})
    with pytest.raises(CheckFailed, match=rf"flag pass of {day}: rule {rule} last ran at .* over \d+ "
                                          r"observations, the day now has \d+"):
        check_flag_passes(rolled_back, day, config)
    rolled_back.execute(sa.text("DELETE FROM linewatch.flag_run WHERE day = :d AND rule = :r"),
                        {"d": day, "r": rule})
    with pytest.raises(CheckFailed, match=rf"rule {rule} never ran over the day's \d+ observations"):
        check_flag_passes(rolled_back, day, config)


def test_report_check_names_the_number_that_differs(dags, rolled_back, config):
    from linewatch.checks import CheckFailed, check_report

    day = SAMPLE_DAYS[2]
    assert check_report(rolled_back, day, config)["version"] == 1
    rolled_back.execute(sa.text("DELETE FROM linewatch.incident WHERE incident_id = "
                                "(SELECT min(incident_id) FROM linewatch.incident WHERE day = :d)"), {"d": day})
    with pytest.raises(CheckFailed, match=rf"report of {day} v1 \(.*report.html\): .*incidents is \d+ in the "
                                          r"report, \d+ in the database"):
        check_report(rolled_back, day, config)


def test_freshness_check_names_feed_cadence_and_last_batch(dags, engine, config):
    from linewatch.checks import CheckFailed, check_freshness

    feed = config.feed("patrol")
    with engine.connect() as conn:
        assert check_freshness(conn, feed, datetime(2026, 11, 4, tzinfo=KYIV))["age_hours"] < 1
        # A backfill of a past day judges that day, not the data loaded since.
        assert check_freshness(conn, feed, datetime(2026, 11, 2, tzinfo=KYIV))["age_hours"] < 1
        with pytest.raises(CheckFailed) as failed:
            check_freshness(conn, feed, datetime(2026, 11, 6, tzinfo=KYIV))
        with pytest.raises(CheckFailed, match="feed patrol is stale .* no loaded batch at all"):
            check_freshness(conn, feed, datetime(2026, 10, 1, tzinfo=KYIV))
    assert "feed patrol is stale as of 2026-11-06 00:00 EET: its newest loaded data is from 2026-11-03" \
        in str(failed.value)
    assert "h old, loaded at" in str(failed.value)
    assert "expected a delivery every 24 h, late by at most 6 h" in str(failed.value)


# --- maintenance ------------------------------------------------------------------------------------


def test_maintenance_keeps_each_days_latest_report_and_purges_old_rows(dags, engine, tmp_path):
    """Old: version 1 of the first day (superseded by a version 2) and a batch's rejects, a failed batch.
    Retention deletes those and nothing else; the latest versions, however old, stay with their files."""
    day = SAMPLE_DAYS[0]
    old = datetime(2024, 1, 1, tzinfo=UTC)
    (files,) = rows(engine, "SELECT files FROM linewatch.daily_report WHERE report_date = :d", d=day)[0]
    v1 = Path(files["html"]).parent
    v2 = v1.parent / "v2"
    shutil.copytree(v1, v2, dirs_exist_ok=True)
    v2_files = {k: str(v2 / Path(p).name) for k, p in files.items()}
    with engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO linewatch.daily_report (report_date, version, period_start, period_end, content_hash,
                                                summary, files, change_note, generated_at)
            SELECT report_date, 2, period_start, period_end, content_hash, summary, CAST(:files AS jsonb),
                   'test copy', :old
            FROM linewatch.daily_report WHERE report_date = :d AND version = 1"""),
            {"d": day, "files": json.dumps(v2_files), "old": old})
        conn.execute(sa.text("UPDATE linewatch.daily_report SET generated_at = :old WHERE report_date = :d"),
                     {"d": day, "old": old})
        # The last sample day's latest (only) version is old too: it must stay.
        conn.execute(sa.text("UPDATE linewatch.daily_report SET generated_at = :old WHERE report_date = :d"),
                     {"d": SAMPLE_DAYS[-1], "old": old})
        old_batch = conn.execute(sa.text("SELECT min(batch_id) FROM linewatch.ingest_batch")).scalar_one()
        conn.execute(sa.text("UPDATE linewatch.ingest_batch SET started_at = :old WHERE batch_id = :b"),
                     {"b": old_batch, "old": old})
        conn.execute(sa.text("""
            INSERT INTO linewatch.ingest_batch (feed, format, file_name, sha256, status, error, started_at)
            VALUES ('patrol', 'synthetic', 'old.csv', 'old', 'failed', 'test', :old),
                   ('patrol', 'synthetic', 'recent.csv', 'recent', 'failed', 'test', now())"""), {"old": old})
    old_rejects = count(engine, "SELECT count(*) FROM linewatch.rejected_row WHERE batch_id = :b", b=old_batch)
    rejects = count(engine, "SELECT count(*) FROM linewatch.rejected_row")
    assert old_rejects > 0

    maintenance = dags["linewatch_maintenance"]
    when = datetime(2026, 11, 30, 4, 30, tzinfo=KYIV)
    assert state(maintenance.test(logical_date=when)) == "success"

    assert rows(engine, "SELECT report_date, version FROM linewatch.daily_report ORDER BY 1, 2") == [
        (SAMPLE_DAYS[0], 2), (SAMPLE_DAYS[1], 1), (SAMPLE_DAYS[2], 1)]
    assert not v1.exists() and (v2 / "report.html").is_file()
    assert count(engine, "SELECT count(*) FROM linewatch.rejected_row") == rejects - old_rejects
    assert count(engine, "SELECT count(*) FROM linewatch.ingest_batch WHERE batch_id = :b", b=old_batch) == 1
    assert [r[0] for r in rows(engine, "SELECT file_name FROM linewatch.ingest_batch WHERE status = 'failed'")] \
        == ["recent.csv"]
    for report_date, files in rows(engine, "SELECT report_date, files FROM linewatch.daily_report"):
        assert Path(files["html"]).is_file(), report_date

    # Re-running the same day deletes nothing more.
    after = fingerprint(engine)
    assert state(maintenance.test(logical_date=when)) == "success"
    assert fingerprint(engine) == after


def test_maintenance_report_retention_default_is_generous():
    from linewatch.orchestration import OPERATIONS

    assert OPERATIONS.report_version_retention_days >= 730
    assert OPERATIONS.rejected_retention_days >= 365
