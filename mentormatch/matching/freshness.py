"""One fitted engine per process, kept fresh from the matching change log.

Each web process keeps one fitted `MatchingEngine` (fitting is the slow part). Before every use it
reads what changed since it last looked, from the `matching_change` log that every change to a
profile, an approval, a place or a request writes in its own transaction, and updates just those
members. So several processes never serve suggestions from stale data, and nothing is refitted on
a page load unless `flask matches rebuild` asked for it (a new generation) or many members changed
since the last fit (new words the fitted vocabulary doesn't know).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, func, literal, or_, select

from mentormatch.core.changes import MatchingChange
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.metrics import MATCHING_REFITS
from mentormatch.matching.engine import MatchingEngine
from mentormatch.matching.members import load_members
from mentormatch.matching.models import MatchingState
from mentormatch.matching.outcomes import learned_blend

# An id below the newest one seen but not yet visible may belong to a transaction still
# committing; after this long it was rolled back (or the sequence skipped it).
GAP_PATIENCE_SECONDS = 120.0


# A cursor that starts from an empty log (a rebuild forgot every change) awaits only this many ids
# below the first it sees, not every id PostgreSQL's sequence ever gave out.
GAP_WINDOW = 1000


# `matches rebuild` forgets changes older than this (a process that old refits anyway).
CHANGE_LOG_KEEP = timedelta(days=1)


# Refit in the process once this many members changed since the fit (new words would be lost).
REFIT_AFTER_CHANGES = 500


REFIT_AFTER_SHARE = 0.2


@dataclass
class ChangeCursor:
    """Reads the change log in id order without missing rows that commit out of order."""

    last: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # unseen id → when first missed

    def advance(self) -> set[int]:
        """The members changed since the last call."""
        return self.take(db.session.execute(self.unread()).all())

    def unread(self) -> Select:
        """The change log's rows this cursor hasn't taken yet: (id, user_id)."""
        condition = MatchingChange.id > self.last
        if self.gaps:
            condition = or_(condition, MatchingChange.id.in_(list(self.gaps)))
        return select(MatchingChange.id, MatchingChange.user_id).where(condition)

    def take(self, rows: Sequence[tuple[int, int]]) -> set[int]:
        """Move past these rows of `unread()`; the members they name."""
        now = time.monotonic()
        seen = {change_id for change_id, _ in rows}
        for change_id in seen:
            self.gaps.pop(change_id, None)
        newest = max(seen, default=self.last)
        for missing in range(self.last + 1 if self.last else max(newest - GAP_WINDOW, 1), newest):
            if missing not in seen:
                self.gaps[missing] = now
        self.last = max(self.last, newest)
        self.gaps = {gap: since for gap, since in self.gaps.items() if now - since < GAP_PATIENCE_SECONDS}
        return {user_id for _, user_id in rows}


@dataclass
class _ProcessEngine:
    lock: threading.Lock = field(default_factory=threading.Lock)
    engine: MatchingEngine | None = None
    generation: int | None = None
    cursor: ChangeCursor = field(default_factory=ChangeCursor)
    members: int = 0
    updates: int = 0


def _generation() -> int:
    return db.session.scalar(select(MatchingState.generation).where(MatchingState.id == 1)) or 0


# The generation's row, told apart from the change log's rows (whose ids start at 1) by this id.
_GENERATION_ROW = -1


def _generation_and_changes(cursor: ChangeCursor) -> tuple[int, list[tuple[int, int]]]:
    """The current generation and the change rows the cursor hasn't taken: one round trip, as this
    runs before every use of the engine."""
    generation = select(literal(_GENERATION_ROW), MatchingState.generation).where(MatchingState.id == 1)
    rows = db.session.execute(generation.union_all(cursor.unread())).all()
    found = next((value for row_id, value in rows if row_id == _GENERATION_ROW), None)
    return found or 0, [(row_id, user_id) for row_id, user_id in rows if row_id != _GENERATION_ROW]


def _fit(holder: _ProcessEngine, reason: str) -> None:
    MATCHING_REFITS.labels(reason).inc()
    # Read the log's end first: a change committed while the members load is applied again, harmlessly.
    start = db.session.scalar(select(func.max(MatchingChange.id))) or 0
    # Ids below the end not visible yet may belong to transactions still committing: wait for them too.
    visible = set(db.session.scalars(select(MatchingChange.id).where(MatchingChange.id > start - GAP_WINDOW)))
    now = time.monotonic()
    cursor = ChangeCursor(last=start)
    cursor.gaps = {i: now for i in range(max(start - GAP_WINDOW, 0) + 1, start) if i not in visible}
    generation = _generation()
    members = load_members()
    learned = learned_blend()  # a programme's own blend (`flask matches learn`), else the defaults
    weights = {"mentor": learned["mentor"]} if learned and "mentor" in learned else None
    holder.engine = MatchingEngine(weights).fit(members) if members else None
    holder.generation, holder.cursor = generation, cursor
    holder.members, holder.updates = len(members), 0


def _process_engine() -> _ProcessEngine:
    return current_app.extensions.setdefault("mentormatch.matching", _ProcessEngine())


class FreshEngine:
    """`with fresh_engine() as engine:` — this process's engine, brought up to date, held locked."""

    def __enter__(self) -> MatchingEngine | None:
        holder = self.holder = _process_engine()
        holder.lock.acquire()
        try:
            generation, rows = _generation_and_changes(holder.cursor)
            if holder.engine is None or holder.generation != generation:
                _fit(holder, "first" if holder.engine is None else "generation")
                return holder.engine
            changed = holder.cursor.take(rows)
            if not changed:
                return holder.engine
            holder.updates += len(changed)
            if holder.updates > max(REFIT_AFTER_CHANGES, REFIT_AFTER_SHARE * holder.members):
                _fit(holder, "changes")
            else:
                for member in load_members(changed):
                    holder.engine.update(member)
            return holder.engine
        except BaseException:
            holder.lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        self.holder.lock.release()


fresh_engine = FreshEngine  # `with fresh_engine() as engine:`


def rebuild() -> int:
    """Start a new generation: every process (this one now) refits from the database. Returns members."""
    state = db.session.get(MatchingState, 1)
    if state is None:
        state = MatchingState(id=1, generation=0)
        db.session.add(state)
    state.generation += 1
    state.rebuilt_at = utcnow()
    # Changes older than a day are history: any process that old refits for the new generation.
    db.session.execute(
        MatchingChange.__table__.delete().where(MatchingChange.created_at < utcnow() - CHANGE_LOG_KEEP)
    )
    db.session.commit()
    holder = _process_engine()
    with holder.lock:
        _fit(holder, "rebuild")
    return holder.members
