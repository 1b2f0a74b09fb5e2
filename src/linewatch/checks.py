"""Data-quality checks the DAGs run as tasks: each returns what it verified or raises `CheckFailed`
with a message that says exactly what is wrong (which batch, day, rule or number, expected vs found).

The SQL is in sql/checks/. Every check takes a Connection and explicit arguments, like the pipeline steps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from linewatch.config import Config, Feed
from linewatch.db import run_sql
from linewatch.periods import day_bounds


class CheckFailed(AssertionError):
    """The data do not hold what they must; the message names the rows and the numbers."""


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        raise CheckFailed(f"{what}: " + "; ".join(problems))


def check_batch(conn: Connection, batch_id: int) -> dict:
    """An ingest batch accounts for every row it read, and the database holds what it says it loaded.

    rows_read = loaded + updated + rejected + duplicate; the quarantined rows of the batch match its
    counts; the observations pointing at it are at most loaded + updated (exactly that many while no
    later batch of the feed has revised them). Run right after the load: retention later removes
    old quarantined rows on purpose.
    """
    row = run_sql(conn, "checks/batch_counts.sql", {"batch_id": batch_id}).mappings().first()
    if row is None:
        raise CheckFailed(f"ingest batch {batch_id} does not exist")
    b = dict(row)
    what = f"ingest batch {b['batch_id']} (feed {b['feed']}, file {b['file_name']})"
    if b["status"] != "loaded":
        raise CheckFailed(f"{what}: status is {b['status']!r}, not 'loaded'")
    problems = []
    accounted = b["rows_loaded"] + b["rows_updated"] + b["rows_rejected"] + b["rows_duplicate"]
    if b["rows_read"] != accounted:
        problems.append(
            f"rows_read {b['rows_read']} != loaded {b['rows_loaded']} + updated {b['rows_updated']} + "
            f"rejected {b['rows_rejected']} + duplicate {b['rows_duplicate']} (= {accounted})")
    if b["rejected_rows"] != b["rows_rejected"]:
        problems.append(f"rejected_row holds {b['rejected_rows']} rows of the batch, its count says "
                        f"{b['rows_rejected']}")
    if b["duplicate_rows"] > b["rows_duplicate"]:
        problems.append(f"rejected_row holds {b['duplicate_rows']} duplicates of the batch, more than its "
                        f"count {b['rows_duplicate']}")
    stored = b["rows_loaded"] + b["rows_updated"]
    if b["observations"] > stored or (b["is_newest"] and b["observations"] != stored):
        problems.append(f"{b['observations']} observations point at the batch, expected "
                        f"{'' if b['is_newest'] else 'at most '}loaded + updated = {stored}")
    if b["observations"] + b["rejected_rows"] + b["duplicate_rows"] > b["rows_read"]:
        problems.append(f"observations {b['observations']} + quarantined rows "
                        f"{b['rejected_rows'] + b['duplicate_rows']} exceed rows_read {b['rows_read']}")
    _fail_if(problems, what)
    return {"batch_id": b["batch_id"], "rows_read": b["rows_read"], "observations": b["observations"],
            "rejected_rows": b["rejected_rows"]}


def check_flag_passes(conn: Connection, day: date, config: Config) -> dict:
    """Every configured rule ran over `day` after its last observation arrived (no unflagged observation)."""
    start, end = day_bounds(day, config.timezone)
    rows = run_sql(conn, "checks/flag_passes.sql", {
        "day": day, "period_start": start, "period_end": end,
        "rules": [rule.name for rule in config.rules]}).mappings().all()
    observations = rows[0]["observations"] if rows else 0
    problems = []
    for r in rows:
        if r["flagged_observations"] is None:
            if observations:
                problems.append(f"rule {r['rule']} never ran over the day's {observations} observations")
        elif r["flagged_observations"] != observations:
            problems.append(f"rule {r['rule']} last ran at {r['ran_at']:%Y-%m-%d %H:%M:%S %Z} over "
                            f"{r['flagged_observations']} observations, the day now has {observations}")
    _fail_if(problems, f"flag pass of {day}")
    return {"day": day.isoformat(), "observations": observations, "rules": len(rows)}


def check_report(conn: Connection, day: date, config: Config) -> dict:
    """The latest report version of `day` states the numbers the database gives now."""
    from linewatch.report.summary import period_params

    latest = run_sql(conn, "checks/latest_report_totals.sql", {"day": day}).mappings().first()
    if latest is None:
        raise CheckFailed(f"report of {day}: no version in daily_report")
    fresh = dict(run_sql(conn, "report/totals.sql", period_params(day, config)).mappings().one())
    published = latest["totals"]
    problems = [f"{key} is {published.get(key)} in the report, {value} in the database"
                for key, value in sorted(fresh.items()) if published.get(key) != value]
    _fail_if(problems, f"report of {day} v{latest['version']} ({latest['html']})")
    return {"day": day.isoformat(), "version": latest["version"], "totals": fresh}


def check_freshness(conn: Connection, feed: Feed, as_of: datetime) -> dict:
    """The feed's newest loaded data is no older than its cadence plus its expected delay at `as_of`."""
    row = run_sql(conn, "checks/feed_freshness.sql", {"feed": feed.name, "as_of": as_of}).mappings().one()
    allowed = timedelta(hours=feed.cadence_hours + feed.expected_delay_hours)
    expected = (f"expected a delivery every {feed.cadence_hours:g} h, late by at most "
                f"{feed.expected_delay_hours:g} h")
    failed = f"; last failed batch at {row['last_failed_at']:%Y-%m-%d %H:%M %Z}" if row["last_failed_at"] else ""
    if row["last_covered"] is None:
        raise CheckFailed(f"feed {feed.name} is stale as of {as_of:%Y-%m-%d %H:%M %Z}: no loaded batch at "
                          f"all ({expected}){failed}")
    # Say the times in the zone the operator gave (the run's), not the database's UTC.
    last_covered, last_loaded = (t.astimezone(as_of.tzinfo) for t in (row["last_covered"], row["last_loaded_at"]))
    age = as_of - last_covered
    if age > allowed:
        raise CheckFailed(
            f"feed {feed.name} is stale as of {as_of:%Y-%m-%d %H:%M %Z}: its newest loaded data is from "
            f"{last_covered:%Y-%m-%d %H:%M %Z} ({age.total_seconds() / 3600:.1f} h old, loaded at "
            f"{last_loaded:%Y-%m-%d %H:%M %Z}); {expected}{failed}")
    return {"feed": feed.name, "last_covered": row["last_covered"].isoformat(),
            "age_hours": round(age.total_seconds() / 3600, 2)}
