"""A warm introduction's life: made, answered by each of the two, connected, or closed.

The owner of every transition. Each is one conditional UPDATE with a row-count check, so a double
click, two tabs, or both people accepting at the same moment end with one outcome: the UPDATE that
records the second "yes" also turns the introduction to connected (its CASE reads the other answer
on the row it has locked), and only that transaction makes the peer connection. Emails, the audit
entry and the matching change join the same transaction. The caller commits.

What happens when:
- the two connect some other way meanwhile: the second "yes" finds them connected, and the
  introduction closes as already connected (no second connection);
- one of the two can no longer connect (account suspended, profile unlisted): the second "yes"
  closes it as didn't lead to a connection; a deleted account's introductions are deleted with it
  (made by them or to them);
- the introducer ends a connection with one of them afterwards: the introduction stands (the two
  answer for themselves);
- nobody answers within 30 days: `flask requests expire` closes it (expired).
A decline is never told to anyone: the introducer and the other person see "didn't lead to a
connection", as for an expiry, and no email is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core import audit
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.asking import RequestProblem
from mentormatch.mentoring.connections import connect_peers, connected
from mentormatch.mentoring.introduction_models import (
    ALREADY_CONNECTED,
    CLOSED,
    CONNECTED,
    DECLINED,
    EXPIRED,
    NO,
    OPEN,
    YES,
    Introduction,
)
from mentormatch.mentoring.lists import connections_for
from mentormatch.mentoring.models import Connection
from mentormatch.profiles.listing import is_listed
from mentormatch.profiles.people import attach_people

ANSWER_WITHIN = timedelta(days=30)

audit.describe_actions(
    {
        "introduction.make": "A member introduced two of their connections",
        "introduction.connect": "An introduction led to a connection",
    }
)


class IntroductionProblem(RequestProblem):
    """Why an introduction can't be made or answered, in words for the member."""


def connected_people(user: User) -> list[User]:
    """The people `user` is connected with now (mentors, mentees, peers), by name."""
    people = {c.other(user).id: c.other(user) for c in connections_for(user)}
    return sorted(people.values(), key=lambda person: person.display_name.lower())


def introduction_problem(introducer: User, a: User, b: User) -> str | None:
    """Why `introducer` can't introduce `a` and `b` now, or None."""
    if a.id == b.id:
        return "Choose two different people to introduce."
    if introducer.id in (a.id, b.id):
        return "You can't introduce yourself: send them a peer request instead."
    mine = {person.id for person in connected_people(introducer)}
    if a.id not in mine or b.id not in mine:
        return "You can only introduce two people you are both connected with now."
    if not (is_listed(a) and is_listed(b)):
        return "One of them can't be connected with at the moment."
    if connected(a.id, b.id):
        return f"{a.display_name} and {b.display_name} are already connected."
    if open_between(a.id, b.id) is not None:
        return (
            f"An introduction between {a.display_name} and {b.display_name} is already waiting for answers."
        )
    return None


def open_between(a_id: int, b_id: int) -> Introduction | None:
    first, second = sorted((a_id, b_id))
    return db.session.scalar(
        select(Introduction).where(
            Introduction.first_id == first, Introduction.second_id == second, Introduction.status == OPEN
        )
    )


def introduce(introducer: User, a: User, b: User, note: str, now: datetime | None = None) -> Introduction:
    """Introduce two of your connections: both are emailed, each answers privately.

    IntroductionProblem when not allowed, or when another tab introduced them a moment ago."""
    problem = introduction_problem(introducer, a, b)
    if problem:
        raise IntroductionProblem(problem)
    now = now or utcnow()
    first, second = sorted((a, b), key=lambda person: person.id)
    introduction = Introduction(
        introducer_id=introducer.id,
        first_id=first.id,
        second_id=second.id,
        note=note.strip(),
        status=OPEN,
        created_at=now,
        expires_at=now + ANSWER_WITHIN,
    )
    try:
        with db.session.begin_nested():
            db.session.add(introduction)
    except IntegrityError:
        raise IntroductionProblem(
            f"An introduction between {a.display_name} and {b.display_name} is already waiting for answers."
        ) from None
    audit.record(
        None,
        "introduction.make",
        introduction,
        after={"introducer": introducer.id, "pair": [first.id, second.id]},
        actor=f"member {introducer.id}",
    )
    for person, other in ((first, second), (second, first)):
        send_email(
            person.email,
            "introduction_made",
            f"{introducer.display_name} would like you to meet {other.display_name}",
            introduction=introduction,
            person=person,
            other=other,
            introducer=introducer,
            link=absolute_url("introductions.index"),
        )
    return introduction


def _answer_column(introduction: Introduction, by: User):
    if by.id == introduction.first_id:
        return Introduction.first_answer, Introduction.second_answer, "first_answer"
    if by.id == introduction.second_id:
        return Introduction.second_answer, Introduction.first_answer, "second_answer"
    raise PermissionError("only the two people introduced can answer")


