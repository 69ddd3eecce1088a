"""Requests that end without an answer: the mentor stopped taking mentees, the clock ran out, or an
account closed.

Each request is claimed by one conditional UPDATE (deciding.py, or the reminder's own), so two runs
of the hourly job at once never email twice. The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.connections import end_connection
from mentormatch.mentoring.deciding import decide
from mentormatch.mentoring.lists import connections_for
from mentormatch.mentoring.models import EXPIRED, MENTORING, PENDING, MentoringRequest, RequestEnd
from mentormatch.mentors import standing
from mentormatch.mentors.signals import mentor_unavailable

REMIND_AFTER = timedelta(days=7)
# A mentor who lets this many mentoring requests in a row expire is paused (mentors/standing.py).
EXPIRED_IN_A_ROW = 3
# Stored with what a closed account withdrew (RequestEnd.ACCOUNT_CLOSED) and the connections it ended.
ACCOUNT_CLOSED = "The account was closed."


# --- a mentor who stops taking mentees -----------------------------------------------------------


def close_requests_to(mentor_id: int, reason: str) -> int:
    """A mentor stopped taking mentees (paused, suspended, or their approval went back to the admins):
    their waiting mentoring requests end as mentor_unavailable with `reason`, each mentee emailed once.

    Otherwise the requests would wait out their 14 days, unanswerable, holding the mentees' places.
    Returns how many were closed.
    """
    waiting = db.session.scalars(
        select(MentoringRequest)
        .where(
            MentoringRequest.recipient_id == mentor_id,
            MentoringRequest.kind == MENTORING,
            MentoringRequest.status == PENDING,
        )
        .order_by(MentoringRequest.id)
    ).all()
    closed = 0
    for request in waiting:
        if decide(request, RequestEnd.MENTOR_UNAVAILABLE, reason=reason):
            send_email(
                request.sender.email,
                "request_closed",
                f"Your request to {request.recipient.display_name} has closed",
                request=request,
                link=absolute_url("matching.matches"),
            )
            closed += 1
    return closed


@mentor_unavailable.connect
def _mentor_unavailable(mentor: User, reason: str) -> None:
    close_requests_to(mentor.id, reason)


# --- the clock (flask requests expire, run by cron) --------------------------------------------


def remind(
    request: MentoringRequest, marker, now: datetime, subject: Callable[[MentoringRequest, int], str]
) -> bool:
    """Email the person asked that `request` waits, once: claimed by setting `marker` (a timestamp
    column of the request, still empty) in one conditional UPDATE. False when already claimed."""
    claimed = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request.id, MentoringRequest.status == PENDING, marker.is_(None))
        .values({marker: now})
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    # Whole days left, rounded up: 6 days 23 hours is "7 days", not "6".
    days = max(-((now - request.expires_at) // timedelta(days=1)), 1)
    send_email(
        request.recipient.email,
        "request_expiring",
        subject(request, days),
        request=request,
        days=days,
        link=absolute_url("mentoring.requests"),
    )
    return True


def remind_and_expire(now: datetime | None = None) -> tuple[int, int]:
    """Remind recipients of requests a week old; expire those past 14 days. Returns (reminded, expired).

    Each request is claimed by a conditional UPDATE, so two runs at once never email twice.
    """
    now = now or utcnow()
    reminded = expired = 0
    due = db.session.scalars(
        select(MentoringRequest).where(
            MentoringRequest.status == PENDING,
            MentoringRequest.reminded_at.is_(None),
            MentoringRequest.created_at <= now - REMIND_AFTER,
            MentoringRequest.expires_at > now,
        )
    ).all()
    for request in due:
        reminded += remind(
            request,
            MentoringRequest.reminded_at,
            now,
            lambda request, days: (
                f"{request.sender.display_name}'s request closes in {days} day{'s' if days != 1 else ''}"
            ),
        )
    overdue = db.session.scalars(
        select(MentoringRequest).where(MentoringRequest.status == PENDING, MentoringRequest.expires_at <= now)
    ).all()
    for request in overdue:
        if decide(request, RequestEnd.EXPIRED):
            send_email(
                request.sender.email,
                "request_expired",
                f"Your request to {request.recipient.display_name} has closed",
                request=request,
                mentor_paused=request.kind == MENTORING and _pause_if_not_answering(request.recipient),
                link=absolute_url("matching.matches"),
            )
            expired += 1
    return reminded, expired


def _pause_if_not_answering(mentor: User) -> bool:
    """Pause a mentor whose last EXPIRED_IN_A_ROW mentoring requests all expired unanswered (counting
    only those since the system last paused them, so a mentor who resumes starts afresh)."""
    since = standing.last_auto_pause(mentor)
    query = (
        select(MentoringRequest.status)
        .where(
            MentoringRequest.recipient_id == mentor.id,
            MentoringRequest.kind == MENTORING,
            MentoringRequest.status != PENDING,
        )
        .order_by(MentoringRequest.decided_at.desc(), MentoringRequest.id.desc())
        .limit(EXPIRED_IN_A_ROW)
    )
    if since is not None:
        query = query.where(MentoringRequest.decided_at > since)
    latest = db.session.scalars(query).all()
    if len(latest) < EXPIRED_IN_A_ROW or any(status != EXPIRED for status in latest):
        return False
    return standing.pause_for_not_answering(mentor, EXPIRED_IN_A_ROW)


# --- accounts closing ----------------------------------------------------------------------------


@account_deleting.connect
def _close_everything(user: User) -> None:
    """A deleted account withdraws its requests and ends its connections (freeing mentors' places)."""
    pending = db.session.scalars(
        select(MentoringRequest).where(
            MentoringRequest.status == PENDING,
            or_(MentoringRequest.sender_id == user.id, MentoringRequest.recipient_id == user.id),
        )
    ).all()
    for request in pending:
        decide(request, RequestEnd.ACCOUNT_CLOSED, reason=ACCOUNT_CLOSED)
    for connection in connections_for(user):
        end_connection(connection, user, ACCOUNT_CLOSED, tell=False)
