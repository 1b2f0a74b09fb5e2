"""least-privilege roles and the analysts' report views

Three NOLOGIN group roles (cluster-wide, created only when missing, so this runs on any server):

  linewatch_owner     owns schema linewatch, its tables and views; migrations run as it (or a superuser)
  linewatch_pipeline  SELECT/INSERT/UPDATE/DELETE on the data tables, sequences, TEMP (staging tables);
                      no DDL, no TRUNCATE, read-only on alembic_version
  linewatch_analyst   SELECT on the report_* views only (QGIS-ready: typed geometry, an integer key)

People and services log in as their own LOGIN users, each a member of one group role
(scripts/provision-postgis.sh creates local ones, sql/roles/local_logins.sql); a migration never
creates a login. The views are owned by linewatch_owner, so an analyst reads them without any
right on the tables behind them. TEMP is revoked from PUBLIC on this database and granted to the
pipeline only: an analyst's session cannot write even a temporary table.

Downgrade removes the views and grants and gives the objects back to the migrating user. Roles are
shared by every database of the server: they are dropped only when nothing else uses them.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OWNER, PIPELINE, ANALYST = "linewatch_owner", "linewatch_pipeline", "linewatch_analyst"
ROLES = (OWNER, PIPELINE, ANALYST)

# The analysts' views. Each has a unique integer key (QGIS needs one to open a view as a layer) and,
# where it has a geometry, the geometry column last, typed (Point/MultiLineString, SRID 4326).
VIEWS = {
    "report_incident": """
        SELECT hashtextextended(i.incident_id, 0) AS fid, i.incident_id, i.day, i.kind, i.started_at,
               i.ended_at, s.name AS sector, i.side, i.band, i.distance_m, i.observations, i.corroboration,
               i.confidence_grade, i.admiralty, i.severity, i.uncertainty_m, i.weapon_class, i.weapon_count,
               i.rules, i.clauses, i.geom
        FROM linewatch.incident i
        LEFT JOIN linewatch.sector s USING (sector_id)""",
    "report_daily": """
        SELECT (d.report_date - DATE '2000-01-01')::bigint * 1000 + d.version AS fid,
               d.report_date, d.version,
               d.version = max(d.version) OVER (PARTITION BY d.report_date) AS is_latest,
               d.period_start, d.period_end, d.generated_at, d.change_note, d.content_hash,
               d.summary -> 'totals' AS totals, d.summary, d.files
        FROM linewatch.daily_report d""",
    "report_observation": """
        SELECT o.obs_id AS fid, o.feed, o.source_id, o.observed_at, o.reported_at, o.kind, o.weapon_class,
               o.weapon_count, o.bearing_deg, o.uncertainty_m, o.time_precision_s, o.source_reliability,
               o.confidence, o.attributes, o.batch_id,
               coalesce((SELECT array_agg(f.rule ORDER BY f.rule) FROM linewatch.flag f
                          WHERE f.obs_id = o.obs_id), '{}') AS rules,
               coalesce((SELECT array_agg(l.incident_id ORDER BY l.incident_id)
                           FROM linewatch.incident_observation l WHERE l.obs_id = o.obs_id), '{}') AS incident_ids,
               o.geom
        FROM linewatch.observation o""",
    "report_line_of_occupation": """
        SELECT l.line_of_occupation_id AS fid, l.version, l.valid_from, l.valid_to, l.source, l.geom
        FROM linewatch.line_of_occupation l""",
}

CREATE_ROLES = """
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['%s', '%s', '%s'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %%I NOLOGIN', r);
        END IF;
    END LOOP;
    -- A non-superuser migrator (with CREATEROLE) must be able to act as the owner to hand objects over.
    IF NOT pg_has_role(current_user, '%s', 'MEMBER') THEN
        EXECUTE format('GRANT %%I TO %%I', '%s', current_user);
    END IF;
END $$""" % (*ROLES, OWNER, OWNER)

# Every table, view and free-standing sequence of the schema to `new_owner` (identity sequences follow
# their table; PostGIS's objects live in public and are not touched).
REOWN = """
DO $$
DECLARE obj record;
BEGIN
    EXECUTE format('ALTER SCHEMA linewatch OWNER TO %%I', %s);
    FOR obj IN
        SELECT c.relname, c.relkind FROM pg_class c
        WHERE c.relnamespace = 'linewatch'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                    AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %%s linewatch.%%I OWNER TO %%I',
                       CASE obj.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                        WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                       obj.relname, %s);
    END LOOP;
END $$"""

ON_DATABASE = """
DO $$
BEGIN
    EXECUTE format('%s', current_database());
END $$"""


def _on_database(statement: str) -> str:
    """A statement about the current database (its name is only known on the server)."""
    return ON_DATABASE % statement.replace("'", "''")


def upgrade() -> None:
    op.execute(CREATE_ROLES)
    for name, body in VIEWS.items():
        op.execute(f"CREATE OR REPLACE VIEW linewatch.{name} AS {body}")
    op.execute(REOWN % (f"'{OWNER}'", f"'{OWNER}'"))

    op.execute("REVOKE ALL ON SCHEMA linewatch FROM PUBLIC")
    op.execute(f"GRANT USAGE ON SCHEMA linewatch TO {PIPELINE}, {ANALYST}")
    # The pipeline: data in every table, never the schema's structure nor the migration record.
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA linewatch TO {PIPELINE}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON linewatch.alembic_version FROM {PIPELINE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA linewatch TO {PIPELINE}")
    # Tables a later migration creates (as linewatch_owner) get the same grants.
    op.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA linewatch "
               f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {PIPELINE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA linewatch "
               f"GRANT USAGE, SELECT ON SEQUENCES TO {PIPELINE}")
    # The views are read-only for everyone but their owner.
    views = ", ".join(f"linewatch.{name}" for name in VIEWS)
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON {views} FROM {PIPELINE}")
    op.execute(f"GRANT SELECT ON {views} TO {PIPELINE}, {ANALYST}")
    # Temporary tables (the per-load staging, the flag and report work tables) for the pipeline only.
    op.execute(_on_database("REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC"))
    op.execute(_on_database(f"GRANT CONNECT, TEMPORARY ON DATABASE %I TO {PIPELINE}"))
    op.execute(_on_database(f"GRANT CONNECT ON DATABASE %I TO {ANALYST}"))


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS linewatch.{name}")
    op.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA linewatch "
               f"REVOKE ALL ON TABLES FROM {PIPELINE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA linewatch "
               f"REVOKE ALL ON SEQUENCES FROM {PIPELINE}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA linewatch FROM {PIPELINE}, {ANALYST}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA linewatch FROM {PIPELINE}, {ANALYST}")
    op.execute(f"REVOKE ALL ON SCHEMA linewatch FROM {PIPELINE}, {ANALYST}")
    op.execute(_on_database(f"REVOKE ALL ON DATABASE %I FROM {PIPELINE}, {ANALYST}"))
    op.execute(_on_database("GRANT TEMPORARY ON DATABASE %I TO PUBLIC"))
    op.execute(REOWN % ("current_user", "current_user"))
    # Roles are per server: keep any that another database still uses (its grants or objects).
    op.execute("""
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['%s', '%s', '%s'] LOOP
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
                EXECUTE format('DROP ROLE %%I', r);
            END IF;
        EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN
            RAISE NOTICE 'role %% kept: %%', r, SQLERRM;
        END;
    END LOOP;
END $$""" % (ANALYST, PIPELINE, OWNER))
