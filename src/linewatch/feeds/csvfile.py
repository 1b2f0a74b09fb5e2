"""Reading delimited feed files in chunks, keeping each row's line number and raw text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

ENCODINGS = ("utf-8-sig", "cp1252")
# A row longer than this is not a feed row (a binary file, a missing newline): refuse it, in bounded memory.
csv.field_size_limit(1 << 20)


class FeedFileError(ValueError):
    """The file as a whole cannot be read: its batch fails and the database is left as it was."""


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else cp1252."""
    with path.open("rb") as fh:
        head = fh.read(sample_bytes)
    if b"\x00" in head:
        raise FeedFileError(f"{path.name}: binary data (NUL bytes), not a text feed file")
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            for _ in iter(lambda: fh.read(1 << 20), ""):
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _raw_text(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    return buffer.getvalue()


def read_chunks(path: Path, required: Iterable[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Yield frames of string columns (named by the header) plus _line, _raw and _reason.

    Rows with the wrong number of fields become rows with a `_reason`; the header must name every
    `required` column, or the whole file is refused.
    """
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise FeedFileError(f"{path.name}: empty file (no header row)") from None
        except csv.Error as exc:
            raise FeedFileError(f"{path.name}: not a CSV file ({exc})") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise FeedFileError(f"{path.name}: header lacks required column(s) {', '.join(missing)}")
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        raws: list[str] = []
        reasons: list[str | None] = []
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise FeedFileError(f"{path.name}: unreadable at line {reader.line_num} ({exc})") from None
            if not row:
                continue
            lines.append(reader.line_num)
            raws.append(_raw_text(row))
            if len(row) == width:
                rows.append(row)
                reasons.append(None)
            else:
                rows.append([""] * width)
                reasons.append(f"row: expected {width} fields, found {len(row)}")
            if len(rows) >= chunk_rows:
                yield _frame(header, rows, lines, raws, reasons)
                rows, lines, raws, reasons = [], [], [], []
        if rows:
            yield _frame(header, rows, lines, raws, reasons)


def _frame(header, rows, lines, raws, reasons) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_line"] = lines
    frame["_raw"] = raws
    frame["_reason"] = reasons
    return frame


def parse_utc(values: pd.Series) -> pd.Series:
    """ISO-8601 timestamps to UTC; naive ones are taken as UTC; unparseable ones become NaT."""
    return pd.to_datetime(values.where(values.str.strip() != ""), utc=True, errors="coerce", format="ISO8601")


def blank_to_none(values: pd.Series) -> pd.Series:
    stripped = values.astype("string").str.strip()
    return stripped.where(stripped != "", None).astype(object).where(stripped.notna() & (stripped != ""), None)
