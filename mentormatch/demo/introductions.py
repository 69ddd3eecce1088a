"""Demo introductions in every state, pay-it-forward consent for Tom, and a near-peer invitation.

Read from the connections already seeded (demo/mentoring.py): each introducer is connected to both
people, who are not connected to each other. Tom introduces Priya to one of his other mentees, and
her answer is waiting; other members' introductions were accepted by both (now peers), declined, or
left to expire. Deterministic for a given seed. The caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from random import Random

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.demo.logins import DEMO_LOGINS
from mentormatch.mentoring.introduction_models import (
    CONNECTED,
    DECLINED,
    EXPIRED,
    NO,
    OPEN,
    YES,
    Introduction,
)
from mentormatch.mentoring.introductions import ANSWER_WITHIN
from mentormatch.mentoring.models import MENTORING, PEER, Connection
from mentormatch.profiles.models import Profile

NOTES = (
    "{a}, meet {b}: you're both applying for {topic} this year, and you'd get a lot from comparing notes.",
    "{a}, {b}: you're both keen on {topic}. {b} has just been through what's ahead of you, {a}.",
    "I keep telling each of you about the other, {a} and {b}: time you met. Both {topic} people.",
)


def seed_introductions(rng: Random, now: datetime) -> dict[str, int]:
    """Introductions in every state; returns how many."""
    made = _Introductions(rng, now)
    by_email = dict(db.session.execute(select(User.email, User.id)).tuples().all())
    priya = by_email.get(DEMO_LOGINS["student"].email)
    tom = by_email.get(DEMO_LOGINS["mentor"].email)
    # Priya's answer is waiting: Tom introduces her to another of his mentees.
    if priya and tom:
        other = next((p for p in sorted(made.linked[tom]) if p != priya and made.can_meet(priya, p)), None)
        if other:
            made.introduce(tom, priya, other, OPEN, 2)
    _everyone_elses(made, rng, priya, tom)
    _pay_it_forward(tom)
    return {"introductions": len(made.made)}


class _Introductions:
    """Who is connected to whom (kept up to date as introductions connect people), and the
    introductions made so far."""

    def __init__(self, rng: Random, now: datetime) -> None:
        self.rng, self.now = rng, now
        active = db.session.execute(
            select(Connection.first_id, Connection.second_id).where(Connection.ended_at.is_(None))
        ).all()
        self.linked: dict[int, set[int]] = defaultdict(set)
        for first, second in active:
            self.linked[first].add(second)
            self.linked[second].add(first)
        self.names = dict(db.session.execute(select(User.id, User.name)).tuples().all())
        self.stages = dict(db.session.execute(select(User.id, User.career_stage)).tuples().all())
        self.used: set[tuple[int, int]] = set()
        self.made: list[Introduction] = []

    def can_meet(self, a: int, b: int) -> bool:
        pair = (min(a, b), max(a, b))
        ranks = STAGE_BY_CODE[self.stages[a]].rank, STAGE_BY_CODE[self.stages[b]].rank
        return a != b and b not in self.linked[a] and pair not in self.used and abs(ranks[0] - ranks[1]) <= 1

    def introduce(self, introducer: int, a: int, b: int, status: str, days_ago: float) -> None:
        rng, names = self.rng, self.names
        first, second = sorted((a, b))
        self.used.add((first, second))
        created = self.now - timedelta(days=days_ago)
        topic = rng.choice(("cardiology", "surgery", "general practice", "academic medicine", "paediatrics"))
        note = rng.choice(NOTES).format(a=names[a].split(" ")[0], b=names[b].split(" ")[0], topic=topic)
        answers = {
            OPEN: (None, None),
            CONNECTED: (YES, YES),
            DECLINED: (YES, NO) if rng.random() < 0.5 else (NO, None),
            EXPIRED: (YES, None) if rng.random() < 0.5 else (None, None),
        }[status]
        introduction = Introduction(
            introducer_id=introducer,
            first_id=first,
            second_id=second,
            note=note,
            status=status,
            first_answer=answers[0],
            second_answer=answers[1],
            created_at=created,
            expires_at=created + ANSWER_WITHIN,
            closed_at=None if status == OPEN else created + timedelta(days=3 if status != EXPIRED else 30),
        )
        if status == CONNECTED:
            connection = Connection(
                kind=PEER, first_id=first, second_id=second, started_at=created + timedelta(days=3)
            )
            db.session.add(connection)
            db.session.flush()
            introduction.connection_id = connection.id
            self.linked[first].add(second)
            self.linked[second].add(first)
        db.session.add(introduction)
        self.made.append(introduction)


def _everyone_elses(made: _Introductions, rng: Random, priya: int | None, tom: int | None) -> None:
    """Everyone else's, in each state: introducers with two connections who don't know each other."""
    linked = made.linked
    introducers = sorted(
        person for person in linked if person not in (priya, tom) and len(linked[person]) >= 2
    )
    rng.shuffle(introducers)
    plan = [CONNECTED, CONNECTED, DECLINED, EXPIRED, OPEN, CONNECTED, DECLINED, EXPIRED]
    for introducer in introducers:
        if not plan:
            break
        pairs = [(a, b) for a in sorted(linked[introducer]) for b in sorted(linked[introducer]) if a < b]
        pair = next(((a, b) for a, b in pairs if made.can_meet(a, b) and priya not in (a, b)), None)
        if pair is None:
            continue
        status = plan.pop(0)
        days = {OPEN: rng.uniform(1, 20), EXPIRED: rng.uniform(31, 90)}.get(status, rng.uniform(5, 120))
        made.introduce(introducer, *pair, status, days)


def _pay_it_forward(tom: int | None) -> None:
    """Tom shows what he has paid forward; a former mentee who moved up has been invited to mentor."""
    if tom is not None:
        profile = db.session.get(Profile, tom)
        if profile is not None:
            profile.shows_contributions = True
    # A foundation doctor who had a mentor and doesn't mentor yet: invited to mentor students.
    moved_up = db.session.scalar(
        select(Profile)
        .join(User, User.id == Profile.user_id)
        .join(Connection, (Connection.second_id == User.id) & (Connection.kind == MENTORING))
        .where(User.career_stage == "foundation_doctor", Profile.offers_mentoring.is_(False))
        .order_by(User.id)
        .limit(1)
    )
    if moved_up is not None:
        moved_up.near_peer_invited_for = "medical_student"
