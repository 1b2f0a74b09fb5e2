"""Property tests: feed parsers on mangled files never lose a row and never crash.

Each valid fixture is mangled (fields dropped, garbled or repeated; lines repeated or cut; random bytes
inserted). A parser may refuse the whole file with FeedFileError; otherwise every row it read is either
loaded or rejected with a reason, and it read every record the csv module sees in the file.
"""

import csv
import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linewatch.feeds import acled, firms, reports, ucdp
from linewatch.feeds.csvfile import FeedFileError, _plain_chunks, _quoted_chunks, detect_encoding
from linewatch.observation import BOOKKEEPING, COLUMNS, KINDS, validate

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
CASES = {
    "firms_viirs_snpp_nrt.csv": firms.parse,
    "firms_modis_archive.csv": firms.parse,
    "acled_ukraine.csv": acled.parse,
    "ucdp_ged.csv": ucdp.parse,
    "reports_patrol.csv": reports.parse,
    "reports_uav.geojson": reports.parse,
}
# Text that breaks parsers: separators, quotes, line ends, a BOM, non-Latin letters, digits.
NASTY = st.one_of(st.text(',"\r\n \t\ufeff\\;:/-.0123456789aZéЇ', max_size=12),
                  st.sampled_from(["2a15", "nan", "1e999", "-0", "99999999999999999999"]))
EXAMPLES = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mangled(draw, content: bytes) -> bytes:
    lines = content.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        fields = lines[i].split(b",")
        j = draw(st.integers(0, len(fields) - 1))
        action = draw(st.sampled_from(["drop", "garble", "repeat", "repeat_line", "bytes", "cut"]))
        if action == "drop":
            del fields[j]
        elif action == "garble":
            fields[j] = draw(NASTY).encode(draw(st.sampled_from(["utf-8", "utf-16-le"])), "surrogatepass")
        elif action == "repeat":
            fields.insert(j, fields[j])
        elif action == "repeat_line":
            lines.insert(i, lines[i])
        elif action == "bytes":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.binary(min_size=1, max_size=8)) + lines[i][at:]
        if action in ("drop", "garble", "repeat"):
            lines[i] = b",".join(fields)
    data = b"\n".join(lines)
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return data


def csv_records(path: Path) -> int:
    """Data records in a CSV file as the csv module counts them (blank lines are none)."""
    with path.open(encoding=detect_encoding(path), newline="") as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1


def check_no_row_lost(parse, path: Path, chunk_rows: int) -> None:
    read = loaded = rejected = 0
    lines = []
    try:
        for chunk in parse(path, chunk_rows):
            assert set(chunk.columns) <= {*COLUMNS, *BOOKKEEPING}
            assert {"source_id", "observed_at", "lon", "lat", "kind", *BOOKKEEPING} <= set(chunk.columns)
            assert str(chunk["observed_at"].dt.tz) == "UTC"
            good, bad = validate(chunk, now=NOW)
            assert all(r.reason for r in bad)
            assert good["kind"].isin(KINDS).all()
            assert all(isinstance(json.loads(text), dict) for text in good["attributes"])
            read, loaded, rejected = read + len(chunk), loaded + len(good), rejected + len(bad)
            lines += chunk["_line"].tolist()
    except FeedFileError:
        return
    assert loaded + rejected == read
    assert len(set(lines)) == len(lines), "line numbers identify rows in the quarantine"
    if path.suffix == ".csv" and read:
        assert read == csv_records(path)


@given(data=st.data())
@EXAMPLES
def test_mangled_files_lose_no_rows(data):
    name = data.draw(st.sampled_from(sorted(CASES)))
    content = data.draw(mangled((FIXTURES / name).read_bytes()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        check_no_row_lost(CASES[name], path, data.draw(st.integers(1, 6)))


@given(content=st.binary(max_size=300), name=st.sampled_from(sorted(CASES)))
@EXAMPLES
def test_random_bytes_are_refused_or_read(content, name):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        check_no_row_lost(CASES[name], path, 3)


# Unquoted fields, as the fast reader meets them: anything but a quote or a bare carriage return.
PLAIN_FIELD = st.one_of(st.text(" \t\ufeff\\;#x0é,Ї", max_size=5), st.sampled_from(["nan", "NULL", "-1.5"]))


@given(header=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True),
       rows=st.lists(st.lists(PLAIN_FIELD, min_size=0, max_size=5), max_size=12),
       newline=st.sampled_from(["\n", "\r\n"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       chunk_rows=st.integers(1, 5))
@EXAMPLES
def test_fast_reader_reads_exactly_what_the_csv_module_reads(header, rows, newline, encoding, chunk_rows):
    text = newline.join([",".join(header), *(",".join(row) for row in rows)]) + newline
    if encoding == "cp1252":
        text = text.replace("\ufeff", "").replace("Ї", "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plain.csv"
        path.write_bytes(text.encode(encoding))
        detected = detect_encoding(path)
        fast = list(_plain_chunks(path, detected, [], chunk_rows))
        exact = list(_quoted_chunks(path, detected, [], chunk_rows))
    assert all(len(frame) <= chunk_rows for frame in fast)
    # Chunk boundaries may differ (the fast reader counts blank lines towards a chunk); rows may not.
    assert bool(fast) == bool(exact)
    if fast:
        normal = [pd.concat(frames, ignore_index=True).astype(object).where(lambda f: f.notna(), None)
                  for frames in (fast, exact)]
        pd.testing.assert_frame_equal(normal[0], normal[1], check_dtype=False)
