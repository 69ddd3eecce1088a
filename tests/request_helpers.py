"""Reading the requests' rows and the outbox, and asking, for the request tests (rules, races and the
state machine): everything read fresh from the database, never from the session's identity map."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.changes import MatchingChange
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.mentoring.asking import RequestProblem, send_request
from mentormatch.mentoring.models import MENTORING, Connection, MentoringRequest
from mentormatch.profiles.models import Profile


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def mail() -> list[tuple[str, str]]:
    """(kind, to) of every queued email, oldest first."""
    rows = db.session.execute(select(OutboxMessage.kind, OutboxMessage.to_addr).order_by(OutboxMessage.id))
    return [tuple(row) for row in rows]


def places(user_id: int) -> int:
    return db.session.scalar(select(Profile.mentor_places_taken).where(Profile.user_id == user_id))


def status(request_id: int) -> str:
    return db.session.scalar(select(MentoringRequest.status).where(MentoringRequest.id == request_id))


def active_connections() -> list[tuple[str, int, int]]:
    rows = db.session.execute(
        select(Connection.kind, Connection.first_id, Connection.second_id)
        .where(Connection.ended_at.is_(None))
        .order_by(Connection.id)
    )
    return [tuple(row) for row in rows]


def snapshot() -> dict:
    """Every row a transition could touch, read fresh (not from the session's identity map)."""
    return {
        "requests": db.session.execute(
            select(
                MentoringRequest.id,
                MentoringRequest.status,
                MentoringRequest.ended_because,
                MentoringRequest.reason,
                MentoringRequest.decided_at,
                MentoringRequest.reminded_at,
            ).order_by(MentoringRequest.id)
        ).all(),
        "connections": db.session.execute(
            select(Connection.id, Connection.kind, Connection.ended_at).order_by(Connection.id)
        ).all(),
        "places": db.session.execute(
            select(Profile.user_id, Profile.mentor_places_taken).order_by(Profile.user_id)
        ).all(),
        "mail": mail(),
        "changes": db.session.scalar(select(func.count()).select_from(MatchingChange)),
    }


def refused(action: Callable[..., object], *args: object, error: type = RequestProblem, **kwargs) -> str:
    """Run an action that must be refused; commit anyway; nothing may have changed. Returns the words."""
    db.session.commit()
    before = snapshot()
    with pytest.raises(error) as raised:
        action(*args, **kwargs)
    db.session.commit()
    db.session.expire_all()
    assert snapshot() == before
    return str(raised.value)


EMAILS = {
    "amira": "amira@example.org",
    "ben": "ben@example.org",
    "cara": "cara@example.org",
    "kaur": "kaur@example.org",
    "lee": "lee@example.org",
    "moss": "moss@example.org",
    "nash": "nash@example.org",
}


def ask(people: dict[str, int], sender: str, recipient: str, kind: str = MENTORING, message: str = ""):
    """`sender` asks `recipient` (names in `people`), committed."""
    request = send_request(person(people[sender]), person(people[recipient]), kind, message)
    db.session.commit()
    return request
