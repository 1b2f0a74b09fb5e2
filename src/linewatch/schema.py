"""Tables of linewatch, as GeoAlchemy2 models: the single source of truth for the schema.

Every table lives in the `linewatch` schema; every geometry is SRID 4326 with a GiST index.
Alembic migrations in `migrations/` create and change these tables; nothing runs DDL by hand.
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "linewatch"
metadata = MetaData(schema=SCHEMA)

# A transverse Mercator centred on the front (36.5 E, WGS84), registered in spatial_ref_sys by migration
# 0002. Its scale error is known exactly (k = 1 + x^2 / 2R^2), so planar distances divided by the mean
# scale along the path are ellipsoidal distances to ~1e-5: fast planar math, geodesic accuracy.
FRONT_SRID = 990365
FRONT_PROJ4 = "+proj=tmerc +lat_0=0 +lon_0=36.5 +k=1 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs"

now = text("now()")


def _geom(kind: str) -> Geometry:
    # spatial_index=False: indexes are declared explicitly below so migrations name them.
    return Geometry(kind, srid=4326, spatial_index=False)


ingest_batch = Table(
    "ingest_batch", metadata,
    Column("batch_id", BigInteger, Identity(), primary_key=True),
    Column("feed", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("rows_read", Integer, nullable=False, server_default="0"),
    Column("rows_loaded", Integer, nullable=False, server_default="0"),
    Column("rows_updated", Integer, nullable=False, server_default="0"),
    Column("rows_rejected", Integer, nullable=False, server_default="0"),
    Column("rows_duplicate", Integer, nullable=False, server_default="0"),
    Column("status", Text, nullable=False, server_default="running"),
    Column("error", Text),
    Column("coverage_start", DateTime(timezone=True)),
    Column("coverage_end", DateTime(timezone=True)),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=now),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('running', 'loaded', 'failed')", name="ingest_batch_status"),
)
# One successful load per (feed, file content): an identical re-delivery is skipped.
Index("ingest_batch_loaded_once", ingest_batch.c.feed, ingest_batch.c.sha256, unique=True,
      postgresql_where=text("status = 'loaded'"))

rejected_row = Table(
    "rejected_row", metadata,
    Column("reject_id", BigInteger, Identity(), primary_key=True),
    Column("batch_id", BigInteger, ForeignKey(f"{SCHEMA}.ingest_batch.batch_id", ondelete="CASCADE"),
           nullable=False),
    Column("line_number", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("is_duplicate", Boolean, nullable=False, server_default="false"),
    UniqueConstraint("batch_id", "line_number", name="rejected_row_batch_line"),
)

observation = Table(
    "observation", metadata,
    Column("obs_id", BigInteger, Identity(), primary_key=True),
    Column("feed", Text, nullable=False),
    Column("source_id", Text, nullable=False),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("reported_at", DateTime(timezone=True)),
    Column("geom", _geom("POINT"), nullable=False),
    Column("uncertainty_m", Double, nullable=False, server_default="0"),
    Column("time_precision_s", Integer, nullable=False, server_default="0"),
    Column("kind", Text, nullable=False),
    Column("weapon_class", Text),
    Column("weapon_count", Integer),
    Column("bearing_deg", Double),
    Column("source_reliability", Text),
    Column("confidence", Double),
    Column("attributes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("batch_id", BigInteger, ForeignKey(f"{SCHEMA}.ingest_batch.batch_id"), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False, server_default=now),
    UniqueConstraint("feed", "source_id", name="observation_feed_source_id"),
)
Index("observation_observed_at", observation.c.observed_at)
Index("observation_geom", observation.c.geom, postgresql_using="gist")


def _versioned(name: str, geom_kind: str, *extra: Column) -> Table:
    """A reference layer whose geometry is in force from valid_from until valid_to (open-ended if null)."""
    table = Table(
        name, metadata,
        Column(f"{name}_id", Integer, Identity(), primary_key=True),
        Column("version", Text, nullable=False),
        Column("valid_from", DateTime(timezone=True), nullable=False),
        Column("valid_to", DateTime(timezone=True)),
        Column("source", Text, nullable=False, server_default=""),
        *extra,
        Column("geom", _geom(geom_kind), nullable=False),
        Column("loaded_at", DateTime(timezone=True), nullable=False, server_default=now),
        UniqueConstraint("version", name=f"{name}_version"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name=f"{name}_valid_range"),
    )
    Index(f"{name}_geom", table.c.geom, postgresql_using="gist")
    return table


line_of_occupation = _versioned("line_of_occupation", "MULTILINESTRING")
occupied_area = _versioned("occupied_area", "MULTIPOLYGON")

# The line cut into short pieces in the front projection, indexed: the distance join probes the few
# pieces near each point, never the whole 1,000 km line.
line_piece = Table(
    "line_piece", metadata,
    Column("piece_id", BigInteger, Identity(), primary_key=True),
    Column("line_of_occupation_id", Integer,
           ForeignKey(f"{SCHEMA}.line_of_occupation.line_of_occupation_id", ondelete="CASCADE"),
           nullable=False),
    Column("geom", Geometry("LINESTRING", srid=FRONT_SRID, spatial_index=False), nullable=False),
)
Index("line_piece_geom", line_piece.c.geom, postgresql_using="gist")

national_outline = Table(
    "national_outline", metadata,
    Column("national_outline_id", Integer, Identity(), primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("geom", _geom("MULTIPOLYGON"), nullable=False),
)
Index("national_outline_geom", national_outline.c.geom, postgresql_using="gist")

# Settlements: for the heavy-weapons-in-settlements rule and for naming places as the SMM did
# ("2 km south-east of Avdiivka"); reference towns are the ones places are named from.
settlement = Table(
    "settlement", metadata,
    Column("settlement_id", Integer, Identity(), primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("population", Integer),
    Column("radius_m", Double, nullable=False, server_default="1000"),
    Column("reference_town", Boolean, nullable=False, server_default="false"),
    Column("geom", _geom("POINT"), nullable=False),
)
Index("settlement_geom", settlement.c.geom, postgresql_using="gist")

camera = Table(
    "camera", metadata,
    Column("camera_id", Integer, Identity(), primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True)),
    Column("attributes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("geom", _geom("POINT"), nullable=False),
)
Index("camera_geom", camera.c.geom, postgresql_using="gist")

sector = Table(
    "sector", metadata,
    Column("sector_id", Integer, Identity(), primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("geom", _geom("MULTIPOLYGON"), nullable=False),
)
Index("sector_geom", sector.c.geom, postgresql_using="gist")

zone = Table(
    "zone", metadata,
    Column("zone_id", Integer, Identity(), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True)),
    Column("attributes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("geom", _geom("MULTIPOLYGON"), nullable=False),
    UniqueConstraint("kind", "name", "valid_from", name="zone_kind_name_valid_from"),
)
Index("zone_geom", zone.c.geom, postgresql_using="gist")

# A flag pass records that a rule ran over a reporting day, even when it flagged nothing.
flag_run = Table(
    "flag_run", metadata,
    Column("day", Date, primary_key=True),
    Column("rule", Text, primary_key=True),
    Column("observations", Integer, nullable=False),
    Column("flags", Integer, nullable=False),
    Column("ran_at", DateTime(timezone=True), nullable=False, server_default=now),
)

# Flags are derived data, rebuilt per day from observation in one transaction: no foreign keys, whose
# per-row checks cost five times the insert itself on a million-row day (benchmarks/bench_flag.py).
flag = Table(
    "flag", metadata,
    Column("flag_id", BigInteger, Identity(), primary_key=True),
    Column("obs_id", BigInteger, nullable=False),
    Column("day", Date, nullable=False),
    Column("rule", Text, nullable=False),
    Column("clause", Text, nullable=False),
    Column("line_of_occupation_id", Integer),
    Column("distance_m", Double),
    Column("band", Text),
    Column("side", Text),
    Column("sector_id", Integer),
    Column("zone_id", Integer),
    Column("settlement_id", Integer),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    UniqueConstraint("obs_id", "rule", name="flag_obs_rule"),
    CheckConstraint("side IN ('occupied', 'government')", name="flag_side"),
)
Index("flag_day_rule", flag.c.day, flag.c.rule)

incident = Table(
    "incident", metadata,
    Column("incident_id", Text, primary_key=True),
    Column("day", Date, nullable=False),
    Column("kind", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("sector_id", Integer, ForeignKey(f"{SCHEMA}.sector.sector_id")),
    Column("side", Text),
    Column("band", Text),
    Column("distance_m", Double),
    Column("observations", Integer, nullable=False),
    Column("corroboration", SmallInteger, nullable=False),
    Column("confidence_grade", Text, nullable=False),
    Column("severity", Double, nullable=False),
    Column("uncertainty_m", Double, nullable=False),
    Column("rules", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("clauses", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # Admiralty grading: source reliability A-F (best member) and information credibility 1-6.
    Column("admiralty", Text, nullable=False, server_default="F6"),
    Column("weapon_class", Text),
    Column("weapon_count", Integer),
    Column("geom", _geom("POINT"), nullable=False),
)
Index("incident_day", incident.c.day)
Index("incident_geom", incident.c.geom, postgresql_using="gist")

# The provenance link from an incident to the observations behind it. Rebuilt with the incidents, per
# day and in one transaction, so (like flag) it carries no foreign keys.
incident_observation = Table(
    "incident_observation", metadata,
    Column("incident_id", Text, primary_key=True),
    Column("obs_id", BigInteger, primary_key=True),
)
Index("incident_observation_obs", incident_observation.c.obs_id)

daily_report = Table(
    "daily_report", metadata,
    Column("report_date", Date, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("period_start", DateTime(timezone=True), nullable=False),
    Column("period_end", DateTime(timezone=True), nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("summary", JSONB, nullable=False),
    Column("files", JSONB, nullable=False),
    Column("change_note", Text, nullable=False, server_default=""),
    Column("generated_at", DateTime(timezone=True), nullable=False, server_default=now),
)
