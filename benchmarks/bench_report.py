"""A day with 10,000 incidents: how long `publish_daily_report` takes to compute the summary in PostGIS
and write every format (HTML, Markdown, PNG map, GeoJSON/CSV annexes, index). Target: under 10 s.

The day is built in its own database (`linewatch_bench_report`): the sample reference layers, then one
synthetic feed file of observations on a lattice along the line of occupation (see
`lattice_observations`: each observation is its own incident), loaded, flagged and clustered by the pipeline itself. Only the publish is timed.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from benchmarks.common import fresh_database, report

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "linewatch_bench_report"
DAY = date(2026, 11, 2)
TARGET_INCIDENTS = 10_000
SEED = 20261102
KINDS = ("explosion", "shelling", "small_arms_fire", "muzzle_flash", "heavy_weapon_sighting", "uav_sighting",
         "troop_movement", "civilian_harm", "access_denied")
WEAPONS = ("artillery_100mm_plus", "mlrs", "tank", "mortar_120mm_or_less", "artillery_under_100mm")


def lattice_observations(count: int) -> list[dict]:
    """Observation points on parallels of the line of occupation, 2.3 km apart and 2.3 km apart along each
    (wider than the clustering radius, so each is its own incident). Beyond the 30 km bands only a
    withdrawal-zone rule flags anything, so points out there are MLRS/missile sightings (70 km zone)."""
    import geopandas as gpd
    from shapely.ops import linemerge

    from linewatch.geodesy import FRONT_TM, from_front_tm

    line = gpd.read_file(ROOT / "sample_data/reference/line_of_occupation_v2.geojson").to_crs(FRONT_TM)
    geometry = linemerge(list(line.geometry)) if len(line) > 1 else line.geometry.iloc[0]
    points = []
    for offset in np.arange(-46_000, 46_001, 2_300):
        curve = geometry.offset_curve(float(offset)) if offset else geometry
        for along in np.arange(500, curve.length, 2_300):
            p = curve.interpolate(float(along))
            points.append((p.x, p.y, abs(offset) > 29_000))
            if len(points) == count:
                break
        if len(points) == count:
            break
    xs, ys, far = (np.array(v) for v in zip(*points, strict=True))
    lon, lat = from_front_tm().transform(xs, ys)
    rng = np.random.default_rng(SEED)
    start = datetime(2026, 11, 1, 22, 5)  # 00:05 Kyiv time (UTC+2) on DAY
    rows = []
    for i, (x, y) in enumerate(zip(lon, lat, strict=True)):
        kind = "heavy_weapon_sighting" if far[i] else KINDS[int(rng.integers(0, len(KINDS)))]
        row = {"report_id": f"bench-{i:06d}", "at": start + timedelta(seconds=int(rng.integers(0, 86_000))),
               "lon": float(x), "lat": float(y), "kind": kind, "reliability": "ABC"[i % 3],
               "notes": "synthetic benchmark row"}
        if kind == "heavy_weapon_sighting":
            weapon = "heavy_mlrs_missile" if far[i] else WEAPONS[i % len(WEAPONS)]
            row |= {"weapon_class": weapon, "weapon_count": 1 + i % 4}
        rows.append(row)
    return rows


def build_day(url: str, work: Path) -> int:
    """Load the reference layers and the lattice day; flag and cluster it. Returns the incident count."""
    from linewatch.config import load_config
    from linewatch.db import make_engine
    from linewatch.ingest import ingest_file
    from linewatch.pipeline import flag_and_cluster
    from linewatch.reference import load_reference_folder
    from tests.feedfiles import write_synthetic

    engine = make_engine(url)
    config = load_config(ROOT / "config/linewatch.yaml")
    with engine.begin() as conn:
        load_reference_folder(conn, ROOT / "sample_data/reference")
    # A few spare points: the odd pair of neighbouring parallels can still merge into one incident.
    path = write_synthetic(work / "bench_report.csv", lattice_observations(int(TARGET_INCIDENTS * 1.04)))
    ingest_file(engine, path, "patrol", "synthetic")
    flag_and_cluster(engine, [DAY], config)
    with engine.connect() as conn:
        incidents = conn.execute(sa.text("SELECT count(*) FROM linewatch.incident WHERE day = :d"),
                                 {"d": DAY}).scalar_one()
    engine.dispose()
    return incidents


def time_report(url: str, reports_dir: Path) -> float:
    from linewatch.config import load_config
    from linewatch.db import make_engine
    from linewatch.report.publish import publish_daily_report

    engine = make_engine(url)
    config = load_config(ROOT / "config/linewatch.yaml")
    started = time.perf_counter()
    published = publish_daily_report(engine, DAY, config, reports_dir)
    elapsed = time.perf_counter() - started
    assert published.new
    engine.dispose()
    return elapsed


def main() -> None:
    url = fresh_database(DATABASE)
    with tempfile.TemporaryDirectory() as tmp:
        incidents = build_day(url, Path(tmp))
        report("report_incidents", incidents)
        report("report_seconds_10k_incidents", time_report(url, Path(tmp) / "reports"))


if __name__ == "__main__":
    main()
