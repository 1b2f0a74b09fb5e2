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

# The HTML lists the worst incidents only (config report.top_incidents); all of them are in the annexes.
TOP_INCIDENTS = 50
MISSING = "—"
# Fixed annex column order (the incident dict's own order is not a contract).
CSV_COLUMNS = (
    "incident_id", "kind", "sector", "side", "band", "distance_m", "place", "started_at", "ended_at",
    "observations", "corroboration", "confidence_grade", "admiralty", "severity", "weapon_class", "weapon_count",
    "lon", "lat", "uncertainty_m", "rules", "clauses", "feeds", "batch_ids", "obs_ids",
)
OBSERVATION_COLUMNS = ("obs_id", "incident_id", "feed", "source_id", "observed_at", "kind", "batch_id")
CSV_FLOATS = {"distance_m": "{:.1f}", "uncertainty_m": "{:.1f}", "severity": "{:.2f}",
              "lon": "{:.6f}", "lat": "{:.6f}"}
# GeoJSON (RFC 7946) advises 6 decimals: about 0.1 m, far below any sensor's uncertainty.
COORDINATE_DECIMALS = 6
FILES = {"html": "report.html", "markdown": "report.md", "map": "map.png", "geojson": "incidents.geojson",
         "csv": "incidents.csv", "observations": "observations.csv"}


def render_report(summary: dict, layers: MapLayers, out_dir: Path, top_incidents: int = TOP_INCIDENTS
                  ) -> dict[str, Path]:
    """Write report.html, report.md, map.png and the annexes (incidents.geojson, incidents.csv,
    observations.csv) into out_dir (created if needed); return {"html": path, "markdown": ..., ...}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = report_context(summary, top_incidents)
    png = render_map(layers, context["title"])
    html = _environment(html=True).get_template("report.html.j2").render(
        context, map_src="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        map_width=WIDTH_PX, map_height=HEIGHT_PX)
    markdown = _environment(html=False).get_template("report.md.j2").render(context, map_src="map.png")
    contents = {
        "html": html.encode("utf-8"),
        "markdown": markdown.encode("utf-8"),
        "map": png,
        "geojson": incidents_geojson(summary["incidents"]).encode("utf-8"),
        "csv": incidents_csv(summary["incidents"]).encode("utf-8"),
        "observations": observations_csv(summary.get("observations", [])).encode("utf-8"),
    }
    paths = {}
    for key, data in contents.items():
        paths[key] = out_dir / FILES[key]
        paths[key].write_bytes(data)
    return paths


def report_title(summary: dict) -> str:
    style, days = summary.get("period_style", "local_day"), summary.get("period_days", 1)
    if days > 1:
        first = summary["period_key"][:10]
        return f"linewatch incident summary — {first} to {summary['report_date']}" + (
            " (SMM days)" if style == "smm" else "")
    return f"linewatch daily incident summary — {summary['report_date']}" + (" (SMM day)" if style == "smm" else "")


def report_context(summary: dict, top_incidents: int = TOP_INCIDENTS) -> dict:
    """Everything both templates show, as display strings, so HTML and Markdown cannot disagree."""
    tz = ZoneInfo(summary["timezone"])
    totals = summary["totals"]
    incidents = sorted(summary["incidents"], key=lambda i: (-float(i["severity"]), str(i["incident_id"])))
    clause_numbers = {c["clause"]: n for n, c in enumerate(summary.get("clauses", []), start=1)}
    sides, kind_side_rows = kind_side_table(summary["by_sector_kind_side"])
    return {
        "title": report_title(summary),
        "period": local_period(summary["period_start"], summary["period_end"], tz),
        "period_style": PERIOD_STYLES.get(summary.get("period_style", "local_day"), MISSING),
        "version": int(summary["version"]),
        "change_note": summary["change_note"] or "no change note given",
        "line_versions": "; ".join(summary["line_versions"]) or "none recorded",
        "key_figures": (f"linewatch read {_count(totals['observations'], 'observation')}; its rules "
                        f"flagged {totals['flagged']:,} of them, grouped into "
                        f"{_count(totals['incidents'], 'incident')}."),
        "headlines": headlines(summary),
        "coverage_note": coverage_note(summary.get("feed_status", [])),
        "map_alt": (f"Map of the monitored sectors, the line of occupation and "
                    f"{_count(len(summary['incidents']), 'incident')}"),
        "sides": sides,
        "kind_side_rows": kind_side_rows,
        "bands": [{"band": _cell(b["band"]), "count": f"{b['count']:,}"} for b in summary["by_band"]],
        "incident_rows": [incident_row(i, tz, clause_numbers) for i in incidents[:top_incidents]],
        "incidents_note": _more_note(len(incidents), top_incidents),
        "sections": sections(summary, tz),
        "ingest_rows": [ingest_row(b, tz) for b in sorted(summary["ingest"],
                                                          key=lambda b: (str(b["feed"]), b["batch_id"]))],
        "generated_at": summary["generated_at"],
        "linewatch_version": __version__,
    }


PERIOD_STYLES = {"local_day": "local calendar day", "smm": "SMM reporting day (19:30 to 19:30 local)"}


def headlines(summary: dict) -> list[str]:
    """SMM-style sentences: all sectors first, then each sector in the summary's order."""
    totals = summary["totals"]
    if totals["violations"] == 0:
        overall = ("No ceasefire violations were observed in the reporting period. "
                   + comparison_sentences(0, 0, totals))
    else:
        overall = violation_sentences("Across all sectors", {**totals, "sector": None})
    return [overall] + [violation_sentences(f"In {_cell(s['sector'])} sector", s) for s in summary["sectors"]]


