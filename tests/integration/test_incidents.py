"""Clustering into incidents: cross-feed duplicates merge, separate events stay apart, IDs are stable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pyproj import Geod

from linewatch.ingest import ingest_file
from linewatch.pipeline import flag_and_cluster
from tests.conftest import count, rows
from tests.feedfiles import write_synthetic

GEOD = Geod(ellps="WGS84")
T0 = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # 03:00 Kyiv on 1 November
HERE = (37.60, 48.00)  # near the line in the Centre sector


def offset(lon_lat, east_m: float, north_m: float = 0.0):
    lon, lat, _ = GEOD.fwd(*lon_lat, 90, east_m)
    lon, lat, _ = GEOD.fwd(lon, lat, 0, north_m)
    return lon, lat


def obs(report_id, at, where, kind="explosion", **extra):
    return {"report_id": report_id, "at": at, "lon": where[0], "lat": where[1], "kind": kind, **extra}


def load(engine, tmp_path, feed, observations):
    ingest_file(engine, write_synthetic(tmp_path / f"{feed}.csv", observations), feed, "synthetic")


def test_one_event_seen_by_three_feeds_is_one_confirmed_incident(reference, config, tmp_path):
    load(reference, tmp_path, "camera", [obs("c1", T0, HERE)])
    load(reference, tmp_path, "uav", [obs("u1", T0 + timedelta(minutes=2), offset(HERE, 300, 200), "shelling")])
    load(reference, tmp_path, "acoustic", [obs("a1", T0 + timedelta(minutes=1), offset(HERE, -400))])
    flag_and_cluster(reference, [T0.date()], config)
    got = rows(reference, "SELECT observations, corroboration, confidence_grade, kind FROM linewatch.incident")
    assert got == [(3, 3, "confirmed", "explosion")]
    assert count(reference, "SELECT count(*) FROM linewatch.incident_observation") == 3


def test_separate_events_stay_apart(reference, config, tmp_path):
    load(reference, tmp_path, "patrol", [
        obs("p1", T0, HERE),
        obs("p2", T0 + timedelta(minutes=3), offset(HERE, 500)),            # same event, same feed
        obs("p3", T0, offset(HERE, 0, 6000)),                                # 6 km away: another event
        obs("p4", T0 + timedelta(hours=3), HERE),                            # same place, 3 h later
        obs("p5", T0 + timedelta(minutes=1), offset(HERE, 100), "troop_movement"),  # not fire: its own incident
    ])
    flag_and_cluster(reference, [T0.date()], config)
    got = rows(reference, """SELECT array_agg(o.source_id ORDER BY o.source_id), i.confidence_grade
                             FROM linewatch.incident i JOIN linewatch.incident_observation USING (incident_id)
                             JOIN linewatch.observation o USING (obs_id) GROUP BY i.incident_id, i.confidence_grade
                             ORDER BY 1""")
    assert got == [(["p1", "p2"], "probable"), (["p3"], "unverified"), (["p4"], "unverified"),
                   (["p5"], "unverified")]


def test_incident_ids_survive_reruns_and_new_members(reference, config, tmp_path):
    load(reference, tmp_path, "patrol", [obs("p1", T0, HERE), obs("p2", T0 + timedelta(hours=2), HERE)])
    flag_and_cluster(reference, [T0.date()], config)
    first = rows(reference, "SELECT incident_id FROM linewatch.incident ORDER BY 1")
    flag_and_cluster(reference, [T0.date()], config)
    assert rows(reference, "SELECT incident_id FROM linewatch.incident ORDER BY 1") == first
    # A late report joining the first event keeps that incident's ID.
    load(reference, tmp_path, "uav", [obs("u9", T0 + timedelta(minutes=1), offset(HERE, 200))])
    flag_and_cluster(reference, [T0.date()], config)
    assert rows(reference, "SELECT incident_id FROM linewatch.incident ORDER BY 1") == first
    assert count(reference, "SELECT max(corroboration) FROM linewatch.incident") == 2


def test_incident_location_and_uncertainty(reference, config, tmp_path):
    a, b = offset(HERE, -500), offset(HERE, 500)
    load(reference, tmp_path, "patrol", [obs("p1", T0, a, uncertainty_m=100), obs("p2", T0, b, uncertainty_m=300)])
    flag_and_cluster(reference, [T0.date()], config)
    lon, lat, uncertainty = rows(reference, "SELECT ST_X(geom), ST_Y(geom), uncertainty_m FROM linewatch.incident")[0]
    _, _, to_centre = GEOD.inv(lon, lat, *HERE)
    assert to_centre < 5  # the centroid of two points 1 km apart, either side of HERE
    assert abs(uncertainty - (100 + 500)) < 5  # best member's uncertainty + farthest member from the centre
