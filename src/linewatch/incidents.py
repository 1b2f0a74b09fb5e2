"""Turn one day's flagged observations into incidents (SQL in sql/incidents/, run in file order)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.engine import Connection

from linewatch.config import Config
from linewatch.db import run_sql, sql_files
from linewatch.flagging import band_labels
from linewatch.observation import VIOLATION_KINDS
from linewatch.schema import FRONT_SRID

# How much an incident of each kind weighs in severity (heavier fire and weapons weigh more).
KIND_WEIGHTS = {
    "explosion": 3.0, "shelling": 3.0, "heavy_weapon_sighting": 2.5, "small_arms_fire": 1.5,
    "muzzle_flash": 1.0, "illumination_flare": 0.5, "troop_movement": 1.0, "uav_sighting": 1.0,
    "civilian_harm": 4.0, "infrastructure_damage": 2.0,
}


# An event seen for N windows in a row needs about N passes; a day has 96 windows of 15 minutes.
MAX_PROPAGATION_PASSES = 1000


def cluster_day(conn: Connection, day: date, config: Config) -> int:
    """Rebuild `day`'s incidents from its flags; returns how many incidents it has."""
    params = {
        "day": day,
        "violation_kinds": list(VIOLATION_KINDS),
        "front_srid": FRONT_SRID,
        "eps_m": config.eps_m,
        "window_minutes": int(config.window_minutes),
        "window_by_family": json.dumps(config.window_minutes_by_family, sort_keys=True),
        "band_labels": band_labels(config.bands_km),
        "band_bounds_m": [b * 1000.0 for b in config.bands_km],
        "kind_weights": json.dumps(KIND_WEIGHTS, sort_keys=True),
    }
    created = 0
    run_sql(conn, "flag/no_jit.sql")
    for name in sql_files("incidents"):
        result = run_sql(conn, name, params)
        if name.endswith("_propagate.sql"):
            # Each pass moves labels one link further; a component is settled after its diameter's passes.
            for _ in range(MAX_PROPAGATION_PASSES):
                if result.rowcount == 0:
                    break
                result = run_sql(conn, name, params)
            else:
                raise RuntimeError(f"{day}: incident labels did not settle in {MAX_PROPAGATION_PASSES} passes")
        if name.endswith("_insert.sql"):
            created = result.rowcount
    return created
