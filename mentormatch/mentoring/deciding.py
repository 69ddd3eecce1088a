"""The one write that moves a request on from pending: accepted, or ended with a RequestEnd code.

Every transition (answering.py, closing.py) goes through `decide`: one conditional UPDATE
(`… WHERE status = 'pending'`) with a row-count check, so a double click, two tabs, or the clock
racing an answer each end with one outcome. The status follows from the code, so they can't disagree.
"""

from __future__ import annotations

from sqlalchemy import update

from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.asking import RequestProblem
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    PENDING,
    WITHDRAWN,
    MentoringRequest,
    RequestEnd,
)


def decide(request: MentoringRequest, ended_because: RequestEnd | None, reason: str | None = None) -> bool:
    """Move a pending request on, once: accepted when `ended_because` is None, else ended for that
    reason (with `reason`, the words shown with it). False when something else decided it first."""
    status = ACCEPTED if ended_because is None else ended_because.status
    result = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request.id, MentoringRequest.status == PENDING)
        .values(status=status, ended_because=ended_because, reason=reason or None, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    if result.rowcount != 1:
        return False
    note_change(request.sender_id, request.recipient_id)
    return True


def already_decided(request: MentoringRequest) -> RequestProblem:
    """Why a request someone tries to answer can't be: what happened to it first."""
    words = {
        ACCEPTED: "has already been accepted",
        DECLINED: "has already been declined",
        WITHDRAWN: "was withdrawn",
        EXPIRED: "expired",
    }
    return RequestProblem(f"This request {words.get(request.status, 'has already been answered')}.")
