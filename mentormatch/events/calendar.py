"""An event as a calendar entry, with the one .ics builder pairs' meetings use (core/calendar.py)."""

from __future__ import annotations

from mentormatch.core.calendar import CalendarEntry, calendar_file
from mentormatch.core.views import absolute_url
from mentormatch.events.models import Event


def event_calendar_file(event: Event) -> bytes:
    """The event's .ics: a stable UID, its SEQUENCE bumped by each change."""
    url = absolute_url("events.show", event_id=event.id)
    return calendar_file(
        CalendarEntry(
            uid=f"event-{event.id}@mentormatch",
            sequence=event.sequence,
            summary=event.title,
            starts_at=event.starts_at,
            minutes=event.minutes,
            location=event.place,
            description=f"{event.description}\n\n{url}".strip(),
            url=url,
            stamp=event.created_at,
        )
    )
