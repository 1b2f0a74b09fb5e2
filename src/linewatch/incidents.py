"""Turn one day's flagged observations into incidents (SQL in sql/incidents/, run in file order)."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from linewatch.config import Config
from linewatch.db import raw_connection, run_sql, sql_files
from linewatch.flagging import band_params
from linewatch.observation import VIOLATION_KINDS
from linewatch.schema import FRONT_SRID

# How much an incident of each kind weighs in severity (heavier fire and weapons weigh more).
KIND_WEIGHTS = {
    "explosion": 3.0, "shelling": 3.0, "heavy_weapon_sighting": 2.5, "small_arms_fire": 1.5,
    "muzzle_flash": 1.0, "illumination_flare": 0.5, "troop_movement": 1.0, "uav_sighting": 1.0,
    "civilian_harm": 4.0, "infrastructure_damage": 2.0,
}


def components(links: list[tuple[str, str]]) -> dict[str, str]:
    """Connected components of the cluster links (union-find): each linked key -> the smallest key of its
    component, so labels do not depend on the order links come in."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]  # path halving
            key = parent[key]
        return key

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {key: root(key) for key in parent}


def label_components(conn: Connection) -> int:
    """Merge the clusters that 04_bucket_links.sql linked: the graph is small (one row per link) and a
    union-find settles it in one pass, where label propagation in SQL needs one pass per link of the
    longest chain."""
    links = [tuple(r) for r in conn.execute(sa.text("SELECT a, b FROM incident_link")).all()]
    labels = sorted((key, label) for key, label in components(links).items() if key != label)
    with raw_connection(conn).cursor() as cur, cur.copy("COPY incident_label (cluster_key, label) FROM STDIN") as copy:
        for row in labels:
            copy.write_row(row)
    return len(labels)


def cluster_day(conn: Connection, day: date, config: Config) -> int:
    """Rebuild `day`'s incidents from its flags; returns how many incidents it has."""
    params = {
        "day": day,
        "violation_kinds": list(VIOLATION_KINDS),
        "front_srid": FRONT_SRID,
        "eps_m": config.eps_m,
        "window_minutes": int(config.window_minutes),
        "window_by_family": json.dumps(config.window_minutes_by_family, sort_keys=True),
        **band_params(config),
        "kind_weights": json.dumps(KIND_WEIGHTS, sort_keys=True),
    }
    created = 0
    run_sql(conn, "flag/no_jit.sql")
    for name in sql_files("incidents"):
        result = run_sql(conn, name, params)
        if name.endswith("_labels.sql"):
            label_components(conn)
        if name.endswith("_insert.sql"):
            created = result.rowcount
    return created
