"""`linewatch simulate`: ground-truth events on the sample front, seen by imperfect sensors.

Truth: exchanges of fire clustered near the line (more at night), heavy weapons moved (some inside their
withdrawal zones), UAV flights, fires, civilian harm, infrastructure damage and restrictions of movement.
Each sensor then sees a share of the events it can sense, with its own location and time noise,
reporting delay, re-delivered (duplicate) lines and false positives, and writes them in its own format:
`synthetic` for the mission's patrols, cameras, UAVs and acoustic sensors, the real NASA FIRMS VIIRS
and ACLED export formats for the open feeds.

Layout of the output folder:
    simulation.yaml                     manifest: seed, rate, days, feeds with their format and files
    cameras.geojson                     the fixed cameras (positions, range)
    truth/events_<date>.csv             one row per true event
    feeds/<feed>/<feed>_<date>.csv      one file per day; ACLED one per weekly export, named by its date

Files are per reporting day (Europe/Kyiv) of the event. Every observation names its event in a
`notes` field ("event=<id>"; FIRMS gets a `notes` column of its own, which its parser keeps in
attributes); false positives say "false_positive" instead.

The same seed gives the same bytes: each chunk of each day draws from its own stream, seeded by
(seed, day, chunk, sensor), and numbers are written with integer arithmetic, not locale-dependent
formatting. Work is vectorized per chunk of CHUNK_EVENTS events and written as it goes, so memory is
bounded whatever the rate.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

import numpy as np
import shapely
import yaml
from pyproj import Geod
from shapely import LineString, Polygon

from linewatch.feeds.synthetic import COLUMNS as SYNTHETIC_COLUMNS
from linewatch.geodesy import from_front_tm, to_front_tm
from linewatch.observation import VIOLATION_KINDS
from linewatch.periods import day_bounds
from linewatch.sample import LINE_V2_FROM, SECTORS, Front, build_front

TIMEZONE = "Europe/Kyiv"
CHUNK_EVENTS = 50_000
GEOD = Geod(ellps="WGS84")
STR = np.dtypes.StringDType()
MS = 1000

# Share of true events by kind. Exchanges of fire dominate, as in the SMM's daily reports.
EVENT_KINDS = {
    "explosion": 0.22, "shelling": 0.10, "small_arms_fire": 0.20, "muzzle_flash": 0.06, "illumination_flare": 0.05,
    "heavy_weapon_sighting": 0.08, "troop_movement": 0.03, "uav_sighting": 0.12, "fire_hotspot": 0.05,
    "civilian_harm": 0.02, "infrastructure_damage": 0.04, "access_denied": 0.02, "jamming": 0.01,
}
KIND_NAMES = np.array(list(EVENT_KINDS), dtype=object)
KIND_P = np.array(list(EVENT_KINDS.values())) / sum(EVENT_KINDS.values())
KIND_CODE = {k: i for i, k in enumerate(EVENT_KINDS)}
# Mean distance from the line (km) of each kind: fire is exchanged close to it, UAVs and jamming reach deeper.
MEAN_DISTANCE_KM = {"uav_sighting": 8.0, "jamming": 10.0, "fire_hotspot": 5.0, "civilian_harm": 6.0,
                    "infrastructure_damage": 6.0}
DEFAULT_DISTANCE_KM = 3.0
# How long an event lasts (minutes): a mean for exponential durations, clipped; 0 = an instant.
DURATION_MIN = {"uav_sighting": (20.0, 5.0, 60.0), "fire_hotspot": (240.0, 30.0, 720.0)}

# Withdrawal zones (half-width either side of the line, km) of the Minsk Package and its Addendum.
# Air defence has no withdrawal zone, so it is not simulated as a moved heavy weapon.
WITHDRAWAL_HALF_WIDTH_KM = {"artillery_100mm_plus": 25.0, "mlrs": 35.0, "heavy_mlrs_missile": 70.0,
                            "tank": 15.0, "artillery_under_100mm": 15.0, "mortar_120mm_or_less": 15.0}
WEAPON_NAMES = np.array(list(WITHDRAWAL_HALF_WIDTH_KM), dtype=object)
WEAPON_P = np.array([0.25, 0.15, 0.05, 0.20, 0.15, 0.20])
HALF_WIDTH_M = np.array(list(WITHDRAWAL_HALF_WIDTH_KM.values())) * 1000
# Share of moved weapons that are (wrongly) inside their withdrawal zone; the rest are beyond it.
INSIDE_ZONE_SHARE = 0.35
BEYOND_ZONE_MEAN_M = 20_000.0
# More fire at night: relative weight by local hour, peaking around 01:00 and lowest at 13:00.
NIGHT_PEAK_HOUR = 1
NIGHT_AMPLITUDE = 1.5


@dataclass(frozen=True)
class Sensor:
    """One feed: what it can sense and how imperfectly. Rates are per event it can sense."""

    name: str
    format: str
    kinds: tuple[str, ...]
    p_detect: float
    location_sigma_m: float
    time_sigma_s: float
    delay_mean_s: float
    duplicate_rate: float
    false_positive_rate: float
    reliability: str = "B"


FIRE = VIOLATION_KINDS
SENSORS = (
    Sensor("patrol", "synthetic", tuple(EVENT_KINDS), 0.6, 350.0, 60.0, 4 * 3600.0, 0.01, 0.02, "B"),
    Sensor("camera", "synthetic", (*FIRE, "heavy_weapon_sighting", "fire_hotspot"), 0.8, 0.0, 5.0, 600.0,
           0.005, 0.03, "B"),
    Sensor("uav", "synthetic", ("explosion", "shelling", "heavy_weapon_sighting", "troop_movement", "fire_hotspot",
                                "infrastructure_damage", "uav_sighting", "jamming"), 0.3, 30.0, 30.0, 2 * 3600.0,
           0.002, 0.005, "A"),
    Sensor("acoustic", "synthetic", ("explosion", "shelling"), 0.9, 800.0, 3.0, 60.0, 0.005, 0.05, "C"),
    Sensor("firms", "firms", ("fire_hotspot",), 0.8, 150.0, 0.0, 3 * 3600.0, 0.0, 0.05),
    Sensor("acled", "acled", (*FIRE, "civilian_harm", "infrastructure_damage"), 0.02, 0.0, 0.0, 0.0, 0.0, 0.0),
)

# Fixed cameras: one every CAMERA_SPACING_M along the line (v1), set back on the government side.
CAMERA_SPACING_M = 10_000.0
CAMERA_SETBACK_M = 1_500.0
CAMERA_RANGE_M = 12_000.0
CAMERA_BEARING_SIGMA_DEG = 1.0
CAMERA_DISTANCE_SIGMA = 0.10  # log-normal error of the distance estimate
CAMERA_RANGE_HALF_WIDTH = 0.2  # the reported range is the estimate +/- 20 %

# VIIRS overpasses near 37.5 E (UTC minutes after midnight): S-NPP, NOAA-21 and NOAA-20 about 25 min
# apart, around 01:30 and 13:30 local solar time.
VIIRS_PASSES = (("N", 22 * 60 + 40), ("N21", 23 * 60 + 5), ("N20", 23 * 60 + 30),
                ("N", 10 * 60 + 40), ("N21", 11 * 60 + 5), ("N20", 11 * 60 + 30))
FIRMS_COLUMNS = ("latitude", "longitude", "bright_ti4", "scan", "track", "acq_date", "acq_time", "satellite",
                 "instrument", "confidence", "version", "bright_ti5", "frp", "daynight", "notes")
FIRMS_EXTRA_PIXELS_MEAN = 1.0
VIIRS_PIXEL_M = 375.0

ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp")
# ACLED (event_type, sub_event_type) for each kind it records; the parser maps them back.
ACLED_TYPES = {
    "explosion": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "small_arms_fire": ("Battles", "Armed clash"),
    "muzzle_flash": ("Battles", "Armed clash"),
    "illumination_flare": ("Battles", "Armed clash"),
    "civilian_harm": ("Violence against civilians", "Attack"),
    "infrastructure_damage": ("Strategic developments", "Looting/property destruction"),
}
ACLED_ADMIN1 = {"North": "Luhansk", "Centre": "Donetsk", "South": "Zaporizhia", "": "Kherson"}
# geo_precision 1/2/3 (town, district, region) and how far ACLED's point then is from the event.
ACLED_GEO_P = np.array([0.6, 0.3, 0.1])
ACLED_GEO_SIGMA_M = np.array([1_000.0, 8_000.0, 30_000.0])
ACLED_TIME_P = np.array([0.85, 0.15, 0.0])
ACLED_EXPORT_DAYS = 7
TRUTH_COLUMNS = ("event_id", "kind", "family", "started_at", "ended_at", "lon", "lat", "side", "sector",
                 "distance_m", "weapon_class", "weapon_count")


@dataclass(frozen=True)
class Line:
    """A line version in the front projection: vertices and cumulative length, for vectorized lookups."""

    xy: np.ndarray
    cumulative: np.ndarray
    geometry: LineString
    occupied: Polygon

    @classmethod
    def of(cls, line: LineString, occupied: Polygon) -> Line:
        x, y = to_front_tm().transform(*np.asarray(line.coords).T)
        xy = np.column_stack([x, y])
        steps = np.hypot(*np.diff(xy, axis=0).T)
        return cls(xy, np.concatenate([[0.0], np.cumsum(steps)]), LineString(xy), occupied)

    @property
    def length(self) -> float:
        return float(self.cumulative[-1])

    def offset_points(self, along: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points `offset` m left of the line (positive: towards the occupied east) at arc length `along`."""
        seg = np.clip(np.searchsorted(self.cumulative, along, side="right") - 1, 0, len(self.xy) - 2)
        a, b = self.xy[seg], self.xy[seg + 1]
        step = b - a
        length = np.hypot(step[:, 0], step[:, 1])
        frac = ((along - self.cumulative[seg]) / length)[:, None]
        tangent = step / length[:, None]
        point = a + frac * step
        return point[:, 0] - tangent[:, 1] * offset, point[:, 1] + tangent[:, 0] * offset


