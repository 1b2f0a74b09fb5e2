"""What every benchmark needs: a fresh database, a timer, a child process per measurement, figures.

    url = fresh_database()                      # linewatch_bench (or a name), recreated, PostGIS, migrated
    result = in_child(measure_something, url)   # -> (whatever it returned, peak RSS of that child in MiB)
    report("thing_rows_per_s", 123456.7)        # prints "thing_rows_per_s: 123457"

Measure in a child process so each measurement has its own peak RSS and starts with cold Python caches;
the child is spawned (not forked) so it does not inherit the parent's memory.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "bench-data"
BENCH_DATABASE = "linewatch_bench"


def bench_url(database: str = BENCH_DATABASE) -> str:
    """A benchmark database (`linewatch_bench` by default) on the server of LINEWATCH_OWNER_DATABASE_URL (it is
    created, so as the owner), else of LINEWATCH_DATABASE_URL."""
    base = make_url(os.environ.get("LINEWATCH_OWNER_DATABASE_URL") or os.environ.get(
        "LINEWATCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/linewatch"))
    url = base.set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def fresh_database(database: str = BENCH_DATABASE) -> str:
    """Drop and recreate a benchmark database with PostGIS and the migrated schema; return its URL."""
    from linewatch.migrate import upgrade

    url = bench_url(database)
    admin = sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    upgrade(engine)
    engine.dispose()
    return url


def make_engine(url: str) -> Engine:
    from linewatch.db import make_engine as _make_engine

    return _make_engine(url)


def data_path(name: str) -> Path:
    DATA_DIR.mkdir(exist_ok=True)
    return DATA_DIR / name


@dataclass
class Timer:
    seconds: float = 0.0


@contextmanager
def timed():
    """`with timed() as t: ...` then `t.seconds` (wall clock, monotonic)."""
    timer = Timer()
    start = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = time.perf_counter() - start


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measured(func: Callable[..., Any], args: tuple) -> tuple[Any, float]:
    return func(*args), peak_rss_mib()


def in_child(func: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """Run func(*args) in a fresh spawned process: (its return value, that process's peak RSS in MiB).

    `func` must be a module-level function and its arguments and result picklable.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_measured, func, args).result()


def report(name: str, value: float | int | str) -> None:
    """Print one figure as `name: value`: integers as they are, large floats rounded, ratios to 3 places."""
    if isinstance(value, float):
        value = f"{value:.0f}" if abs(value) >= 100 else f"{value:.3f}"
    print(f"{name}: {value}", flush=True)
