"""The canonical observation: what every feed is turned into before it reaches PostGIS.

A feed parser (one module in `linewatch.feeds`) yields pandas DataFrames with the columns below,
already typed, plus three bookkeeping columns:

    _line    where the row is in the file (CSV: physical line, header = 1; GeoJSON/GPKG: feature number from 1)
    _raw     the row as it was in the file, verbatim, so a rejected row loses nothing
    _reason  None, or why the parser could not read the row ("acq_time: not HHMM ('2a15')")
    _duplicate  optional: True where the parser rejects a row as a repeat of another (kept, counted apart)

`validate` then applies the rules every observation must meet, whatever its feed, and splits the
frame into rows to load and rejects. Reasons always name the field and say what was wrong.

Columns
    source_id           the feed's own identifier of the row; (feed, source_id) is unique
    observed_at         when it happened, UTC
    reported_at         when the feed reported it, UTC (null if unknown)
    lon, lat            WGS84 degrees
    uncertainty_m       radius within which the true location lies, metres
    time_precision_s    how precise observed_at is, seconds (0 = exact; 86400 = day only)
    kind                one of KINDS
    weapon_class        one of WEAPON_CLASSES, where it applies
    weapon_count        how many weapons, where it applies
    bearing_deg         direction of fire or travel where known, degrees from north
    source_reliability  Admiralty source reliability A-F
    confidence          the feed's own confidence, 0..1
    attributes          JSON text of feed-specific fields (raw attributes kept for analysts)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

KINDS = (
    "explosion",
    "shelling",
    "small_arms_fire",
    "muzzle_flash",
    "illumination_flare",
    "heavy_weapon_sighting",
    "troop_movement",
    "uav_sighting",
    "fire_hotspot",
    "civilian_harm",
    "infrastructure_damage",
    "access_denied",
    "jamming",
)

# Kinds that count as ceasefire violations in the daily summary (the SMM counted explosions,
# projectiles, bursts of fire, muzzle flashes and illumination flares).
VIOLATION_KINDS = ("explosion", "shelling", "small_arms_fire", "muzzle_flash", "illumination_flare")
EXPLOSION_KINDS = ("explosion", "shelling")

WEAPON_CLASSES = (
    "artillery_100mm_plus",
    "artillery_under_100mm",
    "mortar_120mm_or_less",
    "mlrs",
    "heavy_mlrs_missile",  # Tornado-S, Uragan, Smerch, Tochka
    "tank",
    "air_defence",
)

SOURCE_RELIABILITY = tuple("ABCDEF")

COLUMNS = (
    "source_id",
    "observed_at",
    "reported_at",
    "lon",
    "lat",
    "uncertainty_m",
    "time_precision_s",
    "kind",
    "weapon_class",
    "weapon_count",
    "bearing_deg",
    "source_reliability",
    "confidence",
    "attributes",
)
BOOKKEEPING = ("_line", "_raw", "_reason")

# Monitoring of this conflict's ceasefires starts in 2014; anything earlier is a data error.
EARLIEST = datetime(2014, 1, 1, tzinfo=timezone.utc)
# Clocks drift and time zones get mixed up; more than a day ahead is an error, not drift.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class Reject:
    line_number: int
    raw: str
    reason: str
    is_duplicate: bool = False


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*COLUMNS, *BOOKKEEPING)})


def with_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    """Add any optional canonical column a parser did not set, as nulls of the right type."""
    n = len(frame)
    defaults = {
        "reported_at": pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]"),
        "uncertainty_m": 0.0,
        "time_precision_s": 0,
        "weapon_class": None,
        "weapon_count": pd.Series([pd.NA] * n, index=frame.index, dtype="Int64"),
        "bearing_deg": np.nan,
        "source_reliability": None,
        "confidence": np.nan,
        "attributes": "{}",
        "_reason": None,
    }
    for column, value in defaults.items():
        if column not in frame.columns:
            frame[column] = value
    return frame


def _fail(reasons: pd.Series, mask: pd.Series, message) -> None:
    """Record the first reason for each row that fails `mask` (earlier reasons win)."""
    target = mask & reasons.isna()
    if not target.any():
        return
    if callable(message):
        reasons.loc[target] = message(target)
    else:
        reasons.loc[target] = message


def _all_text(values: pd.Series) -> bool:
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def _per_text(values: pd.Series, check: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """check(values as pandas strings), computed once per distinct value when the values are all text.

    Kinds, classes and grades repeat a few values a million times a file; strings hash equal only when
    they are equal, so the result is the same as checking every row.
    """
    if not _all_text(values):
        return check(values.astype("string")).fillna(False).astype(bool)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    result = check(pd.Series(distinct, dtype=object).astype("string")).fillna(False).to_numpy(dtype=bool)
    return pd.Series(result[codes], index=values.index)


def _stripped(values: pd.Series) -> pd.Series:
    """values.astype("string").str.strip(), without pandas' per-element overhead when they are all text."""
    if not _all_text(values):
        return values.astype("string").str.strip()
    missing = values.isna().to_numpy()
    items = values.tolist()
    if missing.any():
        items = [None if m else v.strip() for v, m in zip(items, missing, strict=True)]
    else:
        items = [v.strip() for v in items]
    return pd.Series(items, index=values.index, dtype=object)


