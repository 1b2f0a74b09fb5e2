"""The numbers of one incident summary, computed by the SQL in sql/report/.

`build_summary` returns a JSON-ready dict: the same database gives the same dict, so its hash is the
report's content hash (nothing in it depends on when it was built). Counts are incidents (events), not
raw reports: one explosion seen by three sensors is one violation.

Incidents belong to a period by the time they started (started_at in [start, end)); `incident.day` only
narrows the search to its index, so SMM-style and multi-day periods count the same way as local days.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.engine import Connection

from linewatch.config import Config
from linewatch.db import read_sql, run_sql
from linewatch.flagging import band_labels
from linewatch.geodesy import compass_word
from linewatch.observation import EXPLOSION_KINDS, VIOLATION_KINDS
from linewatch.periods import Period, daily_period

# The previous-periods average runs over this many periods (the SMM compared with the previous day
# and with the week).
AVERAGE_PERIODS = 7
MOVEMENT_KINDS = ("access_denied", "jamming")
# Sections of incidents flagged by one rule: (summary key, rule).
RULE_SECTIONS = (
    ("disengagement", "disengagement_area"),
    ("protected_sites", "fire_near_protected_site"),
    ("settlement_weapons", "heavy_weapon_in_settlement"),
    ("aerial_vehicles", "aerial_vehicle_over_zone"),
)
PLACE_FIELDS = ("settlement", "settlement_m", "settlement_occupied", "reference_town", "reference_m",
                "reference_occupied", "azimuth_deg")


def as_period(when: date | Period, config: Config) -> Period:
    """A date means that day's period in the configured style."""
    return when if isinstance(when, Period) else daily_period(when, config.timezone, config.report.period)


def period_params(when: date | Period, config: Config) -> dict:
    period = as_period(when, config)
    first_day, last_day = period.incident_days
    return {
        "day": period.last, "period_start": period.start, "period_end": period.end,
        "first_day": first_day, "last_day": last_day, "tz": config.timezone,
        "violation_kinds": list(VIOLATION_KINDS), "explosion_kinds": list(EXPLOSION_KINDS),
        "band_labels": band_labels(config.bands_km),
    }


def direction(current: float, previous: float) -> str:
    """The word a reader trusts: exact comparison, no 'roughly'."""
    if current > previous:
        return "rose"
    if current < previous:
        return "fell"
    return "unchanged"


def control_status(occupied: bool) -> str:
    return "non-government-controlled" if occupied else "government-controlled"


def format_km(metres: float) -> str:
    km = metres / 1000
    return f"{km:.1f}" if km < 10 else f"{km:.0f}"


def place_name(row: dict) -> str | None:
    """'2.3 km south-east of Avdiivka (government-controlled)', as the SMM named places; prefixed with
    the nearest settlement when that is not the reference town itself."""
    town = row.get("reference_town")
    if town is None:
        return None
    if row["reference_m"] < 500 or row["azimuth_deg"] is None:
        named = f"in {town} ({control_status(row['reference_occupied'])})"
    else:
        named = (f"{format_km(row['reference_m'])} km {compass_word(row['azimuth_deg'])} of {town} "
                 f"({control_status(row['reference_occupied'])})")
    settlement = row.get("settlement")
    if settlement and settlement != town:
        return f"near {settlement} ({control_status(row['settlement_occupied'])}), {named}"
    return named


_CONVERT = (datetime, date, Decimal)


def _plain(value):
    """A database value as JSON: timestamps as ISO 8601, numerics as floats, arrays as lists."""
    if isinstance(value, _CONVERT):
        return value.isoformat() if not isinstance(value, Decimal) else float(value)
    if isinstance(value, list | tuple):
        # Arrays are homogeneous: look at the first element only (obs_ids can be long).
        return [_plain(v) for v in value] if value and isinstance(value[0], _CONVERT) else list(value)
    return value


def _rows(conn: Connection, name: str, params: dict) -> list[dict]:
    """Rows as JSON-ready dicts; the raw place columns become one `place` string."""
    out = []
    for r in run_sql(conn, name, params).mappings():
        row = {k: _plain(v) for k, v in r.items()}
        if "reference_town" in row:
            row["place"] = place_name(row)
            for key in PLACE_FIELDS:
                row.pop(key)
        out.append(row)
    return out


def _listed(rows: list[dict], limit: int) -> dict:
    """A section: its first `limit` rows and how many there are in all (the SQL's count)."""
    summed = ("total", "total_weapons", "events", "period_fatalities")
    return {"total": int(rows[0]["total"]) if rows else 0,
            "rows": [{k: v for k, v in r.items() if k not in summed} for r in rows[:limit]]}


