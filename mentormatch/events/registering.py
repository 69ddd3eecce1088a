"""Registering for an event and unregistering: the owner of registrations and the places counter.

Registering takes a place with one conditional UPDATE `taken = taken + 1 WHERE taken < capacity`,
so two members after the last place can't both get it, then inserts the registration (a unique row
per member and event, so a double click makes one; the second rolls its place back).
The caller commits, or rolls back on EventProblem.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.events.models import Event, EventRegistration
from mentormatch.events.service import EventProblem


def registration_of(event: Event, member: User) -> EventRegistration | None:
    """This member's registration for the event, if they registered."""
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.member_id == member.id
        )
    )


def register(event: Event, member: User, *, listed: bool = False) -> EventRegistration:
    """Take a place at the event. `listed`: show them to other attendees as going."""
    if event.is_over(utcnow()):
        raise EventProblem("This event is over: registration has closed.")
    if registration_of(event, member) is not None:
        raise EventProblem("You are already registered for this event.")
    took = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.taken < Event.capacity)
        .values(taken=Event.taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if took != 1:
        raise EventProblem("Sorry, the event is full: the last place has just gone.")
    registration = EventRegistration(event_id=event.id, member_id=member.id, listed=listed)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:  # registered a moment ago from another tab: the caller rolls the place back
        raise EventProblem("You are already registered for this event.") from None
    return registration


def unregister(event: Event, member: User) -> None:
    """Give the place back. Refused once the event has started (attendance is its record)."""
    if event.starts_at <= utcnow():
        raise EventProblem("The event has started: you can't unregister any more.")
    gone = db.session.execute(
        delete(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.member_id == member.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if gone != 1:
        raise EventProblem("You aren't registered for this event.")
    db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.taken > 0)
        .values(taken=Event.taken - 1)
        .execution_options(synchronize_session=False)
    )


def set_listed(event: Event, member: User, listed: bool) -> None:
    """Show or hide this member among the people going."""
    changed = db.session.execute(
        update(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.member_id == member.id)
        .values(listed=listed)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise EventProblem("You aren't registered for this event.")
