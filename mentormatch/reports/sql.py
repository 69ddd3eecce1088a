"""The reports' shared SQL: who counts as a member, counting, and the labels."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, exists, func

from mentormatch.accounts.models import User
from mentormatch.core.vocabulary import STAGE_BY_CODE, STAGES
from mentormatch.mentoring.models import (
    MENTORING,
    PEER,
    Connection,
)
from mentormatch.mentors.models import MENTOR_STATUSES
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import MentorStatus, Profile

MENTEE_STAGES: tuple[str, ...] = tuple(stage.code for stage in STAGES if stage.rank <= 1)


WEEKS = 26


KIND_LABELS = {MENTORING: "Mentoring", PEER: "Peer"}


# Approved and waiting first, as the issue asks; then the others, in the order mentors/models.py gives.
STATUS_ORDER = (
    MentorStatus.APPROVED,
    MentorStatus.PENDING,
    *(status for status in MENTOR_STATUSES if status not in {MentorStatus.APPROVED, MentorStatus.PENDING}),
)


def counted() -> tuple[ColumnElement[bool], ...]:
    """The conditions for a counted member (User joined to Profile): the listed ones."""
    return listed()


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    # SUM(CASE …) rather than COUNT(*) FILTER: the same SQL on every database we run on.
    return func.sum(case((condition, 1), else_=0))


def has_mentor() -> ColumnElement[bool]:
    """True for a User row with an active mentoring connection as the mentee."""
    return exists().where(
        Connection.kind == MENTORING, Connection.second_id == User.id, Connection.ended_at.is_(None)
    )


def free_places() -> ColumnElement[int]:
    """An approved mentor's places left (never below zero); nobody else has any (Profile.free_places)."""
    left = func.coalesce(Profile.mentor_capacity, 0) - Profile.mentor_places_taken
    return case((and_(Profile.mentor_status == MentorStatus.APPROVED, left > 0), left), else_=0)


def stage_label(code: str | None) -> str:
    stage = STAGE_BY_CODE.get(code or "")
    return stage.label if stage else (code or "Not given")
