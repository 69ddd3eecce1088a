"""Demo check-ins, reflections and quick questions: check-ins answered and waiting on the
mentorships (Priya's latest waits on her dashboard; Tom has answered his), a mentor's reflection on
an ended mentorship (Tom's, when he has one), Priya's quick question to another mentor, answered,
and a student's to Tom, waiting on his requests page.

Every check-in counts as emailed already, so a cron run on the demo doesn't send a backlog.
Inserted in bulk; the caller commits.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from random import Random

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.demo.logins import DEMO_LOGINS
from mentormatch.mentoring.checkins import THEN_EVERY, latest_due
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import CheckIn, QuickQuestion, Reflection
from mentormatch.profiles.models import MentorStatus, Profile

COMMENTS = (
    "Really helpful: I know what to do next.",
    "Good so far, we need to meet more often.",
    "Hard to find time this month.",
    "",
    "",
)
TOM_ON_PRIYA = "Priya is well prepared for every call; I'd like us to set a date for the poster."
TOM_REFLECTION = (
    "What I did: six calls over ten months on foundation applications and a first audit.\n"
    "What I learnt: agreeing one goal at the start kept us focused.\n"
    "What I'll do differently: suggest the next meeting at the end of each call."
)


def seed_check_ins(rng: Random, now: datetime) -> dict[str, int]:
    """Check-ins for every active mentorship that has reached one; Tom's reflection."""
    emails = {DEMO_LOGINS["student"].email, DEMO_LOGINS["mentor"].email}
    demo = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).tuples().all())
    priya, tom = demo.get(DEMO_LOGINS["student"].email), demo.get(DEMO_LOGINS["mentor"].email)
    rows: list[dict] = []
    for connection in db.session.scalars(
        select(Connection)
        .where(Connection.kind == MENTORING, Connection.ended_at.is_(None))
        .order_by(Connection.id)
    ):
        due = latest_due(connection.started_at.date(), now.date())
        if due is None:
            continue
        latest, last_due = due
        for number in range(1, latest + 1):
            due_on = last_due - (latest - number) * THEN_EVERY
            for member in (connection.first_id, connection.second_id):
                waiting = number == latest and rng.random() < 0.4
                if {connection.first_id, connection.second_id} == {priya, tom} and number == latest:
                    waiting = member == priya  # Priya's is on her dashboard; Tom has answered his
                answered = datetime.combine(due_on, time(19), tzinfo=UTC) + timedelta(days=rng.randint(0, 5))
                rows.append(
                    {
                        "connection_id": connection.id,
                        "member_id": member,
                        "number": number,
                        "due_on": due_on,
                        "score": None if waiting else rng.choices((2, 3, 4, 5), weights=(1, 3, 5, 4))[0],
                        "comment": None
                        if waiting
                        else _comment(rng, member == tom and priya == connection.second_id),
                        "answered_at": None if waiting else min(answered, now),
                        "emailed_at": datetime.combine(due_on, time(9), tzinfo=UTC),
                    }
                )
    if rows:
        db.session.execute(CheckIn.__table__.insert(), rows)
    reflections = 0
    # Tom's ended mentorship if the demo has one (it does from about 60 members), else the first.
    ended = db.session.scalar(
        select(Connection)
        .where(Connection.kind == MENTORING, Connection.ended_at.is_not(None))
        .order_by((Connection.first_id == tom).desc(), Connection.id)
        .limit(1)
    )
    if ended is not None:
        db.session.add(
            Reflection(
                connection_id=ended.id,
                member_id=ended.first_id,
                body=TOM_REFLECTION,
                created_at=ended.ended_at,
            )
        )
        reflections = 1
    return {"check_ins": len(rows), "reflections": reflections, "questions": _questions(now, priya, tom)}


def _questions(now: datetime, priya: int | None, tom: int | None) -> int:
    """Priya's question to another mentor, answered; a student's question to Tom, waiting for him."""
    if priya is None or tom is None:
        return 0
    mentor = db.session.scalar(
        select(Profile.user_id)
        .where(Profile.mentor_status == MentorStatus.APPROVED, Profile.user_id != tom)
        .order_by(Profile.user_id)
        .limit(1)
    )
    student = db.session.scalar(
        select(User.id)
        .where(User.career_stage == "medical_student", User.id != priya)
        .order_by(User.id)
        .limit(1)
    )
    rows = []
    if mentor is not None:
        rows.append(
            {
                "asker_id": priya,
                "mentor_id": mentor,
                "body": "Do you take students on audits in your department?",
                "answer": "Yes: a new cycle starts every spring. Send me a request and we can talk.",
                "created_at": now - timedelta(days=6),
                "answered_at": now - timedelta(days=5),
            }
        )
    if student is not None:
        rows.append(
            {
                "asker_id": student,
                "mentor_id": tom,
                "body": "How much cardiology did you see before choosing it? I'm deciding on my elective.",
                "answer": None,
                "created_at": now - timedelta(days=1),
                "answered_at": None,
            }
        )
    if rows:
        db.session.execute(QuickQuestion.__table__.insert(), rows)
    return len(rows)


def _comment(rng: Random, tom_on_priya: bool) -> str | None:
    return TOM_ON_PRIYA if tom_on_priya else (rng.choice(COMMENTS) or None)
