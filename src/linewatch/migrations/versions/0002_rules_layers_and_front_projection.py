"""rules layers and front projection

Registers the front transverse Mercator (SRID 990365) and moves line pieces into it; adds settlements,
cameras, the national outline, rule details on flags and Admiralty grades on incidents.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:45:00.747419
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


FRONT_SRID = 990365
FRONT_PROJ4 = "+proj=tmerc +lat_0=0 +lon_0=36.5 +k=1 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs"


def upgrade() -> None:
    op.execute(sa.text(
        "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text, srtext) "
        "VALUES (:srid, 'linewatch', :srid, :proj4, '') ON CONFLICT (srid) DO UPDATE SET proj4text = EXCLUDED.proj4text"
    ).bindparams(srid=FRONT_SRID, proj4=FRONT_PROJ4))
    op.create_geospatial_table('camera',
    sa.Column('camera_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('camera_id'),
    sa.UniqueConstraint('name'),
    schema='linewatch'
    )
    op.create_geospatial_index('camera_geom', 'camera', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('national_outline',
    sa.Column('national_outline_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('national_outline_id'),
    sa.UniqueConstraint('name'),
    schema='linewatch'
    )
    op.create_geospatial_index('national_outline_geom', 'national_outline', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('settlement',
    sa.Column('settlement_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('radius_m', sa.Double(), server_default='1000', nullable=False),
    sa.Column('reference_town', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('settlement_id'),
    sa.UniqueConstraint('name'),
    schema='linewatch'
    )
    op.create_geospatial_index('settlement_geom', 'settlement', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.add_column('flag', sa.Column('settlement_id', sa.Integer(), nullable=True), schema='linewatch')
    op.add_column('flag', sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False), schema='linewatch')
    op.create_foreign_key('flag_settlement_id_fkey', 'flag', 'settlement', ['settlement_id'], ['settlement_id'], source_schema='linewatch', referent_schema='linewatch')
    op.add_column('incident', sa.Column('clauses', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False), schema='linewatch')
    op.add_column('incident', sa.Column('admiralty', sa.Text(), server_default='F6', nullable=False), schema='linewatch')
    op.add_column('incident', sa.Column('weapon_class', sa.Text(), nullable=True), schema='linewatch')
    op.add_column('incident', sa.Column('weapon_count', sa.Integer(), nullable=True), schema='linewatch')
    # Pieces are derived data: drop them and cut them again in the new projection.
    op.execute("DELETE FROM linewatch.line_piece")
    op.add_geospatial_column('line_piece', sa.Column('geom', Geometry(geometry_type='LINESTRING', srid=990365, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False), schema='linewatch')
    op.drop_geospatial_index(op.f('line_piece_geog'), table_name='line_piece', schema='linewatch', postgresql_using='gist', column_name='geog')
    op.create_geospatial_index('line_piece_geom', 'line_piece', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.drop_geospatial_column('line_piece', 'geog', schema='linewatch')
    op.execute(sa.text(
        "INSERT INTO linewatch.line_piece (line_of_occupation_id, geom) "
        "SELECT line_of_occupation_id, (ST_Dump(ST_Subdivide(ST_Transform(ST_Segmentize(geom::geography, 2000)::geometry, "
        ":srid), 8))).geom FROM linewatch.line_of_occupation").bindparams(srid=FRONT_SRID))


def downgrade() -> None:
    op.execute("DELETE FROM linewatch.line_piece")
    op.add_geospatial_column('line_piece', sa.Column('geog', Geography(geometry_type='LINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeogFromText', name='geography', nullable=False), autoincrement=False, nullable=False), schema='linewatch')
    op.drop_geospatial_index('line_piece_geom', table_name='line_piece', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.create_geospatial_index(op.f('line_piece_geog'), 'line_piece', ['geog'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.drop_geospatial_column('line_piece', 'geom', schema='linewatch')
    op.execute("INSERT INTO linewatch.line_piece (line_of_occupation_id, geog) SELECT line_of_occupation_id, "
               "(ST_Dump(ST_Subdivide(ST_Segmentize(geom::geography, 2000)::geometry, 8))).geom::geography "
               "FROM linewatch.line_of_occupation")
    op.drop_column('incident', 'weapon_count', schema='linewatch')
    op.drop_column('incident', 'weapon_class', schema='linewatch')
    op.drop_column('incident', 'admiralty', schema='linewatch')
    op.drop_column('incident', 'clauses', schema='linewatch')
    op.drop_constraint('flag_settlement_id_fkey', 'flag', schema='linewatch', type_='foreignkey')
    op.drop_column('flag', 'details', schema='linewatch')
    op.drop_column('flag', 'settlement_id', schema='linewatch')
    op.drop_geospatial_index('settlement_geom', table_name='settlement', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('settlement', schema='linewatch')
    op.drop_geospatial_index('national_outline_geom', table_name='national_outline', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('national_outline', schema='linewatch')
    op.drop_geospatial_index('camera_geom', table_name='camera', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('camera', schema='linewatch')
