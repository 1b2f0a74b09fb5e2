"""Flag one reporting day: run each configured rule's SQL (sql/flag/) for the day's observations.

Each rule replaces its own flags for the day, in one transaction with the others, so re-running a
day gives the same rows; a flag_run row records that the pass happened even when nothing was flagged.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection

from linewatch.config import Config
from linewatch.db import run_sql
from linewatch.periods import day_bounds


def band_labels(bands_km: tuple[float, ...]) -> list[str]:
    """[2, 5, 15] -> ['0-2 km', '2-5 km', '5-15 km']"""
    edges = (0.0, *bands_km)
    return [f"{lo:g}-{hi:g} km" for lo, hi in zip(edges, edges[1:], strict=False)]


def rule_params(config: Config, day: date) -> dict:
    start, end = day_bounds(day, config.timezone)
    return {
        "day": day,
        "period_start": start,
        "period_end": end,
        "band_labels": band_labels(config.bands_km),
        "band_bounds_m": [b * 1000.0 for b in config.bands_km],
        "max_distance_m": config.bands_km[-1] * 1000.0,
    }


def flag_day(conn: Connection, day: date, config: Config) -> dict[str, int]:
    """Run every rule for `day`; return flags per rule."""
    params = rule_params(config, day)
    observations = run_sql(conn, "flag/count_observations.sql", params).scalar_one()
    counts = {}
    for rule in config.rules:
        rp = {**params, "rule": rule.name, "clause": rule.clause}
        run_sql(conn, "flag/delete_flags.sql", rp)
        counts[rule.name] = run_sql(conn, rule.sql, rp).rowcount
        run_sql(conn, "flag/record_run.sql",
                {"day": day, "rule": rule.name, "observations": observations, "flags": counts[rule.name]})
    return counts
