"""A programme's own evidence for `flask matches learn`, and the blend it learned.

What went well: a mentoring request accepted, a round pair published (a mentoring connection made
without a request), unless the connection ended within `ENDED_EARLY`. What did not: a request
declined or expired, or a connection that ended early. Withdrawn requests say nothing of the fit.
The learned blend is kept in the database (`LearnedBlend`: the weights, the evidence, the date and
the command that switched), with an audit entry, and read by every process when it fits;
`flask matches learn --defaults` switches back the same way.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mentormatch.core.audit import describe_actions, record
from mentormatch.core.extensions import db
from mentormatch.matching.models import LearnedBlend
from mentormatch.mentoring.models import ACCEPTED, DECLINED, EXPIRED, MENTORING, Connection, MentoringRequest

ENDED_EARLY = timedelta(days=90)

describe_actions(
    {
        "matching.learn": "Switched to a mentor blend learned from outcomes",
        "matching.defaults": "Switched back to the default mentor blend",
    }
)


def mentoring_outcomes() -> dict[tuple[int, int], bool]:
    """{(mentee, mentor): went well} for every mentoring pair with an outcome."""
    found: dict[tuple[int, int], bool] = {}
    requests = select(
        MentoringRequest.sender_id, MentoringRequest.recipient_id, MentoringRequest.status
    ).where(MentoringRequest.kind == MENTORING, MentoringRequest.status.in_([ACCEPTED, DECLINED, EXPIRED]))
    for mentee, mentor, status in db.session.execute(requests):
        found[mentee, mentor] = status == ACCEPTED
    connections = select(
        Connection.second_id,
        Connection.first_id,
        Connection.request_id,
        Connection.started_at,
        Connection.ended_at,
    ).where(Connection.kind == MENTORING)
    for mentee, mentor, request_id, started, ended in db.session.execute(connections):
        early = ended is not None and ended - started < ENDED_EARLY
        if early:
            found[mentee, mentor] = False
        elif request_id is None:  # a published round's pair
            found[mentee, mentor] = True
    return found


def _current() -> LearnedBlend | None:
    return db.session.scalars(select(LearnedBlend).order_by(LearnedBlend.id.desc()).limit(1)).first()


def _summary(row: LearnedBlend | None) -> dict | None:
    if row is None or not row.weights:
        return None
    return {
        "learned_at": row.created_at.isoformat(timespec="seconds"),
        "outcomes": row.outcomes,
        "went_well": row.went_well,
        "mentor": row.weights["mentor"],
    }


def learned_blend() -> dict | None:
    """The learned blend in use ({"learned_at", "outcomes", "went_well", "mentor": weights}), or None."""
    return _summary(_current())


def store_blend(weights: dict[str, float], outcomes: int, went_well: int, by: str) -> dict:
    """Switch to a learned mentor blend, with today's date, the evidence behind it and an audit entry
    (in the caller's transaction)."""
    before = learned_blend()
    row = LearnedBlend(weights={"mentor": weights}, outcomes=outcomes, went_well=went_well, switched_by=by)
    db.session.add(row)
    db.session.flush()
    record(None, "matching.learn", row, _audited(before), _audited(_summary(row)), actor=by)
    return _summary(row)


def forget_blend(by: str) -> bool:
    """Back to the default blend (in the caller's transaction); False when the defaults are in use."""
    before = learned_blend()
    if before is None:
        return False
    row = LearnedBlend(weights=None, switched_by=by)
    db.session.add(row)
    db.session.flush()
    record(None, "matching.defaults", row, _audited(before), {"blend": "defaults"}, actor=by)
    return True


def _audited(blend: dict | None) -> dict:
    return {"blend": "defaults"} if blend is None else {"blend": "learned", **blend}
