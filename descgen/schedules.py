"""When a store is due: its own nightly window, in its own time zone.

One scheduled deployment (``generate-due-stores``) ticks every few minutes and
generates every store whose window is open now and that has not started a run in
this opening of it. A store without a schedule of its own gets the default window.
Budgets are monthly, and a month starts at midnight in the store's time zone too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Berlin or UTC)") from None
    return name


class StoreSchedule(BaseModel):
    """The local hours in which a store's nightly generation may start (``end`` may be past midnight)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: Annotated[str, AfterValidator(_known_zone)] = Field(
        "UTC", description="IANA time zone, e.g. Europe/Berlin"
    )
    start: str = Field("02:00", pattern=CLOCK, description="local time the window opens, HH:MM")
    end: str = Field("06:00", pattern=CLOCK, description="local time it closes, HH:MM (earlier than start: next day)")

    @model_validator(mode="after")
    def _not_empty(self) -> StoreSchedule:
        if self.start == self.end:
            raise ValueError(f"the window {self.start}-{self.end} is empty: start and end must differ")
        return self


DEFAULT_SCHEDULE = StoreSchedule()


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A local wall time as a UTC instant (a time skipped by a clock change counts from the change)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def open_window(schedule: StoreSchedule, now: datetime) -> tuple[datetime, datetime] | None:
    """The UTC (opened, closes) of the window ``now`` is in, or None when it is closed.

    Compared in UTC: two datetimes sharing a ZoneInfo compare by wall time, which a
    clock change makes wrong.
    """
    zone = ZoneInfo(schedule.timezone)
    start, end = _clock(schedule.start), _clock(schedule.end)
    today = now.astimezone(zone).date()
    for day in (today - timedelta(days=1), today):
        opened = _instant(day, start, zone)
        closes = _instant(day + timedelta(days=1) if end <= start else day, end, zone)
        if opened <= now < closes:
            return opened, closes
    return None


def is_due(schedule: StoreSchedule, last_run_at: datetime | None, now: datetime) -> bool:
    """Its window is open and no run started since it opened."""
    window = open_window(schedule, now)
    return window is not None and (last_run_at is None or last_run_at < window[0])


@dataclass(frozen=True)
class StoreTiming:
    store_id: str
    schedule: StoreSchedule
    last_run_at: datetime | None


def due_stores(stores: Iterable[StoreTiming], now: datetime) -> list[str]:
    """The stores to generate now, in id order."""
    return sorted(s.store_id for s in stores if is_due(s.schedule, s.last_run_at, now))


def month_start(timezone: str, now: datetime) -> datetime:
    """The UTC instant the store's current month began (midnight of the 1st, its time)."""
    zone = ZoneInfo(timezone)
    return _instant(now.astimezone(zone).date().replace(day=1), time(0), zone)
