"""The thin database layer: an engine from a URL, and named SQL files from sql/ run with bound parameters."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from linewatch.schema import SCHEMA  # noqa: F401  (re-exported for callers of the db layer)
from linewatch.settings import PROJECT_ROOT, Settings, normalise_database_url

SQL_DIR = PROJECT_ROOT / "sql"


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = normalise_database_url(url or Settings.from_env().database_url)
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


@cache
def read_sql(name: str) -> str:
    """Text of sql/<name>; names never come from user input, but refuse to leave sql/ anyway."""
    path = (SQL_DIR / name).resolve()
    if SQL_DIR.resolve() not in path.parents:
        raise ValueError(f"SQL file {name!r} is outside {SQL_DIR}")
    return path.read_text(encoding="utf-8")


def run_sql(conn: Connection, name: str, params: dict[str, Any] | None = None) -> sa.CursorResult:
    """Run one statement from sql/<name> with bound parameters (`:name` placeholders)."""
    return conn.execute(sa.text(read_sql(name)), params or {})


def sql_files(folder: str) -> list[str]:
    return sorted(str(p.relative_to(SQL_DIR)) for p in (SQL_DIR / folder).glob("*.sql"))


def raw_connection(conn: Connection):
    """The psycopg 3 connection under a SQLAlchemy connection, for COPY."""
    return conn.connection.driver_connection