def violation_sentences(where: str, entry: dict) -> str:
    """'In North sector, linewatch recorded 100 ceasefire violations, including 40 explosions. …'"""
    violations, explosions = entry["violations"], entry["explosions"]
    if violations == 0:
        first = f"{where}, linewatch recorded no ceasefire violations."
    elif explosions == 0:
        first = f"{where}, linewatch recorded {_violations(violations)}, none of them explosions."
    else:
        first = (f"{where}, linewatch recorded {_violations(violations)}, "
                 f"including {_count(explosions, 'explosion')}.")
    return f"{first} {comparison_sentences(violations, explosions, entry)}"


def comparison_sentences(violations: int, explosions: int, entry: dict) -> str:
    """Against the previous period and the 7-period average; the direction words come from exact
    comparisons made when the summary was built."""
    previous = (f"In the previous reporting period it recorded {_violations(entry['previous_violations'])} "
                f"({entry.get('direction', direction(violations, entry['previous_violations']))}), "
                f"including {_count(entry['previous_explosions'], 'explosion')} "
                f"({entry.get('explosions_direction', direction(explosions, entry['previous_explosions']))}).")
    if "average_violations" not in entry:
        return previous
    return (f"{previous} The average over the previous 7 periods was {entry['average_violations']:.1f} "
            f"violations ({entry['average_direction']}) and {entry['average_explosions']:.1f} explosions "
            f"({entry['average_explosions_direction']}).")


def direction(now: int, before: int) -> str:
    return "rose" if now > before else "fell" if now < before else "unchanged"


def coverage_note(feeds: list[dict]) -> str:
    """What "none observed" stands on: which feeds delivered for the period."""
    if not feeds:
        return "No feed is registered or delivered for this period: nothing could be observed."
    delivered = [f for f in feeds if f["status"] != "silent"]
    silent = [_cell(f["feed"]) for f in feeds if f["status"] == "silent"]
    late = [_cell(f["feed"]) for f in feeds if f["status"] == "late"]
    text = (f"Coverage: {len(delivered)} of {_count(len(feeds), 'feed')} delivered observations for this "
            f"period; counts are of what those feeds observed.")
    if silent:
        text += f" Silent (nothing delivered): {', '.join(silent)}."
    if late:
        text += f" Delivered late (after the period's end plus the expected delay): {', '.join(late)}."
    return text


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


