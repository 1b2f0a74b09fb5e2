"""Reporting periods on hand-made data: the previous-period comparison across a month boundary and the
autumn DST change (2026-10-25, 25 hours), SMM-style 19:30 periods, one report over a range, coverage and
sensor outages, and SMM-style place names checked against pyproj.Geod."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from pyproj import Geod

from linewatch.config import Feed
from linewatch.geodesy import compass_word
from linewatch.ingest import ingest_file
from linewatch.periods import Period
from linewatch.pipeline import flag_and_cluster
from linewatch.reference import load_layer, load_reference_folder
from linewatch.report.publish import publish_daily_report, publish_report
from linewatch.report.summary import build_summary
from tests.conftest import SAMPLE, count, rows
from tests.feedfiles import write_synthetic

TZ = "Europe/Kyiv"
# (UTC time, kind): local times in the comments. 25 Oct 2026: 00:00 is UTC+3, 23:30 is UTC+2.
EVENTS = [
    (datetime(2026, 10, 24, 10, 0), "explosion"),         # 24 Oct 13:00
    (datetime(2026, 10, 24, 20, 30), "shelling"),         # 24 Oct 23:30 (SMM: 25 Oct's period)
    (datetime(2026, 10, 24, 21, 30), "explosion"),        # 25 Oct 00:30 (UTC+3)
    (datetime(2026, 10, 25, 12, 0), "small_arms_fire"),   # 25 Oct 14:00 (UTC+2)
    (datetime(2026, 10, 25, 21, 30), "shelling"),         # 25 Oct 23:30: outside a naive 24-hour day
    (datetime(2026, 10, 31, 21, 30), "explosion"),        # 31 Oct 23:30
    (datetime(2026, 10, 31, 22, 30), "explosion"),        # 1 Nov 00:30
    (datetime(2026, 11, 1, 9, 0), "muzzle_flash"),        # 1 Nov 11:00
]
DAYS = [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 31), date(2026, 11, 1)]


@pytest.fixture
def hand_made(db, config, tmp_path):
    """Reference layers in force from 1 Oct (a v0 copy of the sample line/area), one sector's worth of
    events at points 6 km apart along the line, flagged and clustered by the pipeline."""
    with db.begin() as conn:
        for kind, name, version in (("line", "line_of_occupation_v1", "v0"), ("occupied-area", "occupied_area_v1", "a0")):
            layer = json.loads((SAMPLE / f"reference/{name}.geojson").read_text(encoding="utf-8"))
            for feature in layer["features"]:
                feature["properties"] |= {"version": version, "valid_from": "2026-10-01T00:00:00+00:00",
                                          "valid_to": "2026-10-28T00:00:00+00:00"}
            path = tmp_path / f"{version}.geojson"
            path.write_text(json.dumps(layer), encoding="utf-8")
            load_layer(conn, kind, path)
        load_reference_folder(conn, SAMPLE / "reference")
        points = conn.execute(sa.text("""
            SELECT ST_X(p), ST_Y(p) FROM (
              SELECT ST_LineInterpolatePoint(ST_LineMerge(geom), f) AS p
              FROM linewatch.line_of_occupation, generate_series(0.30, 0.30 + 0.01 * (:n - 1), 0.01) AS f
              WHERE version = 'v0') q"""), {"n": len(EVENTS)}).all()
    observations = [{"report_id": f"hand-{i}", "at": at, "lon": lon + 0.005, "lat": lat, "kind": kind}
                    for i, ((at, kind), (lon, lat)) in enumerate(zip(EVENTS, points, strict=True))]
    ingest_file(db, write_synthetic(tmp_path / "hand.csv", observations), "patrol", "synthetic")
    flag_and_cluster(db, DAYS, config)
    assert count(db, "SELECT count(*) FROM linewatch.incident") == len(EVENTS)
    return db


def summary_of(engine, period, config) -> dict:
    with engine.begin() as conn:
        return build_summary(conn, period, config)


def test_previous_period_across_the_dst_change(hand_made, config):
    day = summary_of(hand_made, Period(date(2026, 10, 25), date(2026, 10, 25), "local_day", TZ), config)
    assert (day["period_start"], day["period_end"]) == ("2026-10-24T21:00:00+00:00", "2026-10-25T22:00:00+00:00")
    t = day["totals"]
    # 00:30 (UTC+3), 14:00 and 23:30 (UTC+2): all three in the 25-hour day; 24 Oct had two.
    assert (t["violations"], t["explosions"], t["previous_violations"], t["previous_explosions"]) == (3, 2, 2, 2)
    assert (t["direction"], t["explosions_direction"]) == ("rose", "unchanged")
    # Seven previous days: 2 + 0 * 6 violations -> average 0.3, and 3 * 7 > 2.
    assert (t["average_violations"], t["average_direction"]) == (0.3, "rose")
    # The hour table is local: 23:30 in hour 23, 00:30 in hour 0; the coverage grid has 25 slots with the
    # repeated 03:00 told apart by its offset.
    hours = {r["hour"]: r["violations"] for r in day["by_hour"]}
    assert (hours[0], hours[14], hours[23], sum(hours.values())) == (1, 1, 1, 3)
    assert len(day["coverage"]["slots"]) == 25
    assert sum(day["coverage"]["feeds"][0]["counts"]) == 3


def test_previous_period_across_the_month_boundary(hand_made, config, tmp_path):
    published = publish_daily_report(hand_made, date(2026, 11, 1), config, tmp_path)
    summary = json.loads(rows(hand_made, "SELECT summary::text FROM linewatch.daily_report")[0][0])
    t = summary["totals"]
    assert (t["violations"], t["previous_violations"], t["direction"]) == (2, 1, "rose")
    assert (t["explosions"], t["previous_explosions"], t["explosions_direction"]) == (1, 1, "unchanged")
    # The same against independent SQL: incidents of 31 October by local calendar day.
    assert t["previous_violations"] == count(hand_made, """
        SELECT count(*) FROM linewatch.incident
        WHERE (started_at AT TIME ZONE 'Europe/Kyiv')::date = DATE '2026-10-31'""")
    html = published.html.read_text(encoding="utf-8")
    assert re.search(r"In the previous reporting period it recorded 1 ceasefire violation \(rose\)", html)


def test_smm_period_runs_1930_to_1930(hand_made, config):
    smm = summary_of(hand_made, Period(date(2026, 10, 25), date(2026, 10, 25), "smm", TZ), config)
    assert (smm["period_start"], smm["period_end"]) == ("2026-10-24T16:30:00+00:00", "2026-10-25T17:30:00+00:00")
    # 24 Oct 23:30, 25 Oct 00:30 and 14:00 are in; 25 Oct 23:30 belongs to the next SMM day.
    assert smm["totals"]["violations"] == 3
    assert smm["totals"]["previous_violations"] == 1  # 24 Oct 13:00
    assert smm["totals"]["violations"] == count(hand_made, """
        SELECT count(*) FROM linewatch.incident
        WHERE started_at >= TIMESTAMPTZ '2026-10-24 19:30+03' AND started_at < TIMESTAMPTZ '2026-10-25 19:30+02'""")


def test_one_report_over_a_range_is_versioned_in_its_folder(hand_made, config, tmp_path):
    weekend = Period(date(2026, 10, 24), date(2026, 10, 25), "local_day", TZ)
    first = publish_report(hand_made, weekend, config, tmp_path)
    again = publish_report(hand_made, weekend, config, tmp_path)
    assert first.html == tmp_path / "2026-10-24--2026-10-25" / "v1" / "report.html"
    assert (again.new, again.version, again.content_hash) == (False, 1, first.content_hash)
    summary = json.loads((first.html.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["violations"] == 5 and summary["period_days"] == 2
    # Not a daily report: the daily_report table is untouched, the index lists it under other periods.
    assert count(hand_made, "SELECT count(*) FROM linewatch.daily_report") == 0
    assert 'href="2026-10-24--2026-10-25/v1/report.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "linewatch incident summary — 2026-10-24 to 2026-10-25" in first.html.read_text(encoding="utf-8")


def test_places_are_named_from_the_nearest_reference_town_on_the_ellipsoid(hand_made, config):
    with hand_made.begin() as conn:
        summary = build_summary(conn, Period(date(2026, 10, 25), date(2026, 10, 25), "local_day", TZ), config)
        places = conn.execute(sa.text("""
            SELECT p.place_key, p.reference_town, p.reference_m, p.azimuth_deg, p.reference_occupied,
                   ST_X(t.geom), ST_Y(t.geom), ST_X(i.geom), ST_Y(i.geom)
            FROM report_place p JOIN linewatch.settlement t ON t.name = p.reference_town
            JOIN linewatch.incident i ON i.incident_id = p.place_key""")).all()
        towns = conn.execute(sa.text("SELECT ST_X(geom), ST_Y(geom) FROM linewatch.settlement "
                                     "WHERE reference_town")).all()
    assert places
    geod = Geod(ellps="WGS84")
    for key, town, metres, azimuth, occupied, tlon, tlat, lon, lat in places:
        forward, _, distance = geod.inv(tlon, tlat, lon, lat)
        assert metres == pytest.approx(distance, abs=1.0)
        assert azimuth == pytest.approx(forward % 360, abs=0.1)
        # The nearest reference town, by true distance.
        assert distance <= min(geod.inv(x, y, lon, lat)[2] for x, y in towns) + 1.0
        incident = next(i for i in summary["incidents"] if i["incident_id"] == key)
        status = "non-government-controlled" if occupied else "government-controlled"
        assert f"{compass_word(forward)} of {town} ({status})" in incident["place"]


def test_coverage_names_silent_and_late_feeds(hand_made, config):
    with_silent = replace(config, feeds=(*config.feeds, Feed(name="acled", format="acled", path="x.csv")))
    summary = summary_of(hand_made, Period(date(2026, 10, 25), date(2026, 10, 25), "local_day", TZ), with_silent)
    status = {f["feed"]: f for f in summary["feed_status"]}
    assert status["acled"]["status"] == "silent" and status["acled"]["observations"] == 0
    loaded = rows(hand_made, "SELECT finished_at FROM linewatch.ingest_batch")[0][0]
    late = loaded > datetime(2026, 10, 25, 22, tzinfo=UTC) + timedelta(hours=config.feed("patrol").expected_delay_hours)
    assert status["patrol"]["status"] == ("late" if late else "on time")
    assert status["patrol"]["observations"] == count(hand_made, """
        SELECT count(*) FROM linewatch.observation
        WHERE observed_at >= TIMESTAMPTZ '2026-10-25 00:00+03' AND observed_at < TIMESTAMPTZ '2026-10-26 00:00+02'""")
    grid = {f["feed"]: f["counts"] for f in summary["coverage"]["feeds"]}
    assert grid["acled"] == [0] * 25 and sum(grid["patrol"]) == status["patrol"]["observations"]
