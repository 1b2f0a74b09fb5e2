"""The daily report renderer, on small synthetic layers built here: no database."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
import struct
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, box

from linewatch.geodesy import from_front_tm, to_front_tm
from linewatch.report.map import fit_extent, scale_bar
from linewatch.report.render import MapLayers, local_period, markdown_escape, render_report

# Hostile feed text: HTML, Markdown table breaking, and an unbalanced mathtext for matplotlib labels.
HOSTILE = "<script>alert(1)</script>"
HOSTILE_MAP = HOSTILE + " $x^$ | cost"
FILES = ("html", "markdown", "map", "geojson", "csv", "observations")
NAMES = {"report.html", "report.md", "map.png", "incidents.geojson", "incidents.csv", "observations.csv"}


def incident(n: int, **overrides) -> dict:
    base = {
        "incident_id": f"LW-20261102-{n:08x}", "kind": "explosion", "sector": "North", "side": "government",
        "band": "0-2 km", "distance_m": 1234.5 + n, "started_at": "2026-11-02T01:02:03+00:00",
        "ended_at": "2026-11-02T01:12:03+00:00", "observations": 3, "corroboration": 2,
        "confidence_grade": "probable", "admiralty": "B2", "severity": 4.5, "lon": 37.7, "lat": 48.1,
        "uncertainty_m": 250.0, "rules": ["line_proximity"], "clauses": [CLAUSE], "weapon_class": None,
        "weapon_count": None, "obs_ids": [3 * n + 1, 3 * n + 2, 3 * n + 3], "batch_ids": [1], "feeds": ["patrol"],
        "place": "2.0 km south-east of Avdiivka (government-controlled)",
    }
    return base | overrides


CLAUSE = "Package of Measures (12 Feb 2015), para 1: immediate and comprehensive ceasefire"


def listed(rows: list[dict], **extra) -> dict:
    return {"total": len(rows), "rows": rows, **extra}


def make_summary(incidents: list[dict]) -> dict:
    rule_row = {"incident_id": "LW-20261102-00000001", "kind": "explosion", "started_at": "2026-11-02T01:02:03+00:00",
                "side": "occupied", "sector": "North", "distance_m": 900.0, "severity": 5.0, "observations": 2,
                "corroboration": 2, "confidence_grade": "confirmed", "admiralty": "A2", "weapon_class": None,
                "weapon_count": None, "matched": HOSTILE, "place": HOSTILE}
    return {
        "period_key": "2026-11-02", "period_style": "local_day", "period_days": 1,
        "report_date": "2026-11-02", "timezone": "Europe/Kyiv",
        "period_start": "2026-11-01T22:00:00+00:00", "period_end": "2026-11-02T22:00:00+00:00",
        "generated_at": "2026-11-30T09:00:00+00:00",
        "version": 2, "change_note": "late patrol file added",
        "line_versions": ["v1 (in force from 2026-10-30)", "v2 (in force from 2026-11-02 12:00 UTC)"],
        "totals": {"observations": 1234, "flagged": 456, "violations": 300, "explosions": 120,
                   "incidents": len(incidents), "previous_violations": 250, "previous_explosions": 90},
        "sectors": [
            {"sector": "North", "violations": 100, "explosions": 40, "previous_violations": 90,
             "previous_explosions": 30, "direction": "rose", "explosions_direction": "rose",
             "average_violations": 100.0, "average_explosions": 45.3, "average_direction": "unchanged",
             "average_explosions_direction": "fell"},
            {"sector": HOSTILE_MAP, "violations": 200, "explosions": 80, "previous_violations": 160,
             "previous_explosions": 60, "direction": "rose", "explosions_direction": "rose",
             "average_violations": 150.0, "average_explosions": 60.0, "average_direction": "rose",
             "average_explosions_direction": "rose"},
        ],
        "by_hour": [{"hour": h, "violations": h, "explosions": 0, "incidents": h + 1} for h in range(24)],
        "withdrawal_weapons": listed([{
            "obs_id": 7, "incident_id": "LW-20261102-00000001", "feed": HOSTILE, "batch_id": 1,
            "observed_at": "2026-11-02T01:02:03+00:00", "weapon_class": "mlrs", "weapon_count": 3,
            "half_width_m": 35000.0, "side": "occupied", "distance_m": 12000.0, "sector": "North",
            "place": "12 km east of Horlivka (non-government-controlled)"}], weapons=3),
        "disengagement": listed([rule_row]),
        "protected_sites": listed([]),
        "settlement_weapons": listed([]),
        "aerial_vehicles": listed([]),
        "civilian_harm": listed([{"obs_id": 8, "incident_id": None, "feed": "acled", "batch_id": 1,
                                  "observed_at": "2026-11-02T01:02:03+00:00", "fatalities": 2, "notes": HOSTILE,
                                  "place": None}], events=1, fatalities=2),
        "freedom_of_movement": listed([{"obs_id": 9, "incident_id": None, "kind": "access_denied", "feed": "patrol",
                                        "batch_id": 1, "observed_at": "2026-11-02T05:00:00+00:00",
                                        "notes": HOSTILE, "place": None}]),
        "feed_status": [
            {"feed": "patrol", "registered": True, "observations": 1234, "first_at": "2026-11-01T22:05:00+00:00",
             "last_at": "2026-11-02T21:55:00+00:00", "batches": 1, "last_delivery": "2026-11-02T23:00:00+00:00",
             "status": "on time"},
            {"feed": HOSTILE, "registered": True, "observations": 0, "first_at": None, "last_at": None,
             "batches": 0, "last_delivery": None, "status": "silent"},
        ],
        "coverage": {"slot_minutes": 60,
                     "slots": [f"2026-11-02T{h:02d}:00:00+00:00" for h in range(24)],
                     "feeds": [{"feed": "patrol", "counts": [50] * 23 + [0]},
                               {"feed": HOSTILE, "counts": [0] * 24}]},
        "clauses": [{"rule": "line_proximity", "clause": CLAUSE, "incidents": 3}],
        "observations": [{"obs_id": 1, "incident_id": "LW-1", "feed": HOSTILE, "source_id": "=cmd",
                          "observed_at": "2026-11-02T01:02:03+00:00", "kind": "explosion", "batch_id": 1}],
        "by_sector_kind_side": [
            {"sector": "North", "kind": "explosion", "side": "occupied", "count": 12},
            {"sector": "North", "kind": "explosion", "side": "government", "count": 7},
            {"sector": HOSTILE_MAP, "kind": "small_arms_fire", "side": "government", "count": 5},
        ],
        "by_band": [{"band": "0-2 km", "count": 50}, {"band": "2-5 km", "count": 9}],
        "incidents": incidents,
        "ingest": [{"feed": "patrol", "batch_id": 1, "file_name": HOSTILE + ".csv", "sha256": "ab12" * 16,
                    "rows_read": 1000, "rows_loaded": 990, "rows_rejected": 8, "rows_duplicate": 2,
                    "coverage_start": "2026-11-01T22:05:00+00:00", "coverage_end": "2026-11-02T21:55:00+00:00",
                    "finished_at": "2026-11-02T23:00:00+00:00"}],
    }


def make_layers(incidents: list[dict]) -> MapLayers:
    line = gpd.GeoDataFrame(
        {"version": ["v1", "v2"]},
        geometry=[LineString([(37.60, 47.90), (37.74, 48.15), (37.70, 48.40)]),
                  LineString([(37.62, 47.90), (37.76, 48.15), (37.70, 48.40)])], crs="EPSG:4326")
    occupied = gpd.GeoDataFrame(geometry=[box(37.75, 47.80, 38.30, 48.50)], crs="EPSG:4326")
    sectors = gpd.GeoDataFrame({"name": ["North", HOSTILE_MAP]},
                               geometry=[box(37.3, 48.15, 38.1, 48.5), box(37.3, 47.85, 38.1, 48.15)],
                               crs="EPSG:4326")
    zones = gpd.GeoDataFrame({"kind": ["disengagement_area"], "name": ["Disengagement area 1"]},
                             geometry=[box(37.65, 48.05, 37.82, 48.12)], crs="EPSG:4326")
    points = gpd.GeoDataFrame(
        {"incident_id": [i["incident_id"] for i in incidents], "severity": [i["severity"] for i in incidents],
         "kind": [i["kind"] for i in incidents]},
        geometry=gpd.points_from_xy([i["lon"] for i in incidents], [i["lat"] for i in incidents]),
        crs="EPSG:4326")
    return MapLayers(line=line, occupied_area=occupied, sectors=sectors, zones=zones, incidents=points)


def many_incidents(count: int, seed: int = 7) -> list[dict]:
    rng = np.random.default_rng(seed)
    kinds = ["explosion", "shelling", "small_arms_fire", "muzzle_flash", "uav_sighting", HOSTILE_MAP]
    return [
        incident(n, kind=kinds[n % len(kinds)], severity=round(float(rng.uniform(0, 10)), 2),
                 lon=round(float(rng.uniform(37.4, 38.0)), 6), lat=round(float(rng.uniform(47.9, 48.4)), 6))
        for n in range(count)
    ]


@pytest.fixture
def incidents() -> list[dict]:
    return [
        incident(1),
        incident(2, kind=HOSTILE, severity=7.25, sector=None, side=None, band=None, distance_m=None,
                 confidence_grade="=HYPERLINK(\"x\")", rules=[], obs_ids=[9], lon=37.8, lat=48.2),
        incident(3, severity=7.25, kind="small_arms_fire", lon=37.65, lat=48.0),
    ]


@pytest.fixture
def rendered(tmp_path, incidents):
    return render_report(make_summary(incidents), make_layers(incidents), tmp_path / "out")


def without_footer(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "Generated at" not in line)


def test_writes_all_files(rendered, tmp_path):
    assert set(rendered) == set(FILES)
    assert {p.name for p in rendered.values()} == NAMES
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 0 for p in rendered.values())


def test_html_headlines_tables_and_self_contained_map(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert "linewatch daily incident summary — 2026-11-02" in html
    assert ("In North sector, linewatch recorded 100 ceasefire violations, including 40 explosions. "
            "In the previous reporting period it recorded 90 ceasefire violations (rose), including "
            "30 explosions (rose). The average over the previous 7 periods was 100.0 violations (unchanged) "
            "and 45.3 explosions (fell).") in html
    assert "Across all sectors, linewatch recorded 300 ceasefire violations, including 120 explosions." \
        in html
    assert "2026-11-02 00:00 to 2026-11-03 00:00 Europe/Kyiv time (UTC+02:00) (local calendar day)" in html
    assert "What changed: late patrol file added" in html
    assert ('<tr><td>North</td><td>explosion</td><td class="num">7</td><td class="num">12</td>'
            '<td class="num">19</td></tr>') in html
    assert '<tr><td>0-2 km</td><td class="num">50</td></tr>' in html
    assert '<td class="mono" title="' + "ab12" * 16 + '">ab12ab12ab12</td>' in html
    # Provenance chain: incident rows link to their batch; the batch row is the link's target.
    assert '<a href="#batch-1">1</a>' in html and '<tr id="batch-1">' in html
    assert '<a href="#clause-1">[1]</a>' in html and '<td id="clause-1">[1]</td>' in html
    # New sections, each with its table.
    for section_id in ("clauses", "withdrawal-weapons", "disengagement", "protected-sites", "settlement-weapons",
                       "aerial-vehicles", "civilian-harm", "freedom-of-movement", "by-hour", "feed-status",
                       "coverage"):
        assert f'<section id="{section_id}">' in html, section_id
    assert "1 sighting of 3 weapons inside the withdrawal zone" in html
    assert "<td>12 km east of Horlivka (non-government-controlled)</td>" in html or \
        '<td class="wrap">12 km east of Horlivka (non-government-controlled)</td>' in html
    assert "Silent (nothing delivered): &lt;script&gt;" in html
    assert '<td class="zero">0</td>' in html
    assert "1 of 2 feeds delivered observations" in html
    assert "Generated at 2026-11-30T09:00:00+00:00" in html
    assert '<img src="data:image/png;base64,' in html
    assert "http://" not in html and "https://" not in html
    assert '<meta name="viewport"' in html and "@page { size: A4" in html and "@media print" in html


def test_top_incidents_sorted_by_severity_then_id(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    order = [html.index(f'<td class="mono">LW-20261102-{n:08x}</td>') for n in (2, 3, 1)]
    assert order == sorted(order)
    # Distance in km with one decimal, a missing one as a dash, rules listed.
    assert '<td class="num">1.2</td>' in html and '<td class="num">—</td>' in html
    assert "<td>line_proximity</td>" in html
    assert "<td>B2</td>" in html  # Admiralty code


def test_hostile_text_is_escaped_everywhere(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    markdown = rendered["markdown"].read_text(encoding="utf-8")
    assert HOSTILE not in html and "<script" not in html
    assert "In &lt;script&gt;alert(1)&lt;/script&gt; $x^$ | cost sector" in html  # sector name
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html  # incident kind
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;.csv</td>" in html  # file name
    assert '<td class="wrap">&lt;script&gt;alert(1)&lt;/script&gt;</td>' in html  # notes, places
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered["observations"].read_text(encoding="utf-8") or \
        HOSTILE in rendered["observations"].read_text(encoding="utf-8")  # CSV keeps text verbatim
    assert "'=cmd" in rendered["observations"].read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<script", markdown)  # only ever as \<script\>
    assert r"\<script\>alert(1)\</script\>.csv" in markdown
    # An escaped | keeps the table's columns: every row of the kind × side table has the header's width.
    rows = [line for line in markdown.splitlines() if line.startswith(r"| \<script\>alert(1)\</script\> $x^$")]
    assert len(rows) == 1 and rows[0].replace(r"\|", "").count("|") == 6
    assert "\\\\" not in markdown  # nothing escaped twice
    # A formula in a cell is defused for spreadsheets, and kept verbatim in the GeoJSON.
    assert "'=HYPERLINK" in rendered["csv"].read_text(encoding="utf-8")
    assert '"=HYPERLINK' in rendered["geojson"].read_text(encoding="utf-8")


def test_markdown_escape():
    assert markdown_escape("a|b") == r"a\|b"
    assert markdown_escape("[x](javascript:1)") == r"\[x\](javascript:1)"
    assert markdown_escape("small_arms_fire _x_") == r"small_arms_fire \_x\_"
    assert markdown_escape("two\nlines") == "two lines"


def test_quiet_day(tmp_path):
    summary = make_summary([]) | {
        "totals": {k: 0 for k in ("observations", "flagged", "violations", "explosions", "incidents",
                                  "previous_violations", "previous_explosions")},
        "sectors": [], "by_sector_kind_side": [], "by_band": [], "ingest": [], "line_versions": [],
        "version": 1, "change_note": "", "observations": [],
    }
    layers = make_layers([])
    layers = MapLayers(line=layers.line, occupied_area=layers.occupied_area, sectors=layers.sectors,
                       zones=layers.zones.iloc[0:0], incidents=layers.incidents)
    paths = render_report(summary, layers, tmp_path)
    html = paths["html"].read_text(encoding="utf-8")
    markdown = paths["markdown"].read_text(encoding="utf-8")
    for text in (html, markdown):
        assert "No ceasefire violations were observed in the reporting period." in text
        assert "No incidents were recorded in the reporting period." in text
        assert "No feed files were ingested for the reporting period." in text
    assert "What changed" not in html
    assert json.loads(paths["geojson"].read_text(encoding="utf-8")) == {"type": "FeatureCollection",
                                                                        "features": []}
    assert paths["csv"].read_text(encoding="utf-8").count("\n") == 1  # the header only


def test_same_inputs_give_same_bytes(tmp_path, incidents):
    first = render_report(make_summary(incidents), make_layers(incidents), tmp_path / "a")
    later = make_summary(copy.deepcopy(incidents)) | {"generated_at": "2026-12-01T10:00:00+00:00"}
    second = render_report(later, make_layers(incidents), tmp_path / "b")
    for key in ("map", "geojson", "csv"):
        assert first[key].read_bytes() == second[key].read_bytes(), key
    for key in ("markdown", "html"):
        a, b = (p[key].read_text(encoding="utf-8") for p in (first, second))
        assert a != b  # the footer's generated_at, and nothing else
        assert without_footer(a) == without_footer(b), key


def test_geojson_annex(rendered, incidents):
    collection = json.loads(rendered["geojson"].read_text(encoding="utf-8"))
    features = collection["features"]
    assert [f["properties"]["incident_id"] for f in features] == sorted(i["incident_id"] for i in incidents)
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [37.7, 48.1]}
    assert features[0]["properties"]["obs_ids"] == [4, 5, 6]
    assert "lon" not in features[0]["properties"] and "lat" not in features[0]["properties"]
    frame = gpd.read_file(rendered["geojson"])
    assert len(frame) == len(incidents)
    assert frame.crs.to_epsg() == 4326


def test_csv_annex(rendered, incidents):
    rows = list(csv.DictReader(io.StringIO(rendered["csv"].read_text(encoding="utf-8"))))
    assert list(rows[0])[:3] == ["incident_id", "kind", "sector"]
    assert [r["incident_id"] for r in rows] == sorted(i["incident_id"] for i in incidents)
    assert (rows[0]["obs_ids"], rows[0]["distance_m"], rows[0]["lon"]) == ("4;5;6", "1235.5", "37.700000")


def test_map_png_is_about_1600_pixels_wide(rendered):
    png = rendered["map"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1600 and 900 <= height <= 1300
    assert b"Software" not in png and b"matplotlib" not in png


@pytest.mark.parametrize("lon, lat, span_km", [(37.7, 48.1, 60), (40.5, 49.5, 300), (33.0, 46.6, 900)])
def test_scale_bar_holds_on_the_ellipsoid(lon, lat, span_km):
    """The bar's two ends are as far apart on the WGS84 ellipsoid as its label says (within 0.2 %)."""
    x, y = to_front_tm().transform(lon, lat)
    half = span_km * 500
    bar = scale_bar(fit_extent((x - half, y - half, x + half, y + half), aspect=1.3))
    (lon0, lon1), (lat0, lat1) = from_front_tm().transform([bar.x, bar.x + bar.length], [bar.y, bar.y])
    _, _, metres = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)
    assert math.isclose(metres, bar.km * 1000, rel_tol=0.002)
    assert bar.km in {m * 10.0**e for m in (1, 2, 5) for e in range(-1, 4)}


def test_local_period_on_the_autumn_clock_change():
    start = datetime(2026, 10, 24, 21, tzinfo=timezone.utc)
    text = local_period(start.isoformat(), (start + timedelta(hours=25)).isoformat(), ZoneInfo("Europe/Kyiv"))
    assert text == "2026-10-25 00:00 to 2026-10-26 00:00 Europe/Kyiv time (UTC+03:00 to UTC+02:00)"


def test_ten_thousand_incidents_render_fast(tmp_path):
    incidents = many_incidents(10_000)
    summary, layers = make_summary(incidents), make_layers(incidents)
    started = time.perf_counter()
    paths = render_report(summary, layers, tmp_path)
    elapsed = time.perf_counter() - started
    print(f"\nrendered 10,000 incidents (all five files) in {elapsed:.2f} s")
    html = paths["html"].read_text(encoding="utf-8")
    assert html.count('<td class="mono">LW-') == 50 + 2  # the top 50, the weapon sighting's and the disengagement incident
    assert "9,950 more in the annex" in html
    assert len(json.loads(paths["geojson"].read_text(encoding="utf-8"))["features"]) == 10_000
    assert elapsed < 30
