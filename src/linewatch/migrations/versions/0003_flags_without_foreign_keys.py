"""flags without foreign keys

Flags and incident links are derived data, rebuilt per day from observation inside one transaction; the per-row foreign-key
checks cost five times the insert itself on a million-observation day.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FOREIGN_KEYS = (
    ("flag", "flag_obs_id_fkey", "observation", "obs_id", "CASCADE"),
    ("flag", "flag_line_of_occupation_id_fkey", "line_of_occupation", "line_of_occupation_id", None),
    ("flag", "flag_sector_id_fkey", "sector", "sector_id", None),
    ("flag", "flag_zone_id_fkey", "zone", "zone_id", None),
    ("flag", "flag_settlement_id_fkey", "settlement", "settlement_id", None),
    ("incident_observation", "incident_observation_incident_id_fkey", "incident", "incident_id", "CASCADE"),
    ("incident_observation", "incident_observation_obs_id_fkey", "observation", "obs_id", "CASCADE"),
)


def upgrade() -> None:
    for table, name, *_ in FOREIGN_KEYS:
        op.drop_constraint(name, table, schema="linewatch", type_="foreignkey")


def downgrade() -> None:
    # Rows pointing at deleted observations would block the constraints; they are derived, so drop them.
    for table in ("flag", "incident_observation"):
        op.execute(f"DELETE FROM linewatch.{table} t WHERE NOT EXISTS "
                   "(SELECT 1 FROM linewatch.observation o WHERE o.obs_id = t.obs_id)")
    for table, name, referred, column, on_delete in FOREIGN_KEYS:
        op.create_foreign_key(name, table, referred, [column], [column], source_schema="linewatch",
                              referent_schema="linewatch", ondelete=on_delete)
