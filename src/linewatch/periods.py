"""Reporting periods: a local day in the mission's time zone, as a half-open UTC interval."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of local `day` in `tz`; 23 or 25 hours long on DST change days."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def local_day(instant: datetime, tz: str) -> date:
    return instant.astimezone(ZoneInfo(tz)).date()


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
