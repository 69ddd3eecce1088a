"""Check-ins: "Is this mentorship helping you?" (1–5) and one line, from the mentor and the mentee,
30 days after a mentorship starts and every 60 days after.

The hourly job makes each person's latest due check-in (the unique (connection, member, number)
index makes it once, however many jobs run) and claims its email with a conditional UPDATE on
`emailed_at`, so it is sent once. An answer is one conditional UPDATE on `answered_at`: a double
submit records one. Answers reach the admins only through `score_summary`, in aggregate.
The caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.signed import make_link_token, read_link_token
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import CheckIn
from mentormatch.mentoring.pairs import PairProblem

FIRST_AFTER = timedelta(days=30)
THEN_EVERY = timedelta(days=60)
SCORES = {1: "Not at all", 2: "A little", 3: "Somewhat", 4: "Quite a lot", 5: "A great deal"}
COMMENT_LIMIT = 280
QUESTION = "Is this mentorship helping you?"
# A score link works until the next check-in is due, and a little longer.
LINK_PURPOSE = "check-in"
LINK_LIFETIME = THEN_EVERY + timedelta(days=14)


def question_for(connection: Connection) -> str:
    return QUESTION if connection.kind == MENTORING else "Is this connection helping you?"


def latest_due(started: date, today: date) -> tuple[int, date] | None:
    """The number and due date of the latest check-in due by `today`, or None before the first."""
    first = started + FIRST_AFTER
    if today < first:
        return None
    number = 1 + (today - first) // THEN_EVERY
    return number, first + (number - 1) * THEN_EVERY


def make_due(now: datetime | None = None) -> int:
    """Make each person's latest due check-in on every active mentorship (earlier missed ones are
    not made late); returns how many were new."""
    now = now or utcnow()
    today = now.date()
    made = 0
    for connection in db.session.scalars(
        select(Connection).where(
            Connection.kind == MENTORING,
            Connection.ended_at.is_(None),
            Connection.started_at <= now - FIRST_AFTER,
        )
    ):
        due = latest_due(connection.started_at.date(), today)
        if due is None:
            continue
        number, due_on = due
        for member_id in (connection.first_id, connection.second_id):
            exists = db.session.scalar(
                select(CheckIn.id).where(
                    CheckIn.connection_id == connection.id,
                    CheckIn.member_id == member_id,
                    CheckIn.number == number,
                )
            )
            if exists:
                continue
            try:
                with db.session.begin_nested():  # another run may make it first: the index decides
                    db.session.add(
                        CheckIn(
                            connection_id=connection.id, member_id=member_id, number=number, due_on=due_on
                        )
                    )
                made += 1
            except IntegrityError:
                pass
    return made


def send_due(now: datetime | None = None) -> int:
    """Email each check-in not yet emailed and not answered, once; returns how many were sent."""
    now = now or utcnow()
    waiting = db.session.execute(
        select(CheckIn, Connection)
        .join(Connection, Connection.id == CheckIn.connection_id)
        .where(CheckIn.emailed_at.is_(None), CheckIn.answered_at.is_(None), Connection.ended_at.is_(None))
    ).all()
    sent = 0
    for check_in, connection in waiting:
        claimed = db.session.execute(
            update(CheckIn)
            .where(CheckIn.id == check_in.id, CheckIn.emailed_at.is_(None))
            .values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
        member = db.session.get(User, check_in.member_id)
        if claimed.rowcount != 1 or member is None or not member.email or member.deleted_at:
            continue
        other = connection.other(member)
        token = make_link_token(LINK_PURPOSE, check_in.id)
        send_email(
            member.email,
            "check_in",
            f"A quick check-in: how is it going with {other.display_name}?",
            person=member,
            other=other,
            question=question_for(connection),
            scores=[
                (score, label, absolute_url("checkins.answer_link", token=token, score=score))
                for score, label in SCORES.items()
            ],
        )
        sent += 1
    return sent


def read_link(token: str) -> CheckIn | None:
    """The check-in a score link is for; SignedLinkError when tampered or expired, None when gone."""
    return db.session.get(CheckIn, read_link_token(LINK_PURPOSE, token, LINK_LIFETIME))


def answer(check_in: CheckIn, score: int, comment: str = "") -> None:
    """Record the answer, once: PairProblem when it was already answered (a double submit)."""
    if score not in SCORES:
        raise ValueError("a score from 1 to 5")
    result = db.session.execute(
        update(CheckIn)
        .where(CheckIn.id == check_in.id, CheckIn.answered_at.is_(None))
        .values(score=score, comment=comment.strip()[:COMMENT_LIMIT] or None, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PairProblem("You've already answered this check-in: thank you.")
    db.session.refresh(check_in)


def waiting_for(member: User, connection: Connection | None = None) -> list[tuple[CheckIn, Connection]]:
    """The member's unanswered check-ins on active connections (one connection's, if given)."""
    query = (
        select(CheckIn, Connection)
        .join(Connection, Connection.id == CheckIn.connection_id)
        .where(CheckIn.member_id == member.id, CheckIn.answered_at.is_(None), Connection.ended_at.is_(None))
        .order_by(CheckIn.due_on, CheckIn.id)
    )
    if connection is not None:
        query = query.where(CheckIn.connection_id == connection.id)
    return [tuple(row) for row in db.session.execute(query)]


def score_summary(
    select_connections: Select | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[date, int, float]]:
    """Answered check-ins by month answered: (first of the month, how many, mean score), oldest first.

    `select_connections` (a select of connection ids) narrows it, e.g. to one mentor's; no row names
    a person or carries a comment.
    """
    query = select(CheckIn.answered_at, CheckIn.score).where(CheckIn.answered_at.is_not(None))
    if select_connections is not None:
        query = query.where(CheckIn.connection_id.in_(select_connections))
    if since is not None:
        query = query.where(CheckIn.answered_at >= since)
    if until is not None:
        query = query.where(CheckIn.answered_at < until)
    months: dict[date, list[int]] = defaultdict(list)
    for answered_at, score in db.session.execute(query):
        months[answered_at.date().replace(day=1)].append(score)
    return [(month, len(scores), sum(scores) / len(scores)) for month, scores in sorted(months.items())]
