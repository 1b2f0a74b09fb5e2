"""ACLED event export (CSV from the export tool or the API).

Columns: event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type,
actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso,
region, country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source,
source_scale, notes, fatalities, tags, timestamp. Only the columns in REQUIRED must be there.

ACLED revises past events and re-issues them with a newer `timestamp`. Across files the loader's
upsert on (feed, source_id) keeps the latest; within one file this parser keeps the newest revision
of each event and rejects the others, naming the revision that replaced them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.feeds.csvfile import json_objects, note, number, read_chunks, reasons_of, unparsed
from linewatch.observation import BOOKKEEPING

REQUIRED = ("event_id_cnty", "event_date", "latitude", "longitude", "event_type", "sub_event_type", "timestamp")
# Columns that become canonical columns; every other column is kept verbatim in attributes.
CANONICAL = ("event_id_cnty", "latitude", "longitude", "timestamp")

# What a ceasefire monitor would have recorded for each ACLED sub-event type. Battles of any kind are
# fighting, so they count as violations (small_arms_fire); protests, riots and most strategic
# developments are not ceasefire events and are rejected rather than forced into a kind.
KIND_OF_SUB_EVENT = {
    "shelling/artillery/missile attack": "shelling",
    "air/drone strike": "explosion",
    "remote explosive/landmine/ied": "explosion",
    "grenade": "explosion",
    "suicide bomb": "explosion",
    "chemical weapon": "explosion",
    "disrupted weapons use": "explosion",  # a drone or missile shot down, a mine cleared: still ordnance
    "armed clash": "small_arms_fire",
    "government regains territory": "small_arms_fire",
    "non-state actor overtakes territory": "small_arms_fire",
    "attack": "civilian_harm",
    "abduction/forced disappearance": "civilian_harm",
    "sexual violence": "civilian_harm",
    "excessive force against protesters": "civilian_harm",
    "looting/property destruction": "infrastructure_damage",
}
# geo_precision: 1 = the named town itself, 2 = "part of a region" near a town, 3 = only a larger
# region (ACLED then uses its capital or centroid). Radii: a town, a district, an oblast.
UNCERTAINTY_M = {1: 2_000.0, 2: 25_000.0, 3: 100_000.0}
# time_precision: 1 = the day, 2 = a week the day falls in, 3 = only the month.
TIME_PRECISION_S = {1: 86_400, 2: 7 * 86_400, 3: 31 * 86_400}
# An absent precision column means unknown precision: assume the coarsest, never the finest.
COARSEST = 3

MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}
DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY or 'D Month YYYY'"
# Seconds since 1970 stay below this until the year 5138; a millisecond timestamp does not.
MAX_UNIX_SECONDS = 1e11


def parse(path: Path, chunk_rows: int = 100_000) -> Iterator[pd.DataFrame]:
    superseded, month_first_line = _survey(path, chunk_rows)
    for raw in read_chunks(path, REQUIRED, chunk_rows):
        yield _observations(raw, superseded, month_first_line)


def _survey(path: Path, chunk_rows: int) -> tuple[dict[int, str], int | None]:
    """First pass over the file: which lines an in-file revision replaces, and whether its
    slash dates are month-first (then a date like 03/04/2024 cannot be read either way)."""
    revisions, month_first = [], []
    for raw in read_chunks(path, REQUIRED, chunk_rows):
        readable = raw["_reason"].isna()
        timestamp = _timestamp(raw["timestamp"])
        revisions.append(pd.DataFrame({
            "event": raw["event_id_cnty"].str.strip(), "timestamp": timestamp, "line": raw["_line"],
        })[readable & timestamp.notna()])
        slash = raw["event_date"].str.strip().str.extract(r"^(\d{1,2})/(\d{1,2})/\d{4}$").astype(float)
        month_first.append(raw.loc[readable & (slash[0] <= 12) & (slash[1] > 12), "_line"])
    lines = pd.concat(month_first) if month_first else pd.Series(dtype=int)
    return _superseded(pd.concat(revisions) if revisions else None), (int(lines.min()) if len(lines) else None)


def _superseded(revisions: pd.DataFrame | None) -> dict[int, str]:
    """Reject reasons by line for every revision but the newest of each event (ties: the first line)."""
    if revisions is None:
        return {}
    revisions = revisions[revisions["event"] != ""].sort_values(["event", "timestamp", "line"],
                                                                 ascending=[True, False, True])
    newest = revisions.groupby("event").transform("first")
    older = revisions["line"] != newest["line"]
    reasons = np.where(
        revisions["timestamp"][older] < newest["timestamp"][older],
        "superseded by a newer revision (timestamp " + newest["timestamp"][older].astype("int64").astype(str)
        + ") at line " + newest["line"][older].astype(str),
        "duplicate of line " + newest["line"][older].astype(str) + " (same revision, timestamp "
        + newest["timestamp"][older].astype("int64").astype(str) + ")")
    return dict(zip(revisions["line"][older].tolist(), reasons.tolist(), strict=True))


def _timestamp(values: pd.Series) -> pd.Series:
    """Unix seconds as float; NaN unless a whole, plausible number of seconds."""
    seconds = number(values)
    return seconds.where((seconds >= 0) & (seconds < MAX_UNIX_SECONDS) & (seconds % 1 == 0))


def _observations(raw: pd.DataFrame, superseded: dict[int, str], month_first_line: int | None) -> pd.DataFrame:
    reasons = reasons_of(raw)
    frame = pd.DataFrame(index=raw.index)
    replaced = raw["_line"].map(superseded)
    replaced = replaced.notna() & reasons.isna()
    reasons[replaced] = raw.loc[replaced, "_line"].map(superseded)

    frame["source_id"] = raw["event_id_cnty"].str.strip()
    note(reasons, frame["source_id"] == "", "event_id_cnty", "missing")

    timestamp = _timestamp(raw["timestamp"])
    note(reasons, unparsed(raw["timestamp"], timestamp), "timestamp", "not unix seconds", raw["timestamp"])
    note(reasons, timestamp.isna(), "timestamp", "missing")
    frame["reported_at"] = pd.to_datetime(timestamp, unit="s", utc=True)

    frame["observed_at"] = _event_dates(raw, reasons, month_first_line)
    for column, name in (("latitude", "lat"), ("longitude", "lon")):
        frame[name] = number(raw[column])
        note(reasons, unparsed(raw[column], frame[name]), column, "not a number", raw[column])
    frame["uncertainty_m"] = _precision(raw, "geo_precision", UNCERTAINTY_M, reasons)
    time_precision = _precision(raw, "time_precision", TIME_PRECISION_S, reasons)
    frame["time_precision_s"] = time_precision.fillna(0).astype("int64")  # NaN only in rejected rows

    sub_event = raw["sub_event_type"].str.strip()
    frame["kind"] = sub_event.str.lower().map(KIND_OF_SUB_EVENT)
    note(reasons, frame["kind"].isna(), "sub_event_type", "not a monitored event type", sub_event)

    text = {c: raw[c] for c in raw.columns if c not in (*CANONICAL, *BOOKKEEPING)}
    stamp = timestamp.map("{:.0f}".format).where(timestamp.notna(), "null")
    frame["attributes"] = json_objects(text, {"acled_timestamp": stamp})
    frame["_line"], frame["_raw"], frame["_reason"] = raw["_line"], raw["_raw"], reasons
    return frame


def _event_dates(raw: pd.DataFrame, reasons: pd.Series, month_first_line: int | None) -> pd.Series:
    """event_date in any of ACLED's three export forms, as 00:00 UTC of that date.

    ACLED dates are local dates; 00:00 UTC is 02:00 or 03:00 in Kyiv, still the same day, so the
    event is reported on the date ACLED gives.
    """
    text = raw["event_date"].str.strip()
    iso = text.str.extract(r"^(\d{4})-(\d{2})-(\d{2})$")
    slash = text.str.extract(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
    named = text.str.extract(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$")
    parts = pd.DataFrame({
        "year": number(iso[0]).fillna(number(slash[2])).fillna(number(named[2])),
        "month": number(iso[1]).fillna(number(slash[1])).fillna(named[1].str.lower().map(MONTHS)),
        "day": number(iso[2]).fillna(number(slash[0])).fillna(number(named[0])),
    })
    form = iso[0].notna() | slash[0].notna() | named[1].str.lower().isin(MONTHS)
    note(reasons, ~form, "event_date", f"not {DATE_FORMS}", text)
    swapped = slash[0].notna() & (parts["month"] > 12) & (parts["day"] <= 12)
    note(reasons, swapped, "event_date", "month first, not DD/MM/YYYY", text)
    if month_first_line is not None:
        ambiguous = slash[0].notna() & (parts["month"] <= 12) & (parts["day"] <= 12)
        note(reasons, ambiguous, "event_date",
             f"ambiguous day/month order (line {month_first_line} of this file is month-first)", text)
    dates = pd.to_datetime(parts.where(form), errors="coerce", utc=True)
    note(reasons, form & dates.isna(), "event_date", "no such date", text)
    return dates


def _precision(raw: pd.DataFrame, column: str, mapping: dict[int, float], reasons: pd.Series) -> pd.Series:
    if column not in raw.columns:
        return pd.Series(mapping[COARSEST], index=raw.index)
    value = number(raw[column]).map(mapping)
    note(reasons, value.isna(), column, "not 1, 2 or 3", raw[column])
    return value
