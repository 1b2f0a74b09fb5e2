"""Reporting periods: half-open UTC intervals [start, end) built from local wall-clock times.

Two styles, chosen in config (`report.period`) or per command:
- `local_day`: the local calendar day in the mission's time zone (23 or 25 hours on DST change days);
- `smm`: the OSCE SMM's day, from 19:30 local the evening before to 19:30 local on the day.

A period may span several days (`--from/--to`). Its previous period is the same number of *local* days
earlier, so a comparison across a DST change compares like with like on the wall clock, not 24-hour blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STYLES = ("local_day", "smm")
SMM_CUTOFF = time(19, 30)


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


@dataclass(frozen=True)
class Period:
    """The reporting period for local days first..last (inclusive) in one style."""

    first: date
    last: date
    style: str
    tz: str

    def __post_init__(self):
        if self.style not in STYLES:
            raise ValueError(f"unknown period style {self.style!r}; one of {', '.join(STYLES)}")
        if self.last < self.first:
            raise ValueError(f"period ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    # In UTC: Python subtracts two datetimes of the same ZoneInfo on the wall clock (a 25-hour day would
    # come out as 24 hours); UTC instants subtract as elapsed time.
    @property
    def start(self) -> datetime:
        if self.style == "smm":
            return _utc(self.first - timedelta(days=1), SMM_CUTOFF, self.tz)
        return _utc(self.first, time(0), self.tz)

    @property
    def end(self) -> datetime:
        if self.style == "smm":
            return _utc(self.last, SMM_CUTOFF, self.tz)
        return _utc(self.last + timedelta(days=1), time(0), self.tz)

    @property
    def incident_days(self) -> tuple[date, date]:
        """The stored incident.day values that can hold incidents of the period (an index prefilter;
        the exact selection is by started_at)."""
        return local_day(self.start, self.tz), local_day(self.end - timedelta(microseconds=1), self.tz)

    @property
    def key(self) -> str:
        """Folder name: '2026-11-02', '2026-11-02-smm', '2026-10-31--2026-11-02'."""
        span = self.first.isoformat() if self.days == 1 else f"{self.first}--{self.last}"
        return span if self.style == "local_day" else f"{span}-{self.style}"

    def shifted(self, days: int) -> Period:
        return Period(self.first + timedelta(days=days), self.last + timedelta(days=days), self.style, self.tz)

    def previous(self, n: int = 1) -> Period:
        """The n-th period of the same length before this one."""
        return self.shifted(-n * self.days)


def _utc(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def daily_period(day: date, tz: str, style: str = "local_day") -> Period:
    return Period(day, day, style, tz)
