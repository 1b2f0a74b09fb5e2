"""Write small feed files in the synthetic format for tests (through the real parser and loader)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from linewatch.sample import FIELDS


def write_synthetic(path: Path, observations: list[dict]) -> Path:
    """observations: dicts with report_id, at (datetime), lon, lat, kind and optional fields."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        for o in observations:
            at: datetime = o["at"]
            writer.writerow([o["report_id"], at.strftime("%Y-%m-%dT%H:%M:%SZ"), f"{o['lat']:.7f}", f"{o['lon']:.7f}",
                             o["kind"], o.get("weapon_class", ""), o.get("weapon_count", ""),
                             o.get("uncertainty_m", 100), o.get("sensor", "patrol"), o.get("reliability", "B"),
                             o.get("notes", "")])
    return path


def parse_and_validate(parse, path: Path, chunk_rows: int, now: datetime):
    """Run a feed parser and the common validation over a file in small chunks (so that no parser state
    may depend on chunk boundaries): (loaded rows indexed by line, {line: reject reason}, rows read)."""
    import pandas as pd

    from linewatch.observation import validate

    loaded, rejects, read = [], {}, 0
    for chunk in parse(path, chunk_rows):
        good, bad = validate(chunk, now=now)
        loaded.append(good)
        rejects.update({r.line_number: r.reason for r in bad})
        read += len(chunk)
    return pd.concat(loaded).set_index("_line"), rejects, read


def utc(text: str):
    import pandas as pd

    return pd.Timestamp(text, tz="UTC")
