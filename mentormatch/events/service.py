"""Creating and changing events, and importing attendees: the owner of an event's own columns.

Capacity changes race with members registering, so lowering it is one conditional UPDATE
(`… WHERE taken <= new capacity`). The caller commits; on EventProblem it rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core import audit
from mentormatch.core.csvfile import read_email_list
from mentormatch.core.extensions import db
from mentormatch.events.models import Event, EventRegistration

audit.describe_actions(
    {
        "event.create": "Created an event",
        "event.edit": "Changed an event",
        "event.import": "Imported an event's attendees",
    }
)


SAME_EVENT = "An event with this title already starts at that time."


class EventProblem(Exception):
    """Why an event step can't be taken, in words for the person who tried."""


@dataclass(frozen=True)
class EventDetails:
    """What an admin enters for an event (times already in UTC)."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    description: str
    capacity: int


def _columns(details: EventDetails) -> dict:
    return {
        "kind": details.kind,
        "title": details.title.strip(),
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "place": details.place.strip(),
        "description": details.description.strip(),
        "capacity": details.capacity,
    }


def _check(details: EventDetails) -> None:
    if details.ends_at <= details.starts_at:
        raise EventProblem("The event must end after it starts.")
    if details.capacity < 0:
        raise EventProblem("Capacity can't be negative.")


def create_event(admin: User, details: EventDetails) -> Event:
    """A new event, audited."""
    _check(details)
    event = Event(**_columns(details), taken=0, sequence=0, created_by_id=admin.id)
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:  # the same form sent twice (a double click)
        raise EventProblem(SAME_EVENT) from None
    audit.record(admin, "event.create", ("event", event.id), after=_audited(event))
    return event


def edit_event(admin: User, event: Event, details: EventDetails) -> None:
    """Change an event; refuses a capacity below the registrations already taken."""
    _check(details)
    before = _audited(event)
    values = _columns(details)
    try:
        with db.session.begin_nested():
            changed = db.session.execute(
                update(Event)
                .where(Event.id == event.id, Event.taken <= details.capacity)
                .values(**values, sequence=Event.sequence + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
    except IntegrityError:
        raise EventProblem(SAME_EVENT) from None
    if changed != 1:
        db.session.refresh(event)
        raise EventProblem(
            f"{event.taken} {'person is' if event.taken == 1 else 'people are'} registered already: "
            "the capacity can't be lower than that."
        )
    db.session.refresh(event)
    audit.record(admin, "event.edit", ("event", event.id), before=before, after=_audited(event))


def _audited(event: Event) -> dict:
    return {
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "capacity": event.capacity,
    }


@dataclass
class AttendeeFile:
    """An attendee CSV read: the members it names, or every problem by line (0: the whole file)."""

    user_ids: list[int]
    problems: list[tuple[int, str]]


def read_attendees(data: bytes) -> AttendeeFile:
    """A CSV of email addresses: an `email` column, or the first column when there is no such header."""
    listing = read_email_list(data)
    found = (
        dict(
            db.session.execute(
                select(User.email, User.id).where(
                    User.email.in_(list(listing.lines)),
                    User.deleted_at.is_(None),
                    User.email_verified_at.is_not(None),
                )
            ).all()
        )
        if listing.lines
        else {}
    )
    return AttendeeFile(*listing.named(found, "no member has this address"))


def import_attendees(admin: User, event: Event, user_ids: list[int]) -> int:
    """Register these members (those not registered yet), all or none: raises EventProblem when they
    don't fit in the places left. Returns how many were added."""
    already = set(
        db.session.scalars(
            select(EventRegistration.member_id).where(
                EventRegistration.event_id == event.id, EventRegistration.member_id.in_(user_ids)
            )
        )
    )
    new = [user_id for user_id in dict.fromkeys(user_ids) if user_id not in already]
    if not new:
        return 0
    took = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.taken + len(new) <= Event.capacity)
        .values(taken=Event.taken + len(new))
        .execution_options(synchronize_session=False)
    ).rowcount
    if took != 1:
        db.session.refresh(event)
        raise EventProblem(
            f"The file adds {len(new)} new attendees but the event has {event.places_left} "
            f"place{'s' if event.places_left != 1 else ''} left: raise the capacity first."
        )
    db.session.add_all(
        EventRegistration(event_id=event.id, member_id=user_id, listed=False) for user_id in new
    )
    db.session.flush()
    audit.record(admin, "event.import", ("event", event.id), after={"added": len(new)})
    return len(new)


def registered_count(event_id: int) -> int:
    """Registrations for an event, counted (the `taken` counter should agree)."""
    return db.session.scalar(
        select(func.count()).select_from(EventRegistration).where(EventRegistration.event_id == event_id)
    )
