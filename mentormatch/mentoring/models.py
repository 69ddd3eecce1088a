"""Mentoring and peer requests, and the connections they become."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

MENTORING = "mentoring"  # a mentee asks a more senior, approved mentor
PEER = "peer"  # symmetric: either may ask, the other accepts
KINDS = (MENTORING, PEER)

PENDING, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED = "pending", "accepted", "declined", "withdrawn", "expired"
STATUSES = (PENDING, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED)


class RequestEnd(StrEnum):
    """Why a request stopped waiting without being accepted: its stored `ended_because`.

    The status says what happened (declined, withdrawn, expired); the code says why, which the status
    alone can't for a withdrawal. Each is set by the one code path that ends a request that way.
    """

    DECLINED = "declined"  # the person asked said no
    WITHDRAWN = "withdrawn"  # the sender took it back themselves
    MATCHED_ELSEWHERE = "matched_elsewhere"  # another mentor accepted the mentee, or a round matched them
    MENTOR_UNAVAILABLE = "mentor_unavailable"  # the mentor paused, was suspended, or went back for approval
    ACCOUNT_CLOSED = "account_closed"  # one of the two closed their account
    EXPIRED = "expired"  # no answer in time

    @property
    def status(self) -> str:
        """The request's status once it has ended this way."""
        if self is RequestEnd.DECLINED:
            return DECLINED
        if self is RequestEnd.EXPIRED:
            return EXPIRED
        return WITHDRAWN


# The code a status implies when nothing more is known: a withdrawal is then the sender's own.
END_OF_STATUS = {DECLINED: RequestEnd.DECLINED, WITHDRAWN: RequestEnd.WITHDRAWN, EXPIRED: RequestEnd.EXPIRED}


def _end_of_inserted(context) -> str | None:
    """A row inserted already ended without saying why (by hand, in bulk) gets its status's code."""
    return END_OF_STATUS.get(context.get_current_parameters().get("status"))


class MentoringRequest(db.Model):
    """One person asking another for mentoring, or to connect as peers.

    Status moves only forward from pending, each time by one conditional UPDATE
    (mentoring/deciding.py), so a double click or two racing tabs decide it once.
    """

    __tablename__ = "mentoring_request"
    __table_args__ = (
        # One open request per pair and kind; the partial index works on SQLite and PostgreSQL.
        Index(
            "uq_mentoring_request_pending_pair",
            "kind",
            "sender_id",
            "recipient_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_mentoring_request_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    # Why it ended, as a RequestEnd; None while pending, and once accepted.
    ended_because: Mapped[str | None] = mapped_column(String(20), default=_end_of_inserted)
    # The words shown with the ending: the recipient's when they declined; ours when we withdrew it
    # (matched elsewhere, the mentor unavailable, an account closed). Never compared: see ended_because.
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nudged_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime
    )  # the 3-day reminder (mentoring/nudges.py)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])

    @property
    def is_pending(self) -> bool:
        return self.status == PENDING

    def other(self, user: User) -> User:
        """The person on the other side from `user`."""
        return self.recipient if user.id == self.sender_id else self.sender

    def __repr__(self) -> str:
        return f"<MentoringRequest {self.id} {self.kind} {self.sender_id}→{self.recipient_id} {self.status}>"


class Connection(db.Model):
    """Two members connected: a mentor and mentee, or two peers. Ending it keeps the row.

    For mentoring, `first` is the mentor and `second` the mentee; for peers, `first` has the
    lower id, so a pair has one row whichever of them asked.
    """

    __table_args__ = (
        Index(
            "uq_connection_active_pair",
            "kind",
            "first_id",
            "second_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    first_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_request.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(Text)
    # When both were prompted after 45 quiet days (mentoring/nudges.py); once per connection.
    quiet_prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    first: Mapped[User] = relationship(foreign_keys=[first_id])
    second: Mapped[User] = relationship(foreign_keys=[second_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def mentor(self) -> User | None:
        return self.first if self.kind == MENTORING else None

    @property
    def mentee(self) -> User | None:
        return self.second if self.kind == MENTORING else None

    def other(self, user: User) -> User:
        """The person on the other side from `user`."""
        return self.second if user.id == self.first_id else self.first

    def role_of(self, user: User) -> str:
        """What the other person is to `user`: 'mentor', 'mentee' or 'peer'."""
        if self.kind == PEER:
            return "peer"
        return "mentee" if user.id == self.first_id else "mentor"
