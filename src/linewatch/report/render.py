"""The daily incident summary as files: report.html, report.md, map.png, incidents.geojson, incidents.csv.

Pure rendering, no database: `summary` (numbers computed in PostGIS) and `MapLayers` in, files out.
Every string in the summary may come from a feed file, so all of it is treated as hostile: HTML is
autoescaped, Markdown is backslash-escaped by the environment itself (no template can forget it), CSV
cells a spreadsheet would run as formulas are defused, and map labels cannot switch on mathtext.

Identical inputs give identical bytes; only the footer's `generated_at` differs between runs.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from linewatch import __version__
from linewatch.report.map import HEIGHT_PX, WIDTH_PX, MapLayers, render_map

# The HTML lists the worst incidents only; all of them are in the CSV/GeoJSON annex.
TOP_INCIDENTS = 50
MISSING = "—"
# Fixed annex column order (the incident dict's own order is not a contract).
CSV_COLUMNS = (
    "incident_id", "kind", "sector", "side", "band", "distance_m", "started_at", "ended_at", "observations",
    "corroboration", "confidence_grade", "severity", "lon", "lat", "uncertainty_m", "rules", "obs_ids",
)
CSV_FLOATS = {"distance_m": "{:.1f}", "uncertainty_m": "{:.1f}", "severity": "{:.2f}",
              "lon": "{:.6f}", "lat": "{:.6f}"}
# GeoJSON (RFC 7946) advises 6 decimals: about 0.1 m, far below any sensor's uncertainty.
COORDINATE_DECIMALS = 6


def render_report(summary: dict, layers: MapLayers, out_dir: Path) -> dict[str, Path]:
    """Write report.html, report.md, map.png, incidents.geojson, incidents.csv into out_dir
    (created if needed); return {"html": path, "markdown": ..., "map": ..., "geojson": ..., "csv": ...}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = report_context(summary)
    png = render_map(layers, context["title"])
    html = _environment(html=True).get_template("report.html.j2").render(
        context, map_src="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        map_width=WIDTH_PX, map_height=HEIGHT_PX)
    markdown = _environment(html=False).get_template("report.md.j2").render(context, map_src="map.png")
    contents = {
        "html": ("report.html", html.encode("utf-8")),
        "markdown": ("report.md", markdown.encode("utf-8")),
        "map": ("map.png", png),
        "geojson": ("incidents.geojson", incidents_geojson(summary["incidents"]).encode("utf-8")),
        "csv": ("incidents.csv", incidents_csv(summary["incidents"]).encode("utf-8")),
    }
    paths = {}
    for key, (name, data) in contents.items():
        paths[key] = out_dir / name
        paths[key].write_bytes(data)
    return paths


def report_context(summary: dict) -> dict:
    """Everything both templates show, as display strings, so HTML and Markdown cannot disagree."""
    tz = ZoneInfo(summary["timezone"])
    totals = summary["totals"]
    incidents = sorted(summary["incidents"], key=lambda i: (-float(i["severity"]), str(i["incident_id"])))
    sides, kind_side_rows = kind_side_table(summary["by_sector_kind_side"])
    return {
        "title": f"linewatch daily incident summary — {summary['report_date']}",
        "period": local_period(summary["period_start"], summary["period_end"], tz),
        "version": int(summary["version"]),
        "change_note": summary["change_note"] or "no change note given",
        "line_versions": "; ".join(summary["line_versions"]) or "none recorded",
        "key_figures": (f"linewatch read {_count(totals['observations'], 'observation')}; its rules "
                        f"flagged {totals['flagged']:,} of them, grouped into "
                        f"{_count(totals['incidents'], 'incident')}."),
        "headlines": headlines(summary),
        "map_alt": (f"Map of the monitored sectors, the line of occupation and "
                    f"{_count(len(summary['incidents']), 'incident')}"),
        "sides": sides,
        "kind_side_rows": kind_side_rows,
        "bands": [{"band": _cell(b["band"]), "count": f"{b['count']:,}"} for b in summary["by_band"]],
        "incident_rows": [incident_row(i, tz) for i in incidents[:TOP_INCIDENTS]],
        "incidents_note": _more_note(len(incidents)),
        "ingest_rows": [ingest_row(b) for b in sorted(summary["ingest"],
                                                      key=lambda b: (str(b["feed"]), b["batch_id"]))],
        "generated_at": summary["generated_at"],
        "linewatch_version": __version__,
    }


def headlines(summary: dict) -> list[str]:
    """SMM-style sentences: all sectors first, then each sector in the summary's order."""
    totals = summary["totals"]
    previous = totals["previous_violations"]
    if totals["violations"] == 0:
        overall = ("No ceasefire violations were observed in the reporting period. In the previous reporting "
                   f"period linewatch recorded {_violations(previous)} ({direction(0, previous)}).")
    else:
        overall = violation_sentences("Across all sectors", totals["violations"], totals["explosions"],
                                      previous, direction(totals["violations"], previous))
    return [overall] + [
        violation_sentences(f"In {_cell(s['sector'])} sector", s["violations"], s["explosions"],
                            s["previous_violations"], s["direction"])
        for s in summary["sectors"]
    ]


def violation_sentences(where: str, violations: int, explosions: int, previous: int, trend: str) -> str:
    """'In North sector, linewatch recorded 100 ceasefire violations, including 40 explosions. …'"""
    if violations == 0:
        first = f"{where}, linewatch recorded no ceasefire violations."
    elif explosions == 0:
        first = f"{where}, linewatch recorded {_violations(violations)}, none of them explosions."
    else:
        first = (f"{where}, linewatch recorded {_violations(violations)}, "
                 f"including {_count(explosions, 'explosion')}.")
    return f"{first} In the previous reporting period it recorded {_violations(previous)} ({trend})."


def direction(now: int, before: int) -> str:
    return "rose" if now > before else "fell" if now < before else "unchanged"


def local_period(start: str, end: str, tz: ZoneInfo) -> str:
    """'2026-11-02 00:00 to 2026-11-03 00:00 Europe/Kyiv time (UTC+02:00)'; both offsets on DST days."""
    first, last = (datetime.fromisoformat(t).astimezone(tz) for t in (start, end))
    offsets = [_utc_offset(first), _utc_offset(last)]
    offset = offsets[0] if offsets[0] == offsets[1] else " to ".join(offsets)
    return f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} {tz.key} time ({offset})"


