"""Reference layers from real-world-messy files: derived contact line, invalid/null/3-D/far-away features."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiPolygon, Polygon, shape

from linewatch.reference import load_layer
from tests.conftest import SAMPLE, count, rows


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_contact_line_derived_from_an_occupied_polygon_sharing_border_and_coast(reference):
    """The occupied polygon's edge runs along the line, the state border and the coast; the derived
    line must be the line alone (less the tolerance at its two ends)."""
    with reference.begin() as conn:
        result = load_layer(conn, "line", SAMPLE / "reference/occupied_area_v1.geojson", version="derived-v1")
    assert result.loaded == 1, result.skipped
    derived_wkt, true_wkt = rows(reference, """
        SELECT (SELECT ST_AsText(geom) FROM linewatch.line_of_occupation WHERE version = 'derived-v1'),
               (SELECT ST_AsText(geom) FROM linewatch.line_of_occupation WHERE version = 'v1')""")[0]
    from shapely import wkt

    derived, true = wkt.loads(derived_wkt), wkt.loads(true_wkt)
    assert len(derived.geoms) == 1  # one continuous line: no bits of border or coast
    # Every derived point lies on the true line, and the true line is covered but for the trimmed ends.
    assert derived.hausdorff_distance(true) < 0.05  # degrees; the ends are trimmed by ~2 km
    assert true.buffer(1e-6).contains(derived)
    lengths = rows(reference, """SELECT ST_Length(geom::geography) FROM linewatch.line_of_occupation
                                 WHERE version IN ('derived-v1', 'v1') ORDER BY version""")
    derived_m, true_m = lengths[0][0], lengths[1][0]
    assert 0 < true_m - derived_m < 2 * 2000 * 1.5


def test_messy_features_are_repaired_skipped_or_ignored_with_reasons(reference, tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[37.0, 48.0], [37.1, 48.1], [37.1, 48.0], [37.0, 48.1], [37.0, 48.0]]]}
    three_d = {"type": "Polygon", "coordinates": [[[36.0, 47.8, 0], [36.05, 47.8, 0], [36.05, 47.85, 0],
                                                    [36.0, 47.85, 0], [36.0, 47.8, 0]]]}
    multi = MultiPolygon([Polygon([(35.0, 47.6), (35.02, 47.6), (35.02, 47.62)]),
                          Polygon([(35.1, 47.6), (35.12, 47.6), (35.12, 47.62)])]).__geo_interface__
    far_away = {"type": "Polygon", "coordinates": [[[10.0, 50.0], [10.1, 50.0], [10.1, 50.1], [10.0, 50.0]]]}
    path = write_geojson(tmp_path / "areas.geojson", [
        feature(bowtie, name="bowtie"), feature(None, name="nothing"), feature(three_d, name="flat 3d"),
        feature(multi, name="two parts"), feature(far_away, name="berlin")])
    with reference.begin() as conn:
        result = load_layer(conn, "disengagement-area", path)
    assert result.loaded == 3
    assert any("bowtie" in r and "Self-intersection" in r for r in result.repaired)
    assert any("nothing" in s and "null or empty geometry" in s for s in result.skipped)
    assert any("berlin" in s and "outside the national outline" in s for s in result.skipped)
    valid = rows(reference, "SELECT name, ST_IsValid(geom), ST_NDims(geom), ST_NumGeometries(geom) FROM linewatch.zone "
                            "WHERE name IN ('bowtie', 'flat 3d', 'two parts') ORDER BY name")
    assert valid == [("bowtie", True, 2, 2), ("flat 3d", True, 2, 1), ("two parts", True, 2, 2)]


def test_any_crs_is_reprojected(reference, tmp_path):
    line = LineString([(37.0, 48.0), (37.2, 48.2)])
    frame = gpd.GeoDataFrame({"name": ["x"], "version": ["utm"], "valid_from": ["2026-12-01T00:00:00+00:00"]},
                             geometry=[line], crs=4326).to_crs(32637)
    path = tmp_path / "line_utm.gpkg"
    frame.to_file(path, driver="GPKG")
    with reference.begin() as conn:
        assert load_layer(conn, "line", path).loaded == 1
    x, y = rows(reference, "SELECT ST_X(ST_StartPoint(ST_GeometryN(geom, 1))), ST_Y(ST_StartPoint(ST_GeometryN(geom, 1))) "
                           "FROM linewatch.line_of_occupation WHERE version = 'utm'")[0]
    assert x == pytest.approx(37.0, abs=1e-6) and y == pytest.approx(48.0, abs=1e-6)
    # The new version closed the open-ended v2 at its valid_from.
    assert count(reference, "SELECT count(*) FROM linewatch.line_of_occupation WHERE valid_to IS NULL") == 1


def test_a_file_without_crs_is_refused(reference, tmp_path):
    path = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shape({"type": "Point", "coordinates": [37, 48]})]).to_file(path)
    with reference.begin() as conn, pytest.raises(ValueError, match="no CRS"):
        load_layer(conn, "settlement", path)