@dataclass(frozen=True)
class Events:
    """A chunk of true events (or of a sensor's phantoms: then `ids` are empty strings)."""

    ids: np.ndarray
    kind: np.ndarray  # codes into KIND_NAMES
    t0: np.ndarray  # epoch ms, UTC
    t1: np.ndarray
    x: np.ndarray
    y: np.ndarray
    weapon: np.ndarray  # codes into WEAPON_NAMES, -1 where none
    count: np.ndarray  # weapon count, 0 where none

    def take(self, mask: np.ndarray) -> Events:
        return Events(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))


# Random streams: one per (role, day, chunk, sensor), so a chunk's draws do not depend on the others.
COUNT, TRUTH, SENSOR = 1, 2, 3


def stream(seed: int, role: int, day: int, chunk: int = 0, sensor: int = 0) -> np.random.Generator:
    # Always five words: SeedSequence ignores trailing zeros, so [s, d, c] and [s, d, c, 0] would collide.
    return np.random.default_rng([seed, role, day, chunk, sensor])


# ---------------------------------------------------------------- formatting (vectorized, deterministic)

def fixed(values: np.ndarray, decimals: int) -> np.ndarray:
    """Numbers as fixed-point text, by integer arithmetic (no locale, no per-row Python)."""
    scaled = np.round(np.asarray(values, dtype=float) * 10 ** decimals).astype(np.int64)
    sign = np.where(scaled < 0, "-", "").astype(STR)
    whole = (np.abs(scaled) // 10 ** decimals).astype(STR)
    if decimals == 0:
        return sign + whole
    frac = np.strings.zfill((np.abs(scaled) % 10 ** decimals).astype(STR), decimals)
    return sign + whole + "." + frac


def iso_utc(epoch_ms: np.ndarray) -> np.ndarray:
    """ISO-8601 UTC to the second, 'Z'-suffixed."""
    return np.datetime_as_string(epoch_ms.astype("datetime64[ms]").astype("datetime64[s]"), unit="s").astype(STR) + "Z"


def text(values, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(values, dtype=object), (n,)).astype(STR)


def csv_block(columns: list[np.ndarray]) -> str:
    """Lines of comma-joined fields; fields never hold commas or quotes, so no quoting is needed."""
    if not len(columns[0]):
        return ""
    line = columns[0]
    for column in columns[1:]:
        line = line + "," + column
    return "\n".join(line.tolist()) + "\n"


def with_duplicates(columns: list[np.ndarray], rng: np.random.Generator, rate: float) -> list[np.ndarray]:
    """Re-delivered lines, as feeds do: a share of rows repeated verbatim at the end of the block."""
    again = rng.random(len(columns[0])) < rate
    return [np.concatenate([c, c[again]]) for c in columns]


# ---------------------------------------------------------------- truth

def hour_weights(hours: int) -> np.ndarray:
    h = np.arange(hours)
    w = 1.0 + NIGHT_AMPLITUDE * (np.cos((h - NIGHT_PEAK_HOUR) / 24 * 2 * np.pi) + 1) / 2
    return w / w.sum()


def draw_events(rng: np.random.Generator, n: int, start_ms: int, hours: int, lines: tuple[Line, Line],
                kinds: np.ndarray | None = None) -> Events:
    """n events in the local day starting at start_ms; kinds drawn from EVENT_KINDS unless given."""
    kind = rng.choice(len(KIND_NAMES), n, p=KIND_P) if kinds is None else rng.choice(kinds, n)
    hour = rng.choice(hours, n, p=hour_weights(hours))
    t0 = start_ms + hour * 3600 * MS + rng.integers(0, 3600 * MS, n)
    duration = np.zeros(n)
    for name, (mean, low, high) in DURATION_MIN.items():
        is_kind = kind == KIND_CODE[name]
        duration[is_kind] = np.clip(rng.exponential(mean, is_kind.sum()), low, high)
    t1 = t0 + (duration * 60 * MS).astype(np.int64)

    mean_m = np.array([MEAN_DISTANCE_KM.get(k, DEFAULT_DISTANCE_KM) * 1000 for k in KIND_NAMES])[kind]
    distance = rng.exponential(mean_m)
    weapon = np.full(n, -1)
    count = np.zeros(n, dtype=np.int64)
    heavy = kind == KIND_CODE["heavy_weapon_sighting"]
    weapon[heavy] = rng.choice(len(WEAPON_NAMES), heavy.sum(), p=WEAPON_P / WEAPON_P.sum())
    count[heavy] = 1 + rng.poisson(2.0, heavy.sum())
    half = HALF_WIDTH_M[weapon[heavy]]
    inside = rng.random(heavy.sum()) < INSIDE_ZONE_SHARE
    distance[heavy] = np.where(inside, rng.uniform(0, 1, heavy.sum()) * half,
                               half + rng.exponential(BEYOND_ZONE_MEAN_M, heavy.sum()))
    offset = distance * rng.choice([-1.0, 1.0], n)

    along = rng.uniform(0, 1, n)
    x, y = np.empty(n), np.empty(n)
    v2 = t0 >= int(LINE_V2_FROM.timestamp() * MS)
    for mask, line in ((~v2, lines[0]), (v2, lines[1])):
        x[mask], y[mask] = line.offset_points(along[mask] * line.length, offset[mask])
    return Events(np.full(n, "", dtype=object).astype(STR), kind, t0, t1, x, y, weapon, count)


def lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return from_front_tm().transform(x, y)


def sector_names(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The first sample sector containing each point (the flag SQL's lowest sector_id), '' outside all."""
    names = np.full(len(lon), "", dtype=object)
    for name, box in reversed(SECTORS.items()):
        names[shapely.contains_xy(box, lon, lat)] = name
    return names


def truth_block(events: Events, lines: tuple[Line, Line]) -> str:
    lon, lat = lonlat(events.x, events.y)
    v2 = events.t0 >= int(LINE_V2_FROM.timestamp() * MS)
    distance, occupied = np.empty(len(lon)), np.zeros(len(lon), dtype=bool)
    for mask, line in ((~v2, lines[0]), (v2, lines[1])):
        distance[mask] = shapely.distance(line.geometry, shapely.points(events.x[mask], events.y[mask]))
        occupied[mask] = shapely.contains_xy(line.occupied, lon[mask], lat[mask])
    kind = KIND_NAMES[events.kind]
    family = np.where(np.isin(kind, VIOLATION_KINDS), "violation", kind)
    has_weapon = events.weapon >= 0
    n = len(lon)
    return csv_block([
        events.ids, kind.astype(STR), family.astype(STR), iso_utc(events.t0), iso_utc(events.t1),
        fixed(lon, 6), fixed(lat, 6), np.where(occupied, "occupied", "government").astype(STR),
        sector_names(lon, lat).astype(STR), fixed(distance, 0),
        np.where(has_weapon, WEAPON_NAMES[np.maximum(events.weapon, 0)], "").astype(STR),
        np.where(has_weapon, fixed(events.count, 0), text("", n)),
    ])


# ---------------------------------------------------------------- sensors

def cameras(front: Front) -> tuple[np.ndarray, np.ndarray]:
    """Camera positions (front projection): every CAMERA_SPACING_M along line v1, set back west of it."""
    line = Line.of(front.line_v1, front.occupied_v1)
    along = np.arange(CAMERA_SPACING_M / 2, line.length, CAMERA_SPACING_M)
    return line.offset_points(along, np.full(len(along), -CAMERA_SETBACK_M))


def seen(sensor: Sensor, events: Events, rng: np.random.Generator) -> np.ndarray:
    """Which events the sensor senses at all (kind and detection probability; range is the caller's)."""
    codes = [KIND_CODE[k] for k in sensor.kinds]
    return np.isin(events.kind, codes) & (rng.random(len(events.kind)) < sensor.p_detect)


def sighting_times(events: Events, sensor: Sensor, rng: np.random.Generator) -> np.ndarray:
    """A moment within the event (events with a duration are seen at some point of it), plus clock error."""
    moment = events.t0 + (rng.random(len(events.t0)) * (events.t1 - events.t0)).astype(np.int64)
    return moment + np.round(rng.normal(0, sensor.time_sigma_s, len(moment)) * MS).astype(np.int64)


def event_notes(events: Events) -> np.ndarray:
    return np.where(events.ids == "", "false_positive", "event=" + events.ids).astype(STR)


def with_phantoms(sensor: Sensor, events: Events, rng: np.random.Generator, start_ms: int, hours: int,
                  lines: tuple[Line, Line]) -> Events:
    """The sensed events plus the sensor's false positives (events that never happened, no id)."""
    n = rng.poisson(sensor.false_positive_rate * len(events.ids))
    codes = np.array([KIND_CODE[k] for k in sensor.kinds])
    phantoms = draw_events(rng, n, start_ms, hours, lines, kinds=codes)
    return Events(*(np.concatenate([getattr(events, f), getattr(phantoms, f)]) for f in Events.__dataclass_fields__))


def synthetic_rows(sensor: Sensor, events: Events, rng: np.random.Generator, prefix: str,
                   cams: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """Rows in the mission's synthetic format (plus reported_at) for the events a sensor saw."""
    n = len(events.ids)
    at = sighting_times(events, sensor, rng)
    reported = at + np.round(rng.exponential(sensor.delay_mean_s, n) * MS).astype(np.int64)
    notes = event_notes(events)
    if sensor.name == "camera":
        lon, lat, uncertainty, detail = camera_fixes(events, rng, cams)
        notes = notes + detail
    else:
        lon, lat = lonlat(events.x + rng.normal(0, sensor.location_sigma_m, n),
                          events.y + rng.normal(0, sensor.location_sigma_m, n))
        uncertainty = np.full(n, 2 * sensor.location_sigma_m)
    kind = KIND_NAMES[events.kind]
    if sensor.name == "acoustic":  # a microphone cannot tell a shell from any other explosion
        kind = np.full(n, "explosion", dtype=object)
    has_weapon = events.weapon >= 0
    count = events.count
    if sensor.name == "patrol":  # counting through binoculars: off by one now and then
        count = np.maximum(1, count + rng.choice([-1, 0, 0, 0, 1], n))
    ids = prefix + "-" + np.strings.zfill(np.arange(n).astype(STR), 7)
    return [ids, iso_utc(at), fixed(lat, 6), fixed(lon, 6), kind.astype(STR),
            np.where(has_weapon, WEAPON_NAMES[np.maximum(events.weapon, 0)], "").astype(STR),
            np.where(has_weapon, fixed(count, 0), text("", n)), fixed(uncertainty, 0), text(sensor.name, n),
            text(sensor.reliability, n), notes, iso_utc(reported)]


def camera_fixes(events: Events, rng: np.random.Generator, cams: tuple[np.ndarray, np.ndarray]):
    """Bearing and a distance range from the nearest camera; the fix is projected along the bearing.

    The uncertainty is along the range (half its width), which dominates the ~1 degree bearing error.
    """
    n = len(events.ids)
    cx, cy = cams
    nearest = np.argmin(np.hypot(events.x[:, None] - cx[None, :], events.y[:, None] - cy[None, :]), axis=1)
    cam_lon, cam_lat = lonlat(cx[nearest], cy[nearest])
    lon, lat = lonlat(events.x, events.y)
    bearing, _, distance = GEOD.inv(cam_lon, cam_lat, lon, lat)
    bearing = np.mod(bearing + rng.normal(0, CAMERA_BEARING_SIGMA_DEG, n), 360.0)
    estimate = np.maximum(distance * np.exp(rng.normal(0, CAMERA_DISTANCE_SIGMA, n)), 50.0)
    low, high = estimate * (1 - CAMERA_RANGE_HALF_WIDTH), estimate * (1 + CAMERA_RANGE_HALF_WIDTH)
    fix_lon, fix_lat, _ = GEOD.fwd(cam_lon, cam_lat, bearing, estimate)
    detail = (";camera=CAM-" + np.strings.zfill(nearest.astype(STR), 3) + ";bearing=" + fixed(bearing, 1)
              + ";range_m=" + fixed(low, 0) + "-" + fixed(high, 0))
    return fix_lon, fix_lat, estimate * CAMERA_RANGE_HALF_WIDTH, detail


def in_camera_range(events: Events, cams: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    cx, cy = cams
    d = np.hypot(events.x[:, None] - cx[None, :], events.y[:, None] - cy[None, :]).min(axis=1)
    return d <= CAMERA_RANGE_M


def firms_rows(sensor: Sensor, events: Events, rng: np.random.Generator) -> list[np.ndarray]:
    """VIIRS hot pixels: a burning fire seen on each overpass (clouds permitting), one or more pixels."""
    day0 = (events.t0 // (86_400 * MS)) * 86_400 * MS
    pass_ms = np.array([m * 60 * MS for _, m in VIIRS_PASSES])
    when = np.concatenate([day0[:, None] + d * 86_400 * MS + pass_ms[None, :] for d in (-1, 0, 1)], axis=1)
    burning = (when >= events.t0[:, None]) & (when <= events.t1[:, None])
    # False positives have no duration: each is one detection on the pass nearest its time.
    phantom = np.flatnonzero(events.ids == "")
    burning[phantom] = False
    burning[phantom, np.argmin(np.abs(when[phantom] - events.t0[phantom, None]), axis=1)] = True
    fire, slot = np.nonzero(burning & (rng.random(burning.shape) < sensor.p_detect))
    pixels = 1 + rng.poisson(FIRMS_EXTRA_PIXELS_MEAN, len(fire))
    # A large fire lights neighbouring pixels: the first of each detection is on the fire, the others
    # one 375 m pixel away.
    first = (np.cumsum(pixels) - pixels).astype(np.int64)
    fire, slot = np.repeat(fire, pixels), np.repeat(slot, pixels)
    n = len(fire)
    neighbour = np.ones(n)
    neighbour[first] = 0.0
    dx = neighbour * rng.integers(-1, 2, n) * VIIRS_PIXEL_M + rng.normal(0, sensor.location_sigma_m, n)
    dy = neighbour * rng.integers(-1, 2, n) * VIIRS_PIXEL_M + rng.normal(0, sensor.location_sigma_m, n)
    lon, lat = lonlat(events.x[fire] + dx, events.y[fire] + dy)
    at = when[fire, slot].astype("datetime64[ms]")
    minutes = (at - at.astype("datetime64[D]")).astype("timedelta64[m]").astype(np.int64)
    satellites = np.array([s for s, _ in VIIRS_PASSES] * 3, dtype=object)[slot]
    night = (minutes < 4 * 60) | (minutes >= 16 * 60)
    frp = rng.lognormal(1.5, 1.0, n)
    return [fixed(lat, 5), fixed(lon, 5), fixed(rng.uniform(300, 367, n), 2), fixed(rng.uniform(0.32, 0.8, n), 2),
            fixed(rng.uniform(0.36, 0.78, n), 2), np.datetime_as_string(at, unit="D").astype(STR),
            (minutes // 60 * 100 + minutes % 60).astype(STR),  # HHMM without leading zeros, as FIRMS writes it
            satellites.astype(STR), text("VIIRS", n), np.array(["l", "n", "h"], dtype=object)[
                rng.choice(3, n, p=[0.1, 0.6, 0.3])].astype(STR), text("2.0NRT", n),
            fixed(rng.uniform(270, 300, n), 2), fixed(frp, 2), np.where(night, "N", "D").astype(STR),
            event_notes(events)[fire]]


def acled_rows(events: Events, rng: np.random.Generator, prefix: str, local_day: str,
               export_ms: int) -> list[np.ndarray]:
    """ACLED rows for a (small) subset of violent events: dated to the day, coarsely placed."""
    n = len(events.ids)
    geo = rng.choice(3, n, p=ACLED_GEO_P)
    sigma = ACLED_GEO_SIGMA_M[geo]
    lon, lat = lonlat(events.x + rng.normal(0, 1, n) * sigma, events.y + rng.normal(0, 1, n) * sigma)
    kind = KIND_NAMES[events.kind]
    types = np.array([ACLED_TYPES[k] for k in kind], dtype=object).reshape(n, 2)
    sector = sector_names(*lonlat(events.x, events.y))
    admin1 = np.array([ACLED_ADMIN1[s] for s in sector], dtype=object)
    ids = prefix + np.strings.zfill(np.arange(n).astype(STR), 6)
    empty = text("", n)
    return [ids, text(local_day, n), text(local_day[:4], n),
            (1 + rng.choice(3, n, p=ACLED_TIME_P)).astype(STR), text("Political violence", n),
            types[:, 0].astype(STR), types[:, 1].astype(STR), text("Military Forces of Russia (2000-)", n), empty,
            text("State forces", n), text("Military Forces of Ukraine (2019-)", n), empty, text("State forces", n),
            text("State forces-State forces", n), empty, text("804", n), text("Europe", n), text("Ukraine", n),
            admin1.astype(STR), empty, empty, "Sim-" + ids, fixed(lat, 4), fixed(lon, 4), (1 + geo).astype(STR),
            text("Simulated monitor", n), text("Other", n), event_notes(events), text("0", n), empty,
            text(str(export_ms // MS), n)]


# ---------------------------------------------------------------- the run

@dataclass(frozen=True)
class Simulation:
    """What was written: the manifest and the counts behind it."""

    manifest: Path
    events: int
    observations: dict[str, int]


def _day_start(day: date, tz: str) -> tuple[int, int]:
    start, end = day_bounds(day, tz)
    return int(start.timestamp() * MS), int(round((end - start).total_seconds() / 3600))


SYNTHETIC_HEADER = (*SYNTHETIC_COLUMNS, "reported_at")


def export_day(day: date, start: date, days: int) -> date:
    """The weekly ACLED export that carries `day`: the last day of its week, or of the run."""
    week_end = ((day - start).days // ACLED_EXPORT_DAYS + 1) * ACLED_EXPORT_DAYS
    return start + timedelta(days=min(week_end, days) - 1)


def feed_file(sensor: Sensor, day: date, start: date, days: int) -> str:
    """The file a day's observations go to: the day's own, or for ACLED the weekly export's."""
    if sensor.format == "acled":
        day = export_day(day, start, days)
    return f"feeds/{sensor.name}/{sensor.name}_{day}.csv"


def header_of(sensor: Sensor) -> tuple[str, ...]:
    return {"synthetic": SYNTHETIC_HEADER, "firms": FIRMS_COLUMNS, "acled": ACLED_COLUMNS}[sensor.format]


@dataclass(frozen=True)
class World:
    """What stays fixed through a run: the two line versions and the cameras."""

    lines: tuple[Line, Line]
    cams: tuple[np.ndarray, np.ndarray]

    @classmethod
    def sample(cls) -> World:
        front = build_front()
        return cls((Line.of(front.line_v1, front.occupied_v1), Line.of(front.line_v2, front.occupied_v2)),
                   cameras(front))


def sensor_block(sensor: Sensor, events: Events, rng: np.random.Generator, world: World, day: date,
                 chunk: int, tz: str, export_ms: int) -> list[np.ndarray]:
    """The rows one sensor writes for one chunk of a day's events (false positives and duplicates included)."""
    start_ms, hours = _day_start(day, tz)
    mask = seen(sensor, events, rng)
    if sensor.name == "camera":
        mask &= in_camera_range(events, world.cams)
    sensed = with_phantoms(sensor, events.take(mask), rng, start_ms, hours, world.lines)
    if sensor.name == "camera":  # a camera's false positives too are in its field of view
        sensed = sensed.take(in_camera_range(sensed, world.cams))
    if sensor.format == "synthetic":
        prefix = f"{sensor.name[:3].upper()}-{day:%Y%m%d}-{chunk:04d}"
        columns = synthetic_rows(sensor, sensed, rng, prefix, world.cams)
    elif sensor.format == "firms":
        columns = firms_rows(sensor, sensed, rng)
    else:
        columns = acled_rows(sensed, rng, f"SIM{day:%Y%m%d}{chunk:04d}", f"{day}",
                             export_ms)
    return with_duplicates(columns, rng, sensor.duplicate_rate)


def day_chunks(seed: int, d: int, day: date, n_day: int, chunk_events: int, world: World, tz: str):
    """Yield each chunk of a day's true events, numbered E<yyyymmdd>-<serial>."""
    start_ms, hours = _day_start(day, tz)
    for c, first in enumerate(range(0, n_day, chunk_events)):
        n = min(chunk_events, n_day - first)
        events = draw_events(stream(seed, TRUTH, d, c), n, start_ms, hours, world.lines)
        yield c, replace(events, ids=f"E{day:%Y%m%d}-" + np.strings.zfill(np.arange(first, first + n).astype(STR), 7))


def simulate(out: Path, start: date, days: int, rate: float, seed: int, tz: str = TIMEZONE,
             chunk_events: int = CHUNK_EVENTS) -> Simulation:
    """Write `days` days from `start` of events at ~`rate` per day, and what each sensor made of them."""
    out = Path(out)
    world = World.sample()
    files: dict[str, list[str]] = {s.name: [] for s in SENSORS}
    rows = {s.name: 0 for s in SENSORS}
    truth_files, total_events = [], 0
    with ExitStack() as stack:
        handles: dict[str, TextIO] = {}

        def open_file(relative: str, header: tuple[str, ...]) -> TextIO:
            if relative not in handles:
                path = out / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                handles[relative] = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
                handles[relative].write(",".join(header) + "\n")
            return handles[relative]

        for d in range(days):
            day = start + timedelta(days=d)
            _, hours = _day_start(day, tz)
            n_day = int(stream(seed, COUNT, d).poisson(rate * hours / 24))
            total_events += n_day
            truth_files.append(f"truth/events_{day}.csv")
            truth = open_file(truth_files[-1], TRUTH_COLUMNS)
            # Every feed file of the day exists, even when a sensor saw nothing: the manifest stays regular.
            for sensor in SENSORS:
                name = feed_file(sensor, day, start, days)
                open_file(name, header_of(sensor))
                if name not in files[sensor.name]:
                    files[sensor.name].append(name)
            # ACLED stamps an export with the time it was made: the midnight after its last day.
            export_ms, _ = _day_start(export_day(day, start, days) + timedelta(days=1), tz)
            for c, events in day_chunks(seed, d, day, n_day, chunk_events, world, tz):
                truth.write(truth_block(events, world.lines))
                for k, sensor in enumerate(SENSORS):
                    columns = sensor_block(sensor, events, stream(seed, SENSOR, d, c, k), world, day, c, tz,
                                           export_ms)
                    open_file(feed_file(sensor, day, start, days), header_of(sensor)).write(csv_block(columns))
                    rows[sensor.name] += len(columns[0])
    manifest = write_manifest(out, start, days, rate, seed, tz, files, truth_files)
    write_cameras(out / "cameras.geojson", world.cams)
    return Simulation(manifest, total_events, rows)


def write_manifest(out: Path, start: date, days: int, rate: float, seed: int, tz: str,
                   files: dict[str, list[str]], truth_files: list[str]) -> Path:
    feeds = []
    for sensor in SENSORS:
        spec = asdict(sensor)
        spec["kinds"] = list(spec["kinds"])
        spec["files"] = files[sensor.name]
        feeds.append(spec)
    manifest = {"seed": seed, "rate": rate, "start": start.isoformat(), "days": days, "timezone": tz,
                "truth": truth_files, "cameras": "cameras.geojson", "feeds": feeds}
    path = out / "simulation.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=True), encoding="utf-8")
    return path


def write_cameras(path: Path, cams: tuple[np.ndarray, np.ndarray]) -> None:
    lon, lat = lonlat(*cams)
    features = [{"type": "Feature", "properties": {"camera_id": f"CAM-{i:03d}", "range_m": CAMERA_RANGE_M},
                 "geometry": {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}}
                for i, (x, y) in enumerate(zip(lon, lat, strict=True))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1) + "\n",
                    encoding="utf-8")


def read_manifest(out_dir: Path) -> dict:
    return yaml.safe_load((Path(out_dir) / "simulation.yaml").read_text(encoding="utf-8"))


def ingest_simulation(engine, out_dir: Path, tz: str = TIMEZONE) -> list:
    """Ingest every feed file the manifest lists, under the feed's name and format."""
    from linewatch.ingest import ingest_file

    manifest = read_manifest(out_dir)
    return [ingest_file(engine, Path(out_dir) / name, feed["name"], feed["format"], tz=tz)
            for feed in manifest["feeds"] for name in feed["files"]]

