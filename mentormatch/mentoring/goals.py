"""A pair's goals and notes: adding a goal, moving it on, and saving notes (private or shared).

Only the two people in a connection get here (the views load it for them); the caller commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import GOALS
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import GOAL_STATUSES, NOT_STARTED, Goal, PairNote
from mentormatch.mentoring.pairs import PairProblem


def add_goal(connection: Connection, code: str | None, title: str, target: date | None) -> Goal:
    """A goal for the pair: a vocabulary goal (its label unless they wrote their own words) or theirs."""
    if not connection.is_active:
        raise PairProblem("This connection has ended, so its goals can't change.")
    code = code if code in GOALS else None
    goal = Goal(
        connection_id=connection.id,
        goal_code=code,
        title=title or GOALS.get(code or "", ""),
        status=NOT_STARTED,
        target_date=target,
    )
    db.session.add(goal)
    db.session.flush()
    return goal


def set_status(connection: Connection, goal: Goal, status: str) -> None:
    """Move a goal to not started, in progress or done."""
    if status not in GOAL_STATUSES:
        raise ValueError(status)
    if not connection.is_active:
        raise PairProblem("This connection has ended, so its goals can't change.")
    db.session.execute(
        update(Goal)
        .where(Goal.id == goal.id, Goal.connection_id == connection.id)
        .values(status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(goal)


def save_note(connection: Connection, owner: User | None, body: str) -> None:
    """Save `owner`'s private notes on the connection, or the pair's shared notes (owner None)."""
    owner_id = owner.id if owner is not None else None
    mine = PairNote.owner_id == owner_id if owner_id is not None else PairNote.owner_id.is_(None)
    found = db.session.scalar(select(PairNote).where(PairNote.connection_id == connection.id, mine))
    if found is None:
        try:
            with db.session.begin_nested():
                db.session.add(PairNote(connection_id=connection.id, owner_id=owner_id, body=body))
            return
        except IntegrityError:  # the other person's first save won: write over it below
            found = db.session.scalar(select(PairNote).where(PairNote.connection_id == connection.id, mine))
    found.body, found.updated_at = body, utcnow()
