"""Nudges from the hourly job: a request unanswered for 3 days, and a mentorship gone quiet for 45.

Each is claimed by one conditional UPDATE on its own timestamp (`nudged_at`, `quiet_prompted_at`),
so it is sent once, however often the job runs and however many run at once. The 7-day reminder
and the 14-day expiry stay in closing.py. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.closing import REMIND_AFTER, remind
from mentormatch.mentoring.models import MENTORING, PENDING, Connection, MentoringRequest
from mentormatch.mentoring.pair_models import CANCELLED, Meeting, Message

NUDGE_AFTER = timedelta(days=3)
QUIET_AFTER = timedelta(days=45)


def nudge_unanswered(now: datetime | None = None) -> int:
    """Remind recipients of requests waiting 3 days (not those already at the 7-day reminder)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(MentoringRequest).where(
            MentoringRequest.status == PENDING,
            MentoringRequest.nudged_at.is_(None),
            MentoringRequest.reminded_at.is_(None),
            MentoringRequest.created_at <= now - NUDGE_AFTER,
            MentoringRequest.created_at > now - REMIND_AFTER,
        )
    ).all()
    return sum(remind(request, MentoringRequest.nudged_at, now, _waiting) for request in due)


def _waiting(request: MentoringRequest, days: int) -> str:
    return f"{request.sender.display_name} is waiting for your answer"


def prompt_quiet(now: datetime | None = None) -> int:
    """One gentle prompt to both people in a connection with no message or meeting for 45 days."""
    now = now or utcnow()
    since = now - QUIET_AFTER
    talked = exists().where(Message.connection_id == Connection.id, Message.created_at > since)
    met = exists().where(
        Meeting.connection_id == Connection.id,
        Meeting.status != CANCELLED,
        or_(Meeting.created_at > since, Meeting.starts_at > since),
    )
    quiet = db.session.scalars(
        select(Connection).where(
            Connection.ended_at.is_(None),
            Connection.quiet_prompted_at.is_(None),
            Connection.started_at <= since,
            ~talked,
            ~met,
        )
    ).all()
    prompted = 0
    for connection in quiet:
        claimed = db.session.execute(
            update(Connection)
            .where(Connection.id == connection.id, Connection.quiet_prompted_at.is_(None))
            .values(quiet_prompted_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        for person in (connection.first, connection.second):
            if person.email and not person.deleted_at:
                send_email(
                    person.email,
                    "connection_quiet",
                    f"How are things with {connection.other(person).display_name}?",
                    person=person,
                    other=connection.other(person),
                    mentoring=connection.kind == MENTORING,
                    link=absolute_url("connections.show", connection_id=connection.id),
                )
        prompted += 1
    return prompted
