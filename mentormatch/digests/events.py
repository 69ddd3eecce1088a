"""The digest's events sections, for a batch of readers in a fixed number of queries: events coming
up that they registered for (each once, with the people to meet there), "who did you meet?" for
events that ended since their last digest, and follow-ups sent since then."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.events.dashboard import ASK_WITHIN
from mentormatch.events.meeting import rank_with
from mentormatch.events.models import Event, EventMeeting, EventRegistration
from mentormatch.matching.freshness import fresh_engine
from mentormatch.mentoring.models import Connection
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import Profile

# Events starting within this long are mentioned (once): a weekly digest reaches the next week's.
COMING_WITHIN = timedelta(days=8)
TO_MEET_SHOWN = 3


@dataclass(frozen=True)
class EventItem:
    event_id: int
    title: str
    starts_at: datetime
    to_meet: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, first reason)


@dataclass(frozen=True)
class FollowUpItem:
    event_id: int
    event_title: str
    other_id: int
    other_name: str


def add_events(contents: dict, wanted: set[int], now: datetime) -> None:
    """Fill each reader's `events`, `ask_met` and `follow_ups` (contents: user id → DigestContent)."""
    ids = list(wanted)
    rows = _registrations(ids, now)
    coming = [row for row in rows if row.starts_at > now]
    attendees = _listed_attendees({row.id for row in coming})
    connected = _connected_to(ids) if coming else {}
    with fresh_engine() as engine:
        for row in rows:
            content = contents.get(row.member_id)
            if content is None:
                continue
            if row.starts_at > now:
                if row.id in content.seen.get("events", []):
                    continue
                names = dict(attendees.get(row.id, []))
                candidates = [i for i in names if i not in connected.get(row.member_id, set())]
                ranked = rank_with(engine, row.member_id, candidates, TO_MEET_SHOWN)
                to_meet = [(i, names[i], reasons[0] if reasons else "") for i, reasons in ranked]
                content.events.append(EventItem(row.id, row.title, row.starts_at, to_meet))
                content.seen["events"] = [*content.seen.get("events", []), row.id][-50:]
            elif row.answered_at is None and row.id not in content.seen.get("ask_met", []):
                content.ask_met.append(EventItem(row.id, row.title, row.starts_at))
                content.seen["ask_met"] = [*content.seen.get("ask_met", []), row.id][-50:]
    _add_follow_ups(contents, ids)


def _registrations(ids: list[int], now: datetime) -> list:
    """The readers' registrations for events coming up soon or ended lately, soonest first."""
    return db.session.execute(
        select(
            EventRegistration.member_id, EventRegistration.answered_at, Event.id, Event.title, Event.starts_at
        )
        .join(Event, Event.id == EventRegistration.event_id)
        .where(
            EventRegistration.member_id.in_(ids),
            or_(
                (Event.starts_at > now) & (Event.starts_at <= now + COMING_WITHIN),
                (Event.ends_at <= now) & (Event.ends_at > now - ASK_WITHIN),
            ),
        )
        .order_by(Event.starts_at)
    ).all()


def _listed_attendees(event_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Who is listed as going to each of these events (listed members only): event id → (id, name)."""
    attendees: dict[int, list[tuple[int, str]]] = {}
    if not event_ids:
        return attendees
    for event_id, user_id, name in db.session.execute(
        select(EventRegistration.event_id, User.id, User.name)
        .join(User, User.id == EventRegistration.member_id)
        .join(Profile, Profile.user_id == User.id)
        .where(EventRegistration.event_id.in_(event_ids), EventRegistration.listed.is_(True), *listed())
    ):
        attendees.setdefault(event_id, []).append((user_id, name or ""))
    return attendees


def _connected_to(ids: list[int]) -> dict[int, set[int]]:
    """Each reader's current connections, both ways (nobody is suggested to meet a connection)."""
    connected: dict[int, set[int]] = {}
    for first, second in db.session.execute(
        select(Connection.first_id, Connection.second_id).where(
            Connection.ended_at.is_(None),
            or_(Connection.first_id.in_(ids), Connection.second_id.in_(ids)),
        )
    ):
        connected.setdefault(first, set()).add(second)
        connected.setdefault(second, set()).add(first)
    return connected


def _add_follow_ups(contents: dict, ids: list[int]) -> None:
    """The follow-ups sent to each reader since their last digest."""
    earliest = min(content.since for content in contents.values())
    for meeting in db.session.execute(
        select(
            EventMeeting.member_id,
            EventMeeting.followed_up_48h_at,
            EventMeeting.followed_up_3m_at,
            Event.id,
            Event.title,
            User.id.label("other_id"),
            User.name,
        )
        .join(Event, Event.id == EventMeeting.event_id)
        .join(User, User.id == EventMeeting.met_id)
        .where(
            EventMeeting.member_id.in_(ids),
            or_(EventMeeting.followed_up_48h_at > earliest, EventMeeting.followed_up_3m_at > earliest),
        )
        .order_by(EventMeeting.id)
    ):
        content = contents.get(meeting.member_id)
        sent = max(t for t in (meeting.followed_up_48h_at, meeting.followed_up_3m_at) if t is not None)
        if content is not None and sent > content.since:
            content.follow_ups.append(
                FollowUpItem(meeting.id, meeting.title, meeting.other_id, meeting.name or "")
            )
