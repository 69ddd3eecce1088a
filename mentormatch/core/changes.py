"""Matching's change log: which members' matching data changed, so every process stays fresh.

Every change that matters to suggestions (a profile, an approval, a place, a request) writes a
`matching_change` row in its own transaction: explicitly with `note_change(user_id, …)`, or, for
edits made through the ORM, by the flush hook that `install_flush_hook` (called by create_app)
puts on every session. Models say what counts with `watch(...)`; this module knows none of them.
Each process's matching engine reads the log before answering (matching/service.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ForeignKey, event, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db


class MatchingChange(db.Model):
    """A member whose matching data changed (profile, approval, places, requests)."""

    __tablename__ = "matching_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def note_change(*user_ids: int) -> None:
    """Record, in the caller's transaction, that these members' matching data changed."""
    rows = [{"user_id": user_id, "created_at": utcnow()} for user_id in dict.fromkeys(user_ids)]
    if rows:
        db.session.execute(insert(MatchingChange), rows)


class _Watched:
    def __init__(self, member_id: Callable[[object], int | None], fields: tuple[str, ...] | None) -> None:
        self.member_id = member_id
        self.fields = fields  # None: any change to the row, and adding or deleting it


_watched: dict[type, _Watched] = {}


def watch(
    model: type, *, member_id: Callable[[object], int | None], fields: tuple[str, ...] | None = None
) -> None:
    """ORM changes to rows of `model` change member_id(row)'s matching data.

    With `fields`, only a change to one of those columns of an existing row counts.
    """
    _watched[model] = _Watched(member_id, fields)


def _note_orm_changes(session: Session, flush_context) -> None:
    """Watched rows added, changed or deleted through the ORM (forms, onboarding) note themselves.

    After the flush, so new rows have their ids; the session's lists still show what was flushed.
    """
    changed: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        watched = _watched.get(type(obj))
        if watched is None:
            continue
        if watched.fields is None:
            counts = obj not in session.dirty or session.is_modified(obj)
        else:
            state = db.inspect(obj)
            counts = obj in session.dirty and any(
                state.attrs[name].history.has_changes() for name in watched.fields
            )
        member = watched.member_id(obj) if counts else None
        if member is not None:
            changed.add(member)
    if changed:  # Core on the flush's own connection: an ORM statement here would flush again
        rows = [{"user_id": user_id, "created_at": utcnow()} for user_id in sorted(changed)]
        session.connection().execute(insert(MatchingChange.__table__), rows)


def install_flush_hook() -> None:
    """Note watched ORM changes on every session's flush (once per process)."""
    if not event.contains(Session, "after_flush", _note_orm_changes):
        event.listen(Session, "after_flush", _note_orm_changes)
