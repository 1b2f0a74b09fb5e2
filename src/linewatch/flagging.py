"""Flag one reporting day: compute each observation's position once (sql/flag/position.sql), then run
each configured rule's SQL (sql/flag/<rule>.sql) over those positions.

Each rule replaces its own flags for the day, all in one transaction, so re-running a day gives the
same rows; a flag_run row records that the pass happened even when nothing was flagged.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.engine import Connection

from linewatch.config import Config, Rule
from linewatch.db import run_sql
from linewatch.periods import day_bounds
from linewatch.schema import FRONT_SRID


def band_labels(bands_km: tuple[float, ...]) -> list[str]:
    """[2, 5, 15] -> ['0-2 km', '2-5 km', '5-15 km']"""
    edges = (0.0, *bands_km)
    return [f"{lo:g}-{hi:g} km" for lo, hi in zip(edges, edges[1:], strict=False)]


def band_params(config: Config) -> dict:
    """How SQL assigns bands: labels[width_bucket(distance, lower bounds)], for distance < max_distance_m
    (bands are [lower, upper) in metres). Flags and incidents both use it, so they agree at the edges."""
    return {
        "band_labels": band_labels(config.bands_km),
        "band_lower_m": [0.0, *(b * 1000.0 for b in config.bands_km[:-1])],
        "max_distance_m": config.bands_km[-1] * 1000.0,
    }


def day_params(config: Config, day: date) -> dict:
    start, end = day_bounds(day, config.timezone)
    return {
        "day": day,
        "period_start": start,
        "period_end": end,
        "front_srid": FRONT_SRID,
        "position_max_m": config.position_max_km * 1000.0,
        **band_params(config),
    }


def rule_params(rule: Rule) -> dict:
    """A rule's own parameters as bind values: mappings go to SQL as jsonb text, lists as arrays."""
    bound = {"rule": rule.name, "clause": rule.clause}
    for key, value in rule.params.items():
        bound[key] = json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
    return bound


def flag_day(conn: Connection, day: date, config: Config) -> dict[str, int]:
    """Run every rule for `day`; return flags per rule."""
    params = day_params(config, day)
    for step in ("flag/no_jit.sql", "flag/occupied_pieces.sql", "flag/occupied_pieces_index.sql", "flag/position.sql"):
        run_sql(conn, step, params)
    observations = run_sql(conn, "flag/count_observations.sql").scalar_one()
    counts = {}
    for rule in config.rules:
        rp = {**params, **rule_params(rule)}
        run_sql(conn, "flag/delete_flags.sql", rp)
        counts[rule.name] = run_sql(conn, rule.sql, rp).rowcount
        run_sql(conn, "flag/record_run.sql",
                {"day": day, "rule": rule.name, "observations": observations, "flags": counts[rule.name]})
    return counts
