"""NASA FIRMS active-fire CSV (VIIRS 375 m and MODIS 1 km; NRT, archive and country downloads).

VIIRS: latitude, longitude, bright_ti4, scan, track, acq_date, acq_time, satellite, instrument,
       confidence, version, bright_ti5, frp, daynight
MODIS: the same with brightness and bright_t31 for the two brightness temperatures.
Archive files add `type`; country downloads add `country_id` and call the VIIRS brightness
columns `brightness`/`bright_t31`, so the instrument is read from each row's `instrument` value,
never guessed from the header.

Each row is one detection: one satellite pass seeing one hot pixel. The same fire seen by Suomi
NPP and NOAA-20 is two rows with two source_ids, both kept: they are two observations.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.feeds.csvfile import json_objects, note, number, per_value, read_chunks, reasons_of, unparsed
from linewatch.observation import BOOKKEEPING

REQUIRED = ("latitude", "longitude", "acq_date", "acq_time", "satellite", "instrument", "confidence")
# Columns that become canonical columns; every other column is kept verbatim in attributes.
CANONICAL = ("latitude", "longitude", "acq_date", "acq_time")

# VIIRS reports a class, MODIS a percentage. FIRMS' own guidance bins MODIS confidence as low < 30,
# nominal 30-80, high >= 80; the VIIRS classes are placed evenly across that scale (low on the edge of
# its band, since VIIRS keeps low-confidence pixels only in glint or weak anomalies) so one threshold,
# e.g. confidence >= 0.5, selects nominal and high detections of either instrument alike.
VIIRS_CONFIDENCE = {"l": 0.3, "n": 0.6, "h": 0.9, "low": 0.3, "nominal": 0.6, "high": 0.9}
# Pixel footprint at nadir, km; scan and track give the real one, which grows towards the swath edge
# (to ~0.8 km for VIIRS, ~4.8 x 2 km for MODIS).
NADIR_PIXEL_KM = {"VIIRS": 0.375, "MODIS": 1.0}
# acq_time is to the minute.
TIME_PRECISION_S = 60


def parse(path: Path, chunk_rows: int = 100_000) -> Iterator[pd.DataFrame]:
    for raw in read_chunks(path, REQUIRED, chunk_rows):
        yield _observations(raw)


def _observations(raw: pd.DataFrame) -> pd.DataFrame:
    reasons = reasons_of(raw)
    frame = pd.DataFrame(index=raw.index)

    instrument = per_value(raw["instrument"], _instrument)
    note(reasons, instrument.isna(), "instrument", "not VIIRS or MODIS", raw["instrument"])
    viirs = instrument == "VIIRS"

    for column, name in (("latitude", "lat"), ("longitude", "lon")):
        frame[name] = number(raw[column])
        note(reasons, unparsed(raw[column], frame[name]), column, "not a number", raw[column])

    dates = per_value(raw["acq_date"], _dates)
    day = dates["day"]
    note(reasons, day.isna(), "acq_date", "not a YYYY-MM-DD date", raw["acq_date"])
    hhmm = per_value(raw["acq_time"], _hhmm)
    note(reasons, hhmm.isna(), "acq_time", "not HHMM", raw["acq_time"])
    minutes = hhmm.fillna(0).to_numpy(dtype=np.int64)
    minutes = minutes // 100 * 60 + minutes % 100
    frame["observed_at"] = day + pd.to_timedelta(minutes, unit="min")
    frame["time_precision_s"] = TIME_PRECISION_S

    satellite = per_value(raw["satellite"], lambda v: v.str.strip())
    note(reasons, satellite == "", "satellite", "missing")

    frame["confidence"] = _confidence(raw["confidence"], viirs, reasons)
    frame["uncertainty_m"] = _pixel_half_diagonal_m(raw, instrument, reasons)
    frame["kind"] = "fire_hotspot"
    frame["source_id"] = _source_ids(satellite, dates["text"], hhmm, frame["lat"], frame["lon"])
    frame["attributes"] = json_objects({c: raw[c] for c in raw.columns if c not in (*CANONICAL, *BOOKKEEPING)})
    frame["_line"], frame["_raw"], frame["_reason"] = raw["_line"], raw["_raw"], reasons
    return frame


def _instrument(values: pd.Series) -> pd.Series:
    names = values.str.strip().str.upper()
    return names.where(names.isin(NADIR_PIXEL_KM))


def _dates(values: pd.Series) -> pd.DataFrame:
    """The day, and its text written the one way ('2024-3-5' is valid; the id must not depend on it)."""
    day = pd.to_datetime(values, format="%Y-%m-%d", utc=True, errors="coerce")
    return pd.DataFrame({"day": day, "text": day.dt.strftime("%Y-%m-%d")})


def _hhmm(values: pd.Series) -> pd.Series:
    """HHMM as a number (33 is 00:33: FIRMS drops leading zeros), NaN where it is not a time of day."""
    digits = values.str.isdigit()
    hhmm = pd.to_numeric(values.where(digits), errors="coerce")
    return hhmm.where((hhmm // 100 <= 23) & (hhmm % 100 <= 59))


def _confidence(values: pd.Series, viirs: pd.Series, reasons: pd.Series) -> pd.Series:
    confidence = values.map(VIIRS_CONFIDENCE).astype(float).where(viirs)
    miss = viirs & confidence.isna()
    if miss.any():
        confidence[miss] = values[miss].str.strip().str.lower().map(VIIRS_CONFIDENCE).astype(float)
    note(reasons, viirs & confidence.isna(), "confidence", "not l, n or h (VIIRS)", values)
    modis = ~viirs & values.notna()
    if modis.any():
        percent = number(values[modis])
        bad = unparsed(values[modis], percent) | (percent < 0) | (percent > 100)
        note(reasons, bad.reindex(values.index, fill_value=False), "confidence", "not 0-100 (MODIS)", values)
        confidence[modis] = percent / 100
    return confidence


def _pixel_half_diagonal_m(raw: pd.DataFrame, instrument: pd.Series, reasons: pd.Series) -> pd.Series:
    """Half the diagonal of the pixel footprint: the farthest the fire can be from the pixel centre.

    scan and track are the footprint's size in km for this very pixel; where they are blank the
    instrument's nadir pixel stands in, the smallest it can be.
    """
    nadir = instrument.map(NADIR_PIXEL_KM).astype(float)
    sides = []
    for column in ("scan", "track"):
        if column in raw.columns:
            size = per_value(raw[column], number)
            note(reasons, unparsed(raw[column], size) | (size <= 0), column, "not a pixel size in km", raw[column])
            sides.append(size.where(size > 0).fillna(nadir))
        else:
            sides.append(nadir)
    return 1000.0 * np.hypot(sides[0], sides[1]) / 2


def _source_ids(satellite: pd.Series, date: pd.Series, hhmm: pd.Series, lat: pd.Series, lon: pd.Series) -> list[str]:
    """`satellite:YYYY-MM-DDTHHMM:lat:lon`, to 1e-5 degree (~1 m): one id per detection, the same on re-delivery."""
    minutes = hhmm.fillna(0).astype(np.int64).tolist()
    return ["%s:%sT%04d:%.5f:%.5f" % row
            for row in zip(satellite.tolist(), date.tolist(), minutes, lat.tolist(), lon.tolist(), strict=True)]
