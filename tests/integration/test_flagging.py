"""Flags against independent computations: distances vs pyproj.Geod, side vs shapely, line version in force."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, shape

from linewatch.flagging import band_labels
from linewatch.ingest import ingest_file
from linewatch.pipeline import flag_and_cluster
from linewatch.sample import LINE_V2_FROM, SAMPLE_DAYS
from tests.conftest import SAMPLE, count, rows
from tests.feedfiles import write_synthetic

GEOD = Geod(ellps="WGS84")


def layer(name: str):
    return shape(json.loads((SAMPLE / "reference" / name).read_text())["features"][0]["geometry"])


def geodesic_distance_to_line(line, lon: float, lat: float, step_m: float = 10.0) -> float:
    """Independent point-to-line distance: the line densified along geodesics every 10 m, then the
    minimum ellipsoidal distance (pyproj.Geod) to those points. Good to < 0.01 % beyond 500 m.
    Only segments that can hold the nearest point are densified: one with an endpoint within
    (nearest vertex distance + longest segment) of the point."""
    coords = np.array(line.coords)
    n = len(coords)
    _, _, to_vertex = GEOD.inv(np.full(n, lon), np.full(n, lat), coords[:, 0], coords[:, 1])
    _, _, seg_len = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    reach = to_vertex.min() + seg_len.max()
    lons, lats = list(coords[:, 0]), list(coords[:, 1])
    for i in np.flatnonzero((to_vertex[:-1] <= reach) | (to_vertex[1:] <= reach)):
        (x1, y1), (x2, y2) = coords[i], coords[i + 1]
        steps = int(seg_len[i] // step_m)
        for x, y in GEOD.npts(x1, y1, x2, y2, steps - 1) if steps > 1 else []:
            lons.append(x)
            lats.append(y)
    _, _, dist = GEOD.inv(np.full(len(lons), lon), np.full(len(lats), lat), np.array(lons), np.array(lats))
    return float(dist.min())


@pytest.fixture
def sample_day_flagged(reference, config):
    day = SAMPLE_DAYS[0]
    ingest_file(reference, SAMPLE / f"feeds/patrol/patrol_{day}.csv", "patrol", "synthetic")
    flag_and_cluster(reference, [day], config)
    return reference


def test_distances_match_pyproj_geod_within_0_1_percent(sample_day_flagged):
    line = layer("line_of_occupation_v1.geojson")
    sample = rows(sample_day_flagged, """
        SELECT ST_X(o.geom), ST_Y(o.geom), f.distance_m FROM linewatch.flag f JOIN linewatch.observation o USING (obs_id)
        WHERE f.distance_m > 500 AND f.rule = 'line_proximity' ORDER BY o.obs_id LIMIT 60""")
    assert len(sample) == 60
    for lon, lat, distance in sample:
        expected = geodesic_distance_to_line(line, lon, lat)
        assert distance == pytest.approx(expected, rel=1e-3), (lon, lat)


def test_side_of_line_matches_shapely(sample_day_flagged):
    occupied = layer("occupied_area_v1.geojson")
    flagged = rows(sample_day_flagged, """
        SELECT ST_X(o.geom), ST_Y(o.geom), f.side FROM linewatch.flag f JOIN linewatch.observation o USING (obs_id)
        WHERE f.rule = 'line_proximity' ORDER BY o.obs_id""")
    assert len(flagged) > 900
    sides = {"occupied": 0, "government": 0}
    for lon, lat, side in flagged:
        expected = "occupied" if occupied.contains(Point(lon, lat)) else "government"
        assert side == expected, (lon, lat)
        sides[side] += 1
    assert min(sides.values()) > 300  # both sides are really exercised


def test_every_observation_within_the_outer_band_is_flagged_with_its_band(sample_day_flagged, config):
    labels = band_labels(config.bands_km)
    got = rows(sample_day_flagged, "SELECT band, min(distance_m), max(distance_m) FROM linewatch.flag "
                                     "WHERE rule = 'line_proximity' GROUP BY band")
    bounds = dict(zip(labels, [b * 1000 for b in config.bands_km], strict=True))
    for band, lo, hi in got:
        assert hi <= bounds[band]
        index = labels.index(band)
        assert index == 0 or lo > bounds[labels[index - 1]]
    unflagged = count(sample_day_flagged, """
        SELECT count(*) FROM linewatch.observation o WHERE NOT EXISTS
        (SELECT 1 FROM linewatch.flag f WHERE f.obs_id = o.obs_id AND f.rule = 'line_proximity')""")
    assert unflagged == count(sample_day_flagged, "SELECT count(*) FROM linewatch.observation") - count(
        sample_day_flagged, "SELECT count(*) FROM linewatch.flag WHERE rule = 'line_proximity'")
    # Those left unflagged really are beyond the last band.
    line = layer("line_of_occupation_v1.geojson")
    for lon, lat in rows(sample_day_flagged, """SELECT ST_X(geom), ST_Y(geom) FROM linewatch.observation o
                         WHERE NOT EXISTS (SELECT 1 FROM linewatch.flag f
                                           WHERE f.obs_id = o.obs_id AND f.rule = 'line_proximity')"""):
        assert geodesic_distance_to_line(line, lon, lat) > config.bands_km[-1] * 1000 * 0.999


def test_the_line_in_force_at_the_observation_time_is_used(reference, config, tmp_path):
    """The same place, one second before and at the change of line version: judged against each version."""
    v1, v2 = layer("line_of_occupation_v1.geojson"), layer("line_of_occupation_v2.geojson")
    occ1, occ2 = layer("occupied_area_v1.geojson"), layer("occupied_area_v2.geojson")
    # A point the advance took: occupied under v2, not under v1.
    lon, lat = next((x, y) for x in np.arange(37.50, 37.80, 0.002) for y in (48.10,)
                    if occ2.contains(Point(x, y)) and not occ1.contains(Point(x, y))
                    and occ1.exterior.distance(Point(x, y)) > 0.005)
    before, after = LINE_V2_FROM - timedelta(seconds=1), LINE_V2_FROM
    path = write_synthetic(tmp_path / "edge.csv", [
        {"report_id": "before", "at": before, "lon": lon, "lat": lat, "kind": "explosion"},
        {"report_id": "after", "at": after, "lon": lon, "lat": lat, "kind": "explosion"},
    ])
    ingest_file(reference, path, "edge", "synthetic")
    flag_and_cluster(reference, [before.date()], config)
    got = {r[0]: r[1:] for r in rows(reference, """
        SELECT o.source_id, l.version, f.side, f.distance_m FROM linewatch.flag f
        JOIN linewatch.observation o USING (obs_id) JOIN linewatch.line_of_occupation l USING (line_of_occupation_id)
        WHERE f.rule = 'line_proximity'""")}
    assert got["before"][:2] == ("v1", "government")
    assert got["after"][:2] == ("v2", "occupied")
    assert got["before"][2] == pytest.approx(geodesic_distance_to_line(v1, lon, lat), rel=1e-3)
    assert got["after"][2] == pytest.approx(geodesic_distance_to_line(v2, lon, lat), rel=1e-3)


def test_reflagging_a_day_gives_the_same_rows(sample_day_flagged, config):
    query = "SELECT obs_id, rule, band, side, sector_id, round(distance_m::numeric, 3) FROM linewatch.flag ORDER BY 1, 2"
    first = rows(sample_day_flagged, query)
    flag_and_cluster(sample_day_flagged, [SAMPLE_DAYS[0]], config)
    assert rows(sample_day_flagged, query) == first
    assert count(sample_day_flagged, "SELECT count(DISTINCT day) FROM linewatch.flag_run") == 1
