"""Golden-file tests of the UCDP GED parser on a hand-written file in the GED CSV format."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from linewatch.feeds import parser_for, ucdp
from tests.feedfiles import parse_and_validate, utc

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
DAY = 86_400


def load(name: str, chunk_rows: int = 5):
    return parse_and_validate(ucdp.parse, FIXTURES / name, chunk_rows, NOW)



def test_registered():
    assert parser_for("ucdp") is ucdp.parse


def test_exact_state_based_event():
    rows, _, _ = load("ucdp_ged.csv")
    row = rows.loc[2]
    assert row["source_id"] == "455001"
    assert row["observed_at"] == utc("2023-05-01")  # "2023-05-01 00:00:00.000", as GED writes it
    assert pd.isna(row["reported_at"])
    assert (row["lat"], row["lon"]) == (48.5956, 38.0003)
    assert row["kind"] == "small_arms_fire"
    assert row["uncertainty_m"] == 1_000  # where_prec 1
    assert row["time_precision_s"] == DAY  # date_prec 1, one day
    attributes = json.loads(row["attributes"])
    assert attributes["where_description"] == "Бахмут, біля заводу"
    assert attributes["source_article"] == '"Ukrinform,2023-05-01,""Shelling in Bakhmut"""; "Kyiv Independent,2023-05-02"'
    assert attributes["best"] == "2"
    assert attributes["date_end"] == "2023-05-01 00:00:00.000"
    assert {"id", "latitude", "longitude", "geom_wkt"}.isdisjoint(attributes)


def test_time_precision_is_the_wider_of_date_prec_and_the_date_span():
    rows, _, _ = load("ucdp_ged.csv")
    assert rows.loc[3, "time_precision_s"] == 6 * DAY  # date_prec 2 (2-6 days) over a 3-day span
    assert rows.loc[4, "time_precision_s"] == 3 * DAY  # date_prec 1, yet 6-8 May: three days
    assert rows.loc[6, "time_precision_s"] == 366 * DAY  # date_prec 5: the year


def test_kinds_and_location_precision():
    rows, _, _ = load("ucdp_ged.csv")
    assert rows.loc[3, "uncertainty_m"] == 25_000  # where_prec 2
    assert rows.loc[5, "kind"] == "civilian_harm"  # one-sided violence
    assert rows.loc[5, "uncertainty_m"] == 50_000  # where_prec 3, the district
    assert rows.loc[6, "kind"] == "small_arms_fire"  # non-state conflict
    assert rows.loc[6, "uncertainty_m"] == 500_000  # where_prec 6, the country


def test_bad_rows_are_rejected_with_exact_reasons():
    rows, rejects, read = load("ucdp_ged.csv")
    assert rejects == {
        7: "type_of_violence: not one of 1, 2, 3 ('4')",
        8: "date_end: before date_start ('2023-05-11')",
        9: "where_prec: not one of 1, 2, 3, 4, 5, 6, 7 ('9')",
        10: "date_start: not a date ('12.05.2023')",
        11: "best: not a number of deaths ('many')",
        12: "observed_at: before 2014-01-01 (1989-01-01 00:00:00+00:00)",
        13: "latitude: not a number ('48,59')",
    }
    assert len(rows) + len(rejects) == read == 12
