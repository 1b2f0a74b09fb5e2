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
