"""Golden-file tests of the mission-report parser: CSV, GeoJSON and GeoPackage, in several CRSs."""

import json
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from linewatch.feeds import parser_for, reports
from linewatch.feeds.csvfile import FeedFileError
from tests.feedfiles import parse_and_validate, utc

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
GEOD = Geod(ellps="WGS84")
# In UTM zone 37N (EPSG:32637), easting 500000 is the central meridian, 39°E, and this northing is 48°N.
UTM_39E_48N = (500000.0, 5316300.224451495)


def load(path: Path, chunk_rows: int = 2):
    return parse_and_validate(reports.parse, path, chunk_rows, NOW)



def metres(lon1, lat1, lon2, lat2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def test_registered():
    assert parser_for("reports") is reports.parse


def test_csv_patrol_report():
    rows, rejects, read = load(FIXTURES / "reports_patrol.csv")
    row = rows.loc[2]
    assert row["source_id"] == "P-0315-01"
    assert row["observed_at"] == utc("2024-03-15 06:42")
    assert (row["lon"], row["lat"]) == (37.7497, 48.1394)
    assert (row["kind"], row["weapon_class"], row["weapon_count"]) == ("explosion", "artillery_100mm_plus", 3)
    assert (row["uncertainty_m"], row["bearing_deg"], row["source_reliability"], row["confidence"]) == (
        500.0, 95.0, "B", 0.8)
    assert json.loads(row["attributes"]) == {
        "sensor": "patrol", "notes": "Heard 3 undetermined explosions 4-6 km E, from Авдіївка direction"}
    assert rows.loc[3, "observed_at"] == utc("2024-03-15 05:10")  # "07:10:00+02:00"
    assert rows.loc[3, "source_reliability"] == "C"  # written "c"
    assert pd.isna(rows.loc[3, "weapon_count"])
    assert rows.loc[4, "observed_at"] == utc("2024-03-15 07:30")  # naive: UTC
    assert rejects == {
        5: "observed_at: not an ISO-8601 timestamp ('15/03/2024 08:00')",
        6: "weapon_count: not a number ('two')",
        7: "lon: missing",
        8: "kind: unknown kind 'rocket'",
        9: "source_reliability: must be one of A-F",
    }
    assert len(rows) + len(rejects) == read == 8


def test_geojson_points_lines_polygons():
    rows, rejects, read = load(FIXTURES / "reports_uav.geojson")
    row = rows.loc[1]
    assert (row["source_id"], row["kind"], row["weapon_class"], row["weapon_count"]) == (
        "UAV-0316-01", "heavy_weapon_sighting", "mlrs", 2)
    assert (row["lon"], row["lat"], row["uncertainty_m"]) == (37.7497, 48.1394, 0.0)
    assert (row["bearing_deg"], row["source_reliability"], row["confidence"]) == (270.0, "B", 0.9)
    assert row["observed_at"] == utc("2024-03-16 04:12:30")
    assert json.loads(row["attributes"]) == {
        "notes": "Two BM-21 near Авдіївка, camouflaged", "flight": '{"uav": "mid-range", "sortie": 14}'}
    # A road segment: its midpoint, and the half-length as uncertainty (larger than the declared 100 m).
    line = rows.loc[2]
    assert (line["lon"], line["lat"]) == pytest.approx((37.71, 48.10))
    assert line["uncertainty_m"] == pytest.approx(metres(37.71, 48.10, 37.70, 48.10))
    assert line["observed_at"] == utc("2024-03-16 03:00")
    # A ~700 m square with a declared 5 km: the declared uncertainty is the larger.
    square = rows.loc[3]
    assert (square["lon"], square["lat"]) == pytest.approx((37.605, 48.005))
    assert square["uncertainty_m"] == 5000.0
    assert rejects == {
        4: "geometry: missing",
        5: "observed_at: not an ISO-8601 timestamp ('yesterday')",
        6: "weapon_count: not a whole number ('1.5')",
    }
    assert len(rows) + len(rejects) == read == 6


def test_geojson_in_a_projected_crs():
    rows, rejects, _ = load(FIXTURES / "reports_utm37n.geojson")
    assert rejects == {}
    assert rows.loc[1, "source_id"] == "CAM-7-0001"  # from the `id` property
    assert (rows.loc[1, "lon"], rows.loc[1, "lat"]) == pytest.approx((39.0, 48.0), abs=1e-9)


def test_epsg_4326_authority_axis_order_does_not_swap_coordinates():
    declared, _, _ = load(FIXTURES / "reports_epsg4326_urn.geojson")
    rfc7946, _, _ = load(FIXTURES / "reports_uav.geojson")
    assert (declared.loc[1, "lon"], declared.loc[1, "lat"]) == (rfc7946.loc[1, "lon"], rfc7946.loc[1, "lat"])


def test_csv_crs_column_per_row():
    rows, rejects, _ = load(FIXTURES / "reports_crs_column.csv")
    # EPSG:4326, OGC:CRS84, the URN form of EPSG:4326 and no CRS at all: the same place.
    for line in (2, 3, 4, 6):
        assert (rows.loc[line, "lon"], rows.loc[line, "lat"]) == pytest.approx((37.7497, 48.1394), abs=1e-12)
    assert (rows.loc[5, "lon"], rows.loc[5, "lat"]) == pytest.approx((39.0, 48.0), abs=1e-9)
    assert rejects == {7: "crs: not a CRS ('EPSG:99999')"}


def test_csv_wkt_with_sidecar_crs():
    rows, rejects, _ = load(FIXTURES / "reports_wkt_utm.csv")
    assert (rows.loc[2, "lon"], rows.loc[2, "lat"]) == pytest.approx((39.0, 48.0), abs=1e-9)
    assert rows.loc[2, "kind"] == "illumination_flare"
    triangle = rows.loc[3]
    centre = shapely.centroid(shapely.Polygon([(500000, 5316000), (501000, 5316000), (501000, 5317000)]))
    lon, lat = reports._transformer("EPSG:32637").transform(centre.x, centre.y)
    # The centroid is taken after reprojection, in degrees: within centimetres of the UTM one here.
    assert (triangle["lon"], triangle["lat"]) == pytest.approx((lon, lat), abs=1e-6)
    corner = reports._transformer("EPSG:32637").transform(500000, 5316000)
    assert triangle["uncertainty_m"] == pytest.approx(metres(triangle["lon"], triangle["lat"], *corner))
    assert triangle["uncertainty_m"] == pytest.approx(745.7, abs=1)  # ~ the planar 745.4 m, UTM scale 0.9996
    assert rejects == {4: "wkt: not WKT ('POINT (500000')", 5: "geometry: empty"}


def test_geopackage_in_a_projected_crs(tmp_path):
    path = tmp_path / "camera.gpkg"
    gpd.GeoDataFrame(
        {"report_id": ["CAM-9-1", "CAM-9-2"], "observed_at": ["2024-03-16T22:00:00Z", "2024-03-16T22:01:00Z"],
         "kind": ["muzzle_flash", "explosion"], "notes": ["café roof", None]},
        geometry=[shapely.Point(*UTM_39E_48N), None], crs="EPSG:32637",
    ).to_file(path, driver="GPKG")
    rows, rejects, _ = load(path)
    assert (rows.loc[1, "lon"], rows.loc[1, "lat"]) == pytest.approx((39.0, 48.0), abs=1e-9)
    assert json.loads(rows.loc[1, "attributes"]) == {"notes": "café roof"}
    assert rejects == {2: "geometry: missing"}


def test_csv_in_cp1252(tmp_path):
    path = tmp_path / "patrol.csv"
    path.write_bytes("report_id,observed_at,kind,lon,lat,notes\r\n"
                     "P-1,2024-03-15T06:00:00Z,explosion,30.72,46.48,Explosion near the café\r\n".encode("cp1252"))
    rows, rejects, _ = load(path)
    assert rejects == {}
    assert json.loads(rows.loc[2, "attributes"]) == {"notes": "Explosion near the café"}


@pytest.mark.parametrize("name, content, message", [
    ("r.txt", "report_id,observed_at,kind,lon,lat\n", "not a report file"),
    ("r.csv", "report,observed_at,kind,lon,lat\nP-1,2024-03-15T06:00:00Z,explosion,30,46\n",
     r"lacks a report_id \(or id\) column"),
    ("r.csv", "report_id,observed_at,kind,place\nP-1,2024-03-15T06:00:00Z,explosion,Odesa\n",
     "no lon/lat, x/y or wkt columns"),
    ("r.geojson", '{"type": "FeatureCollection", "features": [', "not a readable GeoJSON or GeoPackage"),
    ("r.gpkg", "not a geopackage", "not a readable GeoJSON or GeoPackage"),
])
def test_unreadable_files_fail_as_a_whole(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(FeedFileError, match=message):
        list(reports.parse(path))


def test_bad_sidecar_crs_fails_the_file(tmp_path):
    (tmp_path / "r.csv").write_text("report_id,observed_at,kind,lon,lat\nP-1,2024-03-15T06:00:00Z,explosion,30,46\n")
    (tmp_path / "r.crs").write_text("EPSG:not-a-code\n")
    with pytest.raises(FeedFileError, match="r.crs: not a CRS"):
        list(reports.parse(tmp_path / "r.csv"))


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_geopackage_without_crs_fails_the_file(tmp_path):
    path = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"report_id": ["A"], "observed_at": ["2024-03-16T22:00:00Z"], "kind": ["explosion"]},
                     geometry=[shapely.Point(30, 46)]).to_file(path, driver="GPKG")
    with pytest.raises(FeedFileError, match="declares no CRS"):
        list(reports.parse(path))
