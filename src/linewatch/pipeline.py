"""The day-level steps that the DAGs, the CLI and the tests all call, each taking an Engine.

Each step is one transaction per day, so a failure leaves the day as it was and a re-run
replaces it whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.engine import Engine

from linewatch.config import Config
from linewatch.flagging import flag_day
from linewatch.incidents import cluster_day


def flag_and_cluster(engine: Engine, days: Iterable[date], config: Config) -> dict[str, dict]:
    """Flag each day's observations and rebuild its incidents; returns counts per day."""
    results = {}
    for day in sorted(set(days)):
        with engine.begin() as conn:
            flags = flag_day(conn, day, config)
            incidents = cluster_day(conn, day, config)
        results[day.isoformat()] = {"flags": flags, "incidents": incidents}
    return results
