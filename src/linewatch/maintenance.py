"""Housekeeping of the data database: planner statistics and retention (SQL in sql/maintenance/).

Retention is measured back from an explicit `as_of` instant (the maintenance run's data interval end),
so running the same day twice deletes the same rows. Each day's latest report version is never deleted:
earlier versions go only after `report_version_retention_days`, and the files of a deleted version go
with its row.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from linewatch.config import Operations
from linewatch.db import SCHEMA, run_sql

log = logging.getLogger(__name__)


@dataclass
class RetentionResult:
    rejected_rows: int = 0
    failed_batches: int = 0
    report_versions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def analyze_tables(engine: Engine) -> list[str]:
    """ANALYZE every linewatch table, so the planner knows today's row counts and value spread."""
    with engine.begin() as conn:
        tables = list(run_sql(conn, "maintenance/tables.sql").scalars())
        quote = conn.dialect.identifier_preparer.quote
        for table in tables:  # names come from the catalogue, quoted as identifiers
            conn.execute(sa.text(f"ANALYZE {quote(SCHEMA)}.{quote(table)}"))
    return tables


def purge_quarantine(conn: Connection, as_of: datetime, rejected_days: int, failed_batch_days: int,
                     feed: str | None = None) -> tuple[int, int]:
    """Delete quarantined rows and failed batches older than their retention; returns both counts."""
    rejected = run_sql(conn, "maintenance/purge_rejected_rows.sql", {
        "cutoff": as_of - timedelta(days=rejected_days), "feed": feed}).rowcount
    failed = run_sql(conn, "maintenance/purge_failed_batches.sql", {
        "cutoff": as_of - timedelta(days=failed_batch_days), "feed": feed}).rowcount
    return rejected, failed


def _version_folder(files: dict, reports_dir: Path) -> Path | None:
    """The reports/<date>/v<N>/ folder of a version's files, if it lies inside `reports_dir`."""
    folders = {Path(p).resolve().parent for p in files.values()}
    if len(folders) != 1:
        return None
    folder = folders.pop()
    root = Path(reports_dir).resolve()
    return folder if root in folder.parents and folder.name.startswith("v") else None


def purge_report_versions(conn: Connection, as_of: datetime, days: int,
                          reports_dir: Path) -> dict[str, Path | None]:
    """Delete the rows of report versions generated more than `days` before `as_of`, except each day's
    latest; returns '<date> v<N>' -> its folder, for the caller to remove once the deletion commits."""
    deleted = run_sql(conn, "maintenance/purge_report_versions.sql",
                      {"cutoff": as_of - timedelta(days=days)}).mappings().all()
    folders = {}
    for row in deleted:
        name = f"{row['report_date']} v{row['version']}"
        folders[name] = _version_folder(row["files"], reports_dir)
        if folders[name] is None:
            log.warning("report %s: files %s are not in one version folder under %s; left on disk",
                        name, row["files"], reports_dir)
    return folders


def apply_retention(engine: Engine, as_of: datetime, operations: Operations, reports_dir: Path,
                    feed: str | None = None) -> RetentionResult:
    """All retention in one transaction: the rows go together or not at all."""
    result = RetentionResult()
    with engine.begin() as conn:
        result.rejected_rows, result.failed_batches = purge_quarantine(
            conn, as_of, operations.rejected_retention_days, operations.failed_batch_retention_days, feed)
        folders = purge_report_versions(conn, as_of, operations.report_version_retention_days, reports_dir)
    # Files go after the rows are gone for good: a failed commit must not leave rows without files.
    for folder in folders.values():
        if folder is not None and folder.exists():
            shutil.rmtree(folder)
    result.report_versions = sorted(folders)
    log.info("retention as of %s: %s rejected rows, %s failed batches, report versions %s", as_of,
             result.rejected_rows, result.failed_batches, result.report_versions or "none")
    return result
