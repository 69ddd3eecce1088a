"""The request lifecycle after asking (asking.py): accept, decline, withdraw, expire; ending a connection.

Every transition is one conditional UPDATE (`… WHERE status = 'pending'`) with a row-count
check, and a mentor's place is taken by another (`… WHERE places_taken < capacity`), so a double
click, two tabs, or two mentees racing for a mentor's last place each end with one outcome.
Emails go through the outbox in the same transaction: a change that rolls back sends nothing,
and each transition that happens sends its email exactly once. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.asking import RequestProblem, stage_rank
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MENTORING,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from mentormatch.mentors.signals import mentor_unavailable
from mentormatch.profiles.listing import is_listed
from mentormatch.profiles.models import Profile

REMIND_AFTER = timedelta(days=7)
MATCHED_ELSEWHERE = "They have found a mentor, so their other requests were withdrawn."


# --- answering ---------------------------------------------------------------------------------


def _decide(request: MentoringRequest, status: str, reason: str | None = None) -> bool:
    """Move a pending request on, once: False when something else decided it first."""
    result = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request.id, MentoringRequest.status == PENDING)
        .values(status=status, reason=reason or None, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(request)
        return False
    db.session.refresh(request)
    note_change(request.sender_id, request.recipient_id)
    return True


def _already(request: MentoringRequest) -> RequestProblem:
    words = {
        ACCEPTED: "has already been accepted",
        DECLINED: "has already been declined",
        WITHDRAWN: "was withdrawn",
        EXPIRED: "expired",
    }
    return RequestProblem(f"This request {words.get(request.status, 'has already been answered')}.")


def accept(request: MentoringRequest, by: User) -> Connection:
    """The recipient says yes: a connection, a mentor's place taken, the mentee's other asks withdrawn."""
    if request.recipient_id != by.id:
        raise PermissionError("only the recipient can accept a request")
    if not request.is_pending:  # a second click, or another tab, after it was decided
        raise _already(request)
    _check_can_still_connect(request, by)
    if request.kind == MENTORING and not take_place(by.id):
        profile = by.profile
        if profile is not None:  # loaded before another acceptance took the place: count it as it is now
            db.session.refresh(profile)
        raise RequestProblem(
            "You have no free places left "
            f"({profile.mentor_places_taken} of {profile.mentor_capacity or 0} taken). "
            "End a mentorship or raise your capacity first, or decline this request."
            if profile and profile.is_approved_mentor
            else "Your mentoring is paused: resume it on your mentoring page to accept requests."
            if profile and profile.mentor_status == "paused"
            else "You aren't an approved mentor at the moment, so you can't accept mentoring requests."
        )
    if not _decide(request, ACCEPTED):
        db.session.rollback()
        raise _already(request)
    if request.kind == MENTORING:
        first, second = request.recipient_id, request.sender_id
    else:
        first, second = sorted((request.sender_id, request.recipient_id))
    connection = Connection(kind=request.kind, first_id=first, second_id=second, request_id=request.id)
    try:
        with db.session.begin_nested():
            db.session.add(connection)
    except IntegrityError:
        db.session.rollback()
        raise RequestProblem(f"You are already connected with {request.sender.display_name}.") from None
    send_email(
        request.sender.email,
        "request_accepted",
        f"{by.display_name} accepted your request",
        request=request,
        link=absolute_url("mentoring.connections"),
    )
    if request.kind == MENTORING:
        _withdraw_others(request)
    return connection


def _check_can_still_connect(request: MentoringRequest, by: User) -> None:
    """The rules checked when they asked, checked again: days may have passed, and people change."""
    sender = request.sender
    if not is_listed(sender):
        raise RequestProblem(
            f"{sender.display_name} can't be connected with at the moment: their account isn't active. "
            "You can decline the request, or leave it to close."
        )
    if request.kind == MENTORING:
        rank, their_rank = stage_rank(by), stage_rank(sender)
        if rank is None or their_rank is None or rank <= their_rank:
            raise RequestProblem(
                f"Your career stages have changed since {sender.display_name} asked, and a mentor needs "
                "to be further along than their mentee, so you can't accept. You could decline, and "
                "suggest a peer connection instead."
            )


def _withdraw_others(accepted: MentoringRequest) -> None:
    withdraw_pending_mentoring(accepted.sender_id, keep=accepted.id)


def withdraw_pending_mentoring(mentee_id: int, keep: int | None = None) -> int:
    """A mentee who has a mentor now: their other mentoring requests are withdrawn, those mentors told."""
    others = db.session.scalars(
        select(MentoringRequest).where(
            MentoringRequest.sender_id == mentee_id,
            MentoringRequest.kind == MENTORING,
            MentoringRequest.status == PENDING,
            MentoringRequest.id != (keep or 0),
        )
    ).all()
    withdrawn = 0
    for other in others:
        if _decide(other, WITHDRAWN, reason=MATCHED_ELSEWHERE):
            _tell_withdrawn(other)
            withdrawn += 1
    return withdrawn


def close_requests_to(mentor_id: int, reason: str) -> int:
    """A mentor stopped taking mentees (paused, suspended, or their approval went back to the admins):
    their waiting mentoring requests are withdrawn with `reason`, and each mentee is emailed once.

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
        if _decide(request, WITHDRAWN, reason=reason):
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


