"""End-to-end ingest of a FIRMS file against a raw binary COPY of the same rows, in the same run.

Ingest: `linewatch.ingest.ingest_file(engine, path, "firms-bench", "firms")` into the migrated schema
(observation with its unique constraint, btree and GiST indexes and foreign key, WAL-logged), starting
from an empty observation table: parse, validate, COPY into staging, merge, batch bookkeeping, commit.

Baseline: the same rows, already parsed and validated (untimed), written with psycopg 3 binary COPY
(FORMAT BINARY) into an UNLOGGED table with no indexes or constraints. Its columns are those observation
stores for a row: the canonical columns (nulls included) with the point as a PostGIS geometry (EWKB),
plus feed and batch_id. The COPY stream is built by `linewatch.ingest.binary_copy_rows` (fixed-width
fields as one numpy record per row, joined with the text/jsonb/EWKB values in one bytes.join), 100k rows
at a time, and handed to psycopg's QueuedLibpqWriter, whose thread sends chunk N while chunk N+1 is
encoded. Not `copy.write_row` with `set_types`: ~1 µs per field in a Python-level loop (~15 s for 1M
rows of 15 columns) would make the client, not the server, the thing measured. Timed: encoding, COPY,
commit.

The ratio is ingest rows/s over baseline rows/s, each measured in its own child process (so peak RSS
is per measurement); the target is >= 0.5 at 1M rows, and about the same at 100k (cost linear in rows).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import sqlalchemy as sa

from benchmarks.common import data_path, fresh_database, in_child, make_engine, report, timed

SEED = 20261101
FEED = "firms-bench"
HEADER = ("latitude", "longitude", "bright_ti4", "scan", "track", "acq_date", "acq_time", "satellite",
          "instrument", "confidence", "version", "bright_ti5", "frp", "daynight")


# --- the feed file -------------------------------------------------------------------------------

def firms_file(rows: int) -> str:
    """A FIRMS VIIRS NRT file of `rows` unique detections along the front, made once per size."""
    path = data_path(f"firms_viirs_{rows}_seed{SEED}.csv")
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        _firms_frame(rows).to_csv(tmp, index=False, lineterminator="\n")
        tmp.rename(path)
    return str(path)


def _firms_frame(rows: int) -> pd.DataFrame:
    """Detections from Suomi NPP, NOAA-20 and NOAA-21 passes on 1-2 Nov 2026, lon 32-40, lat 46-50.

    Points cluster along a band that runs like the front (south-west to north-east); each satellite
    passes twice a day (night ~00:10-00:50 UTC, day ~10:30-11:10 UTC), so acq_time takes a few dozen
    values, written without leading zeros on a third of the rows as FIRMS does ("33" is 00:33).
    """
    rng = np.random.default_rng(SEED)
    n = rows + rows // 100 + 10  # a little spare: the rare repeated (satellite, minute, position) is dropped
    lon = rng.uniform(32.0, 40.0, n)
    lat = np.clip(46.6 + (lon - 32.0) * 0.3 + rng.normal(0.0, 0.45, n), 46.0, 50.0)
    day = rng.integers(0, 2, n)
    satellite = np.array(["N", "N20", "N21"])[rng.integers(0, 3, n)]
    daytime = rng.random(n) < 0.6
    minute = np.where(daytime, rng.integers(630, 670, n), rng.integers(10, 50, n))
    hhmm = minute // 60 * 100 + minute % 60
    scan = rng.uniform(0.32, 0.80, n)
    frame = pd.DataFrame({
        "latitude": lat.round(5),
        "longitude": lon.round(5),
        "bright_ti4": rng.uniform(295.0, 367.0, n).round(2),
        "scan": scan.round(2),
        "track": (scan * rng.uniform(0.75, 1.0, n)).round(2),
        "acq_date": np.where(day == 0, "2026-11-01", "2026-11-02"),
        "_hhmm": hhmm,
        "acq_time": np.where(rng.random(n) < 1 / 3, hhmm.astype(str), np.char.zfill(hhmm.astype(str), 4)),
        "satellite": satellite,
        "instrument": "VIIRS",
        "confidence": np.array(["l", "n", "n", "n", "h"])[rng.integers(0, 5, n)],
        "version": "2.0NRT",
        "bright_ti5": rng.uniform(265.0, 310.0, n).round(2),
        "frp": rng.gamma(1.5, 4.0, n).round(2),
        "daynight": np.where(daytime, "D", "N"),
    })
    frame = frame.drop_duplicates(["satellite", "acq_date", "_hhmm", "latitude", "longitude"]).head(rows)
    frame = frame.sort_values(["acq_date", "_hhmm", "satellite"], kind="stable")
    return frame[list(HEADER)]


# --- the baseline: binary COPY of the parsed rows -----------------------------------------------

BASELINE_TABLE = """
CREATE UNLOGGED TABLE copy_baseline (
    feed text, source_id text, observed_at timestamptz, reported_at timestamptz, geom geometry(Point, 4326),
    uncertainty_m double precision, time_precision_s integer, kind text, weapon_class text,
    weapon_count integer, bearing_deg double precision, source_reliability text, confidence double precision,
    attributes jsonb, batch_id bigint)
