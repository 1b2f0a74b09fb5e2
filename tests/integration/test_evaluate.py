"""`linewatch evaluate` against PostGIS: a simulated day end to end, and a hand-built case with known figures."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest
from pyproj import Geod

from linewatch.evaluate import evaluate
from linewatch.ingest import ingest_file
from linewatch.pipeline import flag_and_cluster
from linewatch.simulator import TRUTH_COLUMNS, ingest_simulation, simulate
from tests.feedfiles import write_synthetic

GEOD = Geod(ellps="WGS84")
DAY = date(2026, 11, 1)
T0 = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # 03:00 Kyiv
HERE = (37.60, 48.00)  # near the line, Centre sector
NORTH = (38.02, 49.30)  # on the line, North sector


def north_of(lon_lat, metres):
    lon, lat, _ = GEOD.fwd(*lon_lat, 0, metres)
    return lon, lat


@pytest.fixture
def simulated_day(reference, config, tmp_path):
    simulate(tmp_path, DAY, 1, 1000, seed=11)  # one day at the default rate
    results = ingest_simulation(reference, tmp_path, config.timezone)
    assert sum(r.rows_rejected for r in results) == 0
    flag_and_cluster(reference, sorted({d for r in results for d in r.days}), config)
    return evaluate(reference, tmp_path, DAY, DAY, config)


def test_simulated_day_is_recovered(simulated_day):
    """One default-rate day: F1 >= 0.9 against the events some sensor saw (what flagging and clustering
    control), per-sector violation counts within 10 % of the truth. End to end, recall is capped by
    coverage (about a tenth of in-scope events no simulated sensor sees); the end-to-end target is
    checked on the default simulation below."""
    assert simulated_day.truth > 700
    assert simulated_day.detectable_f1 >= 0.9
    assert simulated_day.max_sector_count_error <= 0.10
    assert simulated_day.f1 >= 0.85
    assert simulated_day.observation_purity >= 0.95


def test_the_default_simulation_meets_the_accuracy_targets(reference, config, tmp_path):
    """The issue's targets, on exactly what `linewatch simulate` makes by default (3 days from
    2026-11-01, 1,000 events a day, seed 1): F1 >= 0.9 and per-sector violation counts within 10 %."""
    simulate(tmp_path, date(2026, 11, 1), 3, 1000, seed=1)
    results = ingest_simulation(reference, tmp_path, config.timezone)
    flag_and_cluster(reference, sorted({d for r in results for d in r.days}), config)
    figures = evaluate(reference, tmp_path, date(2026, 11, 1), date(2026, 11, 1) + timedelta(days=2), config)
    print("\n".join(figures.lines()[:9]))
    assert figures.f1 >= 0.9
    assert figures.max_sector_count_error <= 0.10


def write_truth(folder, events):
    folder.mkdir()
    with (folder / f"events_{DAY}.csv").open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(TRUTH_COLUMNS)
        for event_id, kind, family, at, (lon, lat), sector, distance_m in events:
            stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow([event_id, kind, family, stamp, stamp, lon, lat, "government", sector, distance_m, "", ""])


def test_hand_built_case_gives_known_figures(reference, config, tmp_path):
    far = north_of(HERE, 6000)
    write_truth(tmp_path / "truth", [
        ("E1", "explosion", "violation", T0, HERE, "Centre", 500),
        ("E2", "small_arms_fire", "violation", T0, far, "Centre", 5000),
        ("E3", "explosion", "violation", T0, NORTH, "North", 100),          # nobody saw it: a miss
        ("E4", "uav_sighting", "uav_sighting", T0, HERE, "Centre", 500),   # nobody saw it: a miss
        ("E5", "explosion", "violation", T0, (36.0, 50.0), "", 120_000),  # beyond the flagging range: out of scope
    ])
    ingest_file(reference, write_synthetic(tmp_path / "patrol.csv", [
        {"report_id": "p1", "at": T0 + timedelta(minutes=1), "lon": north_of(HERE, 300)[0],
         "lat": north_of(HERE, 300)[1], "kind": "explosion", "notes": "event=E1"},
        {"report_id": "p2", "at": T0, "lon": north_of(HERE, 6200)[0], "lat": north_of(HERE, 6200)[1],
         "kind": "small_arms_fire", "notes": "event=E2"},
        # Same place as E1 but three hours later: its own incident, matching nothing.
        {"report_id": "p3", "at": T0 + timedelta(hours=3), "lon": HERE[0], "lat": HERE[1], "kind": "explosion",
         "notes": "false_positive"},
    ]), "patrol", "synthetic")
    flag_and_cluster(reference, [DAY], config)

    result = evaluate(reference, tmp_path / "truth", DAY, DAY, config)

    assert (result.incidents, result.truth, result.matched) == (3, 4, 2)
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 4)
    assert result.f1 == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))
    # Violations: Centre 3 incidents for 2 events, North 0 for 1.
    assert result.sector_count_error == {"Centre": pytest.approx(0.5), "North": pytest.approx(1.0)}
    assert result.max_sector_count_error == pytest.approx(1.0)
    assert result.rule_count_error["line_proximity"] == pytest.approx(0.0)  # 3 incidents, 3 in-scope violations
    assert result.detectable_recall == pytest.approx(1.0)  # both events someone saw were found
    assert (result.observation_purity, result.merged_incidents, result.split_events) == (1.0, 0, 0)
    lines = result.lines()
    assert lines[:4] == ["incident_precision: 0.6667", "incident_recall: 0.5000", "incident_f1: 0.5714",
                         "max_sector_count_error: 1.0000"]