def incident_row(incident: dict, tz: ZoneInfo, clause_numbers: dict | None = None) -> dict:
    distance = incident.get("distance_m")
    clause_numbers = clause_numbers or {}
    return {
        "incident_id": _cell(incident["incident_id"]),
        "kind": _cell(incident["kind"]),
        "sector": _cell(incident.get("sector")),
        "side": _cell(incident.get("side")),
        "band": _cell(incident.get("band")),
        "place": _cell(incident.get("place")),
        "distance_km": MISSING if distance is None else f"{distance / 1000:.1f}",
        "severity": f"{float(incident['severity']):.1f}",
        "started": _local(incident["started_at"], tz),
        "observations": f"{incident['observations']:,}",
        "corroboration": f"{incident['corroboration']:,}",
        "confidence_grade": _cell(incident["confidence_grade"]),
        "admiralty": _cell(incident.get("admiralty")),
        "rules": ", ".join(str(r) for r in incident.get("rules") or []) or MISSING,
        "clauses": [{"text": f"[{clause_numbers[c]}]", "href": f"#clause-{clause_numbers[c]}"}
                    if c in clause_numbers else {"text": str(c), "href": None}
                    for c in incident.get("clauses") or []],
        "batches": _batch_links(incident.get("batch_ids")),
    }