def accept(introduction: Introduction, by: User) -> Connection | None:
    """Say yes. When the other has too, the two become peer connections and all three are told."""
    mine, theirs, name = _answer_column(introduction, by)
    both = theirs == YES
    now = utcnow()
    result = db.session.execute(
        update(Introduction)
        .where(Introduction.id == introduction.id, Introduction.status == OPEN, mine.is_(None))
        .values(
            {
                name: YES,
                "status": case((both, CONNECTED), else_=OPEN),
                "closed_at": case((both, now), else_=None),
            }
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(introduction)
        raise IntroductionProblem("You have already answered this introduction, or it has closed.")
    db.session.refresh(introduction)
    if introduction.status != CONNECTED:
        return None
    return _connect(introduction, now)


def _connect(introduction: Introduction, now: datetime):
    """Both said yes (this transaction recorded the second): connect them, or say why not."""
    first, second = introduction.first, introduction.second
    if not (is_listed(first) and is_listed(second)):
        _close_as(introduction, CLOSED)
        return None
    connection = None if connected(first.id, second.id) else connect_peers(first.id, second.id)
    if connection is None:
        _close_as(introduction, ALREADY_CONNECTED)
        return None
    introduction.connection_id = connection.id
    db.session.flush()
    audit.record(
        None,
        "introduction.connect",
        introduction,
        after={"connection": connection.id},
        actor="introduction",
    )
    introducer = introduction.introducer
    for person, other in ((first, second), (second, first)):
        send_email(
            person.email,
            "introduction_connected",
            f"You and {other.display_name} are now connected",
            introduction=introduction,
            person=person,
            other=other,
            introducer=introducer,
            link=absolute_url("mentoring.connections"),
        )
    if introducer.email and not introducer.deleted_at:
        send_email(
            introducer.email,
            "introduction_worked",
            f"Your introduction connected {first.display_name} and {second.display_name}",
            introduction=introduction,
            introducer=introducer,
            link=absolute_url("introductions.index"),
        )
    return connection


def _close_as(introduction: Introduction, status: str) -> None:
    db.session.execute(
        update(Introduction)
        .where(Introduction.id == introduction.id)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(introduction)


def decline(introduction: Introduction, by: User) -> None:
    """Say no, privately: the introduction closes, and nobody is told who said no."""
    mine, _, name = _answer_column(introduction, by)
    result = db.session.execute(
        update(Introduction)
        .where(Introduction.id == introduction.id, Introduction.status == OPEN, mine.is_(None))
        .values({name: NO, "status": DECLINED, "closed_at": utcnow()})
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(introduction)
    if result.rowcount != 1:
        raise IntroductionProblem("You have already answered this introduction, or it has closed.")


def expire_due(now: datetime | None = None) -> int:
    """Close the introductions nobody finished answering in 30 days (the cron job). How many."""
    result = db.session.execute(
        update(Introduction)
        .where(Introduction.status == OPEN, Introduction.expires_at <= (now or utcnow()))
        .values(status=EXPIRED, closed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _with_people(query):
    return query.options(
        selectinload(Introduction.introducer),
        selectinload(Introduction.first),
        selectinload(Introduction.second),
    )


PEOPLE = ("introducer", "first", "second")


def introductions_for(user: User) -> dict[str, list[Introduction]]:
    """This person's introductions: waiting for their answer, the rest of those made to them, and
    those they made (newest first, the latest 50 of each)."""
    in_pair = or_(Introduction.first_id == user.id, Introduction.second_id == user.id)
    to_me = db.session.scalars(
        select(Introduction).where(in_pair).order_by(Introduction.id.desc()).limit(50)
    ).all()
    made = db.session.scalars(
        select(Introduction)
        .where(Introduction.introducer_id == user.id)
        .order_by(Introduction.id.desc())
        .limit(50)
    ).all()
    # Everyone the page names, with their profiles, in one go: no lazy load per row.
    attach_people([*to_me, *made], *PEOPLE)
    waiting = [i for i in to_me if i.is_open and i.answer_of(user) is None]
    return {"waiting": waiting, "to_me": [i for i in to_me if i not in waiting], "made": list(made)}


def waiting_for(user: User, limit: int, since: datetime | None = None) -> tuple[list[Introduction], int]:
    """The newest `limit` introductions waiting for this person's answer (made after `since`, if
    given) with the people in them, and how many wait in all."""
    where = [
        Introduction.status == OPEN,
        or_(
            (Introduction.first_id == user.id) & Introduction.first_answer.is_(None),
            (Introduction.second_id == user.id) & Introduction.second_answer.is_(None),
        ),
    ]
    if since is not None:
        where.append(Introduction.created_at > since)
    rows = db.session.execute(
        select(Introduction, func.count().over()).where(*where).order_by(Introduction.id.desc()).limit(limit)
    ).all()
    waiting = [row[0] for row in rows]
    attach_people(waiting, *PEOPLE)  # one statement for all three people of every row
    return waiting, rows[0][1] if rows else 0


def get_for(introduction_id: int, user: User) -> Introduction | None:
    """An introduction `user` is part of (made it, or one of the two), else None."""
    found = db.session.get(Introduction, introduction_id)
    return found if found is not None and found.involves(user) else None


@personal_data_requested.connect
def _export_introductions(user: User) -> dict:
    """The introductions someone made, and those made to them (with only their own answer)."""
    theirs = or_(
        Introduction.introducer_id == user.id,
        Introduction.first_id == user.id,
        Introduction.second_id == user.id,
    )
    rows = db.session.scalars(
        _with_people(select(Introduction).where(theirs).order_by(Introduction.id))
    ).all()
    return {
        "introductions": [
            {
                "made_by_you": row.introducer_id == user.id,
                "between": [row.first.display_name, row.second.display_name],
                "note": row.note,
                "your_answer": None if row.introducer_id == user.id else row.answer_of(user),
                "outcome": row.outcome_for(user),
                "created_at": row.created_at.isoformat(),
            }
            for row in rows
        ]
    }


@account_deleting.connect
def _forget_introductions(user: User) -> None:
    """A deleted account's introductions go: those they made (their notes), and those made to them
    (the other person's simply disappears, as an expired one would)."""
    db.session.execute(
        delete(Introduction).where(
            or_(
                Introduction.introducer_id == user.id,
                Introduction.first_id == user.id,
                Introduction.second_id == user.id,
            )
        )
    )
