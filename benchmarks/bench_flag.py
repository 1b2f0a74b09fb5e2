"""Flagging and clustering one day against a long line, in ratios to baselines measured in the same run.

Issue targets: (a) full flagging (all rules) / a plain count(*) scan of that day's observations <= 10;
(b) clustering / building a GiST index on the same points <= 3; (c) 100k and 1M rows, to show growth.

The day's observations are COPYed straight into `observation` (this measures the rules, not ingest):
points scattered along a 1,000+ km line with 1,000+ vertices, exponentially distributed offsets either
side, the kinds in sample-like proportions and a tenth heavy weapons of withdrawn classes.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import numpy as np
import sqlalchemy as sa

from benchmarks.common import fresh_database, make_engine, report, timed

DAY = date(2026, 6, 2)
DAY_START = datetime(2026, 6, 1, 21, 0, tzinfo=UTC)  # local midnight in Kyiv (EEST)
KINDS = ("explosion", "shelling", "small_arms_fire", "heavy_weapon_sighting", "uav_sighting", "troop_movement")
KIND_SHARE = (0.35, 0.20, 0.25, 0.10, 0.05, 0.05)
WEAPONS = ("tank", "mlrs", "artillery_100mm_plus", "heavy_mlrs_missile")


def long_front(rng):
    """A line of occupation of about 1,080 km with about 1,300 vertices, and its occupied side."""
    from shapely import Polygon

    from linewatch.sample import LINE_KNOTS, OCCUPIED_CLOSURE, _densify

    knots = [(35.9, 52.1), (36.6, 51.7), (37.2, 51.2), (37.6, 50.5), *LINE_KNOTS,
             (32.2, 46.55), (31.6, 46.62), (30.9, 46.45)]
    line = _densify(knots, rng, step_m=800)
    occupied = Polygon([*line.coords, (30.8, 46.2), *OCCUPIED_CLOSURE[1:], (39.9, 51.0), (38.5, 52.3),
                        (36.5, 52.4)]).buffer(0)
    return line, occupied


def load_reference(engine, line, occupied) -> tuple[float, int]:
    from linewatch.db import run_sql
    from linewatch.reference import _load_versioned
    from linewatch.sample import SECTORS

    since = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        _load_versioned(conn, "line", {"version": "bench", "valid_from": since, "valid_to": None,
                                       "source": "bench", "wkb": line.wkb})
        run_sql(conn, "reference/upsert_occupied_area.sql", {"version": "bench", "valid_from": since,
                                                             "valid_to": None, "source": "bench", "wkb": occupied.wkb})
        for name, geom in SECTORS.items():
            run_sql(conn, "reference/upsert_sector.sql", {"name": name, "wkb": geom.wkb})
        km, vertices = conn.execute(sa.text(
            "SELECT ST_Length(geom::geography) / 1000, ST_NPoints(geom) FROM linewatch.line_of_occupation")).one()
    return km, vertices


def load_observations(engine, line, n: int, rng) -> None:
    import shapely

    from linewatch.db import raw_connection
    from linewatch.geodesy import from_front_tm, to_front_tm

    fwd, inv = to_front_tm(), from_front_tm()
    xy = shapely.LineString([fwd.transform(*p) for p in line.coords])
    along = rng.uniform(0, xy.length, n)
    p = shapely.line_interpolate_point(xy, along)
    q = shapely.line_interpolate_point(xy, np.minimum(along + 50, xy.length))
    px, py, qx, qy = shapely.get_x(p), shapely.get_y(p), shapely.get_x(q), shapely.get_y(q)
    norm = np.hypot(qx - px, qy - py)
    norm[norm == 0] = 1.0
    offset = rng.exponential(8000, n) * rng.choice([-1, 1], n)
    lon, lat = inv.transform(px - (qy - py) / norm * offset, py + (qx - px) / norm * offset)
    kind = np.array(KINDS)[rng.choice(len(KINDS), n, p=KIND_SHARE)]
    weapon = np.where(kind == "heavy_weapon_sighting", np.array(WEAPONS)[rng.integers(0, len(WEAPONS), n)], r"\N")
    seconds = rng.uniform(0, 86400, n)
    with engine.begin() as conn:
        batch = conn.execute(sa.text(
            "INSERT INTO linewatch.ingest_batch (feed, format, file_name, sha256, status) "
            "VALUES ('bench', 'synthetic', 'bench', 'bench', 'loaded') RETURNING batch_id")).scalar_one()
        buffer = io.StringIO()
        for i in range(n):
            at = (DAY_START + timedelta(seconds=float(seconds[i]))).isoformat()
            buffer.write(f"bench\t{i}\t{at}\tSRID=4326;POINT({lon[i]:.6f} {lat[i]:.6f})\t{kind[i]}\t{weapon[i]}\t{batch}\n")
        with raw_connection(conn).cursor() as cur, cur.copy(
                "COPY linewatch.observation (feed, source_id, observed_at, geom, kind, weapon_class, batch_id) "
                "FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE linewatch.observation"))


def measure(n: int, label: str) -> None:
    from pathlib import Path

    from linewatch.config import load_config
    from linewatch.flagging import flag_day
    from linewatch.incidents import cluster_day
    from linewatch.periods import day_bounds
    from linewatch.settings import PROJECT_ROOT

    engine = make_engine(fresh_database("linewatch_bench_flag"))
    rng = np.random.default_rng(20261130)
    line, occupied = long_front(rng)
    km, vertices = load_reference(engine, line, occupied)
    load_observations(engine, line, n, rng)
    config = load_config(Path(PROJECT_ROOT) / "config" / "linewatch.yaml")
    start, end = day_bounds(DAY, config.timezone)
    with engine.connect() as conn:
        scans = []
        for _ in range(3):
            with timed() as scan:
                conn.execute(sa.text("SELECT count(*) FROM linewatch.observation "
                                     "WHERE observed_at >= :s AND observed_at < :e"), {"s": start, "e": end}).scalar()
            scans.append(scan.seconds)
    with engine.begin() as conn, timed() as flagging:
        flags = flag_day(conn, DAY, config)
    with engine.begin() as conn, timed() as clustering:
        incidents = cluster_day(conn, DAY, config)
    with engine.begin() as conn, timed() as index:
        conn.execute(sa.text("CREATE INDEX bench_points ON linewatch.observation USING gist (geom)"))
    print(f"# {label}: line {km:.0f} km, {vertices} vertices; {n} observations; flags {flags}; "
          f"{incidents} incidents; count(*) {min(scans):.3f} s; GiST build {index.seconds:.3f} s")
    report(f"flag_seconds_{label}", flagging.seconds)
    report(f"cluster_seconds_{label}", clustering.seconds)
    if label == "1m":
        report("flag_scan_ratio_1m", flagging.seconds / min(scans))
        report("cluster_index_ratio_1m", clustering.seconds / index.seconds)
    engine.dispose()


def main() -> None:
    measure(100_000, "100k")
    measure(1_000_000, "1m")


if __name__ == "__main__":
    main()
