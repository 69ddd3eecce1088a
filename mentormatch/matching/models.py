"""What matching keeps in the database: dismissals, the generation a rebuild bumps, and the blend a
programme learned from its own outcomes.

The change log that keeps every process fresh is core/changes.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
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


class LearnedBlend(db.Model):
    """One switch of the mentor blend: weights learned by `flask matches learn`, or (weights None) back
    to the defaults with `--defaults`. The newest row is the blend in use; the older ones are its
    history. Every process reads it when it fits, and both commands start a new generation."""

    __tablename__ = "learned_blend"
    id: Mapped[int] = mapped_column(primary_key=True)
    weights: Mapped[dict | None] = mapped_column(JSON)  # {"mentor": {part: weight}}; None: the defaults
    outcomes: Mapped[int] = mapped_column(default=0)  # the evidence: outcomes learned from
    went_well: Mapped[int] = mapped_column(default=0)
    switched_by: Mapped[str] = mapped_column(String(80))  # the command (or who) that switched
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
