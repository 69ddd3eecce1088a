"""A mentor's places and the connections that hold them: taking a place, giving it back, ending a
mentorship or a peer connection.

A place is taken by one conditional UPDATE (`… WHERE places_taken < capacity`), so two acceptances
racing for a mentor's last place can't both have it. The caller commits.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.asking import RequestProblem, send_request
from mentormatch.mentoring.models import MENTORING, PEER, Connection
from mentormatch.mentoring.pair_models import Reflection
from mentormatch.profiles.models import MentorStatus, Profile


def take_place(mentor_id: int) -> bool:
    """Take one of an approved mentor's places, atomically; False when none is free."""
    result = db.session.execute(
        update(Profile)
        .where(
            Profile.user_id == mentor_id,
            Profile.mentor_status == MentorStatus.APPROVED,
            Profile.mentor_places_taken < func.coalesce(Profile.mentor_capacity, 0),
        )
        .values(mentor_places_taken=Profile.mentor_places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    note_change(mentor_id)
    return True


def free_place(mentor_id: int) -> None:
    """Give a mentor's place back (a mentorship ended)."""
    db.session.execute(
        update(Profile)
        .where(Profile.user_id == mentor_id, Profile.mentor_places_taken > 0)
        .values(mentor_places_taken=Profile.mentor_places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    note_change(mentor_id)


def connected(a_id: int, b_id: int) -> bool:
    """Whether these two have an active connection of any kind."""
    return (
        db.session.scalar(
            select(Connection.id)
            .where(
                Connection.ended_at.is_(None),
                or_(
                    (Connection.first_id == a_id) & (Connection.second_id == b_id),
                    (Connection.first_id == b_id) & (Connection.second_id == a_id),
                ),
            )
            .limit(1)
        )
        is not None
    )


def connect_peers(a_id: int, b_id: int) -> Connection | None:
    """Connect two members as peers (an introduction both accepted); None when they already are."""
    first, second = sorted((a_id, b_id))
    connection = Connection(kind=PEER, first_id=first, second_id=second)
    try:
        with db.session.begin_nested():
            db.session.add(connection)
    except IntegrityError:
        return None
    note_change(first, second)
    return connection


def end_connection(connection: Connection, by: User, reason: str = "", *, tell: bool = True) -> None:
    """End a mentorship or a peer connection, once; a mentor's place is freed."""
    if by.id not in (connection.first_id, connection.second_id):
        raise PermissionError("only the two people in a connection can end it")
    result = db.session.execute(
        update(Connection)
        .where(Connection.id == connection.id, Connection.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_by_id=by.id, end_reason=reason.strip() or None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise RequestProblem("This connection has already ended.")
    db.session.refresh(connection)
    if connection.kind == MENTORING:
        free_place(connection.first_id)
    note_change(connection.first_id, connection.second_id)
    other = connection.other(by)
    if tell and other.email:
        send_email(
            other.email,
            "connection_ended",
            f"{by.display_name} ended your {'mentorship' if connection.kind == MENTORING else 'connection'}",
            connection=connection,
            ended_by=by,
            link=absolute_url("mentoring.connections"),
        )


def end_well(
    connection: Connection, by: User, reason: str = "", reflection: str = "", *, stay_as_peers: bool = False
) -> str | None:
    """End a connection, keep the ender's private reflection, and for a mentorship they'd like to
    keep as peers, send the other person a peer request on their behalf (accepted as any other).

    Returns why the peer request couldn't be sent (the rules for asking still apply), or None.
    """
    end_connection(connection, by, reason)
    if reflection.strip():
        db.session.add(Reflection(connection_id=connection.id, member_id=by.id, body=reflection.strip()))
    if not (stay_as_peers and connection.kind == MENTORING):
        return None
    other = connection.other(by)
    try:
        with db.session.begin_nested():
            send_request(
                by,
                other,
                PEER,
                f"Our mentorship has ended: {by.display_name} would like to stay connected as peers.",
                after_mentorship=True,
            )
    except RequestProblem as problem:
        return str(problem)
    return None
