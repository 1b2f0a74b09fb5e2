"""Publish a period's report: summary -> files under reports/<key>/v<N>/ -> its version record -> index.

A new version is written only when the content changed (its hash differs from the latest version's);
re-running without new data writes nothing. Earlier versions stay on disk and in their record.

Where versions are recorded: a daily report in the configured period style is a row of `daily_report`
(one per day and version). Any other period (`--from/--to`, or a style other than the configured one)
would collide with those rows, so its versions are recorded by the folders themselves: each version
folder holds its `summary.json`, and the latest folder's summary gives the hash to compare with.
After every new version `reports/index.html` is regenerated.

Files appear atomically with their record: a version is rendered into a hidden folder beside its
final one and renamed into place just before the transaction that records it commits, under a
per-period lock. A publish that fails leaves no version folder; a leftover unrecorded folder of the
same number (a failure during commit itself) is replaced by the next publish.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from linewatch.config import Config
from linewatch.db import run_sql
from linewatch.periods import Period
from linewatch.report.summary import as_period, build_summary, map_layers

VOLATILE = ("generated_at", "version", "change_note")
SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class Published:
    day: date
    version: int
    new: bool
    html: Path
    content_hash: str
    period_key: str = ""


def content_hash(summary: dict) -> str:
    stable = {k: v for k, v in summary.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()


def change_note(old: dict, new: dict) -> str:
    """What changed since the previous version: headline numbers, then sector by sector, then incidents."""
    changes = [
        f"{key.replace('_', ' ')} {old['totals'].get(key)} -> {value}"
        for key, value in sorted(new["totals"].items())
        if key in ("observations", "flagged", "incidents", "violations", "explosions")
        and old["totals"].get(key) != value
    ]
    before = {s["sector"]: s for s in old.get("sectors", [])}
    for sector in new.get("sectors", []):
        was = before.get(sector["sector"], {})
        moved = [f"{key} {was.get(key, 0)} -> {sector[key]}" for key in ("violations", "explosions")
                 if was.get(key, 0) != sector[key]]
        if moved:
            changes.append(f"{sector['sector']} sector: " + ", ".join(moved))
    old_ids = {i["incident_id"] for i in old.get("incidents", [])}
    new_ids = {i["incident_id"] for i in new.get("incidents", [])}
    if new_ids - old_ids or old_ids - new_ids:
        changes.append(f"incidents added {len(new_ids - old_ids)}, removed {len(old_ids - new_ids)}")
    if not changes:
        return "Revised: details changed (places, coverage or provenance), no counts."
    return "Late data revised this report: " + "; ".join(changes) + "."


def is_daily(period: Period, config: Config) -> bool:
    return period.days == 1 and period.style == config.report.period


def _latest_on_disk(folder: Path) -> dict | None:
    versions = sorted((int(p.name[1:]), p) for p in folder.glob("v*") if p.name[1:].isdigit()
                      and (p / SUMMARY_FILE).exists())
    if not versions:
        return None
    number, path = versions[-1]
    summary = json.loads((path / SUMMARY_FILE).read_text(encoding="utf-8"))
    return {"version": number, "content_hash": content_hash(summary), "summary": summary,
            "files": {"html": str(path / "report.html")}}


def publish_report(engine: Engine, period: Period, config: Config, reports_dir: Path) -> Published:
    from linewatch.report.index import write_index
    from linewatch.report.render import render_report

    daily = is_daily(period, config)
    folder = Path(reports_dir) / period.key
    with engine.begin() as conn:
        run_sql(conn, "report/lock_period.sql", {"lock_key": f"linewatch.report:{period.key}"})
        summary = build_summary(conn, period, config)  # JSON types only: hashable as it is
        digest = content_hash(summary)
        if daily:
            latest = run_sql(conn, "report/latest_version.sql", {"day": period.last}).mappings().first()
        else:
            latest = _latest_on_disk(folder)
        if latest and latest["content_hash"] == digest:
            published = Published(period.last, latest["version"], False, Path(latest["files"]["html"]), digest,
                                  period.key)
            if not (Path(reports_dir) / "index.html").exists():
                write_index(conn, Path(reports_dir))
            return published
        version = latest["version"] + 1 if latest else 1
        summary["version"] = version
        summary["change_note"] = change_note(latest["summary"], summary) if latest else ""
        summary["generated_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()
        layers = map_layers(conn, period, config)
        out_dir = folder / f"v{version}"
        partial = folder / f".v{version}.partial-{os.getpid()}"
        try:
            rendered = render_report(summary, layers, partial, top_incidents=config.report.top_incidents)
            stored = json.dumps(summary, sort_keys=True)
            (partial / SUMMARY_FILE).write_text(stored + "\n", encoding="utf-8")
            files = {k: out_dir / Path(v).relative_to(partial) for k, v in rendered.items()}
            files["summary"] = out_dir / SUMMARY_FILE
            if daily:
                run_sql(conn, "report/insert_version.sql", {
                    "day": period.last, "version": version, "period_start": period.start,
                    "period_end": period.end, "content_hash": digest, "summary": stored,
                    "files": json.dumps({k: str(v) for k, v in sorted(files.items())}),
                    "change_note": summary["change_note"],
                })
            if out_dir.exists():  # unrecorded: left by a publish that failed while committing
                shutil.rmtree(out_dir)
            partial.rename(out_dir)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        write_index(conn, Path(reports_dir))
    return Published(period.last, version, True, Path(files["html"]), digest, period.key)


def publish_daily_report(engine: Engine, day: date | Period, config: Config, reports_dir: Path) -> Published:
    """The report of one day in the configured period style (or of any `Period`)."""
    return publish_report(engine, as_period(day, config), config, reports_dir)
