"""The canonical observation's validation rules and the synthetic feed parser, on rows written here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from linewatch.feeds import parser_for
from linewatch.feeds.csvfile import FeedFileError
from linewatch.observation import validate

HEADER = "report_id,observed_at,lat,lon,kind,weapon_class,weapon_count,uncertainty_m,sensor,reliability,notes\n"
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def parse_rows(tmp_path: Path, body: str, encoding: str = "utf-8"):
    path = tmp_path / "feed.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    goods, rejects = [], []
    for frame in parser_for("synthetic")(path, 1000):
        good, bad = validate(frame, now=NOW)
        goods.append(good)
        rejects.extend(bad)
    return goods[0] if goods else None, rejects


@pytest.mark.parametrize("row, reason", [
    ("a,2026-11-01T10:00:00Z,91,37.7,explosion,,,50,patrol,B,x", "lat: out of range -90..90 (91.0)"),
    ("a,2026-11-01T10:00:00Z,48,180.5,explosion,,,50,patrol,B,x", "lon: out of range -180..180 (180.5)"),
    ("a,2026-11-01T10:00:00Z,nan,37.7,explosion,,,50,patrol,B,x", "lat: not a number ('nan')"),
    ("a,2026-11-01T10:00:00Z,48,inf,explosion,,,50,patrol,B,x", "lon: missing or not a finite number"),
    ("a,2026-11-01T10:00:00Z,4x8,37.7,explosion,,,50,patrol,B,x", "lat: not a number ('4x8')"),
    ("a,2026-02-30T10:00:00Z,48,37.7,explosion,,,50,patrol,B,x",
     "observed_at: not an ISO-8601 timestamp ('2026-02-30T10:00:00Z')"),
    ("a,,48,37.7,explosion,,,50,patrol,B,x", "observed_at: missing or not a timestamp"),
    ("a,2013-12-31T23:59:59Z,48,37.7,explosion,,,50,patrol,B,x",
     "observed_at: before 2014-01-01 (2013-12-31 23:59:59+00:00)"),
    ("a,2027-06-01T00:00:00Z,48,37.7,explosion,,,50,patrol,B,x",
     "observed_at: in the future (2027-06-01 00:00:00+00:00)"),
    (",2026-11-01T10:00:00Z,48,37.7,explosion,,,50,patrol,B,x", "source_id: missing"),
    ("a,2026-11-01T10:00:00Z,48,37.7,,,,50,patrol,B,x", "kind: missing"),
    ("a,2026-11-01T10:00:00Z,48,37.7,teleport,,,50,patrol,B,x", "kind: unknown kind 'teleport'"),
    ("a,2026-11-01T10:00:00Z,48,37.7,heavy_weapon_sighting,catapult,1,50,patrol,B,x",
     "weapon_class: unknown class 'catapult'"),
    ("a,2026-11-01T10:00:00Z,48,37.7,heavy_weapon_sighting,tank,0,50,patrol,B,x", "weapon_count: must be 1 or more"),
    ("a,2026-11-01T10:00:00Z,48,37.7,explosion,,,-5,patrol,B,x", "uncertainty_m: must be a number >= 0"),
    ("a,2026-11-01T10:00:00Z,48,37.7,explosion,,,50,patrol,Z,x", "source_reliability: must be one of A-F"),
    ("a,2026-11-01T10:00:00Z,48,37.7", "row: expected 11 fields, found 4"),
])
def test_each_bad_row_is_rejected_with_a_precise_reason(tmp_path, row, reason):
    good, rejects = parse_rows(tmp_path, row + "\n")
    assert len(good) == 0
    assert [(r.line_number, r.reason) for r in rejects] == [(2, reason)]
    assert rejects[0].raw == row


def test_valid_rows_are_typed_and_normalised_to_utc(tmp_path):
    good, rejects = parse_rows(tmp_path, (
        "a1,2026-11-01T10:00:00+02:00,48.1,37.7,heavy_weapon_sighting,tank,3,50,camera,B,\"two, tracked\"\n"
        "a2,2026-11-01 10:00:00,48.2,37.8,explosion,,,,acoustic,,Авдіївка\n"))
    assert rejects == []
    assert list(good["source_id"]) == ["a1", "a2"]
    assert list(good["observed_at"]) == [datetime(2026, 11, 1, 8, tzinfo=UTC), datetime(2026, 11, 1, 10, tzinfo=UTC)]
    assert good["weapon_count"].iloc[0] == 3 and pd.isna(good["weapon_count"].iloc[1])
    assert good["uncertainty_m"].tolist() == [50.0, 0.0]
    assert '"notes": "two, tracked"' in good["attributes"].iloc[0]
    assert "Авдіївка" in good["attributes"].iloc[1]


def test_cp1252_file_is_read(tmp_path):
    good, rejects = parse_rows(tmp_path, "a1,2026-11-01T10:00:00Z,48.1,37.7,explosion,,,50,patrol,B,café\n",
                               encoding="cp1252")
    assert rejects == [] and "café" in good["attributes"].iloc[0]


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary", "binary data"),
    (b"id,when\n1,2\n", "header lacks required column"),
])
def test_unreadable_files_fail_as_a_whole(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FeedFileError, match=message):
        list(parser_for("synthetic")(path, 1000))


def test_unknown_format_is_named():
    with pytest.raises(ValueError, match="unknown feed format 'nope'"):
        parser_for("nope")

