"""The checked-in sample data is exactly what the package's generator writes for the fixed seed."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import shape

from linewatch.sample import SAMPLE_DAYS, build_front, write_sample_data

ROOT = Path(__file__).resolve().parents[2]


def test_generator_reproduces_the_checked_in_files(tmp_path):
    written = write_sample_data(tmp_path)
    assert len(written) >= 9
    for path in written:
        checked_in = ROOT / "sample_data" / path.relative_to(tmp_path)
        assert checked_in.read_bytes() == path.read_bytes(), f"{checked_in} differs: run `make sample`"


def test_front_is_plausible():
    front = build_front()
    assert front.occupied_v1.is_valid and front.occupied_v2.is_valid
    assert len(front.line_v1.coords) >= 300
    # The line is the occupied area's western edge: its vertices lie on the polygon's boundary.
    assert front.occupied_v1.boundary.distance(front.line_v1) < 1e-6
    # v2 moved: somewhere the lines differ by more than a kilometre (about 0.01 degree).
    assert front.line_v1.hausdorff_distance(front.line_v2) > 0.01
    assert len(SAMPLE_DAYS) == 3


def test_sample_feed_has_the_malformed_rows(tmp_path):
    import csv

    rows = list(csv.reader((ROOT / "sample_data/feeds/patrol/patrol_2026-11-01.csv").open()))
    ids = [r[0] for r in rows[1:]]
    assert sum(1 for i in ids if i.startswith("BAD-")) == 6 and "" in ids
    assert len(ids) - len(set(ids)) >= 3  # duplicated report ids
    assert 900 <= len(rows) <= 1100
    geo = ROOT / "sample_data/reference/disengagement_areas.geojson"
    import json

    area = shape(json.loads(geo.read_text())["features"][0]["geometry"])
    assert area.is_valid