def validate(frame: pd.DataFrame, now: datetime | None = None,
             area: tuple[float, float, float, float] | None = None) -> tuple[pd.DataFrame, list[Reject]]:
    """Split a parsed frame into rows to load and rejects, applying the rules common to all feeds.

    `area` (min_lon, min_lat, max_lon, max_lat), when given, is the mission area: a point outside it
    (a swapped lat/lon pair, a sign error) is quarantined rather than loaded somewhere nobody looks."""
    frame = with_defaults(frame)
    now = now or datetime.now(timezone.utc)
    reasons = frame["_reason"].astype(object).where(frame["_reason"].notna(), None)

    source_id = _stripped(frame["source_id"])
    _fail(reasons, source_id.isna() | (source_id == ""), "source_id: missing")

    lon = pd.to_numeric(frame["lon"], errors="coerce").astype(float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").astype(float)
    _fail(reasons, ~np.isfinite(lat), "lat: missing or not a finite number")
    _fail(reasons, ~np.isfinite(lon), "lon: missing or not a finite number")
    _fail(reasons, (lat < -90) | (lat > 90), lambda m: "lat: out of range -90..90 (" + lat[m].astype(str) + ")")
    _fail(reasons, (lon < -180) | (lon > 180),
          lambda m: "lon: out of range -180..180 (" + lon[m].astype(str) + ")")

    if area is not None:
        min_lon, min_lat, max_lon, max_lat = area
        outside = (lon < min_lon) | (lon > max_lon) | (lat < min_lat) | (lat > max_lat)
        _fail(reasons, outside, lambda m: "lat/lon: outside the mission area (lat " + lat[m].astype(str)
              + ", lon " + lon[m].astype(str) + f"; area lon {min_lon:.1f}..{max_lon:.1f}, "
              f"lat {min_lat:.1f}..{max_lat:.1f})")

    observed = frame["observed_at"]
    _fail(reasons, observed.isna(), "observed_at: missing or not a timestamp")
    _fail(reasons, observed < EARLIEST,
          lambda m: "observed_at: before 2014-01-01 (" + observed[m].astype(str) + ")")
    _fail(reasons, observed > now + FUTURE_TOLERANCE,
          lambda m: "observed_at: in the future (" + observed[m].astype(str) + ")")

    kind = frame["kind"]
    _fail(reasons, kind.isna(), "kind: missing")
    _fail(reasons, ~_per_text(kind, lambda k: k.isin(KINDS)),
          lambda m: "kind: unknown kind '" + kind[m].astype("string").astype(str) + "'")

    weapon = frame["weapon_class"]
    _fail(reasons, _per_text(weapon, lambda w: w.notna() & ~w.isin(WEAPON_CLASSES)),
          lambda m: "weapon_class: unknown class '" + weapon[m].astype("string").astype(str) + "'")
    count = pd.to_numeric(frame["weapon_count"], errors="coerce")
    _fail(reasons, count.notna() & (count < 1), "weapon_count: must be 1 or more")

    uncertainty = pd.to_numeric(frame["uncertainty_m"], errors="coerce").astype(float)
    _fail(reasons, ~np.isfinite(uncertainty) | (uncertainty < 0), "uncertainty_m: must be a number >= 0")
    precision = pd.to_numeric(frame["time_precision_s"], errors="coerce").astype(float)
    _fail(reasons, ~np.isfinite(precision) | (precision < 0), "time_precision_s: must be a number >= 0")
    bearing = pd.to_numeric(frame["bearing_deg"], errors="coerce").astype(float)
    _fail(reasons, bearing.notna() & ((bearing < 0) | (bearing >= 360)), "bearing_deg: must be in 0..360")
    confidence = pd.to_numeric(frame["confidence"], errors="coerce").astype(float)
    _fail(reasons, confidence.notna() & ((confidence < 0) | (confidence > 1)), "confidence: must be in 0..1")
    _fail(reasons, _per_text(frame["source_reliability"], lambda r: r.notna() & ~r.isin(SOURCE_RELIABILITY)),
          "source_reliability: must be one of A-F")

    bad = reasons.notna()
    duplicate = frame["_duplicate"].fillna(False).astype(bool) if "_duplicate" in frame else pd.Series(False, frame.index)
    rejects = [
        Reject(int(line), str(raw), str(reason), bool(dup))
        for line, raw, reason, dup in zip(frame.loc[bad, "_line"], frame.loc[bad, "_raw"], reasons[bad],
                                          duplicate[bad], strict=True)
    ]
    good = frame.loc[~bad].copy()
    good["source_id"] = source_id[~bad].astype(str)
    good["lon"], good["lat"] = lon[~bad], lat[~bad]
    good["uncertainty_m"] = uncertainty[~bad]
    good["bearing_deg"] = bearing[~bad]
    good["confidence"] = confidence[~bad]
    good["weapon_count"] = count[~bad].astype("Int64")
    good["time_precision_s"] = precision[~bad].round().astype("int64")
    return good, rejects
