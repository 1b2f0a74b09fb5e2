"""The real DAGs, run with dag.test() over the sample days against the test PostGIS."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from linewatch.sample import SAMPLE_DAYS
from tests.conftest import count, rows

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

COUNTS = """SELECT (SELECT count(*) FROM linewatch.observation), (SELECT count(*) FROM linewatch.rejected_row),
                   (SELECT count(*) FROM linewatch.ingest_batch), (SELECT count(*) FROM linewatch.flag),
                   (SELECT count(*) FROM linewatch.incident), (SELECT count(*) FROM linewatch.incident_observation),
                   (SELECT count(*) FROM linewatch.daily_report), (SELECT count(*) FROM linewatch.line_piece)"""


@pytest.fixture(scope="module")
def sample_run(engine):
    """Run the DAGs once over the sample days on an empty schema."""
    import sqlalchemy as sa
    from run_dags import load_dags, run_day

    from tests.conftest import TABLES

    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(f"linewatch.{t}" for t in TABLES) + " RESTART IDENTITY CASCADE"))
    dags = load_dags()
    dags["linewatch_reference"].test()
    for day in SAMPLE_DAYS:
        run_day(dags, day, "Europe/Kyiv")
    return dags


def test_dags_load_everything_and_quarantine_the_bad_rows(sample_run, engine):
    assert count(engine, "SELECT count(*) FROM linewatch.ingest_batch WHERE status = 'loaded'") == 3
    assert count(engine, "SELECT count(*) FROM linewatch.rejected_row WHERE NOT is_duplicate") == 3 * 7
    assert count(engine, """SELECT sum(rows_read - rows_loaded - rows_updated - rows_rejected - rows_duplicate)
                            FROM linewatch.ingest_batch""") == 0
    assert count(engine, "SELECT count(DISTINCT day) FROM linewatch.flag_run") == 3
    assert count(engine, "SELECT count(*) FROM linewatch.daily_report") == 3


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

    before = rows(engine, COUNTS)
    incidents = rows(engine, "SELECT incident_id, observations FROM linewatch.incident ORDER BY 1")
    sample_run["linewatch_reference"].test()
    for day in SAMPLE_DAYS:
        run_day(sample_run, day, "Europe/Kyiv")
    assert rows(engine, COUNTS) == before
    assert rows(engine, "SELECT incident_id, observations FROM linewatch.incident ORDER BY 1") == incidents