def ingest_row(batch: dict, tz: ZoneInfo | None = None) -> dict:
    sha = _cell(batch["sha256"])
    return {
        "feed": _cell(batch["feed"]),
        "batch_id": _cell(batch["batch_id"]),
        "anchor": f"batch-{int(batch['batch_id'])}",
        "file_name": _cell(batch["file_name"]),
        "sha256": sha,
        "sha256_short": sha[:12],
        "coverage": (f"{_local(batch['coverage_start'], tz)} to {_local(batch['coverage_end'], tz)}"
                     if tz and batch.get("coverage_start") else MISSING),
        "loaded": _local(batch.get("finished_at"), tz) if tz else MISSING,
        **{k: f"{batch[k]:,}" for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")},
    }


# ---- The analyst's sections: each a heading, an intro sentence and one table, the same in HTML and Markdown.

def _column(label: str, kind: str = "") -> dict:
    return {"label": label, "cls": kind}


def section(key: str, title: str, intro: str, columns: list[dict], rows: list[list], empty: str,
            note: str = "") -> dict:
    return {"id": key, "title": title, "intro": intro, "columns": columns, "rows": rows, "empty": empty,
            "note": note}


def sections(summary: dict, tz: ZoneInfo) -> list[dict]:
    out = [clauses_section(summary)]
    if "withdrawal_weapons" in summary:
        out.append(weapons_section(summary["withdrawal_weapons"], tz))
    rule_titles = (
        ("disengagement", "Activity in disengagement areas", "Disengagement area",
         "Armed-party activity inside a disengagement area"),
        ("protected_sites", "Fire near protected sites", "Protected site",
         "Firing inside the buffer of a protected civilian site"),
        ("settlement_weapons", "Heavy weapons in or near settlements", "Settlement",
         "Heavy weapons inside a settlement or near its edge"),
        ("aerial_vehicles", "Aerial vehicles over the zone", None,
         "Aerial vehicles of the parties near the line of occupation"),
    )
    for key, title, matched, what in rule_titles:
        if key in summary:
            out.append(rule_section(key, title, matched, what, summary[key], tz))
    if "civilian_harm" in summary:
        out.append(harm_section(summary["civilian_harm"], tz))
    if "freedom_of_movement" in summary:
        out.append(movement_section(summary["freedom_of_movement"], tz))
    if "by_hour" in summary:
        out.append(hour_section(summary["by_hour"]))
    if "feed_status" in summary:
        out.append(feed_status_section(summary["feed_status"], tz))
    if summary.get("coverage", {}).get("feeds"):
        out.append(coverage_section(summary["coverage"], tz))
    return out


def clauses_section(summary: dict) -> dict:
    rows = [[{"text": f"[{n}]", "anchor": f"clause-{n}"}, _cell(c["rule"]), _cell(c["clause"]),
             f"{c['incidents']:,}"] for n, c in enumerate(summary.get("clauses", []), start=1)]
    return section("clauses", "Clauses the incidents may breach",
                   "Each rule of the rule book, the agreement clause it checks and how many of the period's "
                   "incidents it flagged; the incident tables refer to the clauses by number.",
                   [_column("No."), _column("Rule"), _column("Clause", "wrap"), _column("Incidents", "num")],
                   rows, "No rules are configured.")


def _shown(listed: dict, noun: str) -> str:
    total, shown = listed["total"], len(listed["rows"])
    return "" if shown >= total else f"The first {shown:,} of {_count(total, noun)} are listed."


def weapons_section(listed: dict, tz: ZoneInfo) -> dict:
    rows = [[_local(r["observed_at"], tz), _cell(r["weapon_class"]).replace("_", " "),
             _cell(r["weapon_count"]), _cell(r["place"]), _cell(r["side"]), _cell(r["sector"]),
             _km(r["distance_m"]), _km(r["half_width_m"]), _cell(r["feed"]), _batch_links([r["batch_id"]]),
             _cell(r["incident_id"])] for r in listed["rows"]]
    intro = (f"{_count(listed['total'], 'sighting')} of {_count(listed.get('weapons', 0), 'weapon')} "
             "inside the withdrawal zone of their class (closer to the line than half the zone's width).")
    return section("withdrawal-weapons", "Weapons in violation of withdrawal lines", intro,
                   [_column("Seen (local)"), _column("Class"), _column("Count", "num"), _column("Place", "wrap"),
                    _column("Side"), _column("Sector"), _column("To the line (km)", "num"),
                    _column("Withdrawal line (km)", "num"), _column("Feed"), _column("Batch"),
                    _column("Incident", "mono")],
                   rows, "No weapons were observed in violation of the withdrawal lines.",
                   _shown(listed, "sighting"))


def rule_section(key: str, title: str, matched: str | None, what: str, listed: dict, tz: ZoneInfo) -> dict:
    columns = [_column("Incident", "mono"), _column("Started (local)"), _column("Kind")]
    if matched:
        columns.append(_column(matched, "wrap"))
    columns += [_column("Place", "wrap"), _column("Side"), _column("To the line (km)", "num"),
                _column("Severity", "num"), _column("Corroboration", "num"), _column("Admiralty")]
    rows = []
    for r in listed["rows"]:
        kind = _cell(r["kind"])
        if r.get("weapon_class"):
            kind += f" ({_cell(r['weapon_count'], '?')} × {str(r['weapon_class']).replace('_', ' ')})"
        row = [_cell(r["incident_id"]), _local(r["started_at"], tz), kind]
        if matched:
            row.append(_cell(r["matched"]))
        row += [_cell(r["place"]), _cell(r["side"]), _km(r["distance_m"]), f"{float(r['severity']):.1f}",
                f"{r['corroboration']:,}", _cell(r["admiralty"])]
        rows.append(row)
    intro = f"{what}: {_count(listed['total'], 'incident')} in the period."
    return section(key.replace("_", "-"), title, intro, columns, rows, "None observed in the reporting period.",
                   _shown(listed, "incident"))


def harm_section(listed: dict, tz: ZoneInfo) -> dict:
    rows = [[_local(r["observed_at"], tz), _cell(r["place"]), _cell(r["fatalities"]), _cell(r["notes"]),
             _cell(r["feed"]), _batch_links([r["batch_id"]]), _cell(r["incident_id"])] for r in listed["rows"]]
    intro = (f"{_count(listed['total'], 'report')} of civilian harm, {_count(listed.get('events', 0), 'event')} "
             f"once reports of one incident are counted once; fatalities reported: {listed.get('fatalities', 0):,}.")
    return section("civilian-harm", "Civilian harm", intro,
                   [_column("Reported (local)"), _column("Place", "wrap"), _column("Fatalities", "num"),
                    _column("Notes", "wrap"), _column("Feed"), _column("Batch"), _column("Incident", "mono")],
                   rows, "No civilian harm was reported in the period.", _shown(listed, "report"))


def movement_section(listed: dict, tz: ZoneInfo) -> dict:
    rows = [[_local(r["observed_at"], tz), _cell(r["kind"]).replace("_", " "), _cell(r["place"]),
             _cell(r["notes"]), _cell(r["feed"]), _batch_links([r["batch_id"]])] for r in listed["rows"]]
    return section("freedom-of-movement", "Restrictions of the mission's freedom of movement",
                   f"{_count(listed['total'], 'restriction')} (access denied, signal jamming) reported.",
                   [_column("When (local)"), _column("Restriction"), _column("Place", "wrap"),
                    _column("Notes", "wrap"), _column("Feed"), _column("Batch")],
                   rows, "No restrictions were reported in the period.", _shown(listed, "restriction"))


def hour_section(rows: list[dict]) -> dict:
    columns = [_column("")] + [_column(f"{r['hour']:02d}", "num") for r in rows]
    table = [[label] + [f"{r[key]:,}" for r in rows]
             for label, key in (("Violations", "violations"), ("Explosions", "explosions"),
                                ("All incidents", "incidents"))]
    return section("by-hour", "Incidents by hour of day (local)",
                   "When the period's incidents started, by local hour (on the autumn clock change the "
                   "repeated hour holds both of its occurrences).", columns, table, "", "")


def feed_status_section(feeds: list[dict], tz: ZoneInfo) -> dict:
    rows = [[_cell(f["feed"]), "yes" if f["registered"] else "no", _cell(f["status"]), f"{f['observations']:,}",
             _local(f["first_at"], tz), _local(f["last_at"], tz), f"{f['batches']:,}",
             _local(f["last_delivery"], tz)] for f in feeds]
    return section("feed-status", "Sensor outages: feeds silent or late",
                   coverage_note(feeds),
                   [_column("Feed"), _column("Registered"), _column("Status"), _column("Observations", "num"),
                    _column("First (local)"), _column("Last (local)"), _column("Files", "num"),
                    _column("Last loaded (local)")],
                   rows, "No feed is registered.")


def coverage_section(coverage: dict, tz: ZoneInfo) -> dict:
    labels = slot_labels(coverage["slots"], tz)
    columns = [_column("Feed")] + [_column(label, "num") for label in labels]
    rows = [[_cell(f["feed"])] + [{"text": f"{n:,}", "cls": "zero"} if n == 0 else f"{n:,}" for n in f["counts"]]
            for f in coverage["feeds"]]
    width = coverage["slot_minutes"] // 60
    return section("coverage", "Coverage: observations per feed and hour",
                   f"Observations each feed delivered per {width}-hour slot (local start time shown); "
                   "an empty slot means that feed saw nothing then, so no violation could be observed by it.",
                   columns, rows, "")


def slot_labels(slots: list[str], tz: ZoneInfo) -> list[str]:
    """Local start times ('19:30'); a repeated wall-clock time (autumn DST) carries its UTC offset."""
    local = [datetime.fromisoformat(s).astimezone(tz) for s in slots]
    text = [f"{t:%H:%M}" for t in local]
    return [f"{label} ({_utc_offset(t)})" if text.count(label) > 1 else label
            for label, t in zip(text, local, strict=True)]


def _batch_links(batch_ids) -> list[dict]:
    return [{"text": str(b), "href": f"#batch-{int(b)}"} for b in batch_ids or [] if b is not None]


def _local(value, tz: ZoneInfo | None) -> str:
    if not value:
        return MISSING
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def _km(metres) -> str:
    return MISSING if metres is None else f"{float(metres) / 1000:.1f}"


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


def observations_csv(observations: list[dict]) -> str:
    """The provenance annex: each observation behind an incident, with its feed batch (see the report's
    provenance table for the batch's file and sha256)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OBSERVATION_COLUMNS)
    for row in sorted(observations, key=lambda o: (o["obs_id"], str(o["incident_id"]))):
        writer.writerow([_csv_value(column, row.get(column)) for column in OBSERVATION_COLUMNS])
    return buffer.getvalue()


def _csv_value(column: str, value) -> str:
    if value is None:
        return ""
    if type(value) is int:  # the common case (IDs, counts): no formula can start with a digit
        return str(value)
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


def _more_note(total: int, shown: int = TOP_INCIDENTS) -> str:
    if total <= shown:
        return ""
    return (f"The {shown} most severe of {total:,} incidents are shown; "
            f"{total - shown:,} more in the annex (incidents.csv, incidents.geojson).")


def _cell(value, missing: str = MISSING) -> str:
    return missing if value is None or value == "" else str(value)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _violations(n: int) -> str:
    return "no ceasefire violations" if n == 0 else _count(n, "ceasefire violation")


def _utc_offset(moment: datetime) -> str:
    return "UTC" + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
