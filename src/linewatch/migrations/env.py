"""Alembic environment: runs on the connection that linewatch.migrations hands over."""

from alembic import context
from geoalchemy2 import alembic_helpers

from linewatch.schema import SCHEMA, metadata


def include_object(obj, name, type_, reflected, compare_to):
    # PostGIS's own tables (spatial_ref_sys, topology, tiger) are not ours to manage.
    if type_ == "table" and getattr(obj, "schema", None) != SCHEMA:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=SCHEMA,
        include_schemas=True,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