"""


def _parsed_rows(path: str) -> pd.DataFrame:
    from pathlib import Path

    from linewatch.feeds import parser_for
    from linewatch.observation import validate

    frames = [validate(chunk)[0] for chunk in parser_for("firms")(Path(path), 100_000)]
    return pd.concat(frames, ignore_index=True)


def _ewkb_points(lon: np.ndarray, lat: np.ndarray) -> list[bytes]:
    """Little-endian EWKB points with SRID 4326, what geometry's binary input (geometry_recv) reads."""
    points = np.zeros(len(lon), dtype=[("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")])
    points["order"], points["type"], points["srid"], points["x"], points["y"] = 1, 0x20000001, 4326, lon, lat
    return points.view(np.dtype((np.void, points.dtype.itemsize))).tolist()


def _baseline_payload(rows: pd.DataFrame) -> bytes:
    from linewatch.ingest import binary_copy_rows

    n = len(rows)
    return binary_copy_rows([
        ("text", [FEED] * n), ("text", rows["source_id"]), ("timestamptz", rows["observed_at"]),
        ("timestamptz", rows["reported_at"]), ("bytea", _ewkb_points(rows["lon"].to_numpy(), rows["lat"].to_numpy())),
        ("float8", rows["uncertainty_m"]), ("int4", rows["time_precision_s"]), ("text", rows["kind"]),
        ("text", rows["weapon_class"]), ("int4", rows["weapon_count"]), ("float8", rows["bearing_deg"]),
        ("text", rows["source_reliability"]), ("float8", rows["confidence"]), ("jsonb", rows["attributes"]),
        ("int8", np.ones(n, dtype=np.int64)),
    ])


def measure_copy(url: str, path: str, chunk_rows: int = 100_000) -> dict:
    from psycopg.copy import QueuedLibpqWriter

    from linewatch.ingest import PGCOPY_HEADER, PGCOPY_TRAILER

    rows = _parsed_rows(path)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS copy_baseline"))
        conn.execute(sa.text(BASELINE_TABLE))
        conn.execute(sa.text("CHECKPOINT"))
    with timed() as t, engine.begin() as conn:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(
                "COPY copy_baseline FROM STDIN (FORMAT BINARY)", writer=QueuedLibpqWriter(cur)) as copy:
            copy.write(PGCOPY_HEADER)
            for start in range(0, len(rows), chunk_rows):
                copy.write(_baseline_payload(rows.iloc[start:start + chunk_rows]))
            copy.write(PGCOPY_TRAILER)
    with engine.begin() as conn:
        copied = conn.execute(sa.text("SELECT count(*) FROM copy_baseline")).scalar_one()
        conn.execute(sa.text("DROP TABLE copy_baseline"))
    engine.dispose()
    assert copied == len(rows), (copied, len(rows))
    return {"rows": len(rows), "seconds": t.seconds}


# --- the ingest ----------------------------------------------------------------------------------

def measure_ingest(url: str, path: str) -> dict:
    from pathlib import Path

    from linewatch.ingest import ingest_file

    logging.basicConfig(level=logging.INFO, format="    %(name)s: %(message)s")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE linewatch.rejected_row, linewatch.observation, linewatch.ingest_batch "
                             "RESTART IDENTITY CASCADE"))
        conn.execute(sa.text("CHECKPOINT"))
    with timed() as t:
        result = ingest_file(engine, Path(path), FEED, "firms")
    engine.dispose()
    assert result.status == "loaded" and result.rows_loaded == result.rows_read, result
    return {"rows": result.rows_loaded, "seconds": t.seconds}


def main() -> None:
    url = fresh_database()
    for rows, label in ((1_000_000, "1m"), (100_000, "100k")):
        path = firms_file(rows)
        # The baseline before and after the ingest, keeping the faster: on a shared machine, the stricter one.
        before, _ = in_child(measure_copy, url, path)
        ingest, ingest_rss = in_child(measure_ingest, url, path)
        after, _ = in_child(measure_copy, url, path)
        copy_rate = max(c["rows"] / c["seconds"] for c in (before, after))
        ingest_rate = ingest["rows"] / ingest["seconds"]
        report(f"copy_rows_per_s_{label}", copy_rate)
        report(f"ingest_rows_per_s_{label}", ingest_rate)
        report(f"ingest_copy_ratio_{label}", ingest_rate / copy_rate)
        report(f"ingest_peak_rss_mib_{label}", ingest_rss)
