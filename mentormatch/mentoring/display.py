"""What the request and connection pages show: time left, and, on someone's profile page, what the
signed-in member can do about them. Registered as template globals by create_app."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import or_, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.asking import connected, request_problem
from mentormatch.mentoring.models import KINDS, MENTORING, PENDING, Connection, MentoringRequest

DAY = 86400  # seconds


def closes_in(mentoring_request: MentoringRequest) -> str:
    """How long a pending request has left, in words: '14 days', '1 day', 'less than a day'."""
    seconds = (mentoring_request.expires_at - utcnow()).total_seconds()
    if seconds < DAY:
        return "less than a day"
    days = round(seconds / DAY)
    return f"{days} day{'s' if days != 1 else ''}"


@dataclass(frozen=True)
class Reach:
    """What the signed-in member can do about someone, for their profile page."""

    connection: Connection | None = None
    pending: MentoringRequest | None = None
    kinds: tuple[str, ...] = ()  # what they can ask for now: mentoring, peer, both or neither
    problem: str | None = None  # why a mentor can't be asked, when nothing can be asked


def reach_of(person: User) -> Reach:
    """Connected, a request pending between them, or which requests the signed-in member may send."""
    me = current_user._get_current_object()
    if not me.is_authenticated or me.id == person.id:
        return Reach()
    connection = connected(me, person)
    if connection is not None:
        return Reach(connection=connection)
    pending = db.session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.status == PENDING,
            or_(
                (MentoringRequest.sender_id == me.id) & (MentoringRequest.recipient_id == person.id),
                (MentoringRequest.sender_id == person.id) & (MentoringRequest.recipient_id == me.id),
            ),
        )
    )
    if pending is not None:
        return Reach(pending=pending)
    kinds = tuple(kind for kind in KINDS if request_problem(me, person, kind) is None)
    problem = None
    if not kinds and person.profile is not None and person.profile.is_approved_mentor:
        problem = request_problem(me, person, MENTORING)
    return Reach(kinds=kinds, problem=problem)
