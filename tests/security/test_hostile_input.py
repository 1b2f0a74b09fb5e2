"""Hostile input: injection strings in every text field of every feed format, broken files, impossible
coordinates and times, geometry bombs. Each ends in a clear error or a quarantined row with a reason,
text is stored verbatim (it is data, never SQL, HTML or a template), and nothing else in the database
changes. The corpus is tests/fixtures/hostile/strings.json; its size is part of the README's figure.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from linewatch.config import Feed
from linewatch.ingest import IngestError, ingest_file
from tests.conftest import ROOT, count, rows

HOSTILE = ROOT / "tests/fixtures/hostile"
STRINGS = json.loads((HOSTILE / "strings.json").read_text(encoding="utf-8"))
LAT, LON = 48.0123, 37.8456  # inside the sample mission area
INGEST_TABLES = ("observation", "rejected_row", "ingest_batch")


def write_csv(path: Path, header: list[str], records: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(records)
    return path


def tagged(i: int, text: str) -> str:
    """A unique id holding the hostile text, bracketed so that stripping whitespace cannot alter it."""
    return f"H{i:03d}|{text}|"


# Each format: a file of one row per hostile string (every free-text field set to it), the source_id
# each row must get, and the attributes that must hold the string verbatim.
def synthetic(tmp: Path):
    header = ["report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count", "uncertainty_m",
              "sensor", "reliability", "notes"]
    records = [[tagged(i, s), "2026-11-01T10:00:00Z", LAT, LON, "explosion", "", "", 100, s, "B", s]
               for i, s in enumerate(STRINGS)]
    return write_csv(tmp / "hostile_synthetic.csv", header, records), [tagged(i, s) for i, s in enumerate(STRINGS)], \
        ("sensor", "notes")


def firms(tmp: Path):
    header = ["latitude", "longitude", "bright_ti4", "scan", "track", "acq_date", "acq_time", "satellite",
              "instrument", "confidence", "version", "bright_ti5", "frp", "daynight"]
    records = [[f"{LAT + i * 1e-4:.5f}", LON, 330.1, 0.4, 0.4, "2026-11-01", "1012", tagged(i, s), "VIIRS", "n", s,
                290.5, 3.2, s] for i, s in enumerate(STRINGS)]
    ids = [f"{tagged(i, s)}:2026-11-01T1012:{LAT + i * 1e-4:.5f}:{LON:.5f}" for i, s in enumerate(STRINGS)]
    return write_csv(tmp / "hostile_firms.csv", header, records), ids, ("version", "daynight", "satellite")


def acled(tmp: Path):
    header = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
              "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
              "timestamp"]
    records = [[tagged(i, s), "2026-11-01", 2026, 1, s, "Armed clash", s, s, s, LAT, LON, 1, s, s, 0, 1762000000]
               for i, s in enumerate(STRINGS)]
    return write_csv(tmp / "hostile_acled.csv", header, records), [tagged(i, s) for i, s in enumerate(STRINGS)], \
        ("event_type", "actor1", "admin1", "location", "source", "notes")


def ucdp(tmp: Path):
    header = ["id", "year", "conflict_name", "side_a", "side_b", "source_article", "where_description", "adm_1",
              "latitude", "longitude", "where_prec", "date_prec", "date_start", "date_end", "type_of_violence", "best"]
    records = [[tagged(i, s), 2026, s, s, s, s, s, s, LAT, LON, 1, 1, "2026-11-01", "2026-11-01", 1, 2]
               for i, s in enumerate(STRINGS)]
    return write_csv(tmp / "hostile_ucdp.csv", header, records), [tagged(i, s) for i, s in enumerate(STRINGS)], \
        ("conflict_name", "side_a", "side_b", "source_article", "where_description", "adm_1")


def reports_csv(tmp: Path):
    header = ["report_id", "observed_at", "kind", "lon", "lat", "observer", "notes"]
    records = [[tagged(i, s), "2026-11-01T10:00:00Z", "uav_sighting", LON, LAT, s, s] for i, s in enumerate(STRINGS)]
    return write_csv(tmp / "hostile_reports.csv", header, records), [tagged(i, s) for i, s in enumerate(STRINGS)], \
        ("observer", "notes")


def reports_geojson(tmp: Path):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON, LAT]},
                 "properties": {"report_id": tagged(i, s), "observed_at": "2026-11-01T10:00:00Z",
                                "kind": "uav_sighting", "observer": s, "notes": s}}
                for i, s in enumerate(STRINGS)]
    path = tmp / "hostile_reports.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path, [tagged(i, s) for i, s in enumerate(STRINGS)], ("observer", "notes")


FORMATS = {"synthetic": synthetic, "firms": firms, "acled": acled, "ucdp": ucdp, "reports": reports_csv,
           "reports-geojson": reports_geojson}


def snapshot(engine, skip=INGEST_TABLES) -> dict:
    """Everything that must not change: the schema's objects and privileges, the roles, and the rows of
    every table a load does not write."""
    with engine.connect() as conn:
        catalog = conn.execute(sa.text(
            "SELECT md5(string_agg(relname::text || relkind::text || coalesce(relacl::text, ''), ',' ORDER BY relname)) "
            "FROM pg_class WHERE relnamespace = 'linewatch'::regnamespace")).scalar_one()
        roles = conn.execute(sa.text("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles")).scalar_one()
        tables = conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'linewatch'")).scalars()
        contents = {t: conn.execute(sa.text(f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
                                            f"FROM linewatch.{t} x")).scalar_one()
                    for t in tables if t not in skip}
    return {"catalog": catalog, "roles": roles, **contents}


@pytest.fixture
def canary(db):
    """A few rows in tables a load never writes, so that 'nothing else changed' has something to lose."""
    with db.begin() as conn:
        conn.execute(sa.text("INSERT INTO linewatch.sector (name, geom) VALUES ('Canary', "
                             "ST_Multi(ST_MakeEnvelope(37, 47, 38, 48, 4326)))"))
        conn.execute(sa.text("INSERT INTO linewatch.flag_run (day, rule, observations, flags) "
                             "VALUES ('2026-11-01', 'canary', 1, 1)"))
    return db


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_in_every_field_is_stored_verbatim_and_nothing_else_changes(canary, tmp_path, fmt):
    path, source_ids, fields = FORMATS[fmt](tmp_path)
    before = snapshot(canary)
    result = ingest_file(canary, path, f"hostile-{fmt}", fmt.removesuffix("-geojson"))
    assert result.status == "loaded"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (len(STRINGS), len(STRINGS), 0)
    stored = dict(rows(canary, "SELECT source_id, attributes FROM linewatch.observation"))
    assert set(stored) == set(source_ids)
    for i, (source_id, text) in enumerate(zip(source_ids, STRINGS, strict=True)):
        for field in fields:
            expected = tagged(i, text) if field == "satellite" else text
            assert stored[source_id][field] == expected, (fmt, field, text[:40])
    assert snapshot(canary) == before
    assert count(canary, "SELECT count(*) FROM linewatch.ingest_batch") == 1


def test_hostile_text_in_checked_fields_is_quarantined_verbatim_with_a_reason(canary, tmp_path):
    header = ["report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count", "uncertainty_m",
              "sensor", "reliability", "notes"]
    bad_field = ("kind", "weapon_class", "reliability", "observed_at", "lat", "lon")
    records = []
    for i, s in enumerate(STRINGS):
        record = [tagged(i, "x"), "2026-11-01T10:00:00Z", LAT, LON, "explosion", "", "", 100, "patrol", "B", ""]
        record[header.index(bad_field[i % len(bad_field)])] = s
        records.append(record)
    path = write_csv(tmp_path / "hostile_checked.csv", header, records)
    before = snapshot(canary)
    result = ingest_file(canary, path, "hostile", "synthetic")
    quarantined = rows(canary, "SELECT line_number, raw, reason FROM linewatch.rejected_row ORDER BY line_number")
    loaded = count(canary, "SELECT count(*) FROM linewatch.observation")
    assert result.rows_read == len(STRINGS) == len(quarantined)
    assert loaded == 0
    # The raw text, read back as CSV, is each row as written, field for field (embedded line breaks: below).
    single_line = [[str(v) for v in r] for r in records if not any("\n" in str(v) or "\r" in str(v) for v in r)]
    assert [r for r in (next(csv.reader(io.StringIO(raw, newline=""))) for _, raw, _ in quarantined)
            if r in single_line] == single_line
    for _, _, reason in quarantined:
        assert reason.split(":")[0] in (*header, "source_reliability")
    assert snapshot(canary) == before


@pytest.mark.parametrize("column", ["weapon_count", "uncertainty_m"])
def test_garbage_in_a_numeric_synthetic_field_is_quarantined(canary, tmp_path, column):
    header = ["report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count", "uncertainty_m",
              "sensor", "reliability", "notes"]
    record = ["G1", "2026-11-01T10:00:00Z", LAT, LON, "shelling", "mlrs", 2, 100, "patrol", "B", ""]
    record[header.index(column)] = "'; DROP TABLE linewatch.observation; --"
    result = ingest_file(canary, write_csv(tmp_path / "garbage.csv", header, [record]), "hostile", "synthetic")
    assert result.rows_rejected == 1
    assert rows(canary, "SELECT reason FROM linewatch.rejected_row")[0][0].startswith(f"{column}:")


def test_a_quarantined_row_with_a_line_break_keeps_its_raw_text_readable(canary, tmp_path):
    header = ["report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count", "uncertainty_m",
              "sensor", "reliability", "notes"]
    record = ["NL-1", "2026-11-01T10:00:00Z", LAT, LON, "line one\nline two", "", "", "100", "patrol", "B", "x"]
    ingest_file(canary, write_csv(tmp_path / "newline.csv", header, [record]), "hostile", "synthetic")
    raw = rows(canary, "SELECT raw FROM linewatch.rejected_row")[0][0]
    assert next(csv.reader(io.StringIO(raw, newline=""))) == [str(v) for v in record]


# --- broken files -------------------------------------------------------------------------------

BROKEN = {
    "empty.csv": "empty file",
    "header_only.csv": None,  # no rows: loads nothing, successfully
    "binary_nul.csv": "binary data",
    "random_bytes.csv": "binary data",
    "utf16.csv": "binary data",
    "wrong_header.csv": "header lacks required column",
    "duplicate_header.csv": "header repeats",
    # The rows before it load; from the open quote on, the rest of the file is one row of the wrong width.
    "unterminated_quote.csv": None,
    "truncated.geojson": "not a readable GeoJSON",
    "not_json.geojson": "not a readable GeoJSON",
    "polygon_without_crs.gpkg": "not a readable GeoJSON|declares no CRS",
}


def write_broken(folder: Path) -> None:
    """(Re)write the small broken files of the corpus; they are committed, this documents how they were made."""
    header = "report_id,observed_at,lat,lon,kind,weapon_class,weapon_count,uncertainty_m,sensor,reliability,notes\n"
    good = "B1,2026-11-01T10:00:00Z,48.0,37.8,explosion,,,100,patrol,B,\n"
    (folder / "empty.csv").write_bytes(b"")
    (folder / "header_only.csv").write_text(header)
    (folder / "binary_nul.csv").write_bytes(header.encode() + b"B1,\x00\x00\x00\x01\x02,48,37\n")
    (folder / "random_bytes.csv").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    (folder / "utf16.csv").write_bytes((header + good).encode("utf-16"))
    (folder / "wrong_header.csv").write_text("id,when,where\n1,2,3\n")
    (folder / "duplicate_header.csv").write_text(header.replace("\n", ",lat\n") + good)
    (folder / "unterminated_quote.csv").write_text(header + good + 'B2,"2026-11-01T10:00:00Z,48.0,37.8\n' + good)
    (folder / "truncated.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geo')
    (folder / "not_json.geojson").write_text("<html><body>502 Bad Gateway</body></html>")
    (folder / "polygon_without_crs.gpkg").write_bytes(b"SQLite format 3\x00" + bytes(200))


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_fails_with_a_clear_error_and_changes_nothing_else(canary, name):
    path = HOSTILE / name
    fmt = "reports" if path.suffix != ".csv" else "synthetic"
    before = snapshot(canary)
    expected = BROKEN[name]
    if expected is None:
        result = ingest_file(canary, path, "hostile", fmt)
        assert result.status == "loaded"
        assert result.rows_read == result.rows_loaded + result.rows_rejected
        assert count(canary, "SELECT count(*) FROM linewatch.rejected_row WHERE reason LIKE 'row: expected%'") == (
            result.rows_rejected)
    else:
        with pytest.raises(IngestError, match=expected):
            ingest_file(canary, path, "hostile", fmt)
        assert rows(canary, "SELECT status FROM linewatch.ingest_batch") == [("failed",)]
        assert count(canary, "SELECT count(*) FROM linewatch.observation") == 0
    assert snapshot(canary) == before


# --- impossible coordinates and times -----------------------------------------------------------

VALUES = {
    # (lat, lon, observed_at) -> the reason's start
    "NaN latitude": ("NaN", LON, None, "lat: not a number ('NaN')"),
    "inf latitude": ("inf", LON, None, "lat: missing or not a finite number"),
    "-inf longitude": (LAT, "-inf", None, "lon: missing or not a finite number"),
    "latitude 90.0001": (90.0001, LON, None, "lat: out of range"),
    "longitude -180.5": (LAT, -180.5, None, "lon: out of range"),
    "latitude 1e308": ("1e308", LON, None, "lat: out of range"),
    "latitude 1e309 (overflows)": ("1e309", LON, None, "lat: missing or not a finite number"),
    "hex latitude": ("0x30", LON, None, "lat: not a number"),
    "far future": (LAT, LON, "9999-12-31T23:59:59Z", "observed_at: in the future"),
    "year 10000": (LAT, LON, "10000-01-01T00:00:00Z", "observed_at: not an ISO-8601 timestamp"),
    "before 2014": (LAT, LON, "2013-12-31T23:59:59Z", "observed_at: before 2014-01-01"),
    "unix epoch": (LAT, LON, "1970-01-01T00:00:00Z", "observed_at: before 2014-01-01"),
    "negative year": (LAT, LON, "-0001-01-01T00:00:00Z", "observed_at: before 2014-01-01"),
    "month 13": (LAT, LON, "2026-13-01T00:00:00Z", "observed_at: not an ISO-8601 timestamp"),
}


def test_impossible_coordinates_and_times_are_quarantined_with_a_reason(canary, tmp_path):
    header = ["report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count", "uncertainty_m",
              "sensor", "reliability", "notes"]
    records = [[name, at or "2026-11-01T10:00:00Z", lat, lon, "explosion", "", "", 100, "patrol", "B", ""]
               for name, (lat, lon, at, _) in VALUES.items()]
    path = write_csv(tmp_path / "impossible.csv", header, records)
    before = snapshot(canary)
    result = ingest_file(canary, path, "hostile", "synthetic")
    assert result.rows_loaded == 0 and result.rows_rejected == len(VALUES)
    reasons = dict(rows(canary, "SELECT split_part(raw, ',', 1), reason FROM linewatch.rejected_row"))
    for name, (*_, reason) in VALUES.items():
        assert reasons[name].startswith(reason), (name, reasons[name])
    assert snapshot(canary) == before


def test_swapped_coordinates_outside_the_mission_area_are_quarantined(reference, tmp_path):
    header = ["report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count", "uncertainty_m",
              "sensor", "reliability", "notes"]
    path = write_csv(tmp_path / "swapped.csv", header,
                     [["SWAP-1", "2026-11-01T10:00:00Z", LON, LAT, "explosion", "", "", 100, "patrol", "B", ""]])
    result = ingest_file(reference, path, "hostile", "synthetic")
    assert result.rows_rejected == 1
    assert "outside the mission area" in rows(reference, "SELECT reason FROM linewatch.rejected_row")[0][0]


# --- path traversal in feed configuration -------------------------------------------------------

@pytest.mark.parametrize("configured", ["../../../../etc/passwd", "/etc/passwd",
                                        "sample_data/../../../../etc/{date}.csv", "{date.__class__}/x.csv",
                                        "{date:>99999}.csv"])
def test_a_feed_path_cannot_leave_the_allowed_roots(configured, tmp_path):
    feed = Feed(name="evil", format="synthetic", path=configured)
    with pytest.raises(ValueError):
        feed.path_for(date(2026, 11, 1), root=tmp_path)


def test_a_feed_path_inside_the_root_is_accepted(tmp_path):
    feed = Feed(name="patrol", format="synthetic", path="feeds/patrol_{date}.csv")
    assert feed.path_for(date(2026, 11, 1), root=tmp_path) == tmp_path / "feeds/patrol_2026-11-01.csv"


# --- bounded memory and time --------------------------------------------------------------------

PEAK_RSS = """
import resource, sys, pathlib
from linewatch.feeds import parser_for
path = pathlib.Path(sys.argv[1])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcome = "read"
try:
    for frame in parser_for("synthetic")(path, 1000):
        pass
