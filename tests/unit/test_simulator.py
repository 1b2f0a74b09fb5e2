"""The simulator: same seed same bytes, truth and feeds agree, open-feed files parse with the real parsers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from linewatch.feeds import parser_for
from linewatch.observation import validate
from linewatch.simulator import SENSORS, read_manifest, simulate

START = date(2026, 11, 1)
NOW = datetime(2027, 1, 1, tzinfo=UTC)  # after the simulated days: nothing is "in the future"
RATE = 400


def run(out: Path, seed: int = 3) -> Path:
    # Small chunks, so that a day spans several chunks and their streams.
    simulate(out, START, 2, RATE, seed, chunk_events=150)
    return out


@pytest.fixture(scope="module")
def sim(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("sim"))


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def feed_rows(sim: Path) -> dict[str, tuple[pd.DataFrame, list]]:
    """Every feed's files through its real parser and the common validation: (rows, rejects)."""
    out = {}
    for feed in read_manifest(sim)["feeds"]:
        good, bad = [], []
        for name in feed["files"]:
            for chunk in parser_for(feed["format"])(sim / name, 1000):
                rows, rejects = validate(chunk, now=NOW)
                good.append(rows)
                bad += rejects
        out[feed["name"]] = (pd.concat(good, ignore_index=True), bad)
    return out


@pytest.fixture(scope="module")
def parsed(sim):
    return feed_rows(sim)


@pytest.fixture(scope="module")
def truth(sim) -> pd.DataFrame:
    return pd.concat([pd.read_csv(p, keep_default_na=False) for p in sorted((sim / "truth").glob("*.csv"))])


def test_same_seed_same_bytes_other_seed_other_bytes(sim, tmp_path):
    assert files(run(tmp_path / "again")) == files(sim)
    other = files(run(tmp_path / "other", seed=4))
    assert other.keys() == files(sim).keys()
    assert other["truth/events_2026-11-01.csv"] != files(sim)["truth/events_2026-11-01.csv"]


def test_manifest_lists_every_feed_file_and_the_truth(sim):
    manifest = read_manifest(sim)
    assert (manifest["seed"], manifest["rate"], manifest["start"], manifest["days"]) == (3, RATE, "2026-11-01", 2)
    assert [f["name"] for f in manifest["feeds"]] == [s.name for s in SENSORS]
    listed = {name for f in manifest["feeds"] for name in f["files"]} | set(manifest["truth"])
    written = {n for n in files(sim) if n.startswith(("feeds/", "truth/"))}
    assert listed == written
    assert (sim / manifest["cameras"]).is_file()


def test_real_parsers_read_every_row(parsed):
    for feed, (rows, rejects) in parsed.items():
        assert [r for r in rejects if not r.is_duplicate] == [], feed
        assert len(rows) > 0, feed


def test_every_observation_names_a_true_event_or_is_a_false_positive(parsed, truth):
    known = set(truth["event_id"])
    for feed, (rows, _) in parsed.items():
        notes = rows["attributes"].str.extract(r'"notes": ?"([^"]*)"')[0]
        ids = notes.str.extract(r"event=([^;]+)")[0]
        assert (ids.notna() | notes.str.startswith("false_positive")).all(), feed
        assert set(ids.dropna()) <= known, feed


def test_rates_roughly_as_configured(parsed, truth):
    days = 2
    assert abs(len(truth) - RATE * days) < 5 * (RATE * days) ** 0.5
    patrol, _ = parsed["patrol"]
    seen = patrol["attributes"].str.extract(r"event=([^;\"]+)")[0].dropna().nunique()
    assert seen / len(truth) == pytest.approx(SENSORS[0].p_detect, abs=0.05)
    fire = truth["family"] == "violation"
    assert 0.5 < fire.mean() < 0.75  # exchanges of fire dominate
    hours = pd.to_datetime(truth.loc[fire, "started_at"]).dt.tz_convert("Europe/Kyiv").dt.hour
    night = hours.isin([22, 23, 0, 1, 2, 3, 4])
    day = hours.isin([10, 11, 12, 13, 14, 15, 16])
    assert night.sum() > 1.5 * day.sum()


def test_truth_is_near_the_line_on_both_sides_with_weapons_in_and_out_of_zones(truth):
    fire = truth[truth["family"] == "violation"]
    assert fire["distance_m"].median() < 5000
    assert set(truth["side"]) == {"occupied", "government"}
    assert set(truth["sector"]) >= {"North", "Centre", "South"}
    weapons = truth[truth["weapon_class"] != ""]
    assert (weapons["weapon_count"].astype(int) >= 1).all()
    half = {"artillery_100mm_plus": 25e3, "mlrs": 35e3, "heavy_mlrs_missile": 70e3}
    inside = weapons["distance_m"] <= weapons["weapon_class"].map(half).fillna(15e3)
    assert 0 < inside.mean() < 1


def test_firms_times_drop_leading_zeros_and_acled_is_coarse(sim):
    firms = "".join((sim / n).read_text() for f in read_manifest(sim)["feeds"] if f["name"] == "firms"
                    for n in f["files"])
    times = [line.split(",")[6] for line in firms.splitlines() if not line.startswith("latitude")]
    assert all(re.fullmatch(r"\d{1,4}", t) for t in times)
    acled = next(f for f in read_manifest(sim)["feeds"] if f["name"] == "acled")
    assert acled["files"] == ["feeds/acled/acled_2026-11-02.csv"]  # one weekly export for a two-day run
