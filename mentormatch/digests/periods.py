"""Digest periods in Europe/London time: one per local day, or one per ISO week (Monday to Sunday)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAILY, WEEKLY, NEVER = "daily", "weekly", "never"
FREQUENCIES = (WEEKLY, DAILY)
# How far back a person's first digest looks for new requests and connections.
FIRST_LOOK_BACK = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}


def period_key(frequency: str, now: datetime) -> str:
    """The period `now` (aware) falls in: "2026-11-22" for daily, "2026-W47" for weekly.

    Computed on the London calendar, so a day stays one day when the clocks change (a 23- or
    25-hour day is still one period) and the week turns at midnight on Sunday, local time.
    """
    if now.tzinfo is None:
        raise ValueError("period_key needs an aware datetime")
    local = now.astimezone(LONDON).date()
    if frequency == DAILY:
        return local.isoformat()
    if frequency == WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"frequency must be one of {FREQUENCIES}, not {frequency!r}")


def local_time(moment: datetime) -> datetime:
    """A UTC time as the clock on the wall in London shows it."""
    return moment.astimezone(LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC time (for tests and scripts)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
