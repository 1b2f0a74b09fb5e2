"""Least privilege (migration 0004): each role does its work and nothing else, proven by logging in as it.

The pipeline loads reference layers, ingests a feed file, flags and clusters a day and publishes its
report; it cannot change the schema or the migration record. The analyst reads the report views (as
QGIS lists them) and nothing else, and can write nothing, not even a temporary table.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from linewatch.ingest import ingest_file
from linewatch.pipeline import flag_and_cluster
from linewatch.reference import load_reference_folder
from linewatch.report.publish import publish_daily_report
from linewatch.sample import SAMPLE_DAYS
from tests.conftest import SAMPLE, count

DAY = SAMPLE_DAYS[0]
VIEWS = ("report_incident", "report_daily", "report_observation", "report_line_of_occupation")
RAW_TABLES = ("observation", "rejected_row", "ingest_batch", "incident", "incident_observation", "flag", "flag_run",
              "daily_report", "line_of_occupation", "sector", "zone", "settlement", "camera", "alembic_version")
INSUFFICIENT_PRIVILEGE = "42501"


def refused(engine, statement: str) -> str:
    """Run `statement` in a rolled-back transaction; it must fail for lack of privilege. Returns the error."""
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as error:
        conn.execute(sa.text(statement))
    assert error.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, (statement, str(error.value.orig))
    return str(error.value.orig)


@pytest.fixture
def published(db, role_engine, config, tmp_path):
    """The whole day's work done as linewatch_pipeline_login."""
    pipeline = role_engine("pipeline")
    with pipeline.begin() as conn:
        load_reference_folder(conn, SAMPLE / "reference", options=config.reference)
    result = ingest_file(pipeline, SAMPLE / f"feeds/patrol/patrol_{DAY}.csv", "patrol", "synthetic")
    flags = flag_and_cluster(pipeline, [DAY], config)
    report = publish_daily_report(pipeline, DAY, config, tmp_path)
    return result, flags, report


def test_the_logins_are_who_they_say(role_engine):
    for role in ("pipeline", "analyst", "owner"):
        with role_engine(role).connect() as conn:
            user, superuser = conn.execute(sa.text(
                "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")).one()
            assert user == f"linewatch_{role}_login" and not superuser
            member = conn.execute(sa.text("SELECT pg_has_role(current_user, :r, 'MEMBER')"),
                                  {"r": f"linewatch_{role}"}).scalar_one()
            assert member


def test_the_pipeline_ingests_flags_and_publishes(published, db):
    result, flags, report = published
    assert result.status == "loaded" and result.rows_loaded > 0
    assert sum(flags[DAY.isoformat()]["flags"].values()) > 0
    assert report.new and report.html.exists()
    assert count(db, "SELECT count(*) FROM linewatch.observation") == result.rows_loaded
    assert count(db, "SELECT count(*) FROM linewatch.daily_report") == 1


@pytest.mark.parametrize("statement", [
    "CREATE TABLE linewatch.intruder (x int)",
    "CREATE VIEW linewatch.intruder AS SELECT 1",
    "CREATE INDEX intruder ON linewatch.observation (kind)",
    "ALTER TABLE linewatch.observation ADD COLUMN intruder text",
    "ALTER TABLE linewatch.observation DISABLE TRIGGER ALL",
    "DROP TABLE linewatch.flag",
    "DROP VIEW linewatch.report_incident",
    "TRUNCATE linewatch.observation",
    "CREATE OR REPLACE VIEW linewatch.report_incident AS SELECT 1 AS fid",
    "UPDATE linewatch.alembic_version SET version_num = '0001'",
    "DELETE FROM linewatch.alembic_version",
    "INSERT INTO linewatch.alembic_version VALUES ('9999')",
    "INSERT INTO linewatch.report_observation (fid) VALUES (1)",
    "ALTER TABLE linewatch.observation OWNER TO linewatch_pipeline_login",
    "CREATE SCHEMA intruder",
    "CREATE TABLE public.intruder (x int)",
    "CREATE FUNCTION linewatch.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "SET ROLE linewatch_owner",
    "COPY linewatch.observation TO '/tmp/linewatch-exfiltrated.csv'",
    "SELECT pg_read_file('/etc/passwd')",
])
def test_the_pipeline_cannot_change_the_schema(db, role_engine, statement):
    refused(role_engine("pipeline"), statement)


def test_the_pipeline_cannot_migrate(db, role_engine):
    from linewatch.migrate import upgrade

    with pytest.raises(sa.exc.DBAPIError) as error:
        upgrade(role_engine("pipeline"))
    assert error.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE


def test_the_pipeline_reads_the_migration_record(db, role_engine):
    assert count(role_engine("pipeline"), "SELECT version_num FROM linewatch.alembic_version") == "0004"


def test_the_analyst_reads_every_report_view(published, role_engine, db):
    analyst = role_engine("analyst")
    for view in VIEWS:
        assert count(analyst, f"SELECT count(*) FROM linewatch.{view}") > 0, view
    assert count(analyst, "SELECT count(*) FROM linewatch.report_observation") == count(
        db, "SELECT count(*) FROM linewatch.observation")
    assert count(analyst, "SELECT count(*) FROM linewatch.report_incident") == count(
        db, "SELECT count(*) FROM linewatch.incident")
    assert count(analyst, "SELECT count(*) FROM linewatch.report_daily WHERE is_latest") == 1
    # Flag and incident provenance per observation agree with the tables behind them.
    assert count(analyst, "SELECT sum(cardinality(rules)) FROM linewatch.report_observation") == count(
        db, "SELECT count(*) FROM linewatch.flag")
    # What QGIS lists: exactly the views with a geometry, typed and in WGS84, and unique keys.
    with analyst.connect() as conn:
        layers = conn.execute(sa.text(
            "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = 'linewatch' "
            "AND CASE WHEN to_regclass(format('linewatch.%I', f_table_name)) IS NULL THEN false ELSE has_table_privilege(format('linewatch.%I', f_table_name), 'SELECT') END ORDER BY 1")).all()
        for view in VIEWS:
            assert conn.execute(sa.text(f"SELECT count(*) = count(DISTINCT fid) FROM linewatch.{view}")).scalar()
    assert [tuple(r) for r in layers] == [("report_incident", "POINT", 4326),
                                          ("report_line_of_occupation", "MULTILINESTRING", 4326),
                                          ("report_observation", "POINT", 4326)]


@pytest.mark.parametrize("table", RAW_TABLES)
def test_the_analyst_cannot_read_raw_tables(db, role_engine, table):
    refused(role_engine("analyst"), f"SELECT * FROM linewatch.{table} LIMIT 1")


@pytest.mark.parametrize("statement", [
    "INSERT INTO linewatch.observation (feed) VALUES ('x')",
    "UPDATE linewatch.incident SET kind = 'x'",
    "DELETE FROM linewatch.daily_report",
    "DELETE FROM linewatch.report_observation",
    "UPDATE linewatch.report_line_of_occupation SET version = 'x'",
    "INSERT INTO linewatch.report_line_of_occupation (version) VALUES ('x')",
    "TRUNCATE linewatch.daily_report",
    "CREATE TABLE linewatch.intruder (x int)",
    "CREATE TEMP TABLE intruder (x int)",
    "CREATE SCHEMA intruder",
    "CREATE TABLE public.intruder (x int)",
    "SET ROLE linewatch_pipeline",
    "SELECT nextval('linewatch.observation_obs_id_seq')",
])
def test_the_analyst_writes_nothing(db, role_engine, statement):
    refused(role_engine("analyst"), statement)
