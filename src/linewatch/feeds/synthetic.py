"""The mission's synthetic observation feed (the format `linewatch simulate` writes).

Columns: report_id, observed_at (ISO-8601, UTC), lat, lon, kind, weapon_class, weapon_count,
uncertainty_m, sensor, reliability, notes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from linewatch.feeds.csvfile import blank_to_none, parse_utc, read_chunks

COLUMNS = ("report_id", "observed_at", "lat", "lon", "kind", "weapon_class", "weapon_count",
           "uncertainty_m", "sensor", "reliability", "notes")


def parse(path: Path, chunk_rows: int = 100_000) -> Iterator[pd.DataFrame]:
    for raw in read_chunks(path, COLUMNS, chunk_rows):
        frame = pd.DataFrame(index=raw.index)
        frame["source_id"] = blank_to_none(raw["report_id"])
        frame["observed_at"] = parse_utc(raw["observed_at"])
        frame["lat"] = pd.to_numeric(raw["lat"], errors="coerce")
        frame["lon"] = pd.to_numeric(raw["lon"], errors="coerce")
        frame["kind"] = blank_to_none(raw["kind"])
        frame["weapon_class"] = blank_to_none(raw["weapon_class"])
        frame["weapon_count"] = pd.to_numeric(raw["weapon_count"], errors="coerce").astype("Int64")
        frame["uncertainty_m"] = pd.to_numeric(raw["uncertainty_m"], errors="coerce")
        frame["source_reliability"] = blank_to_none(raw["reliability"])
        frame["attributes"] = [
            json.dumps({"sensor": s, "notes": n}, ensure_ascii=False, sort_keys=True)
            for s, n in zip(raw["sensor"], raw["notes"], strict=True)
        ]
        frame["_line"], frame["_raw"] = raw["_line"], raw["_raw"]
        reason = raw["_reason"].copy()
        bad_time = frame["observed_at"].isna() & (raw["observed_at"].str.strip() != "") & reason.isna()
        reason[bad_time] = "observed_at: not an ISO-8601 timestamp ('" + raw.loc[bad_time, "observed_at"] + "')"
        bad_lat = frame["lat"].isna() & (raw["lat"].str.strip() != "") & reason.isna()
        reason[bad_lat] = "lat: not a number ('" + raw.loc[bad_lat, "lat"] + "')"
        bad_lon = frame["lon"].isna() & (raw["lon"].str.strip() != "") & reason.isna()
        reason[bad_lon] = "lon: not a number ('" + raw.loc[bad_lon, "lon"] + "')"
        for column in ("weapon_count", "uncertainty_m"):
            bad = frame[column].isna() & (raw[column].str.strip() != "") & reason.isna()
            reason[bad] = f"{column}: not a number ('" + raw.loc[bad, column] + "')"
        frame["uncertainty_m"] = frame["uncertainty_m"].fillna(0.0)
        frame["_reason"] = reason
        yield frame
