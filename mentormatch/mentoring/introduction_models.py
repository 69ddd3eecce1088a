"""A warm introduction: a member introduces two of their own connections to each other.

Each of the two answers privately. `first` has the lower id, so a pair is one pair whichever way
round they were introduced; at most one introduction per pair is open (a partial unique index).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

# An introduction's life: open until both accept (connected), one declines (declined), they were
# connected some other way meanwhile (already_connected), one can no longer connect (closed), or
# 30 days pass (expired). Only the person who declined ever sees "declined": everyone else sees
# every ending but a connection as "didn't lead to a connection".
OPEN, CONNECTED, DECLINED, ALREADY_CONNECTED, CLOSED, EXPIRED = (
    "open",
    "connected",
    "declined",
    "already_connected",
    "closed",
    "expired",
)
STATUSES = (OPEN, CONNECTED, DECLINED, ALREADY_CONNECTED, CLOSED, EXPIRED)
YES, NO = "accepted", "declined"


class Introduction(db.Model):
    """One member introducing two of their connections, with a note, and each one's answer."""

    __table_args__ = (
        Index(
            "uq_introduction_open_pair",
            "first_id",
            "second_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_introduction_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    introducer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    first_answer: Mapped[str | None] = mapped_column(String(10))
    second_answer: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("connection.id", ondelete="SET NULL"))

    introducer: Mapped[User] = relationship(foreign_keys=[introducer_id])
    first: Mapped[User] = relationship(foreign_keys=[first_id])
    second: Mapped[User] = relationship(foreign_keys=[second_id])

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def involves(self, user: User) -> bool:
        return user.id in (self.introducer_id, self.first_id, self.second_id)

    def other(self, user: User) -> User:
        """The person `user` (one of the pair) is introduced to."""
        return self.second if user.id == self.first_id else self.first

    def answer_of(self, user: User) -> str | None:
        """The answer `user` (one of the pair) gave: never shown to anyone but them."""
        return self.first_answer if user.id == self.first_id else self.second_answer

    def outcome_for(self, user: User) -> str:
        """How the introduction's state reads to `user`: a decline is named only to the decliner."""
        if self.status == OPEN:
            mine = self.answer_of(user) if user.id != self.introducer_id else None
            return "You accepted: waiting" if mine == YES else "Waiting for answers"
        if self.status == CONNECTED:
            return "Led to a connection"
        if self.status == ALREADY_CONNECTED:
            return "Already connected"
        if self.status == DECLINED and user.id != self.introducer_id and self.answer_of(user) == NO:
            return "You declined"
        return "Didn't lead to a connection"

    def __repr__(self) -> str:
        pair = f"{self.first_id}+{self.second_id}"
        return f"<Introduction {self.id} by {self.introducer_id}: {pair} {self.status}>"
