"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-30 09:14:32.879477
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostGIS is normally created by provisioning (it needs a superuser); this is a no-op then.
    op.execute('CREATE EXTENSION IF NOT EXISTS postgis')
    op.create_table('daily_report',
    sa.Column('report_date', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.Text(), nullable=False),
    sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('files', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('change_note', sa.Text(), server_default='', nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('report_date', 'version'),
    schema='linewatch'
    )
    op.create_table('flag_run',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('rule', sa.Text(), nullable=False),
    sa.Column('observations', sa.Integer(), nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('day', 'rule'),
    schema='linewatch'
    )
    op.create_table('ingest_batch',
    sa.Column('batch_id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('feed', sa.Text(), nullable=False),
    sa.Column('format', sa.Text(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.Text(), nullable=False),
    sa.Column('rows_read', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_loaded', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_updated', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_rejected', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_duplicate', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.Text(), server_default='running', nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('coverage_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('coverage_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('running', 'loaded', 'failed')", name='ingest_batch_status'),
    sa.PrimaryKeyConstraint('batch_id'),
    schema='linewatch'
    )
    op.create_index('ingest_batch_loaded_once', 'ingest_batch', ['feed', 'sha256'], unique=True, schema='linewatch', postgresql_where=sa.text("status = 'loaded'"))
    op.create_geospatial_table('line_of_occupation',
    sa.Column('line_of_occupation_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('version', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Text(), server_default='', nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTILINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name='line_of_occupation_valid_range'),
    sa.PrimaryKeyConstraint('line_of_occupation_id'),
    sa.UniqueConstraint('version', name='line_of_occupation_version'),
    schema='linewatch'
    )
    op.create_geospatial_index('line_of_occupation_geom', 'line_of_occupation', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('occupied_area',
    sa.Column('occupied_area_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('version', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Text(), server_default='', nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name='occupied_area_valid_range'),
    sa.PrimaryKeyConstraint('occupied_area_id'),
    sa.UniqueConstraint('version', name='occupied_area_version'),
    schema='linewatch'
    )
    op.create_geospatial_index('occupied_area_geom', 'occupied_area', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('sector',
    sa.Column('sector_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('sector_id'),
    sa.UniqueConstraint('name'),
    schema='linewatch'
    )
    op.create_geospatial_index('sector_geom', 'sector', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('zone',
    sa.Column('zone_id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('zone_id'),
    sa.UniqueConstraint('kind', 'name', 'valid_from', name='zone_kind_name_valid_from'),
    schema='linewatch'
    )
    op.create_geospatial_index('zone_geom', 'zone', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('incident',
    sa.Column('incident_id', sa.Text(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.Text(), nullable=True),
    sa.Column('band', sa.Text(), nullable=True),
    sa.Column('distance_m', sa.Double(), nullable=True),
    sa.Column('observations', sa.Integer(), nullable=False),
    sa.Column('corroboration', sa.SmallInteger(), nullable=False),
    sa.Column('confidence_grade', sa.Text(), nullable=False),
    sa.Column('severity', sa.Double(), nullable=False),
    sa.Column('uncertainty_m', sa.Double(), nullable=False),
    sa.Column('rules', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['linewatch.sector.sector_id'], ),
    sa.PrimaryKeyConstraint('incident_id'),
    schema='linewatch'
    )
    op.create_index('incident_day', 'incident', ['day'], unique=False, schema='linewatch')
    op.create_geospatial_index('incident_geom', 'incident', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('line_piece',
    sa.Column('piece_id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('line_of_occupation_id', sa.Integer(), nullable=False),
    sa.Column('geog', Geography(geometry_type='LINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeogFromText', name='geography', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['line_of_occupation_id'], ['linewatch.line_of_occupation.line_of_occupation_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('piece_id'),
    schema='linewatch'
    )
    op.create_geospatial_index('line_piece_geog', 'line_piece', ['geog'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('observation',
    sa.Column('obs_id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('feed', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Text(), nullable=False),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('uncertainty_m', sa.Double(), server_default='0', nullable=False),
    sa.Column('time_precision_s', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('weapon_class', sa.Text(), nullable=True),
    sa.Column('weapon_count', sa.Integer(), nullable=True),
    sa.Column('bearing_deg', sa.Double(), nullable=True),
    sa.Column('source_reliability', sa.Text(), nullable=True),
    sa.Column('confidence', sa.Double(), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('batch_id', sa.BigInteger(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['linewatch.ingest_batch.batch_id'], ),
    sa.PrimaryKeyConstraint('obs_id'),
    sa.UniqueConstraint('feed', 'source_id', name='observation_feed_source_id'),
    schema='linewatch'
    )
    op.create_geospatial_index('observation_geom', 'observation', ['geom'], unique=False, schema='linewatch', postgresql_using='gist', postgresql_ops={})
    op.create_index('observation_observed_at', 'observation', ['observed_at'], unique=False, schema='linewatch')
    op.create_table('rejected_row',
    sa.Column('reject_id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('batch_id', sa.BigInteger(), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('is_duplicate', sa.Boolean(), server_default='false', nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['linewatch.ingest_batch.batch_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reject_id'),
    sa.UniqueConstraint('batch_id', 'line_number', name='rejected_row_batch_line'),
    schema='linewatch'
    )
    op.create_table('flag',
    sa.Column('flag_id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('obs_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('rule', sa.Text(), nullable=False),
    sa.Column('clause', sa.Text(), nullable=False),
    sa.Column('line_of_occupation_id', sa.Integer(), nullable=True),
    sa.Column('distance_m', sa.Double(), nullable=True),
    sa.Column('band', sa.Text(), nullable=True),
    sa.Column('side', sa.Text(), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("side IN ('occupied', 'government')", name='flag_side'),
    sa.ForeignKeyConstraint(['line_of_occupation_id'], ['linewatch.line_of_occupation.line_of_occupation_id'], ),
    sa.ForeignKeyConstraint(['obs_id'], ['linewatch.observation.obs_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['linewatch.sector.sector_id'], ),
    sa.ForeignKeyConstraint(['zone_id'], ['linewatch.zone.zone_id'], ),
    sa.PrimaryKeyConstraint('flag_id'),
    sa.UniqueConstraint('obs_id', 'rule', name='flag_obs_rule'),
    schema='linewatch'
    )
    op.create_index('flag_day_rule', 'flag', ['day', 'rule'], unique=False, schema='linewatch')
    op.create_table('incident_observation',
    sa.Column('incident_id', sa.Text(), nullable=False),
    sa.Column('obs_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['linewatch.incident.incident_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['obs_id'], ['linewatch.observation.obs_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'obs_id'),
    schema='linewatch'
    )
    op.create_index('incident_observation_obs', 'incident_observation', ['obs_id'], unique=False, schema='linewatch')


def downgrade() -> None:
    op.drop_index('incident_observation_obs', table_name='incident_observation', schema='linewatch')
    op.drop_table('incident_observation', schema='linewatch')
    op.drop_index('flag_day_rule', table_name='flag', schema='linewatch')
    op.drop_table('flag', schema='linewatch')
    op.drop_table('rejected_row', schema='linewatch')
    op.drop_index('observation_observed_at', table_name='observation', schema='linewatch')
    op.drop_geospatial_index('observation_geom', table_name='observation', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('observation', schema='linewatch')
    op.drop_geospatial_index('line_piece_geog', table_name='line_piece', schema='linewatch', postgresql_using='gist', column_name='geog')
    op.drop_geospatial_table('line_piece', schema='linewatch')
    op.drop_geospatial_index('incident_geom', table_name='incident', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_index('incident_day', table_name='incident', schema='linewatch')
    op.drop_geospatial_table('incident', schema='linewatch')
    op.drop_geospatial_index('zone_geom', table_name='zone', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('zone', schema='linewatch')
    op.drop_geospatial_index('sector_geom', table_name='sector', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('sector', schema='linewatch')
    op.drop_geospatial_index('occupied_area_geom', table_name='occupied_area', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('occupied_area', schema='linewatch')
    op.drop_geospatial_index('line_of_occupation_geom', table_name='line_of_occupation', schema='linewatch', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('line_of_occupation', schema='linewatch')
    op.drop_index('ingest_batch_loaded_once', table_name='ingest_batch', schema='linewatch', postgresql_where=sa.text("status = 'loaded'"))
    op.drop_table('ingest_batch', schema='linewatch')
    op.drop_table('flag_run', schema='linewatch')
    op.drop_table('daily_report', schema='linewatch')
