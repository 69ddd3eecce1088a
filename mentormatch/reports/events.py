"""The event report: for each event, attendance, people met, and connections made within 3 months."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select

from mentormatch.core.extensions import db
from mentormatch.events.models import Event, EventMeeting, EventRegistration
from mentormatch.mentoring.models import Connection
from mentormatch.reports.tables import DATE, TEXT, Column, ReportTable

CONNECTED_WITHIN = timedelta(days=91)


def event_report() -> ReportTable:
    """One row per event, latest first; three grouped queries whatever the number of events."""
    table = ReportTable(
        "events",
        "Events",
        (
            Column("Event", TEXT),
            Column("Date", DATE),
            Column("Registered"),
            Column("Said whom they met"),
            Column("People met"),
            Column("Connected within 3 months"),
        ),
        empty_message="No events yet.",
    )
    events = db.session.execute(
        select(Event.id, Event.title, Event.starts_at).order_by(Event.starts_at.desc())
    ).all()
    if not events:
        return table
    registered, answered = _registered_and_answered()
    met = _met_and_connected()
    table.rows = [
        (
            title,
            starts_at.date(),
            registered.get(event_id, 0),
            answered.get(event_id, 0),
            *met.get(event_id, (0, 0)),
        )
        for event_id, title, starts_at in events
    ]
    return table


def _registered_and_answered() -> tuple[dict[int, int], dict[int, int]]:
    """By event: how many registered, and how many of them said whom they met."""
    registered = dict(
        db.session.execute(
            select(EventRegistration.event_id, func.count()).group_by(EventRegistration.event_id)
        ).all()
    )
    answered = dict(
        db.session.execute(
            select(EventRegistration.event_id, func.count())
            .where(EventRegistration.answered_at.is_not(None))
            .group_by(EventRegistration.event_id)
        ).all()
    )
    return registered, answered


def _met_and_connected() -> dict[int, list[int]]:
    """By event: [people met, of whom connected within 3 months of its end]."""
    # The first connection between each pair met, made since the event started (ended or not).
    first_connected = (
        select(func.min(Connection.started_at))
        .where(
            or_(
                (Connection.first_id == EventMeeting.member_id)
                & (Connection.second_id == EventMeeting.met_id),
                (Connection.first_id == EventMeeting.met_id)
                & (Connection.second_id == EventMeeting.member_id),
            ),
            Connection.started_at >= Event.starts_at,
        )
        .correlate(EventMeeting, Event)
        .scalar_subquery()
    )
    met: dict[int, list[int]] = {}
    for event_id, ends_at, connected_at in db.session.execute(
        select(EventMeeting.event_id, Event.ends_at, first_connected).join(
            Event, Event.id == EventMeeting.event_id
        )
    ):
        counts = met.setdefault(event_id, [0, 0])
        counts[0] += 1
        counts[1] += connected_at is not None and connected_at <= ends_at + CONNECTED_WITHIN
    return met
