"""Golden-file tests of the FIRMS parser on hand-written files in the real FIRMS formats."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from linewatch.feeds import firms, parser_for
from linewatch.feeds.csvfile import FeedFileError
from tests.feedfiles import parse_and_validate, utc

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)


def load(name: str, chunk_rows: int = 4):
    return parse_and_validate(firms.parse, FIXTURES / name, chunk_rows, NOW)



def test_registered():
    assert parser_for("firms") is firms.parse


def test_viirs_awkward_but_valid_rows():
    rows, _, _ = load("firms_viirs_snpp_nrt.csv")
    first = rows.loc[2]
    assert first["source_id"] == "N:2024-03-15T0033:48.13940:37.74970"
    assert first["observed_at"] == utc("2024-03-15 00:33")  # acq_time "33"
    assert (first["lat"], first["lon"]) == (48.1394, 37.7497)
    assert first["kind"] == "fire_hotspot"
    assert first["confidence"] == 0.6
    assert first["time_precision_s"] == 60
    assert first["uncertainty_m"] == pytest.approx(1000 * (0.39**2 + 0.36**2) ** 0.5 / 2)
    assert json.loads(first["attributes"]) == {
        "bright_ti4": "333.61", "scan": "0.39", "track": "0.36", "satellite": "N", "instrument": "VIIRS",
        "confidence": "n", "version": "2.0NRT", "bright_ti5": "285.64", "frp": "5.28", "daynight": "N"}
    assert rows.loc[4, "observed_at"] == utc("2024-03-15 00:05")  # acq_time "5"
    assert rows.loc[4, "confidence"] == 0.3
    assert rows.loc[5, "observed_at"] == utc("2024-03-15 10:42")
    assert rows.loc[14, "observed_at"] == utc("2024-03-15 00:00")  # "0000"
    assert rows.loc[14, "confidence"] == 0.6  # "nominal", the spelled-out class
    assert rows.loc[14, "uncertainty_m"] == pytest.approx(375 * 2**0.5 / 2)  # blank scan/track: nadir pixel
    assert rows.loc[18, "source_id"] == "N:2024-03-05T1200:48.70000:38.20000"  # acq_date "2024-3-5"


def test_same_fire_seen_by_two_satellites_is_two_observations():
    rows, _, _ = load("firms_viirs_snpp_nrt.csv")
    assert rows.loc[3, "source_id"] == "N20:2024-03-15T0033:48.13940:37.74970"
    assert rows.loc[3, "confidence"] == 0.9
    assert rows["source_id"].is_unique


def test_viirs_bad_rows_are_rejected_with_exact_reasons():
    rows, rejects, read = load("firms_viirs_snpp_nrt.csv")
    assert rejects == {
        6: "acq_time: not HHMM ('2a15')",
        7: "acq_time: not HHMM ('2460')",
        8: "latitude: not a number ('abc')",
        9: "confidence: not l, n or h (VIIRS) ('x')",
        10: "acq_date: not a YYYY-MM-DD date ('2024/03/15')",
        12: "row: expected 14 fields, found 13",
        13: "lat: out of range -90..90 (91.5)",
        15: "satellite: missing",
        16: "instrument: not VIIRS or MODIS ('OLI')",
        17: "observed_at: in the future (2030-03-15 10:42:00+00:00)",
    }
    assert len(rows) + len(rejects) == read == 16  # the blank line 11 is not a row


def test_modis_archive_with_type_column_and_crlf():
    rows, rejects, _ = load("firms_modis_archive.csv")
    assert rows.loc[2, "source_id"] == "Terra:2024-03-15T0807:47.60620:35.24210"
    assert rows.loc[2, "observed_at"] == utc("2024-03-15 08:07")
    assert rows.loc[2, "confidence"] == 0.72
    assert rows.loc[2, "uncertainty_m"] == pytest.approx(1000 * (1.1**2 + 1.0**2) ** 0.5 / 2)
    assert json.loads(rows.loc[2, "attributes"])["type"] == "0"
    assert json.loads(rows.loc[2, "attributes"])["brightness"] == "318.4"
    assert rows.loc[3, "confidence"] == 1.0
    assert rows.loc[3, "uncertainty_m"] == pytest.approx(2600.0)  # a 4.8 x 2.0 km pixel at the swath edge
    assert pd.isna(rows.loc[5, "confidence"])  # blank confidence: unknown, not an error
    assert rejects == {4: "confidence: not 0-100 (MODIS) ('150')", 6: "scan: not a pixel size in km ('-1')"}


def test_country_download_tells_viirs_by_instrument_not_header():
    # VIIRS rows under MODIS column names (brightness, bright_t31), UTF-8 with BOM, CRLF.
    rows, rejects, _ = load("firms_viirs_country.csv")
    assert rejects == {}
    assert rows.loc[2, "confidence"] == 0.9  # 'h' is a VIIRS class, not a MODIS percentage
    assert rows.loc[3, "confidence"] == 0.3  # instrument written 'viirs'
    assert rows.loc[3, "uncertainty_m"] == pytest.approx(375 * 2**0.5 / 2)
    assert json.loads(rows.loc[2, "attributes"])["country_id"] == "UKR"


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"latitude,longitude\x00\x01\x02", "binary data"),
    (b"latitude,longitude,acq_date,acq_time,satellite,confidence\n1,2,2024-03-15,33,N,n\n",
     r"lacks required column\(s\) instrument"),
    (b"latitude,longitude,latitude,acq_date,acq_time,satellite,instrument,confidence\n", r"repeats column\(s\) 'latitude'"),
])
def test_unreadable_files_fail_as_a_whole(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FeedFileError, match=message):
        list(firms.parse(path))
