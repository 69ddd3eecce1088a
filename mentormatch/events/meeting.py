"""Who is going, whom to meet there, and afterwards whom each attendee met.

"People you should meet there" is the matching engine's peer blend among the listed attendees (as
rounds score a given set, never changing the engine's own ranking), with its reasons. Each pick of
"who did you meet?" becomes a peer connection request through mentoring/asking.py, with its rules;
a pick that can't become one is kept with the reason, and the member is told.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.events.models import Event, EventMeeting, EventRegistration
from mentormatch.events.service import EventProblem
from mentormatch.matching.blend import PEER_WEIGHTS
from mentormatch.matching.freshness import fresh_engine
from mentormatch.matching.service import excluded_for
from mentormatch.mentoring.asking import RequestProblem, send_request
from mentormatch.mentoring.models import PEER
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import Profile

TO_MEET = 5  # people suggested to meet at one event


def listed_attendees(event_id: int) -> list[User]:
    """The attendees who agreed to be shown as going (and are listed members), by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(EventRegistration, EventRegistration.member_id == User.id)
            .join(Profile, Profile.user_id == User.id)
            .where(EventRegistration.event_id == event_id, EventRegistration.listed.is_(True), *listed())
            .order_by(User.name, User.id)
        )
    )


@dataclass(frozen=True)
class PersonToMeet:
    user: User
    reasons: list[str]


def people_to_meet(event: Event, member: User, attendees: list[User], k: int = TO_MEET) -> list[PersonToMeet]:
    """The k listed attendees the engine's peer blend rates best for this member, with its reasons.

    Leaves out people they're already connected with, have a request with, or dismissed."""
    exclude = excluded_for(member.id)
    others = {
        person.id: person for person in attendees if person.id != member.id and person.id not in exclude
    }
    if not others:
        return []
    ranked = rank_to_meet(member.id, list(others), k)
    return [PersonToMeet(others[person_id], reasons) for person_id, reasons in ranked]


def rank_to_meet(member_id: int, candidate_ids: list[int], k: int = TO_MEET) -> list[tuple[int, list[str]]]:
    """The k candidates the engine's peer blend rates best for the member, with its reasons."""
    with fresh_engine() as engine:
        return rank_with(engine, member_id, candidate_ids, k)


def rank_with(
    engine, member_id: int, candidate_ids: list[int], k: int = TO_MEET
) -> list[tuple[int, list[str]]]:
    """rank_to_meet with an engine already fresh: no database query, so a digest can ask for many."""
    if engine is None or member_id not in engine:
        return []
    ids = [person_id for person_id in candidate_ids if person_id in engine and person_id != member_id]
    if not ids:
        return []
    weights = np.array(list(PEER_WEIGHTS.values()), dtype=np.float32)
    scores = engine.part_scores("peer", member_id, ids) @ weights
    best = [ids[i] for i in np.argsort(-scores, kind="stable")[:k].tolist()]
    reasons = engine.explain("peer", member_id, best)
    return [(person_id, reasons.get(person_id, [])) for person_id in best]


@dataclass(frozen=True)
class PickOutcome:
    person: User
    problem: str | None  # None: a connection request was sent


def record_met(event: Event, member: User, picks: list[User], note: str) -> list[PickOutcome]:
    """Record whom the member met (the picks, listed attendees other than them) and ask each to connect.

    Answered once per event: a second submission (a double click) is refused, so one of each."""
    now = utcnow()
    if not event.is_over(now):
        raise EventProblem("You can say whom you met once the event is over.")
    allowed = {person.id for person in listed_attendees(event.id)}
    for person in picks:
        if person.id == member.id:
            raise EventProblem("You can't pick yourself.")
        if person.id not in allowed:
            raise EventProblem(f"{person.display_name} isn't an attendee of this event.")
    answered = db.session.execute(
        update(EventRegistration)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.member_id == member.id,
            EventRegistration.answered_at.is_(None),
        )
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if answered != 1:
        if _registration(event, member) is None:
            raise EventProblem("You weren't registered for this event.")
        raise EventProblem("You have already said whom you met at this event.")
    outcomes = []
    for person in picks:
        problem = None
        try:
            with db.session.begin_nested():
                send_request(member, person, PEER, note or _default_note(event))
        except RequestProblem as refused:
            problem = str(refused)
        db.session.add(
            EventMeeting(event_id=event.id, member_id=member.id, met_id=person.id, request_problem=problem)
        )
        outcomes.append(PickOutcome(person, problem))
    db.session.flush()
    return outcomes


def _default_note(event: Event) -> str:
    return f"We met at {event.title}."


def _registration(event: Event, member: User) -> EventRegistration | None:
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.member_id == member.id
        )
    )


def meetings_of(event: Event, member: User) -> list[EventMeeting]:
    """Whom this member said they met at the event."""
    return list(
        db.session.scalars(
            select(EventMeeting)
            .where(EventMeeting.event_id == event.id, EventMeeting.member_id == member.id)
            .options(joinedload(EventMeeting.met))
            .order_by(EventMeeting.id)
        )
    )