def sector_comparison(rows: list[dict]) -> tuple[dict, list[dict]]:
    """Current vs previous period vs the average of the previous AVERAGE_PERIODS periods, per sector.

    Directions compare exactly: the average is compared as a sum against AVERAGE_PERIODS × current.
    """
    by_sector: dict = {}
    for r in rows:
        by_sector.setdefault(r["sector"], {})[r["window"]] = r
    entries = {}
    for sector, windows in by_sector.items():
        now, before = windows[1], windows[2]
        week = [windows[n] for n in range(2, AVERAGE_PERIODS + 2)]
        week_v, week_e = sum(w["violations"] for w in week), sum(w["explosions"] for w in week)
        entries[sector] = {
            "sector": sector, "violations": now["violations"], "explosions": now["explosions"],
            "previous_violations": before["violations"], "previous_explosions": before["explosions"],
            "direction": direction(now["violations"], before["violations"]),
            "explosions_direction": direction(now["explosions"], before["explosions"]),
            "average_violations": round(week_v / AVERAGE_PERIODS, 1),
            "average_explosions": round(week_e / AVERAGE_PERIODS, 1),
            "average_direction": direction(AVERAGE_PERIODS * now["violations"], week_v),
            "average_explosions_direction": direction(AVERAGE_PERIODS * now["explosions"], week_e),
        }
    overall = entries.pop(None)
    return overall, [entries[s] for s in sorted(entries)]


def build_summary(conn: Connection, when: date | Period, config: Config) -> dict:
    period = as_period(when, config)
    params = period_params(period, config)
    limit = config.report.section_rows
    windows = [period] + [period.previous(n) for n in range(1, AVERAGE_PERIODS + 1)]
    feeds = sorted(config.feeds, key=lambda f: f.name)
    params |= {
        "window_starts": [w.start for w in windows], "window_ends": [w.end for w in windows],
        "windows_first_day": windows[-1].incident_days[0],
        "movement_kinds": list(MOVEMENT_KINDS),
        "listed_kinds": [*MOVEMENT_KINDS, "civilian_harm"], "listed_rules": ["weapon_in_withdrawal_zone"],
        "feed_names": [f.name for f in feeds], "feed_delay_hours": [float(f.expected_delay_hours) for f in feeds],
        "slot_minutes": 60 * period.days,
        "rule_names": [r.name for r in config.rules], "rule_clauses": [r.clause for r in config.rules],
        "limit": limit,
    }
    run_sql(conn, "report/places_drop.sql")
    run_sql(conn, "report/places.sql", params)
    run_sql(conn, "report/places_analyze.sql")

    totals = {k: int(v) for k, v in run_sql(conn, "report/totals.sql", params).mappings().one().items()}
    overall, sectors = sector_comparison(_rows(conn, "report/sector_windows.sql", params))
    totals |= {k: overall[k] for k in overall if k not in ("sector", "violations", "explosions")}

    weapons = _rows(conn, "report/withdrawal_weapons.sql", params)
    harm = _rows(conn, "report/civilian_harm.sql", params)
    coverage = _rows(conn, "report/coverage.sql", params)
    lines = run_sql(conn, "report/line_versions.sql", params).mappings().all()
    summary = {
        "report_date": period.last.isoformat(),
        "period_key": period.key,
        "period_style": period.style,
        "period_days": period.days,
        "timezone": config.timezone,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "line_versions": [f"{r['version']} (in force from {r['valid_from']:%Y-%m-%d %H:%M} UTC)"
                          for r in lines],
        "totals": totals,
        "sectors": sectors,
        "by_sector_kind_side": _rows(conn, "report/by_sector_kind_side.sql", params),
        "by_band": _rows(conn, "report/by_band.sql", params),
        "by_hour": _rows(conn, "report/by_hour.sql", params),
        "withdrawal_weapons": _listed(weapons, limit)
        | {"weapons": int(weapons[0]["total_weapons"] or 0) if weapons else 0},
        **{key: _listed(_rows(conn, "report/rule_incidents.sql", params | {"rule": rule}), limit)
           for key, rule in RULE_SECTIONS},
        "civilian_harm": _listed(harm, limit)
        | {"events": int(harm[0]["events"]) if harm else 0,
           "fatalities": int(harm[0]["period_fatalities"]) if harm else 0},
        "freedom_of_movement": _listed(_rows(conn, "report/freedom_of_movement.sql", params), limit),
        "feed_status": _rows(conn, "report/feed_status.sql", params),
        "coverage": {"slot_minutes": params["slot_minutes"],
                     "slots": coverage[0]["slot_starts"] if coverage else [],
                     "feeds": [{"feed": r["feed"], "counts": r["counts"]} for r in coverage]},
        "clauses": _rows(conn, "report/clauses.sql", params),
        "incidents": _rows(conn, "report/incidents.sql", params),
        "observations": _rows(conn, "report/observations.sql", params),
        "ingest": _rows(conn, "report/ingest.sql", params),
    }
    return summary


def map_layers(conn: Connection, when: date | Period, config: Config):
    """The geometries the map draws, as GeoDataFrames in EPSG:4326."""
    import geopandas as gpd
    from sqlalchemy import text

    from linewatch.report.render import MapLayers

    params = period_params(when, config)

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
        settlements=frame("report/settlements_map.sql"),
    )
