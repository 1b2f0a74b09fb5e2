"""Each ceasefire rule at its edges: just inside and just outside, against independent geodesy."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pyproj import Geod
from shapely.geometry import Point, shape

from linewatch.ingest import ingest_file
from linewatch.pipeline import flag_and_cluster
from linewatch.sample import PROTECTED_SITES, SETTLEMENTS
from tests.conftest import SAMPLE, rows
from tests.feedfiles import write_synthetic
from tests.integration.test_flagging import geodesic_distance_to_line, layer

GEOD = Geod(ellps="WGS84")
AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # line v2 in force


def at_distance_from_line(line, anchor_fraction: float, target_m: float, government_side: bool = True):
    """A point whose independent geodesic distance to `line` is target_m (to 0.5 m), found by bisection
    along the perpendicular at a point of the line."""
    p = line.interpolate(anchor_fraction, normalized=True)
    q = line.interpolate(anchor_fraction + 0.0005, normalized=True)
    along, _, _ = GEOD.inv(p.x, p.y, q.x, q.y)
    azimuth = along + (90 if government_side else -90)
    lo, hi = 0.0, target_m * 1.5
    for _ in range(40):
        mid = (lo + hi) / 2
        lon, lat, _ = GEOD.fwd(p.x, p.y, azimuth, mid)
        if geodesic_distance_to_line(line, lon, lat) < target_m:
            lo = mid
        else:
            hi = mid
    lon, lat, _ = GEOD.fwd(p.x, p.y, azimuth, (lo + hi) / 2)
    return lon, lat


def flags_for(engine, config, tmp_path, observations) -> dict[str, set[str]]:
    path = write_synthetic(tmp_path / "edge.csv", observations)
    ingest_file(engine, path, "edge", "synthetic")
    flag_and_cluster(engine, [datetime(2026, 11, 3).date()], config)
    got: dict[str, set[str]] = {}
    for source_id, rule in rows(engine, """SELECT o.source_id, f.rule FROM linewatch.flag f
                                         JOIN linewatch.observation o USING (obs_id)"""):
        got.setdefault(source_id, set()).add(rule)
    return got


@pytest.mark.parametrize("weapon, half_width_km", [
    ("tank", 15), ("mortar_120mm_or_less", 15), ("artillery_under_100mm", 15),
    ("artillery_100mm_plus", 25), ("mlrs", 35), ("heavy_mlrs_missile", 70)])
def test_weapon_just_inside_its_withdrawal_zone_is_flagged_just_outside_is_not(reference, config, tmp_path,
                                                                               weapon, half_width_km):
    line = layer("line_of_occupation_v2.geojson")
    inside = at_distance_from_line(line, 0.45, half_width_km * 1000 - 100)
    outside = at_distance_from_line(line, 0.45, half_width_km * 1000 + 100)
    got = flags_for(reference, config, tmp_path, [
        {"report_id": "in", "at": AT, "lon": inside[0], "lat": inside[1], "kind": "heavy_weapon_sighting",
         "weapon_class": weapon, "weapon_count": 2},
        {"report_id": "out", "at": AT, "lon": outside[0], "lat": outside[1], "kind": "heavy_weapon_sighting",
         "weapon_class": weapon, "weapon_count": 2},
    ])
    assert "weapon_in_withdrawal_zone" in got.get("in", set())
    assert "weapon_in_withdrawal_zone" not in got.get("out", set())
    details = rows(reference, """SELECT f.details ->> 'weapon_class', (f.details ->> 'half_width_m')::float8
                                FROM linewatch.flag f WHERE f.rule = 'weapon_in_withdrawal_zone'""")
    assert details == [(weapon, half_width_km * 1000.0)]


def test_withdrawal_zone_applies_on_the_occupied_side_too(reference, config, tmp_path):
    line = layer("line_of_occupation_v2.geojson")
    inside = at_distance_from_line(line, 0.6, 14_900, government_side=False)
    got = flags_for(reference, config, tmp_path, [
        {"report_id": "tank", "at": AT, "lon": inside[0], "lat": inside[1], "kind": "heavy_weapon_sighting",
         "weapon_class": "tank", "weapon_count": 1}])
    assert "weapon_in_withdrawal_zone" in got["tank"]
    assert rows(reference, "SELECT DISTINCT side FROM linewatch.flag") == [("occupied",)]


def test_disengagement_area_inside_and_outside(reference, config, tmp_path):
    area = shape(json.loads((SAMPLE / "reference/disengagement_areas.geojson").read_text())["features"][0]["geometry"])
    centre = area.centroid
    # The area is 2 km x 2 km: 800 m from the centre is inside, 1,300 m east is outside.
    east_in = GEOD.fwd(centre.x, centre.y, 90, 800)[:2]
    east_out = GEOD.fwd(centre.x, centre.y, 90, 1300)[:2]
    assert area.contains(Point(east_in)) and not area.contains(Point(east_out))
    got = flags_for(reference, config, tmp_path, [
        {"report_id": "in", "at": AT, "lon": east_in[0], "lat": east_in[1], "kind": "small_arms_fire"},
        {"report_id": "out", "at": AT, "lon": east_out[0], "lat": east_out[1], "kind": "small_arms_fire"},
        {"report_id": "flare", "at": AT, "lon": centre.x, "lat": centre.y, "kind": "fire_hotspot"},  # not armed
    ])
    assert "disengagement_area" in got["in"]
    assert "disengagement_area" not in got.get("out", set())
    assert "disengagement_area" not in got.get("flare", set())


def test_heavy_weapons_near_a_settlement(reference, config, tmp_path):
    name, lon, lat, population = next(s for s in SETTLEMENTS if s[0] == "Tokmak")
    radius = min(8000, 500 + population / 100)
    near = config.rules[[r.name for r in config.rules].index("heavy_weapon_in_settlement")].params["near_m"]
    inside = GEOD.fwd(lon, lat, 200, radius + near - 50)[:2]
    outside = GEOD.fwd(lon, lat, 200, radius + near + 50)[:2]
    got = flags_for(reference, config, tmp_path, [
        {"report_id": "near", "at": AT, "lon": inside[0], "lat": inside[1], "kind": "heavy_weapon_sighting",
         "weapon_class": "artillery_100mm_plus", "weapon_count": 1},
        {"report_id": "far", "at": AT, "lon": outside[0], "lat": outside[1], "kind": "heavy_weapon_sighting",
         "weapon_class": "artillery_100mm_plus", "weapon_count": 1},
    ])
    assert "heavy_weapon_in_settlement" in got["near"]
    assert "heavy_weapon_in_settlement" not in got.get("far", set())
    assert rows(reference, "SELECT details ->> 'settlement' FROM linewatch.flag "
                           "WHERE rule = 'heavy_weapon_in_settlement'") == [(name,)]


def test_aerial_vehicles_over_the_zone(reference, config, tmp_path):
    line = layer("line_of_occupation_v2.geojson")
    inside = at_distance_from_line(line, 0.3, 29_900)
    outside = at_distance_from_line(line, 0.3, 30_100)
    got = flags_for(reference, config, tmp_path, [
        {"report_id": "in", "at": AT, "lon": inside[0], "lat": inside[1], "kind": "uav_sighting"},
        {"report_id": "out", "at": AT, "lon": outside[0], "lat": outside[1], "kind": "uav_sighting"}])
    assert "aerial_vehicle_over_zone" in got["in"]
    assert "aerial_vehicle_over_zone" not in got.get("out", set())


def test_fire_near_a_protected_site(reference, config, tmp_path):
    name, _, lon, lat, buffer_m = PROTECTED_SITES[0]
    inside = GEOD.fwd(lon, lat, 45, buffer_m - 30)[:2]
    outside = GEOD.fwd(lon, lat, 45, buffer_m + 30)[:2]
    got = flags_for(reference, config, tmp_path, [
        {"report_id": "in", "at": AT, "lon": inside[0], "lat": inside[1], "kind": "shelling"},
        {"report_id": "out", "at": AT, "lon": outside[0], "lat": outside[1], "kind": "shelling"}])
    assert "fire_near_protected_site" in got["in"]
    assert "fire_near_protected_site" not in got.get("out", set())
    assert rows(reference, "SELECT details ->> 'site' FROM linewatch.flag WHERE rule = 'fire_near_protected_site'") \
        == [(name,)]


def test_incident_carries_every_rule_and_clause_it_may_breach(reference, config, tmp_path):
    line = layer("line_of_occupation_v2.geojson")
    spot = at_distance_from_line(line, 0.45, 1000)
    flags_for(reference, config, tmp_path, [
        {"report_id": "mlrs", "at": AT, "lon": spot[0], "lat": spot[1], "kind": "heavy_weapon_sighting",
         "weapon_class": "mlrs", "weapon_count": 3, "reliability": "A"}])
    (rules, clauses, admiralty, weapon, count), = rows(
        reference, "SELECT rules, clauses, admiralty, weapon_class, weapon_count FROM linewatch.incident")
    assert rules == ["line_proximity", "weapon_in_withdrawal_zone"]
    assert len(clauses) == 2 and any("29 Sep 2015" in c for c in clauses)
    assert (admiralty, weapon, count) == ("A6", "mlrs", 3)
