"""Demo requests and connections in every state, so /requests and /connections have something to show.

Planned in Python from the seeded members, then inserted in bulk. The plan keeps the product's
rules: a mentor is approved and more senior, never over capacity; a mentee has at most three
pending mentoring requests and none once they have a mentor; nobody has a pending request with
someone they're connected to. The demo student and mentor get one of each state to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

from sqlalchemy import bindparam, select, update

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import GOALS, SPECIALTIES, STAGE_BY_CODE
from mentormatch.demo.logins import DEMO_LOGINS
from mentormatch.mentoring.answering import MATCHED_ELSEWHERE
from mentormatch.mentoring.asking import ANSWER_WITHIN, MAX_PENDING
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    END_OF_STATUS,
    EXPIRED,
    MENTORING,
    PEER,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
    RequestEnd,
)
from mentormatch.profiles.models import Profile

DECLINE_REASONS = (
    "I'm on parental leave until the spring: please do ask again then.",
    "My places are all taken this year, but the cardiology registrars at your trust are lovely to ask.",
    "I don't think I'm the right person for exam help, sorry: someone nearer to the MRCP would be better.",
    None,
)
END_REASONS = ("We met our goals: good luck with the interviews!", "Moving to a new post overseas.", None)


@dataclass
class _Person:
    id: int
    name: str
    rank: int
    organisation: str
    specialties: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    mentor: bool = False
    capacity: int = 0
    taken: int = 0


@dataclass
class _Plan:
    now: datetime
    requests: list[dict] = field(default_factory=list)
    connections: list[dict] = field(default_factory=list)
    pending: dict[int, int] = field(default_factory=dict)  # mentee → pending mentoring requests
    paired: set[frozenset[int]] = field(default_factory=set)  # connected or with a pending request
    mentored: set[int] = field(default_factory=set)

    def request(self, kind: str, sender: _Person, recipient: _Person, status: str, days_ago: float, **extra):
        created = self.now - timedelta(days=days_ago)
        row = {
            "kind": kind,
            "sender_id": sender.id,
            "recipient_id": recipient.id,
            "message": _message(kind, sender, recipient),
            "status": status,
            "ended_because": extra.get("ended_because", END_OF_STATUS.get(status)),
            "reason": extra.get("reason"),
            "created_at": created,
            "expires_at": created + ANSWER_WITHIN,
            "reminded_at": created + timedelta(days=7) if days_ago >= 7 else None,
            "decided_at": None if status == PENDING else created + timedelta(days=min(days_ago, 14) / 2),
        }
        self.requests.append(row)
        if status == PENDING:
            self.paired.add(frozenset((sender.id, recipient.id)))
            if kind == MENTORING:
                self.pending[sender.id] = self.pending.get(sender.id, 0) + 1
        if status == ACCEPTED:
            extra["request_index"] = len(self.requests) - 1
            self.connect(kind, sender, recipient, created + timedelta(days=1), **extra)

    def connect(self, kind: str, sender: _Person, recipient: _Person, started: datetime, **extra) -> None:
        first, second = (recipient, sender) if kind == MENTORING else sorted((sender, recipient), key=_id)
        ended = extra.get("ended_days_ago")
        self.connections.append(
            {
                "kind": kind,
                "first_id": first.id,
                "second_id": second.id,
                "started_at": started,
                "ended_at": None if ended is None else self.now - timedelta(days=ended),
                "ended_by_id": None if ended is None else first.id,
                "end_reason": extra.get("end_reason"),
                "request_index": extra.get("request_index"),
            }
        )
        if ended is None:
            self.paired.add(frozenset((sender.id, recipient.id)))
            if kind == MENTORING:
                recipient.taken += 1
                self.mentored.add(sender.id)

    def can_ask(self, mentee: _Person, mentor: _Person) -> bool:
        return (
            mentor.rank > mentee.rank
            and mentor.taken < mentor.capacity
            and frozenset((mentee.id, mentor.id)) not in self.paired
            and mentee.id not in self.mentored
            and self.pending.get(mentee.id, 0) < MAX_PENDING
        )


def _id(person: _Person) -> int:
    return person.id


def _message(kind: str, sender: _Person, recipient: _Person) -> str:
    first = recipient.name.partition(" ")[0]
    specialty = next(iter(sender.specialties), None)
    goal = next(iter(sender.goals), None)
    if kind == PEER:
        return f"Hi {first}, we seem to have a lot in common: it would be good to swap notes."
    about = f" I'm really interested in {SPECIALTIES[specialty].lower()}" if specialty else ""
    wants = f" and would value your help with {GOALS[goal].lower()}" if goal else ""
    return f"Hello {first},{about}{wants}. Even a call once a month would be brilliant. Thank you!"


def _people() -> list[_Person]:
    rows = db.session.execute(
        select(User.id, User.name, User.career_stage, Profile).join(Profile, Profile.user_id == User.id)
    ).all()
    return [
        _Person(
            id=id_,
            name=name,
            rank=STAGE_BY_CODE[stage].rank,
            organisation=profile.organisation or "",
            specialties=list(profile.specialties),
            goals=list(profile.goals),
            mentor=profile.is_approved_mentor,
            capacity=profile.mentor_capacity or 0,
        )
        for id_, name, stage, profile in rows
    ]


def seed_mentoring(rng: Random, now: datetime) -> dict[str, int]:
    """Requests in every state and connections, current and ended; returns counts. The caller commits."""
    people = _people()
    by_email = dict(db.session.execute(select(User.email, User.id)).tuples().all())
    by_id = {person.id: person for person in people}
    plan = _Plan(now=now)
    _demo_logins(plan, rng, people, by_id, by_email)
    mentors = [person for person in people if person.mentor]
    mentees = [person for person in people if person.rank <= 1 and person.id in by_id]
    rng.shuffle(mentees)
    for mentee in mentees:
        if not mentors:
            break
        roll = rng.random()
        mentor = rng.choice(mentors)
        if not plan.can_ask(mentee, mentor):
            continue
        if roll < 0.12:
            plan.request(MENTORING, mentee, mentor, PENDING, rng.uniform(0, 13))
        elif roll < 0.24:
            plan.request(MENTORING, mentee, mentor, ACCEPTED, rng.uniform(15, 200))
        elif roll < 0.29:
            plan.request(
                MENTORING, mentee, mentor, DECLINED, rng.uniform(1, 60), reason=rng.choice(DECLINE_REASONS)
            )
        elif roll < 0.31:
            plan.request(MENTORING, mentee, mentor, WITHDRAWN, rng.uniform(1, 60))
        elif roll < 0.34:
            plan.request(MENTORING, mentee, mentor, EXPIRED, rng.uniform(15, 90))
        elif roll < 0.37:
            plan.request(
                MENTORING,
                mentee,
                mentor,
                ACCEPTED,
                rng.uniform(200, 400),
                ended_days_ago=rng.uniform(1, 150),
                end_reason=rng.choice(END_REASONS),
            )
    _peers(plan, rng, people)
    _write(plan, people)
    return {"requests": len(plan.requests), "connections": len(plan.connections)}


def _demo_logins(plan: _Plan, rng: Random, people, by_id, by_email) -> None:
    """The demo student and mentor see one of each state, and Tom mentors Priya."""
    student = by_id.get(by_email.get(DEMO_LOGINS["student"].email))
    tom = by_id.get(by_email.get(DEMO_LOGINS["mentor"].email))
    if student is None or tom is None:
        return
    # Tom mentors Priya, so both have a pair's page with a conversation, meetings and goals (demo/pairs.py).
    plan.request(MENTORING, student, tom, ACCEPTED, 50)
    seniors = [p for p in people if p.mentor and p.id != tom.id and p.rank >= 3]
    students = [p for p in people if p.rank == 0 and p.id not in (student.id,)]
    juniors = [p for p in people if p.rank == 1]
    if len(seniors) < 2 or len(students) < 4 or not juniors:
        return
    first, second = rng.sample(seniors, 2)
    plan.request(MENTORING, student, second, DECLINED, 70, reason=DECLINE_REASONS[0])
    elsewhere = [p for p in students if p.organisation != student.organisation]
    peer, asker = (elsewhere or students)[:2]
    plan.request(PEER, student, peer, ACCEPTED, 20)
    plan.request(PEER, asker, student, PENDING, 1)
    # Students who'd pick a cardiologist ask Tom first, so his requests read true.
    keen = sorted(students, key=lambda p: "cardiology" not in p.specialties)
    waiting = [p for p in keen if plan.can_ask(p, tom)][:2]
    for days, mentee in zip((2, 9), waiting, strict=False):
        plan.request(MENTORING, mentee, tom, PENDING, days)
    junior = next((p for p in juniors if plan.can_ask(p, tom)), None)
    if junior:
        plan.request(MENTORING, junior, tom, ACCEPTED, 60)
    former = next((p for p in juniors if plan.can_ask(p, tom)), None)
    if former:
        plan.request(
            MENTORING,
            former,
            tom,
            ACCEPTED,
            300,
            ended_days_ago=30,
            end_reason="We met our goals: good luck!",
        )
    # A request withdrawn because the mentee found a mentor elsewhere, seen from Tom's side.
    matched = next((p for p in students if plan.can_ask(p, tom) and plan.can_ask(p, first)), None)
    if matched:
        plan.request(
            MENTORING,
            matched,
            tom,
            WITHDRAWN,
            25,
            ended_because=RequestEnd.MATCHED_ELSEWHERE,
            reason=MATCHED_ELSEWHERE,
        )
        plan.request(MENTORING, matched, first, ACCEPTED, 25)


def _peers(plan: _Plan, rng: Random, people: list[_Person]) -> None:
    by_rank: dict[int, list[_Person]] = {}
    for person in people:
        by_rank.setdefault(person.rank, []).append(person)
    for person in people:
        if rng.random() >= 0.12:
            continue
        near = [p for r in (person.rank - 1, person.rank, person.rank + 1) for p in by_rank.get(r, [])]
        other = rng.choice(near)
        if other.id == person.id or frozenset((person.id, other.id)) in plan.paired:
            continue
        if rng.random() < 0.6:
            plan.request(PEER, person, other, ACCEPTED, rng.uniform(15, 300))
        else:
            plan.request(PEER, person, other, PENDING, rng.uniform(0, 13))


def _write(plan: _Plan, people: list[_Person]) -> None:
    table = MentoringRequest.__table__
    ids = (
        db.session.scalars(
            table.insert().returning(table.c.id, sort_by_parameter_order=True), plan.requests
        ).all()
        if plan.requests
        else []
    )
    for row in plan.connections:
        index = row.pop("request_index")
        row["request_id"] = None if index is None else ids[index]
    if plan.connections:
        db.session.execute(Connection.__table__.insert(), plan.connections)
    taken = [{"uid": p.id, "taken": p.taken} for p in people if p.taken]
    if taken:
        profiles = Profile.__table__
        db.session.execute(
            update(profiles)
            .where(profiles.c.user_id == bindparam("uid"))
            .values(mentor_places_taken=bindparam("taken")),
            taken,
        )
