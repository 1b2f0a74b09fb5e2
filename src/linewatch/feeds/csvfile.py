"""Reading delimited feed files in chunks, keeping each row's line number and raw text.

Also the small helpers every feed parser shares: UTC parsing, blank handling, per-row reasons,
and the attributes JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path

import pandas as pd

ENCODINGS = ("utf-8-sig", "cp1252")
# A row longer than this is not a feed row (a binary file, a missing newline): refuse it, in bounded memory.
MAX_LINE = 1 << 20
csv.field_size_limit(MAX_LINE)


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


def bounded_lines(fh, path: Path):
    """The file's lines, refusing one longer than MAX_LINE before reading the rest of it (a 2 GB
    "line" must not reach memory): iterating a file object would read each line whole first."""
    number = 0
    while line := fh.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise FeedFileError(f"{path.name}: a line longer than {MAX_LINE:,} characters (after line {number - 1}); "
                                "not a feed row")
        yield line


def _raw_text(row: list[str]) -> str:
    # A real line terminator, so that fields holding line breaks are quoted and the text reads back.
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[:-2]


def read_chunks(path: Path, required: Iterable[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Yield frames of string columns (named by the header) plus _line, _raw and _reason.

    Rows with the wrong number of fields become rows with a `_reason`; the header must name every
    `required` column, or the whole file is refused.
    """
    encoding = detect_encoding(path)
    # Most feed files (FIRMS, most exports) never quote a field: then every line is one record split
    # at commas, and pandas' C reader does the splitting ~5x faster than the csv module.
    read = _plain_chunks if _is_plain(path) else _quoted_chunks
    try:
        yield from read(path, encoding, list(required), chunk_rows)
    except UnicodeDecodeError as exc:
        # detect_encoding fell back to cp1252, which leaves five byte values undefined.
        raise FeedFileError(f"{path.name}: neither UTF-8 nor cp1252 text ({exc.reason}, "
                            f"byte 0x{exc.object[exc.start]:02x})") from None


def _is_plain(path: Path) -> bool:
    """True when no field can be quoted or span lines: no quote character, no CR except in CRLF."""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            if block.endswith(b"\r"):
                block += fh.read(1)
            if b'"' in block or b"\x00" in block:
                return False
            if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
                return False
    return True


def _checked_header(path: Path, header: list[str], required: list[str]) -> list[str]:
    header = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise FeedFileError(f"{path.name}: header lacks required column(s) {', '.join(missing)}")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise FeedFileError(f"{path.name}: header repeats column(s) {', '.join(map(repr, repeated))}")
    return header


def _plain_chunks(path: Path, encoding: str, required: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    with path.open("rb") as fh:
        lines_in = bounded_lines(fh, path)
        first = next(lines_in, b"")
        if not first:
            raise FeedFileError(f"{path.name}: empty file (no header row)")
        header_text = first.decode(encoding).rstrip("\n").removesuffix("\r")
        header = _checked_header(path, header_text.split(",") if header_text else [], required)
        # The BOM, if any, was in the header line; the rest decodes as plain UTF-8.
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        line_number = 1
        while block := list(islice(lines_in, chunk_rows)):
            text = b"".join(block).decode(encoding).replace("\r\n", "\n")
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            frame = _plain_frame(header, text, lines, line_number + 1)
            line_number += len(lines)
            if len(frame):
                yield frame


def _plain_frame(header: list[str], text: str, lines: list[str], first_line: int) -> pd.DataFrame:
    """One frame from unquoted lines; like the csv module, blank lines are not rows."""
    width = len(header)
    # The common case, checked without a Python loop over the lines: no blank line, and as many commas
    # as width-wide rows have. The C reader refuses a later line with too many fields, so a line with
    # too few cannot hide behind it; only the first line it would silently cut, hence its own check.
    if ("" not in lines and text.count(",") == (width - 1) * len(lines)
            and lines[0].count(",") == width - 1):
        fields = _read_fields(header, text, len(lines))
        if fields is not None:
            fields["_line"] = range(first_line, first_line + len(lines))
            fields["_raw"] = lines
            fields["_reason"] = None
            return fields
    numbered = [(first_line + i, line) for i, line in enumerate(lines) if line]
    counts = [line.count(",") + 1 for _, line in numbered]
    good = [line for (_, line), n in zip(numbered, counts, strict=True) if n == width]
    fields = _read_fields(header, "\n".join(good), len(good))
    if fields is None:
        fields = pd.DataFrame([line.split(",") for line in good], columns=header, dtype=object)
    fields.index = [i for i, n in enumerate(counts) if n == width]
    fields = fields.reindex(range(len(numbered)), fill_value="")
    fields["_line"] = [n for n, _ in numbered]
    fields["_raw"] = [line for _, line in numbered]
    fields["_reason"] = [None if n == width else f"row: expected {width} fields, found {n}" for n in counts]
    return fields


def _read_fields(header: list[str], text: str, rows: int) -> pd.DataFrame | None:
    """Split `rows` unquoted lines with pandas' C reader; None where it would not give them verbatim."""
    # The C reader drops a BOM at the very start of its input; a data line may start with one.
    if not rows or text.startswith("\ufeff"):
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, names=header, index_col=False, dtype=object,
                            na_filter=False, quoting=csv.QUOTE_NONE, skip_blank_lines=False, engine="c")
    except pd.errors.ParserError:
        return None
    return frame if len(frame) == rows else None


