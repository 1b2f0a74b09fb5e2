"""The numbers of one daily incident summary, computed by the SQL in sql/report/.

`build_summary` returns a JSON-ready dict: the same database gives the same dict, so its hash is the
report's content hash. Counts are incidents (events), not raw reports: one explosion seen by three
sensors is one violation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from linewatch.config import Config
from linewatch.db import read_sql, run_sql
from linewatch.flagging import band_labels
from linewatch.observation import EXPLOSION_KINDS, VIOLATION_KINDS
from linewatch.periods import day_bounds


def period_params(day: date, config: Config) -> dict:
    start, end = day_bounds(day, config.timezone)
    return {
        "day": day, "period_start": start, "period_end": end,
        "violation_kinds": list(VIOLATION_KINDS), "explosion_kinds": list(EXPLOSION_KINDS),
        "band_labels": band_labels(config.bands_km),
    }


def direction(current: int, previous: int) -> str:
    """The word a reader trusts: exact comparison, no 'roughly'."""
    if current > previous:
        return "rose"
    if current < previous:
        return "fell"
    return "unchanged"


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def _rows(conn: Connection, name: str, params: dict) -> list[dict]:
    return [dict(r) for r in run_sql(conn, name, params).mappings()]


def build_summary(conn: Connection, day: date, config: Config) -> dict:
    params = period_params(day, config)
    previous = period_params(day - timedelta(days=1), config)
    totals = dict(run_sql(conn, "report/totals.sql", params).mappings().one())
    prev_totals = run_sql(conn, "report/totals.sql", previous).mappings().one()
    totals["previous_violations"] = prev_totals["violations"]
    totals["previous_explosions"] = prev_totals["explosions"]

    prev_sectors = {r["sector"]: r for r in _rows(conn, "report/sectors.sql", previous)}
    sectors = []
    for row in _rows(conn, "report/sectors.sql", params):
        before = prev_sectors.get(row["sector"], {"violations": 0, "explosions": 0})
        sectors.append({**row, "previous_violations": before["violations"],
                        "previous_explosions": before["explosions"],
                        "direction": direction(row["violations"], before["violations"])})

    incidents = []
    for row in _rows(conn, "report/incidents.sql", params):
        row["started_at"], row["ended_at"] = _iso(row["started_at"]), _iso(row["ended_at"])
        row["obs_ids"] = list(row["obs_ids"] or [])
        incidents.append(row)

    lines = _rows(conn, "report/line_versions.sql", params)
    return {
        "report_date": day.isoformat(),
        "timezone": config.timezone,
        "period_start": params["period_start"].isoformat(),
        "period_end": params["period_end"].isoformat(),
        "line_versions": [
            f"{r['version']} (in force from {r['valid_from']:%Y-%m-%d %H:%M} UTC)" for r in lines
        ],
        "totals": totals,
        "sectors": sectors,
        "by_sector_kind_side": _rows(conn, "report/by_sector_kind_side.sql", params),
        "by_band": _rows(conn, "report/by_band.sql", params),
        "incidents": incidents,
        "ingest": _rows(conn, "report/ingest.sql", params),
    }


def map_layers(conn: Connection, day: date, config: Config):
    """The geometries the map draws, as GeoDataFrames in EPSG:4326."""
    import geopandas as gpd
    from sqlalchemy import text

    from linewatch.report.render import MapLayers

    params = period_params(day, config)

    def frame(name: str):
        sql = read_sql(name)
        used = {k: v for k, v in params.items() if f":{k}" in sql}
        return gpd.read_postgis(text(sql), conn, geom_col="geom", params=used, crs=4326)

    return MapLayers(
        line=frame("report/line_versions.sql").tail(1),
        occupied_area=frame("report/occupied_area.sql"),
        sectors=frame("report/sectors_map.sql"),
        zones=frame("report/zones_map.sql"),
        incidents=frame("report/incidents_map.sql"),
    )
