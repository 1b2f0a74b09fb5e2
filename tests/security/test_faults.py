"""Faults on the real server, no mocks: the PostgreSQL backend doing the work is terminated
(pg_terminate_backend) in the middle of an ingest, a flag run and a report publish.

Reliably in the middle: a second connection holds a table lock that the step needs half-way through
(EXCLUSIVE mode still lets it read), a watcher thread waits until the step's backend waits on that lock,
terminates it, and reports the statement it stopped. Each time the call fails with a clear exception,
a retry succeeds, and the rows equal a clean run's: nothing lost, nothing duplicated.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from linewatch.ingest import IngestError, ingest_file
from linewatch.pipeline import flag_and_cluster
from linewatch.report.publish import content_hash, publish_daily_report
from linewatch.sample import FIELDS, SAMPLE_DAYS
from tests.conftest import SAMPLE, count, rows
from tests.dags.conftest import fingerprint

DAY = SAMPLE_DAYS[0]
PATROL = SAMPLE / f"feeds/patrol/patrol_{DAY}.csv"
DERIVED = ("flag", "flag_run", "incident", "incident_observation")
TERMINATED = "terminating connection due to administrator command"
# How psycopg reports the termination depends on where the client was: mid-COPY it sees a lost connection.
CONNECTION_LOST = f"{TERMINATED}|the connection is lost|server closed the connection"


@contextmanager
def kill_when_blocked(engine, table: str, timeout_s: float = 60.0):
    """Hold an EXCLUSIVE lock on linewatch.<table>; terminate the first backend that waits for it.

    Yields a dict that receives the terminated backend's statement (`killed`)."""
    outcome: dict = {}
    with engine.connect() as holder:
        holder.execute(sa.text(f"LOCK TABLE linewatch.{table} IN EXCLUSIVE MODE"))
        holder_pid = holder.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()

        def watch() -> None:
            with engine.connect() as watcher:
                deadline = time.monotonic() + timeout_s
                while time.monotonic() < deadline:
                    found = watcher.execute(sa.text(
                        "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND pid NOT IN (pg_backend_pid(), :holder)"),
                        {"holder": holder_pid}).first()
                    watcher.commit()
                    if found:
                        watcher.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": found.pid})
                        watcher.commit()
                        outcome["killed"] = found.query
                        return
                    time.sleep(0.01)

        thread = threading.Thread(target=watch, name="terminator", daemon=True)
        thread.start()
        try:
            yield outcome
        finally:
            thread.join(timeout_s)
            holder.rollback()
    assert "killed" in outcome, f"nothing waited on linewatch.{table}: the fault was not injected"


def truncate(engine, tables) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(f"linewatch.{t}" for t in tables) + " RESTART IDENTITY"))


def loaded_fingerprint(engine) -> dict:
    """What the successful loads stored (failed batches, which hold no rows, left aside)."""
    return {
        "observation": rows(engine, "SELECT count(*), md5(string_agg(source_id || ST_AsText(geom) || observed_at "
                                    "|| kind, '|' ORDER BY source_id)) FROM linewatch.observation")[0],
        "rejected_row": rows(engine, "SELECT count(*), md5(string_agg(line_number || reason || raw, '|' ORDER BY "
                                     "line_number)) FROM linewatch.rejected_row")[0],
        "loaded_batches": rows(engine, "SELECT count(*), sum(rows_loaded), sum(rows_rejected) "
                                       "FROM linewatch.ingest_batch WHERE status = 'loaded'")[0],
    }


