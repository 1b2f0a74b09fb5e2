"""Ingest against the real PostGIS: every row loaded or quarantined, idempotent, revisions, atomic failure."""

from __future__ import annotations

import csv
import shutil

import pytest

from linewatch.ingest import IngestError, ingest_file
from tests.conftest import SAMPLE, count, rows

DAY1 = SAMPLE / "feeds/patrol/patrol_2026-11-01.csv"


def test_every_row_is_loaded_or_quarantined(db):
    result = ingest_file(db, DAY1, "patrol", "synthetic")
    with DAY1.open(newline="") as fh:
        lines = list(csv.reader(fh))[1:]
    assert result.rows_read == len(lines)
    assert result.rows_read == result.rows_loaded + result.rows_updated + result.rows_rejected + result.rows_duplicate
    assert result.rows_rejected == 7 and result.rows_duplicate == 3
    assert count(db, "SELECT count(*) FROM linewatch.observation") == result.rows_loaded
    assert count(db, "SELECT count(*) FROM linewatch.rejected_row") == result.rows_rejected + result.rows_duplicate
    # Every good source_id is in the database, none of the bad ones.
    good_ids = {r[0] for r in lines if r[0] and not r[0].startswith("BAD-")}
    assert count(db, "SELECT count(DISTINCT source_id) FROM linewatch.observation") == len(good_ids)
    assert count(db, "SELECT count(*) FROM linewatch.observation WHERE source_id LIKE 'BAD-%'") == 0
    # Each quarantined row keeps its raw text and says which field was wrong.
    reasons = [r[0] for r in rows(db, "SELECT reason FROM linewatch.rejected_row WHERE NOT is_duplicate "
                                      "ORDER BY line_number")]
    assert reasons == [
        "lat: out of range -90..90 (148.2)", "lon: not a number ('not-a-lon')",
        "observed_at: not an ISO-8601 timestamp ('2026-11-01T25:61:00Z')", "observed_at: missing or not a timestamp",
        "source_id: missing", "row: expected 11 fields, found 4", "kind: unknown kind 'teleport'"]
    assert count(db, "SELECT count(*) FROM linewatch.rejected_row WHERE is_duplicate AND reason LIKE "
                     "'duplicate: source_id % already at line %'") == 3
    batch = rows(db, "SELECT status, rows_read, sha256, coverage_start < coverage_end FROM linewatch.ingest_batch")[0]
    assert batch[0] == "loaded" and batch[1] == result.rows_read and len(batch[2]) == 64 and batch[3]


def test_reingesting_the_same_file_changes_nothing(db):
    first = ingest_file(db, DAY1, "patrol", "synthetic")
    snapshot = count(db, "SELECT count(*) FROM linewatch.observation"), count(db, "SELECT count(*) FROM linewatch.rejected_row")
    again = ingest_file(db, DAY1, "patrol", "synthetic")
    assert again.status == "skipped" and again.batch_id == first.batch_id
    assert (count(db, "SELECT count(*) FROM linewatch.observation"),
            count(db, "SELECT count(*) FROM linewatch.rejected_row")) == snapshot
    assert count(db, "SELECT count(*) FROM linewatch.ingest_batch") == 1


def test_a_redelivered_file_with_one_revised_row_updates_only_that_row(db, tmp_path):
    ingest_file(db, DAY1, "patrol", "synthetic")
    lines = list(csv.reader(DAY1.open(newline="")))
    target = lines[1]
    revised = list(target)
    revised[2] = f"{float(target[2]) + 0.01:.6f}"
    lines[1] = revised
    path = tmp_path / DAY1.name
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(lines)
    before = count(db, "SELECT count(*) FROM linewatch.observation")
    result = ingest_file(db, path, "patrol", "synthetic")
    assert result.status == "loaded" and result.rows_loaded == 0 and result.rows_updated == 1
    assert result.rows_duplicate == result.rows_read - result.rows_rejected - 1
    assert count(db, "SELECT count(*) FROM linewatch.observation") == before
    lat = count(db, "SELECT round(ST_Y(geom)::numeric, 6) FROM linewatch.observation WHERE source_id = :s",
                s=target[0])
    assert float(lat) == pytest.approx(float(revised[2]))
    assert count(db, "SELECT batch_id FROM linewatch.observation WHERE source_id = :s", s=target[0]) == result.batch_id


def test_an_unreadable_file_fails_its_batch_and_leaves_the_data_untouched(db, tmp_path):
    ingest_file(db, DAY1, "patrol", "synthetic")
    before = count(db, "SELECT count(*) FROM linewatch.observation")
    bad = tmp_path / "patrol_broken.csv"
    shutil.copy(DAY1, bad)
    with bad.open("ab") as fh:
        fh.write(b'x1,2026-11-01T00:00:00Z,48,37,explosion,,,1,patrol,B,"unterminated\x00')
    with pytest.raises(IngestError, match="patrol_broken.csv"):
        ingest_file(db, bad, "patrol", "synthetic")
    assert count(db, "SELECT count(*) FROM linewatch.observation") == before
    status, error = rows(db, "SELECT status, error FROM linewatch.ingest_batch WHERE file_name = 'patrol_broken.csv'")[0]
    assert status == "failed" and "patrol_broken.csv" in error