except Exception as exc:
    outcome = type(exc).__name__ + ": " + str(exc)[:200]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)
print(outcome)
"""


def peak_rss_mb(path: Path) -> tuple[float, str]:
    """Extra peak RSS (MB) of parsing `path` in a fresh process, and how the parse ended."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, str(path)], capture_output=True, text=True,
                          timeout=600, check=True)
    extra_kb, outcome = done.stdout.splitlines()[-2:]
    return int(extra_kb) / 1024, outcome


def long_line_file(path: Path, megabytes: int, quoted: bool) -> Path:
    """A header, then one line of `megabytes` MB without a newline, streamed to disk 1 MB at a time."""
    block = (b'"' if quoted else b"") + b"A" * (1 << 20)
    with path.open("wb") as fh:
        fh.write(b"report_id,observed_at,lat,lon,kind,weapon_class,weapon_count,uncertainty_m,sensor,reliability,"
                 b"notes\n")
        for _ in range(megabytes):
            fh.write(block)
            block = b"A" * (1 << 20)
    return path


@pytest.mark.parametrize("quoted", [pytest.param(False, id="plain"), pytest.param(True, id="quoted")])
def test_a_huge_line_is_refused_in_bounded_memory(tmp_path, quoted):
    path = long_line_file(tmp_path / "long_line.csv", 256, quoted)
    extra_mb, outcome = peak_rss_mb(path)
    print(f"peak RSS over baseline: {extra_mb:.0f} MB; {outcome}")
    assert "FeedFileError" in outcome
    assert extra_mb < 64


