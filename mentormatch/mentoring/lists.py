"""What the pages list and what a data download holds: a person's requests and connections."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import personal_data_requested
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import PENDING, Connection, MentoringRequest
from mentormatch.profiles.people import attach_people


def requests_for(user: User) -> dict[str, list[MentoringRequest]]:
    """This person's requests: waiting for their answer, sent and waiting, and the recent past."""
    mine = or_(MentoringRequest.sender_id == user.id, MentoringRequest.recipient_id == user.id)
    rows = db.session.scalars(
        select(MentoringRequest).where(mine).order_by(MentoringRequest.created_at.desc()).limit(200)
    ).all()
    # A request waiting for an answer shows the asker's specialties and goals; nothing else is shown.
    attach_people(rows, "sender", "recipient", tags=("specialty_rows", "goal_rows"))
    return {
        "received": [request for request in rows if request.is_pending and request.recipient_id == user.id],
        "sent": [request for request in rows if request.is_pending and request.sender_id == user.id],
        "past": [request for request in rows if not request.is_pending][:30],
    }


def waiting_for(user: User, limit: int) -> tuple[list[MentoringRequest], int]:
    """The newest `limit` requests waiting for this person's answer, each with its sender, and how
    many wait in all: one query (for the dashboard, which names the senders and nothing more)."""
    rows = db.session.execute(
        select(MentoringRequest, func.count().over())
        .join(MentoringRequest.sender)
        .options(contains_eager(MentoringRequest.sender))
        .where(MentoringRequest.recipient_id == user.id, MentoringRequest.status == PENDING)
        .order_by(MentoringRequest.created_at.desc())
        .limit(limit)
    ).all()
    return [request for request, _ in rows], rows[0][1] if rows else 0


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
    attach_people(rows, "first", "second")
    order = {"mentor": 0, "mentee": 1, "peer": 2}
    return sorted(rows, key=lambda connection: order[connection.role_of(user)])


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
                "kind": request.kind,
                "direction": "sent" if request.sender_id == user.id else "received",
                "with": request.other(user).display_name,
                "message": request.message,
                "status": request.status,
                "ended_because": request.ended_because,
                "reason": request.reason,
                "created_at": request.created_at.isoformat(),
                "decided_at": request.decided_at.isoformat() if request.decided_at else None,
            }
            for request in requests
        ],
        "connections": [
            {
                "kind": connection.kind,
                "with": connection.other(user).display_name,
                "they_are": connection.role_of(user),
                "started_at": connection.started_at.isoformat(),
                "ended_at": connection.ended_at.isoformat() if connection.ended_at else None,
                "end_reason": connection.end_reason,
            }
            for connection in connections
        ],
    }
