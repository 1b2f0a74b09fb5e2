"""Sample data: a plausible eastern-Ukraine-like front and three days of one synthetic feed.

Everything is generated from a fixed seed, so `linewatch sample` rewrites sample_data/ byte for byte.
The geography is synthetic but shaped like the 2022-2025 line: from the Kharkiv-Luhansk border south
past Bakhmut and Donetsk, west across Zaporizhzhia oblast to the Dnipro, then down the river to Kherson.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from shapely import LineString, Point, Polygon, box, ops
from shapely.geometry import mapping

from linewatch.geodesy import from_front_tm, to_front_tm

SEED = 20261101
SAMPLE_DAYS = (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3))
LINE_V1_FROM = datetime(2026, 10, 28, tzinfo=UTC)
# The line moves mid-sample: v2 is in force from midday UTC on the second day.
LINE_V2_FROM = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

# Coarse vertices of the line (lon, lat), north to south-west.
LINE_KNOTS = [
    (37.95, 49.80), (38.02, 49.30), (38.10, 48.95), (38.02, 48.62), (37.90, 48.35),
    (37.78, 48.17), (37.62, 48.02), (37.40, 47.88), (37.05, 47.78), (36.60, 47.66),
    (36.05, 47.55), (35.55, 47.47), (35.10, 47.48), (34.65, 47.52), (34.25, 47.35),
    (33.80, 47.10), (33.35, 46.85), (32.95, 46.70), (32.65, 46.60),
]
# The rest of the occupied area's outline, back round to the north end (state border and coast).
OCCUPIED_CLOSURE = [(32.55, 46.45), (33.00, 45.30), (36.60, 45.30), (38.30, 46.90), (39.80, 47.60),
                    (40.20, 48.80), (39.90, 49.70), (38.60, 49.95)]

# The national outline: government-controlled ground to the west plus the occupied area, so that the
# occupied area's eastern and southern edges lie on the state border and the coast. It passes through
# both ends of the line, so the contact line derived from the occupied polygon is the line itself.
NATIONAL_WEST = [(37.00, 50.35), (35.00, 50.55), (31.50, 50.60), (30.00, 49.00), (30.00, 46.40), (31.50, 46.55)]

# Settlements (name, lon, lat, population): places are named from these, as the SMM did.
SETTLEMENTS = [
    ("Kramatorsk", 37.56, 48.74, 150_000), ("Sloviansk", 37.62, 48.85, 105_000), ("Bakhmut", 38.00, 48.60, 70_000),
    ("Horlivka", 38.05, 48.30, 240_000), ("Avdiivka", 37.75, 48.14, 30_000), ("Donetsk", 37.90, 48.02, 900_000),
    ("Marinka", 37.50, 47.94, 9_000), ("Vuhledar", 37.25, 47.78, 14_000), ("Pokrovsk", 37.18, 48.28, 60_000),
    ("Huliaipole", 36.26, 47.66, 13_000), ("Orikhiv", 35.79, 47.57, 14_000), ("Tokmak", 35.71, 47.25, 30_000),
    ("Zaporizhzhia", 35.14, 47.84, 710_000), ("Enerhodar", 34.66, 47.50, 52_000), ("Nikopol", 34.40, 47.57, 105_000),
    ("Kherson", 32.62, 46.64, 280_000), ("Melitopol", 35.37, 46.85, 150_000), ("Mariupol", 37.55, 47.10, 430_000),
    ("Siversk", 38.10, 48.87, 11_000), ("Lysychansk", 38.43, 48.90, 95_000),
]
# Protected civilian sites (name, type, lon, lat, buffer in metres).
PROTECTED_SITES = [
    ("Donetsk Filtration Station", "water_filtration_station", 37.80, 48.10, 2000),
    ("Zaporizhzhia Nuclear Power Plant", "power_plant", 34.59, 47.51, 5000),
    ("Horlivka City Hospital", "hospital", 38.04, 48.31, 1000),
    ("Marinka School No. 2", "school", 37.51, 47.95, 500),
]

SECTORS = {
    "North": box(37.0, 48.50, 40.5, 50.2),
    "Centre": box(36.3, 47.20, 40.5, 48.50),
    "South": box(32.0, 45.80, 36.3, 48.20),
}

FEED = "patrol"
KIND_WEIGHTS = {
    "explosion": 0.30, "shelling": 0.15, "small_arms_fire": 0.25, "muzzle_flash": 0.07,
    "illumination_flare": 0.06, "heavy_weapon_sighting": 0.07, "troop_movement": 0.04, "uav_sighting": 0.06,
}
WEAPONS = ("artillery_100mm_plus", "mlrs", "tank", "mortar_120mm_or_less", "artillery_under_100mm")
SENSORS = ("patrol", "camera", "uav", "acoustic")
FIELDS = ("report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count",
          "uncertainty_m", "sensor", "reliability", "notes")


@dataclass(frozen=True)
class Front:
    line_v1: LineString
    line_v2: LineString
    occupied_v1: Polygon
    occupied_v2: Polygon


def _densify(knots, rng: np.random.Generator, step_m: float = 1500.0, wiggle_m: float = 400.0) -> LineString:
    """Many-vertex line through the knots, with a small deterministic wiggle like a real front."""
    fwd = to_front_tm()
    xy = LineString([fwd.transform(x, y) for x, y in knots])
    n = max(2, int(xy.length // step_m))
    pts = [xy.interpolate(i / n, normalized=True) for i in range(n + 1)]
    noise = np.convolve(rng.normal(0, wiggle_m, n + 1), np.ones(5) / 5, mode="same")
    noise[0] = noise[-1] = 0.0
    moved = []
    for i, p in enumerate(pts):
        a = pts[max(i - 1, 0)]
        b = pts[min(i + 1, n)]
        dx, dy = b.x - a.x, b.y - a.y
        norm = math.hypot(dx, dy) or 1.0
        moved.append((p.x - dy / norm * noise[i], p.y + dx / norm * noise[i]))
    inv = from_front_tm()
    return LineString([inv.transform(x, y) for x, y in moved])


def _advance(line: LineString, centre: tuple[float, float], radius_m: float, push_m: float) -> LineString:
    """Line v2: the front pushed west by up to push_m around `centre` (a local advance)."""
    fwd, inv = to_front_tm(), from_front_tm()
    cx, cy = fwd.transform(*centre)
    coords = []
    for lon, lat in line.coords:
        x, y = fwd.transform(lon, lat)
        d = math.hypot(x - cx, y - cy)
        shift = push_m * max(0.0, 1 - d / radius_m) ** 2
        coords.append(inv.transform(x - shift, y))
    return LineString(coords)


def build_front(seed: int = SEED) -> Front:
    rng = np.random.default_rng(seed)
    v1 = _densify(LINE_KNOTS, rng)
    v2 = _advance(v1, centre=(37.70, 48.10), radius_m=25_000, push_m=3_000)

    def occupied(line: LineString) -> Polygon:
        return Polygon(list(line.coords) + OCCUPIED_CLOSURE).buffer(0)

    return Front(v1, v2, occupied(v1), occupied(v2))


def disengagement_area(front: Front) -> Polygon:
    """The 2 km x 2 km square of the 2016 Framework Decision, centred on the line near Zolote-like ground."""
    fwd, inv = to_front_tm(), from_front_tm()
    centre = front.line_v1.interpolate(0.12, normalized=True)
    x, y = fwd.transform(centre.x, centre.y)
    square = box(x - 1000, y - 1000, x + 1000, y + 1000)
    return ops.transform(lambda xs, ys: inv.transform(xs, ys), square)


def national_outline(front: Front) -> Polygon:
    """Government-controlled west plus the occupied area: its boundary holds the border and the coast."""
    west = Polygon([LINE_KNOTS[0], *NATIONAL_WEST, LINE_KNOTS[-1], *reversed(front.line_v1.coords)]).buffer(0)
    return west.union(front.occupied_v1).union(front.occupied_v2)


def cameras(front: Front) -> list[tuple[str, Point]]:
    """Fixed cameras a few kilometres back from the line on the government side, spread along it."""
    fwd, inv = to_front_tm(), from_front_tm()
    xy = LineString([fwd.transform(*c) for c in front.line_v1.coords])
    out = []
    for k, frac in enumerate((0.08, 0.22, 0.36, 0.50, 0.64, 0.78, 0.92)):
        p, q = xy.interpolate(frac, normalized=True), xy.interpolate(frac + 0.001, normalized=True)
        dx, dy = q.x - p.x, q.y - p.y
        norm = math.hypot(dx, dy) or 1.0
        # Left of the line's direction of travel (north to south-west) is the government side.
        out.append((f"Camera {k + 1}", Point(inv.transform(p.x - dy / norm * 3000, p.y + dx / norm * 3000))))
    return out


def _feature_collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, indent=1, sort_keys=True) + "\n"


def _feature(geom, **props) -> dict:
    def rounded(obj):
        if isinstance(obj, float):
            return round(obj, 6)
        if isinstance(obj, list | tuple):
            return [rounded(o) for o in obj]
        return obj

    g = mapping(geom)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": g["type"], "coordinates": rounded(g["coordinates"])}}


def write_reference(out: Path, front: Front) -> list[Path]:
    ref = out / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    v1_to = LINE_V2_FROM.isoformat()
    files = {
        "line_of_occupation_v1.geojson": [_feature(front.line_v1, version="v1", source="linewatch sample",
                                                   valid_from=LINE_V1_FROM.isoformat(), valid_to=v1_to)],
        "line_of_occupation_v2.geojson": [_feature(front.line_v2, version="v2", source="linewatch sample",
                                                   valid_from=LINE_V2_FROM.isoformat(), valid_to=None)],
        "occupied_area_v1.geojson": [_feature(front.occupied_v1, version="v1", source="linewatch sample",
                                              valid_from=LINE_V1_FROM.isoformat(), valid_to=v1_to)],
        "occupied_area_v2.geojson": [_feature(front.occupied_v2, version="v2", source="linewatch sample",
                                              valid_from=LINE_V2_FROM.isoformat(), valid_to=None)],
        "sectors.geojson": [_feature(g, name=name) for name, g in SECTORS.items()],
        "disengagement_areas.geojson": [_feature(disengagement_area(front), name="Disengagement area 1",
                                                 valid_from=LINE_V1_FROM.isoformat())],
        "national_outline.geojson": [_feature(national_outline(front), name="Sample country")],
        "settlements.geojson": [
            _feature(Point(lon, lat), name=name, population=pop, radius_m=float(min(8000, 500 + pop / 100)),
                     reference_town=pop >= 100_000)
            for name, lon, lat, pop in SETTLEMENTS],
        "protected_sites.geojson": [
            _feature(Point(lon, lat), name=name, site_type=kind, buffer_m=buffer)
            for name, kind, lon, lat, buffer in PROTECTED_SITES],
        "cameras.geojson": [_feature(p, name=name, valid_from=LINE_V1_FROM.isoformat()) for name, p in cameras(front)],
    }
    paths = []
    for name, features in files.items():
        path = ref / name
        path.write_text(_feature_collection(features), encoding="utf-8")
        paths.append(path)
    return paths


def _events(front: Front, day: date, rng: np.random.Generator, count: int) -> list[dict]:
    """Ground-truth events near the line, more at night (as the SMM saw), either side."""
    fwd, inv = to_front_tm(), from_front_tm()
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=2)  # local midnight, Kyiv
    hours = np.arange(24)
    rhythm = 1.0 + 1.5 * (np.cos((hours - 1) / 24 * 2 * np.pi) + 1) / 2  # peak ~01:00, trough ~13:00 local
    rhythm /= rhythm.sum()
    kinds = list(KIND_WEIGHTS)
    weights = np.array(list(KIND_WEIGHTS.values()))
    events = []
    for i in range(count):
        at = start + timedelta(hours=int(rng.choice(24, p=rhythm)), seconds=float(rng.uniform(0, 3600)))
        line = front.line_v2 if at >= LINE_V2_FROM else front.line_v1
        xy = LineString([fwd.transform(*c) for c in line.coords])
        s = rng.uniform(0, xy.length)
        p, q = xy.interpolate(s), xy.interpolate(min(s + 50, xy.length))
        dx, dy = q.x - p.x, q.y - p.y
        norm = math.hypot(dx, dy) or 1.0
        offset = rng.exponential(4000) * rng.choice([-1, 1])
        x, y = p.x - dy / norm * offset, p.y + dx / norm * offset
        lon, lat = inv.transform(x, y)
        kind = str(rng.choice(kinds, p=weights / weights.sum()))
        events.append({"id": f"{day:%Y%m%d}-{i:05d}", "at": at, "x": x, "y": y, "lon": lon, "lat": lat,
                       "kind": kind})
    return events


def _reports(events: list[dict], rng: np.random.Generator) -> list[dict]:
    """Each event seen by 1-3 of the mission's sensors, each with its own location and time error."""
    inv = from_front_tm()
    rows = []
    for ev in events:
        for _ in range(int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))):
            sensor = str(rng.choice(SENSORS))
            sigma = {"patrol": 300, "camera": 150, "uav": 60, "acoustic": 500}[sensor]
            lon, lat = inv.transform(ev["x"] + rng.normal(0, sigma), ev["y"] + rng.normal(0, sigma))
            at = ev["at"] + timedelta(seconds=float(rng.normal(0, 60)))
            weapon, count = "", ""
            if ev["kind"] == "heavy_weapon_sighting":
                weapon = WEAPONS[int(ev["id"][-1]) % len(WEAPONS)]
                count = str(1 + int(ev["id"][-2]) % 4)
            rows.append({
                "report_id": f"{sensor[:3].upper()}-{ev['id']}-{len(rows):05d}",
                "observed_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "kind": ev["kind"],
                "weapon_class": weapon, "weapon_count": count, "uncertainty_m": str(sigma * 2),
                "sensor": sensor, "reliability": {"uav": "A", "camera": "B", "patrol": "B", "acoustic": "C"}[sensor],
                "notes": f"event {ev['id']}",
            })
    rows.sort(key=lambda r: (r["observed_at"], r["report_id"]))
    return rows


