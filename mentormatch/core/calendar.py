"""Calendar files (.ics, RFC 5545) for anything with a time and a place: a pair's meeting, an event.

One builder, so every calendar file the app hands out is shaped the same: a stable UID, METHOD
REQUEST (or CANCEL once it is off), a SEQUENCE the caller bumps on each change, and the times in
Europe/London with the VTIMEZONE that Outlook needs to read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

LONDON = ZoneInfo("Europe/London")
PRODID = "-//MentorMatch//MentorMatch//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar file says about one occasion."""

    uid: str  # the same for every version of the occasion
    sequence: int  # bumped on each change (time, place, cancellation)
    summary: str
    starts_at: datetime  # timezone-aware
    minutes: int
    location: str = ""
    description: str = ""
    url: str | None = None
    cancelled: bool = False
    organizer: tuple[str, str] | None = None  # (name, email)
    attendees: tuple[tuple[str, str], ...] = ()  # (name, email) each
    stamp: datetime | None = None  # when this version was made (DTSTAMP); now when not given


def london_time(moment: datetime) -> datetime:
    """A timezone-aware moment as the clock in London shows it."""
    return moment.astimezone(LONDON)


def from_london(local: datetime) -> datetime:
    """A naive wall-clock time in London (as a datetime-local field gives it) as a UTC moment."""
    return local.replace(tzinfo=LONDON).astimezone(UTC)


def calendar_file(entry: CalendarEntry) -> bytes:
    """The .ics file for one occasion: METHOD:REQUEST, or METHOD:CANCEL once cancelled."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if entry.cancelled else "REQUEST")
    start = london_time(entry.starts_at)
    end = start + timedelta(minutes=entry.minutes)
    calendar.add_component(Timezone.from_tzid("Europe/London", first_date=start.date().replace(day=1)))
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", (entry.stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", entry.summary)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.location:
        event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    if entry.url:
        event.add("url", entry.url)
    if entry.organizer:
        event.add("organizer", _address(*entry.organizer))
    for name, email in entry.attendees:
        event.add("attendee", _address(name, email), encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    return address
