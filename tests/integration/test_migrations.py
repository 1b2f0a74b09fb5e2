"""The schema is exactly what the models say, reached only through migrations, and reversible."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from linewatch.migrate import alembic_config, current_revision, upgrade
from tests.conftest import TEST_URL


def test_models_and_migrations_agree(engine):
    with engine.begin() as conn:
        command.check(alembic_config(conn))  # raises if autogenerate would write a new migration


def test_migrations_go_down_and_up_again(engine, tmp_path):
    """On a scratch database: every migration applies from empty, downgrades to empty and re-applies."""
    scratch = TEST_URL.set(database=f"{TEST_URL.database}_migrations")
    admin = sa.create_engine(TEST_URL.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{scratch.database}"'))
    eng = sa.create_engine(scratch)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("CREATE EXTENSION postgis"))
        upgrade(eng)
        head = current_revision(eng)
        with eng.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert current_revision(eng) is None
        upgrade(eng)
        assert current_revision(eng) == head
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        admin.dispose()
