"""Publish a day's report: summary -> files under reports/<date>/v<N>/ -> a daily_report row.

A new version is written only when the content changed (its hash differs from the latest version's);
re-running without new data writes nothing. Earlier versions stay on disk and in the table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from linewatch.config import Config
from linewatch.db import run_sql
from linewatch.periods import day_bounds
from linewatch.report.summary import build_summary, map_layers

VOLATILE = ("generated_at", "version", "change_note")


@dataclass(frozen=True)
class Published:
    day: date
    version: int
    new: bool
    html: Path
    content_hash: str


def content_hash(summary: dict) -> str:
    stable = {k: v for k, v in summary.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def change_note(old: dict, new: dict) -> str:
    """What changed since the previous version, in the headline numbers."""
    changes = [
        f"{key.replace('_', ' ')} {old['totals'].get(key)} -> {value}"
        for key, value in sorted(new["totals"].items())
        if old["totals"].get(key) != value
    ]
    return "Late data revised this report: " + "; ".join(changes) if changes else "Revised: details changed."


def publish_daily_report(engine: Engine, day: date, config: Config, reports_dir: Path) -> Published:
    from linewatch.report.render import render_report

    with engine.begin() as conn:
        summary = json.loads(json.dumps(build_summary(conn, day, config), default=str))
        digest = content_hash(summary)
        latest = run_sql(conn, "report/latest_version.sql", {"day": day}).mappings().first()
        if latest and latest["content_hash"] == digest:
            return Published(day, latest["version"], False, Path(latest["files"]["html"]), digest)
        version = latest["version"] + 1 if latest else 1
        summary["version"] = version
        summary["change_note"] = change_note(latest["summary"], summary) if latest else ""
        summary["generated_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()
        layers = map_layers(conn, day, config)
        out_dir = Path(reports_dir) / day.isoformat() / f"v{version}"
        files = render_report(summary, layers, out_dir)
        start, end = day_bounds(day, config.timezone)
        run_sql(conn, "report/insert_version.sql", {
            "day": day, "version": version, "period_start": start, "period_end": end,
            "content_hash": digest, "summary": json.dumps(summary, sort_keys=True),
            "files": json.dumps({k: str(v) for k, v in sorted(files.items())}),
            "change_note": summary["change_note"],
        })
    return Published(day, version, True, Path(files["html"]), digest)
