"""Reporting periods and SMM-style place names: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from linewatch.periods import Period, daily_period
from linewatch.report.summary import direction, place_name

TZ = "Europe/Kyiv"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_local_day_is_25_hours_on_the_autumn_clock_change():
    p = daily_period(date(2026, 10, 25), TZ)
    assert (p.start, p.end) == (utc(2026, 10, 24, 21), utc(2026, 10, 25, 22))
    assert p.end - p.start == timedelta(hours=25)
    assert p.previous().end == p.start  # periods tile the timeline


def test_smm_day_runs_from_1930_the_evening_before():
    p = daily_period(date(2026, 11, 1), TZ, "smm")
    assert (p.start, p.end) == (utc(2026, 10, 31, 17, 30), utc(2026, 11, 1, 17, 30))
    assert p.incident_days == (date(2026, 10, 31), date(2026, 11, 1))
    assert p.key == "2026-11-01-smm"
    dst = daily_period(date(2026, 10, 25), TZ, "smm")
    assert dst.end - dst.start == timedelta(hours=25)


def test_previous_period_crosses_the_month_and_keeps_the_length_in_local_days():
    p = daily_period(date(2026, 11, 1), TZ)
    assert p.previous().first == date(2026, 10, 31)
    weekend = Period(date(2026, 10, 31), date(2026, 11, 1), "local_day", TZ)
    assert weekend.key == "2026-10-31--2026-11-01"
    assert (weekend.previous().first, weekend.previous().last) == (date(2026, 10, 29), date(2026, 10, 30))
    assert weekend.end - weekend.start == timedelta(hours=48)
    with pytest.raises(ValueError):
        Period(date(2026, 11, 2), date(2026, 11, 1), "local_day", TZ)
    with pytest.raises(ValueError):
        Period(date(2026, 11, 2), date(2026, 11, 2), "weekly", TZ)


def test_direction_words_are_exact():
    assert [direction(2, 1), direction(1, 2), direction(3, 3)] == ["rose", "fell", "unchanged"]
    assert direction(7 * 10, 69) == "rose"  # 10 against an average of 9.857…, shown as 9.9


def test_place_names_as_the_smm_wrote_them():
    row = {"settlement": "Avdiivka", "settlement_m": 900.0, "settlement_occupied": False,
           "reference_town": "Donetsk", "reference_m": 16_400.0, "reference_occupied": True, "azimuth_deg": 330.0}
    assert place_name(row) == ("near Avdiivka (government-controlled), "
                               "16 km north-west of Donetsk (non-government-controlled)")
    row |= {"settlement": "Donetsk", "reference_m": 2_000.0, "azimuth_deg": 135.0}
    assert place_name(row) == "2.0 km south-east of Donetsk (non-government-controlled)"
    row |= {"reference_m": 300.0}
    assert place_name(row) == "in Donetsk (non-government-controlled)"
    assert place_name({"reference_town": None}) is None