def polygon_bomb(path: Path, vertices: int, self_intersecting: bool) -> Path:
    """A sector polygon of `vertices` vertices round the sample front; a zig-zag across itself if asked."""
    ring = [[round(37.8 + 0.5 * math.cos(2 * math.pi * i / vertices), 7),
             round(48.0 + 0.5 * math.sin(2 * math.pi * i / vertices), 7)] for i in range(vertices)]
    if self_intersecting:  # swap every other pair of neighbours: each swap makes two edges cross
        for i in range(0, vertices - 1, 4):
            ring[i], ring[i + 1] = ring[i + 1], ring[i]
    ring.append(ring[0])
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                                "features": [{"type": "Feature", "properties": {"name": "Bomb"},
                                              "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    return path


LOAD_LAYER = """
import resource, sys, time, pathlib, json
import sqlalchemy as sa
from linewatch.db import make_engine
from linewatch.reference import load_layer
engine = make_engine(sys.argv[2])
started = time.perf_counter()
try:
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL statement_timeout = '120s'"))
        result = load_layer(conn, "sector", pathlib.Path(sys.argv[1]))
    outcome = {"loaded": result.loaded, "skipped": result.skipped, "repaired": result.repaired}
except Exception as exc:
    outcome = {"error": type(exc).__name__ + ": " + str(exc)[:300]}
outcome["seconds"] = time.perf_counter() - started
outcome["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(outcome))
"""


@pytest.mark.parametrize("vertices,self_intersecting", [(1_000_000, False), (100_000, True)],
                         ids=["1M vertices", "100k vertices, 25k self-intersections"])
def test_a_geometry_bomb_loads_repaired_or_fails_in_bounded_time_and_memory(canary, tmp_path, vertices,
                                                                            self_intersecting):
    from tests.conftest import TEST_URL

    path = polygon_bomb(tmp_path / "bomb.geojson", vertices, self_intersecting)
    before = snapshot(canary, skip=("sector",))
    sectors = count(canary, "SELECT count(*) FROM linewatch.sector")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LOAD_LAYER, str(path), TEST_URL.render_as_string(hide_password=False)],
                          capture_output=True, text=True, timeout=600, check=True)
    outcome = json.loads(done.stdout.splitlines()[-1])
    print(textwrap.shorten(json.dumps(outcome), 400))
    assert time.perf_counter() - started < 120
    assert outcome["peak_rss_mb"] < 2048
    if "error" in outcome:  # refused: nothing of it stored
        assert count(canary, "SELECT count(*) FROM linewatch.sector") == sectors
    else:
        assert outcome["loaded"] == 1
        assert bool(outcome["repaired"]) == self_intersecting  # an invalid polygon is repaired and says so
        assert count(canary, "SELECT bool_and(ST_IsValid(geom)) FROM linewatch.sector")
    assert snapshot(canary, skip=("sector",)) == before
