"""Demo events: an upcoming Networking Workshop Priya and Tom registered for, with peers to meet
there; yesterday's Careers Evening Priya attended and hasn't yet said whom she met (its attendees'
picks wait for their 48-hour follow-up); a Teaching Day three weeks ago (48-hour follow-ups sent,
one pair connected after meeting, one of them Priya's); and a Conference four months ago (3-month
follow-ups sent).

Deterministic for a seed; inserted in bulk; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from random import Random

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.calendar import from_london
from mentormatch.core.extensions import db
from mentormatch.demo.logins import DEMO_LOGINS
from mentormatch.events.follow_up import AFTER_3M, AFTER_48H
from mentormatch.events.models import Event, EventMeeting, EventRegistration
from mentormatch.mentoring.models import PEER, Connection
from mentormatch.profiles.models import Profile

PEER_STAGES = ("medical_student", "foundation_doctor")
EVENTS = (
    # (key, kind, title, days from today, start hour (UK), hours, place, capacity, attendees)
    (
        "workshop",
        "workshop",
        "Networking Workshop: Careers in Cardiology",
        6,
        18,
        2,
        "Leeds General Infirmary, Education Centre, Room 2",
        40,
        16,
    ),
    (
        "evening",
        "networking",
        "Careers Evening for Students and Foundation Doctors",
        -1,
        18,
        2,
        "https://meet.example.org/careers-evening",
        60,
        14,
    ),
    (
        "teaching",
        "teaching",
        "Regional Teaching Day: Acute Medicine",
        -21,
        9,
        7,
        "St James's University Hospital, Lecture Theatre A",
        80,
        14,
    ),
    (
        "conference",
        "conference",
        "Student Surgical Conference",
        -120,
        9,
        8,
        "University of Sheffield, Octagon Centre",
        150,
        14,
    ),
)
DESCRIPTIONS = {
    "workshop": "An evening of short talks by cardiology trainees, then time to meet each other. "
    "Bring questions about applications, audits and what the training is really like.",
    "evening": "Meet students and foundation doctors from other schools, and hear three juniors on "
    "how they chose their specialty.",
    "teaching": "A day of case-based teaching on the acute take, with a lunch for meeting people.",
    "conference": "Talks, posters and a careers fair for students interested in surgery.",
}


def _london_at(day: datetime, hour: int) -> datetime:
    return from_london(datetime.combine(day.date(), time(hour)))


def seed_events(rng: Random, now: datetime) -> dict[str, int]:
    """The demo events, registrations, picks and follow-ups in every state."""
    priya, tom, peers = _demo_people()
    if priya is None or len(peers) < 4:
        return {"events": 0}
    events, attendees = _add_events(rng, now, priya, tom, peers)
    _register(events, attendees, priya, tom, now)
    _add_meetings(events, attendees, priya)
    return {"events": len(events)}


def _demo_people() -> tuple[int | None, int | None, list[int]]:
    """Priya and Tom (the demo student and mentor), and the onboarded peers who can go to events."""
    emails = {DEMO_LOGINS["student"].email, DEMO_LOGINS["mentor"].email}
    demo = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).tuples().all())
    priya, tom = demo.get(DEMO_LOGINS["student"].email), demo.get(DEMO_LOGINS["mentor"].email)
    peers = list(
        db.session.scalars(
            select(User.id)
            .join(Profile, Profile.user_id == User.id)
            .where(
                User.career_stage.in_(PEER_STAGES),
                User.email_verified_at.is_not(None),
                User.deleted_at.is_(None),
                Profile.onboarded_at.is_not(None),
                User.id.not_in([i for i in (priya, tom) if i is not None]),
            )
            .order_by(User.id)
        )
    )
    return priya, tom, peers


def _add_events(
    rng: Random, now: datetime, priya: int, tom: int | None, peers: list[int]
) -> tuple[dict[str, Event], dict[str, list[int]]]:
    """Each demo event, and who goes to it (Priya to all but the conference, Tom to the workshop)."""
    events: dict[str, Event] = {}
    attendees: dict[str, list[int]] = {}
    for key, kind, title, days, hour, hours, place, capacity, count in EVENTS:
        starts = _london_at(now + timedelta(days=days), hour)
        event = Event(
            kind=kind,
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            place=place,
            description=DESCRIPTIONS[key],
            capacity=capacity,
            taken=0,
            sequence=0,
            created_at=min(now, starts) - timedelta(days=30),
        )
        db.session.add(event)
        events[key] = event
        people = rng.sample(peers, min(count, len(peers)))
        people = [priya, *people] if key != "conference" else people
        if key == "workshop" and tom is not None:
            people.append(tom)
        attendees[key] = people
    db.session.flush()
    return events, attendees


def _register(
    events: dict[str, Event], attendees: dict[str, list[int]], priya: int, tom: int | None, now: datetime
) -> None:
    """The registrations: places taken, most listed, and "who did you meet?" answered after past events."""
    registrations = []
    for key, people in attendees.items():
        event = events[key]
        event.taken = len(people)
        for n, person in enumerate(people):
            answered = None
            if event.ends_at < now and key != "evening":
                answered = event.ends_at + timedelta(hours=20)
            registrations.append(
                {
                    "event_id": event.id,
                    "member_id": person,
                    # Most agree to be listed; Priya does, so people can find her there.
                    "listed": person in (priya, tom) or n % 5 != 4,
                    "created_at": event.created_at + timedelta(days=1 + n % 10),
                    "answered_at": answered,
                }
            )
    db.session.execute(EventRegistration.__table__.insert(), registrations)


class _Meetings:
    """Whom people said they met, and the connections some of them made afterwards."""

    def __init__(self, events: dict[str, Event]) -> None:
        self.events = events
        self.meetings: list[dict] = []
        self.connections: list[dict] = []
        self.connected = set(
            db.session.execute(
                select(Connection.first_id, Connection.second_id).where(Connection.ended_at.is_(None))
            ).tuples()
        )

    def met(
        self, key: str, member: int, other: int, *, after_48h: bool, after_3m: bool, connect: bool = False
    ) -> None:
        event = self.events[key]
        self.meetings.append(
            {
                "event_id": event.id,
                "member_id": member,
                "met_id": other,
                "created_at": event.ends_at + timedelta(hours=20),
                "request_problem": None,
                "followed_up_48h_at": event.ends_at + AFTER_48H + timedelta(minutes=5) if after_48h else None,
                "followed_up_3m_at": event.ends_at + AFTER_3M + timedelta(minutes=5) if after_3m else None,
            }
        )
        first, second = sorted((member, other))
        if connect and (first, second) not in self.connected:
            self.connected.add((first, second))
            self.connections.append(
                {
                    "kind": PEER,
                    "first_id": first,
                    "second_id": second,
                    "started_at": event.ends_at + timedelta(days=3),
                }
            )

    def save(self) -> None:
        db.session.execute(EventMeeting.__table__.insert(), self.meetings)
        if self.connections:
            db.session.execute(Connection.__table__.insert(), self.connections)


def _add_meetings(events: dict[str, Event], attendees: dict[str, list[int]], priya: int) -> None:
    """Picks in every state: waiting for the 48-hour prompt, prompted, followed up at 3 months."""
    found = _Meetings(events)
    evening = attendees["evening"][1:]
    for a, b in zip(evening[0:6:2], evening[1:6:2], strict=True):  # picks waiting for the 48-hour prompt
        found.met("evening", a, b, after_48h=False, after_3m=False)
    teaching = attendees["teaching"]
    # Priya met two people at the Teaching Day: connected with one, the other's prompt was sent.
    found.met("teaching", priya, teaching[1], after_48h=True, after_3m=False, connect=True)
    found.met("teaching", priya, teaching[2], after_48h=True, after_3m=False)
    for a, b in zip(teaching[3:9:2], teaching[4:9:2], strict=True):
        found.met("teaching", a, b, after_48h=True, after_3m=False)
    conference = attendees["conference"]
    for n, (a, b) in enumerate(zip(conference[0:8:2], conference[1:8:2], strict=True)):
        found.met("conference", a, b, after_48h=True, after_3m=n % 2 == 0, connect=n % 2 == 1)
    found.save()