def malformed_rows(day: date) -> list[list[str]]:
    """A handful of rows every real feed has: each must end in quarantine with a reason."""
    d = f"{day:%Y-%m-%d}"
    return [
        [f"BAD-{d}-1", f"{d}T03:10:00Z", "148.2", "37.7", "explosion", "", "", "300", "patrol", "B", "lat out of range"],
        [f"BAD-{d}-2", f"{d}T03:11:00Z", "48.2", "not-a-lon", "explosion", "", "", "300", "patrol", "B", "bad lon"],
        [f"BAD-{d}-3", f"{d}T25:61:00Z", "48.2", "37.7", "explosion", "", "", "300", "patrol", "B", "bad timestamp"],
        [f"BAD-{d}-4", "", "48.2", "37.7", "explosion", "", "", "300", "patrol", "B", "missing observed_at"],
        ["", f"{d}T03:12:00Z", "48.2", "37.7", "explosion", "", "", "300", "patrol", "B", "missing report_id"],
        [f"BAD-{d}-6", f"{d}T03:13:00Z", "48.2", "37.7"],
        [f"BAD-{d}-7", f"{d}T03:14:00Z", "48.2", "37.7", "teleport", "", "", "300", "patrol", "B", "unknown kind"],
    ]


def write_feed(out: Path, front: Front, days=SAMPLE_DAYS, seed: int = SEED, events_per_day: int = 600) -> list[Path]:
    folder = out / "feeds" / FEED
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, day in enumerate(days):
        rng = np.random.default_rng(seed + n)
        rows = _reports(_events(front, day, rng, events_per_day), rng)
        table = [[r[f] for f in FIELDS] for r in rows]
        # Re-delivered rows inside the file: exact duplicates of earlier lines.
        for k in (3, 50, 400):
            table.insert(k * 2 + 7, list(table[k]))
        bad = malformed_rows(day)
        for j, row in enumerate(bad):
            table.insert(11 + j * 97, row)
        path = folder / f"{FEED}_{day:%Y-%m-%d}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(FIELDS)
            writer.writerows(table)
        paths.append(path)
    return paths


def write_sample_data(out: Path, seed: int = SEED) -> list[Path]:
    front = build_front(seed)
    return write_reference(out, front) + write_feed(out, front, seed=seed)