def kind_side_table(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """Counts by sector and kind (rows) and side (columns, sorted), with a row total."""
    sides = sorted({_cell(r["side"], "unknown") for r in rows})
    table: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        counts = table.setdefault((_cell(r["sector"]), _cell(r["kind"])), {})
        side = _cell(r["side"], "unknown")
        counts[side] = counts.get(side, 0) + r["count"]
    return sides, [
        {"sector": sector, "kind": kind, "counts": [f"{counts.get(s, 0):,}" for s in sides],
         "total": f"{sum(counts.values()):,}"}
        for (sector, kind), counts in sorted(table.items())
    ]


def incident_row(incident: dict, tz: ZoneInfo) -> dict:
    distance = incident.get("distance_m")
    return {
        "incident_id": _cell(incident["incident_id"]),
        "kind": _cell(incident["kind"]),
        "sector": _cell(incident.get("sector")),
        "side": _cell(incident.get("side")),
        "band": _cell(incident.get("band")),
        "distance_km": MISSING if distance is None else f"{distance / 1000:.1f}",
        "severity": f"{float(incident['severity']):.1f}",
        "started": f"{datetime.fromisoformat(incident['started_at']).astimezone(tz):%Y-%m-%d %H:%M}",
        "observations": f"{incident['observations']:,}",
        "corroboration": f"{incident['corroboration']:,}",
        "confidence_grade": _cell(incident["confidence_grade"]),
        "rules": ", ".join(str(r) for r in incident.get("rules") or []) or MISSING,
    }


def ingest_row(batch: dict) -> dict:
    sha = _cell(batch["sha256"])
    return {
        "feed": _cell(batch["feed"]),
        "batch_id": _cell(batch["batch_id"]),
        "file_name": _cell(batch["file_name"]),
        "sha256": sha,
        "sha256_short": sha[:12],
        **{k: f"{batch[k]:,}" for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")},
    }


def incidents_geojson(incidents: list[dict]) -> str:
    """FeatureCollection of incident points (EPSG:4326), one feature a line, keys sorted: byte-stable."""
    features = [
        json.dumps({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(i["lon"]), COORDINATE_DECIMALS),
                                                          round(float(i["lat"]), COORDINATE_DECIMALS)]},
            "properties": {k: v for k, v in i.items() if k not in ("lon", "lat")},
        }, sort_keys=True, ensure_ascii=False)
        for i in sorted(incidents, key=lambda i: str(i["incident_id"]))
    ]
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(features) + "\n]}\n"


def incidents_csv(incidents: list[dict]) -> str:
    """The annex as CSV: fixed columns, explicit float formats, lists joined with ';'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for incident in sorted(incidents, key=lambda i: str(i["incident_id"])):
        writer.writerow([_csv_value(column, incident.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue()


def _csv_value(column: str, value) -> str:
    if value is None:
        return ""
    if column in CSV_FLOATS:
        return CSV_FLOATS[column].format(float(value))
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    # Spreadsheets run a cell starting with = + - @ (or tab/CR) as a formula: quote it (OWASP advice).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# Always escaped: what can open HTML, a link, code, emphasis, an entity or a table cell. An underscore
# is escaped only at a word's edge: inside a word (small_arms_fire) CommonMark never reads it as emphasis.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~&]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def markdown_escape(value) -> str:
    """Text for a Markdown line or table cell, read literally by any CommonMark/GFM renderer."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


@cache
def _environment(html: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("linewatch.report", "templates"),
        autoescape=html,
        # Markdown's autoescape: every {{ value }} passes through markdown_escape.
        finalize=None if html else markdown_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _more_note(total: int) -> str:
    if total <= TOP_INCIDENTS:
        return ""
    return (f"The {TOP_INCIDENTS} most severe of {total:,} incidents are shown; "
            f"{total - TOP_INCIDENTS:,} more in the annex (incidents.csv, incidents.geojson).")


def _cell(value, missing: str = MISSING) -> str:
    return missing if value is None or value == "" else str(value)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _violations(n: int) -> str:
    return "no ceasefire violations" if n == 0 else _count(n, "ceasefire violation")


def _utc_offset(moment: datetime) -> str:
    return "UTC" + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