def decline(request: MentoringRequest, by: User, reason: str = "") -> None:
    """The recipient says no, perhaps with a reason the sender is shown."""
    if request.recipient_id != by.id:
        raise PermissionError("only the recipient can decline a request")
    if not _decide(request, DECLINED, reason=reason.strip()):
        raise _already(request)
    send_email(
        request.sender.email,
        "request_declined",
        f"About your request to {by.display_name}",
        request=request,
        link=absolute_url("matching.matches"),
    )


def withdraw(request: MentoringRequest, by: User) -> None:
    """The sender takes their request back."""
    if request.sender_id != by.id:
        raise PermissionError("only the sender can withdraw a request")
    if not _decide(request, WITHDRAWN):
        raise _already(request)
    _tell_withdrawn(request)


def _tell_withdrawn(request: MentoringRequest) -> None:
    send_email(
        request.recipient.email,
        "request_withdrawn",
        f"{request.sender.display_name} withdrew their request",
        request=request,
        link=absolute_url("mentoring.requests"),
    )


# --- places and connections --------------------------------------------------------------------


def take_place(mentor_id: int) -> bool:
    """Take one of an approved mentor's places, atomically; False when none is free."""
    result = db.session.execute(
        update(Profile)
        .where(
            Profile.user_id == mentor_id,
            Profile.mentor_status == "approved",
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


# --- the clock (flask requests expire, run by cron) --------------------------------------------


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
        claimed = db.session.execute(
            update(MentoringRequest)
            .where(
                MentoringRequest.id == request.id,
                MentoringRequest.status == PENDING,
                MentoringRequest.reminded_at.is_(None),
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            # Whole days left, rounded up: 6 days 23 hours is "7 days", not "6".
            days = max(-((now - request.expires_at) // timedelta(days=1)), 1)
            send_email(
                request.recipient.email,
                "request_expiring",
                f"{request.sender.display_name}'s request closes in {days} day{'s' if days != 1 else ''}",
                request=request,
                days=days,
                link=absolute_url("mentoring.requests"),
            )
            reminded += 1
    overdue = db.session.scalars(
        select(MentoringRequest).where(MentoringRequest.status == PENDING, MentoringRequest.expires_at <= now)
    ).all()
    for request in overdue:
        if _decide(request, EXPIRED):
            send_email(
                request.sender.email,
                "request_expired",
                f"Your request to {request.recipient.display_name} has closed",
                request=request,
                link=absolute_url("matching.matches"),
            )
            expired += 1
    return reminded, expired


# --- what pages list ---------------------------------------------------------------------------


def requests_for(user: User) -> dict[str, list[MentoringRequest]]:
    """This person's requests: waiting for their answer, sent and waiting, and the recent past."""
    mine = or_(MentoringRequest.sender_id == user.id, MentoringRequest.recipient_id == user.id)
    rows = db.session.scalars(
        select(MentoringRequest).where(mine).order_by(MentoringRequest.created_at.desc()).limit(200)
    ).all()
    return {
        "received": [r for r in rows if r.is_pending and r.recipient_id == user.id],
        "sent": [r for r in rows if r.is_pending and r.sender_id == user.id],
        "past": [r for r in rows if not r.is_pending][:30],
    }


def connections_for(user: User) -> list[Connection]:
    """This person's active connections, mentors first, then mentees, then peers."""
    rows = db.session.scalars(
        select(Connection)
        .where(
            Connection.ended_at.is_(None),
            or_(Connection.first_id == user.id, Connection.second_id == user.id),
        )
        .order_by(Connection.started_at.desc())
    ).all()
    order = {"mentor": 0, "mentee": 1, "peer": 2}
    return sorted(rows, key=lambda connection: order[connection.role_of(user)])


# --- accounts closing, and their data ----------------------------------------------------------


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
        _decide(request, WITHDRAWN, reason="The account was closed.")
    for connection in connections_for(user):
        end_connection(connection, user, "The account was closed.", tell=False)


@personal_data_requested.connect
def _export_requests(user: User) -> dict:
    """The requests and connections sections of someone's data download."""
    mine = or_(MentoringRequest.sender_id == user.id, MentoringRequest.recipient_id == user.id)
    requests = db.session.scalars(select(MentoringRequest).where(mine).order_by(MentoringRequest.id)).all()
    theirs = or_(Connection.first_id == user.id, Connection.second_id == user.id)
    connections = db.session.scalars(select(Connection).where(theirs).order_by(Connection.id)).all()
    return {
        "requests": [
            {
                "kind": r.kind,
                "direction": "sent" if r.sender_id == user.id else "received",
                "with": r.other(user).display_name,
                "message": r.message,
                "status": r.status,
                "reason": r.reason,
                "created_at": r.created_at.isoformat(),
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            }
            for r in requests
        ],
        "connections": [
            {
                "kind": c.kind,
                "with": c.other(user).display_name,
                "they_are": c.role_of(user),
                "started_at": c.started_at.isoformat(),
                "ended_at": c.ended_at.isoformat() if c.ended_at else None,
                "end_reason": c.end_reason,
            }
            for c in connections
        ],
    }
