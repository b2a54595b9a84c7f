"""Store schedules: a window in the store's own time zone, clock changes included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from descgen.schedules import StoreSchedule, StoreTiming, due_stores, is_due, month_start, open_window

BERLIN = StoreSchedule(timezone="Europe/Berlin", start="02:00", end="05:00")
OVERNIGHT = StoreSchedule(timezone="America/New_York", start="23:00", end="02:00")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        ("2026-12-01T00:59", False),  # 01:59 in Berlin (UTC+1)
        ("2026-12-01T01:00", True),  # 02:00
        ("2026-12-01T03:59", True),  # 04:59
        ("2026-12-01T04:00", False),  # 05:00: closed
        ("2026-07-01T00:00", True),  # 02:00 in summer (UTC+2)
        ("2026-07-01T03:00", False),  # 05:00 in summer
    ],
)
def test_the_window_is_in_the_stores_own_time(now, open_):
    assert (open_window(BERLIN, at(now)) is not None) == open_


def test_a_window_past_midnight_belongs_to_the_evening_it_opened():
    # 01:00 in New York (UTC-5) on Dec 2 is inside the window opened at 23:00 on Dec 1
    opened, closes = open_window(OVERNIGHT, at("2026-12-02T06:00")) or (None, None)
    assert opened == at("2026-12-02T04:00")
    assert closes == at("2026-12-02T07:00")
    assert open_window(OVERNIGHT, at("2026-12-02T07:00")) is None


def test_the_night_the_clocks_go_forward_the_window_still_opens():
    # Europe/Berlin, 2026-03-29: 02:00 becomes 03:00; the window is open from the change on
    assert open_window(BERLIN, at("2026-03-29T01:30")) is not None  # 03:30 CEST
    assert open_window(BERLIN, at("2026-03-29T00:30")) is None  # 01:30 CET


def test_the_night_the_clocks_go_back_the_window_is_an_hour_longer():
    # 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00 to 05:00 local is four real hours
    opened, closes = open_window(BERLIN, at("2026-10-25T01:30")) or (None, None)
    assert opened is not None
    assert closes is not None
    assert (closes - opened).total_seconds() == 4 * 3600


def test_a_store_is_due_once_per_window():
    now = at("2026-12-01T01:30")
    assert is_due(BERLIN, None, now)
    assert not is_due(BERLIN, at("2026-12-01T01:05"), now)  # ran in this window
    assert is_due(BERLIN, at("2026-11-30T01:05"), now)  # ran last night
    assert not is_due(BERLIN, None, at("2026-12-01T12:00"))  # window closed


def test_due_stores_lists_only_the_open_and_not_yet_run():
    now = at("2026-12-01T01:30")
    timings = [
        StoreTiming("b-berlin", BERLIN, None),
        StoreTiming("a-berlin-done", BERLIN, at("2026-12-01T01:10")),
        StoreTiming("c-newyork", OVERNIGHT, None),  # 20:30 in New York: closed
        StoreTiming("d-default", StoreSchedule(), None),  # 02:00-06:00 UTC: closed at 01:30
    ]
    assert due_stores(timings, now) == ["b-berlin"]


def test_a_month_starts_at_midnight_in_the_stores_time():
    assert month_start("Europe/Berlin", at("2026-12-01T00:30")) == at("2026-11-30T23:00")
    assert month_start("Europe/Berlin", at("2026-11-30T22:30")) == at("2026-10-31T23:00")
    assert month_start("UTC", at("2026-12-31T23:59")) == at("2026-12-01T00:00")


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"start": "25:00"}, "String should match pattern"),
        ({"start": "03:00", "end": "03:00"}, "empty"),
        ({"every": "night"}, "Extra inputs"),
    ],
)
def test_a_bad_schedule_is_refused_with_its_reason(fields, problem):
    with pytest.raises(ValidationError, match=problem):
        StoreSchedule.model_validate(fields)


def test_minutes_count_in_a_window():
    half_past = StoreSchedule(timezone="UTC", start="02:30", end="03:15")
    assert open_window(half_past, at("2026-12-01T02:29")) is None
    assert open_window(half_past, at("2026-12-01T02:30")) is not None
    assert open_window(half_past, at("2026-12-01T03:15")) is None


def test_a_run_started_the_moment_the_window_opened_counts_for_that_window():
    opened = at("2026-12-01T01:00")  # 02:00 in Berlin
    assert not is_due(BERLIN, opened, at("2026-12-01T02:00"))


def test_the_hosts_own_time_zone_plays_no_part(monkeypatch):
    import time as clock

    monkeypatch.setenv("TZ", "Pacific/Pago_Pago")  # UTC-11: still yesterday when Berlin's night begins
    clock.tzset()
    try:
        opened, _ = open_window(BERLIN, at("2026-12-01T01:30")) or (None, None)
        assert opened == at("2026-12-01T01:00")
        assert opened is not None
        assert opened.tzinfo == UTC
        assert month_start("Europe/Berlin", at("2026-12-01T00:30")) == at("2026-11-30T23:00")
    finally:
        monkeypatch.delenv("TZ")
        clock.tzset()
