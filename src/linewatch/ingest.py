"""Ingest one feed file: parse -> validate -> COPY into staging -> merge on (feed, source_id).

Every row read ends in exactly one place: loaded (new or updated observation), quarantined in
rejected_row with a reason, or counted as a duplicate (of an earlier line in the file, quarantined
with the line it repeats; or of an identical stored row). The load is one transaction: a file that
fails half-way leaves the database as it was, plus a `failed` batch row saying why.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from linewatch.db import raw_connection, run_sql
from linewatch.feeds import parser_for
from linewatch.observation import Reject, validate

log = logging.getLogger(__name__)

STAGING_COLUMNS = ("line_number", "source_id", "observed_at", "reported_at", "lon", "lat", "uncertainty_m",
                   "time_precision_s", "kind", "weapon_class", "weapon_count", "bearing_deg",
                   "source_reliability", "confidence", "attributes", "raw")
CHUNK_ROWS = 100_000


class IngestError(RuntimeError):
    """A feed file could not be loaded; its batch is recorded as failed with this message."""


@dataclass
class IngestResult:
    feed: str
    file_name: str
    sha256: str
    status: str  # loaded | skipped (identical re-delivery) | failed
    batch_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    days: list[date] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["days"] = [day.isoformat() for day in self.days]
        return d


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_rows(conn: Connection, frame: pd.DataFrame) -> None:
    """COPY a validated frame into the staging table (CSV text: pandas writes it in C)."""
    out = pd.DataFrame({
        "line_number": frame["_line"],
        "source_id": frame["source_id"],
        "observed_at": frame["observed_at"],
        "reported_at": frame["reported_at"],
        "lon": frame["lon"].map(repr),
        "lat": frame["lat"].map(repr),
        "uncertainty_m": frame["uncertainty_m"],
        "time_precision_s": frame["time_precision_s"],
        "kind": frame["kind"],
        "weapon_class": frame["weapon_class"],
        "weapon_count": frame["weapon_count"],
        "bearing_deg": frame["bearing_deg"],
        "source_reliability": frame["source_reliability"],
        "confidence": frame["confidence"],
        "attributes": frame["attributes"],
        "raw": frame["_raw"],
    })
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, header=False, date_format="%Y-%m-%dT%H:%M:%S.%f%z")
    columns = ", ".join(STAGING_COLUMNS)
    with raw_connection(conn).cursor() as cur, cur.copy(
        f"COPY observation_staging ({columns}) FROM STDIN (FORMAT csv)"
    ) as copy:
        copy.write(buffer.getvalue())


def _copy_rejects(conn: Connection, batch_id: int, rejects: list[Reject]) -> None:
    if not rejects:
        return
    with raw_connection(conn).cursor() as cur, cur.copy(
        "COPY linewatch.rejected_row (batch_id, line_number, raw, reason, is_duplicate) FROM STDIN"
    ) as copy:
        for r in rejects:
            copy.write_row((batch_id, r.line_number, r.raw, r.reason, r.is_duplicate))


def ingest_file(engine: Engine, path: Path, feed: str, fmt: str, tz: str = "Europe/Kyiv",
                chunk_rows: int = CHUNK_ROWS) -> IngestResult:
    """Load one file of format `fmt` under feed name `feed`; idempotent for identical content."""
    path = Path(path)
    parse = parser_for(fmt)
    sha = file_sha256(path)
    result = IngestResult(feed=feed, file_name=path.name, sha256=sha, status="loaded")
    with engine.begin() as conn:
        done = run_sql(conn, "ingest/find_loaded_batch.sql", {"feed": feed, "sha256": sha}).mappings().first()
    if done:
        log.info("%s: identical to batch %s, already loaded; skipped", path.name, done["batch_id"])
        result.status, result.batch_id = "skipped", done["batch_id"]
        return result
    try:
        with engine.begin() as conn:
            result.batch_id = run_sql(conn, "ingest/start_batch.sql", {
                "feed": feed, "format": fmt, "file_name": path.name, "sha256": sha}).scalar_one()
            run_sql(conn, "ingest/create_staging.sql")
            for chunk in parse(path, chunk_rows):
                good, rejects = validate(chunk)
                result.rows_read += len(chunk)
                parser_dups = sum(r.is_duplicate for r in rejects)
                result.rows_rejected += len(rejects) - parser_dups
                result.rows_duplicate += parser_dups
                _copy_rejects(conn, result.batch_id, rejects)
                if len(good):
                    _copy_rows(conn, good)
            in_file_dups = run_sql(conn, "ingest/quarantine_duplicates.sql", {"batch_id": result.batch_id}).rowcount
            merged = run_sql(conn, "ingest/merge_observations.sql",
                             {"feed": feed, "batch_id": result.batch_id}).mappings().one()
            staged = run_sql(conn, "ingest/staged_days.sql", {"tz": tz}).mappings().one()
            result.rows_loaded, result.rows_updated = merged["loaded"], merged["updated"]
            result.rows_duplicate += in_file_dups + merged["unique_rows"] - merged["loaded"] - merged["updated"]
            result.days = list(staged["days"])
            run_sql(conn, "ingest/finish_batch.sql", {
                "batch_id": result.batch_id, "rows_read": result.rows_read, "rows_loaded": result.rows_loaded,
                "rows_updated": result.rows_updated, "rows_rejected": result.rows_rejected,
                "rows_duplicate": result.rows_duplicate, "coverage_start": staged["coverage_start"],
                "coverage_end": staged["coverage_end"]})
    except Exception as exc:
        message = f"{path.name}: {type(exc).__name__}: {exc}"
        _record_failure(engine, feed, fmt, path.name, sha, message)
        raise IngestError(message) from exc
    return result


def _record_failure(engine: Engine, feed: str, fmt: str, file_name: str, sha: str, message: str) -> None:
    try:
        with engine.begin() as conn:
            run_sql(conn, "ingest/record_failed_batch.sql", {
                "feed": feed, "format": fmt, "file_name": file_name, "sha256": sha, "error": message[:2000]})
    except Exception:  # the database itself may be gone; the original error is what matters
        log.exception("could not record the failed batch for %s", file_name)