def _quoted_chunks(path: Path, encoding: str, required: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(bounded_lines(fh, path))
        try:
            header = _checked_header(path, next(reader), required)
        except StopIteration:
            raise FeedFileError(f"{path.name}: empty file (no header row)") from None
        except csv.Error as exc:
            raise FeedFileError(f"{path.name}: not a CSV file ({exc})") from None
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


def number(values: pd.Series) -> pd.Series:
    """Floats from text; NaN where the text is blank or not a number (tell them apart with `unparsed`)."""
    return pd.to_numeric(values, errors="coerce").astype(float)


def unparsed(values: pd.Series, parsed: pd.Series) -> pd.Series:
    """Rows whose text is there but did not parse: a blank is a missing value, not a bad one."""
    bad = parsed.isna()
    if bad.any():
        bad[bad] = values[bad].astype("string").str.strip().fillna("") != ""
    return bad


def per_value(values: pd.Series, convert: Callable[[pd.Series], pd.Series | pd.DataFrame]) -> pd.Series | pd.DataFrame:
    """`convert` applied once per distinct value: dates, times, satellites repeat a million times a file.

    `convert` gets the distinct values and returns one result (a value, or a row) for each.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    converted = convert(pd.Series(distinct, dtype=object)).take(codes)
    converted.index = values.index
    return converted


def reasons_of(raw: pd.DataFrame) -> pd.Series:
    """The reader's per-row reasons as an object Series (None = fine so far), ready for `note`."""
    return raw["_reason"].astype(object).where(raw["_reason"].notna(), None)


def note(reasons: pd.Series, mask: pd.Series, field: str, problem: str, values: pd.Series | None = None) -> None:
    """Give rows in `mask` that have no reason yet the reason "field: problem ('value')".

    The first reason a row gets is the one it keeps: it is the one closest to the raw text.
    """
    if not mask.any():  # the usual case; checked first as it is cheaper than looking at the reasons
        return
    target = mask & reasons.isna()
    if values is None:
        reasons[target] = f"{field}: {problem}"
    else:
        reasons[target] = f"{field}: {problem} ('" + values[target].astype(str) + "')"


# Characters JSON does not allow unescaped inside a string.
_JSON_UNSAFE = re.compile(r'["\\\x00-\x1f]')


def json_objects(text: Mapping[str, pd.Series], literal: Mapping[str, pd.Series] | None = None) -> list[str]:
    """One JSON object per row: `text` values as JSON strings, verbatim; `literal` values are JSON already.

    Give at least one column: the row count comes from the columns.

    Built with one %-format per row rather than json.dumps of a dict: on a million FIRMS rows this is
    the difference between ~0.9 s and ~4 s. A column that holds a quote, backslash or control character
    is escaped with json.dumps, value by value.
    """
    literal = literal or {}
    slots = [json.dumps(k, ensure_ascii=False).replace("%", "%%") + ':"%s"' for k in text]
    slots += [json.dumps(k, ensure_ascii=False).replace("%", "%%") + ":%s" for k in literal]
    template = "{" + ",".join(slots) + "}"
    columns = [_json_safe(values.tolist()) for values in text.values()]
    columns += [values.tolist() for values in literal.values()]
    return [template % row for row in zip(*columns, strict=True)]


def _json_safe(values: list[str]) -> list[str]:
    if not _JSON_UNSAFE.search("".join(values)):
        return values
    return [json.dumps(v, ensure_ascii=False)[1:-1] for v in values]
