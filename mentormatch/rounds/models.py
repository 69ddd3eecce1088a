"""A cohort matching round: its mentees, its mentor pool, and the draft pairs a run proposes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

DRAFT, PUBLISHED = "draft", "published"
OBJECTIVE_LABELS = {
    "total": "Maximise the total fit",
    "count": "Maximise the number of mentees matched above a minimum score",
}


class MatchingRound(db.Model):
    """A round run by an admin: draft until published, then its pairs are mentoring connections.

    `status` moves from draft to published once, by one conditional UPDATE (rounds/service.py),
    so a double click or two admins publishing at once create the connections once.
    """

    __tablename__ = "matching_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    objective: Mapped[str] = mapped_column(String(10), default="total")
    min_score: Mapped[float] = mapped_column(Float, default=0.0)
    avoid_same_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    # True: every approved mentor with a free place when the round runs; False: the round_mentor rows.
    all_mentors: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The figures of the last run (or change): the draft against the optimum without locked pairs.
    total_fit: Mapped[float | None] = mapped_column(Float)
    optimum_fit: Mapped[float | None] = mapped_column(Float)
    matched: Mapped[int | None]
    optimum_matched: Mapped[int | None]
    capacity_used: Mapped[int | None]
    capacity_total: Mapped[int | None]
    blocking_pairs: Mapped[int | None]  # None after a change, until the next run counts them

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    mentees: Mapped[list[RoundMentee]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )
    mentors: Mapped[list[RoundMentor]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )
    pairs: Mapped[list[RoundPair]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True, order_by="RoundPair.id"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def objective_label(self) -> str:
        return OBJECTIVE_LABELS.get(self.objective, self.objective)


class RoundMentee(db.Model):
    """A member in a round's cohort of mentees."""

    __tablename__ = "round_mentee"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_round.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)

    round: Mapped[MatchingRound] = relationship(back_populates="mentees")
    user: Mapped[User] = relationship()


class RoundMentor(db.Model):
    """A mentor an admin chose for a round's pool (unused when the pool is every approved mentor)."""

    __tablename__ = "round_mentor"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_round.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)

    round: Mapped[MatchingRound] = relationship(back_populates="mentors")
    user: Mapped[User] = relationship()


class RoundPair(db.Model):
    """One mentee's line in the draft: their proposed mentor with the score and reasons, or why none.

    `locked` pairs are an admin's changes: a new run keeps them and solves around them.
    """

    __tablename__ = "round_pair"
    __table_args__ = (UniqueConstraint("round_id", "mentee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("matching_round.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    unmatched_reason: Mapped[str | None] = mapped_column(String(80))
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("connection.id", ondelete="SET NULL"))

    round: Mapped[MatchingRound] = relationship(back_populates="pairs")
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)
