"""Ingest one feed file: parse -> validate -> COPY into staging -> merge on (feed, source_id).

Every row read ends in exactly one place: loaded (new or updated observation), quarantined in
rejected_row with a reason, or counted as a duplicate (of an earlier line in the file, quarantined
with the line it repeats; or of an identical stored row). The load is one transaction: a file that
fails half-way leaves the database as it was, plus a `failed` batch row saying why.

The file goes through in chunks, so memory stays flat however long the file is. A thread parses and
validates chunk N+1 while the database copies and merges chunk N (psycopg releases the GIL while it
waits for the server): on a 2-core machine the Python work then costs little beyond the database's.
Each chunk reaches staging as binary COPY, sorted by source_id so the merge inserts in index order;
a chunk whose source_ids are all new to the feed is inserted plainly, others go through
INSERT ... ON CONFLICT. Loads of one feed take turns (an advisory lock until commit) so that "new"
stays true until the insert.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection, Engine

from linewatch.db import raw_connection, run_sql
from linewatch.feeds import parser_for
from linewatch.observation import Reject, validate

log = logging.getLogger(__name__)

# Staging columns with their PostgreSQL binary COPY kinds (see `binary_copy_rows`).
STAGING_COLUMNS = (("source_id", "text"), ("observed_at", "timestamptz"), ("reported_at", "timestamptz"),
                   ("lon", "float8"), ("lat", "float8"), ("uncertainty_m", "float8"),
                   ("time_precision_s", "int4"), ("kind", "text"), ("weapon_class", "text"),
                   ("weapon_count", "int4"), ("bearing_deg", "float8"), ("source_reliability", "text"),
                   ("confidence", "float8"), ("attributes", "jsonb"))
# Rows per chunk: large enough that per-chunk costs vanish, small enough that the database starts early
# and the last chunk's merge (which nothing overlaps) is short.
CHUNK_ROWS = 50_000

T = TypeVar("T")


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


# --- binary COPY ---------------------------------------------------------------------------------

PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
PGCOPY_TRAILER = b"\xff\xff"
_FIXED = {"int4": ">i4", "int8": ">i8", "float8": ">f8", "timestamptz": ">i8"}
_NULL = -1
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01T00:00Z, in microseconds since 1970-01-01


def binary_copy_rows(columns: Sequence[tuple[str, object]], encoding: str = "utf-8") -> bytes:
    """The tuples of a `COPY ... FROM STDIN (FORMAT binary)` stream (no header or trailer).

    `columns` are (kind, values) in table order; kinds: int4, int8, float8, timestamptz (UTC),
    text, jsonb, bytea (bytes sent as they are, e.g. EWKB for a geometry column). Nulls are None,
    NaN or NaT. Runs of fixed-width fields are built as one numpy record per row and the rows are
    joined with the variable-width values in one bytes.join: no Python call per field.
    """
    n = len(columns[0][1])
    segments: list[list[bytes]] = []  # per row, the row is these segments' items concatenated
    record: list[tuple[str, object]] = [(">i2", len(columns))]  # fixed-width fields, as (dtype, values)

    def end_record() -> None:
        if record:
            fields = np.empty(n, dtype=[(f"f{i}", dt) for i, (dt, _) in enumerate(record)])
            for i, (_, values) in enumerate(record):
                fields[f"f{i}"] = values
            segments.append(fields.view(np.dtype((np.void, fields.dtype.itemsize))).tolist())
            record.clear()

    for kind, values in columns:
        if kind in _FIXED:
            data, null = _fixed_width(kind, values)
            width = np.dtype(_FIXED[kind]).itemsize
            if not null.any():
                record.extend([(">i4", width), (_FIXED[kind], data)])
            elif null.all():
                record.append((">i4", _NULL))
            else:  # some nulls: this field's width varies, so it is a segment of its own
                end_record()
                record.extend([(">i4", np.where(null, _NULL, width)), (_FIXED[kind], data)])
                end_record()
                items = segments[-1]
                for i in np.flatnonzero(null).tolist():
                    items[i] = items[i][:4]
        else:
            items, null = _variable_width(kind, values, encoding)
            if null.all():
                record.append((">i4", _NULL))
                continue
            lengths = np.fromiter(map(len, items), dtype=np.int32, count=n)
            if not null.any() and lengths.min() == lengths.max():  # e.g. one kind throughout: fixed width
                record.append((">i4", lengths[0]))
                if lengths[0]:
                    record.append((f"S{lengths[0]}", items))
                continue
            record.append((">i4", np.where(null, _NULL, lengths)))
            end_record()
            segments.append(items)
    end_record()
    return b"".join(chain.from_iterable(zip(*segments, strict=True)))


def _fixed_width(kind: str, values) -> tuple[np.ndarray, np.ndarray]:
    series = pd.Series(values, copy=False)
    null = series.isna().to_numpy()
    if kind == "timestamptz":
        utc = pd.to_datetime(series, utc=True).dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        data = utc.view(np.int64) - _PG_EPOCH_US
    elif kind == "float8":
        data = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        data = series.to_numpy(dtype=np.int64, na_value=0)
    return np.where(null, 0, data), null


def _variable_width(kind: str, values, encoding: str) -> tuple[list[bytes], np.ndarray]:
    """The values as bytes (b"" where null) and where they are null."""
    series = pd.Series(values, copy=False)
    null = series.isna().to_numpy()
    if null.all():
        return [], null
    items = series.tolist()
    if kind != "bytea":
        prefix = b"\x01" if kind == "jsonb" else b""  # jsonb's binary form: a version byte, then the text
        if null.any():
            items = [b"" if missing else prefix + v.encode(encoding) for v, missing in zip(items, null, strict=True)]
        elif prefix:
            items = [prefix + v.encode(encoding) for v in items]
        else:
            items = [v.encode(encoding) for v in items]
    elif null.any():
        items = [b"" if missing else v for v, missing in zip(items, null, strict=True)]
    return items, null


def _copy_binary(conn: Connection, table_and_columns: str, payload: bytes) -> None:
    with raw_connection(conn).cursor() as cur, cur.copy(f"COPY {table_and_columns} FROM STDIN (FORMAT binary)") as copy:
        copy.write(PGCOPY_HEADER)
        copy.write(payload)
        copy.write(PGCOPY_TRAILER)


def _copy_rejects(conn: Connection, batch_id: int, rejects: list[Reject]) -> None:
    if not rejects:
        return
    with raw_connection(conn).cursor() as cur, cur.copy(
        "COPY linewatch.rejected_row (batch_id, line_number, raw, reason, is_duplicate) FROM STDIN"
    ) as copy:
        for r in rejects:
            copy.write_row((batch_id, r.line_number, r.raw, r.reason, r.is_duplicate))


# --- the pipeline --------------------------------------------------------------------------------

@dataclass
class _Chunk:
    """One chunk of the file, parsed, validated and encoded: ready for the database."""
    rows_read: int
    rejects: list[Reject]  # rows the parser or validation refused, and repeats of earlier lines
    staged: int  # rows in `payload`, each source_id once in the whole file
    payload: bytes  # binary COPY tuples for observation_staging


class _Clock(Counter):
    """Seconds spent per step, for the log line that says where a load's time went."""

    @contextmanager
    def step(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self[name] += time.perf_counter() - start

    def of(self, names: Sequence[str]) -> str:
        return ", ".join(f"{name} {self[name]:.1f} s" for name in names)


PARSING_STEPS = ("parse", "validate", "encode")  # in the parsing thread
DATABASE_STEPS = ("wait", "copy", "merge")  # in the loading thread; wait = for the parsing thread


def quote_literal(text: str) -> str:
    """PostgreSQL's quote_literal (format's %L): quotes doubled; with a backslash, E'' and backslashes doubled."""
    quoted = text.replace("'", "''")
    if "\\" in text:
        return "E'" + quoted.replace("\\", "\\\\") + "'"
    return "'" + quoted + "'"


def _without_repeats(good: pd.DataFrame, first_line: dict[str, int]) -> tuple[pd.DataFrame, list[Reject]]:
    """Drop rows whose source_id came earlier in the file (first_line: every source_id so far -> its line).

    The repeats are quarantined as duplicates naming the line they repeat; the first occurrence loads.
    """
    ids, lines = good["source_id"].tolist(), good["_line"].tolist()
    if not good["source_id"].duplicated().any() and first_line.keys().isdisjoint(ids):
        first_line.update(zip(ids, lines, strict=True))  # the usual case, without a Python loop
        return good, []
    repeats, keep = [], np.ones(len(ids), dtype=bool)
    for i, (source_id, line) in enumerate(zip(ids, lines, strict=True)):
        first = first_line.setdefault(source_id, line)
        if first != line:
            keep[i] = False
            repeats.append(Reject(line, good["_raw"].iat[i],
                                  f"duplicate: source_id {quote_literal(source_id)} already at line {first}", True))
    return good[keep], repeats


def _staging_payload(good: pd.DataFrame, encoding: str) -> bytes:
    # In source_id order, the merge's inserts into the unique index land next to each other.
    good = good.sort_values("source_id")
    return binary_copy_rows([(kind, good[name]) for name, kind in STAGING_COLUMNS], encoding)


def _prepared(path: Path, fmt: str, chunk_rows: int, encoding: str, clock: _Clock,
              area: tuple[float, float, float, float] | None) -> Iterator[_Chunk]:
    chunks, first_line = parser_for(fmt)(path, chunk_rows), {}
    while True:
        with clock.step("parse"):
            chunk = next(chunks, None)
        if chunk is None:
            return
        with clock.step("validate"):
            good, rejects = validate(chunk, area=area)
            good, repeats = _without_repeats(good, first_line)
        with clock.step("encode"):
            payload = _staging_payload(good, encoding) if len(good) else b""
        yield _Chunk(len(chunk), rejects + repeats, len(good), payload)


def _in_background(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Yield what `items` yields, producing the next ones in a thread meanwhile; its errors are raised here."""
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop, end = threading.Event(), object()

    def put(item) -> None:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return
            except queue.Full:
                pass

    def produce() -> None:
        try:
            for item in items:
                put((item, None))
                if stop.is_set():
                    return
            put((end, None))
        except BaseException as exc:  # handed to the consumer, which raises it in its own thread
            put((end, exc))

    thread = threading.Thread(target=produce, name="ingest-parse", daemon=True)
    thread.start()
    try:
        while True:
            item, error = handoff.get()
            if item is end:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


# How far beyond the national outline's extent observations are still in the mission's area (degrees).
MISSION_AREA_MARGIN_DEG = 1.0


def mission_area(conn: Connection) -> tuple[float, float, float, float] | None:
    row = run_sql(conn, "ingest/mission_area.sql", {"margin_deg": MISSION_AREA_MARGIN_DEG}).one()
    return None if row.min_lon is None else tuple(row)


def ingest_file(engine: Engine, path: Path, feed: str, fmt: str, tz: str = "Europe/Kyiv",
                chunk_rows: int = CHUNK_ROWS) -> IngestResult:
    """Load one file of format `fmt` under feed name `feed`; idempotent for identical content."""
    path = Path(path)
    parser_for(fmt)  # an unknown format fails here, before any batch is recorded
    sha = file_sha256(path)
    result = IngestResult(feed=feed, file_name=path.name, sha256=sha, status="loaded")
    with engine.begin() as conn:
        done = run_sql(conn, "ingest/find_loaded_batch.sql", {"feed": feed, "sha256": sha}).mappings().first()
    if done:
        log.info("%s: identical to batch %s, already loaded; skipped", path.name, done["batch_id"])
        result.status, result.batch_id = "skipped", done["batch_id"]
        return result
    clock, started = _Clock(), time.perf_counter()
    try:
        with engine.begin() as conn:
            run_sql(conn, "ingest/lock_feed.sql", {"feed": feed})
            result.batch_id = run_sql(conn, "ingest/start_batch.sql", {
                "feed": feed, "format": fmt, "file_name": path.name, "sha256": sha}).scalar_one()
            run_sql(conn, "ingest/create_staging.sql")
            prepared = _prepared(path, fmt, chunk_rows, raw_connection(conn).info.encoding, clock,
                                 mission_area(conn))
            with closing(_in_background(prepared)) as chunks:
                coverage = _load(conn, chunks, feed, tz, result, clock)
            run_sql(conn, "ingest/finish_batch.sql", {
                "batch_id": result.batch_id, "rows_read": result.rows_read, "rows_loaded": result.rows_loaded,
                "rows_updated": result.rows_updated, "rows_rejected": result.rows_rejected,
                "rows_duplicate": result.rows_duplicate, "coverage_start": min(coverage, default=None),
                "coverage_end": max(coverage, default=None)})
    except Exception as exc:
        message = f"{path.name}: {type(exc).__name__}: {exc}"
        _record_failure(engine, feed, fmt, path.name, sha, message)
        raise IngestError(message) from exc
    log.info("%s: %d rows in %.1f s (parsing thread: %s; database: %s)", path.name, result.rows_read,
             time.perf_counter() - started, clock.of(PARSING_STEPS), clock.of(DATABASE_STEPS))
    return result


def _load(conn: Connection, chunks: Iterator[_Chunk], feed: str, tz: str, result: IngestResult,
          clock: _Clock) -> list:
    """Copy and merge the chunks, counting into `result`; the staged observed_at extremes (coverage)."""
    coverage, days = [], set()
    staging = "observation_staging (" + ", ".join(name for name, _ in STAGING_COLUMNS) + ")"
    while True:
        with clock.step("wait"):
            chunk = next(chunks, None)
        if chunk is None:
            break
        result.rows_read += chunk.rows_read
        duplicates = sum(r.is_duplicate for r in chunk.rejects)
        result.rows_rejected += len(chunk.rejects) - duplicates
        result.rows_duplicate += duplicates
        with clock.step("copy"):
            _copy_rejects(conn, result.batch_id, chunk.rejects)
            if chunk.staged:
                run_sql(conn, "ingest/clear_staging.sql")
                _copy_binary(conn, staging, chunk.payload)
        if not chunk.staged:
            continue
        with clock.step("merge"):
            params = {"feed": feed, "batch_id": result.batch_id}
            if run_sql(conn, "ingest/staged_are_new.sql", params).scalar_one():
                loaded, updated = run_sql(conn, "ingest/insert_observations.sql", params).rowcount, 0
            else:
                loaded, updated = run_sql(conn, "ingest/merge_observations.sql", params).one()
            staged = run_sql(conn, "ingest/staged_days.sql", {"tz": tz}).mappings().one()
        result.rows_loaded += loaded
        result.rows_updated += updated
        result.rows_duplicate += chunk.staged - loaded - updated
        coverage += [staged["coverage_start"], staged["coverage_end"]]
        days.update(staged["days"])
    result.days = sorted(days)
    return coverage


def _record_failure(engine: Engine, feed: str, fmt: str, file_name: str, sha: str, message: str) -> None:
    try:
        with engine.begin() as conn:
            run_sql(conn, "ingest/record_failed_batch.sql", {
                "feed": feed, "format": fmt, "file_name": file_name, "sha256": sha, "error": message[:2000]})
    except Exception:  # the database itself may be gone; the original error is what matters
        log.exception("could not record the failed batch for %s", file_name)
