"""What matching keeps in the database: dismissals, and the generation a rebuild bumps.

The change log that keeps every process fresh is core/changes.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db


class Dismissal(db.Model):
    """Someone a member said "Not for me" to: never suggested to them again (until undone)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    dismissed_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchingState(db.Model):
    """One row: the generation that `flask matches rebuild` bumps so every process refits."""

    __tablename__ = "matching_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=1)
    rebuilt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
