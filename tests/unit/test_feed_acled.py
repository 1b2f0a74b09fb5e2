"""Golden-file tests of the ACLED parser on hand-written files in ACLED's export format."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from linewatch.feeds import acled, parser_for
from linewatch.feeds.csvfile import FeedFileError
from tests.feedfiles import parse_and_validate, utc

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
DAY = 86_400


def load(name: str, chunk_rows: int = 3):
    return parse_and_validate(acled.parse, FIXTURES / name, chunk_rows, NOW)



def test_registered():
    assert parser_for("acled") is acled.parse


def test_iso_date_shelling_in_utf8():
    rows, _, _ = load("acled_ukraine.csv")
    row = rows.loc[2]
    assert row["source_id"] == "UKR150001"
    assert row["observed_at"] == utc("2024-03-15")
    assert row["reported_at"] == utc("2024-03-20")  # timestamp 1710892800
    assert (row["lat"], row["lon"]) == (48.1394, 37.7497)
    assert row["kind"] == "shelling"
    assert row["uncertainty_m"] == 2_000  # geo_precision 1
    assert row["time_precision_s"] == DAY  # time_precision 1
    attributes = json.loads(row["attributes"])
    assert attributes["acled_timestamp"] == 1710892800
    assert attributes["location"] == "Авдіївка"
    assert attributes["notes"] == ('On 15 March 2024, Russian forces shelled Avdiivka (Donetsk); '
                                   '2 houses were "heavily" damaged.')
    assert attributes["actor1"] == "Military Forces of Russia (2000-)"
    assert attributes["fatalities"] == "0"
    assert {"event_id_cnty", "latitude", "longitude", "timestamp"}.isdisjoint(attributes)


def test_other_date_forms_and_precisions():
    rows, _, _ = load("acled_ukraine.csv")
    assert rows.loc[3, "observed_at"] == utc("2024-03-15")  # 15/03/2024
    assert rows.loc[3, "kind"] == "explosion"  # Air/drone strike
    assert rows.loc[4, "observed_at"] == utc("2024-03-15")  # 15 March 2024
    assert rows.loc[4, "kind"] == "small_arms_fire"  # Armed clash
    assert rows.loc[4, "uncertainty_m"] == 25_000  # geo_precision 2
    assert rows.loc[4, "time_precision_s"] == 7 * DAY  # time_precision 2
    assert rows.loc[14, "kind"] == "infrastructure_damage"
    assert rows.loc[14, "uncertainty_m"] == 100_000  # geo_precision 3
    assert rows.loc[14, "time_precision_s"] == 31 * DAY  # time_precision 3


def test_hostile_free_text_is_stored_verbatim():
    rows, _, _ = load("acled_ukraine.csv")
    assert json.loads(rows.loc[6, "attributes"])["notes"] == (
        "A Russian drone dropped an explosive on a civilian car in Kherson.\n"
        "The driver was injured; notes go on over two lines.")
    assert rows.loc[6, "kind"] == "civilian_harm"
    assert json.loads(rows.loc[14, "attributes"])["notes"] == (
        "Occupation forces seized homes; note quotes <script>alert('x')</script> and "
        "'); DROP TABLE observation;-- verbatim")


def test_newest_revision_of_an_event_wins_within_the_file():
    rows, rejects, _ = load("acled_ukraine.csv")
    assert json.loads(rows.loc[9, "attributes"])["notes"] == "Revised: 42 shells."
    assert rows.loc[9, "reported_at"] == utc("2024-03-22")
    assert rejects[7] == "superseded by a newer revision (timestamp 1711065600) at line 9"
    assert rejects[15] == "duplicate of line 4 (same revision, timestamp 1710979200)"
    assert rows["source_id"].is_unique


def test_bad_rows_are_rejected_with_exact_reasons():
    rows, rejects, read = load("acled_ukraine.csv")
    assert rejects == {
        7: "superseded by a newer revision (timestamp 1711065600) at line 9",
        8: "sub_event_type: not a monitored event type ('Peaceful protest')",
        10: "event_date: not YYYY-MM-DD, DD/MM/YYYY or 'D Month YYYY' ('2024/03/16')",
        11: "event_date: no such date ('31/02/2024')",
        12: "timestamp: not unix seconds ('abc')",
        13: "geo_precision: not 1, 2 or 3 ('4')",
        15: "duplicate of line 4 (same revision, timestamp 1710979200)",
        16: "row: expected 31 fields, found 19",
    }
    assert len(rows) + len(rejects) == read == 14


def test_month_first_dates_make_day_month_dates_ambiguous():
    rows, rejects, _ = load("acled_month_first.csv")
    assert rejects == {
        2: "event_date: month first, not DD/MM/YYYY ('03/15/2024')",
        3: "event_date: ambiguous day/month order (line 2 of this file is month-first) ('03/04/2024')",
    }
    assert rows.loc[4, "observed_at"] == utc("2024-03-04")
    assert rows.loc[5, "observed_at"] == utc("2024-04-13")  # 13/04/2024 reads one way only


def test_cp1252_minimal_header_assumes_coarsest_precision():
    rows, rejects, _ = load("acled_cp1252.csv")
    assert rejects == {}
    row = rows.loc[2]
    assert json.loads(row["attributes"])["notes"] == "Drone hit a café near the port – windows broken"
    assert row["observed_at"] == utc("2024-03-18")
    assert row["uncertainty_m"] == 100_000  # no geo_precision column
    assert row["time_precision_s"] == 31 * DAY  # no time_precision column


def test_utf8_with_bom():
    rows, rejects, _ = load("acled_utf8_bom.csv")
    assert rejects == {}
    assert rows.loc[2, "source_id"] == "UKR160002"  # the BOM is not part of the first column's name
    assert json.loads(rows.loc[2, "attributes"])["location"] == "Авдіївка"


def test_header_without_required_columns_fails_as_a_whole(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_text("event_id_cnty,event_date,latitude,longitude\nUKR1,2024-03-15,48,37\n")
    with pytest.raises(FeedFileError, match="event_type, sub_event_type, timestamp"):
        list(acled.parse(path))
