"""UCDP Georeferenced Event Dataset (GED) CSV.

Columns: id, relid, year, active_year, code_status, type_of_violence, conflict_dset_id,
conflict_new_id, conflict_name, dyad_dset_id, dyad_new_id, dyad_name, side_a_dset_id, side_a_new_id,
side_a, side_b_dset_id, side_b_new_id, side_b, number_of_sources, source_article, source_office,
source_date, source_headline, source_original, where_prec, gwnoa, gwnob, where_coordinates,
where_description, adm_1, adm_2, latitude, longitude, geom_wkt, priogrid_gid, country, country_id,
region, event_clarity, date_prec, date_start, date_end, deaths_a, deaths_b, deaths_civilians,
deaths_unknown, best, high, low. Only the columns in REQUIRED must be there.

A GED event is a day (or span of days) of organised violence that killed at least one person. GED
says who fought, not with what: the kind below is the honest reading of type_of_violence and no more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.feeds.csvfile import json_objects, note, number, parse_utc, read_chunks, reasons_of, unparsed
from linewatch.observation import BOOKKEEPING

REQUIRED = ("id", "date_start", "date_end", "latitude", "longitude", "where_prec", "date_prec",
            "type_of_violence", "best")
# Columns that become canonical columns (geom_wkt repeats latitude/longitude); every other column is
# kept verbatim in attributes.
CANONICAL = ("id", "latitude", "longitude", "geom_wkt")

# 1 state-based and 2 non-state conflict are fighting between armed groups: counted as fire, the
# violation kind that claims least about the weapon (GED does not record it). 3 one-sided violence is
# an armed group killing civilians.
KIND_OF_VIOLENCE = {1: "small_arms_fire", 2: "small_arms_fire", 3: "civilian_harm"}
# where_prec: 1 the exact place, 2 within ~25 km of a known point, 3 a district (ADM2), 4 a province
# (ADM1), 5 a line or an area larger than a province ("eastern Ukraine"), 6 only the country,
# 7 international waters or airspace. Radii cover the unit around the point GED gives: an oblast is
# ~150 km across its farthest corner; country-level points are of no use near a line, and say so.
UNCERTAINTY_M = {1: 1_000.0, 2: 25_000.0, 3: 50_000.0, 4: 150_000.0, 5: 250_000.0, 6: 500_000.0, 7: 250_000.0}
DAY_S = 86_400
# date_prec: 1 the day, 2 within 2-6 days, 3 the week, 4 within 8-30 days or the month, 5 within
# 31-365 days or the year.
TIME_PRECISION_S = {1: DAY_S, 2: 6 * DAY_S, 3: 7 * DAY_S, 4: 31 * DAY_S, 5: 366 * DAY_S}


def parse(path: Path, chunk_rows: int = 100_000) -> Iterator[pd.DataFrame]:
    for raw in read_chunks(path, REQUIRED, chunk_rows):
        yield _observations(raw)


def _observations(raw: pd.DataFrame) -> pd.DataFrame:
    reasons = reasons_of(raw)
    frame = pd.DataFrame(index=raw.index)
    frame["source_id"] = raw["id"].str.strip()
    note(reasons, frame["source_id"] == "", "id", "missing")

    start, end = parse_utc(raw["date_start"]), parse_utc(raw["date_end"])
    note(reasons, unparsed(raw["date_start"], start), "date_start", "not a date", raw["date_start"])
    note(reasons, unparsed(raw["date_end"], end), "date_end", "not a date", raw["date_end"])
    note(reasons, end < start, "date_end", "before date_start", raw["date_end"])
    frame["observed_at"] = start
    # Both dates are whole days and both are in the event: 24-26 February is three days.
    span_s = (end - start).dt.total_seconds() + DAY_S
    precision = np.maximum(_coded(raw, "date_prec", TIME_PRECISION_S, reasons), span_s)
    frame["time_precision_s"] = precision.fillna(0).astype("int64")  # NaN only in rejected rows

    for column, name in (("latitude", "lat"), ("longitude", "lon")):
        frame[name] = number(raw[column])
        note(reasons, unparsed(raw[column], frame[name]), column, "not a number", raw[column])
    frame["uncertainty_m"] = _coded(raw, "where_prec", UNCERTAINTY_M, reasons)
    frame["kind"] = _coded(raw, "type_of_violence", KIND_OF_VIOLENCE, reasons)

    deaths = number(raw["best"])
    note(reasons, unparsed(raw["best"], deaths) | (deaths < 0) | (deaths % 1 != 0) & deaths.notna(),
         "best", "not a number of deaths", raw["best"])

    frame["attributes"] = json_objects({c: raw[c] for c in raw.columns if c not in (*CANONICAL, *BOOKKEEPING)})
    frame["_line"], frame["_raw"], frame["_reason"] = raw["_line"], raw["_raw"], reasons
    return frame


def _coded(raw: pd.DataFrame, column: str, mapping: dict, reasons: pd.Series) -> pd.Series:
    """A GED code looked up in `mapping`; a code outside it rejects the row."""
    value = number(raw[column]).map(mapping)
    codes = ", ".join(map(str, mapping))
    note(reasons, value.isna(), column, f"not one of {codes}", raw[column])
    return value