def long_file(path: Path, chunks: int, chunk_rows: int, bad_chunk: int) -> Path:
    """A synthetic feed file of `chunks` clean chunks, except one bad row in chunk `bad_chunk`."""
    start = datetime(2026, 11, 1, 6, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        for i in range(chunks * chunk_rows):
            kind = "teleport" if i == bad_chunk * chunk_rows + 5 else "explosion"
            at = (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow([f"FAULT-{i:07d}", at, f"{48.0 + i * 1e-5:.7f}", f"{37.8 + i * 1e-5:.7f}", kind, "",
                             "", 100, "acoustic", "B", "generated"])
    return path


# --- (a) ingest ----------------------------------------------------------------------------------

INGEST_FAULTS = {
    # The first chunk staged, its insert into observation waiting.
    "ingest at the first merge": ("observation", "INSERT INTO linewatch.observation", lambda tmp: (PATROL, {})),
    # Seven chunks merged into observation, the eighth's quarantined row waiting.
    "ingest mid-file, 7 of 12 chunks merged": (
        "rejected_row", "COPY linewatch.rejected_row", lambda tmp: (long_file(tmp / "long_feed.csv", 12, 1000, 7), {"chunk_rows": 1000})),
}


@pytest.mark.parametrize("scenario", INGEST_FAULTS)
def test_a_terminated_ingest_fails_cleanly_and_a_retry_equals_a_clean_run(db, tmp_path, scenario):
    table, statement, make = INGEST_FAULTS[scenario]
    path, options = make(tmp_path)
    clean = ingest_file(db, path, "patrol", "synthetic", **options)
    expected = loaded_fingerprint(db)
    truncate(db, ("rejected_row", "observation", "ingest_batch"))

    with kill_when_blocked(db, table) as fault, pytest.raises(IngestError, match=CONNECTION_LOST):
        ingest_file(db, path, "patrol", "synthetic", **options)
    assert statement in fault["killed"]
    # Nothing of the failed load stayed; the failure is on record.
    assert count(db, "SELECT count(*) FROM linewatch.observation") == 0
    assert count(db, "SELECT count(*) FROM linewatch.rejected_row") == 0
    assert rows(db, "SELECT status FROM linewatch.ingest_batch") == [("failed",)]
    assert "OperationalError" in rows(db, "SELECT error FROM linewatch.ingest_batch")[0][0]

    retry = ingest_file(db, path, "patrol", "synthetic", **options)
    assert retry.status == "loaded"
    assert (retry.rows_read, retry.rows_loaded, retry.rows_rejected, retry.rows_duplicate) == (
        clean.rows_read, clean.rows_loaded, clean.rows_rejected, clean.rows_duplicate)
    assert loaded_fingerprint(db) == expected


# --- (b) flag run --------------------------------------------------------------------------------

FLAG_FAULTS = {
    # The first rule's flags replaced and inserted; its flag_run record waiting.
    "flag run after the first rule": "flag_run",
    # Every rule's flags written; the day's incidents being replaced.
    "flag run while clustering incidents": "incident",
}


@pytest.mark.parametrize("scenario", FLAG_FAULTS)
def test_a_terminated_flag_run_keeps_the_day_as_it_was_and_a_retry_equals_a_clean_run(reference, config, scenario):
    ingest_file(reference, PATROL, "patrol", "synthetic")
    flag_and_cluster(reference, [DAY], config)
    clean = fingerprint(reference)
    assert count(reference, "SELECT count(*) FROM linewatch.flag") > 0

    with kill_when_blocked(reference, FLAG_FAULTS[scenario]) as fault, \
            pytest.raises(sa.exc.OperationalError, match=TERMINATED):
        flag_and_cluster(reference, [DAY], config)
    assert fault["killed"]
    assert fingerprint(reference) == clean  # the day's flags and incidents as they were, none lost

    flag_and_cluster(reference, [DAY], config)
    assert fingerprint(reference) == clean
    # And from nothing: a killed first run leaves nothing, its retry the same rows as the clean run.
    truncate(reference, DERIVED)
    with kill_when_blocked(reference, FLAG_FAULTS[scenario]), pytest.raises(sa.exc.OperationalError):
        flag_and_cluster(reference, [DAY], config)
    assert all(count(reference, f"SELECT count(*) FROM linewatch.{t}") == 0 for t in DERIVED)
    flag_and_cluster(reference, [DAY], config)
    assert fingerprint(reference) == clean


# --- (c) report publish --------------------------------------------------------------------------

def report_files_consistent(engine, reports_dir: Path) -> None:
    """Every daily_report row's files exist and are that version's (summary.json hashes to its content_hash)."""
    for version, digest, files in rows(engine, "SELECT version, content_hash, files FROM linewatch.daily_report"):
        for path in files.values():
            assert Path(path).exists(), path
        summary = json.loads(Path(files["summary"]).read_text(encoding="utf-8"))
        assert summary["version"] == version and content_hash(summary) == digest


def version_folders(reports_dir: Path) -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in reports_dir.glob("*/v*") if p.is_dir()}


def recorded_folders(engine) -> set[str]:
    return {f"{Path(files['html']).parent.parent.name}/{Path(files['html']).parent.name}"
            for (files,) in rows(engine, "SELECT files FROM linewatch.daily_report")}


@pytest.fixture
def flagged_day(reference, config):
    ingest_file(reference, PATROL, "patrol", "synthetic")
    flag_and_cluster(reference, [DAY], config)
    return reference


def test_a_terminated_publish_fails_cleanly_and_a_retry_equals_a_clean_run(flagged_day, config, tmp_path):
    db = flagged_day
    clean = publish_daily_report(db, DAY, config, tmp_path / "clean")
    truncate(db, ("daily_report",))
    reports = tmp_path / "reports"

    with kill_when_blocked(db, "daily_report") as fault, pytest.raises(sa.exc.OperationalError, match=TERMINATED):
        publish_daily_report(db, DAY, config, reports)
    assert "INSERT INTO linewatch.daily_report" in fault["killed"]
    assert count(db, "SELECT count(*) FROM linewatch.daily_report") == 0

    retry = publish_daily_report(db, DAY, config, reports)
    assert retry.new and retry.version == 1 and retry.content_hash == clean.content_hash
    assert count(db, "SELECT count(*) FROM linewatch.daily_report") == 1
    report_files_consistent(db, reports)
    # The failed attempt's files are not referenced: the recorded version's files are the retry's.
    stored = json.loads(rows(db, "SELECT summary::text FROM linewatch.daily_report")[0][0])
    on_disk = json.loads((retry.html.parent / "summary.json").read_text(encoding="utf-8"))
    assert on_disk["generated_at"] == stored["generated_at"]
    assert version_folders(reports) == recorded_folders(db)


def test_a_failed_publish_leaves_no_report_files(flagged_day, config, tmp_path):
    with kill_when_blocked(flagged_day, "daily_report"), pytest.raises(sa.exc.OperationalError):
        publish_daily_report(flagged_day, DAY, config, tmp_path)
    assert version_folders(tmp_path) == recorded_folders(flagged_day) == set()


def test_a_failed_concurrent_publish_never_overwrites_recorded_files(flagged_day, config, tmp_path):
    """A scheduled run and a manual re-run publish the same day; late data changed it in between, and
    the later run fails (here: its backend is terminated) after writing its files."""
    db = flagged_day
    outcome = {}

    def publish(name):
        try:
            outcome[name] = publish_daily_report(db, DAY, config, tmp_path)
        except Exception as exc:
            outcome[name] = exc

    with db.connect() as holder:
        holder.execute(sa.text("LOCK TABLE linewatch.daily_report IN EXCLUSIVE MODE"))
        first = threading.Thread(target=publish, args=("first",))
        first.start()
        wait_for_lock_waiters(db, 1)
        with db.begin() as conn:  # late data
            conn.execute(sa.text("DELETE FROM linewatch.incident WHERE incident_id = "
                                 "(SELECT min(incident_id) FROM linewatch.incident)"))
        second = threading.Thread(target=publish, args=("second",))
        second.start()
        wait_for_lock_waiters(db, 2)
        with db.begin() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' ORDER BY xact_start DESC LIMIT 1"))
        holder.rollback()
        first.join(60)
        second.join(60)
    assert isinstance(outcome["second"], sa.exc.OperationalError)
    assert outcome["first"].version == 1
    report_files_consistent(db, tmp_path)


def wait_for_lock_waiters(engine, n: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if count(engine, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                         "AND wait_event_type = 'Lock'") >= n:
            return
        time.sleep(0.01)
    raise AssertionError(f"{n} backends never waited on the lock")
